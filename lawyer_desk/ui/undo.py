"""Undoable edits: every create, edit and delete of a record is a command on one stack.

Each command runs one core operation in its own transaction (one user action = one
transaction) and then announces the change through ``CaseEvents`` so every view that
shows that table refreshes. Values are validated before a command is pushed, so ``redo``
fails only for reasons outside the form (the record vanished, the disk is full); then the
command reports through ``alerts`` and marks itself obsolete, and the stack drops it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget
from sqlmodel import SQLModel

from lawyer_desk.core import records
from lawyer_desk.core.errors import LawyerDeskError
from lawyer_desk.core.store import Store


class CaseEvents(QObject):
    """Announces changes: ``changed(table name, client id or -1)``."""

    changed = Signal(str, int)


def table_name(model: type[SQLModel]) -> str:
    return model.__tablename__  # type: ignore[attr-defined,no-any-return]


class RecordCommand(QUndoCommand):
    def __init__(self, store: Store, events: CaseEvents, model: type[SQLModel], text: str,
                 parent_widget: QWidget | None = None) -> None:
        super().__init__(text)
        self.store = store
        self.events = events
        self.model = model
        self.client_id: int | None = None
        self.failed = False
        self._widget = parent_widget

    def _run(self, action: Any) -> None:
        try:
            with self.store.session() as session:
                action(session)
        except LawyerDeskError as exc:
            from lawyer_desk.ui import alerts

            self.failed = True
            self.setObsolete(True)
            alerts.error(self._widget, self.text(), str(exc))
            return
        self.events.changed.emit(table_name(self.model), self.client_id if self.client_id is not None else -1)


class CreateRecord(RecordCommand):
    def __init__(self, store: Store, events: CaseEvents, model: type[SQLModel], values: dict[str, Any],
                 text: str, parent_widget: QWidget | None = None, **links: int | None) -> None:
        super().__init__(store, events, model, text, parent_widget)
        self.values = values
        self.links = links
        self.record_id: int | None = None
        self.client_id = links.get("client_id")
        self._snapshot: records.Snapshot | None = None

    def redo(self) -> None:
        def action(session: Any) -> None:
            if self._snapshot is not None:  # redo after undo: the same record, same id
                records.restore(session, self._snapshot)
            else:
                self.record_id = records.create(session, self.model, self.values, **self.links)
                if self.model is records.m.Client:
                    self.client_id = self.record_id
        self._run(action)

    def undo(self) -> None:
        assert self.record_id is not None

        def action(session: Any) -> None:
            self._snapshot = records.delete(session, self.model, self.record_id)  # type: ignore[arg-type]
        self._run(action)


class EditRecord(RecordCommand):
    def __init__(self, store: Store, events: CaseEvents, model: type[SQLModel], record_id: int,
                 changes: dict[str, Any], text: str, client_id: int | None = None,
                 parent_widget: QWidget | None = None) -> None:
        super().__init__(store, events, model, text, parent_widget)
        self.record_id = record_id
        self.changes = changes
        self.previous: dict[str, Any] = {}
        self.client_id = client_id

    def redo(self) -> None:
        def action(session: Any) -> None:
            self.previous = records.update(session, self.model, self.record_id, self.changes)
        self._run(action)

    def undo(self) -> None:
        def action(session: Any) -> None:
            records.update(session, self.model, self.record_id, self.previous)
        self._run(action)


class DeleteRecord(RecordCommand):
    def __init__(self, store: Store, events: CaseEvents, model: type[SQLModel], record_id: int, text: str,
                 client_id: int | None = None, parent_widget: QWidget | None = None) -> None:
        super().__init__(store, events, model, text, parent_widget)
        self.record_id = record_id
        self.client_id = client_id
        self._snapshot: records.Snapshot | None = None

    def redo(self) -> None:
        def action(session: Any) -> None:
            self._snapshot = records.delete(session, self.model, self.record_id)
            self.client_id = self._snapshot.client_id
        self._run(action)

    def undo(self) -> None:
        assert self._snapshot is not None
        snapshot = self._snapshot
        self._run(lambda session: records.restore(session, snapshot))


def push(stack: QUndoStack, command: RecordCommand) -> bool:
    """Run the command; True when it succeeded (it is then on the stack, undoable)."""
    stack.push(command)
    return not command.failed
