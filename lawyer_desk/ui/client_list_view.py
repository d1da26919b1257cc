"""The client list panel: one search box, four filters, and the table of clients.

Typing searches as you type (debounced, so a fast typist triggers one query, not one per
letter); the filters apply at once. Sorting is the model's SQL sort, by header click.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QByteArray, QEvent, QItemSelectionModel, QLocale, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFocusEvent, QHideEvent, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lawyer_desk.core import client_list, search
from lawyer_desk.core.client_list import ClientFilter
from lawyer_desk.core.codes import country_name
from lawyer_desk.core.errors import StoreError
from lawyer_desk.core.vocab import AlertStatus, CaseStatus, CustodyStatus
from lawyer_desk.ui.client_list_model import ClientListModel, Column, SessionFactory

DEBOUNCE_MS = 150
CHOICES_DELAY_MS = 50  # after the first paint
# What a typical cell of each column holds, to size the columns for the font in use.
_TYPICAL = {Column.NAME: "Abdurehim Memtimin", Column.OTHER_NAMES: "Алексей Ветров · Alexey Vetr",
            Column.NATIONALITY: "CN, RU", Column.CUSTODY: "Detained — Areszt", Column.REQUESTING: "CN, RU",
            Column.DEADLINE: "⚠ Overdue · 2026-12-31", Column.STATUS: "Archived",
            Column.MATCH: "…the [Idris] Mamut case before the court…"}


class ClientListPanel(QWidget):
    """Emits ``caseSelected(client_id)`` when the person selects another client."""

    caseSelected = Signal(int)

    def __init__(self, session_factory: SessionFactory, parent: QWidget | None = None, *,
                 today: Callable[[], date] = date.today, debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self._session = session_factory
        self._selected_id: int | None = None
        self._adjusting_header = False
        self.model = ClientListModel(session_factory, self, today=today)

        self.search_box = QLineEdit(self)
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(self.tr(
            "Search names in any script, references, charges, notes… ({shortcut})").format(
            shortcut=QKeySequence(QKeySequence.StandardKey.Find).toString(QKeySequence.SequenceFormat.NativeText)))
        self.search_box.setAccessibleName(self.tr("Search clients"))
        self.search_box.installEventFilter(self)
        self.find_action = QAction(self.tr("&Find Client…"), self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.find_action.triggered.connect(self.focus_search)
        self.addAction(self.find_action)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self.apply_search_now)
        self.search_box.textChanged.connect(self._debounce.start)

        self.status_filter = self._combo(self.tr("Case status"), QComboBox(self))
        self._statuses: list[frozenset[CaseStatus] | None] = [
            frozenset({CaseStatus.open}), frozenset({CaseStatus.closed}), frozenset({CaseStatus.archived}), None]
        self.status_filter.addItems([self.tr("Open cases"), self.tr("Closed cases"), self.tr("Archived cases"),
                                     self.tr("All cases")])
        # The choices come from the data (three scans at 100k clients): read just after the
        # first paint, and again when a filter is opened after a refresh.
        self._choices_stale = True
        self.custody_filter = self._combo(self.tr("Custody status"), _ChoiceBox(self._ensure_choices, self))
        self.country_filter = self._combo(self.tr("Requesting country"), _ChoiceBox(self._ensure_choices, self))
        self.alert_filter = self._combo(self.tr("Alert status"), _ChoiceBox(self._ensure_choices, self))
        self._choices_timer = QTimer(self)
        self._choices_timer.setSingleShot(True)
        self._choices_timer.setInterval(CHOICES_DELAY_MS)
        self._choices_timer.timeout.connect(self._ensure_choices)
        for combo in (self.custody_filter, self.country_filter, self.alert_filter):
            combo.addItem(self._anything[combo], None)
        for combo in self._combos():
            combo.currentIndexChanged.connect(self.apply_filter)

        self.count_label = QLabel(self)
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = self._make_table()

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        for combo in self._combos():
            filters.addWidget(combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_box)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        self.setTabOrder(self.search_box, self.status_filter)
        self.setTabOrder(self.status_filter, self.custody_filter)
        self.setTabOrder(self.custody_filter, self.country_filter)
        self.setTabOrder(self.country_filter, self.alert_filter)
        self.setTabOrder(self.alert_filter, self.table)
        self._after_query()

    # -- building -----------------------------------------------------------------------
    def _combo(self, name: str, combo: QComboBox) -> QComboBox:
        combo.setAccessibleName(name)
        combo.setToolTip(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        combo.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        return combo

    def _combos(self) -> list[QComboBox]:
        return [self.status_filter, self.custody_filter, self.country_filter, self.alert_filter]

    def _make_table(self) -> QTableView:
        table = QTableView(self)
        table.setModel(self.model)
        table.setAccessibleName(self.tr("Clients"))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows = table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
        cells, titles = table.fontMetrics(), header.fontMetrics()
        for column, typical in _TYPICAL.items():
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            header.resizeSection(column, max(cells.horizontalAdvance(typical) + 12,
                                             titles.horizontalAdvance(title) + 32))  # room for the sort arrow
        section, order = self.model.sort_section()
        header.setSortIndicator(section, order)
        table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._on_sort_indicator)
        table.selectionModel().currentRowChanged.connect(self._on_current_row)
        return table

    @property
    def _anything(self) -> dict[QComboBox, str]:
        return {self.custody_filter: self.tr("Any custody"), self.country_filter: self.tr("Any requesting country"),
                self.alert_filter: self.tr("Any alert status")}

    def _ensure_choices(self) -> None:
        """Fill the filters with the values in the store, if not done since the last refresh."""
        self._choices_timer.stop()
        if not self._choices_stale:
            return
        try:
            with self._session() as session:
                choices = client_list.filter_choices(session)
        except StoreError:  # closed meanwhile (locked, or the program is closing)
            return
        self._choices_stale = False
        labels, anything = self.model, self._anything
        self._refill(self.custody_filter, anything[self.custody_filter],
                     [(c.value, labels.custody_labels[c]) for c in choices.custody])
        self._refill(self.country_filter, anything[self.country_filter],
                     [(code, f"{country_name(code)} ({code})") for code in choices.requesting_countries])
        self._refill(self.alert_filter, anything[self.alert_filter],
                     [(s.value, labels.alert_status_labels[s]) for s in choices.alert_statuses])

    @staticmethod
    def _refill(combo: QComboBox, anything: str, items: list[tuple[str, str]]) -> None:
        """Replace the items, keeping the chosen value when it is still there."""
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(anything, None)
        for value, label in items:
            combo.addItem(label, value)
        at = combo.findData(chosen) if chosen is not None else 0
        combo.setCurrentIndex(max(at, 0))
        combo.blockSignals(False)

    # -- what the person does -----------------------------------------------------------
    def current_filter(self) -> ClientFilter:
        custody, country, alert = (c.currentData() for c in (self.custody_filter, self.country_filter,
                                                              self.alert_filter))
        return ClientFilter(
            text=self.search_box.text(), status=self._statuses[max(self.status_filter.currentIndex(), 0)],
            custody=CustodyStatus(custody) if custody else None, requesting_country=country or None,
            alert_status=AlertStatus(alert) if alert else None)

    def apply_search_now(self) -> None:
        """Run the search for the text in the box now (the debounce timer calls this)."""
        self._debounce.stop()
        self.apply_filter()

    def apply_filter(self) -> None:
        flt = self.current_filter()
        if flt == self.model.filter:
            return
        self.model.set_filter(flt)
        self._after_query()

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def select_case(self, case_id: int) -> bool:
        """Select the client, clearing the search and filters if they hide it. False if absent."""
        row = self.model.row_of(case_id)
        for everything in (False, True):
            if row is not None:
                break
            self._reset_filters(everything=everything)
            row = self.model.row_of(case_id)
        if row is None:
            return False
        self._select_row(row)
        return True

    def refresh(self) -> None:
        """Read the list again (after changes to the store), keeping selection and scroll."""
        scroll = self.table.verticalScrollBar().value()
        self._choices_stale = True
        if self.isVisible():
            self._choices_timer.start()
        self._debounce.stop()
        self.model.set_filter(self.current_filter(), requery=True)
        self._after_query()
        self.table.verticalScrollBar().setValue(scroll)

    def state(self) -> bytes:
        """Column widths, order and sort, for the main window to persist."""
        return bytes(self.table.horizontalHeader().saveState().data())

    def restore_state(self, state: bytes) -> bool:
        header = self.table.horizontalHeader()
        if not state or not header.restoreState(QByteArray(state)):
            return False
        section = header.sortIndicatorSection()
        if self.model.sortable(section) and section != Column.MATCH:
            self.model.sort(section, header.sortIndicatorOrder())
        self._after_query()
        return True

    # -- inside -------------------------------------------------------------------------
    def _reset_filters(self, *, everything: bool) -> None:
        for combo in self._combos():
            combo.blockSignals(True)
            combo.setCurrentIndex(len(self._statuses) - 1 if everything and combo is self.status_filter else 0)
            combo.blockSignals(False)
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self._debounce.stop()
        self.apply_filter()

    def _after_query(self) -> None:
        """Bring the header, the match column, the count and the selection in line with the model."""
        self.table.setColumnHidden(Column.MATCH, not self.model.searching)
        self._adjusting_header = True
        try:
            self.table.horizontalHeader().setSortIndicator(*self.model.sort_section())
        finally:
            self._adjusting_header = False
        self.count_label.setText(self._count_text())
        row = self.model.row_of(self._selected_id) if self._selected_id is not None else None
        if row is not None:
            self._select_row(row)

    def _count_text(self) -> str:
        n = len(self.model.ids)
        if self.model.capped:
            return self.tr("More than {cap} matches — keep typing").format(cap=QLocale().toString(search.RANK_CAP))
        if self.model.searching:
            return self.tr("No client matches") if n == 0 else self._plural(self.tr("%Ln client(s) found", "", n), n)
        if self.model.filter.text.strip():  # one letter so far: the list is not searched yet
            return self._plural(self.tr("%Ln client(s) — type more to search", "", n), n)
        if n == 0 and self.model.filter == ClientFilter():
            return self.tr("No open cases — add a client or import a case file")
        return self._plural(self.tr("%Ln client(s)", "", n), n)

    @staticmethod
    def _plural(translated: str, n: int) -> str:
        """English plural when no translation is loaded (Qt leaves "(s)" to the translation)."""
        return translated.replace("(s)", "" if n == 1 else "s")

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, Column.NAME)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        case_id = self.model.case_id_at(current.row()) if current.isValid() else None
        if case_id is not None and case_id != self._selected_id:
            self._selected_id = case_id
            self.caseSelected.emit(case_id)

    def _on_sort_indicator(self, section: int, _order: Qt.SortOrder) -> None:
        if self._adjusting_header:
            return
        if section >= 0 and not self.model.sortable(section):
            # The view asked the model already, which ignored it: put the indicator back.
            self._after_query()
        else:
            self.count_label.setText(self._count_text())

    def hideEvent(self, event: QHideEvent) -> None:
        # A closing window may close the store next: no deferred read may run after that.
        self._debounce.stop()
        self._choices_timer.stop()
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        if self._choices_stale:
            self._choices_timer.start()
        super().showEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down or Enter in the search box goes to the list; Escape clears the search."""
        if watched is self.search_box and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.model.rowCount():
                self.apply_search_now()
                if not self.table.selectionModel().hasSelection():
                    self._select_row(0)
                self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return True
            if key == Qt.Key.Key_Escape and self.search_box.text():
                self.search_box.clear()
                self.apply_search_now()
                return True
        return super().eventFilter(watched, event)


class _ChoiceBox(QComboBox):
    """A combo box that asks for its items to be brought up to date before it opens."""

    def __init__(self, ensure: Callable[[], None], parent: QWidget) -> None:
        super().__init__(parent)
        self._ensure = ensure

    def showPopup(self) -> None:
        self._ensure()
        super().showPopup()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._ensure()  # before the arrow keys step through the items
        super().focusInEvent(event)
