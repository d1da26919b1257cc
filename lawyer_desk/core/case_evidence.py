"""A case file together with its evidence: the exhibits' files beside the case JSON.

Export writes each exhibit's file, decrypted and checked against its SHA-256, into an
evidence folder, and the case JSON lists the exhibits (description, SHA-256, file name).
Import brings the files back into the vault, hashing each in the same pass, and refuses the
whole case if any file is missing or differs from the SHA-256 the JSON gives: then nothing
is imported and nothing stays in the vault.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawyer_desk.core import audit, cases
from lawyer_desk.core import models as m
from lawyer_desk.core.errors import InvalidInput, LawyerDeskError
from lawyer_desk.core.exhibits import read_text
from lawyer_desk.core.interchange import case_json as cj
from lawyer_desk.core.vault import Cancel, Progress, StoredObject, Vault


def evidence_dir_hint(case_file: Path, evidence_dir: Path) -> str:
    """How the case JSON names its evidence folder: relative to the JSON's folder when it can."""
    try:
        return os.path.relpath(evidence_dir.resolve(), case_file.resolve().parent)
    except ValueError:  # another drive (Windows)
        return str(evidence_dir.resolve())


def export_evidence(session: Session, vault: Vault, client_id: int, case: cj.CaseFileV1, evidence_dir: Path, *,
                    progress: Progress | None = None, cancel: Cancel | None = None) -> list[Path]:
    """Write the case's exhibits' files into ``evidence_dir`` under the names the case JSON gives.

    Each copy is checked against its SHA-256; each export is recorded ("exported") in the
    caller's session. On any failure the files written so far are removed.
    """
    stored = {e.number: e for e in session.execute(
        select(m.Exhibit).where(m.Exhibit.client_id == client_id)).scalars()}
    total = sum(e.size for e in case.exhibits)
    written: list[Path] = []
    offset = 0

    def step(done: int, _size: int) -> None:
        if progress is not None:
            progress(offset + done, total)

    try:
        evidence_dir.mkdir(parents=True, exist_ok=True)
        for exhibit in case.exhibits:
            row = stored[exhibit.number]
            target = evidence_dir / exhibit.file
            try:
                vault.export(row.object_name, target, sha256=row.sha256, size=row.size, progress=step, cancel=cancel)
            except LawyerDeskError as exc:
                raise type(exc)(f"Exhibit {exhibit.number}: {exc}") from None
            written.append(target)
            offset += row.size
            audit.append(session, [audit.Change("exported", "exhibit", row.id, client_id,
                                                f"exported with the case file to {target.resolve()}")])
    except OSError as exc:
        _remove(written)
        raise InvalidInput(f"Cannot write the evidence folder {evidence_dir}: {exc.strerror}.") from None
    except BaseException:
        _remove(written)
        raise
    return written


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def find_evidence_dir(case_file: Path, case: cj.CaseFileV1, given: Path | None) -> Path:
    """The folder holding the case's exhibit files: ``given``, else the one the JSON names."""
    if given is not None:
        folder = Path(given)
    elif case.evidence_dir:
        folder = Path(case_file).resolve().parent / case.evidence_dir
    else:
        raise InvalidInput(f"{Path(case_file).name}: the case lists {len(case.exhibits)} exhibits but names no "
                           "evidence folder; give it with --evidence-dir.")
    if not folder.is_dir():
        raise InvalidInput(f"{Path(case_file).name}: the evidence folder {folder} is not there; "
                           "give it with --evidence-dir.")
    return folder


def bring_in(vault: Vault, case: cj.CaseFileV1, evidence_dir: Path, *, progress: Progress | None = None,
             cancel: Cancel | None = None) -> list[cases.EvidenceFile]:
    """Put every exhibit's file in the vault, checking each against the JSON's size and SHA-256.

    All or nothing: if one file is missing, unreadable or different, every object written
    here is removed again and ``InvalidInput`` names the exhibit and the problem.
    """
    stored: list[StoredObject] = []
    total = sum(e.size for e in case.exhibits)
    offset = 0

    def step(done: int, _size: int) -> None:
        if progress is not None:
            progress(offset + done, total)

    try:
        for i, exhibit in enumerate(case.exhibits):
            where = f"exhibits[{i}] ({exhibit.file})"
            try:
                written = vault.write_file(evidence_dir / exhibit.file, progress=step, cancel=cancel)
            except InvalidInput as exc:
                raise InvalidInput(f"{where}: {exc} The case was not imported.") from None
            stored.append(written)
            if written.size != exhibit.size or written.sha256 != exhibit.sha256:
                raise InvalidInput(f"{where}: the file differs from the case file (SHA-256 {written.sha256[:16]}… "
                                   f"instead of {exhibit.sha256[:16]}…); the case was not imported.")
            offset += written.size
        files = []
        for exhibit, written in zip(case.exhibits, stored, strict=True):
            _kind, extraction = read_text(vault, written, exhibit.filename, cancel)
            files.append(cases.EvidenceFile(written.name, extraction.status, extraction.text))
        return files
    except BaseException:
        for written in stored:
            vault.remove(written.name)
        raise


def import_case(store: Any, case: cj.CaseFileV1, case_file: Path, evidence_dir: Path | None = None, *,
                progress: Progress | None = None, cancel: Cancel | None = None) -> int:
    """Import one case and its exhibits' files in one transaction; returns the new case id."""
    if not case.exhibits:
        with store.session() as session:
            (case_id,) = cases.import_cases(session, [case])
        return case_id
    vault = Vault.of(store)
    files = bring_in(vault, case, find_evidence_dir(case_file, case, evidence_dir), progress=progress, cancel=cancel)
    try:
        with store.session() as session:
            (case_id,) = cases.import_cases(session, [case], [files])
    except BaseException:
        for file in files:
            vault.remove(file.object_name)
        raise
    return case_id
