"""The deadline dashboard's data: what is due, how urgently, for whom; marking deadlines done.

The dashboard opens after every unlock and lists every open deadline of every open case, so
``agenda`` reads plain columns in one joined query (no ORM objects) and builds small frozen
rows from them: 20,000 deadlines must not keep a lawyer waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from lawyer_desk.core import models as m
from lawyer_desk.core.deadlines.engine import fmt_date
from lawyer_desk.core.errors import NotFound
from lawyer_desk.core.references import case_reference
from lawyer_desk.core.vocab import CaseStatus, DeadlineKind, DeadlineStatus, Forum

__all__ = [
    "AgendaChoices",
    "AgendaFilter",
    "AgendaItem",
    "Urgency",
    "agenda",
    "agenda_choices",
    "cutoff_text",
    "get_deadline",
    "mark_done",
    "reopen",
    "urgency_of",
]

THIS_WEEK_DAYS = 7


class Urgency(StrEnum):
    """How soon a deadline falls due, in the dashboard's sections (in this order)."""

    overdue = "overdue"
    today = "today"
    this_week = "this_week"  # due in 1 to 7 days
    later = "later"
    done = "done"


def urgency_of(due: date, today: date, status: DeadlineStatus) -> Urgency:
    """The section a deadline belongs in. A missed deadline is still overdue: it was never met."""
    if status is DeadlineStatus.done:
        return Urgency.done
    days = (due - today).days
    if days < 0:
        return Urgency.overdue
    if days == 0:
        return Urgency.today
    return Urgency.this_week if days <= THIS_WEEK_DAYS else Urgency.later


@dataclass(frozen=True)
class AgendaFilter:
    """Which deadlines the dashboard shows; the default is every open deadline of every open case."""

    client_id: int | None = None
    lawyer: str | None = None
    forum: Forum | None = None
    country: str | None = None  # ISO alpha-2: the proceeding's country or an alert's requesting country
    include_done: bool = False  # also done and missed deadlines
    within_days: int | None = None  # None: no horizon; overdue deadlines are always included


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One deadline as the dashboard shows it."""

    deadline_id: int
    client_id: int
    client_name: str
    case_reference: str
    title: str
    due_date: date
    due_time: time | None
    time_zone: str | None
    kind: DeadlineKind
    status: DeadlineStatus
    rule_id: str | None
    proceeding_id: int | None
    forum: Forum | None
    country: str | None
    lawyer: str | None
    urgency: Urgency
    days_left: int  # negative when overdue
    statutory_date: date | None
    actual_date: date | None

    @property
    def slippage_days(self) -> int | None:
        """How many days after the statutory date the decision actually came (CCF), when both are known."""
        if self.statutory_date is None or self.actual_date is None:
            return None
        return (self.actual_date - self.statutory_date).days


@dataclass(frozen=True)
class AgendaChoices:
    """The values the dashboard's filters offer: those that occur in open cases."""

    lawyers: list[str]
    forums: list[Forum]
    countries: list[str]


_D, _C, _P = m.Deadline, m.Client, m.Proceeding
_OPEN_CASE = _C.status == CaseStatus.open

# Plain SQL through the driver: SQLAlchemy's per-value type processing cost more than the
# query itself at 20,000 rows. Dates and times are parsed here, each distinct value once.
_AGENDA_SQL = """
SELECT d.id, d.client_id, c.display_name, c.uid, d.title, d.due_date, d.due_time, d.time_zone, d.kind, d.status,
       d.rule_id, d.proceeding_id, p.forum, p.country, c.responsible_lawyer, d.statutory_date, d.actual_date
FROM deadline d JOIN client c ON c.id = d.client_id LEFT JOIN proceeding p ON p.id = d.proceeding_id
WHERE c.status = 'open' {where}
ORDER BY d.due_date, d.due_time IS NULL, d.due_time, c.display_name COLLATE NOCASE, d.id
"""


def _where(today: date, flt: AgendaFilter) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if not flt.include_done:
        clauses.append("d.status = 'open'")
    if flt.client_id is not None:
        clauses.append("d.client_id = ?")
        params.append(flt.client_id)
    if flt.lawyer is not None:
        clauses.append("c.responsible_lawyer = ?")
        params.append(flt.lawyer)
    if flt.forum is not None:
        clauses.append("p.forum = ?")
        params.append(str(flt.forum))
    if flt.country is not None:
        clauses.append("(p.country = ? OR EXISTS (SELECT 1 FROM alert a WHERE a.client_id = d.client_id "
                       "AND a.requesting_country = ?))")
        params += [flt.country, flt.country]
    if flt.within_days is not None:
        clauses.append("d.due_date <= ?")
        params.append((today + timedelta(days=flt.within_days)).isoformat())
    return "".join(f" AND {clause}" for clause in clauses), params


class _Parsed[T](dict[str | None, T | None]):
    """Text of the database to a value, each distinct text parsed once (dates repeat a lot)."""

    def __init__(self, parse: Callable[[str], T]) -> None:
        super().__init__({None: None})
        self._parse = parse

    def __missing__(self, text: str | None) -> T | None:
        value = self[text] = self._parse(text)  # type: ignore[arg-type]
        return value


def _item_factory() -> Callable[..., AgendaItem]:
    """Builds an ``AgendaItem`` field by field: half the cost of a frozen dataclass's ``__init__``."""
    names = [f.name for f in fields(AgendaItem)]
    setters = {f"_set_{n}": getattr(AgendaItem, n).__set__ for n in names}
    source = (f"def make({', '.join(names)}):\n    item = _new(AgendaItem)\n"
              + "".join(f"    _set_{n}(item, {n})\n" for n in names) + "    return item\n")
    scope: dict[str, Any] = {"_new": object.__new__, "AgendaItem": AgendaItem, **setters}
    exec(source, scope)  # noqa: S102 (source built from the dataclass's own field names)
    return scope["make"]  # type: ignore[no-any-return]


_make_item = _item_factory()


def agenda(session: Session, today: date, flt: AgendaFilter = AgendaFilter()) -> list[AgendaItem]:
    """Deadlines of open cases, by due date, then time (no time last), then client name."""
    where, params = _where(today, flt)
    rows = session.connection().exec_driver_sql(_AGENDA_SQL.format(where=where), tuple(params)).fetchall()
    dates = _Parsed(date.fromisoformat)
    times = _Parsed(time.fromisoformat)
    statuses = {s.value: s for s in DeadlineStatus}
    kinds = {k.value: k for k in DeadlineKind}
    forums: dict[str | None, Forum | None] = {None: None, **{f.value: f for f in Forum}}
    references = _Parsed(case_reference)
    urgency: dict[tuple[int, bool], Urgency] = {}  # (days left, done) → Urgency
    done = DeadlineStatus.done
    items = []
    make = _make_item
    for (did, cid, name, uid, title, due_text, time_text, zone, kind, status_text, rule_id, pid, forum, country,
         lawyer, statutory, actual) in rows:
        due = dates[due_text]
        status = statuses[status_text]
        days = (due - today).days
        key = (days, status is done)
        if key not in urgency:
            urgency[key] = urgency_of(due, today, status)
        items.append(make(did, cid, name, references[uid], title, due, times[time_text], zone, kinds[kind], status,
                          rule_id, pid, forums[forum], country, lawyer, urgency[key], days, dates[statutory],
                          dates[actual]))
    return items


def agenda_choices(session: Session) -> AgendaChoices:
    """Lawyers, forums and countries of open cases, for the dashboard's filter lists."""
    lawyers = session.execute(select(_C.responsible_lawyer).where(_OPEN_CASE, _C.responsible_lawyer.is_not(None))
                              .distinct()).scalars()
    forums = session.execute(select(_P.forum).join(_C, _C.id == _P.client_id).where(_OPEN_CASE).distinct()).scalars()
    countries = session.execute(union(
        select(_P.country.label("c")).join(_C, _C.id == _P.client_id).where(_OPEN_CASE, _P.country.is_not(None)),
        select(m.Alert.requesting_country.label("c")).join(_C, _C.id == m.Alert.client_id)
        .where(_OPEN_CASE, m.Alert.requesting_country.is_not(None)),
    )).scalars()
    order = {f: i for i, f in enumerate(Forum)}
    return AgendaChoices(lawyers=sorted(set(lawyers), key=str.casefold),
                         forums=sorted({Forum(f) for f in forums}, key=order.__getitem__),
                         countries=sorted(set(countries)))


# --- marking done ---------------------------------------------------------------------------
def get_deadline(session: Session, deadline_id: int) -> m.Deadline:
    deadline = session.get(m.Deadline, deadline_id)
    if deadline is None:
        raise NotFound(f"There is no deadline {deadline_id} in this store (was it deleted?).")
    return deadline


def mark_done(session: Session, deadline_id: int, now: datetime) -> None:
    """Done, and when; audited like any change. Marking a done deadline again changes nothing."""
    deadline = get_deadline(session, deadline_id)
    if deadline.status is not DeadlineStatus.done:
        deadline.status = DeadlineStatus.done
        deadline.done_at = now
        session.flush()


def reopen(session: Session, deadline_id: int) -> None:
    """Open again (a deadline marked done by mistake); audited."""
    deadline = get_deadline(session, deadline_id)
    if deadline.status is not DeadlineStatus.open:
        deadline.status = DeadlineStatus.open
        deadline.done_at = None
        session.flush()


# --- time zones -------------------------------------------------------------------------------
def _zone(name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _zone_label(name: str, place: str | None) -> str:
    """'Strasbourg time (Europe/Paris)' with a place; else the zone's city: 'Paris time (Europe/Paris)'."""
    if place:
        return f"{place} time ({name})"
    if "/" not in name:
        return name  # UTC, Etc zones
    return f"{name.rsplit('/', 1)[-1].replace('_', ' ')} time ({name})"


def cutoff_text(due_date: date, due_time: time | None, time_zone: str | None, local_tz: tzinfo, *,
                place: str | None = None) -> str:
    """The cut-off in the forum's time and, when it reads differently there, in the lawyer's.

    "16:00 Strasbourg time (Europe/Paris) — 15:00 your time"; the local date is added when it
    differs ("— 00:00 Thu 3 Dec 2026 your time", seen from Tokyo). "16:00" when both read the
    same, "" without a time. ``place`` names the forum's seat when it is not the zone's city.
    """
    if due_time is None:
        return ""
    hhmm = f"{due_time:%H:%M}"
    zone = _zone(time_zone) if time_zone else None
    if zone is None or time_zone is None:
        return hhmm
    there = datetime.combine(due_date, due_time, tzinfo=zone)
    here = there.astimezone(local_tz)
    if (here.date(), here.time().replace(tzinfo=None)) == (due_date, due_time.replace(tzinfo=None)):
        return hhmm
    local = f"{here:%H:%M}" if here.date() == due_date else f"{here:%H:%M} {fmt_date(here.date())}"
    return f"{hhmm} {_zone_label(time_zone, place)} — {local} your time"
