"""Deadlines made from rules, and their recomputation when the trigger date changes.

When a lawyer corrects a trigger date (the decision was served a day later than noted), every
open deadline that hangs on the same event of the same proceeding moves with it. The change
is planned first (``plan_trigger_change`` changes nothing) so it can be shown before it is
saved; ``apply`` then writes it in the caller's transaction, where the audit trail records it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawyer_desk.core import models as m
from lawyer_desk.core.deadlines.agenda import get_deadline
from lawyer_desk.core.deadlines.engine import compute
from lawyer_desk.core.deadlines.reminders import DEFAULT_OFFSETS, check_offsets
from lawyer_desk.core.deadlines.rules import Catalogue, Rule
from lawyer_desk.core.errors import InvalidInput, NotFound
from lawyer_desk.core.vocab import DeadlineStatus

__all__ = ["Recalculation", "apply", "deadline_from_rule", "dependants", "plan_trigger_change"]

_EXPLANATION_START = "Trigger: "  # the first line of every engine explanation


@dataclass(frozen=True, slots=True)
class Recalculation:
    """One deadline before and after a trigger change."""

    deadline_id: int
    title: str
    rule_id: str
    old_trigger: date | None
    new_trigger: date
    old_due: date
    new_due: date
    old_time: time | None
    new_time: time | None
    explanation: list[str]

    @property
    def changed(self) -> bool:
        """Whether the due date or time moves (the trigger itself may change without moving it)."""
        return (self.old_due, self.old_time) != (self.new_due, self.new_time)


def _rule(catalogue: Catalogue, rule_id: str, title: str | None = None) -> Rule:
    try:
        return catalogue.get(rule_id)
    except NotFound:
        of = f" (of the deadline {title!r})" if title else ""
        raise InvalidInput(f"The rule {rule_id!r}{of} is not in the rule catalogue (was its rule file removed "
                           "or renamed?); nothing was changed.") from None


def dependants(session: Session, deadline_id: int) -> list[int]:
    """The deadline and every other open rule-based deadline that hangs on the same trigger.

    Same trigger: the same proceeding (or, without one, the same client's deadlines without
    a proceeding), the same trigger event and the same trigger date.
    """
    deadline = get_deadline(session, deadline_id)
    if deadline.trigger_event is None or deadline.trigger_date is None:
        return [deadline_id]
    d = m.Deadline
    query = select(d.id).where(d.id != deadline_id, d.status == DeadlineStatus.open, d.rule_id.is_not(None),
                               d.trigger_event == deadline.trigger_event, d.trigger_date == deadline.trigger_date)
    if deadline.proceeding_id is not None:
        query = query.where(d.proceeding_id == deadline.proceeding_id)
    else:
        query = query.where(d.client_id == deadline.client_id, d.proceeding_id.is_(None))
    return [deadline_id, *session.execute(query.order_by(d.due_date, d.id)).scalars()]


def plan_trigger_change(session: Session, catalogue: Catalogue, deadline_id: int,
                        new_trigger: date) -> list[Recalculation]:
    """Each dependant recomputed with ``new_trigger``; changes nothing."""
    plan = []
    for did in dependants(session, deadline_id):
        deadline = get_deadline(session, did)
        if deadline.rule_id is None:
            raise InvalidInput(f"The deadline {deadline.title!r} was entered by hand, not computed from a rule; "
                               "change its date directly.")
        result = compute(_rule(catalogue, deadline.rule_id, deadline.title), new_trigger)
        plan.append(Recalculation(
            deadline_id=did, title=deadline.title, rule_id=deadline.rule_id, old_trigger=deadline.trigger_date,
            new_trigger=new_trigger, old_due=deadline.due_date, new_due=result.due, old_time=deadline.due_time,
            new_time=result.time, explanation=list(result.explanation)))
    return plan


def apply(session: Session, plan: Sequence[Recalculation]) -> None:
    """Write a plan in the caller's transaction (audited there).

    The statutory date follows the new due date. An explanation kept as the note is replaced
    by the new one (a note the lawyer wrote is left alone), and when the due date moves the
    reminders start again from the new date.
    """
    for step in plan:
        deadline = get_deadline(session, step.deadline_id)
        deadline.trigger_date = step.new_trigger
        if deadline.due_date != step.new_due:
            deadline.reminders_seen = []
        deadline.due_date = step.new_due
        deadline.due_time = step.new_time
        deadline.statutory_date = step.new_due
        if deadline.note is None or deadline.note.startswith(_EXPLANATION_START):
            deadline.note = "\n".join(step.explanation)
    session.flush()


def deadline_from_rule(catalogue: Catalogue, rule_id: str, trigger: date, *, client_id: int,
                       proceeding_id: int | None, reminder_days: Sequence[int] = DEFAULT_OFFSETS) -> m.Deadline:
    """A new, unsaved deadline computed from a rule; its note is the explanation."""
    rule = _rule(catalogue, rule_id)
    result = compute(rule, trigger)
    return m.Deadline(
        title=rule.title, due_date=result.due, due_time=result.time, time_zone=result.tz, kind=result.kind,
        status=DeadlineStatus.open, rule_id=rule.id, trigger_event=rule.trigger_event, trigger_date=trigger,
        statutory_date=result.due, reminder_days=check_offsets(reminder_days), note="\n".join(result.explanation),
        client_id=client_id, proceeding_id=proceeding_id)
