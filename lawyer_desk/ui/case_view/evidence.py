"""The Evidence tab: the exhibits of one case, what is recorded about each, its custody, its preview.

Layout: the actions in a tool bar; a filter box and a kind filter; the table of exhibits
across the width; under it the detail pane (details and custody history) and the preview. Files
dropped on the tab are added to the case. Selecting an exhibit shows it after a short pause
(so that arrowing through the list does not decrypt every file on the way): the file is
decrypted off the GUI thread into memory and shown there; the core records the viewing in
its custody history.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QItemSelection, QSize, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QHideEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from lawyer_desk.core import exhibits
from lawyer_desk.core.errors import LawyerDeskError
from lawyer_desk.core.exhibits import ExhibitRow, Preview
from lawyer_desk.core.store import Store
from lawyer_desk.core.vault import ObjectDamaged
from lawyer_desk.core.vocab import ExhibitKind, TextStatus
from lawyer_desk.ui import settings, tasks
from lawyer_desk.ui.case_view.evidence_actions import EvidenceActions
from lawyer_desk.ui.case_view.evidence_detail import CustodyView, ExhibitDetails
from lawyer_desk.ui.case_view.evidence_edit import EditExhibit, ExhibitDialog, choice_label
from lawyer_desk.ui.case_view.evidence_model import OBJECT_ROLE, Column, ExhibitFilter, ExhibitTableModel
from lawyer_desk.ui.case_view.evidence_preview import PreviewPane, previewable
from lawyer_desk.ui.labels import label
from lawyer_desk.ui.undo import CaseEvents, push

log = logging.getLogger(__name__)
PREVIEW_DELAY_MS = 250
# Changes to these tables (or to any table of every case, -1) may change what the tab shows.
RELOAD_TABLES = {"exhibit", "exhibit_text", "client"}


class EvidenceTab(QWidget):
    """The exhibits of one case; ``show_case(None)`` leaves it empty and disabled."""

    def __init__(self, store: Store, events: CaseEvents, undo: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidence_tab")
        self.store, self.events, self.undo = store, events, undo
        self.client_id: int | None = None
        self.rows: list[ExhibitRow] = []
        self.setAcceptDrops(True)
        self.commands = EvidenceActions(self)
        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setIconSize(QSize(18, 18))
        a = self.commands
        for action in (a.add, a.export, a.verify, a.verify_all, a.system_viewer, a.edit, a.renumber, a.delete):
            self.toolbar.addAction(action)
            self.addAction(action)
        for action in (a.edit, a.renumber, a.delete):  # their icons say enough; the tips say more
            button = self.toolbar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)

        self.filter = QLineEdit(self)
        self.filter.setObjectName("evidence_filter")
        self.filter.setPlaceholderText(self.tr("Filter by number, title, file name, notes…"))
        self.filter.setClearButtonEnabled(True)
        self.kind_filter = QComboBox(self)
        self.kind_filter.setObjectName("evidence_kind_filter")
        self.kind_filter.addItem(self.tr("Every kind"), None)
        for kind in ExhibitKind:
            self.kind_filter.addItem(label(kind), kind.value)
        self.count = QLabel(self)
        self.found = QLabel(self)  # where a search's words stand in the exhibit, after a search hit
        self.found.setObjectName("evidence_found")
        self.found.setWordWrap(True)
        self.found.hide()

        self.model = ExhibitTableModel(self)
        self.proxy = ExhibitFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView(self)
        self.view.setObjectName("evidence_view")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(Column.NUMBER, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(lambda _index: self.edit_selected())

        self.details = ExhibitDetails(self)
        self.custody = CustodyView(self)
        self.detail_tabs = QTabWidget(self)
        self.detail_tabs.setDocumentMode(True)
        self.detail_tabs.addTab(self.details, self.tr("Details"))
        self.detail_tabs.addTab(self.custody, self.tr("Custody"))
        self.preview = PreviewPane(self)

        # The table across the whole width (every column visible), the details and the preview under it.
        lower = QSplitter(Qt.Orientation.Horizontal, self)
        lower.addWidget(self.detail_tabs)
        lower.addWidget(self.preview)
        lower.setStretchFactor(0, 4)
        lower.setStretchFactor(1, 5)
        lower.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("evidence_splitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.lower_splitter = lower
        settings.restore_splitter(self.splitter, "evidence_splitter")
        settings.restore_splitter(lower, "evidence_lower_splitter")

        filters = QHBoxLayout()
        filters.addWidget(self.filter, 1)
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.found)
        layout.addWidget(self.splitter, 1)

        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.load_preview)
        self._preview_task: tasks.Task | None = None
        self.filter.textChanged.connect(self._filter_changed)
        self.kind_filter.currentIndexChanged.connect(self._filter_changed)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        events.changed.connect(self._on_changed)
        self._update()
        self.setEnabled(False)

    # -- the case -------------------------------------------------------------------------
    def show_case(self, client_id: int | None) -> None:
        if client_id != self.client_id:
            self._preview_timer.stop()
            self.found.hide()
            self.preview.show_message(self.tr("Select an exhibit to see it here."))
        self.client_id = client_id
        self.setEnabled(client_id is not None)
        self.reload()

    def reload(self) -> None:
        selected = self.selected_row()
        self.rows = []
        if self.client_id is not None:
            with self.store.session() as session:
                self.rows = exhibits.rows(session, self.client_id)
        self.model.set_rows(self.rows)
        self.view.resizeColumnsToContents()
        self.view.setColumnWidth(Column.TITLE, min(self.view.columnWidth(Column.TITLE), 220))
        if selected is not None and self.select_exhibit(selected.id):
            current = self.selected_row()
            if current is not None and current.sha256 != selected.sha256:
                self.load_preview(again=True)
            elif current is not None and current.id == self.preview.shown_id:
                self.preview.caption.setText(self.preview.caption_for(current))  # a new number or name
        elif self.preview.shown_id is not None and self.model.row_of(self.preview.shown_id) is None:
            self.preview.show_message(self.tr("Select an exhibit to see it here."))
        self._show_selected()
        self._update()

    def _on_changed(self, table: str, client_id: int) -> None:
        if self.client_id is None or client_id not in (-1, self.client_id):
            return
        if table in RELOAD_TABLES or client_id == -1:
            self.reload()
        elif table == "audit_entry":
            self._show_custody(self.selected_row())

    def _filter_changed(self, *_: object) -> None:
        self.proxy.set_text(self.filter.text())
        self.proxy.set_kind(self.kind_filter.currentData())
        self._update()

    def _update(self) -> None:
        shown, total = self.proxy.rowCount(), len(self.rows)
        text = self.tr("%1 exhibits").replace("%1", str(total)) if total != 1 else self.tr("1 exhibit")
        if shown != total:
            text = self.tr("%1 of %2").replace("%1", str(shown)).replace("%2", text)
        self.count.setText(text)
        self.commands.update(self.client_id is not None, self.selected_row() is not None)

    # -- selection ------------------------------------------------------------------------
    def selected_row(self) -> ExhibitRow | None:
        indexes = self.view.selectionModel().selectedRows()
        return indexes[0].data(OBJECT_ROLE) if indexes else None

    def select_exhibit(self, exhibit_id: int) -> bool:
        source_row = self.model.row_of(exhibit_id)
        if source_row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not index.isValid():  # hidden by the filters: show it all the same
            self.filter.clear()
            self.kind_filter.setCurrentIndex(0)
            index = self.proxy.mapFromSource(self.model.index(source_row, 0))
        self.view.selectRow(index.row())
        self.view.scrollTo(index)
        return True

    def show_search_hit(self, exhibit_id: int, query: str) -> bool:
        """Select the exhibit a search found, and say where its words stand in it."""
        if not self.select_exhibit(exhibit_id):
            return False
        with self.store.session() as session:
            where = exhibits.passage(session, exhibit_id, query)
        if where:
            self.found.setText(self.tr("Found in this exhibit: %1").replace("%1", where))
        self.found.setVisible(bool(where))
        return True

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_selected()
        row = self.selected_row()
        if row is not None and row.id != self.preview.shown_id:
            self._preview_timer.start()
        self._update()

    def _show_selected(self) -> None:
        row = self.selected_row()
        self.details.show_row(row, self._translation_label(row))
        self._show_custody(row)

    def _show_custody(self, row: ExhibitRow | None) -> None:
        if row is None:
            self.custody.show_events([])
            return
        with self.store.session() as session:
            self.custody.show_events(exhibits.custody(session, row.id))

    def _translation_label(self, row: ExhibitRow | None) -> str:
        if row is None or row.translation_of_id is None:
            return ""
        target = next((r for r in self.rows if r.id == row.translation_of_id), None)
        return choice_label(target) if target is not None else ""

    # -- preview --------------------------------------------------------------------------
    def load_preview(self, *, again: bool = False) -> None:
        """Show the selected exhibit: decrypted off the GUI thread, into memory only."""
        self._preview_timer.stop()
        row = self.selected_row()
        if row is None or (row.id == self.preview.shown_id and not again):
            return
        if self._preview_task is not None and self._preview_task.running:
            self._preview_task.cancel()
        if not previewable(row):
            extracted = ""
            if row.text_status is TextStatus.text:
                with self.store.session() as session:
                    extracted = exhibits.text_of(session, row.id)
            self.preview.show_not_previewable(row, extracted)
            return
        self.preview.show_loading(row)
        store = self.store
        self._preview_task = tasks.run_task(
            lambda _progress: exhibits.read_for_preview(store, row.id),
            on_done=lambda preview: self._previewed(row, preview),
            on_error=lambda exc: self._preview_failed(row, exc))

    def _still_here(self) -> bool:
        """False once the tab is gone: a preview may end after its window closed."""
        return isValid(self) and isValid(self.view)

    def _previewed(self, row: ExhibitRow, preview: Preview) -> None:
        if not self._still_here():
            return
        current = self.selected_row()
        if current is None or current.id != row.id:
            return  # another exhibit was chosen meanwhile
        self.preview.show_preview(current, preview)
        self.events.changed.emit("audit_entry", row.client_id)  # "viewed" is in the custody now

    def _preview_failed(self, row: ExhibitRow, exc: BaseException) -> None:
        if not self._still_here():
            return
        current = self.selected_row()
        if current is None or current.id != row.id:
            return
        if isinstance(exc, ObjectDamaged):
            text = self.tr("The encrypted file failed its check and is not shown: %1\n\nUse Verify for a full "
                           "report.").replace("%1", str(exc))
        elif isinstance(exc, LawyerDeskError | OSError):
            text = self.tr("The file cannot be shown: %1").replace("%1", str(exc))
        else:  # e.g. the store was closed meanwhile: a preview is not worth a crash report
            log.warning("preview failed: %s", type(exc).__name__)
            text = self.tr("The file cannot be shown just now. Select it again to retry.")
        self.preview.show_message(text, self.preview.caption_for(row))

    # -- editing --------------------------------------------------------------------------
    def edit_selected(self) -> None:
        row = self.selected_row()
        if row is None or self.client_id is None or not self.store.writable:
            return
        changes, ok = ExhibitDialog.ask(self, row, self.rows)
        if ok and changes:
            push(self.undo, EditExhibit(self.store, self.events, row.id, self.client_id, changes, self))

    def hideEvent(self, event: QHideEvent) -> None:
        """Remember where the lawyer put the dividers (hidden when the window closes or another tab shows)."""
        settings.save_splitter(self.splitter, "evidence_splitter")
        settings.save_splitter(self.lower_splitter, "evidence_lower_splitter")
        super().hideEvent(event)

    # -- dropping files -------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.client_id is not None and any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths and self.client_id is not None:
            event.acceptProposedAction()
            self.commands.add_paths(paths)
