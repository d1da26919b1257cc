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
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select

from lawyer_desk.core import case_evidence, cases
from lawyer_desk.core import models as m
from lawyer_desk.core.interchange import case_json
from lawyer_desk.core.store import Store
from lawyer_desk.core.store.fileio import write_atomic
from lawyer_desk.core.vault import Vault
from lawyer_desk.ui.tasks import Progress, ProgressDialog

ERROR_COLOUR = "#c62828"


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


class CaseExportDialog(QDialog):
    def __init__(self, default_path: Path, exhibits: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("case_export")
        self.setWindowTitle(self.tr("Export case"))
        self.result_value: CaseExportChoice | None = None

        self.path_edit = QLineEdit(str(default_path), self)
        self.path_edit.setObjectName("case_export_path")
        self.path_edit.textChanged.connect(self._show_folder)
        browse = QPushButton(self.tr("Choose…"), self)
        browse.clicked.connect(self._browse)
        self.path_error = QLabel(self)
        self.path_error.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.path_error.setWordWrap(True)
        self.path_error.hide()

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

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        path_box = QVBoxLayout()
        path_box.addLayout(path_row)
        path_box.addWidget(self.path_error)
        evidence_box = QVBoxLayout()
        evidence_box.addWidget(self.evidence)
        evidence_box.addWidget(self.folder_note)
        form = QFormLayout()
        form.addRow(self.tr("Case file"), path_box)
        form.addRow(self.tr("Evidence"), evidence_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self._show_folder()

    def _browse(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("Export case"), self.path_edit.text(),
                                                      self.tr("Case files (*.json)"))
        if chosen:
            self.path_edit.setText(chosen)

    def _target(self) -> Path:
        path = Path(self.path_edit.text().strip()).expanduser()
        return path if path.suffix.lower() == ".json" else path.with_name(path.name + ".json")

    def _show_folder(self) -> None:
        if self.evidence.isChecked():
            self.folder_note.setText(self.tr(
                "The files are written, decrypted and checked against their SHA-256, into the folder %1 "
                "beside the case file. They are plain copies: keep them on an encrypted disk and delete them "
                "when they are no longer needed. Each copy is recorded in the exhibit's custody history.").replace(
                "%1", str(evidence_folder_for(self._target()))))
        else:
            self.folder_note.setText(self.tr("Only the description and SHA-256 of each exhibit go into the case "
                                             "file; another store cannot import the case without the files."))

    def chosen(self) -> tuple[CaseExportChoice | None, str | None]:
        if not self.path_edit.text().strip():
            return None, self.tr("Choose the file to write.")
        path = self._target()
        if not path.parent.is_dir():
            return None, self.tr("The folder %1 does not exist.").replace("%1", str(path.parent))
        if path.is_dir():
            return None, self.tr("%1 is a folder; give a file name.").replace("%1", str(path))
        if not self.evidence.isChecked():
            return CaseExportChoice(path), None
        folder = evidence_folder_for(path)
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            return None, self.tr("%1 already exists and is not an empty folder; choose another file name, or "
                                 "move that folder away first.").replace("%1", str(folder))
        return CaseExportChoice(path, folder), None

    def accept(self) -> None:
        choice, problem = self.chosen()
        self.path_error.setText(problem or "")
        self.path_error.setVisible(bool(problem))
        if choice is None:
            return
        self.result_value = choice
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, default_path: Path, exhibits: int) -> tuple[CaseExportChoice | None, bool]:
        dialog = cls(default_path, exhibits, parent)
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        value = dialog.result_value
        dialog.deleteLater()
        return value, ok and value is not None


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
