"""Answer record dialogs the way a user would: the real dialog, its fields filled in, Save pressed.

``RecordDialog.edit`` blocks in ``exec``; the replacement builds the same dialog, sets the
fields (text set programmatically with the signals typing would emit, since
``qtbot.keyClicks`` aborts on non-ASCII text), and presses Save, so the form's own checks
and the core's validation run as they do for a user.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QLineEdit, QListWidget, QPlainTextEdit, QWidget

from lawyer_desk.ui.forms import RecordDialog, RecordForm


def set_field(form: RecordForm, name: str, value: Any) -> None:
    widget = form.widgets[name]
    if isinstance(widget, QLineEdit):
        widget.setText(str(value))
        widget.textEdited.emit(widget.text())
        widget.editingFinished.emit()
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(str(value))
    elif isinstance(widget, QComboBox):
        index = widget.findData(value)
        assert index >= 0, f"{value!r} is not a choice of {name}"
        widget.setCurrentIndex(index)
    elif isinstance(widget, QListWidget):
        for row in range(widget.count()):
            item = widget.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in value
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    else:
        raise AssertionError(f"no way to fill {name}")


class DialogAnswers:
    """The dialogs shown so far; ``fields`` is what the next ones are filled with."""

    def __init__(self) -> None:
        self.fields: dict[str, Any] = {}
        self.dialogs: list[RecordDialog] = []
        self.titles: list[str] = []

    @property
    def last(self) -> RecordDialog:
        return self.dialogs[-1]


def fill_dialogs(monkeypatch: pytest.MonkeyPatch, fields: dict[str, Any] | None = None) -> DialogAnswers:
    answers = DialogAnswers()
    answers.fields = dict(fields or {})

    def edit(parent: QWidget | None, title: str, model: Any, specs: Any,
             values: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        dialog = RecordDialog(title, model, specs, values, parent)
        answers.dialogs.append(dialog)
        answers.titles.append(title)
        for name, value in answers.fields.items():
            set_field(dialog.form, name, value)
        dialog.accept()  # refuses (and marks the fields) when something is wrong
        return dialog.result_values, dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(RecordDialog, "edit", staticmethod(edit))
    return answers
