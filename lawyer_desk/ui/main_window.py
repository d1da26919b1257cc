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
from typing import Any

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QFileDialog,
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
from lawyer_desk.core.errors import LawyerDeskError
from lawyer_desk.core.interchange.files import FileOutcome, import_files
from lawyer_desk.core.references import case_reference
from lawyer_desk.core.store import Store
from lawyer_desk.core.vault import Cancelled as StoppedOnRequest
from lawyer_desk.core.vocab import CaseStatus
from lawyer_desk.ui import alerts, plaintext_copies, reminders, settings
from lawyer_desk.ui.calendar_export import CalendarExportDialog, export_calendar_file
from lawyer_desk.ui.case_export import CaseExportChoice, CaseExportDialog, exhibit_count
from lawyer_desk.ui.case_export import export_case as export_case_files
from lawyer_desk.ui.case_view.alerts_tab import AlertsTab
from lawyer_desk.ui.case_view.chronology import ChronologyTab
from lawyer_desk.ui.case_view.contacts import ContactsTab
from lawyer_desk.ui.case_view.deadlines import DeadlinesTab
from lawyer_desk.ui.case_view.evidence import EvidenceTab
from lawyer_desk.ui.case_view.history import HistoryTab
from lawyer_desk.ui.case_view.names import NamesTab
from lawyer_desk.ui.case_view.notes import NotesTab
from lawyer_desk.ui.case_view.overview import OverviewTab
from lawyer_desk.ui.case_view.proceedings import ProceedingsTab
from lawyer_desk.ui.case_view.specs import client_specs
from lawyer_desk.ui.client_list_view import ClientListPanel
from lawyer_desk.ui.dashboard import DeadlineDashboard
from lawyer_desk.ui.deleted_evidence import CreateClient, DeletedEvidenceFiles, DeleteWithEvidence
from lawyer_desk.ui.forms import RecordDialog
from lawyer_desk.ui.icons import icon
from lawyer_desk.ui.safety_net import SafetyNet
from lawyer_desk.ui.tasks import Progress, ProgressDialog
from lawyer_desk.ui.undo import CaseEvents, EditRecord, push

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
        self.case_tabs: dict[str, Any] = {}
        for key, cls, title in (
            ("overview", OverviewTab, self.tr("&Overview")), ("names", NamesTab, self.tr("&Names")),
            ("alerts", AlertsTab, self.tr("&Alerts")), ("proceedings", ProceedingsTab, self.tr("&Proceedings")),
            ("deadlines", DeadlinesTab, self.tr("&Deadlines")), ("evidence", EvidenceTab, self.tr("Evidence")),
            ("notes", NotesTab, self.tr("No&tes")),
            ("chronology", ChronologyTab, self.tr("C&hronology")), ("contacts", ContactsTab, self.tr("Con&tacts")),
            ("history", HistoryTab, self.tr("H&istory")),
        ):
            tab = cls(store, self.events, self.undo, self.tabs)
            self.case_tabs[key] = tab
            self.tabs.addTab(tab, title)
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
        self.reminders.check_after_paint(self)  # what fell due while the program was closed, too
        self.safety = SafetyNet(self)  # lock, clipboard, passphrase, backups, verify, preferences

    # -- actions ------------------------------------------------------------------------
    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
                slot: Any, menu: Any, icon_name: str | None = None) -> QAction:
        action = QAction(icon(icon_name) if icon_name else QIcon(), text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        self.new_client_action = self._action(self.tr("&New Client…"), QKeySequence.StandardKey.New,
                                              self.new_client, file_menu, "user-plus")
        self.import_action = self._action(self.tr("&Import Case or Notice…"), QKeySequence.StandardKey.Open,
                                          self.import_dialog, file_menu, "file-input")
        self.export_action = self._action(self.tr("&Export Case…"), "Ctrl+E", self.export_case, file_menu,
                                          "file-output")
        self.calendar_action = self._action(self.tr("Export &Calendar (.ics)…"), None, self.export_calendar,
                                            file_menu, "calendar-arrow-down")
        file_menu.addSeparator()
        self.save_action = self._action(self.tr("&Save"), QKeySequence.StandardKey.Save, self.save_current, file_menu,
                                        "save")
        file_menu.addSeparator()
        # Some platforms (Windows, offscreen) define no standard Quit key; Ctrl+Q is what people expect.
        quit_key = QKeySequence(QKeySequence.StandardKey.Quit)
        self.quit_action = self._action(self.tr("&Quit"), quit_key if not quit_key.isEmpty() else "Ctrl+Q",
                                        self.close, file_menu)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        edit_menu = bar.addMenu(self.tr("&Edit"))
        self.undo_action = self.undo.createUndoAction(self, self.tr("&Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo.createRedoAction(self, self.tr("&Redo"))
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.undo_action.setIcon(icon("undo-2"))
        self.redo_action.setIcon(icon("redo-2"))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.client_list.find_action)

        view_menu = bar.addMenu(self.tr("&View"))
        self.dashboard_action = self._action(self.tr("&Deadlines"), "Ctrl+Shift+D", self.show_dashboard, view_menu,
                                             "layout-dashboard")
        self.dashboard_action.setToolTip(self.tr("The deadlines of all cases, most pressing first (Ctrl+Shift+D)"))
        self.cases_action = self._action(self.tr("&Cases"), "Ctrl+Shift+C", self.show_cases, view_menu, "briefcase")
        self.cases_action.setToolTip(self.tr("The client list and the selected case (Ctrl+Shift+C)"))
        modes = QActionGroup(self)
        for action in (self.dashboard_action, self.cases_action):
            action.setCheckable(True)
            modes.addAction(action)

        case_menu = bar.addMenu(self.tr("&Case"))
        self.close_case_action = self._action(self.tr("&Close Case"), None,
                                              lambda: self.set_case_status(CaseStatus.closed), case_menu)
        self.archive_action = self._action(self.tr("&Archive Case"), None,
                                           lambda: self.set_case_status(CaseStatus.archived), case_menu,
                                           "archive")
        self.reopen_action = self._action(self.tr("&Reopen Case"), None,
                                          lambda: self.set_case_status(CaseStatus.open), case_menu)
        case_menu.addSeparator()
        self.add_evidence_action = self._action(self.tr("Add &Evidence…"), "Ctrl+Shift+E", self.choose_evidence,
                                                case_menu, "file-plus")
        case_menu.addSeparator()
        self.brief_action = self._action(self.tr("&Brief…"), "Ctrl+Shift+B", self.make_brief, case_menu)
        self.bundle_action = self._action(self.tr("&Hearing Bundle…"), "Ctrl+Shift+H", self.make_bundle, case_menu)
        case_menu.addSeparator()
        self.delete_client_action = self._action(self.tr("&Delete Client…"), "Ctrl+Shift+Del",
                                                 self.delete_client, case_menu, "trash-2")

        toolbar = self.addToolBar(self.tr("Main"))
        toolbar.setObjectName("main_toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.dashboard_action, self.cases_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (self.new_client_action, self.import_action, self.export_action, self.save_action,
                       self.undo_action, self.redo_action):
            toolbar.addAction(action)

        help_menu = bar.addMenu(self.tr("&Help"))
        self.about_action = self._action(self.tr("&About lawyer_desk"), None, self.show_about, help_menu, "info")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

    def _update_actions(self) -> None:
        has_case = self.client_id is not None
        for action in (self.export_action, self.close_case_action, self.archive_action, self.reopen_action,
                       self.delete_client_action, self.add_evidence_action, self.brief_action, self.bundle_action):
            action.setEnabled(has_case)

    # -- the selected case --------------------------------------------------------------
    def _editors_allow_leaving(self) -> bool:
        return all(tab.maybe_save(self) for tab in (self.case_tabs["overview"], self.case_tabs["notes"]))

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
        evidence = self.case_tabs["evidence"]
        if rowid is not None and rowid % 16 == exhibit_code and evidence.show_search_hit(rowid // 16, found.query):
            self.tabs.setCurrentWidget(evidence)

    def show_case(self, client_id: int | None) -> None:
        self.client_id = client_id
        for tab in self.case_tabs.values():
            tab.show_case(client_id)
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

    # -- import and export --------------------------------------------------------------
    def import_dialog(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("Import case files or INTERPOL notices"), str(Path.home()),
            self.tr("JSON files (*.json);;All files (*)"))
        if paths:
            self.import_paths([Path(p) for p in paths])

    def import_paths(self, paths: list[Path]) -> list[FileOutcome]:
        """Import the files off the GUI thread, with progress and Cancel; report each file."""
        def work(progress: Progress) -> list[FileOutcome]:
            return import_files(self.store, paths, progress.report, lambda: progress.cancelled)

        try:
            outcomes, finished = ProgressDialog.run(self, self.tr("Importing"), self.tr("Importing files…"), work)
        except LawyerDeskError as exc:
            alerts.error_for(self, exc)
            return []
        outcomes = outcomes or []
        self.client_list.refresh()
        self.events.changed.emit("client", -1)
        failed = [o for o in outcomes if o.error and not o.cancelled]
        imported = [o for o in outcomes if not o.error]
        summary = self.tr("Imported %1 of %2 files.").replace("%1", str(len(imported))).replace("%2", str(len(paths)))
        evidence = sum(o.exhibits for o in imported)
        if evidence:
            summary += " " + self.tr("%1 evidence files came with the cases, each checked against its "
                                     "SHA-256.").replace("%1", str(evidence))
        if not finished or len(outcomes) < len(paths) or any(o.cancelled for o in outcomes):
            summary += " " + self.tr("Stopped on request; the files already imported stay imported.")
        self.statusBar().showMessage(summary, 10000)
        if failed:
            alerts.error(self, self.tr("Some files were not imported"),
                         summary + "\n\n" + self.tr("Nothing of these files was stored:"),
                         "\n".join(o.error or "" for o in failed))
        warnings = [w for o in imported for w in o.warnings]
        if warnings:
            alerts.warning(self, self.tr("Imported with warnings"), summary, "\n".join(warnings))
        last = next((o.case_ids[-1] for o in reversed(imported) if o.case_ids), None)
        if last is not None and self._editors_allow_leaving() and self.client_list.select_case(last):
            self.show_case(last)
        return outcomes

    def export_case(self) -> None:
        """Ask where to write the case file and whether its evidence files go with it; then export."""
        if self.client_id is None:
            return
        choice, ok = CaseExportDialog.ask(self, Path.home() / f"case-{self.client_id}.json",
                                          exhibit_count(self.store, self.client_id))
        if ok and choice is not None:
            self.export_to(choice.path, choice.evidence_dir)

    def export_to(self, target: Path, evidence_dir: Path | None = None) -> bool:
        client_id = self.client_id
        assert client_id is not None
        try:
            written = export_case_files(self, self.store, client_id, CaseExportChoice(target, evidence_dir))
        except StoppedOnRequest:
            self.statusBar().showMessage(self.tr("Export stopped; nothing was written."), 10000)
            return False
        except LawyerDeskError as exc:
            alerts.error_for(self, exc)
            return False
        except OSError as exc:
            alerts.error(self, self.tr("The case was not exported"),
                         self.tr("The file could not be written: %1").replace("%1", exc.strerror or str(exc)))
            return False
        self.events.changed.emit("audit_entry", client_id)
        message = self.tr("Case exported to %1").replace("%1", str(target))
        if written:
            message += " " + self.tr("with %1 evidence files in %2").replace("%1", str(written)).replace(
                "%2", str(evidence_dir))
        self.statusBar().showMessage(message, 10000)
        return True

    def export_calendar(self) -> None:
        label = None
        if self.client_id is not None:
            with self.store.session() as session:
                client = records.get(session, m.Client, self.client_id)
                label = case_reference(client.uid)
        choice, ok = CalendarExportDialog.ask(self, Path.home() / "lawyer-desk-deadlines.ics", label)
        if ok and choice is not None:
            count = export_calendar_file(self, self.store, choice, self.client_id, self.clock())
            if count is not None:
                self.statusBar().showMessage(self.tr("Calendar exported: %1 events written to %2").replace(
                    "%1", str(count)).replace("%2", str(choice.path)), 10000)

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
