"""Prototypes of proposed core changes, applied by patching for one benchmark run.

Nothing here changes the core on disk; each ``patched_*`` context manager swaps a core
function for the proposed one and restores it afterwards. They exist to measure a proposal
before anyone edits the core (see the benchmark report for the exact change proposed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from lawyer_desk.core import cases, search, search_fold
from lawyer_desk.core.store import database


@contextmanager
def _swap(module: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, old)


# --- 1. import: one INSERT per table, ids assigned in the transaction --------------------
def insert_with_ids(session: Session, table: type[SQLModel], rows: list[dict[str, Any]]) -> list[int]:
    """Replacement for ``cases._insert_returning_ids``.

    ``insert(...).returning(..., sort_by_parameter_order=True)`` cannot be batched on SQLite
    (no sentinel column), so SQLAlchemy runs one statement per row. The import already holds
    the writer lock and runs in one transaction, so the ids can be given up front: SQLite
    would pick exactly ``max(id) + 1 ...`` itself (the tables are not AUTOINCREMENT).
    """
    if not rows:
        return []
    start = session.execute(select(func.coalesce(func.max(table.id), 0))).scalar_one()  # type: ignore[attr-defined]
    ids = list(range(start + 1, start + 1 + len(rows)))
    session.execute(insert(table.__table__), [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])  # type: ignore[attr-defined]
    return ids


def insert_core(session: Session, table: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    """Replacement for ``cases._insert``: a Core insert, so NULLs do not split the batch.

    The ORM bulk insert leaves out the keys whose value is None and groups the rows by the
    keys left, so rows with different optional fields become separate statements (one per
    row for most alerts).
    """
    if rows:
        session.execute(insert(table.__table__), rows)  # type: ignore[attr-defined]


@contextmanager
def patched_import() -> Iterator[None]:
    with _swap(cases, "_insert_returning_ids", insert_with_ids), _swap(cases, "_insert", insert_core):
        yield


# --- 2. folding: fast, and only what the written text does not already index ------------
class _FoldTable(dict[int, str]):
    """``str.translate`` table that fills itself with ``search_fold.fold`` of each character."""

    def __missing__(self, code: int) -> str:
        value = _ORIGINAL_FOLD(chr(code))
        self[code] = value
        return value


_ORIGINAL_FOLD = search_fold.fold
_FOLD_TABLE = _FoldTable()
_ALNUM = re.compile(r"[^\W_]+")


def fast_fold(value: str | None) -> str:
    """Same result as ``search_fold.fold`` (per-character mapping, then casefold), in C speed."""
    if not value:
        return ""
    value = unicodedata.normalize("NFKC", value)
    if value.isascii():
        return value.casefold()
    return value.translate(_FOLD_TABLE).casefold()


def fold_extra(value: str | None) -> str | None:
    """What the ``folded`` column needs: the folded words the ``text`` column lacks.

    An ASCII word is indexed as written (unicode61 lower-cases it), so repeating it in the
    folded column only doubles the index. Queries then look for a folded term in every
    column (``"idris"*`` rather than ``folded:"idris"*``), which finds the same rows.
    """
    if not value:
        return None
    value = unicodedata.normalize("NFKC", value)
    if value.isascii():
        return None
    written = {w for w in _ALNUM.findall(value.lower()) if w.isascii()}
    extra = [w for w in _ALNUM.findall(fast_fold(value)) if w not in written]
    return " ".join(extra) or None


def match_expression_any_column(query: str) -> str | None:
    """``search.match_expression`` with the folded term looked for in every column."""
    words = search._TOKEN.findall(unicodedata.normalize("NFKC", query))[: search.MAX_TOKENS]
    terms = []
    for word in words:
        folded = " ".join(search._TOKEN.findall(fast_fold(word)))
        terms.append(f'(text:"{word}"* OR "{folded}"*)' if folded and folded != word.casefold() else f'"{word}"*')
    return " AND ".join(terms) or None


@contextmanager
def patched_fold(extra_only: bool) -> Iterator[None]:
    """``extra_only``: index only the missing folded words (needs the query change too)."""
    with ExitStack() as stack:
        stack.enter_context(_swap(database, "fold", fold_extra if extra_only else fast_fold))
        stack.enter_context(_swap(search, "fold", fast_fold))
        if extra_only:
            stack.enter_context(_swap(search, "match_expression", match_expression_any_column))
        yield


def _hits(rows: Any) -> list[search.Hit]:
    return [search.Hit(r[0], r[1], search.KINDS.get(r[2] % 16, "?"), r[2] // 16, " ".join(r[3].split()), -r[4])
            for r in rows]


# --- 3. search: let FTS5 order by rank, then snippet and join only the rows returned ------
RANKED_SQL = (
    "SELECT h.client_id, c.display_name, h.rowid, h.snip, h.rank FROM ("
    "  SELECT rowid, client_id, snippet(search_index, 0, '[', ']', '…', 10) AS snip, rank"
    "  FROM search_index WHERE search_index MATCH :q AND rank MATCH 'bm25(2.0, 1.0)'"
    "  ORDER BY rank LIMIT :limit"
    ") AS h JOIN client AS c ON c.id = h.client_id ORDER BY h.rank"
)


def search_ranked(session: Session, query: str, limit: int = 50) -> list[search.Hit]:
    expression = search.match_expression(query)
    if expression is None:
        return []
    rows = session.execute(text(RANKED_SQL), {"q": expression, "limit": limit}).all()
    return _hits(rows)


# --- 4. search: rank only the newest matches when a query matches very many rows ----------
RANK_CAP = 500
FLOOR_SQL = ("SELECT rowid FROM search_index WHERE search_index MATCH :q "
             "ORDER BY rowid DESC LIMIT 1 OFFSET :offset")
CAPPED_SQL = (
    "SELECT h.client_id, c.display_name, h.rowid, h.snip, h.rank FROM ("
    "  SELECT rowid, client_id, snippet(search_index, 0, '[', ']', '…', 10) AS snip, rank"
    "  FROM search_index WHERE search_index MATCH :q AND rank MATCH 'bm25(2.0, 1.0)' AND rowid >= :floor"
    "  ORDER BY rank LIMIT :limit"
    ") AS h JOIN client AS c ON c.id = h.client_id ORDER BY h.rank"
)


def search_capped(session: Session, query: str, limit: int = 50, cap: int | None = None) -> list[search.Hit]:
    """Rank (bm25) at most ``cap`` matches: the newest ones, found without ranking.

    bm25 costs ~5 µs per matching row (a %_docsize lookup each), so a word found in 50,000
    notes takes 250 ms to rank in full. The rowid of the cap-th newest match is found by
    walking the doclist (no ranking), and the ranked query is limited to rowids above it.
    """
    expression = search.match_expression(query)
    if expression is None:
        return []
    cap = cap or RANK_CAP
    floor = session.execute(text(FLOOR_SQL), {"q": expression, "offset": cap - 1}).scalar()
    rows = session.execute(text(CAPPED_SQL), {"q": expression, "limit": limit, "floor": floor or 0}).all()
    return _hits(rows)


# --- 5. search: bm25 only when the query matches few rows; otherwise newest first --------
NEWEST_SQL = (
    "SELECT h.client_id, c.display_name, h.rowid, h.snip, 0.0 FROM ("
    "  SELECT rowid, client_id, snippet(search_index, 0, '[', ']', '…', 10) AS snip"
    "  FROM search_index WHERE search_index MATCH :q ORDER BY rowid DESC LIMIT :limit"
    ") AS h JOIN client AS c ON c.id = h.client_id ORDER BY h.rowid DESC"
)


def search_ranked_or_newest(session: Session, query: str, limit: int = 50, cap: int | None = None) -> list[search.Hit]:
    """bm25 order when fewer than ``cap`` rows match; else the newest matches, unranked.

    bm25 has a cost per query that grows with ALL matching rows, however few are ranked:
    it counts every row holding each phrase (the IDF). For "the"* over 100,000 notes that
    is ~5 ms before the first row. Walking the doclist newest-first costs ~0.1 ms. A query
    matching thousands of rows cannot be ranked usefully anyway; the caller can say
    "more than N matches, showing the newest; add a word to narrow".
    """
    expression = search.match_expression(query)
    if expression is None:
        return []
    cap = cap or RANK_CAP
    many = session.execute(text(FLOOR_SQL), {"q": expression, "offset": cap - 1}).scalar() is not None
    rows = session.execute(text(NEWEST_SQL if many else RANKED_SQL), {"q": expression, "limit": limit}).all()
    return _hits(rows)


# --- 6. a larger page cache --------------------------------------------------------------
@contextmanager
def patched_cache(kib: int) -> Iterator[None]:
    """Connections get ``PRAGMA cache_size = -kib`` (SQLCipher's default here is 8,000 KiB).

    Each page read from disk is HMAC-checked and decrypted, so a miss costs far more than in
    plain SQLite; a 300 MB store with an 8 MB cache misses on most index pages.
    """
    original = database.connect

    def connect(*args: Any, **kwargs: Any) -> Any:
        conn = original(*args, **kwargs)
        conn.execute(f"PRAGMA cache_size = -{int(kib)}")
        return conn

    with _swap(database, "connect", connect):
        yield


def optimize_index(session: Session) -> None:
    """Merge the FTS5 segments into one (after a bulk import)."""
    session.execute(text("INSERT INTO search_index(search_index) VALUES ('optimize')"))
