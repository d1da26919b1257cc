"""Calendar export (iCalendar, RFC 5545) of the open deadlines.

A calendar file leaves the encrypted store and usually ends up on a phone or a server, so it
says no more than the lawyer chooses: by default each event names the case by its reference
(which names no one) and the deadline's title, never the client. UIDs are keyed hashes of
the deadline's id, stable across exports so that re-importing updates events instead of
duplicating them, and meaningless to anyone without the store. ``SEQUENCE`` counts the
deadline's changes in the audit trail and ``LAST-MODIFIED`` is the latest of them, so a
calendar knows an event it already has was revised.

The ``icalendar`` library writes the time zone definitions (VTIMEZONE) and the alarm
durations; the events themselves are written here, line by line, because building them as
``icalendar`` components took a minute for 20,000 deadlines (the target is two seconds).
The tests read every export back with ``icalendar``.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from sqlalchemy.orm import Session

from lawyer_desk import __version__
from lawyer_desk.core import audit
from lawyer_desk.core.deadlines.reminders import MORNING, stored_offsets
from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.references import case_reference
from lawyer_desk.core.store.fileio import write_atomic

__all__ = ["CalendarOptions", "calendar_bytes", "event_uid", "export_calendar"]

PRODID = "-//Lawyer's Desk//lawyer-desk//EN"
CALENDAR_NAME = "Lawyer's Desk deadlines"
UID_DOMAIN = "@lawyer-desk"
_LINE_OCTETS = 75  # RFC 5545 3.1: lines longer than this are folded
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in TEXT values (newlines are escaped)
_SPECIAL = re.compile(r"[\\;,\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True)
class CalendarOptions:
    client_id: int | None = None  # one case; None: every open case
    include_client_name: bool = False
    include_notes: bool = False


def event_uid(uid_key: bytes, deadline_id: int) -> str:
    """Stable for a deadline, unguessable and unlinkable without the store's calendar key."""
    return hmac.digest(uid_key, f"deadline:{deadline_id}".encode(), "sha256").hex()[:32] + UID_DOMAIN


# --- writing RFC 5545 ---------------------------------------------------------------------
def _text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines escaped."""
    if _SPECIAL.search(value) is None:
        return value
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return _CONTROL.sub(" ", value)


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 sequence (RFC 5545 3.1)."""
    if len(line) <= _LINE_OCTETS // 4 or (len(line) <= _LINE_OCTETS and line.isascii()):
        return line
    data = line.encode("utf-8")
    if len(data) <= _LINE_OCTETS:
        return line
    parts, start, limit = [], 0, _LINE_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, _LINE_OCTETS - 1  # a continuation line starts with a space
    parts.append(data[start:].decode("utf-8"))
    return "\r\n ".join(parts)


@cache
def _vtimezone(zone: str, first_year: int, last_year: int) -> str:
    definition = icalendar.Timezone.from_tzid(zone, first_date=date(first_year, 1, 1), last_date=date(last_year, 1, 1))
    return definition.to_ical().decode("utf-8").rstrip("\r\n")


@cache
def _known_zone(name: str | None) -> bool:
    try:
        return bool(name) and ZoneInfo(name) is not None  # type: ignore[arg-type]
    except (ZoneInfoNotFoundError, ValueError):
        return False


@cache
def _alarm_plan(offsets_json: str, cutoff: str | None) -> tuple[tuple[str, str], ...]:
    """(when, TRIGGER) per reminder offset: 08:00 on its day, relative to the event's start.

    The same for every deadline with these offsets and this cut-off time: the trigger is a
    wall-clock distance (days are nominal in RFC 5545), whatever the date.
    """
    start = time.fromisoformat(cutoff) if cutoff else time(0, 0)
    plan = []
    for offset in sorted(stored_offsets(offsets_json), reverse=True):
        trigger = datetime.combine(date(2000, 1, 31) - timedelta(days=offset), MORNING) - \
            datetime.combine(date(2000, 1, 31), start)
        if cutoff and trigger > timedelta(0):
            trigger = timedelta(0)  # a cut-off before 08:00: remind at the cut-off at the latest
        when = "today" if offset == 0 else "tomorrow" if offset == 1 else f"in {offset} days"
        plan.append((when, icalendar.vDuration(trigger).to_ical().decode("ascii")))
    return tuple(plan)


# --- the deadlines ------------------------------------------------------------------------
# Plain SQL through the driver, dates already in iCalendar's form: at 20,000 deadlines the
# ORM's value processing and Python's date formatting cost more than everything else.
_REVISIONS_SQL = """
SELECT entity_id, count(*), strftime('%Y%m%dT%H%M%SZ', max(at)) FROM audit_entry
WHERE entity = 'deadline' AND entity_id IS NOT NULL GROUP BY entity_id
"""
_DEADLINES_SQL = """
SELECT d.id, c.uid, c.display_name, d.title, replace(d.due_date, '-', ''), strftime('%Y%m%d', d.due_date, '+1 day'),
       substr(d.due_time, 1, 5), d.time_zone, d.kind, d.rule_id, d.reminder_days, d.note
FROM deadline d JOIN client c ON c.id = d.client_id
WHERE d.status = 'open' AND c.status = 'open' {where}
ORDER BY d.due_date, d.id
"""


class _Writer:
    """The lines of one export; caches what repeats from one deadline to the next."""

    def __init__(self, uid_key: bytes, options: CalendarOptions, stamp: str,
                 revisions: dict[int, tuple[int, str]]) -> None:
        self.uid_key, self.options, self.stamp, self.revisions = uid_key, options, stamp, revisions
        self.references: dict[str, str] = {}
        self.texts: dict[str, str] = {}

    def text(self, value: str) -> str:
        escaped = self.texts.get(value)
        if escaped is None:
            escaped = self.texts[value] = _text(value)
        return escaped

    def event(self, row: Any, lines: list[str]) -> None:
        did, uid, name, title, due, day_after, cutoff, zone, kind, rule_id, offsets, note = row
        reference = self.references.get(uid) or self.references.setdefault(uid, case_reference(uid))
        if self.options.include_client_name:
            summary = f"{reference} · {self.text(name)} · {self.text(title)}"
        else:
            summary = f"{reference} · {self.text(title)}"
        sequence, modified = self.revisions.get(did, (0, None))
        lines += ("BEGIN:VEVENT", f"UID:{event_uid(self.uid_key, did)}", self.stamp, f"SEQUENCE:{sequence}")
        if modified is not None:
            lines.append(f"LAST-MODIFIED:{modified}")
        lines.append(_fold(f"SUMMARY:{summary}"))
        zoned = _known_zone(zone)
        if cutoff is None:  # an all-day event
            lines += (f"DTSTART;VALUE=DATE:{due}", f"DTEND;VALUE=DATE:{day_after}")
        elif zoned:
            lines.append(f"DTSTART;TZID={zone}:{due}T{cutoff[:2]}{cutoff[3:5]}00")
        else:  # no zone: floating, the lawyer's local time
            lines.append(f"DTSTART:{due}T{cutoff[:2]}{cutoff[3:5]}00")
        # Escaped piece by piece: "\\n" below is the escaped line break of a TEXT value.
        description = f"{kind.capitalize()} deadline" + (f" (rule {self.text(rule_id)})" if rule_id else "") + "."
        if cutoff is not None:
            description += f"\\nCut-off {cutoff}" + (f" {zone}" if zoned else "") + "."
        if self.options.include_notes and note:
            description += "\\n\\n" + self.text(note)
        lines += (_fold(f"DESCRIPTION:{description}"), f"CATEGORIES:{kind}",
                  "TRANSP:TRANSPARENT", "STATUS:CONFIRMED")
        for when, trigger in _alarm_plan(offsets or "[]", cutoff):
            lines += ("BEGIN:VALARM", "ACTION:DISPLAY", _fold(f"DESCRIPTION:Due {when}: {summary}"),
                      f"TRIGGER:{trigger}", "END:VALARM")
        lines.append("END:VEVENT")


def _calendar(session: Session, uid_key: bytes, options: CalendarOptions, now: datetime) -> tuple[bytes, int]:
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    conn = session.connection()
    revisions = {did: (n, at) for did, n, at in conn.exec_driver_sql(_REVISIONS_SQL)}
    where, params = ("AND d.client_id = ?", (options.client_id,)) if options.client_id is not None else ("", ())
    rows = conn.exec_driver_sql(_DEADLINES_SQL.format(where=where), params).fetchall()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{_text(CALENDAR_NAME)}", f"X-LAWYER-DESK-VERSION:{__version__}"]
    zones: dict[str, set[int]] = {}
    for row in rows:
        if row[6] is not None and _known_zone(row[7]):
            zones.setdefault(row[7], set()).add(int(row[4][:4]))
    for zone, years in sorted(zones.items()):
        lines.append(_vtimezone(zone, min(years) - 1, max(years) + 2))
    writer = _Writer(uid_key, options, f"DTSTAMP:{now.astimezone(UTC):%Y%m%dT%H%M%SZ}", revisions)
    for row in rows:
        writer.event(row, lines)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8"), len(rows)


def calendar_bytes(session: Session, uid_key: bytes, options: CalendarOptions = CalendarOptions(), *,
                   now: datetime) -> bytes:
    """The calendar of the open deadlines of open cases (or of one case), as RFC 5545 bytes."""
    return _calendar(session, uid_key, options, now)[0]


def export_calendar(session: Session, path: Path, uid_key: bytes,
                    options: CalendarOptions = CalendarOptions(), *, now: datetime) -> int:
    """Write the calendar to ``path`` atomically (the old file stays whole on any failure).

    Returns the number of events. In a writable session the export is recorded in the audit
    trail, which is rolled back with the rest if the file cannot be written.
    """
    data, count = _calendar(session, uid_key, options, now)
    if audit.SESSION_KEY in session.info:
        names = "with client names" if options.include_client_name else "without client names"
        notes = ", with notes" if options.include_notes else ""
        scope = f"case {options.client_id}" if options.client_id is not None else "all open cases"
        audit.append(session, [audit.Change("export", "calendar", None, options.client_id,
                                            f"calendar exported: {count} deadlines of {scope}, {names}{notes}")])
    target = Path(path).expanduser()
    try:
        write_atomic(target.resolve(), data)
    except OSError as exc:
        raise InvalidInput(f"Cannot write the calendar to {target}: {exc.strerror or exc}; "
                           "nothing was written.") from None
    return count
