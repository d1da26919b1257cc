"""Importing files the lawyer drops or picks, whichever of our two formats they are in.

Each file is imported in its own transaction: a bad file is reported and skipped, never
half-imported, and the files before it stay imported.

A case file that lists exhibits comes with their files, in the evidence folder that
``export-case --evidence-dir`` wrote beside it (the folder the case file names, else the case
file's own folder). Each file is hashed into the vault and checked against the SHA-256 the
case file gives (``case_evidence``); if one is missing or differs, the whole case is refused,
with a line for each file at fault, and nothing of it stays in the database or the vault.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lawyer_desk.core import case_evidence, cases
from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.interchange import case_json, interpol_notice
from lawyer_desk.core.interchange.jsonfile import read_bytes
from lawyer_desk.core.vault import Cancel, Cancelled, Progress, VaultError

STEPS = 1000  # progress units per file: within a case file the bar follows its evidence, by bytes

type Report = Callable[[int, int, str], None]  # (done, total, the file being imported)


@dataclass
class FileOutcome:
    path: Path
    kind: str = ""  # "case" or "notice"
    case_ids: list[int] = field(default_factory=list)
    created: int = 0
    exhibits: int = 0  # evidence files brought in with a case
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False  # stopped on request: nothing of this file was imported


def _is_case_file(raw: bytes) -> bool:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("format") == case_json.FORMAT


def evidence_folder(path: Path, case: case_json.CaseFileV1) -> Path:
    """Where a case file's exhibit files are: the folder it names, else its own folder."""
    here = Path(path).resolve().parent
    folder = here / case.evidence_dir if case.evidence_dir else here
    if not folder.is_dir():
        raise InvalidInput(f"{path.name}: the case was not imported: it lists {len(case.exhibits)} exhibits, "
                           f"but their folder {folder} is not there. Keep the evidence folder beside the case "
                           "file, as it was exported.")
    return folder


def evidence_problems(case: case_json.CaseFileV1, folder: Path) -> list[str]:
    """A line for each exhibit whose file is missing or has another size than the case file says.

    Cheap (no file is read), so every file at fault is named before anything is written; a
    file of the right size whose content differs is found by the SHA-256 check on import.
    """
    problems = []
    for i, exhibit in enumerate(case.exhibits):
        where = f"exhibits[{i}] ({exhibit.file})"
        try:
            stat = (folder / exhibit.file).stat()
        except FileNotFoundError:
            problems.append(f"{where}: missing from {folder}")
            continue
        except OSError as exc:
            problems.append(f"{where}: cannot be read ({exc.strerror})")
            continue
        if not (folder / exhibit.file).is_file():
            problems.append(f"{where}: is not a file")
        elif stat.st_size != exhibit.size:
            problems.append(f"{where}: altered: {stat.st_size} bytes instead of the {exhibit.size} the case file "
                            "records")
    return problems


def import_case_file(store: Any, path: Path, case: case_json.CaseFileV1, *, progress: Progress | None = None,
                     cancel: Cancel | None = None) -> int:
    """Import one case with its exhibits' files, all or nothing; returns the new case id."""
    if not case.exhibits:
        with store.session() as session:
            (case_id,) = cases.import_cases(session, [case])
        return case_id
    folder = evidence_folder(path, case)
    problems = evidence_problems(case, folder)
    if problems:
        raise InvalidInput(f"{path.name}: the case was not imported: its evidence files do not match it.\n"
                           + "\n".join(f"  {line}" for line in problems))
    try:
        return case_evidence.import_case(store, case, path, folder, progress=progress, cancel=cancel)
    except (InvalidInput, VaultError) as exc:
        raise type(exc)(f"{path.name}: {exc}") from None


def import_file(store: Any, path: Path, *, progress: Progress | None = None,
                cancel: Cancel | None = None) -> FileOutcome:
    """Import one file; its outcome, with the error if it was refused (then nothing of it is stored)."""
    outcome = FileOutcome(path)
    try:
        raw = read_bytes(path)
        if _is_case_file(raw):
            outcome.kind = "case"
            case = case_json.parse(raw, path.name)
            outcome.case_ids = [import_case_file(store, path, case, progress=progress, cancel=cancel)]
            outcome.created = 1
            outcome.exhibits = len(case.exhibits)
        else:
            outcome.kind = "notice"
            if len(raw) > interpol_notice.MAX_NOTICE_BYTES:
                raise InvalidInput(f"{path.name}: too large for an INTERPOL notice file.")
            with store.session() as session:
                results = interpol_notice.import_notices(session, interpol_notice.parse_notices(raw, path.name))
                outcome.case_ids = sorted({r.client_id for r in results})
                outcome.created = sum(r.created for r in results)
                outcome.warnings = [w for r in results for w in r.warnings]
    except Cancelled:
        outcome.error = f"{path.name}: stopped on request; nothing of it was imported."
        outcome.cancelled = True
    except (InvalidInput, VaultError) as exc:
        outcome.error = str(exc)
    return outcome


def import_files(store: Any, paths: Sequence[Path], report: Report | None = None,
                 should_stop: Callable[[], bool] | None = None) -> list[FileOutcome]:
    """Import each file in turn; stops before the next file (or inside a case's evidence) when asked."""
    outcomes: list[FileOutcome] = []
    total = len(paths) * STEPS
    for done, path in enumerate(paths):
        if should_stop and should_stop():
            break
        if report:
            report(done * STEPS, total, path.name)

        def evidence_progress(read: int, size: int, start: int = done * STEPS, name: str = path.name) -> None:
            if report and size:
                report(start + STEPS * min(read, size) // size, total, name)

        outcome = import_file(store, path, progress=evidence_progress, cancel=should_stop)
        outcomes.append(outcome)
        if outcome.cancelled:
            break
    if report:
        report(len(outcomes) * STEPS, total, "")
    return outcomes
