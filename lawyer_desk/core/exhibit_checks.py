"""Checking the evidence: every exhibit's file against its SHA-256, and the vault against the rows.

``verify`` decrypts and re-hashes each exhibit's file (or some of them) and reports it
intact, altered (naming the chunk that failed authentication) or missing; checking the
whole store also lists orphans — a vault file that no exhibit points at, an unfinished write
left by a crash, anything else found in the vault folder. Orphans are reported, never
deleted behind the lawyer's back: ``remove_orphans`` removes them only when asked (the GUI's
"Remove Orphan Files…", ``verify --remove-orphans``). ``remove_unreferenced`` removes the
files of exhibits whose deletion can no longer be undone. ``presence`` is the quick form for
opening a store: no decryption, only which files are there.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from lawyer_desk.core import audit
from lawyer_desk.core import models as m
from lawyer_desk.core.exhibits import record_verification
from lawyer_desk.core.models import utc_now
from lawyer_desk.core.store.fileio import fsync_dir
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


# --- removing files no exhibit needs -------------------------------------------------------------
REMOVABLE = ("no exhibit", "unfinished write")  # never "not a vault object": it is not ours to delete
NAMES_IN_AUDIT = 50


def _listed(names: list[str]) -> str:
    more = len(names) - NAMES_IN_AUDIT
    return ", ".join(names[:NAMES_IN_AUDIT]) + (f" and {more} more" if more > 0 else "")


def _unreferenced(session: Any, names: set[str]) -> set[str]:
    held = set(session.execute(select(m.Exhibit.object_name).where(
        m.Exhibit.object_name.in_(sorted(names)))).scalars())  # type: ignore[attr-defined]
    return names - held


def remove_unreferenced(store: Any, names: Iterable[str]) -> list[str]:
    """Remove those of these vault objects that no exhibit points at; returns the names removed.

    For the files of deleted exhibits, once their deletion can no longer be undone. Objects an
    exhibit points at, names that are not vault objects and every other file are left alone.
    One audit entry when anything was removed.
    """
    with store.session() as session:
        wanted = set(names)
        vault = Vault.of(store)
        removed = []
        for name in sorted(_unreferenced(session, wanted) if wanted else ()):
            try:
                present = vault.exists(name)
            except ValueError:  # not a vault object's name
                continue
            if present:
                vault.remove(name)
                removed.append(name)
        if removed:
            audit.append(session, [audit.Change(
                "removed_files", "vault", None, None,
                f"removed the encrypted files of {len(removed)} deleted exhibits: {_listed(removed)}")])
    return removed


def remove_orphans(store: Any, keep: Iterable[str] = (), only: Iterable[str] | None = None) -> list[Orphan]:
    """Remove the vault files that no exhibit points at and the unfinished writes; returns them.

    The lawyer's explicit clean-up after ``verify`` reported orphans; ``only`` limits it to the
    ones the lawyer was shown. Files that do not belong in the vault folder are left alone
    (reported only), and so are the objects named in ``keep`` (those an undo may still need).
    Each object is looked up again just before it goes. One audit entry when anything was removed.
    """
    kept, shown = set(keep), None if only is None else set(only)
    found = [o for o in orphans(store)
             if o.kind in REMOVABLE and o.name not in kept and (shown is None or o.name in shown)]
    if not found:
        return []
    with store.session() as session:
        vault = Vault.of(store)
        free = _unreferenced(session, {o.name for o in found if o.kind == "no exhibit"})
        removed = [o for o in found if o.kind == "unfinished write" or o.name in free]
        for orphan in removed:
            (vault.folder / orphan.name).unlink(missing_ok=True)
        if removed:
            with contextlib.suppress(OSError):
                fsync_dir(vault.folder)
            audit.append(session, [audit.Change(
                "removed_files", "vault", None, None,
                f"removed {len(removed)} orphan files on request: {_listed([o.name for o in removed])}")])
    return removed
