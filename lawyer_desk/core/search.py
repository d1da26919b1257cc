"""Full-text search over names, alert references and charges, notes and events.

The index is an SQLite FTS5 table kept in sync by triggers (created in the first migration).
Each row holds the text as written and its folded Latin form (see ``search_fold``), so a
query in any script or spelling finds the client. The rowid encodes the source row:
``source_id * 16 + kind code``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

from lawyer_desk.core import list_columns
from lawyer_desk.core.search_fold import fold

# Tables whose rows the index follows; each has insert, update and delete triggers.
INDEXED_TABLES = ("client", "name_variant", "alert", "arrest_warrant", "note", "event", "exhibit", "exhibit_text")
# The same expressions as the triggers of the first migration, over a table alias "r",
# for indexing many rows in one statement: (table, code, text, client id, kind word, key).
SOURCES = [
    ("client", 6, "r.display_name", "r.id", "kname", "r.id"),
    ("name_variant", 1, "r.text", "r.client_id", "kname", "r.client_id"),
    ("alert", 3, "concat_ws(' ', r.reference, r.control_number, r.summary)", "r.client_id", "kother", "r.client_id"),
    ("arrest_warrant", 2, "concat_ws(' ', r.charge, r.charge_translation, r.reference)",
     "(SELECT client_id FROM alert WHERE alert.id = r.alert_id)", "kother", "r.alert_id"),
    ("note", 4, "concat_ws(' ', r.title, r.body)", "r.client_id", "kother", "r.client_id"),
    ("event", 5, "concat_ws(' ', r.title, r.description, r.place)", "r.client_id", "kother", "r.client_id"),
    # Exhibits (migration 0004): the text taken out of the file goes in the folded column, not in
    # "text": FTS5's snippet() costs the square of a row's matches in its column, minutes for a
    # long document (exhibits.passage shows where the words are instead). A 7th item: folded.
    ("exhibit", 7, "concat_ws(' ', r.title, r.filename, r.notes)", "r.client_id", "kother", "r.client_id",
     "concat_ws(' ', ld_fold(concat_ws(' ', r.title, r.filename, r.notes)), "
     "(SELECT t.text FROM exhibit_text AS t WHERE t.exhibit_id = r.id), "
     "ld_fold((SELECT t.text FROM exhibit_text AS t WHERE t.exhibit_id = r.id)))"),
]
KINDS = {1: "name", 2: "charge", 3: "alert", 4: "note", 5: "event", 6: "client", 7: "exhibit"}
_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_TOKENS = 12


@dataclass(frozen=True)
class Hit:
    client_id: int
    client_name: str
    kind: str
    source_id: int
    snippet: str
    score: float

    @property
    def rowid(self) -> int:
        """The hit's row in the index (for ``snippets_for``)."""
        code = next(code for code, kind in KINDS.items() if kind == self.kind)
        return self.source_id * 16 + code


def missing_triggers(session_or_conn: Session | object) -> list[str]:
    """Search (and client list) triggers that should exist and do not (a batch migration drops
    them silently)."""
    expected = {f"{table}_search_{what}" for table in INDEXED_TABLES for what in ("insert", "update", "delete")}
    expected.update(list_columns.TRIGGERS)  # the client list's columns are kept the same way
    present = {row[0] for row in session_or_conn.execute(  # type: ignore[attr-defined]
        text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    return sorted(expected - present)


def match_expression(query: str) -> str | None:
    """An FTS5 query: every word must match, as a prefix, as written or folded.

    A folded alternative shorter than three letters is left out: one Chinese character
    folds to a syllable such as "ma", which would match every Latin word starting so.
    """
    words = _TOKEN.findall(unicodedata.normalize("NFKC", query))[:MAX_TOKENS]
    terms = []
    for word in words:
        folded = " ".join(_TOKEN.findall(fold(word)))
        if folded and folded != word.casefold() and len(folded) >= 3:
            terms.append(f'(text:"{word}"* OR {{text folded}}:"{folded}"*)')
        else:
            terms.append(f'{{text folded}}:"{word}"*')
    return " AND ".join(terms) or None


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    capped: bool  # more than RANK_CAP rows matched: names first, then the newest, unranked


class Match(NamedTuple):
    """One index row a query matched."""

    rowid: int
    client_id: int
    client_name: str
    score: float
    snippet: str | None = None


@dataclass(frozen=True)
class Found:
    """Index rows a query matched, best first."""

    rows: list[Match]
    capped: bool


# bm25 reads every matching row and every term a prefix expands to: ranking 300 hits of a
# two-word prefix query took 100+ ms at 100k clients, 50 hits about 15 ms. Past this many
# matches the query is too broad to rank quickly; names come first, then the newest rows,
# and the person is better served by typing one more letter.
RANK_CAP = 100
_SNIPPET = "snippet(search_index, 0, '[', ']', '…', 10)"
_NAME_CODES = tuple(code for code, kind in KINDS.items() if kind in ("name", "client"))
_NAMES_ENOUGH = RANK_CAP // 2
_IS_NAME = f"rowid % 16 IN ({', '.join(map(str, _NAME_CODES))})"
# Names are short: their snippets cost little and come with the rows that find them. Those of
# notes and other long texts are made later, for the few rows on screen (``snippets_for``).
_NAME_SNIPPET = f"CASE WHEN {_IS_NAME} THEN {_SNIPPET} END"
# The newest matches, in the order FTS5 keeps them: one pass that stops early and reads
# nothing but rowids, which tells whether the query is narrow enough to rank.
_NEWEST = text("SELECT rowid FROM search_index WHERE search_index MATCH :q ORDER BY rowid DESC LIMIT :limit")


def _with_client(rows: str, order: str) -> TextClause:
    """Index rows (rowid, client_id, snip, score) with their client's name. The LIMIT in
    ``rows`` keeps SQLite from merging it into the join, which could run the MATCH per client."""
    return text(f"SELECT h.rowid, h.client_id, h.snip, c.display_name, h.score FROM ({rows}) AS h "  # noqa: S608
                f"JOIN client AS c ON c.id = h.client_id ORDER BY {order}")


# The newest names among the newest _NAMES_DEPTH matches. Names are picked by the rowid's kind
# code: a "kind" column filter in the MATCH made FTS5 walk the doclist of every name in the
# store; unbounded, a common word made it read every note.
_NAMES_DEPTH = 500
_NEWEST_NAMES = _with_client(
    f"SELECT rowid, client_id, {_SNIPPET} AS snip, 0.0 AS score FROM search_index "  # noqa: S608 (constant SQL)
    "WHERE search_index MATCH :q AND rowid >= coalesce((SELECT rowid FROM search_index "
    "WHERE search_index MATCH :q ORDER BY rowid DESC LIMIT 1 OFFSET :depth), 0) "
    f"AND {_IS_NAME} ORDER BY rowid DESC LIMIT :limit", "h.rowid DESC")
# At most RANK_CAP matches, all between :lo and :hi (the rowids the first pass found); by the
# snippets they carry: every row's, or the names' only.
_RANKED = {every: _with_client(
    f"SELECT rowid, client_id, {_SNIPPET if every else _NAME_SNIPPET} AS snip, "  # noqa: S608 (constant SQL)
    "-bm25(search_index, 2.0, 1.0, 0.0) AS score FROM search_index "
    "WHERE search_index MATCH :q AND rowid BETWEEN :lo AND :hi ORDER BY score DESC, rowid DESC LIMIT :limit",
    "h.score DESC, h.rowid DESC") for every in (True, False)}
# Given rows: the rowid range is handed to FTS5, the list is checked by SQLite ("+rowid": with
# "rowid IN (…)" FTS5 would run the whole query once per rowid).
_CHOSEN = {every: _with_client(
    f"SELECT rowid, client_id, {_SNIPPET if every else _NAME_SNIPPET} AS snip, 0.0 AS score FROM search_index "  # noqa: S608 (constant SQL)
    "WHERE search_index MATCH :q AND rowid BETWEEN :lo AND :hi "
    "AND +rowid IN (SELECT value FROM json_each(:rowids)) ORDER BY rowid DESC LIMIT :limit",
    "h.rowid DESC") for every in (True, False)}


def _match(row: Any) -> Match:
    return Match(row[0], row[1], row[3], row[4], " ".join(row[2].split()) if row[2] is not None else None)


def _chosen(session: Session, expression: str, rowids: list[int], *, every: bool) -> Any:
    return session.execute(_CHOSEN[every], {"q": expression, "lo": min(rowids), "hi": max(rowids),
                                            "rowids": json.dumps(rowids), "limit": len(rowids)})


def find(session: Session, query: str, limit: int = 50, *, expression: str | None = None,
         snippets: bool = False) -> Found:
    """The index rows matching ``query``, best first, at most ``limit``: ranked by bm25 when
    at most RANK_CAP rows match, else names first (those among the newest _NAMES_DEPTH
    matches), then the other rows, newest first.

    Rows of names carry their snippet; with ``snippets``, rows of any kind do (made in the
    pass that reads their client, which costs less than a pass of their own).
    """
    expression = expression or match_expression(query)
    if expression is None:
        return Found([], False)
    newest = list(session.execute(_NEWEST, {"q": expression, "limit": max(limit, RANK_CAP) + 1}).scalars())
    if len(newest) <= RANK_CAP:
        if not newest:
            return Found([], False)
        ranked = session.execute(_RANKED[snippets], {"q": expression, "lo": newest[-1], "hi": newest[0],
                                                     "limit": limit})
        return Found([_match(row) for row in ranked], False)
    names = [rowid for rowid in newest if rowid % 16 in _NAME_CODES]
    others = [rowid for rowid in newest if rowid % 16 not in _NAME_CODES]
    rows: dict[int, Any] = {}
    if len(names) < min(limit, _NAMES_ENOUGH) and len(newest) > max(limit, RANK_CAP):
        # More names may match than the first pass saw: look further back for them (the
        # other rows it saw are always enough to fill up to ``limit``: they are the newest of
        # their kind). Not when half of what it saw are names already: the person is typing
        # a name, and the names behind a two-letter prefix such as "ko" are many (20 ms).
        rows = {row[0]: row for row in session.execute(_NEWEST_NAMES, {
            "q": expression, "depth": _NAMES_DEPTH - 1, "limit": limit})}
        names = list(rows)
    chosen = [*names, *others][:limit]
    first_pass = [rowid for rowid in chosen if rowid not in rows]  # all of them within its range
    if first_pass:
        rows.update((row[0], row) for row in _chosen(session, expression, first_pass, every=snippets))
    return Found([_match(rows[rowid]) for rowid in chosen if rowid in rows], True)


def search_results(session: Session, query: str, limit: int = 50, *, snippets: bool = True) -> Results:
    """Hits, best first. Without ``snippets`` the hits carry those of names only (``snippets_for``
    makes the others later, for the few on screen)."""
    found = find(session, query, limit, snippets=snippets)
    return Results([Hit(row.client_id, row.client_name, KINDS.get(row.rowid % 16, "?"), row.rowid // 16,
                        row.snippet or "", row.score) for row in found.rows], found.capped)


def snippets_for(session: Session, query: str, rowids: list[int], *, expression: str | None = None
                 ) -> dict[int, str]:
    """The snippet of each of these index rows for ``query`` (rows that no longer match are left out)."""
    expression = expression or match_expression(query)
    if expression is None or not rowids:
        return {}
    return {row[0]: " ".join(row[2].split()) for row in _chosen(session, expression, rowids, every=True)}


def search(session: Session, query: str, limit: int = 50, *, per_case: bool = False) -> list[Hit]:
    """Ranked hits, best first; with ``per_case`` only the best hit of each case."""
    if per_case:
        best: dict[int, Hit] = {}
        for hit in search(session, query, limit * 8):
            best.setdefault(hit.client_id, hit)
        return list(best.values())[:limit]
    return search_results(session, query, limit).hits


@contextmanager
def bulk_indexing(session: Session) -> Iterator[None]:
    """Stop the insert triggers from indexing row by row (see ``index_clients``): those of the
    search index and those of the client list's columns."""
    session.execute(text("SELECT ld_set_indexing(0)"))
    try:
        yield
    finally:
        with suppress(Exception):  # a failed transaction: the pool switches it on again anyway
            session.execute(text("SELECT ld_set_indexing(1)"))


def index_clients(session: Session, client_ids: range, alert_ids: range) -> None:
    """Index every row of these clients (and alerts) in one statement per table, and work out
    their client list columns, which the insert triggers left alone too."""
    for table, code, body, client, kind, key, *folded in SOURCES:
        ids = alert_ids if table == "arrest_warrant" else client_ids
        if not ids:
            continue
        session.execute(text(
            f"INSERT INTO search_index(rowid, text, folded, kind, client_id) "  # noqa: S608 (constant SQL)
            f"SELECT r.id * 16 + {code}, {body}, {folded[0] if folded else f'ld_fold({body})'}, '{kind}', {client} "
            f"FROM {table} AS r "
            f"WHERE {key} BETWEEN :lo AND :hi"), {"lo": ids.start, "hi": ids.stop - 1})
    list_columns.refresh(session, client_ids)


def optimize(session: Session) -> None:
    """Merge the index into one segment (worth it after a large import; takes seconds)."""
    session.execute(text("INSERT INTO search_index(search_index) VALUES ('optimize')"))
