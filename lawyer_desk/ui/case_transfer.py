"""Importing and exporting cases from the main window: case files and INTERPOL notices in,
a case file (with its evidence files, if asked) and a calendar of deadlines out.

The main window creates this on the first import or export: the interchange formats,
icalendar and the export dialogs are imported then, not while the desk starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from lawyer_desk.core import models as m
from lawyer_desk.core import records
from lawyer_desk.core.errors import LawyerDeskError
from lawyer_desk.core.interchange.files import FileOutcome, import_files
from lawyer_desk.core.references import case_reference
from lawyer_desk.core.vault import Cancelled as StoppedOnRequest
from lawyer_desk.ui import alerts
from lawyer_desk.ui.calendar_export import CalendarExportDialog, export_calendar_file
from lawyer_desk.ui.case_export import CaseExportChoice, CaseExportDialog, exhibit_count
from lawyer_desk.ui.case_export import export_case as export_case_files
from lawyer_desk.ui.tasks import Progress, ProgressDialog

if TYPE_CHECKING:
    from lawyer_desk.ui.main_window import MainWindow

STATUS_MS = 10000


class CaseTransfer(QObject):
    """Imports into and exports from the store of ``window``, reporting in its status bar."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def _status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, STATUS_MS)

    # -- import ---------------------------------------------------------------------------
    def import_dialog(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self.window, self.tr("Import case files or INTERPOL notices"), str(Path.home()),
            self.tr("JSON files (*.json);;All files (*)"))
        if paths:
            self.import_paths([Path(p) for p in paths])

    def import_paths(self, paths: list[Path]) -> list[FileOutcome]:
        """Import the files off the GUI thread, with progress and Cancel; report each file."""
        window = self.window

        def work(progress: Progress) -> list[FileOutcome]:
            return import_files(window.store, paths, progress.report, lambda: progress.cancelled)

        try:
            outcomes, finished = ProgressDialog.run(window, self.tr("Importing"), self.tr("Importing files…"), work)
        except LawyerDeskError as exc:
            alerts.error_for(window, exc)
            return []
        outcomes = outcomes or []
        window.client_list.refresh()
        window.events.changed.emit("client", -1)
        failed = [o for o in outcomes if o.error and not o.cancelled]
        imported = [o for o in outcomes if not o.error]
        summary = self.tr("Imported %1 of %2 files.").replace("%1", str(len(imported))).replace("%2", str(len(paths)))
        evidence = sum(o.exhibits for o in imported)
        if evidence:
            summary += " " + self.tr("%1 evidence files came with the cases, each checked against its "
                                     "SHA-256.").replace("%1", str(evidence))
        if not finished or len(outcomes) < len(paths) or any(o.cancelled for o in outcomes):
            summary += " " + self.tr("Stopped on request; the files already imported stay imported.")
        self._status(summary)
        if failed:
            alerts.error(window, self.tr("Some files were not imported"),
                         summary + "\n\n" + self.tr("Nothing of these files was stored:"),
                         "\n".join(o.error or "" for o in failed))
        warnings = [w for o in imported for w in o.warnings]
        if warnings:
            alerts.warning(window, self.tr("Imported with warnings"), summary, "\n".join(warnings))
        last = next((o.case_ids[-1] for o in reversed(imported) if o.case_ids), None)
        if last is not None and window._editors_allow_leaving() and window.client_list.select_case(last):
            window.show_case(last)
        return outcomes

    # -- export ---------------------------------------------------------------------------
    def export_case(self) -> None:
        """Ask where to write the case file and whether its evidence files go with it; then export."""
        client_id = self.window.client_id
        if client_id is None:
            return
        choice, ok = CaseExportDialog.ask(self.window, Path.home() / f"case-{client_id}.json",
                                          exhibit_count(self.window.store, client_id))
        if ok and choice is not None:
            self.export_to(choice.path, choice.evidence_dir)

    def export_to(self, target: Path, evidence_dir: Path | None = None) -> bool:
        window = self.window
        client_id = window.client_id
        assert client_id is not None
        try:
            written = export_case_files(window, window.store, client_id, CaseExportChoice(target, evidence_dir))
        except StoppedOnRequest:
            self._status(self.tr("Export stopped; nothing was written."))
            return False
        except LawyerDeskError as exc:
            alerts.error_for(window, exc)
            return False
        except OSError as exc:
            alerts.error(window, self.tr("The case was not exported"),
                         self.tr("The file could not be written: %1").replace("%1", exc.strerror or str(exc)))
            return False
        window.events.changed.emit("audit_entry", client_id)
        message = self.tr("Case exported to %1").replace("%1", str(target))
        if written:
            message += " " + self.tr("with %1 evidence files in %2").replace("%1", str(written)).replace(
                "%2", str(evidence_dir))
        self._status(message)
        return True

    def export_calendar(self) -> None:
        window = self.window
        label = None
        if window.client_id is not None:
            with window.store.session() as session:
                client = records.get(session, m.Client, window.client_id)
                label = case_reference(client.uid)
        choice, ok = CalendarExportDialog.ask(window, Path.home() / "lawyer-desk-deadlines.ics", label)
        if ok and choice is not None:
            count = export_calendar_file(window, window.store, choice, window.client_id, window.clock())
            if count is not None:
                self._status(self.tr("Calendar exported: %1 events written to %2").replace(
                    "%1", str(count)).replace("%2", str(choice.path)))
