"""Exhibits: the evidence files of a case — added, numbered, described, read back, accounted for.

The file of an exhibit lives encrypted in the vault (``vault.py``); its row holds the number,
description, SHA-256 and the vault object's name. Functions that touch files take the open
``Store`` (they need the vault, and they commit one file at a time); the others take the
caller's session, like the rest of the core.

Chain of custody: every exhibit's history is read from the audit chain (``custody``) —
added, changed, viewed, exported, verified, removed. Adding and editing are recorded by the
audit hook of the session; reading is recorded here.

Long work (``add_files``, ``export_copy``, ``exhibit_checks.verify``) takes ``progress(done,
total)`` in bytes and ``cancel()``, which returns True to stop (or raises its own exception,
e.g. the GUI task's ``Cancelled``); a stopped file leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lawyer_desk.core import audit
from lawyer_desk.core import models as m
from lawyer_desk.core.errors import InvalidInput, LawyerDeskError, NotFound
from lawyer_desk.core.exhibit_text import Extraction, extract, media_type
from lawyer_desk.core.records import FieldErrors
from lawyer_desk.core.vault import Cancel, Cancelled, ObjectDamaged, Progress, StoredObject, Vault
from lawyer_desk.core.vocab import ExhibitKind, TextStatus, VerifiedState

PREVIEW_LIMIT = 64 << 20  # larger files are exported, not previewed from memory
EDITABLE = ("number", "title", "kind", "date", "source", "language", "confidential", "notes", "translation_of_id")
# Audit actions, as the custody history names them.
CUSTODY_WORDS = {"create": "added", "import": "added", "update": "changed", "delete": "removed",
                 "restore": "restored", "viewed": "viewed", "exported": "exported", "verified": "verified"}
_DIGITS = re.compile(r"(\d+)")
_WORD = re.compile(r"\w+")


# --- what the evidence table shows ---------------------------------------------------------------
@dataclass(frozen=True)
class ExhibitRow:
    """One exhibit, as the evidence table and the command line show it."""

    id: int
    client_id: int
    number: str
    title: str
    kind: ExhibitKind
    date: str | None
    source: str | None
    language: str | None
    confidential: bool
    notes: str | None
    filename: str
    media_type: str
    size: int
    sha256: str
    translation_of_id: int | None
    added_at: datetime
    text_status: TextStatus
    verified_at: datetime | None
    verified_state: VerifiedState | None

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]


def _row(exhibit: m.Exhibit) -> ExhibitRow:
    return ExhibitRow(**{name: getattr(exhibit, name) for name in ExhibitRow.__dataclass_fields__})


def number_key(number: str) -> tuple[Any, ...]:
    """Natural order of exhibit numbers: 2 before 10, A-2 before A-10."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in _DIGITS.split(number))


def rows(session: Session, client_id: int) -> list[ExhibitRow]:
    """The case's exhibits in number order."""
    found = session.execute(select(m.Exhibit).where(m.Exhibit.client_id == client_id)).scalars().all()
    return sorted((_row(e) for e in found), key=lambda r: (number_key(r.number), r.id))


def _get(session: Session, exhibit_id: int) -> m.Exhibit:
    exhibit = session.get(m.Exhibit, exhibit_id)
    if exhibit is None:
        raise NotFound(f"There is no exhibit {exhibit_id} in this store.")
    return exhibit


def row(session: Session, exhibit_id: int) -> ExhibitRow:
    return _row(_get(session, exhibit_id))


def text_of(session: Session, exhibit_id: int) -> str:
    """The text taken out of the exhibit's file ('' when there is none)."""
    found = session.get(m.ExhibitText, exhibit_id)
    return found.text if found else ""


def passage(session: Session, exhibit_id: int, query: str, context: int = 120) -> str | None:
    """Where a search's words stand in the exhibit's text: "…the court found [political] motives…".

    The search index gives no snippet from inside an exhibit's text (see ``search.SOURCES``);
    this is the one to show beside an exhibit hit. None when the words occur only in another
    spelling (the folded form) or not at all.
    """
    words = [re.escape(w) for w in _WORD.findall(query)][:12]
    content = text_of(session, exhibit_id) if words else ""
    found = re.search(rf"(?<!\w)(?:{'|'.join(words)})\w*", content, re.IGNORECASE) if content else None
    if found is None:
        return None
    before = content[max(0, found.start() - context):found.start()]
    after = content[found.end():found.end() + context]
    before = before.split(None, 1)[-1] if found.start() > context and " " in before else before
    after = after.rsplit(None, 1)[0] if found.end() + context < len(content) and " " in after else after
    return " ".join(f"…{before}[{found.group(0)}]{after}…".split())


# --- numbers ---------------------------------------------------------------------------------
def next_number(session: Session, client_id: int) -> str:
    """One more than the highest plain number of the case ("A-3" style numbers are left alone)."""
    numbers = set(session.execute(select(m.Exhibit.number).where(m.Exhibit.client_id == client_id)).scalars())
    candidate = max((int(n) for n in numbers if n.isdigit()), default=0) + 1
    while str(candidate) in numbers:
        candidate += 1
    return str(candidate)


def renumber(session: Session, client_id: int) -> dict[int, str]:
    """Number the case's exhibits 1, 2, 3… in their present order; returns the new numbers by id."""
    ordered = rows(session, client_id)
    new = {r.id: str(i) for i, r in enumerate(ordered, 1)}
    changed = [r for r in ordered if r.number != new[r.id]]
    table = m.Exhibit.__table__  # type: ignore[attr-defined]
    # Two steps, because the numbers are unique at every moment within the case.
    for r in changed:
        session.execute(update(table).where(table.c.id == r.id).values(number=f"~{r.id}~renumbering"))
    for r in changed:
        session.execute(update(table).where(table.c.id == r.id).values(number=new[r.id]))
    audit.append(session, [audit.Change("update", "exhibit", r.id, client_id, f"number: {r.number} → {new[r.id]}")
                           for r in changed])
    session.expire_all()
    return new


# --- editing ---------------------------------------------------------------------------------
def update_exhibit(session: Session, exhibit_id: int, **changes: Any) -> ExhibitRow:
    """Change what the lawyer records about an exhibit (``EDITABLE``); problems name their field."""
    exhibit = _get(session, exhibit_id)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"These fields of an exhibit cannot be changed: {', '.join(sorted(unknown))}.")
    link = changes.pop("translation_of_id", exhibit.translation_of_id)
    values = {name: getattr(exhibit, name) for name in m.ExhibitBase.model_fields} | changes
    try:
        checked = m.ExhibitBase.model_validate(values)
    except ValidationError as exc:
        raise FieldErrors({".".join(map(str, e["loc"])) or "exhibit": e["msg"] for e in exc.errors()}) from None
    errors: dict[str, str] = {}
    clash = session.execute(select(m.Exhibit.id).where(
        m.Exhibit.client_id == exhibit.client_id, m.Exhibit.number == checked.number,
        m.Exhibit.id != exhibit.id)).first()
    if clash:
        errors["number"] = f"another exhibit of this case already has the number {checked.number}"
    if link is not None:
        target = session.get(m.Exhibit, link)
        if target is None or target.client_id != exhibit.client_id or target.id == exhibit.id:
            errors["translation_of_id"] = "a translation must point at another exhibit of the same case"
    if errors:
        raise FieldErrors(errors)
    for name in changes:
        setattr(exhibit, name, getattr(checked, name))
    exhibit.translation_of_id = link
    session.flush()
    return _row(exhibit)


def delete_exhibit(store: Any, exhibit_id: int) -> None:
    """Remove an exhibit and, once that is committed, its file from the vault."""
    with store.session() as session:
        exhibit = _get(session, exhibit_id)
        name = exhibit.object_name
        session.delete(exhibit)
    Vault.of(store).remove(name)


# --- adding files ----------------------------------------------------------------------------
@dataclass(frozen=True)
class AddResult:
    """What became of one file given to ``add_files``."""

    path: Path
    exhibit_id: int | None = None
    number: str | None = None
    sha256: str | None = None
    size: int | None = None
    text_status: TextStatus | None = None
    note: str | None = None  # about the text: why there is none, or that it was cut short
    error: str | None = None
    duplicate_of: str | None = None  # the number of the exhibit that already holds this file

    @property
    def ok(self) -> bool:
        return self.error is None


def read_text(vault: Vault, stored: StoredObject, filename: str,
              cancel: Cancel | None = None) -> tuple[str, Extraction]:
    """The media type and the text of a stored file, read back from the vault."""
    with vault.open(stored.name) as reader:
        head = reader.read(64) or b""
        kind = media_type(filename, head)
        reader.seek(0)
        return kind, extract(reader, kind, cancel)


def _duplicate(session: Session, client_id: int, sha256: str) -> str | None:
    return session.execute(select(m.Exhibit.number).where(
        m.Exhibit.client_id == client_id, m.Exhibit.sha256 == sha256)).scalars().first()


def add_files(store: Any, client_id: int, paths: Sequence[Path], *, kind: ExhibitKind | None = None,
              title: str | None = None, confidential: bool = False, allow_duplicates: bool = False,
              progress: Progress | None = None, cancel: Cancel | None = None) -> list[AddResult]:
    """Add each file as a new exhibit of the case, each in its own transaction.

    A file that fails (unreadable, a folder, changed while read, the same content as an
    exhibit already in the case) gets its error in its result and leaves nothing behind; the
    others go on. Cancelling stops at once: the file being read is dropped and it and the files
    after it come back with the error "cancelled".
    """
    with store.session() as session:
        if session.get(m.Client, client_id) is None:
            raise NotFound(f"There is no case {client_id} in this store.")
    vault = Vault.of(store)
    paths = [Path(p) for p in paths]
    total = sum(_size(p) for p in paths)
    results: list[AddResult] = []
    offset = 0

    def file_progress(done: int, _total: int) -> None:
        if progress is not None:
            progress(offset + done, total)

    for i, path in enumerate(paths):
        try:
            results.append(_add_one(store, vault, client_id, path, kind, title, confidential, allow_duplicates,
                                    file_progress, cancel))
        except Cancelled:
            results += [AddResult(p, error=f"{p.name}: cancelled; not added") for p in paths[i:]]
            break
        except LawyerDeskError as exc:
            results.append(AddResult(path, error=str(exc)))
        offset += _size(path)
    return results


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0


def _add_one(store: Any, vault: Vault, client_id: int, path: Path, kind: ExhibitKind | None, title: str | None,
             confidential: bool, allow_duplicates: bool, progress: Progress, cancel: Cancel | None) -> AddResult:
    stored = vault.write_file(path, progress=progress, cancel=cancel)
    try:
        with store.session() as session:
            duplicate = _duplicate(session, client_id, stored.sha256)
        if duplicate is not None and not allow_duplicates:
            vault.remove(stored.name)
            return AddResult(path, sha256=stored.sha256, size=stored.size, duplicate_of=duplicate,
                             error=f"{path.name}: the same file (SHA-256) is already exhibit {duplicate} "
                                   "of this case; not added again")
        kind_of_file, extraction = read_text(vault, stored, path.name, cancel)
        with store.session() as session:
            exhibit = m.Exhibit(
                client_id=client_id, number=next_number(session, client_id),
                title=(title or path.stem or path.name)[:500], kind=kind or ExhibitKind.other,
                confidential=confidential, filename=path.name[:255], media_type=kind_of_file, size=stored.size,
                sha256=stored.sha256, object_name=stored.name, text_status=extraction.status)
            session.add(exhibit)
            session.flush()
            if extraction.text:
                session.add(m.ExhibitText(exhibit_id=exhibit.id, text=extraction.text))
            result = AddResult(path, exhibit.id, exhibit.number, stored.sha256, stored.size, extraction.status,
                               extraction.note)
    except BaseException:
        vault.remove(stored.name)  # the row was not committed: the object must not stay
        raise
    return result


def extract_again(store: Any, exhibit_id: int, cancel: Cancel | None = None) -> Extraction:
    """Take the text out of an exhibit's file again (after an update of the extractors)."""
    with store.session() as session:
        exhibit = _get(session, exhibit_id)
        stored = StoredObject(exhibit.object_name, exhibit.size, exhibit.sha256)
        filename = exhibit.filename
    _kind, extraction = read_text(Vault.of(store), stored, filename, cancel)
    with store.session() as session:
        table = m.Exhibit.__table__  # type: ignore[attr-defined]
        session.execute(update(table).where(table.c.id == exhibit_id).values(text_status=extraction.status))
        old = session.get(m.ExhibitText, exhibit_id)
        if old is not None:
            session.delete(old)
            session.flush()
        if extraction.text:
            session.add(m.ExhibitText(exhibit_id=exhibit_id, text=extraction.text))
    return extraction


# --- reading back ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Preview:
    """An exhibit's file in memory, for showing inside the program; never written to disk."""

    exhibit_id: int
    filename: str
    media_type: str
    content: bytes


def _record(store: Any, action: str, exhibit_id: int, client_id: int, summary: str) -> None:
    if store.writable:
        with store.session() as session:
            audit.append(session, [audit.Change(action, "exhibit", exhibit_id, client_id, summary)])


def read_for_preview(store: Any, exhibit_id: int, limit: int = PREVIEW_LIMIT) -> Preview:
    """The decrypted file in memory, checked against its SHA-256; records "viewed"."""
    with store.session() as session:
        exhibit = _get(session, exhibit_id)
        facts = (exhibit.object_name, exhibit.size, exhibit.sha256, exhibit.filename, exhibit.media_type,
                 exhibit.client_id)
    name, size, sha256, filename, kind, client_id = facts
    if size > limit:
        raise InvalidInput(f"Exhibit {exhibit_id} is too large to preview ({size // (1 << 20)} MiB; the limit is "
                           f"{limit // (1 << 20)} MiB). Export a copy to open it.")
    content = b"".join(Vault.of(store).read(name))
    if len(content) != size or hashlib.sha256(content).hexdigest() != sha256:
        raise ObjectDamaged("altered: the content differs from the recorded SHA-256")
    _record(store, "viewed", exhibit_id, client_id, "previewed in the program")
    return Preview(exhibit_id, filename, kind, content)


def export_copy(store: Any, exhibit_id: int, target: Path, *, progress: Progress | None = None,
                cancel: Cancel | None = None) -> Path:
    """Write a decrypted copy (checked against the SHA-256); records "exported" with the place.

    ``target`` may be a folder: the copy then takes the exhibit's file name.
    """
    with store.session() as session:
        exhibit = _get(session, exhibit_id)
        name, size, sha256, filename, client_id = (exhibit.object_name, exhibit.size, exhibit.sha256,
                                                   exhibit.filename, exhibit.client_id)
    target = Path(target)
    if target.is_dir():
        target = target / (Path(filename.replace("\\", "/")).name.strip(". ") or f"exhibit-{exhibit_id}")
    Vault.of(store).export(name, target, sha256=sha256, size=size, progress=progress, cancel=cancel)
    try:
        _record(store, "exported", exhibit_id, client_id, f"decrypted copy written to {target.resolve()}")
    except BaseException:
        target.unlink(missing_ok=True)  # an export that is not in the custody record must not exist
        raise
    return target


# --- chain of custody ------------------------------------------------------------------------
@dataclass(frozen=True)
class CustodyEvent:
    seq: int
    at: datetime
    event: str  # added, changed, viewed, exported, verified, removed
    summary: str


def custody(session: Session, exhibit_id: int) -> list[CustodyEvent]:
    """The exhibit's history from the audit chain, oldest first."""
    entries = session.execute(select(m.AuditEntry).where(
        m.AuditEntry.entity == "exhibit", m.AuditEntry.entity_id == exhibit_id).order_by(m.AuditEntry.seq)).scalars()
    return [CustodyEvent(e.seq, e.at, CUSTODY_WORDS.get(e.action, e.action), e.summary) for e in entries]


def record_verification(session: Session, exhibit_id: int, client_id: int, state: VerifiedState, detail: str,
                        at: datetime) -> None:
    """Store the outcome of a check on the row (without an "update" entry) and record "verified"."""
    table = m.Exhibit.__table__  # type: ignore[attr-defined]
    session.execute(update(table).where(table.c.id == exhibit_id).values(verified_at=at, verified_state=state))
    audit.append(session, [audit.Change("verified", "exhibit", exhibit_id, client_id, detail or str(state))])

