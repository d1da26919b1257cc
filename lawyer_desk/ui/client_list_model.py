"""The client list as a lazy table model: it holds ids, and fetches rows a page at a time.

Filtering and sorting re-query the ids in SQL (``core.client_list``); a proxy model over
100k rows would take seconds to sort. Row data is fetched when the view first asks for a
row, one page of ids at a time, and kept in a bounded LRU cache.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QGuiApplication
from sqlalchemy.orm import Session

from lawyer_desk.core import client_list
from lawyer_desk.core.client_list import ClientFilter, ClientRow, IdList, SortColumn, SortKey
from lawyer_desk.core.codes import country_name
from lawyer_desk.core.errors import StoreError
from lawyer_desk.core.vocab import AlertStatus, CaseStatus, CustodyStatus

SessionFactory = Callable[[], AbstractContextManager[Session]]
Index = QModelIndex | QPersistentModelIndex



class Column(IntEnum):
    NAME = 0
    MATCH = 1  # the search snippet, next to the name; shown only while searching
    OTHER_NAMES = 2
    NATIONALITY = 3
    CUSTODY = 4
    REQUESTING = 5
    DEADLINE = 6
    STATUS = 7


COL_NAME, COL_OTHER_NAMES, COL_NATIONALITY, COL_CUSTODY = Column.NAME, Column.OTHER_NAMES, Column.NATIONALITY, \
    Column.CUSTODY
COL_REQUESTING, COL_DEADLINE, COL_STATUS, COL_MATCH = Column.REQUESTING, Column.DEADLINE, Column.STATUS, Column.MATCH
COLUMN_COUNT = len(Column)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw value of the cell (date, tuple, enum…)
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 2  # the row's ClientRow
CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 3

# Header columns the SQL can sort by. The match column is the search ranking (no key).
SORT_COLUMNS: dict[int, SortColumn | None] = {
    COL_NAME: SortColumn.display_name, COL_NATIONALITY: SortColumn.nationality, COL_CUSTODY: SortColumn.custody,
    COL_REQUESTING: SortColumn.requesting_countries, COL_DEADLINE: SortColumn.next_deadline,
    COL_STATUS: SortColumn.status, COL_MATCH: None,
}
COLUMN_OF_SORT = {value: column for column, value in SORT_COLUMNS.items() if value is not None}

# The roles as plain ints: Qt passes an int, and comparing it with enum members costs more
# than the rest of ``data`` (which a view calls for every cell and role it paints).
_DISPLAY, _TOOLTIP, _FOREGROUND = (int(role) for role in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole))
_SORT, _OBJECT, _CASE_ID = int(SORT_ROLE), int(OBJECT_ROLE), int(CASE_ID_ROLE)
_ROLES = frozenset({_DISPLAY, _TOOLTIP, _FOREGROUND, _SORT, _OBJECT, _CASE_ID})
_NAME_SEPARATOR = " · "
# Rows per fetch: about a screenful. A page is one query, but its rows lie scattered over the
# store (one database page each, decrypted when first read): at 100k clients 40 rows take
# 3-8 ms, a fair share of the budget of a keystroke in search-as-you-type.
PAGE_SIZE = 40


class ClientListModel(QAbstractTableModel):
    """Rows of ``client_list.client_ids``; cells from ``client_list.client_rows``."""

    def __init__(self, session_factory: SessionFactory, parent: QObject | None = None, *,
                 page_size: int = PAGE_SIZE, cache_rows: int = 2000, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self._session = session_factory
        self.page_size = page_size
        self._cache_rows = max(cache_rows, page_size)
        self._today = today
        self._filter = ClientFilter()
        self._list_sort = client_list.DEFAULT_SORT
        self._search_sort: SortKey | None = None  # None: the search ranking
        self._ids = IdList()
        self._rows: OrderedDict[int, ClientRow] = OrderedDict()
        self._gone: set[int] = set()  # ids deleted since the list was queried
        self.page_fetches = 0
        self.retranslate()
        self._ids = self._query()

    # -- labels -------------------------------------------------------------------------
    def retranslate(self) -> None:
        """Build the translated labels (again, after the interface language changed)."""
        self._headers = {
            Column.NAME: self.tr("Name"), Column.MATCH: self.tr("Match"), Column.OTHER_NAMES: self.tr("Other names"),
            Column.NATIONALITY: self.tr("Nationality"), Column.CUSTODY: self.tr("Custody"),
            Column.REQUESTING: self.tr("Requested by"), Column.DEADLINE: self.tr("Next deadline"),
            Column.STATUS: self.tr("Status")}
        self._header_tips = {
            Column.NAME: self.tr("The name the case is filed under"),
            Column.MATCH: self.tr("Where the search text was found; click to order by relevance"),
            Column.OTHER_NAMES: self.tr("Every other spelling, in any script"),
            Column.NATIONALITY: self.tr("Nationalities (ISO country codes)"),
            Column.CUSTODY: self.tr("Custody status and place of detention"),
            Column.REQUESTING: self.tr("Countries whose alerts target the client"),
            Column.DEADLINE: self.tr("The nearest open deadline; overdue and due soon are marked"),
            Column.STATUS: self.tr("Case status: open, closed or archived")}
        self.custody_labels = {
            CustodyStatus.free: self.tr("Free"), CustodyStatus.detained: self.tr("Detained"),
            CustodyStatus.bail: self.tr("On bail"), CustodyStatus.house_arrest: self.tr("House arrest"),
            CustodyStatus.unknown: self.tr("Unknown", "custody"),
        }
        self.status_labels = {CaseStatus.open: self.tr("Open"), CaseStatus.closed: self.tr("Closed"),
                              CaseStatus.archived: self.tr("Archived")}
        self.alert_status_labels = {
            AlertStatus.requested: self.tr("Requested"), AlertStatus.published: self.tr("Published"),
            AlertStatus.challenged: self.tr("Challenged"), AlertStatus.suspended: self.tr("Suspended"),
            AlertStatus.deleted: self.tr("Deleted"), AlertStatus.maintained: self.tr("Maintained"),
            AlertStatus.cancelled_by_source: self.tr("Cancelled by the requesting country"),
            AlertStatus.unknown: self.tr("Unknown", "alert status"),
        }
        if self._ids:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, COLUMN_COUNT - 1)
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, COLUMN_COUNT - 1))

    # -- the Qt model -------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._ids.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # Qt's own asks rowCount and columnCount first: two calls into Python for every cell.
        if 0 <= row < len(self._ids.ids) and 0 <= column < COLUMN_COUNT and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < COLUMN_COUNT:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tips[section]
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if role not in _ROLES:
            return None
        number = index.row()  # -1 for an invalid index
        if not 0 <= number < len(self._ids.ids):
            return None
        if role == _CASE_ID:
            return self._ids.ids[number]
        row = self.row_at(number)
        if row is None:
            return None
        if role == _DISPLAY:
            return self._display(row, index.column())
        if role == _TOOLTIP:
            return self._tooltip(row, index.column())
        if role == _FOREGROUND:
            return self._foreground(row, index.column())
        return self._raw(row, index.column()) if role == _SORT else row

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Re-query the ids in the new order. -1 (or the match column) is the default order."""
        if column >= 0 and column not in SORT_COLUMNS:
            return  # not a sortable column: the view puts its indicator back
        by = SORT_COLUMNS.get(column)
        key = SortKey(by, order == Qt.SortOrder.DescendingOrder) if by is not None else None
        if self._ids.searching:
            if key == self._search_sort:
                return
            self._search_sort = key
        else:
            key = key or client_list.DEFAULT_SORT
            if key == self._list_sort:
                return
            self._list_sort = key
        self._reorder(self._query())

    # -- the list -----------------------------------------------------------------------
    @property
    def filter(self) -> ClientFilter:
        return self._filter

    @property
    def ids(self) -> IdList:
        return self._ids

    @property
    def capped(self) -> bool:
        return self._ids.capped

    @property
    def searching(self) -> bool:
        return self._ids.searching

    def current_sort(self) -> SortKey | None:
        """The order shown: a column, or None for the search ranking."""
        return self._search_sort if self._ids.searching else self._list_sort

    def sort_section(self) -> tuple[int, Qt.SortOrder]:
        """The header section and order to show as the sort indicator (-1: the ranking)."""
        key = self.current_sort()
        if key is None:
            return -1, Qt.SortOrder.AscendingOrder
        return COLUMN_OF_SORT[key.column], (Qt.SortOrder.DescendingOrder if key.descending
                                            else Qt.SortOrder.AscendingOrder)

    @staticmethod
    def sortable(column: int) -> bool:
        return column in SORT_COLUMNS

    def set_filter(self, flt: ClientFilter, *, requery: bool = False) -> None:
        """Show the clients ``flt`` lets through; a new search text starts in ranking order.

        Text that changes nothing to search (a first letter) changes nothing to the list,
        unless ``requery`` asks to read the store again anyway.
        """
        same_list = (replace(flt, text="") == replace(self._filter, text="")
                     and flt.search_text == self._filter.search_text)
        if flt.search_text != self._filter.search_text:
            self._search_sort = None
        self._filter = flt
        if requery or not same_list:
            self.refresh()

    def refresh(self) -> None:
        """Query the ids again and forget every cached row (after any change to the store)."""
        self.beginResetModel()
        self._rows.clear()
        self._gone.clear()
        self._ids = self._query()
        self.endResetModel()

    def refresh_rows(self, case_ids: Iterable[int]) -> None:
        """Fetch these clients again; rows of clients deleted meanwhile are removed."""
        wanted = [cid for cid in dict.fromkeys(case_ids) if self.row_of(cid) is not None]
        if not wanted:
            return
        fresh = self._fetch(wanted)
        for cid in wanted:
            if cid in fresh:
                self._remember(cid, fresh[cid])
                row = self.row_of(cid)
                assert row is not None
                self.dataChanged.emit(self.index(row, 0), self.index(row, COLUMN_COUNT - 1))
            else:
                self._remove(cid)

    def case_id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, case_id: int) -> int | None:
        try:
            return self._ids.ids.index(case_id)
        except ValueError:
            return None

    def row_at(self, row: int) -> ClientRow | None:
        """The row's data, fetching its page when it is not cached."""
        cid = self._ids.ids[row]
        cached = self._rows.get(cid)
        if cached is not None:
            self._rows.move_to_end(cid)
            return cached
        if cid in self._gone:
            return None
        start = row - row % self.page_size
        page = [i for i in self._ids.ids[start:start + self.page_size] if i not in self._rows]
        try:
            fetched = self._fetch(page)
        except StoreError:  # the store was closed (locked, or the program is closing): show nothing
            return None
        self.page_fetches += 1
        for i in page:
            if i in fetched:
                self._remember(i, fetched[i])
            else:
                self._gone.add(i)
        return fetched.get(cid)

    # -- inside -------------------------------------------------------------------------
    def _query(self) -> IdList:
        sort = self._search_sort if self._filter.search_text else self._list_sort
        with self._session() as session:
            return client_list.client_ids(session, self._filter, sort)

    def _fetch(self, ids: list[int]) -> dict[int, ClientRow]:
        with self._session() as session:
            return client_list.client_rows(session, ids, self._today(), self._ids.snippets_for(session, ids))

    def _remember(self, cid: int, row: ClientRow) -> None:
        self._rows[cid] = row
        self._rows.move_to_end(cid)
        while len(self._rows) > self._cache_rows:
            self._rows.popitem(last=False)

    def _remove(self, cid: int) -> None:
        row = self.row_of(cid)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        ids = list(self._ids.ids)
        del ids[row]
        self._ids = dataclasses.replace(self._ids, ids=ids)
        self._rows.pop(cid, None)
        self.endRemoveRows()

    def _reorder(self, ids: IdList) -> None:
        """A new order of the same clients: keep the selection and current row (persistent indexes)."""
        if len(ids) != len(self._ids):
            self.beginResetModel()
            self._ids = ids
            self.endResetModel()
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        moved_ids = [self._ids[i.row()] for i in persistent]
        self._ids = ids
        position = {cid: self.row_of(cid) for cid in set(moved_ids)}
        self.changePersistentIndexList(persistent, [
            self.index(row, i.column()) if (row := position[cid]) is not None else QModelIndex()
            for cid, i in zip(moved_ids, persistent, strict=True)])
        self.layoutChanged.emit()

    # -- cells --------------------------------------------------------------------------
    def _display(self, row: ClientRow, column: int) -> str | None:
        match column:
            case Column.NAME:
                return row.display_name
            case Column.OTHER_NAMES:
                return _NAME_SEPARATOR.join(row.other_names)
            case Column.NATIONALITY:
                return ", ".join(row.nationalities)
            case Column.CUSTODY:
                label = self.custody_labels[row.custody_status]
                return f"{label} — {row.custody_facility}" if row.custody_facility else label
            case Column.REQUESTING:
                return ", ".join(row.requesting_countries)
            case Column.DEADLINE:
                return self.deadline_text(row)
            case Column.STATUS:
                return self.status_labels[row.status]
            case Column.MATCH:
                return row.snippet or ""
        return None

    def deadline_text(self, row: ClientRow) -> str:
        """The next deadline; overdue and due soon are said in words, not only in colour."""
        if row.next_deadline is None:
            return ""
        day = row.next_deadline.isoformat()
        if row.overdue:
            return self.tr("⚠ Overdue · {date}").format(date=day)
        if row.due_soon:
            return self.tr("Due soon · {date}").format(date=day)
        return day

    def _tooltip(self, row: ClientRow, column: int) -> str | None:
        match column:
            case Column.NAME | Column.OTHER_NAMES:
                return "\n".join(row.names)
            case Column.NATIONALITY:
                return "\n".join(country_name(code) for code in row.nationalities) or None
            case Column.CUSTODY:
                return row.custody_facility or self.custody_labels[row.custody_status]
            case Column.REQUESTING:
                lines = [country_name(code) for code in row.requesting_countries]
                if row.alert_statuses:
                    lines.append(self.tr("Alerts: {statuses}").format(
                        statuses=", ".join(self.alert_status_labels[s] for s in row.alert_statuses)))
                return "\n".join(lines) or None
            case Column.DEADLINE:
                if row.next_deadline is None:
                    return self.tr("No open deadline")
                return "\n".join(filter(None, (self.deadline_text(row), row.next_deadline_title)))
            case Column.MATCH:
                return "\n".join((row.snippet or "", "", *row.names)).strip()
        return self._display(row, column) or None

    def _foreground(self, row: ClientRow, column: int) -> QColor | None:
        if column == COL_DEADLINE and (row.overdue or row.due_soon):
            return _colour("urgent" if row.overdue else "soon")
        if column == COL_CUSTODY and row.detained:
            return _colour("urgent")
        return None

    def _raw(self, row: ClientRow, column: int) -> Any:
        return {COL_NAME: row.display_name, COL_OTHER_NAMES: row.other_names, COL_NATIONALITY: row.nationalities,
                COL_CUSTODY: row.custody_status, COL_REQUESTING: row.requesting_countries,
                COL_DEADLINE: row.next_deadline, COL_STATUS: row.status, COL_MATCH: row.snippet}.get(column)


_COLOURS = {"urgent": ("#b3261e", "#ff8a80"), "soon": ("#8a5300", "#ffb74d")}  # (light, dark) backgrounds


def _colour(kind: str) -> QColor:
    """Red or amber readable on the palette in use (light or dark)."""
    light, dark = _COLOURS[kind]
    base = QGuiApplication.palette().base().color()
    return QColor(dark if base.lightness() < 128 else light)
