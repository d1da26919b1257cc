"""The main window: the deadline dashboard, and the cases (client list left, selected case right).

The window opens on the deadline dashboard (Ctrl+Shift+D); Ctrl+Shift+C, or choosing a case,
switches to the cases. Reminders due at unlock, or later while the window is open, appear in
a banner at the top (and as a tray message where the system has a tray).

The window owns the open store for its lifetime, one undo stack for every edit, and the
``CaseEvents`` hub through which the views learn of changes. Actions follow the platform's
standard shortcuts (Ctrl+N, Ctrl+O, Ctrl+S, Ctrl+Z, Ctrl+F…).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lawyer_desk.core import models as m
from lawyer_desk.core import records, search
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import CaseStatus
from lawyer_desk.ui import alerts, main_menus, plaintext_copies, reminders, settings
from lawyer_desk.ui.case_tabs import CaseTabs
from lawyer_desk.ui.client_list_view import ClientListPanel
from lawyer_desk.ui.dashboard import DeadlineDashboard
from lawyer_desk.ui.deleted_evidence import CreateClient, DeletedEvidenceFiles, DeleteWithEvidence
from lawyer_desk.ui.safety_net import SafetyNet
from lawyer_desk.ui.undo import CaseEvents, EditRecord, push

if TYPE_CHECKING:
    from lawyer_desk.core.interchange.files import FileOutcome
    from lawyer_desk.ui.case_transfer import CaseTransfer

NEW_CLIENT_FIELDS = ("display_name", "date_of_birth", "nationalities", "custody_status", "responsible_lawyer")
# Tables whose changes alter what the client list shows.
LIST_TABLES = {"client", "name_variant", "alert", "deadline", "proceeding"}


class MainWindow(QMainWindow):
    """Owns the open store for its lifetime; closing the window does not close the store
    (``app.shut_down`` does, after background work has stopped)."""

    def __init__(self, store: Store, parent: QWidget | None = None, *,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.clock = clock or reminders.now  # reminders and the dashboard's "today"; tests pass a fixed one
        self.events = CaseEvents(self)
        self.undo = QUndoStack(self)
        self.deleted_files = DeletedEvidenceFiles(store, self.undo, self)  # removed when the undo history goes
        self.client_id: int | None = None
        self.setWindowTitle(self.tr("lawyer_desk — %1").replace("%1", store.paths.root.name))
        self.setAcceptDrops(True)

        self.client_list = ClientListPanel(store.session, self)
        self.client_list.caseSelected.connect(self._case_selected)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        view = "lawyer_desk.ui.case_view."
        # Each tab is made when first shown or asked for (see case_tabs): not before the first paint.
        self.case_tabs = CaseTabs(self.tabs, [
            ("overview", view + "overview:OverviewTab", self.tr("&Overview")),
            ("names", view + "names:NamesTab", self.tr("&Names")),
            ("alerts", view + "alerts_tab:AlertsTab", self.tr("&Alerts")),
            ("proceedings", view + "proceedings:ProceedingsTab", self.tr("&Proceedings")),
            ("deadlines", view + "deadlines:DeadlinesTab", self.tr("&Deadlines")),
            ("evidence", view + "evidence:EvidenceTab", self.tr("Evidence")),
            ("notes", view + "notes:NotesTab", self.tr("No&tes")),
            ("chronology", view + "chronology:ChronologyTab", self.tr("C&hronology")),
            ("contacts", view + "contacts:ContactsTab", self.tr("Con&tacts")),
            ("history", view + "history:HistoryTab", self.tr("H&istory")),
        ], lambda cls: cls(store, self.events, self.undo, self.tabs), lambda: self.client_id)
        self._transfer: CaseTransfer | None = None
        self.placeholder = QLabel(self.tr("Select a client on the left, or create one with Ctrl+N.\n"
                                          "Drop a case file or an INTERPOL notice here to import it."), self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.right = QStackedWidget(self)
        self.right.addWidget(self.placeholder)
        self.right.addWidget(self.tabs)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.client_list)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        self.dashboard = DeadlineDashboard(store, self.events, self.undo, self,
                                           today=lambda: self.clock().date(), clock=self.clock)
        self.dashboard.caseRequested.connect(self.open_deadline)
        self.modes = QStackedWidget(self)
        self.modes.addWidget(self.dashboard)
        self.modes.addWidget(self.splitter)
        self.reminder_banner = reminders.ReminderBanner(self)
        self.reminder_banner.deadlinesRequested.connect(self.show_dashboard)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.reminder_banner)
        column.addWidget(self.modes, 1)
        self.setCentralWidget(central)
        self._build_actions()
        self.events.changed.connect(self._on_changed)
        self.undo.cleanChanged.connect(lambda _clean: self._update_actions())
        self.statusBar().showMessage(self.tr("Store unlocked: %1").replace("%1", str(store.paths.root)), 8000)
        self.resize(1280, 800)
        self._restore_layout()
        self._update_actions()
        self.show_dashboard()  # the landing page after unlock
        self.reminders = reminders.ReminderService(store, self.events, self.reminder_banner, self, clock=self.clock)
        self.safety = SafetyNet(self)  # lock, clipboard, passphrase, backups, verify, preferences
        self._first_paint = _AfterFirstPaint(self, self._after_first_paint)

    def _after_first_paint(self) -> None:
        """What waits for the window to be on screen: the reminders that fell due while the
        program was closed (a quarter of a second at 20,000 deadlines), checked in the next turn."""
        QTimer.singleShot(0, self.reminders, self.reminders.check)

    # -- actions (main_menus: the menus, the toolbar and their shortcuts) ----------------------
    def _build_actions(self) -> None:
        main_menus.build(self)

    def _update_actions(self) -> None:
        has_case = self.client_id is not None
        for action in (self.export_action, self.close_case_action, self.archive_action, self.reopen_action,
                       self.delete_client_action, self.add_evidence_action, self.brief_action, self.bundle_action):
            action.setEnabled(has_case)

    # -- the selected case --------------------------------------------------------------
    def _editors_allow_leaving(self) -> bool:
        editors = [self.case_tabs[key] for key in ("overview", "notes") if self.case_tabs.is_made(key)]
        return all(tab.maybe_save(self) for tab in editors)

    def _case_selected(self, client_id: int) -> None:
        if client_id == self.client_id:
            return
        if not self._editors_allow_leaving():
            if self.client_id is not None:
                self.client_list.select_case(self.client_id)
            return
        self.show_case(client_id)
        self._show_search_hit(client_id)

    def _show_search_hit(self, client_id: int) -> None:
        """When the search found the client by words inside an exhibit, show that exhibit."""
        found = self.client_list.model.ids
        rowid = found.best_hits.get(client_id) if found.searching else None
        exhibit_code = next(code for code, kind in search.KINDS.items() if kind == "exhibit")
        if rowid is None or rowid % 16 != exhibit_code:
            return
        evidence = self.case_tabs["evidence"]
        if evidence.show_search_hit(rowid // 16, found.query):
            self.tabs.setCurrentWidget(evidence)

    def show_case(self, client_id: int | None) -> None:
        self.client_id = client_id
        for tab in self.case_tabs.made():
            tab.show_case(client_id)
        if client_id is not None:
            self.case_tabs.make_current()
        self.right.setCurrentWidget(self.tabs if client_id is not None else self.placeholder)
        self.dashboard.set_case(client_id)
        if client_id is not None:
            self.show_cases()
        self._update_actions()

    # -- the two views: deadlines and cases ---------------------------------------------------
    def show_dashboard(self) -> None:
        self.modes.setCurrentWidget(self.dashboard)
        self.dashboard_action.setChecked(True)
        self.dashboard.view.setFocus()

    def show_cases(self) -> None:
        if self.modes.currentWidget() is not self.splitter:
            self.modes.setCurrentWidget(self.splitter)
            # Focus on a list without a selection would select its first row, and so change the case.
            selected = self.client_list.table.selectionModel().hasSelection()
            (self.client_list.table if selected else self.client_list.search_box).setFocus()
        self.cases_action.setChecked(True)

    def open_deadline(self, client_id: int, deadline_id: int) -> None:
        """Open a deadline's case at its Deadlines tab, with the deadline selected."""
        if client_id != self.client_id:
            if not self._editors_allow_leaving():
                return
            if not self.client_list.select_case(client_id):
                return
            if self.client_id != client_id:
                self.show_case(client_id)
        self.show_cases()
        deadlines = self.case_tabs["deadlines"]
        self.tabs.setCurrentWidget(deadlines)
        deadlines.select_id(deadline_id)
        deadlines.view.setFocus()

    def _on_changed(self, table: str, client_id: int) -> None:
        if table in LIST_TABLES:
            self.client_list.refresh()
        if table == "client" and self.client_id is not None and client_id == self.client_id:
            with self.store.session() as session:
                exists = session.get(m.Client, self.client_id) is not None
            if not exists:
                self.show_case(None)
        elif table == "client" and client_id != -1 and self.client_id is None:
            self.client_list.select_case(client_id)

    # -- commands -----------------------------------------------------------------------
    def new_client(self) -> None:
        from lawyer_desk.ui.case_view.specs import client_specs
        from lawyer_desk.ui.forms import RecordDialog

        specs = [spec for spec in client_specs() if spec.name in NEW_CLIENT_FIELDS]
        values, ok = RecordDialog.edit(self, self.tr("New client"), m.Client, specs, {"custody_status": "unknown"})
        if not ok:
            return
        command = CreateClient(self.store, self.events, m.Client, values, self.tr("New client"), self)
        if push(self.undo, command) and command.record_id is not None:
            self.client_list.refresh()
            if self.client_list.select_case(command.record_id):
                self.show_case(command.record_id)

    def delete_client(self) -> None:
        if self.client_id is None:
            return
        with self.store.session() as session:
            client = records.get(session, m.Client, self.client_id)
            name = client.display_name
            going = records.describe_deletion(session, m.Client, self.client_id)
        exhibits = going.pop("exhibit", 0)
        parts = [f"{count} {table.replace('_', ' ')}{'s' if count != 1 else ''}" for table, count in going.items()]
        if exhibits:
            parts.append((self.tr("1 exhibit with its encrypted file") if exhibits == 1 else
                           self.tr("%1 exhibits with their encrypted files")).replace("%1", str(exhibits)))
        text = self.tr("Delete %1 and everything in the case file?").replace("%1", name)
        if parts:
            text += "\n\n" + self.tr("This also deletes: %1.").replace("%1", ", ".join(parts))
        text += "\n\n" + self.tr("You can undo this with Ctrl+Z until you close the program.")
        if exhibits:
            text += " " + self.tr("The encrypted evidence files are removed from the vault when you close it.")
        if not alerts.confirm(self, self.tr("Delete client"), text, destructive=True, action=self.tr("Delete client")):
            return
        deleted = self.client_id
        if push(self.undo, DeleteWithEvidence(self.store, self.events, m.Client, deleted,
                                              self.tr("Delete client %1").replace("%1", name), deleted, self)):
            self.show_case(None)
            self.client_list.refresh()

    def set_case_status(self, status: CaseStatus) -> None:
        if self.client_id is None:
            return
        push(self.undo, EditRecord(self.store, self.events, m.Client, self.client_id, {"status": status},
                                   self.tr("Change case status"), self.client_id, self))

    def save_current(self) -> None:
        tab = self.tabs.currentWidget()
        if hasattr(tab, "save"):
            tab.save()

    def show_about(self) -> None:
        from lawyer_desk.ui.about import AboutDialog

        AboutDialog(self).exec()

    # -- import and export (case_transfer: its modules are imported on first use) --------------
    @property
    def transfer(self) -> CaseTransfer:
        if self._transfer is None:
            from lawyer_desk.ui.case_transfer import CaseTransfer

            self._transfer = CaseTransfer(self)
        return self._transfer

    def import_dialog(self) -> None:
        self.transfer.import_dialog()

    def import_paths(self, paths: list[Path]) -> list[FileOutcome]:
        """Import the files off the GUI thread, with progress and Cancel; report each file."""
        return self.transfer.import_paths(paths)

    def export_case(self) -> None:
        """Ask where to write the case file and whether its evidence files go with it; then export."""
        self.transfer.export_case()

    def export_to(self, target: Path, evidence_dir: Path | None = None) -> bool:
        return self.transfer.export_to(target, evidence_dir)

    def export_calendar(self) -> None:
        self.transfer.export_calendar()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            # On the open case, files other than case files and notices (JSON) are evidence.
            on_case = (self.client_id is not None and self.modes.currentWidget() is self.splitter
                       and self.tabs.rect().contains(self.tabs.mapFrom(self, event.position().toPoint())))
            evidence = [p for p in paths if on_case and p.suffix.lower() != ".json"]
            if evidence:
                self.add_evidence(evidence)
            if len(evidence) < len(paths):
                self.import_paths([p for p in paths if p not in evidence])

    def choose_evidence(self) -> None:
        """Choose files in a file dialog and add them to the open case's evidence."""
        if self.client_id is not None:
            self.tabs.setCurrentWidget(self.case_tabs["evidence"])
            self.case_tabs["evidence"].commands.add_files()

    def make_brief(self) -> None:
        """The Brief dialog for the open case; the PDF opens in a preview, nothing is saved unasked."""
        from lawyer_desk.ui.brief_dialog import open_brief_dialog

        client_id = self.client_id
        if client_id is not None:
            open_brief_dialog(self, self.store, client_id,
                              on_built=lambda: self.events.changed.emit("audit_entry", client_id))

    def make_bundle(self) -> None:
        """The Hearing Bundle dialog for the open case, then its preview."""
        from lawyer_desk.ui.bundle_dialog import open_bundle_dialog

        client_id = self.client_id
        if client_id is not None:
            open_bundle_dialog(self, self.store, client_id,
                               on_built=lambda: self.events.changed.emit("audit_entry", client_id))

    def add_evidence(self, paths: list[Path]) -> None:
        """Add files to the open case's evidence, on its Evidence tab."""
        if self.client_id is not None:
            self.tabs.setCurrentWidget(self.case_tabs["evidence"])
            self.case_tabs["evidence"].commands.add_paths(paths)

    # -- window state -------------------------------------------------------------------
    def _restore_layout(self) -> None:
        settings.restore_geometry(self, "main_window")
        if not settings.restore_splitter(self.splitter, "main_splitter"):
            self.splitter.setSizes([520, 760])  # the list wide enough for its filters
        state = settings.window_settings().value("client_list")
        if isinstance(state, QByteArray | bytes):
            self.client_list.restore_state(bytes(state))

    def _save_layout(self) -> None:
        settings.save_geometry(self, "main_window")
        settings.save_splitter(self.splitter, "main_splitter")
        settings.window_settings().setValue("client_list", QByteArray(self.client_list.state()))

    def closeEvent(self, event: QCloseEvent) -> None:
        # Locked, the editors cannot save (the lock settled or keeps their input); then the backup.
        if not (self.safety.locked or self._editors_allow_leaving()) or not self.safety.before_close():
            event.ignore()
            return
        self._save_layout()
        plaintext_copies.wipe_all()  # decrypted copies made for other programs go with the window
        self.deleted_files.discard_undo()  # no undo can bring deleted exhibits back now: their files go
        event.accept()


class _AfterFirstPaint(QObject):
    """Calls ``then`` once, in the event loop's next turn after ``window`` was first painted."""

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._then = then
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._then)  # once this paint pass is done
        return False
