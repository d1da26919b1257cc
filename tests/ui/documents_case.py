"""Shared set-up of the Brief, Bundle and preview tests: the demo cases in a real store, with
real exhibit files (PDFs made by ReportLab, a photo, a text file), one of them confidential,
and an argument note whose body carries a canary that must never reach the disk in plaintext."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtWidgets import QApplication, QWidget
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas
from sqlalchemy import select

from lawyer_desk.core import cases, exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.demo import demo_cases
from lawyer_desk.core.documents.templates import TemplateSet, load_templates
from lawyer_desk.core.store import Store

IDRIS, VETROV, NAZAROV, YILDIRIM = 1, 2, 3, 4
CANARY = "CANARYBRIEFQ7X2 the client's brother was detained in Ghulja"
NOTE_TITLE = "Family members detained"
CONFIDENTIAL_TITLE = "IND decision granting refugee status"


@dataclass(frozen=True)
class DemoCase:
    store: Store
    client_id: int
    numbers: dict[str, str]  # exhibit title → number
    note_id: int  # the argument note holding the canary


def exhibit_pdf(title: str, pages: int = 2, *, wide: bool = False) -> bytes:
    """A PDF exhibit of ``pages`` pages, each saying its title and page number."""
    out = io.BytesIO()
    size = landscape(A4) if wide else A4
    page = canvas.Canvas(out, pagesize=size, invariant=1)
    for n in range(1, pages + 1):
        page.setFont("Helvetica-Bold", 18)
        page.drawString(72, size[1] - 100, f"{title} - page {n}")
        page.rect(60, 60, size[0] - 120, size[1] - 200)
        page.rect(72 + 56 * ((n - 1) % 8), 100, 40, 40, fill=1)  # tells the pages apart at a glance
        page.showPage()
    page.save()
    return out.getvalue()


def demo_case(store: Store, folder: Path, *, damaged: bool = False) -> DemoCase:
    """The demo cases; Idris Mamut's gets four exhibits (the second confidential) and a canary note."""
    with store.session() as session:
        ids = cases.import_cases(session, demo_cases())
        assert ids == [IDRIS, VETROV, NAZAROV, YILDIRIM]
        note = m.Note(client_id=IDRIS, title=NOTE_TITLE, argument_section="grounds", body=CANARY)
        session.add(note)
        session.flush()
        assert note.id is not None
        note_id = note.id
    folder.mkdir(parents=True, exist_ok=True)
    files = [
        ("warrant.pdf", "Arrest warrant of the Ghulja PSB", exhibit_pdf("Arrest warrant", 2), False),
        ("ind.pdf", CONFIDENTIAL_TITLE, exhibit_pdf("IND decision", 1), True),
        ("report.pdf", "Country report on Xinjiang", exhibit_pdf("Country report", 3), False),
        ("letter.txt", "Letter from the embassy", b"The embassy confirms the arrest.\n", False),
    ]
    if damaged:
        files.append(("broken.pdf", "Medical report (damaged file)", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n"
                      b"trailer garbage\n" * 20, False))
    numbers = {}
    for name, title, content, confidential in files:
        path = folder / name
        path.write_bytes(content)
        (result,) = exhibits.add_files(store, IDRIS, [path], title=title, confidential=confidential)
        assert result.ok, result.error
        numbers[title] = str(result.number)
        path.unlink()  # the originals go; only the vault holds them
    return DemoCase(store, IDRIS, numbers, note_id)


_TEMPLATES: TemplateSet | None = None


def templates() -> TemplateSet:
    global _TEMPLATES  # noqa: PLW0603 (loaded once for the whole run)
    if _TEMPLATES is None:
        _TEMPLATES = load_templates()
    return _TEMPLATES


def pdf_text(pdf: bytes, password: str | None = None) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    if password is not None:
        assert reader.decrypt(password)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def page_count(pdf: bytes, password: str | None = None) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    if password is not None:
        assert reader.decrypt(password)
    return len(reader.pages)


def disclosures(store: Store) -> list[str]:
    """Summaries of the audit entries recording a confidentiality override."""
    with store.session() as session:
        found = session.execute(select(m.AuditEntry).where(m.AuditEntry.action == "disclose_confidential"))
        return [entry.summary for entry in found.scalars()]


def top_level(kind: type[QWidget]) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def plaintext_hits(roots: list[Path], needles: set[bytes]) -> list[str]:
    """Files under ``roots`` holding any of ``needles``."""
    hits = []
    for root in roots:
        for folder, _dirs, names in os.walk(root):
            for name in names:
                path = Path(folder) / name
                try:
                    data = path.read_bytes()
                except OSError:
                    continue
                hits += [f"{path}: {needle[:24]!r}" for needle in needles if needle in data]
    return hits


def needles_of(pdf: bytes) -> set[bytes]:
    """What would betray a plaintext copy of ``pdf``: the canary and slices from its middle and end."""
    middle = len(pdf) // 2
    return {CANARY.encode(), pdf[middle - 32:middle + 32], pdf[-200:-100]}
