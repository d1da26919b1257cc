"""The dashboard's rows: a table model over ``AgendaItem``s, and how each cell reads.

``AgendaModel`` holds the agenda as the core returns it (plain frozen rows, in due order) and
formats only the cells Qt asks for, so a list of 20,000 deadlines costs nothing until it is
painted. Sorting happens in memory on the column's raw value (``SORT_ROLE``); Python's sort
is stable, so rows of equal value stay in due order. Urgency is marked three ways, so that
it never depends on colour alone: words ("Overdue by 3 days"), an icon, and the colours.
Tested without any widget.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, tzinfo
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QLocale, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QWidget

from lawyer_desk.core.codes import country_name
from lawyer_desk.core.deadlines.agenda import AgendaItem, Urgency, cutoff_text
from lawyer_desk.ui.case_view.deadlines import CLOSED_TEXT, COLOURS
from lawyer_desk.ui.icons import icon
from lawyer_desk.ui.labels import label

OBJECT_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
RANK = {Urgency.overdue: 0, Urgency.today: 1, Urgency.this_week: 2, Urgency.later: 3, Urgency.done: 4}
ICONS = {Urgency.overdue: "circle-alert", Urgency.today: "clock-alert", Urgency.this_week: "calendar-clock",
         Urgency.later: "calendar", Urgency.done: "check"}


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


def local_zone_now() -> tzinfo:
    """The lawyer's time zone now (it changes when the laptop travels)."""
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


_END_OF_DAY = time.max
_NONE_LAST = "\U0010ffff"
# What each column sorts by; the columns not named sort by due date and time.
_PRIMARY: dict[Column, Callable[[AgendaItem], Any]] = {
    Column.URGENCY: lambda item: RANK[item.urgency],
    Column.CASE: lambda item: item.case_reference,
    Column.CLIENT: lambda item: item.client_name.casefold(),
    Column.DEADLINE: lambda item: item.title.casefold(),
    Column.FORUM: lambda item: str(item.forum) if item.forum else _NONE_LAST,
    Column.COUNTRY: lambda item: item.country or _NONE_LAST,
    Column.LAWYER: lambda item: item.lawyer.casefold() if item.lawyer else _NONE_LAST,
    Column.SLIPPAGE: lambda item: item.slippage_days if item.slippage_days is not None else -10**6,
}


class AgendaModel(QAbstractTableModel):
    """Rows of ``AgendaItem``; cells are formatted when shown, sorting happens in memory."""

    def __init__(self, parent: QWidget | None = None, *, local_zone: Callable[[], tzinfo] = local_zone_now) -> None:
        super().__init__(parent)
        self.items: list[AgendaItem] = []
        self._agenda_order: list[AgendaItem] = []
        self.local_zone = local_zone
        self._zone: tzinfo = local_zone()
        self._sort: tuple[int, Qt.SortOrder] = (Column.URGENCY, Qt.SortOrder.AscendingOrder)
        self.bold_font = QFont()
        self.bold_font.setBold(True)
        self._headers = {
            Column.URGENCY: self.tr("Urgency"), Column.DUE: self.tr("Due"), Column.CUTOFF: self.tr("Cut-off"),
            Column.DAYS_LEFT: self.tr("Days left"),
            Column.CASE: self.tr("Case"), Column.CLIENT: self.tr("Client"), Column.DEADLINE: self.tr("Deadline"),
            Column.FORUM: self.tr("Forum"), Column.COUNTRY: self.tr("Country"), Column.LAWYER: self.tr("Lawyer"),
            Column.SLIPPAGE: self.tr("Statutory / actual"),
        }

    # -- rows ---------------------------------------------------------------------------
    def set_items(self, items: list[AgendaItem]) -> None:
        """Show ``items``, which come in the agenda's order (due date, time, client name)."""
        self.beginResetModel()
        self._zone = self.local_zone()
        self._agenda_order = list(items)
        self.items = self._sorted(self._agenda_order, *self._sort)
        self.endResetModel()

    def item(self, row: int) -> AgendaItem:
        return self.items[row]

    def row_of(self, deadline_id: int) -> int | None:
        return next((row for row, item in enumerate(self.items) if item.deadline_id == deadline_id), None)

    def counts(self) -> dict[Urgency, int]:
        found = dict.fromkeys(RANK, 0)
        for item in self.items:
            found[item.urgency] += 1
        return found

    # -- Qt -----------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[Column(section)]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(item, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            colours = COLOURS.get(item.urgency)
            return colours[0] if colours else None
        if role == Qt.ItemDataRole.ForegroundRole:
            colours = COLOURS.get(item.urgency)
            if colours:
                return colours[1]
            return CLOSED_TEXT if item.urgency is Urgency.done else None
        if role == Qt.ItemDataRole.DecorationRole and column is Column.URGENCY:
            return urgency_icon(item.urgency)
        if role == Qt.ItemDataRole.FontRole and item.urgency is Urgency.overdue and column is Column.URGENCY:
            return self.bold_font
        if role == Qt.ItemDataRole.TextAlignmentRole and column is Column.DAYS_LEFT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and column is Column.URGENCY:
            return urgency_words(item)
        if role == SORT_ROLE:
            return self.sort_key(item, column)
        if role == OBJECT_ROLE:
            return item
        return None

    # -- cells --------------------------------------------------------------------------
    def text(self, item: AgendaItem, column: Column) -> str:
        match column:
            case Column.URGENCY:
                return urgency_words(item)
            case Column.DUE:
                return day_text(item.due_date)
            case Column.CUTOFF:
                return cutoff_text(item.due_date, item.due_time, item.time_zone, self._zone)
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

    @staticmethod
    def sort_key(item: AgendaItem, column: Column) -> Any:
        """The raw value a column sorts by (then by due date and time, as the agenda comes)."""
        primary = _PRIMARY.get(column)
        due = (item.due_date, item.due_time or _END_OF_DAY)
        return due if primary is None else (primary(item), *due)

    def _sorted(self, items: list[AgendaItem], column: int, order: Qt.SortOrder) -> list[AgendaItem]:
        """Sorted by the column's value alone: Python's sort is stable, and the agenda comes in due
        order, so equal values stay in due order without building a key of three parts per row."""
        descending = order == Qt.SortOrder.DescendingOrder
        primary = _PRIMARY.get(Column(column))
        if primary is None:  # due date, cut-off, days left: the agenda's own order
            return items[::-1] if descending else list(items)
        return sorted(items, key=primary, reverse=descending)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self.items = self._sorted(self._agenda_order, column, order)
        self.layoutChanged.emit()


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
