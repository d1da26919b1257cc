"""Making a backup, and unpacking one: nothing counts until it has been opened and checked.

The file format is in ``backup_file``. Writing: the database is copied with the SQLite
backup API (one consistent snapshot of the live database, never a file copy), the copy is
opened with the key and checked like a store (SQLCipher page HMACs, ``integrity_check``, the
audit chain) before it is packed; the evidence objects are copied after that snapshot, so
every exhibit in it finds its file (the vault writes a file before the row that points at
it). The file is written under a temporary name and synced, read back whole with every
member's SHA-256 compared with the manifest, a sample of evidence objects is taken back out
of it and decrypted against the SHA-256 its exhibit records, and only then is it renamed to
its final name: a backup under its final name is always complete and checked.

Unpacking (``unpack``; ``recovery`` restores with it, ``check_backup`` only looks) writes a
complete store into a staging folder and checks it there the same way, plus the sealed
counts (cases, audit entries and head, evidence objects).

Damaged evidence does not stop a backup or a restore of everything else: the exhibit's file
is carried as it is, byte for byte, and named in ``warnings``.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from lawyer_desk import __version__
from lawyer_desk.core import models as m
from lawyer_desk.core.errors import DamagedDatabase, DamagedHeader, StoreError, WrongPassphrase
from lawyer_desk.core.store import database, migrate
from lawyer_desk.core.store.backup_file import (
    CHUNK,
    DATABASE,
    FORMAT,
    HEADER,
    SUFFIX,
    VAULT,
    VERSION,
    BackupInfo,
    DamagedBackup,
    Meter,
    Summary,
    check_members,
    damaged,
    pack,
    read_info,
    read_small,
    read_structure,
    read_summary,
    unseal,
    vault_files,
)
from lawyer_desk.core.store.fileio import fsync_dir
from lawyer_desk.core.store.keyheader import KeyHeader, subkey
from lawyer_desk.core.store.progress import SILENT, Progress
from lawyer_desk.core.store.store import Store

__all__ = ["CHUNK", "SUFFIX", "BackupInfo", "DamagedBackup", "Summary", "read_info", "read_summary", "vault_files"]

SAMPLE_OBJECTS = 16  # evidence files decrypted and re-hashed per backup written or unpacked...
SAMPLE_BYTES = 256 * 1024 * 1024  # ...up to this much plaintext (every member is SHA-256 checked anyway)


@dataclass(frozen=True)
class Written:
    info: BackupInfo
    summary: Summary
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Unpacked:
    header: KeyHeader
    data_key: bytes
    summary: Summary
    info: BackupInfo
    warnings: list[str] = field(default_factory=list)


# --- writing -----------------------------------------------------------------------------
def write_backup(store: Store, out: Path, *, created: datetime | None = None,
                 progress: Progress = SILENT) -> Written:
    """Write a checked backup of the open ``store`` to ``out`` (which must not exist).

    Raises ``StoreError`` (nothing left behind) when the store fails its checks, when the
    file cannot be written (disk full, read-only folder) or when ``progress.check`` stops it.
    """
    if store.engine is None:
        raise StoreError("The store is closed.")
    out = Path(out).absolute()
    if out.exists():
        raise StoreError(f"{out} already exists; a backup never replaces a file.")
    if not out.parent.is_dir():
        raise StoreError(f"The folder {out.parent} does not exist; no backup was made.")
    created = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    _sweep_leftovers(out)
    work = _make_temp_dir(out.parent, f".{out.name}.", ".work")
    temp: Path | None = None
    try:
        progress.report(0, 0, "Copying the database")
        database_copy = work / DATABASE
        try:
            store.copy_database(database_copy)
        except OSError as exc:
            raise _cannot_write(out, exc) from None
        except database.DatabaseError as exc:
            if database.refused_by_disk(exc):
                raise StoreError(f"The backup cannot be written to {out.parent} ({exc}); "
                                 "no backup file was left behind.") from None
            raise DamagedDatabase(f"The database cannot be copied ({exc}); no backup was made. "
                                  "Run 'lawyer-desk verify'.") from None
        progress.check()
        with store.open_copy(work, write=False) as copy:
            problems = copy.integrity_problems()
            if problems:
                raise DamagedDatabase(f"The database fails its integrity check ({problems[0]}); no backup was "
                                      "made. Run 'lawyer-desk verify' and restore the store from a backup.")
            counts = _summary(copy)
            exhibits = _exhibit_rows(copy)
        # Listed after the snapshot: the vault writes a file before the row that points at it.
        objects = list(vault_files(store.paths.vault))
        summary = Summary(counts.schema, counts.cases, counts.audit_entries, counts.audit_head, len(objects),
                          sum(size for _, _, size in objects))
        total = 2 * (database_copy.stat().st_size + summary.vault_bytes)
        meter = Meter(progress, total)
        info = {"format": FORMAT, "version": VERSION, "created": created.isoformat(),
                "store_id": store.header.store_id, "program": __version__}
        try:
            fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
            temp = Path(name)
            with os.fdopen(fd, "wb") as raw:
                manifest = pack(raw, info, store.header.to_bytes(), database_copy, objects, meter, summary,
                                store.key_for("backup"))
                raw.flush()
                os.fsync(raw.fileno())
            meter.label = "Checking the backup"
            packed = {name.removeprefix(f"{VAULT}/") for name, _, _ in objects}
            sample = _sample([row for row in exhibits if row.object_name in packed])
            with open(temp, "rb") as f:
                structure = read_structure(f, temp)
                check_members(structure, manifest, meter)
                check_members(structure, manifest, Meter(SILENT, 0), into=work,
                              only=frozenset(f"{VAULT}/{row.object_name}" for row in sample))
            warnings = [f"exhibit {row.number} of case {row.client_id}: its file is missing from the vault "
                        "(it is not in the backup either)" for row in exhibits if row.object_name not in packed]
            with store.open_copy(work, write=False) as copy:
                warnings += _sample_problems(copy, sample)
            shutil.rmtree(work)  # before the rename: a backup under its final name leaves nothing beside it
            os.replace(temp, out)
        except OSError as exc:
            raise _cannot_write(out, exc) from None
        temp = None
        fsync_dir(out.parent)
        progress.report(total, total, "Backup written")
        return Written(BackupInfo(out, created, store.header.store_id, out.stat().st_size), summary, warnings)
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)


def _sweep_leftovers(out: Path) -> None:
    """Remove what a killed backup to the same name left behind (its temporary file and folder)."""
    with contextlib.suppress(OSError):
        for path in out.parent.glob(f".{glob_escape(out.name)}.*"):
            if path.name.endswith(".tmp") and path.is_file():
                path.unlink(missing_ok=True)
            elif path.name.endswith(".work") and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)


def _cannot_write(out: Path, exc: OSError) -> StoreError:
    reason = (exc.strerror or type(exc).__name__).lower()
    return StoreError(f"The backup cannot be written to {out.parent} ({reason}); no backup file was left behind.")


def _make_temp_dir(folder: Path, prefix: str, suffix: str) -> Path:
    try:
        return Path(tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=folder))
    except OSError as exc:
        raise StoreError(f"Cannot write in {folder} ({(exc.strerror or '').lower()}); "
                         "no backup was made.") from None


def _summary(store: Store) -> Summary:
    """Cases, audit entries and head, schema revision; ``DamagedDatabase`` if the chain is broken."""
    chain = store.audit_report()
    if not chain.intact:
        raise DamagedDatabase(f"The audit chain is broken at entry {chain.first_broken}; no backup was made. "
                              "Run 'lawyer-desk verify'.")
    with store.session() as session:
        cases = session.execute(select(func.count()).select_from(m.Client)).scalar_one()
        schema = migrate.current_revision(session.connection())
    return Summary(schema, cases, chain.entries, chain.head, 0, 0)


# --- evidence ----------------------------------------------------------------------------
def _exhibit_rows(store: Store) -> list[Any]:
    query = select(m.Exhibit.id, m.Exhibit.number, m.Exhibit.client_id, m.Exhibit.object_name, m.Exhibit.size)
    with store.session() as session:
        return list(session.execute(query.order_by(m.Exhibit.id)).all())


def _sample(rows: list[Any]) -> list[Any]:
    chosen, size = [], 0
    for row in random.sample(rows, len(rows)):
        if len(chosen) >= SAMPLE_OBJECTS:
            break
        if size + row.size <= SAMPLE_BYTES:
            chosen.append(row)
            size += row.size
    return chosen


def _sample_problems(store: Store, sample: list[Any]) -> list[str]:
    """Decrypt the sampled evidence files of ``store`` and compare them with their recorded SHA-256."""
    if not sample:
        return []
    from lawyer_desk.core import exhibit_checks

    report = exhibit_checks.verify(store, [row.id for row in sample], record=False)
    return [f"exhibit {check.number} of case {check.client_id}: {check.detail}" for check in report.problems]


# --- unpacking ---------------------------------------------------------------------------
def unpack(path: Path, staging: Path, passphrase: str, *, progress: Progress = SILENT) -> Unpacked:
    """Unpack the backup into the empty folder ``staging`` and check everything there.

    Afterwards ``staging`` is a closed, complete store (key header and spare, database,
    vault) that opened with the backup's key and passed every check: SHA-256 of each member
    against the sealed manifest, SQLCipher page HMACs, ``integrity_check``, the search index,
    the audit chain with the sealed entry count and head, the number of cases and of
    evidence objects, and a sample of evidence files decrypted against their SHA-256 (a
    failure there is a warning). Raises ``WrongPassphrase``, ``DamagedBackup`` or
    ``StoreError``; the caller removes ``staging`` on failure.
    """
    path = Path(path)
    try:
        f = open(path, "rb")  # noqa: SIM115 (closed in the finally below)
    except OSError as exc:
        raise StoreError(f"Cannot read the backup {path}: {(exc.strerror or '').lower()}.") from None
    try:
        structure = read_structure(f, path)
        try:
            header = KeyHeader.from_bytes(read_small(structure.tar, structure.members[HEADER]), "backup keyheader")
        except (DamagedHeader, ValueError, tarfile.TarError, EOFError):
            raise damaged(path, "its key header is damaged") from None
        if header.store_id != structure.info.get("store_id"):
            raise damaged(path, "its key header belongs to another store")
        progress.report(0, 0, "Opening the backup")
        try:
            data_key = header.unwrap(passphrase)
        except WrongPassphrase:
            raise WrongPassphrase(f"The passphrase does not open the backup {path.name} (a backup opens with "
                                  "the passphrase the store had when the backup was made).") from None
        summary = unseal(structure.manifest, subkey(data_key, "backup"), path)
        total = sum(int(entry["size"]) for entry in structure.manifest["files"])
        meter = Meter(progress, total)
        meter.label = "Unpacking and checking"
        try:
            check_members(structure, structure.manifest, meter, into=staging)
            for name in (HEADER, "keyheader.spare"):
                _write_synced(staging / name, header.to_bytes())
        except OSError as exc:
            raise StoreError(f"Cannot write the restored files in {staging.parent} "
                             f"({(exc.strerror or '').lower()}); nothing was restored.") from None
        info = BackupInfo(path, datetime.fromisoformat(structure.info["created"]).astimezone(UTC),
                          header.store_id, path.stat().st_size)
    finally:
        f.close()
    progress.report(total, total, "Checking the restored store")
    warnings = _check_unpacked(path, staging, header, data_key, summary)
    return Unpacked(header, data_key, summary, info, warnings)


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _check_unpacked(source: Path, staging: Path, header: KeyHeader, data_key: bytes, summary: Summary) -> list[str]:
    try:
        store = Store.open_with_key(staging, header, data_key, write=True)
    except DamagedDatabase as exc:
        raise damaged(source, f"its database does not open ({exc})") from None
    try:
        problems = store.integrity_problems()
        if problems:
            raise damaged(source, f"its database fails the integrity check ({problems[0]})")
        try:
            found = _summary(store)
        except DamagedDatabase as exc:
            raise damaged(source, str(exc).split(";")[0]) from None
        objects = list(vault_files(staging / VAULT))
        found = Summary(found.schema, found.cases, found.audit_entries, found.audit_head, len(objects),
                        sum(size for _, _, size in objects))
        for name in ("cases", "audit_entries", "audit_head", "vault_objects", "vault_bytes"):
            if getattr(found, name) != getattr(summary, name):
                raise damaged(source, f"it holds {getattr(found, name)} for {name.replace('_', ' ')} where its "
                                      f"manifest says {getattr(summary, name)}")
        exhibits = _exhibit_rows(store)
        present = {path.name for _, path, _ in objects}
        warnings = [f"exhibit {row.number} of case {row.client_id}: its file is not in the backup"
                    for row in exhibits if row.object_name not in present]
        return warnings + _sample_problems(store, _sample([row for row in exhibits if row.object_name in present]))
    finally:
        store.close()


def check_backup(path: Path, passphrase: str, *, progress: Progress = SILENT,
                 work_dir: Path | None = None) -> Unpacked:
    """Check a backup completely, as a restore would, and keep nothing.

    The unpacked copy (encrypted, as in the store) goes to a folder beside the backup, or in
    ``work_dir``, or the system's temporary folder when neither can be written.
    """
    path = Path(path)
    candidates = [work_dir] if work_dir is not None else [path.parent, Path(tempfile.gettempdir())]
    work: Path | None = None
    for folder in candidates:
        with contextlib.suppress(OSError):
            work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".checking", dir=folder))
            break
    if work is None:
        raise StoreError("No folder can be written to check the backup in.")
    try:
        return unpack(path, work, passphrase, progress=progress)
    finally:
        shutil.rmtree(work, ignore_errors=True)
