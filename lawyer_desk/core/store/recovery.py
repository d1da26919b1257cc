"""Bringing a store back from a backup: into a new folder, or in place of a damaged store.

``restore(backup, target, passphrase)`` — ``target`` must be new or an empty folder (a
restore never replaces a store). The backup is unpacked and checked in a hidden folder
beside ``target`` (``.<target>.restoring-…``), which is then renamed to ``target`` in one
step: a crash leaves either no store at ``target`` or the whole restored one. The next
restore to the same target removes what a killed one left.

``recover(root, passphrase)`` — for a store that no longer opens or fails its checks (the
desk offers it; the command line's ``restore --latest``). Under the store's writer lock:

1. the backups are tried newest first (``list_backups``: ``backups/``, then the second
   folder, this store's only); each is unpacked into ``.restore-<time>/`` inside the store
   folder and checked completely; a bad one is skipped, with its reason reported;
2. the good one is marked checked (``restoring.json`` in that folder);
3. the damaged files are moved byte for byte — renamed, never copied, never deleted — into
   ``quarantine/<UTC time>/`` and the restored ones moved into their place: first the
   damaged database's journal (``case.db-wal``, ``-shm``), then ``vault/``, ``case.db``,
   ``keyheader.spare``, ``keyheader``.

Every step of 3 is a rename that is skipped once done, so a recovery cut short by a crash is
finished by the next ``recover`` (it looks for a marked folder first).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import DatabaseError as SADatabaseError

from lawyer_desk.core.errors import (
    DamagedDatabase,
    DamagedHeader,
    NoStore,
    NotFound,
    StoreError,
    StoreExists,
    WrongPassphrase,
)
from lawyer_desk.core.paths import StorePaths
from lawyer_desk.core.store.autobackup import BackupSettings
from lawyer_desk.core.store.backup import SUFFIX, BackupInfo, DamagedBackup, Summary, read_info, unpack
from lawyer_desk.core.store.fileio import fsync_dir, write_atomic
from lawyer_desk.core.store.keyheader import read_headers
from lawyer_desk.core.store.lock import WriterLock
from lawyer_desk.core.store.progress import SILENT, Progress
from lawyer_desk.core.store.store import Store

QUARANTINE = "quarantine"
MARKER = "restoring.json"
STAGING_PREFIX = ".restore-"
# Moved in this order; the damaged database's journal goes before any restored database.
JOURNAL = ("case.db-wal", "case.db-shm", "case.db-journal")
RESTORED = ("vault", "case.db", "keyheader.spare", "keyheader")
STORE_FILES = ("keyheader", "keyheader.spare", "case.db", *JOURNAL, "vault")


@dataclass(frozen=True)
class Listing:
    """A backup file found for a store; ``info`` None (and ``problem`` set) when unreadable."""

    path: Path
    info: BackupInfo | None
    problem: str | None = None


@dataclass(frozen=True)
class Health:
    ok: bool
    problems: list[str]
    store_id: str | None


@dataclass(frozen=True)
class Restored:
    root: Path
    backup: Path
    summary: Summary | None
    quarantine: Path | None = None
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    resumed: bool = False
    warnings: list[str] = field(default_factory=list)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _holds_store(folder: Path) -> bool:
    return any((folder / name).exists() for name in STORE_FILES)


# --- a new folder ------------------------------------------------------------------------
def restore(backup: Path, target: Path, passphrase: str, *, progress: Progress = SILENT) -> Restored:
    """Restore ``backup`` into ``target`` (new or empty); see the module's description."""
    target = Path(target).absolute()
    if target.exists():
        if not target.is_dir():
            raise StoreError(f"{target} is a file; restore into a new or empty folder.")
        if _holds_store(target):
            raise StoreExists(f"{target} already holds a store; a restore never replaces one. "
                              "Restore into a new folder (or use 'restore --latest' for a damaged store).")
        if any(target.iterdir()):
            raise StoreError(f"{target} is not empty; restore into a new or empty folder.")
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for stale in parent.glob(f".{target.name}.restoring-*"):
            shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.restoring-", dir=parent))
    except OSError as exc:
        raise StoreError(f"Cannot write in {parent} ({(exc.strerror or '').lower()}); nothing was restored.") from None
    try:
        unpacked = unpack(backup, staging, passphrase, progress=progress)
        _sync_tree(staging)
        if os.name == "nt" and target.exists():
            target.rmdir()  # Windows cannot rename over an empty folder
        os.rename(staging, target)
        fsync_dir(parent)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise StoreError(f"The restore could not be finished ({(exc.strerror or '').lower()}); "
                         f"nothing was restored in {target}.") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Restored(target, Path(backup), unpacked.summary, warnings=unpacked.warnings)


def _sync_tree(folder: Path) -> None:
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        fsync_dir(path)


# --- finding backups ---------------------------------------------------------------------
def list_backups(root: Path, *, store_id: str | None = None) -> list[Listing]:
    """Backups of the store in ``root``: readable ones newest first, then unreadable ones.

    Looks in ``root/backups`` (every file there) and in the second folder of the backup
    settings (only this store's). ``store_id`` defaults to the id in the store's key header
    or, when that is unreadable, the ids of the backups in ``root/backups``.
    """
    root = Path(root)
    settings = BackupSettings.load(root)
    own = _backup_files(StorePaths(root).backups)
    ids = {store_id} if store_id else _store_ids(root, own)
    found: list[Listing] = []
    for path in [*own, *(_backup_files(settings.second_folder) if settings.second_folder else [])]:
        if any(path.resolve() == other.path.resolve() for other in found):
            continue
        try:
            info = read_info(path)
        except DamagedBackup as exc:
            if path in own:
                found.append(Listing(path, None, str(exc)))
            continue
        if not ids or info.store_id in ids:
            found.append(Listing(path, info))
    readable = sorted((f for f in found if f.info), key=lambda f: f.info.created, reverse=True)  # type: ignore[union-attr]
    return readable + [f for f in found if f.info is None]


def _backup_files(folder: Path | None) -> list[Path]:
    if folder is None:
        return []
    with contextlib.suppress(OSError):
        return sorted(p for p in Path(folder).iterdir() if p.name.endswith(SUFFIX) and not p.name.startswith(".")
                      and p.is_file())
    return []


def _store_ids(root: Path, own: list[Path]) -> set[str]:
    paths = StorePaths(root)
    with contextlib.suppress(StoreError):
        return {read_headers(paths.keyheader, paths.keyheader_spare)[0].store_id}
    ids: set[str] = set()
    for path in own:
        with contextlib.suppress(DamagedBackup):
            ids.add(read_info(path).store_id)
    return ids


# --- a damaged store ---------------------------------------------------------------------
def diagnose(root: Path, passphrase: str) -> Health:
    """Whether the store in ``root`` opens and passes its checks (read-only; changes nothing).

    The checks: SQLCipher page HMACs, ``integrity_check``, the audit chain, and that every
    exhibit's file is in the vault (present, not decrypted: ``verify`` does that).
    Damage (``DamagedHeader``, ``DamagedDatabase``, no store at all, failed checks) is
    reported in ``problems``; a wrong passphrase, a store made by a newer version and other
    refusals are raised, since restoring a backup would not be the answer to them.
    """
    root = Path(root)
    store_id = None
    with contextlib.suppress(StoreError):
        store_id = read_headers(StorePaths(root).keyheader, StorePaths(root).keyheader_spare)[0].store_id
    try:
        store = Store.open(root, passphrase, write=False)
    except (NoStore, DamagedHeader, DamagedDatabase) as exc:
        return Health(False, [str(exc)], store_id)
    try:
        problems = store.integrity_problems()
        if not problems:
            try:
                chain = store.audit_report()
                if not chain.intact:
                    problems.append(f"audit chain broken at entry {chain.first_broken}")
            except SADatabaseError as exc:
                problems.append(f"audit chain: {exc.orig}")
        if not problems:
            from lawyer_desk.core import exhibit_checks

            problems += [f"exhibit {check.number} of case {check.client_id}: {check.detail}"
                         for check in exhibit_checks.presence(store).checks]
    finally:
        store.close()
    return Health(not problems, problems, store_id)


def recover(root: Path, passphrase: str, *, backup: Path | None = None, force: bool = False,
            progress: Progress = SILENT) -> Restored:
    """Replace the damaged store in ``root`` by its newest good backup (or ``backup``).

    Refuses a store that opens and passes its checks unless ``force``. Raises
    ``StoreLocked`` while the store is open elsewhere, ``NotFound`` when there is no backup,
    ``WrongPassphrase`` when the passphrase opens none of them, ``DamagedBackup`` when every
    one is bad (each reason in the message).
    """
    root = Path(root).absolute()
    if not root.is_dir():
        raise NoStore(f"There is no store folder {root}.")
    lock = WriterLock(StorePaths(root).lock)
    lock.acquire()
    try:
        pending = _pending(root)
        if pending is not None:
            source = Path(json.loads((pending / MARKER).read_text(encoding="utf-8"))["backup"])
            return Restored(root, source, None, _finish(root, pending), resumed=True)
        for stale in root.glob(f"{STAGING_PREFIX}*"):
            shutil.rmtree(stale, ignore_errors=True)  # a recovery killed while checking its backup
        try:
            health = diagnose(root, passphrase)
        except WrongPassphrase:
            if not force:
                raise WrongPassphrase("The passphrase does not open this store; nothing was restored.") from None
            health = Health(False, ["the passphrase does not open the store"], None)
        if health.ok and not force:
            raise StoreError("The store opens and passes its checks; nothing was restored "
                             "(to go back to a backup anyway, use --force).")
        listings = [Listing(Path(backup), None)] if backup else list_backups(root, store_id=health.store_id)
        if not listings:
            raise NotFound(f"No backup of this store was found in {StorePaths(root).backups} "
                           "or the second backup folder; nothing was restored.")
        staging, chosen, skipped = _first_good(root, listings, passphrase, progress)
        marker = {"backup": str(chosen.path), "quarantine": f"{QUARANTINE}/{_stamp()}"}
        write_atomic(staging / MARKER, json.dumps(marker).encode("utf-8"))
        quarantine = _finish(root, staging)
        return Restored(root, chosen.path, chosen.summary, quarantine, skipped, warnings=chosen.warnings)
    finally:
        lock.release()


@dataclass(frozen=True)
class _Chosen:
    path: Path
    summary: Summary
    warnings: list[str]


def _first_good(root: Path, listings: list[Listing], passphrase: str,
                progress: Progress) -> tuple[Path, _Chosen, list[tuple[Path, str]]]:
    skipped: list[tuple[Path, str]] = []
    wrong = 0
    for listing in listings:
        if listing.problem:
            skipped.append((listing.path, listing.problem))
            continue
        staging = root / f"{STAGING_PREFIX}{_stamp()}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            staging.mkdir(mode=0o700)
            unpacked = unpack(listing.path, staging, passphrase, progress=progress)
            _sync_tree(staging)
            return staging, _Chosen(listing.path, unpacked.summary, unpacked.warnings), skipped
        except (StoreError, OSError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            wrong += isinstance(exc, WrongPassphrase)
            reason = str(exc) if isinstance(exc, StoreError) else (exc.strerror or type(exc).__name__)
            skipped.append((listing.path, reason))
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    reasons = "; ".join(f"{path.name}: {reason}" for path, reason in skipped)
    if wrong and wrong == len(skipped):
        raise WrongPassphrase(f"The passphrase opens none of the backups; nothing was restored ({reasons}).")
    raise DamagedBackup(f"No good backup was found; nothing was restored ({reasons}).")


def _pending(root: Path) -> Path | None:
    for staging in sorted(root.glob(f"{STAGING_PREFIX}*")):
        if (staging / MARKER).is_file():
            return staging
    return None


def _finish(root: Path, staging: Path) -> Path | None:
    """Quarantine the damaged files and move the restored ones in; each step skipped once done."""
    quarantine = root / json.loads((staging / MARKER).read_text(encoding="utf-8"))["quarantine"]
    if (staging / "case.db").exists():
        for name in JOURNAL:
            _quarantine(root / name, quarantine)
    for name in RESTORED:
        if (staging / name).exists():
            _quarantine(root / name, quarantine)
            os.rename(staging / name, root / name)
            fsync_dir(root)
    shutil.rmtree(staging)
    fsync_dir(root)
    if quarantine.is_dir() and not any(quarantine.iterdir()):
        quarantine.rmdir()
    return quarantine if quarantine.is_dir() else None


def _quarantine(path: Path, folder: Path) -> None:
    if not (path.exists() or path.is_symlink()):
        return
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    n = 2
    while target.exists() or target.is_symlink():
        target = folder / f"{path.name}.{n}"
        n += 1
    os.rename(path, target)
    fsync_dir(folder)
