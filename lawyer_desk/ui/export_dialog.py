"""What the export dialogs share: the file to write (typed, or picked with Choose…), what is
wrong with it in red under it, and Export / Cancel.

A subclass adds its own rows between ``__init__`` and ``_finish`` (so the tab order follows the
form) and says in ``chosen()`` what the lawyer asked for; ``ask`` returns ``(choice, ok)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

ERROR_COLOUR = "#c62828"


class ExportDialog(QDialog):
    SUFFIX: ClassVar[str] = ""  # the file's extension, added when the lawyer leaves it out, e.g. ".ics"

    def __init__(self, title: str, default_path: Path, file_filter: str, parent: QWidget | None = None) -> None:
        """``file_filter``: for the Choose… dialog, e.g. "iCalendar files (*.ics)"."""
        super().__init__(parent)
        self.setWindowTitle(title)
        self.file_filter = file_filter
        self.result_value: Any = None
        self.path_edit = QLineEdit(str(default_path), self)
        browse = QPushButton(self.tr("Choose…"), self)
        browse.clicked.connect(self._browse)
        self.path_error = QLabel(self)
        self.path_error.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.path_error.setWordWrap(True)
        self.path_error.hide()
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        self.path_box = QVBoxLayout()
        self.path_box.addLayout(path_row)
        self.path_box.addWidget(self.path_error)

    def _finish(self, rows: list[tuple[str, QLayout]], minimum_width: int) -> None:
        """Export and Cancel under a form of the file's row (``rows[0]``, usually ``path_box``) and the others."""
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        for label, row in rows:
            form.addRow(label, row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(minimum_width)

    def _browse(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(self, self.windowTitle(), self.path_edit.text(),
                                                      self.file_filter)
        if chosen:
            self.path_edit.setText(chosen)

    def target(self) -> Path:
        """The file typed, with its extension."""
        path = Path(self.path_edit.text().strip()).expanduser()
        return path if path.suffix.lower() == self.SUFFIX else path.with_name(path.name + self.SUFFIX)

    def chosen_path(self) -> tuple[Path | None, str | None]:
        """(the file to write, or None and what is wrong with it)."""
        if not self.path_edit.text().strip():
            return None, self.tr("Choose the file to write.")
        path = self.target()
        if not path.parent.is_dir():
            return None, self.tr("The folder %1 does not exist.").replace("%1", str(path.parent))
        if path.is_dir():
            return None, self.tr("%1 is a folder; give a file name.").replace("%1", str(path))
        return path, None

    def chosen(self) -> tuple[Any, str | None]:
        """(what the lawyer asked for, or None and what is wrong)."""
        raise NotImplementedError

    def accept(self) -> None:
        choice, problem = self.chosen()
        self.path_error.setText(problem or "")
        self.path_error.setVisible(bool(problem))
        if choice is None:
            return
        self.result_value = choice
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, *args: Any) -> tuple[Any, bool]:
        """Show the dialog (``cls(*args, parent)``) and return ``(choice, ok)``."""
        dialog = cls(*args, parent)
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        value = dialog.result_value
        dialog.deleteLater()
        return value, ok and value is not None
