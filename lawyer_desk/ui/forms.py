"""Forms for records: field widgets that validate as the lawyer types, and a record dialog.

A form is described by ``FieldSpec``s; it reads and writes plain dicts of the entity's
fields. A value typed wrong is marked at the field (red frame and a sentence under it),
never silently dropped; saving re-checks everything through ``core.records.validate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlmodel import SQLModel

from lawyer_desk.core import records
from lawyer_desk.core.codes import check_country, check_language, check_partial_date
from lawyer_desk.ui.labels import label

ERROR_STYLE = "QLineEdit, QPlainTextEdit, QComboBox { border: 1px solid #c62828; }"


def tr(text: str) -> str:
    return QCoreApplication.translate("forms", text)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"  # text, multiline, partial_date, date, time, bool, enum, enum_set (checkable list
    #                    of ``enum`` values), country, countries, language, languages, int_list
    enum: type[StrEnum] | None = None
    optional_enum: bool = False
    placeholder: str = ""
    help: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _check(kind: str, text: str) -> str | None:
    """The problem with ``text`` for a field of ``kind``, or None when it is fine or empty."""
    text = text.strip()
    if not text:
        return None
    try:
        if kind == "partial_date":
            check_partial_date(text)
        elif kind == "date":
            date.fromisoformat(text)
        elif kind == "time":
            time.fromisoformat(text)
        elif kind == "country":
            check_country(text)
        elif kind == "countries":
            for part in _split(text):
                check_country(part)
        elif kind == "language":
            check_language(text)
        elif kind == "languages":
            for part in _split(text):
                check_language(part)
        elif kind == "int_list":
            for part in _split(text):
                int(part)
    except ValueError as exc:
        message = str(exc)
        if kind == "date":
            return tr("not a date: use YYYY-MM-DD, e.g. 2026-12-02")
        if kind == "time":
            return tr("not a time: use HH:MM, e.g. 16:30")
        if kind == "int_list":
            return tr("whole numbers separated by commas, e.g. 7, 1")
        return message
    return None


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class RecordForm(QWidget):
    """Fields of one record in a form layout, each with its own error line."""

    changed = Signal()

    def __init__(self, specs: list[FieldSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.specs = {spec.name: spec for spec in specs}
        self.widgets: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._dirty = False
        self._crlf: set[str] = set()  # multiline fields whose text came with Windows line ends
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for spec in specs:
            widget = self._make(spec)
            widget.setObjectName(f"field_{spec.name}")
            widget.setToolTip(spec.help)
            error = QLabel(self)
            error.setObjectName(f"error_{spec.name}")
            error.setStyleSheet("color: #c62828;")
            error.setWordWrap(True)
            error.hide()
            box = QWidget(self)
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.setSpacing(2)
            inner.addWidget(widget)
            inner.addWidget(error)
            layout.addRow(spec.label, box)
            self.widgets[spec.name] = widget
            self.error_labels[spec.name] = error

    # -- widgets ------------------------------------------------------------------------
    def _make(self, spec: FieldSpec) -> QWidget:
        if spec.kind == "multiline":
            edit = QPlainTextEdit(self)
            edit.setTabChangesFocus(True)
            edit.textChanged.connect(self._touched)
            return edit
        if spec.kind == "enum_set":
            assert spec.enum is not None
            choices = QListWidget(self)
            for member in spec.enum:
                item = QListWidgetItem(label(member), choices)
                item.setData(Qt.ItemDataRole.UserRole, member.value)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
            # Every choice visible at once, no scrolling inside the form.
            choices.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            choices.setFixedHeight(choices.sizeHintForRow(0) * min(choices.count(), 12) + 2 * choices.frameWidth())
            choices.setMinimumWidth(choices.sizeHintForColumn(0) + 2 * choices.frameWidth()
                                    + choices.verticalScrollBar().sizeHint().width())
            choices.itemChanged.connect(self._touched)
            return choices
        if spec.kind == "bool":
            box = QCheckBox(self)
            box.toggled.connect(self._touched)
            return box
        if spec.kind == "enum":
            combo = QComboBox(self)
            if spec.optional_enum:
                combo.addItem("—", None)
            assert spec.enum is not None
            for member in spec.enum:
                combo.addItem(label(member), member.value)
            combo.currentIndexChanged.connect(self._touched)
            return combo
        line = QLineEdit(self)
        line.setPlaceholderText(spec.placeholder or self._placeholder(spec.kind))
        line.textEdited.connect(self._touched)
        line.editingFinished.connect(lambda name=spec.name: self._check_field(name))
        return line

    @staticmethod
    def _placeholder(kind: str) -> str:
        return {
            "partial_date": tr("YYYY, YYYY-MM or YYYY-MM-DD"),
            "date": tr("YYYY-MM-DD"),
            "time": tr("HH:MM"),
            "country": tr("ISO code, e.g. CN"),
            "countries": tr("ISO codes, e.g. CN, TR"),
            "language": tr("ISO 639 code, e.g. uig"),
            "languages": tr("ISO 639 codes, e.g. uig, eng"),
            "int_list": tr("days before, e.g. 7, 1"),
        }.get(kind, "")

    def _touched(self, *_: object) -> None:
        self._dirty = True
        self.changed.emit()

    def _check_field(self, name: str) -> None:
        widget = self.widgets[name]
        if isinstance(widget, QLineEdit):
            problem = _check(self.specs[name].kind, widget.text())
            self.set_error(name, problem)

    # -- values -------------------------------------------------------------------------
    def set_values(self, values: dict[str, Any]) -> None:
        for name, widget in self.widgets.items():
            value = values.get(name)
            kind = self.specs[name].kind
            if isinstance(widget, QPlainTextEdit):
                # QPlainTextEdit hands back "\n" only; remember "\r\n" so an edit elsewhere keeps it.
                if value and "\r\n" in value:
                    self._crlf.add(name)
                else:
                    self._crlf.discard(name)
                widget.setPlainText(value or "")
            elif isinstance(widget, QListWidget):
                chosen = {v.value if isinstance(v, StrEnum) else v for v in value or []}
                for row in range(widget.count()):
                    item = widget.item(row)
                    checked = item.data(Qt.ItemDataRole.UserRole) in chosen
                    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QComboBox):
                index = widget.findData(value.value if isinstance(value, StrEnum) else value)
                widget.setCurrentIndex(max(index, 0))
            elif isinstance(widget, QLineEdit):
                if kind in ("countries", "languages", "int_list"):
                    widget.setText(", ".join(str(v) for v in value or []))
                elif kind == "time" and value is not None:
                    widget.setText(value.strftime("%H:%M"))
                else:
                    widget.setText("" if value is None else str(value))
        self.clear_errors()
        self._dirty = False

    def values(self) -> dict[str, Any]:
        """Raw values for ``records.validate``: empty fields are None (or [] for lists)."""
        out: dict[str, Any] = {}
        for name, widget in self.widgets.items():
            kind = self.specs[name].kind
            if isinstance(widget, QPlainTextEdit):
                text = widget.toPlainText()
                out[name] = text.replace("\n", "\r\n") if name in self._crlf else text
            elif isinstance(widget, QListWidget):
                out[name] = [widget.item(row).data(Qt.ItemDataRole.UserRole) for row in range(widget.count())
                             if widget.item(row).checkState() == Qt.CheckState.Checked]
            elif isinstance(widget, QCheckBox):
                out[name] = widget.isChecked()
            elif isinstance(widget, QComboBox):
                out[name] = widget.currentData()
            elif isinstance(widget, QLineEdit):
                text = widget.text().strip()
                if kind in ("countries", "languages"):
                    out[name] = _split(text)
                elif kind == "int_list":
                    out[name] = [int(p) for p in _split(text) if p.lstrip("-").isdigit()]
                else:
                    out[name] = text or None
        return out

    def local_errors(self) -> dict[str, str]:
        """Problems found without the core (formats of dates, codes, numbers)."""
        errors = {}
        for name, widget in self.widgets.items():
            if isinstance(widget, QLineEdit) and (problem := _check(self.specs[name].kind, widget.text())):
                errors[name] = problem
        return errors

    def set_error(self, name: str, message: str | None) -> None:
        label_widget = self.error_labels.get(name)
        widget = self.widgets.get(name)
        if label_widget is None or widget is None:
            return
        label_widget.setText(message or "")
        label_widget.setVisible(bool(message))
        widget.setStyleSheet(ERROR_STYLE if message else "")
        widget.setAccessibleDescription(message or "")

    def show_errors(self, errors: dict[str, str]) -> None:
        self.clear_errors()
        for name, message in errors.items():
            self.set_error(name, message)
        first = next((self.widgets[n] for n in self.widgets if n in errors), None)
        if first is not None:
            first.setFocus()

    def clear_errors(self) -> None:
        for name in self.widgets:
            self.set_error(name, None)

    def is_dirty(self) -> bool:
        return self._dirty


class RecordDialog(QDialog):
    """Edit one record in a dialog; OK only when every field is right."""

    def __init__(self, title: str, model: type[SQLModel], specs: list[FieldSpec], values: dict[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.model = model
        self.form = RecordForm(specs, self)
        self.form.set_values(values)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(buttons)
        self.result_values: dict[str, Any] = {}
        self.setMinimumWidth(460)

    def accept(self) -> None:
        errors = self.form.local_errors()
        values = self.form.values()
        if not errors:
            try:
                checked = records.validate(self.model, values)
            except records.FieldErrors as exc:
                errors = exc.errors
            else:
                self.result_values = {name: checked.get(name, values.get(name)) for name in self.form.specs}
        if errors:
            self.form.show_errors(errors)
            return
        super().accept()

    def reject(self) -> None:
        if self.form.is_dirty():
            from lawyer_desk.ui import alerts

            if not alerts.confirm(self, tr("Discard changes?"),
                                  tr("You have changed this record. Close without saving?"), destructive=True):
                return
        super().reject()

    @classmethod
    def edit(cls, parent: QWidget | None, title: str, model: type[SQLModel], specs: list[FieldSpec],
             values: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Show the dialog; returns (checked values, True) when saved."""
        dialog = cls(title, model, specs, values, parent)
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.result_values, ok
