"""Record tabs of one case whose records may link to another record of the same case.

A proceeding concerns one of the client's alerts; a deadline belongs to one of the client's
proceedings. ``CaseRecordDialog`` adds a combo for such a link (a ``FieldSpec`` of kind
``"link"`` whose ``extra["choices"]`` lists (label, id) pairs) and honours a few more
``FieldSpec.extra`` keys the plain form ignores: ``check`` (a function returning the
problem with a field's text, shown at the field), ``completions`` (a function listing
values to complete), ``read_only`` and ``hide_empty``.

The dialog keeps ``RecordDialog.edit`` as its entry point, so tests that patch
``RecordDialog.edit`` answer for it too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QPalette, QUndoStack
from PySide6.QtWidgets import QComboBox, QCompleter, QFormLayout, QLineEdit, QPlainTextEdit, QWidget
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from lawyer_desk.core import records
from lawyer_desk.core.store import Store
from lawyer_desk.ui.case_view.record_table import Column, RecordListModel, RecordTable
from lawyer_desk.ui.forms import FieldSpec, RecordDialog
from lawyer_desk.ui.undo import CaseEvents, CreateRecord, EditRecord, push

LINK_KIND = "link"
MAX_COLUMN = 220  # pixels, so that a table of many columns shows most of them beside the client list


def link_spec(name: str, label: str, choices: list[tuple[str, int]], help: str = "",
              after: str | None = None) -> FieldSpec:
    """A link to another record of the case, chosen from ``choices`` (or none)."""
    return FieldSpec(name, label, LINK_KIND, help=help, extra={"choices": tuple(choices), "after": after})


class CaseRecordDialog(RecordDialog):
    """``RecordDialog`` with link combos and the extra field behaviours named in the module doc."""

    def __init__(self, title: str, model: type[SQLModel], specs: list[FieldSpec], values: dict[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(title, model, [s for s in specs if s.kind != LINK_KIND], values, parent)
        self.link_combos: dict[str, QComboBox] = {}
        layout = self.form.layout()
        assert isinstance(layout, QFormLayout)
        for spec in (s for s in specs if s.kind == LINK_KIND):
            self._add_link(layout, spec, values.get(spec.name))
        for name, spec in self.form.specs.items():
            self._extend_field(layout, name, spec, values.get(name))

    def _add_link(self, layout: QFormLayout, spec: FieldSpec, value: int | None) -> None:
        combo = QComboBox(self.form)
        combo.setObjectName(f"field_{spec.name}")
        combo.setToolTip(spec.help)
        combo.addItem(self.tr("— none —"), None)
        for text, choice in spec.extra.get("choices", ()):
            combo.addItem(text, choice)
        combo.setCurrentIndex(max(combo.findData(value), 0) if value is not None else 0)
        # The form's own dirty flag guards Cancel against losing a changed link too.
        combo.currentIndexChanged.connect(self.form._touched)
        row = layout.rowCount()
        after = spec.extra.get("after")
        if after in self.form.widgets:
            row = layout.getWidgetPosition(self.form.widgets[after].parentWidget())[0] + 1
        layout.insertRow(row, spec.label, combo)
        self.link_combos[spec.name] = combo

    def _extend_field(self, layout: QFormLayout, name: str, spec: FieldSpec, value: Any) -> None:
        widget = self.form.widgets[name]
        if spec.extra.get("read_only") and isinstance(widget, QLineEdit | QPlainTextEdit):
            widget.setReadOnly(True)
            palette = widget.palette()  # look read-only; a style sheet would be reset by the form
            palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
            widget.setPalette(palette)
        if spec.extra.get("hide_empty") and value in (None, "", []):
            layout.setRowVisible(widget.parentWidget(), False)
        if not isinstance(widget, QLineEdit):
            return
        completions: Callable[[], list[str]] | None = spec.extra.get("completions")
        if completions is not None:
            completer = QCompleter(completions(), widget)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            widget.setCompleter(completer)
        if spec.extra.get("check") is not None:
            # Connected after the form's own check, so this verdict is the one shown.
            widget.editingFinished.connect(lambda name=name: self.form.set_error(name, self._problem(name)))

    def _problem(self, name: str) -> str | None:
        check: Callable[[str], str | None] | None = self.form.specs[name].extra.get("check")
        widget = self.form.widgets[name]
        if check is None or not isinstance(widget, QLineEdit):
            return None
        return check(widget.text())

    def extra_errors(self) -> dict[str, str]:
        return {name: problem for name in self.form.specs if (problem := self._problem(name))}

    def link_values(self) -> dict[str, int | None]:
        return {name: combo.currentData() for name, combo in self.link_combos.items()}

    def accept(self) -> None:
        if extra := self.extra_errors():
            self.form.show_errors({**self.form.local_errors(), **extra})
            return
        super().accept()
        if self.result_values:  # saved: the links go with the fields
            self.result_values.update(self.link_values())


class DecoratedListModel(RecordListModel):
    """A list model whose rows may carry colours: ``decorate(row)`` → (background or None, text) or None."""

    def __init__(self, columns: list[Column],
                 decorate: Callable[[dict[str, Any]], tuple[QColor | None, QColor] | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(columns, parent)
        self.decorate = decorate

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            colours = self.decorate(self.rows[index.row()])
            if colours is None:
                return None
            return colours[0] if role == Qt.ItemDataRole.BackgroundRole else colours[1]
        return super().data(index, role)


class CaseRecordTable(RecordTable):
    """A ``RecordTable`` of one case, with an optional link to another record of the case.

    Subclasses set ``link`` (the link field, e.g. ``"alert_id"``) and implement
    ``load_choices`` to list the records that may be linked, as (label, id).
    """

    dialog_class: type[RecordDialog] = CaseRecordDialog
    link: str | None = None
    link_label = ""
    link_help = ""
    link_after: str | None = None
    wide_columns: tuple[int, ...] = ()  # columns allowed twice ``MAX_COLUMN``, e.g. titles

    def __init__(self, store: Store, events: CaseEvents, undo: QUndoStack, model: type[SQLModel], noun: str,
                 specs: list[FieldSpec], columns: list[Column], order_by: str = "id",
                 parent: QWidget | None = None) -> None:
        self.choices: list[tuple[str, int]] = []
        super().__init__(store, events, undo, model, noun, specs, columns, "client_id", order_by, parent)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setEnabled(False)

    def use_list_model(self, list_model: RecordListModel) -> None:
        """Show rows through ``list_model`` (e.g. one with colours) instead of the plain one."""
        self.list_model = list_model
        self.view.setModel(list_model)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)

    # -- loading ------------------------------------------------------------------------
    def show_case(self, client_id: int | None) -> None:
        """Show the records of the case ``client_id``; None leaves the tab empty and disabled."""
        self.show_parent(client_id, client_id)
        self.setEnabled(client_id is not None)

    def load_choices(self, session: Session) -> list[tuple[str, int]]:
        return []

    def row_of(self, record: Any) -> dict[str, Any]:
        row = {"id": record.id, **records.fields_of(record)}
        if self.link is not None:
            row[self.link] = getattr(record, self.link)
        return row

    def reload(self) -> None:
        rows: list[dict[str, Any]] = []
        self.choices = []
        if self.parent_id is not None:
            table = self.model.__table__  # type: ignore[attr-defined]
            order = table.c[self.order_by]
            query = select(self.model).where(table.c[self.parent_key] == self.parent_id).order_by(
                order.is_(None), order, table.c.id)  # records without the date last
            with self.store.session() as session:
                rows = [self.row_of(record) for record in session.execute(query).scalars()]
                self.choices = self.load_choices(session)
        selected = self.selected()
        self.list_model.set_rows(rows)
        self.fit_columns()
        if selected is not None:
            self.select_id(selected["id"])
        self._update_buttons()

    def fit_columns(self) -> None:
        """Columns as wide as their text up to ``MAX_COLUMN``; longer text is elided (the tooltip has it all)."""
        self.view.resizeColumnsToContents()
        for column in range(self.list_model.columnCount()):
            widest = 2 * MAX_COLUMN if column in self.wide_columns else MAX_COLUMN
            if self.view.columnWidth(column) > widest:
                self.view.setColumnWidth(column, widest)

    def select_id(self, record_id: int) -> bool:
        for number, row in enumerate(self.list_model.rows):
            if row["id"] == record_id:
                self.view.selectRow(number)
                return True
        return False

    def choice_label(self, record_id: int | None) -> str:
        return next((text for text, choice in self.choices if choice == record_id), "")

    # -- actions ------------------------------------------------------------------------
    def dialog_specs(self) -> list[FieldSpec]:
        if self.link is None:
            return list(self.specs)
        return [*self.specs, link_spec(self.link, self.link_label, self.choices, self.link_help, self.link_after)]

    def add(self) -> None:
        if self.parent_id is None:
            return
        values, ok = self.dialog_class.edit(self, self.tr("New %1").replace("%1", self.noun), self.model,
                                            self.dialog_specs(), dict(self.defaults))
        if not ok:
            return
        values = dict(values)
        links: dict[str, int | None] = {"client_id": self.parent_id}
        if self.link is not None:
            links[self.link] = values.pop(self.link, None)
        command = CreateRecord(self.store, self.events, self.model, values,
                               self.tr("Add %1").replace("%1", self.noun), self, **links)
        if push(self.undo, command) and command.record_id is not None:
            self.select_id(command.record_id)

    def edit_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        values, ok = self.dialog_class.edit(self, self.tr("Edit %1").replace("%1", self.noun), self.model,
                                            self.dialog_specs(), row)
        if not ok:
            return
        changes = {name: value for name, value in values.items() if name in row and row[name] != value}
        if changes:
            push(self.undo, EditRecord(self.store, self.events, self.model, row["id"], changes,
                                       self.tr("Edit %1").replace("%1", self.noun), self.client_id, self))
