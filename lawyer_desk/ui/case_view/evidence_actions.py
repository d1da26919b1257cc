"""What the lawyer does with evidence: add files, export a copy, verify, renumber, delete, open outside.

Deleting an exhibit is undoable (Ctrl+Z): its encrypted file stays in the vault until the
undo history goes (``deleted_evidence``). Verifying the whole store lists orphan files; those
that are ours to remove (no exhibit points at them) go only when the lawyer confirms.

Each long step (adding, exporting, verifying, writing a copy for another program) runs off
the GUI thread through ``ProgressDialog.run``, with a progress bar and Cancel; the core
records each one in the exhibit's custody history. Every message goes through ``alerts``;
the file choosers are the classmethods of ``EvidenceFiles``, the one place tests patch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMainWindow, QWidget
from sqlalchemy import select

from lawyer_desk.core import exhibit_checks, exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.errors import LawyerDeskError
from lawyer_desk.core.exhibit_checks import Orphan, VaultReport
from lawyer_desk.core.exhibits import AddResult
from lawyer_desk.core.vault import Cancelled as StoppedOnRequest
from lawyer_desk.core.vocab import TextStatus, VerifiedState
from lawyer_desk.ui import alerts, plaintext_copies, settings
from lawyer_desk.ui.deleted_evidence import DeleteWithEvidence, held_by
from lawyer_desk.ui.icons import icon
from lawyer_desk.ui.tasks import Progress, ProgressDialog
from lawyer_desk.ui.undo import push

if TYPE_CHECKING:
    from lawyer_desk.ui.case_view.evidence import EvidenceTab

LINES_IN_TEXT = 12  # more lines than this go under "Show Details…"


def tr(text: str) -> str:
    return QCoreApplication.translate("evidence", text)


class EvidenceFiles:
    """The file choosers of the Evidence tab: (value, ok), patched in tests."""

    @classmethod
    def to_add(cls, parent: QWidget | None) -> tuple[list[Path], bool]:
        paths, _filter = QFileDialog.getOpenFileNames(parent, tr("Add evidence files"), str(Path.home()),
                                                      tr("All files (*)"))
        return [Path(p) for p in paths], bool(paths)

    @classmethod
    def export_target(cls, parent: QWidget | None, suggested: Path) -> tuple[Path | None, bool]:
        target, _filter = QFileDialog.getSaveFileName(parent, tr("Export a decrypted copy"), str(suggested))
        return (Path(target), True) if target else (None, False)


def open_in_system_viewer(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _lines_into(text: str, lines: list[str]) -> tuple[str, str | None]:
    """The lines in the message when they are few, else under 'Show Details…'."""
    if len(lines) <= LINES_IN_TEXT:
        return text + "\n\n" + "\n".join(lines), None
    return text + "\n\n" + tr("Each file is listed under Show Details."), "\n".join(lines)


def add_summary(results: Sequence[AddResult]) -> tuple[bool, str, str, str | None]:
    """(all went well, title, text, details) of the report after adding files."""
    added = [r for r in results if r.ok]
    lines = []
    for r in results:
        if r.ok:
            line = tr("✓ %1 — added as exhibit %2").replace("%1", r.path.name).replace("%2", r.number or "")
            if r.text_status in (TextStatus.no_text, TextStatus.unreadable) and r.note:
                line += " (" + r.note + ")"  # why search will not find words in it
        elif r.duplicate_of is not None:
            line = tr("= %1 — the same file is already exhibit %2; not added again").replace(
                "%1", r.path.name).replace("%2", r.duplicate_of)
        else:
            line = tr("✗ %1").replace("%1", r.error or r.path.name)
        lines.append(line)
    text = tr("%1 of %2 files were added to the case.").replace("%1", str(len(added))).replace(
        "%2", str(len(results)))
    title = tr("Evidence added") if len(added) == len(results) else tr("Some files were not added")
    text, details = _lines_into(text, lines)
    return len(added) == len(results), title, text, details


def verify_summary(report: VaultReport, describe: Callable[[int], str]) -> tuple[bool, str, str, str | None]:
    """(all intact, title, text, details) of a verification; ``describe(exhibit id)`` names an exhibit."""
    counts = tr("Intact: %1 · Altered: %2 · Missing: %3 · Orphans: %4").replace(
        "%1", str(report.count(VerifiedState.intact))).replace("%2", str(report.count(VerifiedState.altered))).replace(
        "%3", str(report.count(VerifiedState.missing))).replace("%4", str(len(report.orphans)))
    lines = [tr("%1: %2").replace("%1", describe(c.exhibit_id)).replace("%2", c.detail or str(c.state))
             for c in report.problems]
    lines += [tr("Orphan %1: %2").replace("%1", o.name).replace("%2", o.detail) for o in report.orphans]
    if report.ok:
        title = tr("Every file is intact") if len(report.checks) != 1 else tr("The file is intact")
        text = tr("Each file was decrypted and its SHA-256 compared with the one recorded when it was added.")
    else:
        title = tr("Problems found in the evidence") if report.complete else tr("The check was stopped")
        text = tr("Altered: a chunk failed authentication or the content differs from its SHA-256. "
                  "Missing: the encrypted file is not in the vault. Orphan: a file in the vault that no "
                  "exhibit accounts for (never deleted without asking you).")
    if not report.complete:
        text = tr("Stopped on request after %1 files; the rest were not checked.").replace(
            "%1", str(len(report.checks))) + "\n\n" + text
    text, details = _lines_into(counts + "\n\n" + text, lines) if lines else (counts + "\n\n" + text, None)
    return report.ok, title, text, details


class EvidenceActions(QObject):
    """The actions of the Evidence tab and what they do; the tab shows them in its tool bar."""

    def __init__(self, tab: EvidenceTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.add = self._action(tr("Add Evidence…"), "file-plus", self.add_files,
                                tr("Add files to this case's evidence, encrypted (or drop files on this tab)"))
        self.edit = self._action(tr("Edit…"), "pencil", self.tab.edit_selected, tr("Edit what is recorded about "
                                                                                     "the exhibit"))
        self.export = self._action(tr("Export Copy…"), "file-down", self.export_selected,
                                   tr("Write a decrypted copy of the exhibit to a file (recorded in its custody)"))
        self.verify = self._action(tr("Verify"), "shield-check", self.verify_selected,
                                   tr("Decrypt the exhibit and compare it with its SHA-256"))
        self.verify_all = self._action(tr("Verify All…"), "shield-check", self.verify_store,
                                       tr("Check every exhibit of every case, and look for orphan files"))
        self.system_viewer = self._action(tr("Open with System Viewer…"), "external-link",
                                          self.open_with_system_viewer,
                                          tr("Open a decrypted temporary copy in another program"))
        self.renumber = self._action(tr("Renumber…"), "list-ordered", self.renumber_case,
                                     tr("Number this case's exhibits 1, 2, 3… in their present order"))
        self.delete = self._action(tr("Delete Exhibit…"), "trash-2", self.delete_selected,
                                   tr("Remove the exhibit and its encrypted file (Ctrl+Z brings them back until "
                                      "you close the program)"))
        # Shorter words on the tool bar, where the case area is narrow; the menus and tips say it all.
        for action, short in ((self.add, tr("Add Files")), (self.export, tr("Export")),
                              (self.system_viewer, tr("Open Outside"))):
            action.setIconText(short)

    def _action(self, text: str, icon_name: str, slot: Callable[[], Any], tip: str) -> QAction:
        action = QAction(icon(icon_name), text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def update(self, has_case: bool, has_selection: bool) -> None:
        writable = self.tab.store.writable
        for action in (self.add, self.renumber):
            action.setEnabled(has_case and writable)
        for action in (self.edit, self.delete):
            action.setEnabled(has_selection and writable)
        for action in (self.export, self.verify, self.system_viewer):
            action.setEnabled(has_selection)
        self.verify_all.setEnabled(has_case)

    def _status(self, text: str) -> None:
        window = self.tab.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 10000)

    def _run(self, title: str, label: str, work: Callable[[Progress], Any]) -> Any:
        """Run ``work`` with a progress dialog; its result, or None when it failed (said) or was stopped."""
        try:
            result, _ok = ProgressDialog.run(self.tab, title, label, work)
        except StoppedOnRequest:
            return None
        except LawyerDeskError as exc:
            alerts.error_for(self.tab, exc)
            return None
        except OSError as exc:
            alerts.error(self.tab, tr("The action failed"), tr("A file could not be written: %1").replace(
                "%1", exc.strerror or str(exc)))
            return None
        return result

    def _changed(self, table: str = "exhibit") -> None:
        if self.tab.client_id is not None:
            self.tab.events.changed.emit(table, self.tab.client_id)

    # -- adding ---------------------------------------------------------------------------
    def add_files(self) -> None:
        paths, ok = EvidenceFiles.to_add(self.tab)
        if ok:
            self.add_paths(paths)

    def add_paths(self, paths: Sequence[Path]) -> list[AddResult]:
        """Add the files off the GUI thread, with progress and Cancel; then say what became of each."""
        client_id, store, paths = self.tab.client_id, self.tab.store, [Path(p) for p in paths]
        if client_id is None or not paths:
            return []

        def work(progress: Progress) -> list[AddResult]:
            sizes = [_size(p) for p in paths]
            total, before, results = sum(sizes), 0, []
            for i, path in enumerate(paths):
                if progress.cancelled:
                    results += [AddResult(p, error=tr("%1: cancelled; not added").replace("%1", p.name))
                                for p in paths[i:]]
                    break
                label = tr("Encrypting %1 (%2 of %3)…").replace("%1", path.name).replace(
                    "%2", str(i + 1)).replace("%3", str(len(paths)))
                progress.report(before, total, label)
                results += exhibits.add_files(
                    store, client_id, [path], cancel=lambda: progress.cancelled,
                    progress=lambda done, _all, start=before, label=label: progress.report(start + done, total, label))
                before += sizes[i]
            return results

        results = self._run(tr("Adding evidence"), tr("Encrypting the files…"), work)
        if results is None:
            return []
        self._changed()
        last = next((r.exhibit_id for r in reversed(results) if r.exhibit_id is not None), None)
        if last is not None:
            self.tab.select_exhibit(last)
        fine, title, text, details = add_summary(results)
        (alerts.info if fine else alerts.warning)(self.tab, title, text, details)
        return results

    # -- reading back ---------------------------------------------------------------------
    def export_selected(self) -> Path | None:
        row = self.tab.selected_row()
        if row is None:
            return None
        target, ok = EvidenceFiles.export_target(self.tab, Path.home() / row.filename)
        if not ok or target is None:
            return None
        store = self.tab.store

        def work(progress: Progress) -> Path:
            return exhibits.export_copy(store, row.id, target, cancel=lambda: progress.cancelled,
                                        progress=progress.report)

        written = self._run(tr("Exporting"), tr("Writing a decrypted copy…"), work)
        if written is None:
            return None
        self._changed("audit_entry")
        self._status(tr("Exhibit %1 exported to %2 (recorded in its custody history)").replace(
            "%1", row.number).replace("%2", str(written)))
        return written

    def open_with_system_viewer(self) -> Path | None:
        """Write a decrypted copy into the private folder and open it in the system's program."""
        row = self.tab.selected_row()
        if row is None:
            return None
        if not settings.load().system_viewer_warned:
            text = tr("To open the exhibit in another program, a decrypted copy is written to a private "
                      "temporary folder on this computer:\n%1\n\nThe copy is overwritten and deleted when you "
                      "close the program or the store is locked. The other program may keep its own traces "
                      "(recent files, caches, autosaves), which this program cannot remove. Every copy is "
                      "recorded in the exhibit's custody history.\n\nThis warning is shown once.").replace(
                "%1", str(plaintext_copies.base_dir()))
            if not alerts.confirm(self.tab, tr("Write a decrypted copy to disk?"), text, destructive=True,
                                  action=tr("Write Copy and Open")):
                return None
            settings.update(system_viewer_warned=True)
        store = self.tab.store

        def work(progress: Progress) -> Path:
            return plaintext_copies.write_copy(store, row.id, cancel=lambda: progress.cancelled,
                                               progress=progress.report)

        copy = self._run(tr("Opening"), tr("Writing a decrypted copy…"), work)
        if copy is None:
            return None
        self._changed("audit_entry")
        if not open_in_system_viewer(copy):
            alerts.warning(self.tab, tr("No program opened the copy"), tr(
                "The system has no program for files of this kind. The decrypted copy is at:\n%1\n\n"
                "It will be wiped when you close the program.").replace("%1", str(copy)))
        return copy

    # -- checking -------------------------------------------------------------------------
    def verify_selected(self) -> VaultReport | None:
        row = self.tab.selected_row()
        return self._verify([row.id]) if row is not None else None

    def verify_store(self) -> VaultReport | None:
        return self._verify(None)

    def _verify(self, exhibit_ids: list[int] | None) -> VaultReport | None:
        store = self.tab.store

        def work(progress: Progress) -> VaultReport:
            return exhibit_checks.verify(store, exhibit_ids, cancel=lambda: progress.cancelled,
                                         progress=progress.report)

        report = self._run(tr("Verifying"), tr("Decrypting and hashing the evidence…"), work)
        if report is None:
            return None
        self.tab.events.changed.emit("exhibit", -1 if exhibit_ids is None else self.tab.client_id or -1)
        fine, title, text, details = verify_summary(report, self._describe)
        (alerts.info if fine else alerts.warning)(self.tab, title, text, details)
        if report.orphans:
            self.offer_orphan_removal(report)
        return report

    def offer_orphan_removal(self, report: VaultReport) -> list[Orphan]:
        """After a check that found orphans: ask, then remove those that are ours to remove.

        Files that do not belong in the vault folder stay (reported only), and so do the files
        of deletions that Ctrl+Z can still undo.
        """
        store, held = self.tab.store, held_by(self.tab.undo)
        ours = [o for o in report.orphans if o.kind in exhibit_checks.REMOVABLE]
        removable = [o for o in ours if o.name not in held]
        if not removable or not store.writable:
            return []
        found = (tr("1 file in the vault belongs to no exhibit") if len(removable) == 1 else
                 tr("%1 files in the vault belong to no exhibit").replace("%1", str(len(removable))))
        text = found + tr(": encrypted files left behind when the program was interrupted, for instance while "
                          "adding evidence or before it could tidy up after a deletion. They cannot be opened as "
                          "evidence.\n\nRemove them from the vault? This cannot be undone. Files that do not "
                          "belong in the vault folder are left as they are.")
        kept = len(ours) - len(removable)
        if kept:
            text += "\n\n" + (tr("1 file of a deletion that you can still undo with Ctrl+Z is kept.") if kept == 1
                               else tr("%1 files of deletions that you can still undo with Ctrl+Z are kept.")
                               .replace("%1", str(kept)))
        if not alerts.confirm(self.tab, tr("Remove orphan files?"), text, destructive=True,
                              action=tr("Remove Orphan Files")):
            return []
        removed = self._run(tr("Removing orphan files"), tr("Removing the orphan files from the vault…"),
                            lambda _progress: exhibit_checks.remove_orphans(
                                store, keep=held, only=[o.name for o in removable]))
        if removed is None:
            return []
        self._changed("audit_entry")
        done = (tr("1 file was removed from the vault.") if len(removed) == 1 else
                tr("%1 files were removed from the vault.").replace("%1", str(len(removed))))
        alerts.info(self.tab, tr("Orphan files removed"),
                    done + " " + tr("The removal is recorded in the audit trail."))
        return list(removed)

    def _describe(self, exhibit_id: int) -> str:
        with self.tab.store.session() as session:
            found = session.execute(select(m.Exhibit.number, m.Exhibit.title, m.Client.display_name).join(
                m.Client, m.Client.id == m.Exhibit.client_id).where(m.Exhibit.id == exhibit_id)).first()
        if found is None:
            return tr("Exhibit #%1").replace("%1", str(exhibit_id))
        return tr("Exhibit %1 “%2” (%3)").replace("%1", found[0]).replace("%2", found[1]).replace("%3", found[2])

    # -- changing the set -----------------------------------------------------------------
    def renumber_case(self) -> None:
        client_id = self.tab.client_id
        if client_id is None or not alerts.confirm(
                self.tab, tr("Renumber the exhibits?"),
                tr("The exhibits of this case will be numbered 1, 2, 3… in their present order; numbers such "
                   "as A-3 are replaced too. Documents already produced keep the old numbers. Each change is "
                   "recorded in the exhibit's history."), action=tr("Renumber")):
            return
        try:
            with self.tab.store.session() as session:
                exhibits.renumber(session, client_id)
        except LawyerDeskError as exc:
            alerts.error_for(self.tab, exc)
            return
        self._changed()

    def delete_selected(self) -> bool:
        """Delete the selected exhibit, undoably: its encrypted file goes when the program closes."""
        row = self.tab.selected_row()
        if row is None or not alerts.confirm(
                self.tab, tr("Delete exhibit %1?").replace("%1", row.number),
                tr("Delete exhibit %1 “%2” and its encrypted file (%3)?\n\n"
                   "You can undo this with Ctrl+Z until you close the program; then the encrypted file is "
                   "removed from the vault for good. The deletion stays in the case's history.").replace(
                    "%1", row.number).replace("%2", row.title).replace("%3", row.filename),
                destructive=True, action=tr("Delete Exhibit")):
            return False
        command = DeleteWithEvidence(self.tab.store, self.tab.events, m.Exhibit, row.id,
                                     tr("Delete exhibit %1").replace("%1", row.number), row.client_id, self.tab)
        if not push(self.tab.undo, command):
            return False
        self._status(tr("Exhibit %1 deleted (Ctrl+Z brings it back)").replace("%1", row.number))
        return True


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0
