"""The dashboard's rows: a lazy table model over the agenda, and how each cell reads.

``AgendaModel`` holds the agenda's ids only (``core.deadlines.agenda.agenda_index``: one query
that filters, sorts and counts in SQL) and reads the rows Qt asks to show a page at a time
(``agenda_rows``), keeping them in a bounded cache, as the client list does: 20,000 deadlines
cost one query of ids until they are painted, and a header click is one more (cached rows
stay, since they are kept by id). Urgency is marked three ways, so that it never depends on
colour alone: words ("Overdue by 3 days"), an icon, and the colours. Tested without any widget.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import date, time, tzinfo
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QLocale, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from lawyer_desk.core.codes import country_name
from lawyer_desk.core.deadlines.agenda import (
    AgendaFilter,
    AgendaIndex,
    AgendaItem,
    AgendaOrder,
    AgendaSort,
    Urgency,
    agenda_index,
    agenda_rows,
    cutoff_text,
)
from lawyer_desk.core.errors import StoreError
from lawyer_desk.ui.case_view.deadlines import CLOSED_TEXT, COLOURS
from lawyer_desk.ui.icons import icon
from lawyer_desk.ui.labels import label
from lawyer_desk.ui.local_time import local_zone

SessionFactory = Callable[[], AbstractContextManager[Session]]
Places = Mapping[str, tuple[str, str]]  # rule id → (zone, place): ``rules.cutoff_places``
Index = QModelIndex | QPersistentModelIndex

OBJECT_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
DEADLINE_ID_ROLE = Qt.ItemDataRole.UserRole + 3
RANK = {Urgency.overdue: 0, Urgency.today: 1, Urgency.this_week: 2, Urgency.later: 3, Urgency.done: 4}
ICONS = {Urgency.overdue: "circle-alert", Urgency.today: "clock-alert", Urgency.this_week: "calendar-clock",
         Urgency.later: "calendar", Urgency.done: "check"}
# Rows per read: a screenful and some. One page is one query by primary key (~2 ms).
PAGE_SIZE = 50
CACHE_ROWS = 2000


class Column(IntEnum):
    URGENCY = 0
    DUE = 1
    CUTOFF = 2
    DAYS_LEFT = 3
    CASE = 4
    CLIENT = 5
    DEADLINE = 6
    FORUM = 7
    COUNTRY = 8
    LAWYER = 9
    SLIPPAGE = 10


# What a header click sorts by, in SQL; the cut-off and days left sort as the due date does.
SORT_ORDERS = {
    Column.URGENCY: AgendaOrder.urgency, Column.DUE: AgendaOrder.due, Column.CUTOFF: AgendaOrder.due,
    Column.DAYS_LEFT: AgendaOrder.due, Column.CASE: AgendaOrder.case, Column.CLIENT: AgendaOrder.client,
    Column.DEADLINE: AgendaOrder.title, Column.FORUM: AgendaOrder.forum, Column.COUNTRY: AgendaOrder.country,
    Column.LAWYER: AgendaOrder.lawyer, Column.SLIPPAGE: AgendaOrder.slippage,
}
_ROLES = {Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole,
          Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.FontRole,
          Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.AccessibleDescriptionRole, SORT_ROLE, OBJECT_ROLE,
          DEADLINE_ID_ROLE}
_END_OF_DAY = time.max
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def no_places() -> Places:
    return {}


class AgendaModel(QAbstractTableModel):
    """The agenda's ids in the order of the header's sort; rows read when shown, cells formatted then."""

    def __init__(self, session_factory: SessionFactory, parent: QWidget | None = None, *,
                 today: Callable[[], date] = date.today, local_zone: Callable[[], tzinfo] = local_zone,
                 places: Callable[[], Places] = no_places, page_size: int = PAGE_SIZE,
                 cache_rows: int = CACHE_ROWS) -> None:
        super().__init__(parent)
        self._session = session_factory
        self.today, self.local_zone, self.places = today, local_zone, places
        self.page_size = page_size
        self._cache_rows = max(cache_rows, page_size)
        self._filter = AgendaFilter()
        self._sort = AgendaSort()
        self._index = AgendaIndex(today())
        # Rows by id, first in first out: a page read again now and then costs less than keeping
        # the order of use at each of the thousands of calls of a paint.
        self._rows: OrderedDict[int, AgendaItem] = OrderedDict()
        self._texts: dict[int, tuple[str, ...]] = {}  # deadline id → the row's cells as shown
        self._gone: set[int] = set()  # ids deleted since the list was read
        self._places: Places | None = None  # read with the first page after each load
        self._zone: tzinfo = local_zone()
        self.loaded = False
        self.page_fetches = 0
        self.bold_font = QFont()
        self.bold_font.setBold(True)
        self._headers = {
            Column.URGENCY: self.tr("Urgency"), Column.DUE: self.tr("Due"), Column.CUTOFF: self.tr("Cut-off"),
            Column.DAYS_LEFT: self.tr("Days left"),
            Column.CASE: self.tr("Case"), Column.CLIENT: self.tr("Client"), Column.DEADLINE: self.tr("Deadline"),
            Column.FORUM: self.tr("Forum"), Column.COUNTRY: self.tr("Country"), Column.LAWYER: self.tr("Lawyer"),
            Column.SLIPPAGE: self.tr("Statutory / actual"),
        }

    # -- the list -----------------------------------------------------------------------
    def load(self, flt: AgendaFilter | None = None) -> None:
        """Read the list again (with ``flt``, else the filter in use) and forget every cached row:
        after any change to the store, a new filter, or a new day."""
        if flt is not None:
            self._filter = flt
        today = self.today()
        with self._session() as session:
            index = agenda_index(session, today, self._filter, self._sort)
        self.beginResetModel()
        self._index = index
        self._rows.clear()
        self._texts.clear()
        self._gone.clear()
        self._places = None
        self._zone = self.local_zone()
        self.loaded = True
        self.endResetModel()

    @property
    def filter(self) -> AgendaFilter:
        return self._filter

    @property
    def agenda(self) -> AgendaIndex:
        """The ids shown, in order, with the urgency counts and the ids not open."""
        return self._index

    def counts(self) -> dict[Urgency, int]:
        return dict(self._index.counts)

    def deadline_id_at(self, row: int) -> int | None:
        return self._index[row] if 0 <= row < len(self._index) else None

    def row_of(self, deadline_id: int) -> int | None:
        return self._index.row_of(deadline_id)

    def is_open(self, row: int) -> bool:
        """Whether the row's deadline is open (not done, not missed), without reading the row."""
        did = self.deadline_id_at(row)
        return did is not None and did not in self._index.settled

    def item(self, row: int) -> AgendaItem | None:
        """The row's deadline, reading its page when it is not cached (None if it was deleted)."""
        ids = self._index.ids
        if not 0 <= row < len(ids):
            return None
        did = ids[row]
        cached = self._rows.get(did)
        if cached is not None:
            return cached
        if did in self._gone:
            return None
        start = row - row % self.page_size
        self._read([i for i in self._index.ids[start:start + self.page_size] if i not in self._rows])
        return self._rows.get(did)

    def items(self, rows: Iterable[int]) -> list[AgendaItem]:
        """The deadlines of these rows (a selection, maybe of thousands), in one read for those not cached."""
        ids = [did for row in rows if (did := self.deadline_id_at(row)) is not None]
        found = {did: item for did in ids if (item := self._rows.get(did)) is not None}
        found |= self._read([did for did in ids if did not in found and did not in self._gone])
        return [found[did] for did in ids if did in found]

    def _read(self, ids: list[int]) -> dict[int, AgendaItem]:
        """Read these rows into the cache; returns them (the cache may not keep them all)."""
        if not ids:
            return {}
        try:
            if self._places is None:
                self._places = self.places()
            with self._session() as session:
                fetched = agenda_rows(session, self._index.today, ids, places=self._places)
        except StoreError:  # the store was closed (locked, or the program is closing): show nothing
            return {}
        self.page_fetches += 1
        for did in ids:
            if did in fetched:
                self._rows[did] = fetched[did]
            else:
                self._gone.add(did)
        while len(self._rows) > self._cache_rows:
            evicted, _item = self._rows.popitem(last=False)
            self._texts.pop(evicted, None)
        return fetched

    @property
    def cached_rows(self) -> int:
        return len(self._rows)

    # -- Qt -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._index)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for seven roles of every cell at every paint: the common roles come first, and
        # a row's texts are formatted once (``_texts``) until the list is read again.
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            texts = self._row_texts(row)
            return texts[column] if texts is not None else None
        if role not in _ROLES:
            return None
        if role == DEADLINE_ID_ROLE:
            return self.deadline_id_at(row)
        item = self.item(row)
        if item is None:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            colours = COLOURS.get(item.urgency)
            return colours[0] if colours else None
        if role == Qt.ItemDataRole.ForegroundRole:
            colours = COLOURS.get(item.urgency)
            if colours:
                return colours[1]
            return CLOSED_TEXT if item.urgency is Urgency.done else None
        if role == Qt.ItemDataRole.DecorationRole:
            return urgency_icon(item.urgency) if column == Column.URGENCY else None
        if role == Qt.ItemDataRole.FontRole:
            return self.bold_font if column == Column.URGENCY and item.urgency is Urgency.overdue else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column == Column.DAYS_LEFT else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(item, Column(column))
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return urgency_words(item) if column == Column.URGENCY else None
        if role == SORT_ROLE:
            return raw_value(item, Column(column))
        return item  # OBJECT_ROLE

    def _row_texts(self, row: int) -> tuple[str, ...] | None:
        did = self.deadline_id_at(row)
        if did is None:
            return None
        texts = self._texts.get(did)
        if texts is None:
            item = self.item(row)
            if item is None:
                return None
            texts = self._texts[did] = tuple(self.text(item, column) for column in Column)
        return texts

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Read the ids again in the new order (SQL); the selection and cached rows stay."""
        if column not in SORT_ORDERS:
            return
        key = AgendaSort(SORT_ORDERS[Column(column)], order == Qt.SortOrder.DescendingOrder)
        if key == self._sort:
            return
        self._sort = key
        if not self.loaded:
            return  # the first load reads in this order
        with self._session() as session:
            index = agenda_index(session, self._index.today, self._filter, key)
        self._reorder(index)

    def _reorder(self, index: AgendaIndex) -> None:
        """A new order of the same deadlines: persistent indexes (selection, current row) follow them."""
        if len(index) != len(self._index):
            self.beginResetModel()
            self._index = index
            self.endResetModel()
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        moved = [self._index[i.row()] for i in persistent]
        self._index = index
        self.changePersistentIndexList(persistent, [
            self.index(row, i.column()) if (row := index.row_of(did)) is not None else QModelIndex()
            for did, i in zip(moved, persistent, strict=True)])
        self.layoutChanged.emit()

    # -- cells --------------------------------------------------------------------------
    def text(self, item: AgendaItem, column: Column) -> str:
        match column:
            case Column.URGENCY:
                return urgency_words(item)
            case Column.DUE:
                return day_text(item.due_date)
            case Column.CUTOFF:
                return cutoff_text(item.due_date, item.due_time, item.time_zone, self._zone, place=item.place)
            case Column.DAYS_LEFT:
                return str(item.days_left)
            case Column.CASE:
                return item.case_reference
            case Column.CLIENT:
                return item.client_name
            case Column.DEADLINE:
                return item.title
            case Column.FORUM:
                return label(item.forum) if item.forum else ""
            case Column.COUNTRY:
                return item.country or ""
            case Column.LAWYER:
                return item.lawyer or ""
            case Column.SLIPPAGE:
                return slippage_text(item)
        return ""

    def tooltip(self, item: AgendaItem, column: Column) -> str:
        if column is Column.COUNTRY and item.country:
            return f"{item.country} – {country_name(item.country)}"
        if column is Column.SLIPPAGE:
            return slippage_tooltip(item)
        if column is Column.DEADLINE and item.rule_id:
            return self.tr("%1\nComputed by the rule %2").replace("%1", item.title).replace("%2", item.rule_id)
        return self.text(item, column)


def raw_value(item: AgendaItem, column: Column) -> Any:
    """The raw value of a cell (a date, a number, a code), as its column sorts by it."""
    match column:
        case Column.URGENCY:
            return RANK[item.urgency]
        case Column.DUE | Column.CUTOFF:
            return item.due_date, item.due_time or _END_OF_DAY
        case Column.DAYS_LEFT:
            return item.days_left
        case Column.CASE:
            return item.case_reference
        case Column.CLIENT:
            return item.client_name
        case Column.DEADLINE:
            return item.title
        case Column.FORUM:
            return item.forum
        case Column.COUNTRY:
            return item.country
        case Column.LAWYER:
            return item.lawyer
        case Column.SLIPPAGE:
            return item.slippage_days
    return None


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("Dashboard", text, None, n)


def urgency_words(item: AgendaItem) -> str:
    """The urgency in words, so that it never depends on colour."""
    days = item.days_left
    match item.urgency:
        case Urgency.overdue:
            return _tr("Overdue by 1 day") if days == -1 else _tr("Overdue by %n days", -days)
        case Urgency.today:
            return _tr("Due today")
        case Urgency.this_week:
            return _tr("Due tomorrow") if days == 1 else _tr("This week: in %n days", days)
        case Urgency.later:
            return _tr("In %n days", days)
        case Urgency.done:
            return _tr("Done")
    return ""


_icons: dict[Urgency, QIcon] = {}


def urgency_icon(level: Urgency) -> QIcon:
    """The icon of an urgency, rendered once (the view asks for it on every paint)."""
    if level not in _icons:
        _icons[level] = icon(ICONS[level])
    return _icons[level]


def day_text(day: date) -> str:
    """'Tue 2026-12-15': the weekday in the interface language, the date unambiguous."""
    weekday = QLocale().dayName(day.isoweekday(), QLocale.FormatType.ShortFormat)
    return f"{weekday} {day.isoformat()}"


def slippage_text(item: AgendaItem) -> str:
    """'2026-11-16 / 2026-12-22 · 36 days late' (statutory / actual, as the column's header says)."""
    if item.statutory_date is None and item.actual_date is None:
        return ""
    statutory = item.statutory_date.isoformat() if item.statutory_date else "—"
    if item.actual_date is None:
        return statutory
    text = f"{statutory} / {item.actual_date.isoformat()}"
    slip = item.slippage_days
    if slip:
        text += " · " + (_tr("%1 days late").replace("%1", str(slip)) if slip > 0
                         else _tr("%1 days early").replace("%1", str(-slip)))
    return text


def slippage_tooltip(item: AgendaItem) -> str:
    parts = []
    if item.statutory_date is not None:
        parts.append(_tr("Statutory date: %1").replace("%1", item.statutory_date.isoformat()))
    if item.actual_date is not None:
        parts.append(_tr("Actual date: %1").replace("%1", item.actual_date.isoformat()))
    slip = item.slippage_days
    if slip:
        parts.append(_tr("%1 days after the statutory date").replace("%1", str(slip)) if slip > 0
                     else _tr("%1 days before the statutory date").replace("%1", str(-slip)))
    return "\n".join(parts)
