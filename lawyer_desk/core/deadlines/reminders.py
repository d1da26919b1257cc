"""Reminders: which deadlines to remind the lawyer of now, and never to lose one.

A reminder fires at 08:00 local time, ``offset`` days before the due date (0: the morning of
the due day). Whether it has been seen is stored with the deadline (``reminders_seen``), not
kept in memory, so a reminder that fell due while the program was closed is shown at the
next unlock, and once acknowledged it never comes back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy.orm import Session

from lawyer_desk.core import models as m
from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.references import case_reference

__all__ = [
    "DEFAULT_OFFSETS",
    "MAX_OFFSET_DAYS",
    "MORNING",
    "Reminder",
    "acknowledge",
    "check_offsets",
    "due_reminders",
    "fires_at",
    "next_reminder_at",
    "stored_offsets",
]

DEFAULT_OFFSETS = (7, 1, 0)  # days before; 0 = the morning of the due day
MORNING = time(8, 0)  # reminders fire at 08:00 local time on their day
MAX_OFFSET_DAYS = 366


@dataclass(frozen=True, slots=True)
class Reminder:
    deadline_id: int
    client_id: int
    case_reference: str
    client_name: str
    title: str
    due_date: date
    due_time: time | None
    time_zone: str | None
    offset_days: int
    fires_at: datetime


def check_offsets(offsets: Iterable[int]) -> list[int]:
    """Reminder offsets as stored: whole days from 0 to a year, largest first, no repeats."""
    clean = set()
    for offset in offsets:
        if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET_DAYS:
            raise InvalidInput(f"A reminder offset must be a whole number of days from 0 (the morning of the "
                               f"due day) to {MAX_OFFSET_DAYS}, not {offset!r}.")
        clean.add(offset)
    return sorted(clean, reverse=True)


def fires_at(due_date: date, offset_days: int, tz: tzinfo | None) -> datetime:
    """When the reminder ``offset_days`` before ``due_date`` fires: 08:00 in ``tz`` on that day."""
    return datetime.combine(due_date - timedelta(days=offset_days), MORNING, tzinfo=tz)


def stored_offsets(stored: Any) -> set[int]:
    """Offsets from the JSON column; anything that is not a day count is ignored, not fatal."""
    if isinstance(stored, str):
        stored = json.loads(stored)
    return {o for o in stored or () if isinstance(o, int) and not isinstance(o, bool) and o >= 0}


# Each unseen offset of each open deadline of an open case, with the day its reminder fires,
# worked out by SQLite (JSON1) so that only the reminders in question reach Python. Both run
# at every unlock over every open deadline: the day is compared as a Julian day number (date
# text is made only for the rows returned), and a deadline with no reminder seen yet skips
# the look into ``reminders_seen``.
_UNSEEN = """
FROM deadline d JOIN client c ON c.id = d.client_id, json_each(d.reminder_days) AS r
WHERE d.status = 'open' AND c.status = 'open' AND r.type = 'integer' AND r.value >= 0
  AND julianday(d.due_date) - r.value {compare} julianday(?)
  AND (d.reminders_seen IS NULL OR d.reminders_seen = '[]'
       OR r.value NOT IN (SELECT s.value FROM json_each(d.reminders_seen) AS s WHERE s.type = 'integer'))
"""
_DUE_SQL = ("SELECT d.id, d.client_id, c.uid, c.display_name, d.title, d.due_date, d.due_time, d.time_zone, r.value, "
            "date(julianday(d.due_date) - r.value) AS fires" + _UNSEEN.format(compare="<=")
            + "ORDER BY d.due_date, d.id, r.value")
_NEXT_SQL = "SELECT date(min(julianday(d.due_date) - r.value))" + _UNSEEN.format(compare=">")


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime (e.g. datetime.now().astimezone())")
    return now


def _last_fired_day(now: datetime) -> date:
    """The latest day whose reminders have fired by ``now`` (today once it is 08:00)."""
    today = now.date()
    return today if now.time() >= MORNING else today - timedelta(days=1)


def due_reminders(session: Session, now: datetime) -> list[Reminder]:
    """One reminder per open deadline whose latest unseen reminder has fired by ``now``.

    Reminders that fired while the program was closed are included; overdue deadlines too.
    """
    now = _aware(now)
    latest: dict[int, tuple[Any, ...]] = {}
    for row in session.connection().exec_driver_sql(_DUE_SQL, (_last_fired_day(now).isoformat(),)):
        if row[0] not in latest:  # the smallest offset comes first: the most recent one says it all
            latest[row[0]] = row
    tz = now.tzinfo
    return [Reminder(did, cid, case_reference(uid), name, title, date.fromisoformat(due),
                     time.fromisoformat(due_time) if due_time else None, zone, offset,
                     datetime.combine(date.fromisoformat(fires), MORNING, tzinfo=tz))
            for did, cid, uid, name, title, due, due_time, zone, offset, fires in latest.values()]


def next_reminder_at(session: Session, now: datetime) -> datetime | None:
    """When the next reminder after ``now`` fires (for a timer), or None if none is pending."""
    now = _aware(now)
    day = session.connection().exec_driver_sql(_NEXT_SQL, (_last_fired_day(now).isoformat(),)).scalar()
    return datetime.combine(date.fromisoformat(day), MORNING, tzinfo=now.tzinfo) if day else None


def acknowledge(session: Session, reminders: Iterable[Reminder]) -> None:
    """Mark reminders seen, with every earlier (larger) offset of the same deadline; audited."""
    latest: dict[int, int] = {}
    for reminder in reminders:
        latest[reminder.deadline_id] = min(reminder.offset_days, latest.get(reminder.deadline_id, reminder.offset_days))
    for deadline_id, offset in sorted(latest.items()):
        deadline = session.get(m.Deadline, deadline_id)
        if deadline is None:  # deleted since the reminder was shown
            continue
        seen = stored_offsets(deadline.reminders_seen)
        new = seen | {offset} | {o for o in stored_offsets(deadline.reminder_days) if o >= offset}
        if new != seen:
            deadline.reminders_seen = sorted(new, reverse=True)  # a new list: JSON columns track assignment
    session.flush()
