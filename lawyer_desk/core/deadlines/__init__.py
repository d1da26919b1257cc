"""Deadlines computed from each forum's rules, with an explanation a lawyer can check.

Rules are data (``resources/rules/*.toml`` and a lawyer's own files), each citing the source
of its period, counting and roll; ``engine.compute`` applies one to a trigger date.
``agenda`` is the dashboard's data, ``reminders`` says what to remind the lawyer of, and
``recompute`` moves rule-based deadlines when their trigger date changes.
"""

from __future__ import annotations

from lawyer_desk.core.deadlines.agenda import (
    AgendaChoices,
    AgendaFilter,
    AgendaItem,
    Urgency,
    agenda,
    agenda_choices,
    cutoff_text,
    mark_done,
    reopen,
    urgency_of,
)
from lawyer_desk.core.deadlines.engine import Computation, check_trigger, compute
from lawyer_desk.core.deadlines.recompute import (
    Recalculation,
    apply,
    deadline_from_rule,
    dependants,
    plan_trigger_change,
)
from lawyer_desk.core.deadlines.reminders import (
    DEFAULT_OFFSETS,
    MORNING,
    Reminder,
    acknowledge,
    due_reminders,
    next_reminder_at,
)
from lawyer_desk.core.deadlines.rules import Catalogue, Rule, load_catalogue, load_rules

__all__ = [
    "DEFAULT_OFFSETS",
    "MORNING",
    "AgendaChoices",
    "AgendaFilter",
    "AgendaItem",
    "Catalogue",
    "Computation",
    "Recalculation",
    "Reminder",
    "Rule",
    "Urgency",
    "acknowledge",
    "agenda",
    "agenda_choices",
    "apply",
    "check_trigger",
    "compute",
    "cutoff_text",
    "deadline_from_rule",
    "dependants",
    "due_reminders",
    "load_catalogue",
    "load_rules",
    "mark_done",
    "next_reminder_at",
    "plan_trigger_change",
    "reopen",
    "urgency_of",
]
