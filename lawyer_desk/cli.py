"""The command line: scripting and printing around the encrypted store.

Errors are one line on stderr and a non-zero exit (1; 2 for usage; 3-8 for the ways a
store can fail to open, see ``core.errors``), never a traceback, never a half-written record.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from lawyer_desk import __version__, cli_deadlines, cli_documents, cli_evidence, cli_safety
from lawyer_desk.core import logs
from lawyer_desk.core.errors import DamagedDatabase, InvalidInput, LawyerDeskError
from lawyer_desk.core.paths import default_store_dir

ENV_PASSPHRASE = "LAWYER_DESK_PASSPHRASE"  # noqa: S105 (the variable name, not a secret)
MIN_PASSPHRASE = 8
log = logging.getLogger("lawyer_desk.cli")


class UsageError(LawyerDeskError):
    exit_code = 2


# --- arguments ---------------------------------------------------------------------------
def _common() -> argparse.ArgumentParser:
    """Options every command takes, before or after the command's name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="the store folder (default: $LAWYER_DESK_HOME or the per-user data folder)")
    common.add_argument("--passphrase-file", type=Path, default=argparse.SUPPRESS, metavar="FILE",
                        help="read the passphrase from the first line of FILE")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="lawyer-desk", parents=[common],
        description="Encrypted, offline case files for INTERPOL alert defence. "
                    "Without a command, opens the desk (GUI).",
        epilog=f"The passphrase comes from ${ENV_PASSPHRASE}, --passphrase-file, or a prompt on a terminal.")
    parser.add_argument("--version", action="version", version=f"lawyer-desk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text)

    command("init", "create a new, empty store")
    command("demo", "create a new store holding fictional demo cases")
    p = command("import-case", "import case files (interchange format); prints each new case id")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE.json")
    p.add_argument("--evidence-dir", type=Path, metavar="DIR",
                   help="the exhibits' files (default: the folder the case file names)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = command("export-case", "export a case to a case file")
    p.add_argument("case_id", type=int, metavar="ID")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.json", help="file to write ('-' for stdout)")
    p.add_argument("--evidence-dir", type=Path, metavar="DIR", help="also write the exhibits' files (decrypted) here")
    p = command("import-notice", "import public INTERPOL notices (detail format or search result)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE.json")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = command("cases", "list cases")
    p.add_argument("--status", choices=["open", "closed", "archived"], help="only cases with this status")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = command("search", "search names in any script, alert references, charges, notes and events")
    p.add_argument("query", nargs="+", metavar="QUERY")
    p.add_argument("--limit", type=int, default=20, help="at most this many hits (default 20)")
    p.add_argument("--all", action="store_true", help="every match, not only the best one per case")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    cli_deadlines.add_parsers(command)  # rules, deadline, deadlines, ics
    cli_evidence.add_parsers(command)  # add-exhibit, export-exhibit, exhibits
    cli_safety.add_parsers(command)  # passwd, backup, restore
    cli_documents.add_parsers(command)  # brief, templates
    p = command("verify", "check the database, the search index, the audit chain and the evidence vault")
    p.add_argument("--anchor", metavar="HASH", help="also check that this audit head hash is in the chain")
    p.add_argument("--remove-orphans", action="store_true",
                   help="first remove the vault files no exhibit points at and unfinished writes (recorded in "
                        "the audit trail; other files in the vault folder are left alone)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


# --- passphrase and store ----------------------------------------------------------------
def read_passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str:
    if getattr(args, "passphrase_file", None):
        try:
            text = Path(args.passphrase_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"Cannot read the passphrase file {args.passphrase_file}: "
                               f"{getattr(exc, 'strerror', None) or exc}.") from None
        lines = text.splitlines()
        return lines[0] if lines else ""
    if os.environ.get(ENV_PASSPHRASE):
        return os.environ[ENV_PASSPHRASE]
    if sys.stdin is not None and sys.stdin.isatty():  # None: started with standard input closed
        first = getpass.getpass("Passphrase: ")
        if confirm and getpass.getpass("Passphrase again: ") != first:
            raise InvalidInput("The two passphrases differ; nothing was created.")
        return first
    raise UsageError(f"No passphrase: set {ENV_PASSPHRASE}, use --passphrase-file, or run on a terminal.")


def store_dir(args: argparse.Namespace) -> Path:
    return Path(getattr(args, "data_dir", None) or default_store_dir())


def open_store(args: argparse.Namespace, *, write: bool) -> Any:
    from lawyer_desk.core.store import Store

    store = Store.open(store_dir(args), read_passphrase(args), write=write)
    logs.to_store(store.paths.logs)
    return store


def create_store(args: argparse.Namespace) -> Any:
    from lawyer_desk.core.store import Store

    passphrase = read_passphrase(args, confirm=True)
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput(f"The passphrase is too short: use at least {MIN_PASSPHRASE} characters "
                           "(a few unrelated words are best).")
    if sys.stderr.isatty():
        print("Measuring this computer to set the key derivation cost…", file=sys.stderr)
    store = Store.create(store_dir(args), passphrase)
    logs.to_store(store.paths.logs)
    return store


def progress[T](items: Iterable[T], total: int, label: str) -> Iterator[T]:
    """A progress bar on a terminal for more than one item; silent otherwise."""
    if total > 1 and sys.stderr.isatty():
        from tqdm import tqdm

        yield from tqdm(items, total=total, desc=label, unit="file", file=sys.stderr, leave=False)
    else:
        yield from items


def _speaks_utf8(stream: Any) -> bool:
    return (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "") == "utf8"


def safe_streams() -> None:
    """Never fail on a name the output's encoding cannot hold.

    Output redirected to a file or a pipe on Windows uses the ANSI code page (cp1252…),
    which has no Arabic, Cyrillic or Han letters: such characters are written as
    ``\\uXXXX`` escapes rather than ending the command with UnicodeEncodeError.
    """
    for stream in (sys.stdout, sys.stderr):
        if not _speaks_utf8(stream) and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def emit(data: Any) -> None:
    # JSON for a stream that is not UTF-8 is plain ASCII (``\\uXXXX``): valid JSON in any encoding.
    text = json.dumps(data, ensure_ascii=not _speaks_utf8(sys.stdout), indent=2, default=str)
    sys.stdout.write(text + "\n")


# --- commands ----------------------------------------------------------------------------
def cmd_init(args: argparse.Namespace) -> int:
    with create_store(args) as store:
        print(f"Created an encrypted store in {store.paths.root}")
        print("Keep the passphrase safe: without it the store cannot be opened, by anyone.", file=sys.stderr)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from lawyer_desk.core import cases
    from lawyer_desk.core.demo import demo_cases

    with create_store(args) as store:
        with store.session() as session:
            ids = cases.import_cases(session, demo_cases())
        print(f"Created a demo store in {store.paths.root} with {len(ids)} fictional cases")
    return 0


def _import_files(args: argparse.Namespace, label: str,
                  one: Callable[[Any, Path], list[dict[str, Any]]]) -> int:
    """Import each file in its own transaction; report each file's success or error."""
    done: list[dict[str, Any]] = []
    failed: list[dict[str, str]] = []
    with open_store(args, write=True) as store:
        for path in progress(args.files, len(args.files), label):
            try:
                with store.session() as session:
                    results = one(session, path)
            except InvalidInput as exc:
                failed.append({"file": str(path), "error": str(exc)})
                print(f"lawyer-desk: error: {exc}", file=sys.stderr)
                continue
            done += results
            if not args.json:
                for result in results:
                    print(result.pop("_line"), flush=True)
                    for warning in result.get("warnings", ()):
                        print(f"lawyer-desk: warning: {path}: {warning}", file=sys.stderr)
    if args.json:
        for result in done:
            result.pop("_line", None)
        emit({"imported": done, "failed": failed})
    return 1 if failed else 0


def cmd_import_notice(args: argparse.Namespace) -> int:
    from lawyer_desk.core.interchange import interpol_notice
    from lawyer_desk.core.interchange.jsonfile import read_bytes

    def one(session: Any, path: Path) -> list[dict[str, Any]]:
        notices = interpol_notice.parse_notices(read_bytes(path, interpol_notice.MAX_NOTICE_BYTES), str(path))
        results = interpol_notice.import_notices(session, notices)
        return [{"file": str(path), "reference": r.reference, "case_id": r.client_id, "alert_id": r.alert_id,
                 "created": r.created, "warnings": list(r.warnings),
                 "_line": f"{'created' if r.created else 'updated'} case {r.client_id}: notice {r.reference}"}
                for r in results]

    return _import_files(args, "Importing notices", one)


def cmd_cases(args: argparse.Namespace) -> int:
    from lawyer_desk.core import cases

    with open_store(args, write=False) as store, store.session() as session:
        rows = cases.list_cases(session, args.status)
    if args.json:
        emit({"cases": [{"id": r.id, "name": r.display_name, "nationalities": r.nationalities,
                         "custody": r.custody_status, "status": r.status,
                         "requesting_countries": r.requesting_countries, "alerts": r.alerts,
                         "next_deadline": r.next_deadline} for r in rows]})
        return 0
    if not rows:
        print("No cases yet.", file=sys.stderr)
    width = max((len(r.display_name) for r in rows), default=4)
    for r in rows:
        print(f"{r.id:>5}  {r.display_name:<{width}}  {','.join(r.nationalities) or '-':<6} "
              f"{r.custody_status:<12} {','.join(r.requesting_countries) or '-':<8} "
              f"next deadline {r.next_deadline or '-':<10}  {r.status}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from lawyer_desk.core.search import search

    query = " ".join(args.query)
    with open_store(args, write=False) as store, store.session() as session:
        hits = search(session, query, limit=max(1, args.limit), per_case=not args.all)
    if args.json:
        emit({"query": query, "hits": [{"case_id": h.client_id, "name": h.client_name, "kind": h.kind,
                                         "snippet": h.snippet, "score": round(h.score, 6)} for h in hits]})
        return 0
    if not hits:
        print(f"Nothing found for {query!r}.", file=sys.stderr)
    for h in hits:
        print(f"{h.client_id:>5}  {h.client_name}  [{h.kind}] {h.snippet}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import DatabaseError as SADatabaseError

    from lawyer_desk.core import audit

    chain: audit.ChainReport | None = None
    anchored: bool | None = None
    vault = removed = None
    with open_store(args, write=args.remove_orphans) as store:
        problems = store.integrity_problems()
        if args.remove_orphans:
            removed = cli_evidence.remove_orphans(store, problems)
        try:
            chain = store.audit_report()
            if args.anchor:
                with store.session() as session:
                    anchored = audit.contains(session, args.anchor)
            vault = cli_evidence.check_vault(store)
        except SADatabaseError:
            if not problems:
                raise
            # The damage found above also hides the audit trail: report it, do not fail on it.
    ok = not problems and chain is not None and chain.intact and anchored is not False and bool(vault and vault.ok)
    if args.json:
        emit({"ok": ok, "database": problems,
              "audit": None if chain is None else {"entries": chain.entries, "head": chain.head,
                                                   "first_broken": chain.first_broken},
              "anchor": None if args.anchor is None else {"hash": args.anchor, "found": anchored},
              "vault": cli_evidence.vault_json(vault),
              **({} if removed is None else {"removed_orphans": [{"name": o.name, "kind": o.kind} for o in removed]})})
        return 0 if ok else 1
    print(f"database and search index: {'ok' if not problems else 'DAMAGED'}")
    for problem in problems:
        print(f"  {problem}")
    if chain is None:
        print("audit chain: cannot be read (it lies in the damaged part of the database)")
    elif chain.intact:
        print(f"audit chain: ok ({chain.entries} entries, head {chain.head})")
    else:
        print(f"audit chain: BROKEN at entry {chain.first_broken} (entries before it are intact)")
    if args.anchor:
        state = {True: "found in the chain", False: "NOT in the chain", None: "cannot be looked up"}[anchored]
        print(f"anchor {args.anchor}: {state}")
    cli_evidence.print_removed(removed)
    cli_evidence.print_vault(vault)
    return 0 if ok else 1


def cmd_gui(args: argparse.Namespace) -> int:
    # Only Qt and the unlock dialog before the first window: the database stack and the main
    # window are imported behind it, while the passphrase is typed (see ui/app.py).
    from lawyer_desk.ui.app import run_gui

    return run_gui(store_dir(args))


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "gui": cmd_gui,
    "init": cmd_init, "demo": cmd_demo,  # import-case and export-case: cli_evidence (cases with their files)
    "import-notice": cmd_import_notice, "cases": cmd_cases, "search": cmd_search, "verify": cmd_verify,
    **cli_deadlines.COMMANDS,
    **cli_evidence.COMMANDS,
    **cli_safety.COMMANDS,
    **cli_documents.COMMANDS,
}


def run(argv: list[str]) -> int:
    safe_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.command = "gui"  # no command: the desk; its failures end like a command's, in one line
    try:
        return COMMANDS[args.command](args)
    except LawyerDeskError as exc:
        log.warning("command %s failed: %s", args.command, type(exc).__name__)
        print(f"lawyer-desk: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("lawyer-desk: interrupted; nothing was half-written.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`lawyer-desk cases | head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        log.warning("command %s failed: %s", args.command, type(exc).__name__)
        print(f"lawyer-desk: error: {exc.strerror or exc}.", file=sys.stderr)
        return 1
    except Exception as exc:
        from lawyer_desk.core.store.database import refused_by_disk

        if refused_by_disk(getattr(exc, "orig", None) or exc):  # disk full, read-only folder: not damage
            print(f"lawyer-desk: error: the disk refused a write ({getattr(exc, 'orig', None) or exc}): is it full, "
                  "or the store folder read-only? Nothing was half-written.", file=sys.stderr)
            return 1
        if type(exc).__module__.startswith(("sqlalchemy", "sqlcipher3")) and "DatabaseError" in type(exc).__name__:
            print("lawyer-desk: error: the case database is damaged (a page failed its check); "
                  "nothing was changed. Run 'lawyer-desk verify' and restore from a backup.", file=sys.stderr)
            return DamagedDatabase.exit_code
        logs.record_crash(exc)
        print(f"lawyer-desk: error: unexpected failure ({type(exc).__name__}); nothing was half-written. "
              "Details are in the log folder of the store.", file=sys.stderr)
        return 1
