"""Full-text search over names, alert references and charges, notes and events.

The index is an SQLite FTS5 table kept in sync by triggers (created in the first migration).
Each row holds the text as written and its folded Latin form (see ``search_fold``), so a
query in any script or spelling finds the client. The rowid encodes the source row:
``source_id * 16 + kind code``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from lawyer_desk.core.search_fold import fold

# Tables whose rows the index follows; each has insert, update and delete triggers.
INDEXED_TABLES = ("client", "name_variant", "alert", "arrest_warrant", "note", "event")
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
]
KINDS = {1: "name", 2: "charge", 3: "alert", 4: "note", 5: "event", 6: "client"}
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
    """Search triggers that should exist and do not (a batch migration drops them silently)."""
    expected = {f"{table}_search_{what}" for table in INDEXED_TABLES for what in ("insert", "update", "delete")}
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


# bm25 reads every matching row and every term a prefix expands to: ranking 300 hits of a
# two-word prefix query took 100+ ms at 100k clients, 50 hits about 15 ms. Past this many
# matches the query is too broad to rank quickly; names come first, then the newest rows,
# and the person is better served by typing one more letter.
RANK_CAP = 100
_SNIPPET = "snippet(search_index, 0, '[', ']', '…', 10)"
_RANKED = (
    "SELECT h.client_id, c.display_name, h.rowid, h.snip, h.rank FROM ("
    "SELECT rowid, client_id, {snippet} AS snip, rank FROM search_index "
    "WHERE search_index MATCH :q AND rank MATCH 'bm25(2.0, 1.0, 0.0)' ORDER BY rank LIMIT :limit"
    ") AS h JOIN client AS c ON c.id = h.client_id ORDER BY h.rank"
)
_NEWEST = (
    "SELECT h.client_id, c.display_name, h.rowid, h.snip, 0.0 FROM ("
    "SELECT rowid, client_id, {snippet} AS snip FROM search_index "
    "WHERE search_index MATCH :q ORDER BY rowid DESC LIMIT :limit"
    ") AS h JOIN client AS c ON c.id = h.client_id ORDER BY h.rowid DESC"
)


def _hits(rows: list[Any]) -> list[Hit]:
    return [Hit(r[0], r[1], KINDS.get(r[2] % 16, "?"), r[2] // 16, " ".join(r[3].split()), -r[4]) for r in rows]


def search_results(session: Session, query: str, limit: int = 50, *, snippets: bool = True) -> Results:
    """Hits, best first. Without ``snippets`` the hits carry none (``snippets_for`` makes them
    later for the few on screen: building one costs as much as ranking several rows)."""
    expression = match_expression(query)
    if expression is None:
        return Results([], False)
    ranked_sql = _RANKED.format(snippet=_SNIPPET if snippets else "''")
    newest_sql = _NEWEST.format(snippet=_SNIPPET if snippets else "''")
    params = {"q": expression, "limit": limit}
    broad = session.execute(text(
        "SELECT rowid FROM search_index WHERE search_index MATCH :q ORDER BY rowid DESC LIMIT 1 OFFSET :cap"),
        {"q": expression, "cap": RANK_CAP - 1}).first()
    if broad is None:
        return Results(_hits(session.execute(text(ranked_sql), params).all()), False)
    names = _hits(session.execute(text(newest_sql), {**params, "q": f"({expression}) AND kind:kname"}).all())
    rest = _hits(session.execute(text(newest_sql), {"q": f"({expression}) AND kind:kother",
                                                 "limit": limit - len(names)}).all()) if len(names) < limit else []
    return Results(names + rest, True)


def snippets_for(session: Session, query: str, rowids: list[int]) -> dict[int, str]:
    """The snippet of each of these index rows for ``query`` (rows that no longer match are left out)."""
    expression = match_expression(query)
    if expression is None or not rowids:
        return {}
    rows = session.execute(text(
        f"SELECT rowid, {_SNIPPET} FROM search_index WHERE search_index MATCH :q "  # noqa: S608 (constant SQL)
        f"AND rowid IN ({', '.join(str(int(r)) for r in rowids)})"), {"q": expression}).all()
    return {row[0]: " ".join(row[1].split()) for row in rows}


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
    """Stop the insert triggers from indexing row by row (see ``index_clients``)."""
    session.execute(text("SELECT ld_set_indexing(0)"))
    try:
        yield
    finally:
        with suppress(Exception):  # a failed transaction: the pool switches it on again anyway
            session.execute(text("SELECT ld_set_indexing(1)"))


def index_clients(session: Session, client_ids: range, alert_ids: range) -> None:
    """Index every row of these clients (and alerts) in one statement per table."""
    for table, code, body, client, kind, key in SOURCES:
        ids = alert_ids if table == "arrest_warrant" else client_ids
        if not ids:
            continue
        session.execute(text(
            f"INSERT INTO search_index(rowid, text, folded, kind, client_id) "  # noqa: S608 (constant SQL)
            f"SELECT r.id * 16 + {code}, {body}, ld_fold({body}), '{kind}', {client} FROM {table} AS r "
            f"WHERE {key} BETWEEN :lo AND :hi"), {"lo": ids.start, "hi": ids.stop - 1})


def optimize(session: Session) -> None:
    """Merge the index into one segment (worth it after a large import; takes seconds)."""
    session.execute(text("INSERT INTO search_index(search_index) VALUES ('optimize')"))
