"""A tab listing the records of one kind for one case, with Add, Edit and Delete.

Used for name variants, proceedings, deadlines, contacts, chronology events, warrants and
notifications: anything that is a list of small records edited in a ``RecordDialog``.
Every change is an undoable command; the list refreshes when ``CaseEvents`` says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlmodel import SQLModel

from lawyer_desk.core import records
from lawyer_desk.core.store import Store
from lawyer_desk.ui import alerts
from lawyer_desk.ui.forms import FieldSpec, RecordDialog
from lawyer_desk.ui.undo import CaseEvents, CreateRecord, DeleteRecord, EditRecord, push, table_name

OBJECT_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], str]


class RecordListModel(QAbstractTableModel):
    """Rows of plain dicts ({'id': …, fields…}); no database access of its own."""

    def __init__(self, columns: list[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.columns[index.column()].value(row)
        if role == OBJECT_ROLE:
            return row
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None


class RecordTable(QWidget):
    """List, add, edit and delete the records of ``model`` that belong to one parent."""

    recordActivated = Signal(int)

    def __init__(self, store: Store, events: CaseEvents, undo: QUndoStack, model: type[SQLModel],
                 noun: str, specs: list[FieldSpec], columns: list[Column], parent_key: str = "client_id",
                 order_by: str = "id", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.events, self.undo = store, events, undo
        self.model, self.noun, self.specs = model, noun, specs
        self.parent_key, self.order_by = parent_key, order_by
        self.parent_id: int | None = None
        self.client_id: int | None = None
        self.defaults: dict[str, Any] = {}
        self.list_model = RecordListModel(columns, self)
        self.view = QTableView(self)
        self.view.setModel(self.list_model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(lambda _index: self.edit_selected())
        self.add_button = QPushButton(self.tr("Add %1…").replace("%1", noun), self)
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.delete_button = QPushButton(self.tr("Delete"), self)
        self.delete_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        events.changed.connect(self._on_changed)
        self._update_buttons()

    # -- loading ------------------------------------------------------------------------
    def show_parent(self, parent_id: int | None, client_id: int | None = None) -> None:
        self.parent_id = parent_id
        self.client_id = client_id if client_id is not None else parent_id
        self.reload()

    def reload(self) -> None:
        rows: list[dict[str, Any]] = []
        if self.parent_id is not None:
            table = self.model.__table__  # type: ignore[attr-defined]
            query = select(self.model).where(table.c[self.parent_key] == self.parent_id).order_by(
                table.c[self.order_by], table.c.id)
            with self.store.session() as session:
                rows = [{"id": r.id, **records.fields_of(r)} for r in session.execute(query).scalars()]
        self.list_model.set_rows(rows)
        self.view.resizeColumnsToContents()
        self._update_buttons()

    def _on_changed(self, table: str, client_id: int) -> None:
        if self.parent_id is not None and (client_id in (-1, self.client_id)):
            self.reload()

    def _update_buttons(self, *_: object) -> None:
        has_parent = self.parent_id is not None
        selected = self.selected() is not None
        self.add_button.setEnabled(has_parent)
        self.edit_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)

    def selected(self) -> dict[str, Any] | None:
        indexes = self.view.selectionModel().selectedRows()
        return indexes[0].data(OBJECT_ROLE) if indexes else None

    # -- actions ------------------------------------------------------------------------
    def add(self) -> None:
        if self.parent_id is None:
            return
        values, ok = RecordDialog.edit(self, self.tr("New %1").replace("%1", self.noun), self.model, self.specs,
                                       dict(self.defaults))
        if ok:
            values = self.complete(values)
            links = {self.parent_key: self.parent_id}
            if self.parent_key != "client_id" and "client_id" in self.model.model_fields:
                links["client_id"] = self.client_id
            push(self.undo, CreateRecord(self.store, self.events, self.model, values,
                                         self.tr("Add %1").replace("%1", self.noun), self, **links))

    def complete(self, values: dict[str, Any]) -> dict[str, Any]:
        """Fill in what a new record's dialog left at its default; subclasses derive values here."""
        return values

    def edit_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        values, ok = RecordDialog.edit(self, self.tr("Edit %1").replace("%1", self.noun), self.model, self.specs, row)
        if ok:
            changes = {k: v for k, v in values.items() if row.get(k) != v}
            if changes:
                push(self.undo, EditRecord(self.store, self.events, self.model, row["id"], changes,
                                           self.tr("Edit %1").replace("%1", self.noun), self.client_id, self))

    def delete_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not alerts.confirm(self, self.tr("Delete %1?").replace("%1", self.noun),
                              self.tr("Delete this %1? You can undo it with Ctrl+Z.").replace("%1", self.noun),
                              destructive=True):
            return
        push(self.undo, DeleteRecord(self.store, self.events, self.model, row["id"],
                                     self.tr("Delete %1").replace("%1", self.noun), self.client_id, self))

    @property
    def table(self) -> str:
        return table_name(self.model)
