"""Safety commands: ``passwd``, ``backup`` and ``restore``.

Registered by ``cli.build_parser`` through ``add_parsers`` and run through ``COMMANDS``; the
shared helpers of ``cli`` are imported when a command runs (no import cycle). The work is
done by ``core.store.passphrase``, ``backup``, ``autobackup`` and ``recovery``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lawyer_desk.core.errors import InvalidInput

type AddCommand = Callable[[str, str], argparse.ArgumentParser]
ENV_NEW_PASSPHRASE = "LAWYER_DESK_NEW_PASSPHRASE"  # noqa: S105 (the variable name, not a secret)


def add_parsers(command: AddCommand) -> None:
    p = command("passwd", "change the passphrase (the data key is rewrapped; old backups keep the old one)")
    p.add_argument("--new-passphrase-file", type=Path, metavar="FILE",
                   help=f"read the new passphrase from the first line of FILE (else ${ENV_NEW_PASSPHRASE}, "
                        "else a prompt on a terminal, twice)")
    p = command("backup", "write a checked, encrypted backup (default: into DIR/backups, rotated)")
    p.add_argument("--out", type=Path, metavar="FILE", help="write the backup to FILE instead (never replaced)")
    p.add_argument("--if-due", action="store_true", help="only if no backup was made today and the store changed")
    p.add_argument("--list", action="store_true", help="list the backups of the store, newest first (no passphrase)")
    p.add_argument("--second-folder", type=Path, metavar="DIR",
                   help="also copy automatic backups to DIR (e.g. a USB stick); remembered for the store")
    p.add_argument("--no-second-folder", action="store_true", help="stop copying backups to a second folder")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = command("restore", "restore a backup into a new folder, or replace a damaged store by its newest good backup")
    p.add_argument("file", nargs="?", type=Path, metavar="FILE", help="the backup file")
    p.add_argument("--latest", action="store_true",
                   help="the store in DIR is damaged: move its files to DIR/quarantine/ and restore the newest "
                        "good backup in its place")
    p.add_argument("--force", action="store_true", help="with --latest: even if the store opens and passes its checks")
    p.add_argument("--dry-run", action="store_true", help="with FILE: check the backup completely, restore nothing")
    p.add_argument("--json", action="store_true", help="machine-readable output")


class _TerminalProgress:
    """A byte-counting progress bar on a terminal; silent otherwise. Never cancels."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._label = ""
        self._show = sys.stderr.isatty()

    def report(self, done: int, total: int = 0, label: str = "") -> None:
        if not self._show or not total:
            return
        if self._bar is None or label != self._label or self._bar.total != total:
            from tqdm import tqdm

            self.close()
            self._bar = tqdm(total=total, desc=label, unit="B", unit_scale=True, file=sys.stderr, leave=False)
            self._label = label
        self._bar.update(done - self._bar.n)

    def check(self) -> None:
        pass

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


# --- passwd ------------------------------------------------------------------------------
def _new_passphrase(args: argparse.Namespace) -> str:
    from lawyer_desk.cli import UsageError

    if args.new_passphrase_file:
        try:
            lines = Path(args.new_passphrase_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"Cannot read the new passphrase file {args.new_passphrase_file}: "
                               f"{getattr(exc, 'strerror', None) or exc}.") from None
        return lines[0] if lines else ""
    if os.environ.get(ENV_NEW_PASSPHRASE):
        return os.environ[ENV_NEW_PASSPHRASE]
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("New passphrase: ")
        if getpass.getpass("New passphrase again: ") != first:
            raise InvalidInput("The two new passphrases differ; nothing was changed.")
        return first
    raise UsageError(f"No new passphrase: set {ENV_NEW_PASSPHRASE}, use --new-passphrase-file, or run on a terminal.")


def cmd_passwd(args: argparse.Namespace) -> int:
    from lawyer_desk.cli import MIN_PASSPHRASE, read_passphrase, store_dir
    from lawyer_desk.core.store import Store
    from lawyer_desk.core.store.passphrase import change_passphrase

    old = read_passphrase(args)
    new = _new_passphrase(args)
    if len(new) < MIN_PASSPHRASE:
        raise InvalidInput(f"The new passphrase is too short: use at least {MIN_PASSPHRASE} characters "
                           "(a few unrelated words are best); nothing was changed.")
    if new == old:
        raise InvalidInput("The new passphrase is the same as the old one; nothing was changed.")
    with Store.open(store_dir(args), old, write=True) as store:
        if sys.stderr.isatty():
            print("Measuring this computer to set the key derivation cost…", file=sys.stderr)
        change_passphrase(store, old, new)
    print(f"Changed the passphrase of the store in {store_dir(args)}")
    print("Backups made before now still open with the old passphrase.", file=sys.stderr)
    return 0


# --- backup ------------------------------------------------------------------------------
def _describe(summary: Any) -> str:
    return f"{summary.cases} case{'s' if summary.cases != 1 else ''}, {summary.vault_objects} evidence file" \
           f"{'s' if summary.vault_objects != 1 else ''}, {summary.audit_entries} audit entries"


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MB" if count >= 2**20 else f"{count / 1024:.0f} kB"


def cmd_backup(args: argparse.Namespace) -> int:
    from lawyer_desk.cli import UsageError, emit, open_store, store_dir
    from lawyer_desk.core.store import autobackup, backup

    root = store_dir(args)
    if args.list:
        return _list_backups(args, root)
    if args.second_folder or args.no_second_folder:
        if args.second_folder and args.no_second_folder:
            raise UsageError("Give --second-folder or --no-second-folder, not both.")
        if args.out or args.if_due:
            raise UsageError("--second-folder and --no-second-folder only change the setting; run backup again.")
        folder = None if args.no_second_folder else args.second_folder.absolute()
        if folder is not None and not folder.is_dir():
            raise InvalidInput(f"{folder} is not a folder (is the drive plugged in?); the setting was not changed.")
        settings = autobackup.BackupSettings.load(root)
        autobackup.BackupSettings(folder, settings.keep_daily, settings.keep_weekly).save(root)
        print(f"Automatic backups are copied to {folder}" if folder else "Automatic backups stay in backups/ only")
        return 0
    if args.out and args.if_due:
        raise UsageError("--if-due is for automatic backups; it cannot be combined with --out.")
    progress = _TerminalProgress()
    try:
        with open_store(args, write=True) as store:
            if args.out:
                written = backup.write_backup(store, args.out, progress=progress)
                result: Any = autobackup.AutomaticBackup(written.info, written.summary, warnings=written.warnings)
            elif args.if_due:
                result = autobackup.backup_if_due(store, progress=progress)
            else:
                result = autobackup.backup_now(store, progress=progress)
    finally:
        progress.close()
    if result is None:
        if args.json:
            emit({"backup": None})
        else:
            print("No backup due (one was made today, or nothing changed since the last one).", file=sys.stderr)
        return 0
    for warning in result.warnings:
        print(f"lawyer-desk: warning: {warning}", file=sys.stderr)
    if args.json:
        emit({"backup": str(result.info.path), "created": result.info.created.isoformat(),
              "size": result.info.size, "cases": result.summary.cases,
              "evidence_files": result.summary.vault_objects, "audit_entries": result.summary.audit_entries,
              "audit_head": result.summary.audit_head,
              "second_copy": None if result.second_copy is None else str(result.second_copy),
              "removed": [str(p) for p in result.removed], "warnings": result.warnings})
        return 0
    print(f"Backup written and checked: {result.info.path} ({_size(result.info.size)}; {_describe(result.summary)})")
    if result.second_copy:
        print(f"Copy checked in {result.second_copy.parent}")
    for removed in result.removed:
        print(f"Rotated out {removed.name}", file=sys.stderr)
    return 0


def _list_backups(args: argparse.Namespace, root: Path) -> int:
    from lawyer_desk.cli import emit
    from lawyer_desk.core.store.recovery import list_backups

    listings = list_backups(root)
    if args.json:
        emit({"backups": [{"path": str(item.path), "created": item.info.created.isoformat() if item.info else None,
                           "store_id": item.info.store_id if item.info else None,
                           "size": item.info.size if item.info else None, "problem": item.problem}
                          for item in listings]})
        return 0
    if not listings:
        print("No backups yet.", file=sys.stderr)
    for item in listings:
        if item.info:
            print(f"{item.info.created.astimezone():%Y-%m-%d %H:%M}  {_size(item.info.size):>9}  {item.path}")
        else:
            print(f"{'unreadable':<16}  {'':>9}  {item.path}: {item.problem}")
    return 0


# --- restore -----------------------------------------------------------------------------
def cmd_restore(args: argparse.Namespace) -> int:
    from lawyer_desk.cli import UsageError, emit, read_passphrase, store_dir
    from lawyer_desk.core.store import backup, recovery

    if args.latest == bool(args.file):
        raise UsageError("Give a backup FILE (restored into a new folder) or --latest (for a damaged store).")
    if args.force and not args.latest:
        raise UsageError("--force goes with --latest.")
    if args.dry_run and not args.file:
        raise UsageError("--dry-run goes with a backup FILE.")
    root = store_dir(args)
    passphrase = read_passphrase(args)
    progress = _TerminalProgress()
    try:
        if args.dry_run:
            checked = backup.check_backup(args.file, passphrase, progress=progress)
            for warning in checked.warnings:
                print(f"lawyer-desk: warning: {warning}", file=sys.stderr)
            if args.json:
                emit({"ok": True, "backup": str(args.file), "created": checked.info.created.isoformat(),
                      "cases": checked.summary.cases, "evidence_files": checked.summary.vault_objects,
                      "audit_entries": checked.summary.audit_entries, "audit_head": checked.summary.audit_head,
                      "warnings": checked.warnings})
            else:
                print(f"The backup {args.file} is whole and opens: {_describe(checked.summary)} "
                      f"(made {checked.info.created.astimezone():%Y-%m-%d %H:%M})")
            return 0
        if args.latest:
            done = recovery.recover(root, passphrase, force=args.force, progress=progress)
        else:
            done = recovery.restore(args.file, root, passphrase, progress=progress)
    finally:
        progress.close()
    for path, reason in done.skipped:
        print(f"lawyer-desk: warning: skipped {path.name}: {reason}", file=sys.stderr)
    for warning in done.warnings:
        print(f"lawyer-desk: warning: {warning}", file=sys.stderr)
    if args.json:
        emit({"data_dir": str(done.root), "restored_from": str(done.backup),
              "cases": done.summary.cases if done.summary else None,
              "evidence_files": done.summary.vault_objects if done.summary else None,
              "quarantine": None if done.quarantine is None else str(done.quarantine),
              "skipped": [{"path": str(p), "problem": r} for p, r in done.skipped], "resumed": done.resumed,
              "warnings": done.warnings})
        return 0
    if done.resumed:
        print(f"Finished the interrupted restore of {done.backup.name} into {done.root}")
    else:
        print(f"Restored {done.backup.name} into {done.root} ({_describe(done.summary)})")
    if done.quarantine:
        print(f"The damaged files were moved, unchanged, to {done.quarantine}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "passwd": cmd_passwd, "backup": cmd_backup, "restore": cmd_restore,
}
