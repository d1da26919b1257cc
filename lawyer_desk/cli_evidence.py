"""Evidence commands: ``add-exhibit``, ``export-exhibit``, ``exhibits``; case files with their
evidence (``import-case`` / ``export-case --evidence-dir``); the vault part of ``verify`` (and
its ``--remove-orphans``).

Registered by ``cli.build_parser`` through ``add_parsers`` and run through ``COMMANDS``. The
shared helpers of ``cli`` are imported when a command runs (no import cycle). Nothing here
logs a file name: a file name can be a client's name.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lawyer_desk.core.errors import InvalidInput

type AddCommand = Callable[[str, str], argparse.ArgumentParser]
KINDS = ("warrant", "notice", "ccf_decision", "court_decision", "asylum_decision", "country_report", "expert_report",
         "medical_report", "media", "correspondence", "identity", "photo", "other")


def add_parsers(command: AddCommand) -> None:
    """The evidence commands' arguments; ``command(name, help)`` makes one sub-parser."""
    p = command("add-exhibit", "add evidence files to a case (encrypted in the vault, hashed, text indexed)")
    p.add_argument("case_id", type=int, metavar="CASE_ID")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--kind", choices=KINDS, help="what the files are (default: other)")
    p.add_argument("--title", help="title of the exhibits (default: each file's name)")
    p.add_argument("--confidential", action="store_true", help="never to be disclosed to the requesting state")
    p.add_argument("--allow-duplicate", action="store_true",
                   help="add a file even if the case already holds the same content")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = command("export-exhibit", "write a decrypted copy of an exhibit's file (checked against its SHA-256)")
    p.add_argument("exhibit_id", type=int, metavar="EXHIBIT_ID")
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="file (or existing folder) to write")
    p = command("exhibits", "list a case's exhibits")
    p.add_argument("case_id", type=int, metavar="CASE_ID")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _kib(size: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def _byte_bar(label: str) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A progress bar in bytes on a terminal; silent otherwise. Returns (update, close)."""
    if not sys.stderr.isatty():
        return (lambda _done, _total: None), (lambda: None)
    from tqdm import tqdm

    bar = tqdm(total=0, desc=label, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr, leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return update, bar.close


# --- add-exhibit, export-exhibit, exhibits ------------------------------------------------------------
def cmd_add_exhibit(args: argparse.Namespace) -> int:
    from lawyer_desk.cli import emit, open_store
    from lawyer_desk.core import exhibits
    from lawyer_desk.core.vocab import ExhibitKind

    update, close = _byte_bar("Adding exhibits")
    with open_store(args, write=True) as store:
        try:
            results = exhibits.add_files(store, args.case_id, args.files, kind=ExhibitKind(args.kind or "other"),
                                         title=args.title, confidential=args.confidential,
                                         allow_duplicates=args.allow_duplicate, progress=update)
        finally:
            close()
    if args.json:
        emit({"added": [{"file": str(r.path), "exhibit_id": r.exhibit_id, "number": r.number, "sha256": r.sha256,
                         "size": r.size, "text": str(r.text_status), "note": r.note} for r in results if r.ok],
              "failed": [{"file": str(r.path), "error": r.error, "duplicate_of": r.duplicate_of}
                         for r in results if not r.ok]})
    else:
        for r in results:
            if r.ok:
                note = f" ({r.note})" if r.note else ""
                print(f"added exhibit {r.number} (id {r.exhibit_id}): {r.path.name}  {_kib(r.size or 0)}  "
                      f"sha256 {r.sha256}  text: {str(r.text_status).replace('_', ' ')}{note}", flush=True)
            else:
                print(f"lawyer-desk: error: {r.error}", file=sys.stderr, flush=True)
    return 0 if all(r.ok for r in results) else 1


def cmd_export_exhibit(args: argparse.Namespace) -> int:
    from lawyer_desk.cli import open_store
    from lawyer_desk.core import exhibits

    update, close = _byte_bar("Exporting")
    with open_store(args, write=True) as store:
        try:
            target = exhibits.export_copy(store, args.exhibit_id, args.out, progress=update)
        finally:
            close()
    print(f"Exported exhibit {args.exhibit_id} to {target} (SHA-256 checked)", file=sys.stderr)
    return 0


def cmd_exhibits(args: argparse.Namespace) -> int:
    from lawyer_desk.cli import emit, open_store
    from lawyer_desk.core import exhibits, models

    with open_store(args, write=False) as store, store.session() as session:
        if session.get(models.Client, args.case_id) is None:
            from lawyer_desk.core.errors import NotFound

            raise NotFound(f"There is no case {args.case_id} in this store.")
        rows = exhibits.rows(session, args.case_id)
    if args.json:
        emit({"case_id": args.case_id, "exhibits": [
            {"id": r.id, "number": r.number, "title": r.title, "kind": str(r.kind), "date": r.date,
             "source": r.source, "language": r.language, "confidential": r.confidential, "filename": r.filename,
             "media_type": r.media_type, "size": r.size, "sha256": r.sha256,
             "translation_of_id": r.translation_of_id, "text": str(r.text_status),
             "verified": str(r.verified_state) if r.verified_state else None,
             "verified_at": r.verified_at.isoformat() if r.verified_at else None} for r in rows]})
        return 0
    if not rows:
        print("No exhibits in this case yet.", file=sys.stderr)
    width = max((len(r.number) for r in rows), default=2)
    for r in rows:
        print(f"{r.number:>{width}}  {r.title}  [{r.kind}]  {r.date or '-'}  {r.language or '-'}  "
              f"{'CONFIDENTIAL  ' if r.confidential else ''}{_kib(r.size)}  {r.short_hash}  "
              f"verified: {r.verified_state or 'never'}  (id {r.id})")
    return 0


# --- case files with their evidence -----------------------------------------------------------
def cmd_import_case(args: argparse.Namespace) -> int:
    """Each case file in its own transaction, its exhibits' files from its evidence folder."""
    from lawyer_desk.cli import emit, log, open_store, progress
    from lawyer_desk.core import case_evidence
    from lawyer_desk.core.interchange import case_json
    from lawyer_desk.core.interchange.jsonfile import read_bytes
    from lawyer_desk.core.vault import VaultError

    done: list[dict[str, Any]] = []
    failed: list[dict[str, str]] = []
    with open_store(args, write=True) as store:
        for path in progress(args.files, len(args.files), "Importing cases"):
            try:
                case = case_json.parse(read_bytes(path), str(path))
                case_id = case_evidence.import_case(store, case, path, args.evidence_dir)
            except (InvalidInput, VaultError) as exc:
                failed.append({"file": str(path), "error": str(exc)})
                print(f"lawyer-desk: error: {exc}", file=sys.stderr)
                continue
            log.info("case file imported as case %d", case_id)
            done.append({"file": str(path), "case_id": case_id})
            if not args.json:
                print(case_id, flush=True)
    if args.json:
        emit({"imported": done, "failed": failed})
    return 1 if failed else 0


def cmd_export_case(args: argparse.Namespace) -> int:
    from lawyer_desk.cli import open_store
    from lawyer_desk.core import case_evidence, cases
    from lawyer_desk.core.interchange import case_json
    from lawyer_desk.core.store.fileio import write_atomic
    from lawyer_desk.core.vault import Vault

    to_stdout = str(args.out) == "-"
    with open_store(args, write=True) as store, store.session() as session:
        case = cases.export_case(session, args.case_id)
        written: list[Path] = []
        if args.evidence_dir is not None and case.exhibits:
            base = Path.cwd() / "stdout" if to_stdout else args.out
            case = case.model_copy(update={"evidence_dir": case_evidence.evidence_dir_hint(base, args.evidence_dir)})
            update, close = _byte_bar("Exporting evidence")
            try:
                written = case_evidence.export_evidence(session, Vault.of(store), args.case_id, case,
                                                        args.evidence_dir, progress=update)
            finally:
                close()
        text = case_json.dumps(case)
        if to_stdout:
            sys.stdout.write(text)
        else:
            try:
                write_atomic(args.out.resolve(), text.encode("utf-8"))
            except OSError as exc:
                for path in written:
                    path.unlink(missing_ok=True)
                raise InvalidInput(f"Cannot write {args.out}: {exc.strerror}; the export was not recorded.") from None
            print(f"Exported case {args.case_id} to {args.out}", file=sys.stderr)
    if written:
        print(f"Wrote {len(written)} exhibit files (SHA-256 checked) to {args.evidence_dir}", file=sys.stderr)
    elif case.exhibits and args.evidence_dir is None:
        print(f"lawyer-desk: note: the case has {len(case.exhibits)} exhibits; their files were not exported "
              "(use --evidence-dir DIR)", file=sys.stderr)
    return 0


# --- verify ----------------------------------------------------------------------------------
def check_vault(store: Any) -> Any:
    """Re-hash every exhibit's file and list the orphans; read-only (nothing is recorded)."""
    from lawyer_desk.core import exhibit_checks

    update, close = _byte_bar("Verifying evidence")
    try:
        return exhibit_checks.verify(store, record=False, progress=update)
    finally:
        close()


def remove_orphans(store: Any, database_problems: list[str]) -> list[Any]:
    """``verify --remove-orphans``: remove what the vault holds for no exhibit, before checking.

    Refused when the database is damaged: a row that cannot be read would make its file look
    like an orphan.
    """
    from lawyer_desk.core import exhibit_checks

    if database_problems:
        raise InvalidInput("The database is damaged, so no orphan file was removed (an exhibit that cannot be read "
                           "would make its file look like an orphan). Restore a backup first.")
    return exhibit_checks.remove_orphans(store)


def print_removed(removed: list[Any] | None) -> None:
    if removed is None:
        return
    print(f"orphan files removed: {len(removed)}")
    for o in removed:
        print(f"  removed {o.name}: {o.detail}")


def vault_json(report: Any) -> dict[str, Any] | None:
    if report is None:
        return None
    return {"exhibits": len(report.checks), "intact": sum(1 for c in report.checks if c.ok),
            "problems": [{"exhibit_id": c.exhibit_id, "case_id": c.client_id, "number": c.number,
                          "state": str(c.state), "detail": c.detail, "chunk": c.chunk} for c in report.problems],
            "orphans": [{"name": o.name, "kind": o.kind} for o in report.orphans]}


def print_vault(report: Any) -> None:
    if report is None:
        print("evidence vault: cannot be checked (the database is damaged)")
        return
    intact = sum(1 for c in report.checks if c.ok)
    state = "ok" if report.ok else "PROBLEMS"
    print(f"evidence vault: {state} ({intact} of {len(report.checks)} exhibit files intact, "
          f"{len(report.orphans)} orphans)")
    for c in report.problems:
        print(f"  exhibit {c.number} of case {c.client_id} (id {c.exhibit_id}): {c.detail}")
    for o in report.orphans:
        print(f"  orphan {o.name}: {o.detail}")


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "add-exhibit": cmd_add_exhibit, "export-exhibit": cmd_export_exhibit, "exhibits": cmd_exhibits,
    "import-case": cmd_import_case, "export-case": cmd_export_case,
}
