"""The deadline dashboard's data: what is due, how urgently, for whom; marking deadlines done.

The dashboard opens after every unlock and lists every open deadline of every open case, so
it reads them lazily, as the client list does: ``agenda_index`` returns the ordered ids of the
whole list and its urgency counts in one query (filtered and sorted in SQL), and
``agenda_rows`` builds the rows of the few ids on screen. ``agenda`` returns every row at once
for the command line and the calendar. None of them loads ORM objects: 20,000 deadlines must
not keep a lawyer waiting.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from lawyer_desk.core import models as m
from lawyer_desk.core.deadlines.engine import fmt_date
from lawyer_desk.core.errors import NotFound
from lawyer_desk.core.references import case_reference
from lawyer_desk.core.vocab import DeadlineKind, DeadlineStatus, Forum

__all__ = [
    "AgendaChoices",
    "AgendaFilter",
    "AgendaIndex",
    "AgendaItem",
    "AgendaOrder",
    "AgendaSort",
    "Urgency",
    "agenda",
    "agenda_choices",
    "agenda_index",
    "agenda_rows",
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
    place: str | None = None  # the seat whose clock the cut-off is read on, when its rule names one

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


class AgendaOrder(StrEnum):
    """What the dashboard's list is sorted by; every order ends in the agenda's own (``due``)."""

    urgency = "urgency"  # done last; otherwise urgency follows the due date
    due = "due"  # date, then time (none last), then client name
    case = "case"
    client = "client"
    title = "title"
    forum = "forum"
    country = "country"
    lawyer = "lawyer"
    slippage = "slippage"  # days from the statutory date to the actual one


@dataclass(frozen=True)
class AgendaSort:
    order: AgendaOrder = AgendaOrder.urgency
    descending: bool = False


@dataclass(frozen=True)
class AgendaIndex:
    """The dashboard's whole list before any row is read: ordered ids, urgency counts, settled ids."""

    today: date
    ids: list[int] = field(default_factory=list)
    counts: dict[Urgency, int] = field(default_factory=lambda: dict.fromkeys(Urgency, 0))
    settled: frozenset[int] = frozenset()  # ids of deadlines done or missed: "Mark done" needs no row to know
    _rows: dict[int, int] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, row: int) -> int:
        return self.ids[row]

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids)

    def row_of(self, deadline_id: int) -> int | None:
        """The row of a deadline in this list (the lookup table is built at the first call)."""
        if not self._rows and self.ids:
            self._rows.update((did, row) for row, did in enumerate(self.ids))
        return self._rows.get(deadline_id)


# Plain SQL through the driver: SQLAlchemy's per-value type processing cost more than the
# query itself at 20,000 rows. Dates and times are parsed here, each distinct value once.
_COLUMNS = """d.id, d.client_id, c.display_name, c.uid, d.title, d.due_date, d.due_time, d.time_zone, d.kind, d.status,
       d.rule_id, d.proceeding_id, p.forum, p.country, c.responsible_lawyer, d.statutory_date, d.actual_date"""
_FROM = "FROM deadline d JOIN client c ON c.id = d.client_id LEFT JOIN proceeding p ON p.id = d.proceeding_id"
_DUE_ORDER = ("d.due_date", "d.due_time IS NULL", "d.due_time", "c.display_name COLLATE NOCASE", "d.id")
_AGENDA_SQL = f"SELECT {_COLUMNS} {_FROM} WHERE c.status = 'open' {{where}} ORDER BY {', '.join(_DUE_ORDER)}"
_ROWS_SQL = f"SELECT {_COLUMNS} {_FROM} WHERE d.id IN (SELECT value FROM json_each(?))"  # noqa: S608 (constants)

# The urgency of a row in SQL, as ``urgency_of`` has it; ``:today`` and ``:week`` are ISO dates.
_URGENCY_RANK = ("CASE WHEN d.status = 'done' THEN 4 WHEN d.due_date < :today THEN 0 WHEN d.due_date = :today THEN 1 "
                 "WHEN d.due_date <= :week THEN 2 ELSE 3 END")
# What each order sorts by before the agenda's own order; empty values last either way.
_ORDER_KEYS: dict[AgendaOrder, tuple[str, ...]] = {
    AgendaOrder.urgency: (_URGENCY_RANK,),
    AgendaOrder.due: (),
    AgendaOrder.case: ("upper(substr(c.uid, 1, 8))",),  # as ``case_reference`` spells it
    AgendaOrder.client: ("c.display_name COLLATE NOCASE",),
    AgendaOrder.title: ("d.title COLLATE NOCASE",),
    AgendaOrder.forum: ("p.forum IS NULL", "p.forum"),
    AgendaOrder.country: ("p.country IS NULL", "p.country"),
    AgendaOrder.lawyer: ("c.responsible_lawyer IS NULL", "c.responsible_lawyer COLLATE NOCASE"),
    AgendaOrder.slippage: ("d.statutory_date IS NULL OR d.actual_date IS NULL",
                           "julianday(d.actual_date) - julianday(d.statutory_date)"),
}
# The ordered ids as one JSON text (parsed in C: a driver row per id would cost more than the
# sort), the counts of each urgency and the ids not open, in one pass. SQLite feeds the aggregates
# the rows of the ordered subquery in order.
_INDEX_SQL = """
SELECT json_group_array(id), count(*) FILTER (WHERE rank = 0), count(*) FILTER (WHERE rank = 1),
       count(*) FILTER (WHERE rank = 2), count(*) FILTER (WHERE rank = 3), count(*) FILTER (WHERE rank = 4),
       json_group_array(id) FILTER (WHERE settled)
FROM (SELECT d.id AS id, {rank} AS rank, d.status != 'open' AS settled {from_}
      WHERE c.status = 'open' {where} ORDER BY {order})
"""
_RANKED = (Urgency.overdue, Urgency.today, Urgency.this_week, Urgency.later, Urgency.done)


def _where(today: date, flt: AgendaFilter) -> tuple[str, dict[str, object]]:
    clauses: list[str] = []
    params: dict[str, object] = {}
    if not flt.include_done:
        clauses.append("d.status = 'open'")
    if flt.client_id is not None:
        clauses.append("d.client_id = :client_id")
        params["client_id"] = flt.client_id
    if flt.lawyer is not None:
        clauses.append("c.responsible_lawyer = :lawyer")
        params["lawyer"] = flt.lawyer
    if flt.forum is not None:
        clauses.append("p.forum = :forum")
        params["forum"] = str(flt.forum)
    if flt.country is not None:
        clauses.append("(p.country = :country OR EXISTS (SELECT 1 FROM alert a WHERE a.client_id = d.client_id "
                       "AND a.requesting_country = :country))")
        params["country"] = flt.country
    if flt.within_days is not None:
        clauses.append("d.due_date <= :horizon")
        params["horizon"] = (today + timedelta(days=flt.within_days)).isoformat()
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


def _items(rows: Iterable[Sequence[Any]], today: date,
           places: Mapping[str, tuple[str, str]] | None) -> Iterator[AgendaItem]:
    """Rows of ``_COLUMNS`` as ``AgendaItem``s; ``places``: rule id → (zone, place), see ``rules.cutoff_places``."""
    dates = _Parsed(date.fromisoformat)
    times = _Parsed(time.fromisoformat)
    statuses = {s.value: s for s in DeadlineStatus}
    kinds = {k.value: k for k in DeadlineKind}
    forums: dict[str | None, Forum | None] = {None: None, **{f.value: f for f in Forum}}
    references = _Parsed(case_reference)
    urgency: dict[tuple[int, bool], Urgency] = {}  # (days left, done) → Urgency
    done = DeadlineStatus.done
    places = places or {}
    make = _make_item
    for (did, cid, name, uid, title, due_text, time_text, zone, kind, status_text, rule_id, pid, forum, country,
         lawyer, statutory, actual) in rows:
        due = dates[due_text]
        status = statuses[status_text]
        days = (due - today).days
        key = (days, status is done)
        if key not in urgency:
            urgency[key] = urgency_of(due, today, status)
        seat = places.get(rule_id) if rule_id else None
        # The rule's place only while the deadline keeps the rule's zone (the lawyer may change it).
        place = seat[1] if seat is not None and seat[0] == zone else None
        yield make(did, cid, name, references[uid], title, due, times[time_text], zone, kinds[kind], status,
                   rule_id, pid, forums[forum], country, lawyer, urgency[key], days, dates[statutory],
                   dates[actual], place)


def agenda(session: Session, today: date, flt: AgendaFilter = AgendaFilter(), *,
           places: Mapping[str, tuple[str, str]] | None = None) -> list[AgendaItem]:
    """Deadlines of open cases, by due date, then time (no time last), then client name."""
    where, params = _where(today, flt)
    rows = session.connection().exec_driver_sql(_AGENDA_SQL.format(where=where), params).fetchall()
    return list(_items(rows, today, places))


def agenda_index(session: Session, today: date, flt: AgendaFilter = AgendaFilter(),
                 sort: AgendaSort = AgendaSort()) -> AgendaIndex:
    """The ids ``agenda`` would list, in the order of ``sort``, with the count of each urgency.

    A sort by a column puts rows of equal value in the agenda's order (due date, time, client
    name), ascending or descending alike; the due order descending is the agenda reversed.
    """
    where, params = _where(today, flt)
    keys = _ORDER_KEYS[sort.order]
    direction = " DESC" if sort.descending else ""
    # "Empty last" terms (IS NULL) stay ascending so that empty values come last either way.
    order = [key if " IS NULL" in key else key + direction for key in keys]
    order += [key + direction for key in _DUE_ORDER] if not keys else list(_DUE_ORDER)
    sql = _INDEX_SQL.format(rank=_URGENCY_RANK, from_=_FROM, where=where, order=", ".join(order))
    params |= {"today": today.isoformat(), "week": (today + timedelta(days=THIS_WEEK_DAYS)).isoformat()}
    ids, *counts, settled = session.connection().exec_driver_sql(sql, params).one()
    return AgendaIndex(today, json.loads(ids), dict(zip(_RANKED, counts, strict=True)),
                       frozenset(json.loads(settled)))


def agenda_rows(session: Session, today: date, ids: Iterable[int], *,
                places: Mapping[str, tuple[str, str]] | None = None) -> dict[int, AgendaItem]:
    """The rows of ``ids`` (a page of the dashboard), by id; ids deleted meanwhile are left out."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    rows = session.connection().exec_driver_sql(_ROWS_SQL, (json.dumps(wanted),)).fetchall()
    return {item.deadline_id: item for item in _items(rows, today, places)}


# Plain SQL: at startup the statements' first compilation by SQLAlchemy cost more than the scans.
_CHOICES_SQL = (
    "SELECT DISTINCT responsible_lawyer FROM client WHERE status = 'open' AND responsible_lawyer IS NOT NULL",
    "SELECT DISTINCT p.forum FROM proceeding p JOIN client c ON c.id = p.client_id WHERE c.status = 'open'",
    "SELECT p.country FROM proceeding p JOIN client c ON c.id = p.client_id "
    "WHERE c.status = 'open' AND p.country IS NOT NULL "
    "UNION SELECT a.requesting_country FROM alert a JOIN client c ON c.id = a.client_id "
    "WHERE c.status = 'open' AND a.requesting_country IS NOT NULL",
)


def agenda_choices(session: Session) -> AgendaChoices:
    """Lawyers, forums and countries of open cases, for the dashboard's filter lists."""
    connection = session.connection()
    lawyers, forums, countries = ([value for (value,) in connection.exec_driver_sql(sql)] for sql in _CHOICES_SQL)
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
