"""Automatic backups: at most one a day, rotated, in ``backups/`` and optionally a second folder.

The desk calls ``backup_if_due(store, now)`` when it closes and now and then while it runs;
the command line's ``backup`` (without ``--out``) calls ``backup_now``. A backup is due when
none was made on ``now``'s calendar day, unless nothing changed since the newest one (same
audit head, same evidence) and that one is less than a week old.

Automatic backups are named ``<first 12 characters of the store id>-<UTC time>.ldbackup``,
so one second folder (a USB stick) can take the backups of several stores, and rotation only
ever touches the files of its own store: per folder it keeps the newest backup of each of
the 7 most recent days that have one, then the newest of each of 4 more weeks (the rule of
``borg prune --keep-daily 7 --keep-weekly 4``). Backups written with ``--out`` are never
rotated.

The settings live in ``backup-settings.json`` in the store folder (plain JSON: it names a
folder and two counts, never a client)::

    {"second_folder": "/media/usb/lawyer-desk", "keep_daily": 7, "keep_weekly": 4}

A missing or unreadable file means the defaults (no second folder, 7 and 4). The copy in
the second folder is written through a temporary file, read back and compared byte for byte
by SHA-256 before it gets its name; if the folder is missing or cannot be written (the stick
is not plugged in), the backup in ``backups/`` stands and a warning says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lawyer_desk.core import audit
from lawyer_desk.core.errors import StoreError
from lawyer_desk.core.store.backup import (
    CHUNK,
    SUFFIX,
    BackupInfo,
    DamagedBackup,
    Summary,
    read_summary,
    vault_files,
    write_backup,
)
from lawyer_desk.core.store.fileio import fsync_dir, write_atomic
from lawyer_desk.core.store.progress import SILENT, Progress
from lawyer_desk.core.store.store import Store

SETTINGS_FILE = "backup-settings.json"
UNCHANGED_MAX_AGE = timedelta(days=7)
_AUTOMATIC = re.compile(r"^(?P<id>[0-9a-f]{12})-(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?" + re.escape(SUFFIX) + "$")


@dataclass(frozen=True)
class BackupSettings:
    second_folder: Path | None = None
    keep_daily: int = 7
    keep_weekly: int = 4

    @classmethod
    def load(cls, root: Path) -> BackupSettings:
        """The settings of the store in ``root``; never fails (defaults for anything unreadable)."""
        try:
            data = json.loads((Path(root) / SETTINGS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        default = cls()
        folder = data.get("second_folder")

        def count(key: str, fallback: int) -> int:
            value = data.get(key)
            return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 1000 else fallback

        return cls(Path(folder) if isinstance(folder, str) and folder.strip() else None,
                   count("keep_daily", default.keep_daily), count("keep_weekly", default.keep_weekly))

    def save(self, root: Path) -> None:
        data = {"second_folder": None if self.second_folder is None else str(self.second_folder),
                "keep_daily": self.keep_daily, "keep_weekly": self.keep_weekly}
        try:
            write_atomic(Path(root) / SETTINGS_FILE, (json.dumps(data, indent=2) + "\n").encode("utf-8"))
        except OSError as exc:
            raise StoreError(f"The backup settings cannot be saved ({(exc.strerror or '').lower()}).") from None


@dataclass(frozen=True)
class AutomaticBackup:
    info: BackupInfo
    summary: Summary
    second_copy: Path | None = None
    removed: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def automatic_name(store_id: str, created: datetime) -> str:
    return f"{store_id[:12]}-{created.astimezone(UTC):%Y%m%dT%H%M%SZ}{SUFFIX}"


def automatic_backups(folder: Path, store_id: str) -> list[tuple[datetime, Path]]:
    """This store's automatic backups in ``folder``, newest first (by the time in their name)."""
    found: list[tuple[datetime, int, Path]] = []
    with contextlib.suppress(OSError):
        for path in Path(folder).iterdir():
            match = _AUTOMATIC.match(path.name)
            if match and match["id"] == store_id[:12] and path.is_file():
                stamp = datetime.strptime(match["stamp"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                found.append((stamp, int(match["n"] or 1), path))  # "-2" was made after the plain name
    return [(stamp, path) for stamp, _, path in sorted(found, key=lambda item: item[:2], reverse=True)]


def backups_to_keep(stamps: list[datetime], keep_daily: int, keep_weekly: int, tz: object = None) -> set[datetime]:
    """The times to keep: the newest of each of ``keep_daily`` days, then of ``keep_weekly`` more weeks.

    Days and weeks are counted in the time zone ``tz`` (the lawyer's, by default local).
    """
    kept: set[datetime] = set()
    newest_first = sorted(stamps, reverse=True)
    for pattern, count in (("%Y-%m-%d", keep_daily), ("%G-W%V", keep_weekly)):
        last, taken = None, 0
        for stamp in newest_first:
            if taken >= count:
                break
            period = stamp.astimezone(tz).strftime(pattern)  # type: ignore[arg-type]
            if period != last:
                last = period
                if stamp not in kept:
                    kept.add(stamp)
                    taken += 1
    return kept


def rotate(folder: Path, store_id: str, settings: BackupSettings, tz: object = None) -> list[Path]:
    """Delete this store's automatic backups in ``folder`` that the rotation does not keep."""
    backups = automatic_backups(folder, store_id)
    kept = backups_to_keep([stamp for stamp, _ in backups], settings.keep_daily, settings.keep_weekly, tz)
    seen: set[datetime] = set()
    removed: list[Path] = []
    for stamp, path in backups:
        if stamp in kept and stamp not in seen:
            seen.add(stamp)
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def _sweep(folder: Path, store_id: str) -> None:
    """Remove what killed backups of this store left: ``.<name>.*.tmp`` files and ``.work`` folders."""
    with contextlib.suppress(OSError):
        for path in Path(folder).glob(f".{store_id[:12]}-*"):
            if path.name.endswith(".tmp"):
                path.unlink(missing_ok=True)
            elif path.name.endswith((".work", ".checking")) and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)


def backup_now(store: Store, now: datetime | None = None, *, progress: Progress = SILENT) -> AutomaticBackup:
    """An automatic backup made now, copied to the second folder, and both folders rotated."""
    if not store.writable:
        raise StoreError("Automatic backups are made only while the store is open for writing.")
    now = (now or datetime.now(UTC)).astimezone()
    settings = BackupSettings.load(store.paths.root)
    folder = store.paths.backups
    store_id = store.header.store_id
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"The backups folder cannot be made ({(exc.strerror or '').lower()}); "
                         "no backup was made.") from None
    _sweep(folder, store_id)
    name = automatic_name(store_id, now)
    for n in range(2, 100):
        if not (folder / name).exists():
            break
        name = name.removesuffix(SUFFIX) + f"-{n}{SUFFIX}"
    written = write_backup(store, folder / name, created=now, progress=progress)
    info, summary = written.info, written.summary
    removed = rotate(folder, store_id, settings, now.tzinfo)
    warnings = list(written.warnings)
    second: Path | None = None
    if settings.second_folder is not None:
        try:
            second = copy_checked(info.path, Path(settings.second_folder) / name, progress=progress)
            _sweep(Path(settings.second_folder), store_id)
            removed += rotate(Path(settings.second_folder), store_id, settings, now.tzinfo)
        except StoreError as exc:
            warnings.append(str(exc))
    return AutomaticBackup(info, summary, second, removed, warnings)


def backup_if_due(store: Store, now: datetime | None = None, *,
                  progress: Progress = SILENT) -> AutomaticBackup | None:
    """Make an automatic backup if one is due (see the module's description); None if not."""
    now = (now or datetime.now(UTC)).astimezone()
    backups = automatic_backups(store.paths.backups, store.header.store_id)
    if backups:
        newest, path = backups[0]
        if newest.astimezone(now.tzinfo).date() >= now.date():
            return None
        if now - newest < UNCHANGED_MAX_AGE and _unchanged_since(store, path):
            return None
    return backup_now(store, now, progress=progress)


def _unchanged_since(store: Store, path: Path) -> bool:
    try:
        summary = read_summary(path, store.key_for("backup"))
    except (DamagedBackup, StoreError):
        return False
    with store.session() as session:
        entries, head = audit.head(session)
    vault_objects = sum(1 for _ in vault_files(store.paths.vault))
    return (summary.audit_entries, summary.audit_head, summary.vault_objects) == (entries, head, vault_objects)


def copy_checked(source: Path, target: Path, *, progress: Progress = SILENT) -> Path:
    """Copy a backup to ``target`` (temp file, fsync, read back, SHA-256 compared, rename)."""
    folder = target.parent
    if not folder.is_dir():
        raise StoreError(f"The second backup folder {folder} is not there (is the drive plugged in?); "
                         "the backup in backups/ is fine.")
    if target.exists():
        raise StoreError(f"{target} already exists in the second backup folder; it was left as it is.")
    temp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        temp = Path(name)
        written = hashlib.sha256()
        total = source.stat().st_size
        done = 0
        with open(source, "rb") as src, os.fdopen(fd, "wb") as out:
            while chunk := src.read(CHUNK):
                written.update(chunk)
                out.write(chunk)
                done += len(chunk)
                progress.report(done, total, "Copying to the second folder")
                progress.check()
            out.flush()
            os.fsync(out.fileno())
        read_back = hashlib.sha256()
        with open(temp, "rb") as again:
            while chunk := again.read(CHUNK):
                read_back.update(chunk)
        if read_back.digest() != written.digest() or done != total:
            raise StoreError(f"The copy in the second backup folder {folder} reads back differently; "
                             "it was not kept. The backup in backups/ is fine.")
        os.replace(temp, target)
        temp = None
        fsync_dir(folder)
        return target
    except OSError as exc:
        raise StoreError(f"The copy in the second backup folder {folder} could not be written "
                         f"({(exc.strerror or '').lower()}); the backup in backups/ is fine.") from None
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
