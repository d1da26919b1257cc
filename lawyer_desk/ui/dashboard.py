"""The deadline dashboard: every open deadline of every open case, the most pressing first.

The landing page after unlock. ``AgendaModel`` (``ui.agenda_model``) reads the ordered ids of
the whole list and its urgency counts in one query, and the rows a page at a time as they are
painted; the filters (lawyer, forum, country, this case only, show done) and the header's
sort are done in SQL. A cut-off is shown in the forum's time, named after the place its rule
gives ("16:00 Strasbourg time (Europe/Paris)"), and in the lawyer's own zone
(``ui.local_time``). "Mark done" (Ctrl+Enter) is one undoable step; Enter or a double-click
opens the deadline's case at its Deadlines tab.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QFocusEvent, QFontMetrics, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lawyer_desk.core.codes import country_name
from lawyer_desk.core.deadlines.agenda import AgendaChoices, AgendaFilter, AgendaItem, Urgency, agenda_choices
from lawyer_desk.core.deadlines.rules import cutoff_places
from lawyer_desk.core.errors import StoreError
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import DeadlineStatus, Forum
from lawyer_desk.ui import local_time
from lawyer_desk.ui.agenda_model import AgendaModel, Column
from lawyer_desk.ui.case_view.deadlines import COLOURS
from lawyer_desk.ui.deadline_commands import MarkDeadlinesDone
from lawyer_desk.ui.deadline_rule_dialog import rules_folder
from lawyer_desk.ui.icons import icon
from lawyer_desk.ui.labels import label
from lawyer_desk.ui.undo import CaseEvents, push

DAY_CHECK_MS = 60_000  # how often the dashboard looks whether the date has changed
CHOICES_DELAY_MS = 50  # the filters' choices are read this long after the list is shown
_IANA_IN_BRACKETS = re.compile(r" \([A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+\)")

# What a typical cell holds, to size the columns without measuring 20,000 rows. Longer text
# is elided; its tooltip has it all.
_TYPICAL = {Column.URGENCY: "Overdue by 30 days", Column.DUE: "Wed 2026-12-30",
            Column.CUTOFF: "16:00 Warsaw time — 15:00 your time", Column.DAYS_LEFT: "-99",
            Column.CASE: "LD-0000WWWW", Column.CLIENT: "Rustam Nazarov",
            Column.DEADLINE: "Written observations", Column.FORUM: "Extradition court",
            Column.COUNTRY: "PL", Column.LAWYER: "A. Kowalska",
            Column.SLIPPAGE: "2026-11-16 / 2026-12-22 ·"}



class _CutoffDelegate(QStyledItemDelegate):
    """Where the cut-off does not fit, drop the zone's IANA name first ('16:00 Paris time — 15:00 your
    time'), so both times stay in view; eliding in the middle could cut a time in two ('…5:00')."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        text: str = option.text  # type: ignore[attr-defined]
        room = option.rect.width() - 12  # type: ignore[attr-defined]
        metrics = option.fontMetrics  # type: ignore[attr-defined]
        if text and metrics.horizontalAdvance(text) > room:
            option.text = _IANA_IN_BRACKETS.sub("", text)  # type: ignore[attr-defined]


class _FilterBox(QComboBox):
    """A filter whose items are brought up to date before it opens or takes the arrow keys."""

    def __init__(self, ensure: Callable[[], None], parent: QWidget) -> None:
        super().__init__(parent)
        self._ensure = ensure

    def showPopup(self) -> None:
        self._ensure()
        super().showPopup()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._ensure()
        super().focusInEvent(event)


class DeadlineDashboard(QWidget):
    """All deadlines across cases (or of one case), filtered, with Mark done and Open case.

    Emits ``caseRequested(client_id, deadline_id)`` when the lawyer opens a deadline's case.
    """

    caseRequested = Signal(int, int)

    def __init__(self, store: Store, events: CaseEvents, undo: QUndoStack, parent: QWidget | None = None, *,
                 today: Callable[[], date] = date.today,
                 clock: Callable[[], datetime] | None = None,
                 local_zone: Callable[[], tzinfo] = local_time.local_zone) -> None:
        super().__init__(parent)
        self.setObjectName("deadline_dashboard")
        self.store, self.events, self.undo = store, events, undo
        self.today = today
        self.clock = clock or local_time.local_now
        self.case_id: int | None = None
        self._case_label = ""
        # The filters' choices (three scans of the store) are read just after the list is painted,
        # or when a filter is opened first: the lawyer sees the deadlines without waiting for them.
        self._stale = True  # the filter choices must be read (again)
        self._choices_timer = QTimer(self)
        self._choices_timer.setSingleShot(True)
        self._choices_timer.setInterval(CHOICES_DELAY_MS)
        self._choices_timer.timeout.connect(self.ensure_choices)
        self._pending = True  # the rows must be read (again) when the dashboard is next shown
        self._shown_day: date | None = None
        self.model = AgendaModel(store.session, self, today=today, local_zone=local_zone,
                                 places=lambda: cutoff_places(rules_folder(store)))

        self.title = QLabel(self.tr("Deadlines"), self)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.summary = QLabel(self)
        self.summary.setObjectName("dashboard_summary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self.lawyer_filter = self._combo(self.tr("Lawyer"), self.tr("All lawyers"))
        self.forum_filter = self._combo(self.tr("Forum"), self.tr("All forums"))
        self.country_filter = self._combo(self.tr("Country"), self.tr("All countries"))
        self.case_only = QCheckBox(self.tr("This case only"), self)
        self.case_only.setToolTip(self.tr("Show only the deadlines of the case selected in the case list"))
        self.case_only.setEnabled(False)
        self.case_only.toggled.connect(self.reload)
        self.show_done = QCheckBox(self.tr("Show done"), self)
        self.show_done.setToolTip(self.tr("Also show deadlines already marked done"))
        self.show_done.toggled.connect(self.reload)

        self.view = QTableView(self)
        self.view.setObjectName("dashboard_table")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.DEADLINE, QHeaderView.ResizeMode.Stretch)  # takes the room there is
        header.setStretchLastSection(False)
        header.setSortIndicator(Column.URGENCY, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setAccessibleName(self.tr("Deadlines of all cases"))
        self._size_columns()
        self.view.setItemDelegateForColumn(Column.CUTOFF, _CutoffDelegate(self.view))
        self.view.viewport().installEventFilter(self)
        self.view.doubleClicked.connect(lambda _index: self.open_selected())
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)

        self.done_action = QAction(icon("check"), self.tr("Mark &Done"), self)
        self.done_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.done_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.done_action.setToolTip(self.tr("Mark the selected deadlines as done (Ctrl+Enter; Ctrl+Z undoes it)"))
        self.done_action.triggered.connect(self.mark_done)
        self.addAction(self.done_action)
        self.open_action = QAction(self.tr("&Open Case"), self)
        self.open_action.setShortcut(QKeySequence(Qt.Key.Key_Return))
        self.open_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.open_action.triggered.connect(self.open_selected)
        self.view.addAction(self.open_action)
        self.done_button = QPushButton(self.done_action.icon(), self.tr("Mark done"), self)
        self.done_button.setObjectName("dashboard_mark_done")
        self.done_button.setToolTip(self.done_action.toolTip())
        self.done_button.clicked.connect(self.done_action.trigger)
        self.open_button = QPushButton(self.tr("Open case"), self)
        self.open_button.setToolTip(self.tr("Open the case at its Deadlines tab (Enter or double-click)"))
        self.open_button.clicked.connect(self.open_selected)

        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addSpacing(12)
        heading.addWidget(self.summary, 1)
        filters = QHBoxLayout()
        for widget in (self.lawyer_filter, self.forum_filter, self.country_filter):
            filters.addWidget(widget)
        filters.addSpacing(8)
        filters.addWidget(self.case_only)
        filters.addWidget(self.show_done)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        self.count_label = QLabel(self)
        buttons.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        self.setTabOrder(self.lawyer_filter, self.forum_filter)
        self.setTabOrder(self.forum_filter, self.country_filter)
        self.setTabOrder(self.country_filter, self.case_only)
        self.setTabOrder(self.case_only, self.show_done)
        self.setTabOrder(self.show_done, self.view)

        events.changed.connect(self._on_changed)
        # A new day moves deadlines from "this week" to "today" and from "today" to "overdue".
        self.day_timer = QTimer(self)
        self.day_timer.setInterval(DAY_CHECK_MS)
        self.day_timer.timeout.connect(self._check_day)
        self.day_timer.start()
        self._update_buttons()

    def _combo(self, name: str, everything: str) -> QComboBox:
        combo = _FilterBox(self.ensure_choices, self)
        combo.setAccessibleName(name)
        combo.setToolTip(name)
        combo.addItem(everything, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(16)
        combo.currentIndexChanged.connect(self.reload)
        return combo

    def _size_columns(self) -> None:
        padding = 16
        for column, sample in _TYPICAL.items():
            metrics = self.view.fontMetrics()
            extra = 0
            if column is Column.URGENCY:  # bold when overdue, and an icon
                metrics, extra = QFontMetrics(self.model.bold_font), 24
            width = max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(self.model.headerData(
                column, Qt.Orientation.Horizontal) or "")) + padding + extra
            self.view.setColumnWidth(column, width)

    # -- loading ------------------------------------------------------------------------
    def current_filter(self) -> AgendaFilter:
        return AgendaFilter(
            client_id=self.case_id if self.case_only.isChecked() and self.case_id is not None else None,
            lawyer=self.lawyer_filter.currentData(), forum=self.forum_filter.currentData(),
            country=self.country_filter.currentData(), include_done=self.show_done.isChecked())

    def reload(self) -> None:
        """Read the agenda again with the current filters, keeping the selection where it can."""
        selected = self.selected_ids()
        self.model.load(self.current_filter())
        self._shown_day = self.model.agenda.today
        self._show_summary()
        again = QItemSelection()
        for deadline_id in selected:
            row = self.model.row_of(deadline_id)
            if row is not None:
                again.select(self.model.index(row, 0), self.model.index(row, Column.SLIPPAGE))
        if not again.isEmpty():
            self.view.selectionModel().select(again, QItemSelectionModel.SelectionFlag.Select)
        self._update_buttons()

    def ensure_choices(self) -> None:
        """Fill the filters with the lawyers, forums and countries of open cases, if not done
        since they last changed; a chosen value that is gone goes back to "All" (and the list
        is read again)."""
        self._choices_timer.stop()
        if not self._stale:
            return
        try:
            with self.store.session() as session:
                choices = agenda_choices(session)
        except StoreError:  # closed meanwhile (locked, or the program is closing)
            return
        self._stale = False
        before = self.current_filter()
        self._fill_choices(choices)
        if self.current_filter() != before:
            self.reload()

    def _fill_choices(self, choices: AgendaChoices) -> None:
        lists: list[tuple[QComboBox, list[tuple[str, Any]]]] = [
            (self.lawyer_filter, [(name, name) for name in choices.lawyers]),
            (self.forum_filter, [(label(forum), Forum(forum)) for forum in choices.forums]),
            (self.country_filter, [(f"{code} – {country_name(code)}", code) for code in choices.countries]),
        ]
        for combo, entries in lists:
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for text, value in entries:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
            combo.blockSignals(False)

    def _show_summary(self) -> None:
        counts = self.model.counts()
        names = {Urgency.overdue: self.tr("%1 overdue"), Urgency.today: self.tr("%1 due today"),
                 Urgency.this_week: self.tr("%1 this week"), Urgency.later: self.tr("%1 later"),
                 Urgency.done: self.tr("%1 done")}
        parts = []
        for level, text in names.items():
            if level is Urgency.done and not counts[level]:
                continue
            words = text.replace("%1", str(counts[level]))
            colours = COLOURS.get(level)
            if colours and counts[level]:
                background, foreground = colours
                parts.append(f'<span style="background-color:{background.name()}; color:{foreground.name()};">'
                             f"&nbsp;{words}&nbsp;</span>")
            else:
                parts.append(words)
        self.summary.setText(" · ".join(parts))
        self.summary.setAccessibleName(" · ".join(
            text.replace("%1", str(counts[level])) for level, text in names.items()))
        total = self.model.rowCount()
        self.count_label.setText(self.tr("%1 deadlines shown").replace("%1", str(total)) if total != 1
                                 else self.tr("1 deadline shown"))

    def refresh_choices(self) -> None:
        """Read the lawyers, forums and countries again (after the next load)."""
        self._stale = True

    def _on_changed(self, table: str, _client_id: int) -> None:
        if table in ("client", "proceeding", "alert"):
            self._stale = True
        if table in ("deadline", "client", "proceeding", "alert", "name_variant"):
            if self.isVisible():
                self.reload()
            else:
                self._pending = True

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._pending:
            self._pending = False
            self.reload()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The filters' choices are read once the list has been painted (the timer starts when
        # this paint is done), not before.
        if event.type() == QEvent.Type.Paint and self._stale and not self._choices_timer.isActive():
            QTimer.singleShot(0, self._choices_timer, self._choices_timer.start)
        return False

    def hideEvent(self, event: Any) -> None:
        # A closing window may close the store next: no deferred read may run after that.
        self._choices_timer.stop()
        super().hideEvent(event)

    def _check_day(self) -> None:
        if self._shown_day is not None and self.today() != self._shown_day:
            if self.isVisible():
                self.reload()
            else:
                self._pending = True

    def set_case(self, client_id: int | None) -> None:
        """The case selected in the case list, for "This case only"."""
        self.case_id = client_id
        self.case_only.setEnabled(client_id is not None)
        if client_id is None and self.case_only.isChecked():
            self.case_only.setChecked(False)  # reloads
        elif self.case_only.isChecked():
            self.reload()

    # -- selection and actions ------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.view.selectionModel().selectedRows())

    def selected_items(self) -> list[AgendaItem]:
        """The selected deadlines (their rows read now if they are not cached)."""
        return self.model.items(self.selected_rows())

    def selected_ids(self) -> list[int]:
        return [did for row in self.selected_rows() if (did := self.model.deadline_id_at(row)) is not None]

    def select_deadline(self, deadline_id: int) -> bool:
        row = self.model.row_of(deadline_id)
        if row is None:
            return False
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0))
        return True

    def _update_buttons(self, *_: object) -> None:
        rows = self.selected_rows()
        open_ones = any(self.model.is_open(row) for row in rows)
        self.done_action.setEnabled(open_ones)
        self.done_button.setEnabled(open_ones)
        self.open_action.setEnabled(len(rows) == 1)
        self.open_button.setEnabled(len(rows) == 1)

    def mark_done(self) -> None:
        """Mark every selected open deadline done, as one undoable step."""
        chosen = [item for item in self.selected_items() if item.status == DeadlineStatus.open]
        if not chosen:
            return
        clients = {item.client_id for item in chosen}
        text = (self.tr("Mark deadline done") if len(chosen) == 1
                else self.tr("Mark %1 deadlines done").replace("%1", str(len(chosen))))
        push(self.undo, MarkDeadlinesDone(self.store, self.events, [item.deadline_id for item in chosen], text,
                                          clients.pop() if len(clients) == 1 else None, self, self.clock))

    def open_selected(self) -> None:
        items = self.selected_items()
        if len(items) == 1:
            self.caseRequested.emit(items[0].client_id, items[0].deadline_id)
