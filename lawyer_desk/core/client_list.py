"""The client list: which clients to show, in what order, and the data of one page of them.

The list holds ids only. ``client_ids`` filters and sorts in SQL (or, for a search, in the
order of the search ranking) and returns every matching id; ``client_rows`` fetches the
display data of the few ids on screen. Neither loads ORM objects: a page is four queries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, case, exists, func, literal, nulls_last, select, type_coerce
from sqlalchemy.orm import Session

from lawyer_desk.core import models as m
from lawyer_desk.core import search
from lawyer_desk.core.vocab import AlertStatus, CaseStatus, CustodyStatus, DeadlineStatus

DUE_SOON_DAYS = 7
_LAST_WORD = re.compile(r"\w+$")  # words as the search index splits them
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_IN_CHUNK = 500  # ids per "IN (...)" list, far below SQLite's bound-parameter limit

# Custody and case status sort by how much they call for attention, not alphabetically.
CUSTODY_ORDER = (CustodyStatus.detained, CustodyStatus.house_arrest, CustodyStatus.bail, CustodyStatus.free,
                 CustodyStatus.unknown)
STATUS_ORDER = (CaseStatus.open, CaseStatus.closed, CaseStatus.archived)


@dataclass(frozen=True)
class ClientFilter:
    """What the list shows. ``status`` None means every status; the default is open cases."""

    text: str = ""
    status: frozenset[CaseStatus] | None = frozenset({CaseStatus.open})
    custody: CustodyStatus | None = None
    requesting_country: str | None = None
    alert_status: AlertStatus | None = None  # with requesting_country: one alert must match both

    @property
    def search_text(self) -> str:
        """The part of ``text`` worth searching while the person is still typing.

        A last word of one letter or digit is left out: as a prefix it matches most of the
        index, which takes the search hundreds of milliseconds at 100k clients, and the next
        keystroke narrows it anyway. One Han character is a syllable and is kept.
        """
        text = self.text.strip()
        last = _LAST_WORD.search(text)
        if last and len(last.group()) == 1 and not _HAN.match(last.group()):
            text = text[:last.start()].rstrip()
        return text


class SortColumn(StrEnum):
    display_name = "display_name"
    nationality = "nationality"
    custody = "custody"
    requesting_countries = "requesting_countries"
    next_deadline = "next_deadline"
    status = "status"


@dataclass(frozen=True)
class SortKey:
    column: SortColumn = SortColumn.display_name
    descending: bool = False


DEFAULT_SORT = SortKey()


@dataclass(frozen=True)
class IdList:
    """The ordered ids of the list; for a search also the best snippet of each client."""

    ids: list[int] = field(default_factory=list)
    snippets: dict[int, str] = field(default_factory=dict)  # filled by ``snippets_for``, page by page
    capped: bool = False  # the search matched too much to rank: the person should type more
    searching: bool = False
    query: str = ""
    best_hits: dict[int, int] = field(default_factory=dict)  # client id → index row of its best hit

    def snippets_for(self, session: Session, ids: Iterable[int]) -> dict[int, str]:
        """The snippets of these clients, made now for those not made before."""
        wanted = [cid for cid in ids if cid in self.best_hits and cid not in self.snippets]
        if wanted:
            made = search.snippets_for(session, self.query, [self.best_hits[cid] for cid in wanted])
            for cid in wanted:
                self.snippets[cid] = made.get(self.best_hits[cid], "")
        return self.snippets

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, row: int) -> int:
        return self.ids[row]

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids)


@dataclass(frozen=True, slots=True)
class ClientRow:
    """One line of the client list, ready to display."""

    id: int
    display_name: str
    names: tuple[str, ...]  # every variant, the display name first
    nationalities: tuple[str, ...]
    custody_status: CustodyStatus
    custody_facility: str | None
    requesting_countries: tuple[str, ...]
    alert_statuses: tuple[AlertStatus, ...]
    next_deadline: date | None
    next_deadline_title: str | None
    overdue: bool
    due_soon: bool
    status: CaseStatus
    snippet: str | None = None

    @property
    def other_names(self) -> tuple[str, ...]:
        return self.names[1:]

    @property
    def detained(self) -> bool:
        return self.custody_status in (CustodyStatus.detained, CustodyStatus.house_arrest)


@dataclass(frozen=True)
class FilterChoices:
    """The values present in the store, for the filter controls."""

    custody: list[CustodyStatus]
    requesting_countries: list[str]
    alert_statuses: list[AlertStatus]


# --- which ids ---------------------------------------------------------------------------
def _conditions(flt: ClientFilter) -> list[ColumnElement[bool]]:
    client = m.Client.__table__.c  # type: ignore[attr-defined]
    alert = m.Alert.__table__.c  # type: ignore[attr-defined]
    conditions: list[ColumnElement[bool]] = []
    if flt.status is not None:
        conditions.append(client.status.in_(sorted(flt.status)))
    if flt.custody is not None:
        conditions.append(client.custody_status == flt.custody)
    if flt.requesting_country is not None or flt.alert_status is not None:
        on_alert = [alert.client_id == client.id]
        if flt.requesting_country is not None:
            on_alert.append(alert.requesting_country == flt.requesting_country)
        if flt.alert_status is not None:
            on_alert.append(alert.status == flt.alert_status)
        conditions.append(exists().where(and_(*on_alert)))
    return conditions


def _rank(column: Any, order: Sequence[str]) -> ColumnElement[int]:
    return case({value: i for i, value in enumerate(order)}, value=column, else_=len(order))


def _sort_expression(column: SortColumn) -> ColumnElement[Any]:
    client = m.Client.__table__.c  # type: ignore[attr-defined]
    alert = m.Alert.__table__.c  # type: ignore[attr-defined]
    deadline = m.Deadline.__table__.c  # type: ignore[attr-defined]
    match column:
        case SortColumn.display_name:
            return client.display_name.collate("NOCASE")
        case SortColumn.nationality:
            # By the first nationality; none is NULL (last).
            return func.json_extract(type_coerce(client.nationalities, String), literal("$[0]", String))
        case SortColumn.custody:
            return _rank(client.custody_status, CUSTODY_ORDER)
        case SortColumn.requesting_countries:
            return (select(func.min(alert.requesting_country)).where(alert.client_id == client.id)
                    .scalar_subquery())
        case SortColumn.next_deadline:
            return (select(func.min(deadline.due_date))
                    .where(deadline.client_id == client.id, deadline.status == DeadlineStatus.open)
                    .scalar_subquery())
        case SortColumn.status:
            return _rank(client.status, STATUS_ORDER)
    raise ValueError(column)


def _order_by(sort: SortKey) -> list[ColumnElement[Any]]:
    client = m.Client.__table__.c  # type: ignore[attr-defined]
    key = _sort_expression(sort.column)
    first = nulls_last(key.desc() if sort.descending else key.asc())
    tie = [client.display_name.collate("NOCASE"), client.id]
    return [first, *tie] if sort.column is not SortColumn.display_name else [first, client.id]


def client_ids(session: Session, flt: ClientFilter, sort: SortKey | None = None) -> IdList:
    """Every id the filter lets through, in order.

    Without search text the order is ``sort`` (by name when None). With search text the
    order is the search ranking, best hit per client, unless a ``sort`` is given.
    """
    client = m.Client.__table__.c  # type: ignore[attr-defined]
    conditions = _conditions(flt)
    if not flt.search_text:
        query = select(client.id).where(*conditions).order_by(*_order_by(sort or DEFAULT_SORT))
        return IdList(_ordered_ids(session, query))

    results = search.search_results(session, flt.search_text, limit=search.RANK_CAP, snippets=False)
    best: dict[int, int] = {}
    for hit in results.hits:
        best.setdefault(hit.client_id, hit.rowid)
    ranked = list(best)
    kept: set[int] = set()
    ordered: list[int] = []
    for chunk in _chunks(ranked):
        query = select(client.id).where(client.id.in_(chunk), *conditions)
        if sort is not None:
            query = query.order_by(*_order_by(sort))
            ordered += session.execute(query).scalars()
        else:
            kept.update(session.execute(query).scalars())
    if sort is None:
        ordered = [cid for cid in ranked if cid in kept]
    elif len(ranked) > _IN_CHUNK:
        ordered = _resort(session, ordered, sort)
    return IdList(ordered, {}, results.capped, searching=True, query=flt.search_text,
                  best_hits={cid: best[cid] for cid in ordered})


def _ordered_ids(session: Session, query: Select[Any]) -> list[int]:
    """The ids of an ordered query, passed back as one JSON array.

    At 100k clients, fetching one driver row per id costs more than the sort itself; one
    text parsed by ``json`` in C costs a tenth of it. SQLite feeds an aggregate the rows of
    an ordered subquery in order (it never flattens an ORDER BY into an aggregate).
    """
    ordered = query.subquery()
    return json.loads(session.execute(select(func.json_group_array(ordered.c.id))).scalar_one() or "[]")


def _resort(session: Session, ids: list[int], sort: SortKey) -> list[int]:
    """Sort ids gathered over several chunks again, as one list (a search never has many)."""
    client = m.Client.__table__.c  # type: ignore[attr-defined]
    id_set = set(ids)
    return [cid for cid in _ordered_ids(session, select(client.id).order_by(*_order_by(sort))) if cid in id_set]


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _IN_CHUNK):
        yield ids[start:start + _IN_CHUNK]


# --- one page of rows --------------------------------------------------------------------
def client_rows(session: Session, ids: Iterable[int], today: date | None = None,
                snippets: Mapping[int, str] | None = None) -> dict[int, ClientRow]:
    """The display data of ``ids`` (ids that no longer exist are left out)."""
    today = today or date.today()
    snippets = snippets or {}
    wanted = list(dict.fromkeys(ids))
    client = m.Client.__table__.c  # type: ignore[attr-defined]
    name = m.NameVariant.__table__.c  # type: ignore[attr-defined]
    alert = m.Alert.__table__.c  # type: ignore[attr-defined]
    deadline = m.Deadline.__table__.c  # type: ignore[attr-defined]
    rows: dict[int, ClientRow] = {}
    for chunk in _chunks(wanted):
        names: dict[int, list[str]] = {}
        for cid, text in session.execute(select(name.client_id, name.text).where(name.client_id.in_(chunk))
                                         .order_by(name.client_id, name.id)):
            names.setdefault(cid, []).append(text)
        alerts: dict[int, list[tuple[str | None, AlertStatus]]] = {}
        for cid, country, status in session.execute(
                select(alert.client_id, alert.requesting_country, alert.status).where(alert.client_id.in_(chunk))
                .order_by(alert.client_id, alert.id)):
            alerts.setdefault(cid, []).append((country, status))
        # SQLite takes the bare column (title) from the row that gave the min().
        nearest = {cid: (due, title) for cid, due, title in session.execute(
            select(deadline.client_id, func.min(deadline.due_date), deadline.title)
            .where(deadline.client_id.in_(chunk), deadline.status == DeadlineStatus.open)
            .group_by(deadline.client_id))}
        query = select(client.id, client.display_name, client.nationalities, client.custody_status,
                       client.custody_facility, client.status).where(client.id.in_(chunk))
        for cid, display_name, nationalities, custody, facility, status in session.execute(query):
            due, title = nearest.get(cid, (None, None))
            client_alerts = alerts.get(cid, [])
            rows[cid] = ClientRow(
                id=cid, display_name=display_name,
                names=_names(display_name, names.get(cid, [])),
                nationalities=tuple(nationalities or ()),
                custody_status=CustodyStatus(custody), custody_facility=facility,
                requesting_countries=tuple(sorted({c for c, _ in client_alerts if c})),
                alert_statuses=tuple(dict.fromkeys(AlertStatus(s) for _, s in client_alerts)),
                next_deadline=due, next_deadline_title=title,
                overdue=due is not None and due < today,
                due_soon=due is not None and today <= due <= today + timedelta(days=DUE_SOON_DAYS),
                status=CaseStatus(status), snippet=snippets.get(cid),
            )
    return {cid: rows[cid] for cid in wanted if cid in rows}


def _names(display_name: str, variants: list[str]) -> tuple[str, ...]:
    """The display name, then each other spelling once (case-insensitively)."""
    seen = {display_name.casefold()}
    out = [display_name]
    for text in variants:
        if text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return tuple(out)


def filter_choices(session: Session) -> FilterChoices:
    client = m.Client.__table__.c  # type: ignore[attr-defined]
    alert = m.Alert.__table__.c  # type: ignore[attr-defined]
    custody = {CustodyStatus(v) for v in session.execute(select(client.custody_status).distinct()).scalars()}
    countries = sorted(v for v in session.execute(select(alert.requesting_country).distinct()).scalars() if v)
    statuses = {AlertStatus(v) for v in session.execute(select(alert.status).distinct()).scalars()}
    return FilterChoices([c for c in CUSTODY_ORDER if c in custody], countries,
                         [s for s in AlertStatus if s in statuses])
