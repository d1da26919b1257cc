"""Undoable deadline actions that are more than an edit of fields: mark done, and a trigger change.

Like every command in ``ui.undo``, each one runs one core operation in its own transaction,
announces the change through ``CaseEvents`` (table ``deadline``), and, when the store refuses
(the deadline vanished, the disk is full), says so through ``alerts`` and leaves the stack.
The core audits each change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QWidget

from lawyer_desk.core import models as m
from lawyer_desk.core import records
from lawyer_desk.core.deadlines.agenda import mark_done, reopen
from lawyer_desk.core.deadlines.recompute import Recalculation, apply
from lawyer_desk.core.store import Store
from lawyer_desk.ui.local_time import local_now
from lawyer_desk.ui.undo import CaseEvents, RecordCommand

# The fields a trigger change may set (``recompute.apply``); undo puts their earlier values back.
RECOMPUTED_FIELDS = ("trigger_date", "due_date", "due_time", "statutory_date", "note", "reminders_seen")


class MarkDeadlinesDone(RecordCommand):
    """Mark one or more open deadlines done (``done_at`` = now); undo reopens them."""

    def __init__(self, store: Store, events: CaseEvents, deadline_ids: Sequence[int], text: str,
                 client_id: int | None = None, parent_widget: QWidget | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(store, events, m.Deadline, text, parent_widget)
        self.deadline_ids = list(deadline_ids)
        self.client_id = client_id
        self._clock = clock or local_now

    def redo(self) -> None:
        now = self._clock()

        def action(session: Any) -> None:
            for deadline_id in self.deadline_ids:
                mark_done(session, deadline_id, now)
        self._run(action)

    def undo(self) -> None:
        def action(session: Any) -> None:
            for deadline_id in self.deadline_ids:
                reopen(session, deadline_id)
        self._run(action)


class ApplyTriggerChange(RecordCommand):
    """Apply a recomputation the lawyer has seen and accepted; undo restores the earlier dates."""

    def __init__(self, store: Store, events: CaseEvents, plan: Sequence[Recalculation], text: str,
                 client_id: int | None = None, parent_widget: QWidget | None = None) -> None:
        super().__init__(store, events, m.Deadline, text, parent_widget)
        self.plan = list(plan)
        self.client_id = client_id
        self.previous: dict[int, dict[str, Any]] = {}

    def redo(self) -> None:
        def action(session: Any) -> None:
            self.previous = {}
            for step in self.plan:
                deadline = records.get(session, m.Deadline, step.deadline_id)
                self.previous[step.deadline_id] = {name: getattr(deadline, name) for name in RECOMPUTED_FIELDS}
            apply(session, self.plan)
        self._run(action)

    def undo(self) -> None:
        def action(session: Any) -> None:
            for deadline_id, values in self.previous.items():
                deadline = records.get(session, m.Deadline, deadline_id)
                for name, value in values.items():  # the stored values, as they were: nothing to validate
                    setattr(deadline, name, list(value) if isinstance(value, list) else value)
            session.flush()
        self._run(action)
