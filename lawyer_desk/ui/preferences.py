"""File ▸ Preferences…: when the desk locks itself, what a lock does with unsaved input, the second backup folder.

The first two are the lawyer's (``ui.settings``, per user); the second backup folder belongs
to the store (``backup-settings.json`` in the store folder, ``autobackup.BackupSettings``),
since a USB stick is chosen for the cases it carries. ``PreferencesDialog.edit(parent, root)``
returns ``(choices, ok)``; ``apply`` saves them.
"""

from __future__ import annotations

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
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from lawyer_desk.core.store.autobackup import BackupSettings
from lawyer_desk.ui import settings

MAX_IDLE_MINUTES = 24 * 60


def tr(text: str) -> str:
    return QCoreApplication.translate("preferences", text)


@dataclass(frozen=True)
class Choices:
    idle_minutes: int
    keep_unsaved: bool
    second_folder: Path | None


def apply(choices: Choices, root: Path) -> settings.Settings:
    """Save the choices (the backup setting in the store folder: ``StoreError`` if it cannot be written)."""
    current = BackupSettings.load(root)
    if current.second_folder != choices.second_folder:
        BackupSettings(choices.second_folder, current.keep_daily, current.keep_weekly).save(root)
    return settings.update(idle_lock_minutes=choices.idle_minutes, keep_unsaved_while_locked=choices.keep_unsaved)


class PreferencesDialog(QDialog):
    def __init__(self, root: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Preferences — lawyer_desk"))
        self.setMinimumWidth(520)
        prefs = settings.load()
        self.idle = QSpinBox(self)
        self.idle.setRange(0, MAX_IDLE_MINUTES)
        self.idle.setSuffix(tr(" min"))
        self.idle.setSpecialValueText(tr("Never"))
        self.idle.setValue(prefs.idle_lock_minutes)
        self.idle.setAccessibleName(tr("Lock after this many minutes without use"))
        self.keep = QCheckBox(tr("&Keep unsaved input in memory while locked"), self)
        self.keep.setChecked(prefs.keep_unsaved_while_locked)
        keep_note = QLabel(tr("Off: an automatic lock saves what you typed if it is valid (Undo takes it back) and "
                              "discards it otherwise; Lock now asks. On: it stays in the window's memory, "
                              "hidden, until you unlock."), self)
        keep_note.setWordWrap(True)
        self.folder = QLineEdit(self)
        self.folder.setPlaceholderText(tr("None"))
        self.folder.setClearButtonEnabled(True)
        second = BackupSettings.load(root).second_folder
        self.folder.setText(str(second) if second else "")
        choose = QPushButton(tr("C&hoose…"), self)
        choose.clicked.connect(self._choose)
        folder_note = QLabel(tr("Each automatic backup is also copied there, for instance to a USB stick. When the "
                                "folder is missing (the stick is not plugged in), the backup in the store's "
                                "backups folder stands and you are told."), self)
        folder_note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(choose)
        form = QFormLayout()
        form.addRow(tr("&Lock the desk after:"), self.idle)
        form.addRow("", self.keep)
        form.addRow("", keep_note)
        form.addRow(tr("&Second backup folder:"), row)
        form.addRow("", folder_note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def _choose(self) -> None:
        start = self.folder.text() or str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, tr("Second backup folder"), start)
        if chosen:
            self.folder.setText(chosen)

    def choices(self) -> Choices:
        text = self.folder.text().strip()
        return Choices(self.idle.value(), self.keep.isChecked(), Path(text) if text else None)

    @classmethod
    def edit(cls, parent: QWidget | None, root: Path) -> tuple[Choices | None, bool]:
        dialog = cls(root, parent)
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        choices = dialog.choices() if ok else None
        dialog.deleteLater()
        return choices, ok
