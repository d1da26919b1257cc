"""Importing files the lawyer drops or picks, whichever of our two formats they are in.

Each file is imported in its own transaction: a bad file is reported and skipped, never
half-imported, and the files before it stay imported.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lawyer_desk.core import cases
from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.interchange import case_json, interpol_notice
from lawyer_desk.core.interchange.jsonfile import read_bytes


@dataclass
class FileOutcome:
    path: Path
    kind: str = ""  # "case" or "notice"
    case_ids: list[int] = field(default_factory=list)
    created: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


def _is_case_file(raw: bytes) -> bool:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    return isinstance(data, dict) and data.get("format") == case_json.FORMAT


def import_file(store: Any, path: Path) -> FileOutcome:
    outcome = FileOutcome(path)
    try:
        raw = read_bytes(path)
        with store.session() as session:
            if _is_case_file(raw):
                outcome.kind = "case"
                outcome.case_ids = cases.import_cases(session, [case_json.parse(raw, path.name)])
                outcome.created = 1
            else:
                outcome.kind = "notice"
                if len(raw) > interpol_notice.MAX_NOTICE_BYTES:
                    raise InvalidInput(f"{path.name}: too large for an INTERPOL notice file.")
                results = interpol_notice.import_notices(session, interpol_notice.parse_notices(raw, path.name))
                outcome.case_ids = sorted({r.client_id for r in results})
                outcome.created = sum(r.created for r in results)
                outcome.warnings = [w for r in results for w in r.warnings]
    except InvalidInput as exc:
        outcome.error = str(exc)
    return outcome


def import_files(store: Any, paths: Sequence[Path],
                 report: Callable[[int, int, str], None] | None = None,
                 should_stop: Callable[[], bool] | None = None) -> list[FileOutcome]:
    outcomes = []
    for done, path in enumerate(paths):
        if should_stop and should_stop():
            break
        if report:
            report(done, len(paths), path.name)
        outcomes.append(import_file(store, path))
    if report:
        report(len(outcomes), len(paths), "")
    return outcomes
