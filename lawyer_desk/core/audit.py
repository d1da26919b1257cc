"""The audit trail: every change appends an entry to an HMAC-SHA256 chain.

Each entry's hash is the HMAC, under a key derived from the store's data key, of its own
fields and the previous entry's hash. Whoever lacks the key cannot forge or re-chain
entries; deleting, editing or reordering one breaks the chain at that sequence number.

Changes made through the ORM are recorded automatically (``install``); bulk paths that
bypass the ORM call ``append`` themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session, object_session
from sqlmodel import SQLModel

from lawyer_desk.core import models as m
from lawyer_desk.core.models import AuditEntry, utc_now

GENESIS = "0" * 64
SESSION_KEY = "audit_key"
_DELETED_KEY = "audit_deleted"  # rows the flush deleted, orphans included (see _record_delete)
_SKIP_FIELDS = {"id", "created_at", "updated_at", "uid"}
_MAX_VALUE = 200


@dataclass(frozen=True)
class Change:
    action: str
    entity: str
    entity_id: int | None
    client_id: int | None
    summary: str


def entry_hash(key: bytes, seq: int, at: datetime, change: Change, prev_hash: str) -> str:
    message = json.dumps(
        [seq, at.isoformat(), change.action, change.entity, change.entity_id, change.client_id,
         change.summary, prev_hash],
        ensure_ascii=False, separators=(",", ":"),
    ).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def head(session: Session) -> tuple[int, str]:
    query = select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    row = session.connection().execute(query).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def append(session: Session, changes: Iterable[Change], key: bytes | None = None) -> str:
    """Append entries in order; returns the new head hash."""
    key = key or session.info[SESSION_KEY]
    seq, prev = head(session)
    at = utc_now()
    rows = []
    for change in changes:
        seq += 1
        digest = entry_hash(key, seq, at, change, prev)
        rows.append({"seq": seq, "at": at, "action": change.action, "entity": change.entity,
                     "entity_id": change.entity_id, "client_id": change.client_id,
                     "summary": change.summary, "prev_hash": prev, "hash": digest})
        prev = digest
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)  # type: ignore[attr-defined]
    return prev


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head: str
    first_broken: int | None

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def verify(session: Session, key: bytes) -> ChainReport:
    """Walk the chain; name the first sequence number whose link does not hold."""
    prev, expected_seq, count = GENESIS, 1, 0
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars():
        change = Change(entry.action, entry.entity, entry.entity_id, entry.client_id, entry.summary)
        good = (entry.seq == expected_seq and entry.prev_hash == prev
                and hmac.compare_digest(entry_hash(key, entry.seq, entry.at, change, prev), entry.hash))
        if not good:
            return ChainReport(count, prev, entry.seq if entry.seq == expected_seq else expected_seq)
        prev, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    return ChainReport(count, prev, None)


def contains(session: Session, digest: str) -> bool:
    return session.execute(select(AuditEntry.seq).where(AuditEntry.hash == digest.lower())).first() is not None


# --- automatic recording of ORM changes --------------------------------------------------
def _show(value: Any) -> str:
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, datetime | date | time):
        value = value.isoformat()
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _MAX_VALUE else text[:_MAX_VALUE] + "…"


def _entity_name(obj: SQLModel) -> str:
    return type(obj).__tablename__  # type: ignore[attr-defined]


def _client_of(session: Session, obj: SQLModel) -> int | None:
    if isinstance(obj, m.Client):
        return obj.id
    if hasattr(obj, "client_id"):
        return obj.client_id  # type: ignore[no-any-return]
    alert_id = getattr(obj, "alert_id", None)
    if alert_id is not None:
        # An alert deleted in this same flush is gone from the table but still in the session.
        alert = session.identity_map.get(inspect(m.Alert).identity_key_from_primary_key((alert_id,)))
        if alert is not None:
            return alert.client_id  # type: ignore[attr-defined, no-any-return]
        return session.connection().execute(select(m.Alert.client_id).where(m.Alert.id == alert_id)).scalar()
    return None


def _describe_new(obj: SQLModel) -> str:
    fields = {k: v for k, v in obj.model_dump(warnings=False).items()
              if k not in _SKIP_FIELDS and v not in (None, [], "")}
    return "; ".join(f"{k}={_show(v)}" for k, v in fields.items())


def _describe_update(obj: SQLModel) -> str | None:
    state = inspect(obj)
    parts = []
    for attr in state.mapper.column_attrs:
        if attr.key in _SKIP_FIELDS:
            continue
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old != new:
                parts.append(f"{attr.key}: {_show(old)} → {_show(new)}")
    return "; ".join(parts) or None


def _record_delete(_mapper: Any, _connection: Any, obj: Any) -> None:
    # ``session.deleted`` lacks children removed from a relationship (delete-orphan): the
    # flush finds those itself, so every row it deletes is collected here.
    session = object_session(obj)
    if session is not None and SESSION_KEY in session.info:
        session.info.setdefault(_DELETED_KEY, []).append(obj)


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    session.info.pop(_DELETED_KEY, None)
    now = utc_now()
    for obj in session.dirty:
        if isinstance(obj, SQLModel) and hasattr(obj, "updated_at") and session.is_modified(obj):
            obj.updated_at = now  # type: ignore[attr-defined]


def _after_flush(session: Session, _ctx: Any) -> None:
    deleted = list(session.deleted)
    seen = {id(obj) for obj in deleted}
    deleted += [obj for obj in session.info.pop(_DELETED_KEY, []) if id(obj) not in seen]
    if SESSION_KEY not in session.info:
        return
    changes: list[Change] = []
    for obj in session.new:
        if isinstance(obj, m.CASE_TABLES):
            changes.append(Change("create", _entity_name(obj), obj.id, _client_of(session, obj), _describe_new(obj)))
    for obj in session.dirty:
        if isinstance(obj, m.CASE_TABLES) and (summary := _describe_update(obj)):
            changes.append(Change("update", _entity_name(obj), obj.id, _client_of(session, obj), summary))
    for obj in deleted:
        if isinstance(obj, m.CASE_TABLES):
            changes.append(Change("delete", _entity_name(obj), obj.id, _client_of(session, obj), _describe_new(obj)))
    if changes:
        append(session, changes)


def install(session_class: type[Session]) -> None:
    from sqlalchemy import event

    if not event.contains(session_class, "after_flush", _after_flush):
        event.listen(session_class, "before_flush", _before_flush)
        event.listen(session_class, "after_flush", _after_flush)
    for table in m.CASE_TABLES:
        if not event.contains(table, "after_delete", _record_delete):
            event.listen(table, "after_delete", _record_delete)
