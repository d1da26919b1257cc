"""The client list: which clients to show, in what order, and the data of one page of them.

The list holds ids only. ``client_ids`` filters and sorts in SQL (or, for a search, in the
order of the search ranking) and returns every matching id; ``client_rows`` fetches the
display data of the few ids on screen. Neither loads ORM objects. Both read the columns the
triggers of migration 0003 keep on the client row (``list_columns``): each order comes
straight from an index for the usual filter (one case status), and a page of rows is one
query over one table, one page of the database per client.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    nulls_last,
    select,
)
from sqlalchemy.orm import Session

from lawyer_desk.core import models as m
from lawyer_desk.core import search
from lawyer_desk.core.vocab import AlertStatus, CaseStatus, CustodyStatus

DUE_SOON_DAYS = 7
_LAST_WORD = re.compile(r"\w+$")  # words as the search index splits them
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

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
    # Names come with theirs; the others are made by ``snippets_for``, page by page.
    snippets: dict[int, str] = field(default_factory=dict)
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


def _sort_expression(column: SortColumn) -> ColumnElement[Any]:
    client = m.Client.__table__.c  # type: ignore[attr-defined]
    match column:
        case SortColumn.display_name:
            return client.display_name.collate("NOCASE")
        case SortColumn.nationality:
            return client.list_nationality  # type: ignore[no-any-return]  # the first; none is NULL (last)
        case SortColumn.custody:
            return _rank(client.custody_status, CUSTODY_ORDER)
        case SortColumn.requesting_countries:
            return client.list_requesting  # type: ignore[no-any-return]  # the first A–Z
        case SortColumn.next_deadline:
            return client.list_next_due  # type: ignore[no-any-return]  # the nearest open one
        case SortColumn.status:
            return _rank(client.status, STATUS_ORDER)
    raise ValueError(column)


def _rank(column: Any, order: Sequence[str]) -> ColumnElement[int]:
    return case({value: i for i, value in enumerate(order)}, value=column, else_=len(order))


def _order_by(sort: SortKey) -> list[ColumnElement[Any]]:
    """Empty values last; descending is the ascending order reversed (ties too), which is the
    order of the list's indexes read backwards."""
    client = m.Client.__table__.c  # type: ignore[attr-defined]
    terms = [_sort_expression(sort.column)]
    if sort.column is not SortColumn.display_name:
        terms.append(client.display_name.collate("NOCASE"))
    terms.append(client.id)
    ordered = [term.desc() if sort.descending else term.asc() for term in terms]
    ordered[0] = nulls_last(ordered[0])
    return ordered


def client_ids(session: Session, flt: ClientFilter, sort: SortKey | None = None) -> IdList:
    """Every id the filter lets through, in order.

    Without search text the order is ``sort`` (by name when None). With search text the
    order is the search ranking, best hit per client, unless a ``sort`` is given.
    """
    if not flt.search_text:
        return IdList(_listed_ids(session, flt, sort or DEFAULT_SORT))
    found = search.find(session, flt.search_text, search.RANK_CAP)
    best: dict[int, search.Match] = {}
    for row in found.rows:
        best.setdefault(row.client_id, row)
    ordered = _kept(session, list(best), flt, sort)
    return IdList(ordered, {cid: best[cid].snippet for cid in ordered if best[cid].snippet is not None},
                  found.capped, searching=True, query=flt.search_text,
                  best_hits={cid: best[cid].rowid for cid in ordered})


def _listed_ids(session: Session, flt: ClientFilter, sort: SortKey) -> list[int]:
    client = m.Client.__table__.c  # type: ignore[attr-defined]
    by_name = SortKey(SortColumn.display_name, sort.descending)
    if sort.column is SortColumn.status:
        # Statuses and custody sort by a rank: one run of names per value, in rank order,
        # each straight from an index where the rank itself would need a sort of every row.
        statuses = [s for s in STATUS_ORDER if flt.status is None or s in flt.status]
        return [cid for status in (statuses[::-1] if sort.descending else statuses)
                for cid in _listed_ids(session, replace(flt, status=frozenset({status})), by_name)]
    if sort.column is SortColumn.custody:
        custodies = [c for c in CUSTODY_ORDER if flt.custody in (None, c)]
        return [cid for custody in (custodies[::-1] if sort.descending else custodies)
                for cid in _listed_ids(session, replace(flt, custody=custody), by_name)]
    if flt.status is None and (sort.column is not SortColumn.display_name or flt.custody is not None):
        # Every status named: SQLite then reads an index that starts with the status, for
        # each status, instead of every row of the table.
        flt = replace(flt, status=frozenset(CaseStatus))
    query = select(client.id).where(*_conditions(flt)).order_by(*_order_by(sort))
    return _ordered_ids(session, query)


_WANTED = func.json_each(bindparam("wanted", type_=String)).table_valued("value")


def _wanted(ids: Sequence[int]) -> dict[str, str]:
    """The parameter of ``_WANTED``: ids passed as one JSON text, so that the statement is
    the same for any number of ids (compiled and prepared once)."""
    return {"wanted": json.dumps(list(ids))}


def _kept(session: Session, ranked: list[int], flt: ClientFilter, sort: SortKey | None) -> list[int]:
    """The ranked ids the filter lets through, in rank order or in the order of ``sort``."""
    conditions = _conditions(flt)
    if not ranked or (not conditions and sort is None):
        return ranked
    client = m.Client.__table__.c  # type: ignore[attr-defined]
    # likely(): without statistics SQLite takes "status = 'open'" for a rare value and would
    # read the status index (80k entries at 100k clients) instead of looking up the few ids.
    query = select(client.id).where(client.id.in_(select(_WANTED.c.value)), *map(func.likely, conditions))
    if sort is not None:
        return _ordered_ids(session, query.order_by(*_order_by(sort)), _wanted(ranked))
    kept = set(session.execute(query, _wanted(ranked)).scalars())
    return [cid for cid in ranked if cid in kept]


def _ordered_ids(session: Session, query: Select[Any], params: Mapping[str, Any] | None = None) -> list[int]:
    """The ids of an ordered query, passed back as one JSON array.

    At 100k clients, fetching one driver row per id costs more than the sort itself; one
    text parsed by ``json`` in C costs a tenth of it. SQLite feeds an aggregate the rows of
    an ordered subquery in order (it never flattens an ORDER BY into an aggregate).
    """
    ordered = query.subquery()
    return json.loads(session.execute(select(func.json_group_array(ordered.c.id)), params).scalar_one() or "[]")


# --- one page of rows --------------------------------------------------------------------
def _page_query() -> Select[Any]:
    """The rows of the ids in ``_WANTED``, as one JSON array of arrays: parsed by ``json`` in C,
    a page costs a quarter of typed rows through SQLAlchemy's result processing."""
    client = m.Client.__table__.c  # type: ignore[attr-defined]
    row = func.json_array(client.id, client.display_name, func.json(client.nationalities), client.custody_status,
                          client.custody_facility, client.status, func.json(client.list_names),
                          func.json(client.list_alerts), client.list_next_due, client.list_next_title)
    return select(func.json_group_array(row)).where(client.id.in_(select(_WANTED.c.value)))


_PAGE = _page_query()


def client_rows(session: Session, ids: Iterable[int], today: date | None = None,
                snippets: Mapping[int, str] | None = None) -> dict[int, ClientRow]:
    """The display data of ``ids`` (ids that no longer exist are left out)."""
    today = today or date.today()
    snippets = snippets or {}
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    rows: dict[int, ClientRow] = {}
    page = json.loads(session.execute(_PAGE, _wanted(wanted)).scalar_one())
    for cid, display_name, nationalities, custody, facility, status, names, alerts, due_text, title in page:
        due = date.fromisoformat(due_text) if due_text else None
        rows[cid] = ClientRow(
            id=cid, display_name=display_name, names=_names(display_name, names),
            nationalities=tuple(nationalities),
            custody_status=CustodyStatus(custody), custody_facility=facility,
            requesting_countries=tuple(sorted({country for country, _ in alerts if country})),
            alert_statuses=tuple(dict.fromkeys(AlertStatus(s) for _, s in alerts)),
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
