"""File → Export Case: the case file, and on request its evidence files beside it.

The evidence files leave the encrypted store as plain, decrypted copies, so they are written
only when the lawyer ticks the box; they go into a new folder beside the case file (the
layout of ``export-case --evidence-dir``, which File → Import reads back). The work runs off
the GUI thread with a progress bar and Cancel; a cancelled or failed export leaves nothing
behind and nothing in the custody record. ``CaseExportDialog.ask`` returns ``(choice, ok)``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget
from sqlalchemy import func, select

from lawyer_desk.core import case_evidence, cases
from lawyer_desk.core import models as m
from lawyer_desk.core.interchange import case_json
from lawyer_desk.core.store import Store
from lawyer_desk.core.store.fileio import write_atomic
from lawyer_desk.core.vault import Vault
from lawyer_desk.ui.export_dialog import ExportDialog
from lawyer_desk.ui.tasks import Progress, ProgressDialog


def tr(text: str) -> str:
    return QCoreApplication.translate("case_export", text)


def evidence_folder_for(case_file: Path) -> Path:
    """The folder beside the case file that holds its evidence: "case-12.json" → "case-12 evidence"."""
    return case_file.with_name(f"{case_file.stem} evidence")


def exhibit_count(store: Store, client_id: int) -> int:
    with store.session() as session:
        return int(session.execute(select(func.count()).select_from(m.Exhibit).where(
            m.Exhibit.client_id == client_id)).scalar_one())


@dataclass(frozen=True)
class CaseExportChoice:
    path: Path
    evidence_dir: Path | None = None  # None: the case file only


class CaseExportDialog(ExportDialog):
    SUFFIX = ".json"

    def __init__(self, default_path: Path, exhibits: int, parent: QWidget | None = None) -> None:
        super().__init__(tr("Export case"), default_path, tr("Case files (*.json)"), parent)
        self.setObjectName("case_export")
        self.path_edit.setObjectName("case_export_path")
        self.path_edit.textChanged.connect(self._show_folder)

        self.evidence = QCheckBox(self)
        self.evidence.setObjectName("case_export_evidence")
        if exhibits:
            self.evidence.setText(self.tr("Include the evidence files (%1), decrypted").replace("%1", str(exhibits)))
        else:
            self.evidence.setText(self.tr("Include the evidence files (this case has none)"))
            self.evidence.setEnabled(False)
        self.evidence.toggled.connect(self._show_folder)
        self.folder_note = QLabel(self)
        self.folder_note.setWordWrap(True)

        evidence_box = QVBoxLayout()
        evidence_box.addWidget(self.evidence)
        evidence_box.addWidget(self.folder_note)
        self._finish([(self.tr("Case file"), self.path_box), (self.tr("Evidence"), evidence_box)], 560)
        self._show_folder()

    def _show_folder(self) -> None:
        if self.evidence.isChecked() and not self.path_edit.text().strip():  # no case file named yet
            self.folder_note.setText(self.tr("The evidence files go into a folder beside the case file; "
                                             "choose the case file first."))
        elif self.evidence.isChecked():
            self.folder_note.setText(self.tr(
                "The files are written, decrypted and checked against their SHA-256, into the folder %1 "
                "beside the case file. They are plain copies: keep them on an encrypted disk and delete them "
                "when they are no longer needed. Each copy is recorded in the exhibit's custody history.").replace(
                "%1", str(evidence_folder_for(self.target()))))
        else:
            self.folder_note.setText(self.tr("Only the description and SHA-256 of each exhibit go into the case "
                                             "file; another store cannot import the case without the files."))

    def chosen(self) -> tuple[CaseExportChoice | None, str | None]:
        path, problem = self.chosen_path()
        if path is None:
            return None, problem
        if not self.evidence.isChecked():
            return CaseExportChoice(path), None
        folder = evidence_folder_for(path)
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            return None, self.tr("%1 already exists and is not an empty folder; choose another file name, or "
                                 "move that folder away first.").replace("%1", str(folder))
        return CaseExportChoice(path, folder), None


def export_case(parent: QWidget | None, store: Store, client_id: int, choice: CaseExportChoice) -> int:
    """Write the case file (and the evidence files) off the GUI thread; the number of evidence files written.

    Raises what went wrong (``LawyerDeskError``, ``OSError``, or ``vault.Cancelled`` when the
    lawyer stopped it); then no file of this export is left and nothing was recorded.
    """
    folder = choice.evidence_dir
    made_folder = folder is not None and not folder.exists()

    def work(progress: Progress) -> int:
        label = tr("Writing the evidence files…")
        with store.session() as session:  # the exports are recorded only when the whole export succeeded
            case = cases.export_case(session, client_id)
            written: list[Path] = []
            try:
                if folder is not None and case.exhibits:
                    case = case.model_copy(update={"evidence_dir": case_evidence.evidence_dir_hint(choice.path,
                                                                                                     folder)})
                    written = case_evidence.export_evidence(
                        session, Vault.of(store), client_id, case, folder, cancel=lambda: progress.cancelled,
                        progress=lambda done, total: progress.report(done, total, label))
                write_atomic(choice.path, case_json.dumps(case).encode("utf-8"))
            except BaseException:
                for path in written:
                    path.unlink(missing_ok=True)
                if made_folder and folder is not None:
                    with contextlib.suppress(OSError):
                        folder.rmdir()  # only if empty: nothing of the lawyer's is removed
                raise
            return len(written)

    count, _finished = ProgressDialog.run(parent, tr("Exporting"), tr("Writing the case file…"), work)
    return count or 0
