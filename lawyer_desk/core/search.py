"""Full-text search over names, alert references and charges, notes and events.

The index is an SQLite FTS5 table kept in sync by triggers (created in the first migration).
Each row holds the text as written and its folded Latin form (see ``search_fold``), so a
query in any script or spelling finds the client. The rowid encodes the source row:
``source_id * 16 + kind code``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from lawyer_desk.core.search_fold import fold

# Tables whose rows the index follows; each has insert, update and delete triggers.
INDEXED_TABLES = ("client", "name_variant", "alert", "arrest_warrant", "note", "event")
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


def missing_triggers(session_or_conn: Session | object) -> list[str]:
    """Search triggers that should exist and do not (a batch migration drops them silently)."""
    expected = {f"{table}_search_{what}" for table in INDEXED_TABLES for what in ("insert", "update", "delete")}
    present = {row[0] for row in session_or_conn.execute(  # type: ignore[attr-defined]
        text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
    return sorted(expected - present)


def match_expression(query: str) -> str | None:
    """An FTS5 query: every word must match, as a prefix, as written or folded."""
    words = _TOKEN.findall(unicodedata.normalize("NFKC", query))[:MAX_TOKENS]
    terms = []
    for word in words:
        folded = " ".join(_TOKEN.findall(fold(word)))
        written = f'text:"{word}"*'
        terms.append(f'({written} OR folded:"{folded}"*)' if folded and folded != word.casefold() else f'"{word}"*')
    return " AND ".join(terms) or None


def search(session: Session, query: str, limit: int = 50, *, per_case: bool = False) -> list[Hit]:
    """Ranked hits, best first; with ``per_case`` only the best hit of each case."""
    expression = match_expression(query)
    if expression is None:
        return []
    if per_case:
        best: dict[int, Hit] = {}
        for hit in search(session, query, limit * 8):
            best.setdefault(hit.client_id, hit)
        return list(best.values())[:limit]
    rows = session.execute(
        text(
            "SELECT s.client_id, c.display_name, s.rowid, "
            "snippet(search_index, 0, '[', ']', '…', 10), bm25(search_index, 2.0, 1.0) AS score "
            "FROM search_index AS s JOIN client AS c ON c.id = s.client_id "
            "WHERE search_index MATCH :q ORDER BY score LIMIT :limit"
        ),
        {"q": expression, "limit": limit},
    ).all()
    return [Hit(r[0], r[1], KINDS.get(r[2] % 16, "?"), r[2] // 16, " ".join(r[3].split()), -r[4]) for r in rows]
