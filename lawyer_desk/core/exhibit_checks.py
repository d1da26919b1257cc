"""Checking the evidence: every exhibit's file against its SHA-256, and the vault against the rows.

``verify`` decrypts and re-hashes each exhibit's file (or some of them) and reports it
intact, altered (naming the chunk that failed authentication) or missing; checking the
whole store also lists orphans — a vault file that no exhibit points at, an unfinished write
left by a crash, anything else found in the vault folder. Orphans are reported, never
deleted. ``presence`` is the quick form for opening a store: no decryption, only which
files are there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from lawyer_desk.core import models as m
from lawyer_desk.core.exhibits import record_verification
from lawyer_desk.core.models import utc_now
from lawyer_desk.core.vault import Cancel, Cancelled, Progress, Vault
from lawyer_desk.core.vocab import VerifiedState


@dataclass(frozen=True)
class ExhibitCheck:
    exhibit_id: int
    client_id: int
    number: str
    state: VerifiedState
    detail: str = ""  # e.g. "altered: chunk 3 of 5 failed authentication"
    chunk: int | None = None  # the failing chunk, counted from 1

    @property
    def ok(self) -> bool:
        return self.state is VerifiedState.intact


@dataclass(frozen=True)
class Orphan:
    """A file in the vault folder that no exhibit accounts for."""

    name: str
    kind: str  # "no exhibit" | "unfinished write" | "not a vault object"

    @property
    def detail(self) -> str:
        return {"no exhibit": "a vault object that no exhibit points at",
                "unfinished write": "an unfinished write (left by an interruption)",
                }.get(self.kind, "a file that does not belong in the vault folder")


@dataclass(frozen=True)
class VaultReport:
    checks: list[ExhibitCheck] = field(default_factory=list)
    orphans: list[Orphan] = field(default_factory=list)
    complete: bool = True  # False when the check was stopped before the end

    @property
    def ok(self) -> bool:
        return self.complete and not self.orphans and all(c.ok for c in self.checks)

    def count(self, state: VerifiedState) -> int:
        return sum(1 for c in self.checks if c.state is state)

    @property
    def problems(self) -> list[ExhibitCheck]:
        return [c for c in self.checks if not c.ok]


def _exhibits(store: Any, exhibit_ids: Iterable[int] | None, client_id: int | None) -> list[Any]:
    query = select(m.Exhibit.id, m.Exhibit.client_id, m.Exhibit.number, m.Exhibit.object_name, m.Exhibit.sha256,
                   m.Exhibit.size).order_by(m.Exhibit.client_id, m.Exhibit.id)
    if exhibit_ids is not None:
        query = query.where(m.Exhibit.id.in_(list(exhibit_ids)))  # type: ignore[union-attr]
    if client_id is not None:
        query = query.where(m.Exhibit.client_id == client_id)
    with store.session() as session:
        return list(session.execute(query).all())


def _all_object_names(store: Any) -> set[str]:
    with store.session() as session:
        return set(session.execute(select(m.Exhibit.object_name)).scalars())


def orphans(store: Any) -> list[Orphan]:
    """Files of the vault folder without an exhibit, unfinished writes and strays (no decryption)."""
    listing = Vault.of(store).scan()
    known = _all_object_names(store)
    found = [Orphan(name, "no exhibit") for name in sorted(listing.objects - known)]
    found += [Orphan(name, "unfinished write") for name in listing.partial]
    found += [Orphan(name, "not a vault object") for name in listing.strays]
    return found


def presence(store: Any) -> VaultReport:
    """Quick: which exhibits' files are missing, and the orphans. Nothing is decrypted or recorded."""
    vault = Vault.of(store)
    listing = vault.scan()
    checks = [ExhibitCheck(r.id, r.client_id, r.number, VerifiedState.missing, "missing: the vault object is not there")
              for r in _exhibits(store, None, None) if r.object_name not in listing.objects]
    return VaultReport(checks, orphans(store))


def verify(store: Any, exhibit_ids: Iterable[int] | None = None, *, client_id: int | None = None,
           record: bool | None = None, progress: Progress | None = None, cancel: Cancel | None = None) -> VaultReport:
    """Decrypt and re-hash the exhibits' files; with neither ids nor a case, the whole vault and its orphans.

    ``record`` (default: when the store is writable) stores each outcome on the exhibit
    (``verified_at``, ``verified_state``) and adds "verified" to its custody history.
    Cancelling returns what was checked so far, marked incomplete.
    """
    vault = Vault.of(store)
    record = store.writable if record is None else record
    targets = _exhibits(store, exhibit_ids, client_id)
    total = sum(r.size for r in targets)
    done = 0
    checks: list[ExhibitCheck] = []

    def step(n: int, _size: int) -> None:
        if progress is not None:
            progress(done + n, total)

    for target in targets:
        if cancel is not None and cancel():
            return VaultReport(checks, [], complete=False)
        try:
            result = vault.check(target.object_name, sha256=target.sha256, size=target.size, progress=step,
                                 cancel=cancel)
        except Cancelled:
            return VaultReport(checks, [], complete=False)
        check = ExhibitCheck(target.id, target.client_id, target.number, result.state, result.detail, result.chunk)
        checks.append(check)
        done += target.size
        if record:
            with store.session() as session:
                record_verification(session, target.id, target.client_id, check.state, check.detail, utc_now())
    whole = exhibit_ids is None and client_id is None
    return VaultReport(checks, orphans(store) if whole else [])
