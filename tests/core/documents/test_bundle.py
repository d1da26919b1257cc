"""Hearing bundles read back with pypdf: every page's stamped number, bookmarks, index links.

The exhibits are real files — PDFs drawn with ReportLab, photographs made with Pillow —
added through ``exhibits.add_files`` into a real encrypted store.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, RectangleObject
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select

from lawyer_desk.core import cases, exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.demo import demo_cases
from lawyer_desk.core.documents.bundle import Bundle, BundleError, BundleOptions, assemble, chosen_exhibits
from lawyer_desk.core.documents.bundle_pages import STRIP
from lawyer_desk.core.documents.templates import TemplateSet
from lawyer_desk.core.errors import InvalidInput, NotFound
from lawyer_desk.core.store import Store
from lawyer_desk.core.vault import Cancel, Cancelled, Progress
from tests.core.documents.conftest import IDRIS, TODAY, VETROV
from tests.core.documents.pdfcheck import fonts, outline

COURT = "extradition-court-submission"
SECRET = "IND decision granting refugee status"


# --- exhibits made for the tests --------------------------------------------------------------------
def pdf_file(path: Path, pages: int, label: str, *, size: tuple[float, float] = A4, rotate: int = 0) -> Path:
    """A PDF whose pages say "<label> page N" near the top and "<label> foot N" at the very bottom edge."""
    canvas = Canvas(str(path), pagesize=size)
    for n in range(1, pages + 1):
        canvas.setFont("Helvetica", 12)
        canvas.drawString(60, size[1] - 80, f"{label} page {n}")
        canvas.drawString(60, 2, f"{label} foot {n}")
        canvas.showPage()
    canvas.save()
    if rotate:
        writer = PdfWriter(clone_from=PdfReader(path))
        for page in writer.pages:
            page.rotate(rotate)
        writer.write(path)
    return path


@dataclass(frozen=True)
class Case:
    store: Store
    ids: dict[str, int]  # exhibit title → id
    numbers: dict[str, str]  # exhibit title → number


def add(store: Store, case: int, path: Path, title: str, *, confidential: bool = False) -> tuple[int, str]:
    (result,) = exhibits.add_files(store, case, [path], title=title, confidential=confidential)
    assert result.ok, result.error
    assert result.exhibit_id is not None and result.number is not None
    return result.exhibit_id, result.number


@pytest.fixture
def case(store: Store, tmp_path: Path) -> Iterator[Case]:
    """The Uyghur client's case with a 3-page PDF, a photograph, a Word file, a confidential
    2-page PDF and a landscape 2-page PDF, in that order."""
    with store.session() as session:
        cases.import_cases(session, demo_cases(TODAY))
    Image.new("RGB", (900, 600), "darkkhaki").save(tmp_path / "summons.png")
    (tmp_path / "statement.docx").write_bytes(b"PK\x03\x04 a Word file, held but not paginated")
    files = [(pdf_file(tmp_path / "warrant.pdf", 3, "Warrant"), "Arrest warrant", False),
             (tmp_path / "summons.png", "Photograph of the summons", False),
             (tmp_path / "statement.docx", "Witness statement", False),
             (pdf_file(tmp_path / "ind.pdf", 2, "Decision"), SECRET, True),
             (pdf_file(tmp_path / "report.pdf", 2, "Report", size=landscape(A4)), "Country report", False)]
    ids, numbers = {}, {}
    for path, title, confidential in files:
        ids[title], numbers[title] = add(store, IDRIS, path, title, confidential=confidential)
    yield Case(store, ids, numbers)


def make(case: Case, templates: TemplateSet | None = None, template: str | None = COURT, *,
         progress: Progress | None = None, cancel: Cancel | None = None, **options: Any) -> Bundle:
    chosen = templates.get(template) if templates is not None and template else None
    return assemble(case.store, IDRIS, BundleOptions(template=chosen, today=TODAY, **options), progress=progress,
                    cancel=cancel)


# --- reading back -----------------------------------------------------------------------------------
def reader(bundle: Bundle) -> PdfReader:
    return PdfReader(io.BytesIO(bundle.pdf))


def stamp_of(page_text: str) -> str:
    """The page number: the last line of the page's text (it is drawn last, at the foot)."""
    return page_text.strip().splitlines()[-1].strip()


def page_numbers(found: PdfReader) -> dict[int, int]:
    """Page object number → position (from 1)."""
    return {page.indirect_reference.idnum: n for n, page in enumerate(found.pages, 1)}  # type: ignore[union-attr]


@dataclass(frozen=True)
class Piece:
    text: str
    x: float
    y: float


def pieces(page: object) -> list[Piece]:
    """The text of a page, piece by piece, where each piece stands on the page."""
    found: list[Piece] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append(Piece(text.strip(), x, y))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return found


def index_pieces(page: Any) -> list[Piece]:
    """The text of an index page where it stands. The page numbers in its rows are form
    XObjects, whose text pypdf's visitor places relative to the form: they are placed here by
    following the page's transformations up to each form."""
    found = [p for p in pieces(page) if p.x > 1]
    ctm, saved = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), []
    forms = page["/Resources"]["/XObject"]
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"q":
            saved.append(ctm)
        elif operator == b"Q":
            ctm = saved.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            ctm = (a * ctm[0] + b * ctm[2], a * ctm[1] + b * ctm[3], c * ctm[0] + d * ctm[2],
                   c * ctm[1] + d * ctm[3], e * ctm[0] + f * ctm[2] + ctm[4], e * ctm[1] + f * ctm[3] + ctm[5])
        elif operator == b"Do":
            form = forms[operands[0]].get_object()
            shown = [o[0] for o, op in ContentStream(form, page.pdf).operations if op == b"Tj"]
            text = "".join(t.get_original_bytes().decode("latin-1") if hasattr(t, "get_original_bytes")
                           else bytes(t).decode("latin-1") for t in shown)
            if text:
                found.append(Piece(text, ctm[4] + 1, ctm[5] + 1))
    return found


# --- numbering --------------------------------------------------------------------------------------
def test_every_page_is_stamped_with_its_position(case: Case, templates: TemplateSet) -> None:
    bundle = make(case, templates)
    found = reader(bundle)
    assert bundle.pages == len(found.pages) > 10
    assert [stamp_of(page.extract_text()) for page in found.pages] == [str(n) for n in range(1, bundle.pages + 1)]
    assert found.page_labels == [str(n) for n in range(1, bundle.pages + 1)]
    assert [(e.section, e.number, e.first_page, e.page_count, e.stamp) for e in bundle.entries] == [
        ("index", "", 1, 1, "1"),
        ("submission", "", 2, bundle.entries[1].page_count, "2"),
        ("exhibits", "1", bundle.entries[2].first_page, 3, bundle.entries[2].stamp),
        ("exhibits", "2", bundle.entries[2].first_page + 3, 1, str(bundle.entries[2].first_page + 3)),  # type: ignore[operator]
        ("exhibits", "3", None, 0, ""),
        ("exhibits", "5", bundle.entries[2].first_page + 4, 2, str(bundle.entries[2].first_page + 4)),  # type: ignore[operator]
    ]
    submission = bundle.entries[1]
    assert bundle.entries[2].first_page == 2 + submission.page_count
    assert bundle.pages == 1 + submission.page_count + 3 + 1 + 2


def test_numbers_restart_in_each_section_after_the_prefix(case: Case, templates: TemplateSet) -> None:
    bundle = make(case, templates, prefix="B-", restart_per_section=True)
    stamps = [stamp_of(page.extract_text()) for page in reader(bundle).pages]
    submission = bundle.entries[1].page_count
    assert stamps == (["B-I1"] + [f"B-S{n}" for n in range(1, submission + 1)]
                      + [f"B-E{n}" for n in range(1, 3 + 1 + 2 + 1)])
    assert [e.stamp for e in bundle.entries if e.section == "exhibits"] == ["B-E1", "B-E4", "", "B-E5"]
    assert reader(bundle).page_labels == stamps, "a reader's page box shows the stamped numbers"


def test_a_continuous_prefix(case: Case) -> None:
    bundle = make(case, template=None, prefix="Tab 7/")
    stamps = [stamp_of(page.extract_text()) for page in reader(bundle).pages]
    assert stamps == [f"Tab 7/{n}" for n in range(1, 8)]  # the index, 3 + 1 + 2 pages of exhibits
    assert reader(bundle).page_labels == stamps
    assert [e.section for e in bundle.entries] == ["index", "exhibits", "exhibits", "exhibits", "exhibits"]


def test_the_number_stands_in_a_free_strip_and_covers_nothing(case: Case) -> None:
    """Text drawn at the very foot of an exhibit's page is moved up out of the number's strip."""
    bundle = make(case, template=None)
    found = reader(bundle)
    warrant = bundle.entry(case.numbers["Arrest warrant"])
    assert warrant.first_page is not None
    for offset in range(3):
        page = found.pages[warrant.first_page - 1 + offset]
        placed = {p.text: p for p in pieces(page)}
        foot, stamp = placed[f"Warrant foot {offset + 1}"], placed[str(warrant.first_page + offset)]
        assert foot.y >= STRIP > stamp.y + 9, "the exhibit's own text stays above the strip"
        assert placed[f"Warrant page {offset + 1}"].y > foot.y
        assert "/Rotate" not in page and page.mediabox.width == pytest.approx(A4[0])


def test_a_rotated_page_is_read_upright_with_the_number_at_its_foot(case: Case, tmp_path: Path) -> None:
    add(case.store, IDRIS, pdf_file(tmp_path / "turned.pdf", 1, "Turned", rotate=90), "Scanned sideways")
    bundle = make(case, template=None)
    entry = bundle.entries[-1]
    assert entry.title == "Scanned sideways" and entry.first_page == bundle.pages
    page = reader(bundle).pages[-1]
    assert page.get("/Rotate", 0) == 0
    assert page.mediabox.width == pytest.approx(A4[1]) and page.mediabox.height == pytest.approx(A4[0])
    stamp = next(p for p in pieces(page) if p.text == str(bundle.pages))
    assert stamp.y < STRIP and stamp.x > A4[1] / 2, "at the foot, on the right, of the page as it is read"


# --- bookmarks and the index ------------------------------------------------------------------------
def test_a_bookmark_for_each_section_and_each_exhibit(case: Case, templates: TemplateSet) -> None:
    bundle = make(case, templates)
    found = reader(bundle)
    marks = outline(found)
    top = [(b.title, b.page) for b in marks if b.level == 0]
    submission = bundle.entries[1]
    assert top == [("Index", 1), (f"Submission: {submission.title}", 2), ("Exhibits", bundle.entries[2].first_page)]
    exhibit_marks = [(b.title, b.page) for b in marks if b.level == 1 and b.title.startswith("Exhibit ")]
    assert exhibit_marks == [
        ("Exhibit 1: Arrest warrant", bundle.entry("1").first_page),
        ("Exhibit 2: Photograph of the summons", bundle.entry("2").first_page),
        ("Exhibit 5: Country report", bundle.entry("5").first_page),
    ]
    texts = [page.extract_text() for page in found.pages]
    assert "Warrant page 1" in texts[bundle.entry("1").first_page - 1]  # type: ignore[operator]
    assert "Report page 1" in texts[bundle.entry("5").first_page - 1]  # type: ignore[operator]
    assert "Exhibit 2 – Photograph of the summons" in texts[bundle.entry("2").first_page - 1]  # type: ignore[operator]
    inside = [b for b in marks if b.level == 1 and not b.title.startswith("Exhibit ")]
    assert inside and all(2 <= b.page < 2 + submission.page_count for b in inside), "the brief's own bookmarks"


def test_index_rows_link_to_the_pages_whose_numbers_they_show(case: Case, templates: TemplateSet) -> None:
    bundle = make(case, templates, prefix="B-")
    found = reader(bundle)
    positions = page_numbers(found)
    index = found.pages[0]
    words = index_pieces(index)
    linked = {}
    for annotation in index["/Annots"]:
        link = annotation.get_object()
        assert link["/Subtype"] == "/Link"
        x0, y0, x1, y1 = (float(v) for v in link["/Rect"])
        inside = [p.text for p in words if x0 <= p.x <= x1 and y0 <= p.y <= y1]
        target = positions[link["/Dest"][0].idnum]
        stamped = stamp_of(found.pages[target - 1].extract_text())
        assert stamped in inside, f"the row shows the number stamped on the page it links to ({inside})"
        linked[stamped] = inside
    paginated = [e for e in bundle.entries[1:] if e.paginated]
    assert sorted(linked) == sorted(e.stamp for e in paginated)
    for entry in paginated:
        assert entry.title.split()[0] in " ".join(linked[entry.stamp])
        if entry.number:
            assert entry.number in linked[entry.stamp]
            assert entry.sha256[:32] in linked[entry.stamp]


def test_a_long_index_numbers_and_links_its_own_pages(case: Case, tmp_path: Path) -> None:
    """With enough exhibits the index runs to several pages: every number after it moves on."""
    extra = [pdf_file(tmp_path / f"Extra exhibit {n}.pdf", 1, f"Extra{n}") for n in range(40)]
    assert all(r.ok for r in exhibits.add_files(case.store, IDRIS, extra))
    bundle = make(case, template=None)
    index = bundle.entries[0]
    assert index.page_count >= 2
    found = reader(bundle)
    assert [stamp_of(page.extract_text()) for page in found.pages] == [str(n) for n in range(1, bundle.pages + 1)]
    assert bundle.entries[1].first_page == index.page_count + 1
    positions = page_numbers(found)
    targets = sorted(positions[a.get_object()["/Dest"][0].idnum]
                     for page in found.pages[:index.page_count] for a in page["/Annots"])
    assert targets == sorted(e.first_page for e in bundle.entries[1:] if e.first_page)  # type: ignore[type-var]
    assert "Extra exhibit 39" in found.pages[index.page_count - 1].extract_text()


# --- kinds of exhibit ---------------------------------------------------------------------------------
def test_images_are_placed_on_pages_of_their_own(case: Case, tmp_path: Path) -> None:
    # A phone photograph taken upright: stored 400 × 200 with the EXIF tag "turn 90° clockwise".
    photo = Image.new("RGB", (400, 200), "navy")
    exif = photo.getexif()
    exif[0x0112] = 6
    photo.save(tmp_path / "phone.jpg", exif=exif)
    add(case.store, IDRIS, tmp_path / "phone.jpg", "Photograph taken with a phone")
    bundle = make(case, template=None)
    found = reader(bundle)
    summons = found.pages[bundle.entry("2").first_page - 1]  # type: ignore[operator]
    assert summons.mediabox.width > summons.mediabox.height, "a wide image gets a landscape page"
    assert "Exhibit 2 – Photograph of the summons" in summons.extract_text()
    (image,) = [x.get_object() for x in summons["/Resources"]["/XObject"].values()]
    assert (image["/Width"], image["/Height"]) == (900, 600)
    phone = found.pages[-1]
    assert phone.mediabox.height > phone.mediabox.width, "turned upright as the camera was held"
    (image,) = [x.get_object() for x in phone["/Resources"]["/XObject"].values()]
    assert (image["/Width"], image["/Height"]) == (200, 400)


def test_other_files_are_listed_as_held_not_paginated(case: Case) -> None:
    bundle = make(case, template=None)
    entry = bundle.entry(case.numbers["Witness statement"])
    assert not entry.paginated and entry.stamp == "" and entry.page_count == 0
    index = reader(bundle).pages[0].extract_text()
    assert "Witness statement" in index and "original held, not paginated" in " ".join(index.split())
    assert "Witness statement" not in [b.title for b in outline(reader(bundle))]


def test_a_500_character_title_wraps_in_the_index(case: Case, tmp_path: Path) -> None:
    title = "Decision of the Regional Court " + "on the lawfulness of detention " * 16
    title = title[:500]
    add(case.store, IDRIS, pdf_file(tmp_path / "long.pdf", 1, "Long"), title)
    bundle = make(case, template=None)
    assert bundle.entries[-1].title == title and bundle.entries[-1].first_page == bundle.pages
    index = " ".join(" ".join(page.extract_text() for page in reader(bundle).pages[:bundle.entries[0].page_count])
                     .split())
    assert title[-40:].strip() in index
    assert [b.title for b in outline(reader(bundle))][-1] == f"Exhibit 6: {title}"


def test_a_case_without_exhibits_still_makes_a_bundle(store: Store, templates: TemplateSet) -> None:
    with store.session() as session:
        cases.import_cases(session, demo_cases(TODAY))
    bundle = assemble(store, VETROV, BundleOptions(template=templates.get(COURT), today=TODAY))
    found = reader(bundle)
    assert "No exhibits are produced in this bundle." in found.pages[0].extract_text()
    assert [e.section for e in bundle.entries] == ["index", "submission"]
    assert [stamp_of(page.extract_text()) for page in found.pages] == [str(n) for n in range(1, bundle.pages + 1)]
    assert [b.title for b in outline(found) if b.level == 0][-1].startswith("Submission: ")


def test_the_numbers_font_is_embedded(case: Case) -> None:
    found = reader(make(case, template=None))
    for page in found.pages:
        font = page["/Resources"]["/Font"]["/LDBundlePageNumber"].get_object()
        assert "/FontFile2" in font["/FontDescriptor"], "a subset of Noto Sans, in the file"
    index = PdfWriter()
    index.add_page(found.pages[0])
    buffer = io.BytesIO()
    index.write(buffer)
    used = fonts(buffer.getvalue())
    assert used and all(font.embedded for font in used), used


def test_a_cropped_page_keeps_what_a_reader_showed(case: Case, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(pdf_file(tmp_path / "wide.pdf", 1, "Cropped")))
    writer.pages[0].cropbox = RectangleObject((50, 100, 450, 700))
    writer.write(tmp_path / "cropped.pdf")
    add(case.store, IDRIS, tmp_path / "cropped.pdf", "Cropped scan")
    page = reader(make(case, template=None)).pages[-1]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((400, 600))
    assert "/CropBox" not in page


def test_an_exhibits_links_move_with_its_content(case: Case, tmp_path: Path) -> None:
    canvas = Canvas(str(tmp_path / "linked.pdf"), pagesize=A4)
    canvas.drawString(60, 5, "https://example.org/judgment")
    canvas.linkURL("https://example.org/judgment", (60, 0, 260, 18), relative=0)
    canvas.showPage()
    canvas.save()
    add(case.store, IDRIS, tmp_path / "linked.pdf", "Judgment online")
    page = reader(make(case, template=None)).pages[-1]
    (link,) = [a.get_object() for a in page["/Annots"]]
    scale = (A4[1] - STRIP) / A4[1]
    margin = (1 - scale) * A4[0] / 2
    expected = (60 * scale + margin, STRIP, 260 * scale + margin, 18 * scale + STRIP)
    assert [float(v) for v in link["/Rect"]] == pytest.approx(expected, abs=0.01), "shrunk and lifted with the text"
    assert link["/A"]["/URI"] == "https://example.org/judgment"


# --- exhibits that cannot go in -----------------------------------------------------------------------
def test_a_damaged_exhibit_pdf_is_named_and_nothing_is_made(case: Case, tmp_path: Path) -> None:
    whole = pdf_file(tmp_path / "whole.pdf", 4, "Whole").read_bytes()
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(whole[: len(whole) // 2])
    _, number = add(case.store, IDRIS, damaged, "Police report " + "very long title " * 30)
    with pytest.raises(BundleError) as raised:
        make(case, template=None)
    message = str(raised.value)
    assert message.startswith(f"Exhibit {number} (Police report very long title") and "damaged PDF" in message
    assert len(message) < 400


def test_a_password_protected_exhibit_pdf_is_named_and_nothing_is_made(case: Case, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(pdf_file(tmp_path / "open.pdf", 2, "Locked")))
    writer.encrypt(user_password="secret", owner_password="secret", algorithm="AES-256")
    locked = tmp_path / "locked.pdf"
    writer.write(locked)
    _, number = add(case.store, IDRIS, locked, "Bank statement")
    with pytest.raises(BundleError, match=rf"^Exhibit {number} \(Bank statement\) is a password-protected PDF"):
        make(case, template=None)


def test_a_pdf_protected_only_against_changes_goes_in(case: Case, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(pdf_file(tmp_path / "open.pdf", 2, "Restricted")))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    restricted = tmp_path / "restricted.pdf"
    writer.write(restricted)
    _, number = add(case.store, IDRIS, restricted, "Court record")
    bundle = make(case, template=None)
    entry = bundle.entry(number)
    assert entry.page_count == 2
    assert "Restricted page 2" in reader(bundle).pages[entry.first_page].extract_text()  # type: ignore[index]


def test_a_page_without_a_size_is_named(case: Case, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(pdf_file(tmp_path / "flat.pdf", 2, "Flat")))
    writer.pages[1].mediabox = RectangleObject((0, 0, 0, 0))
    writer.write(tmp_path / "flat.pdf")
    _, number = add(case.store, IDRIS, tmp_path / "flat.pdf", "Flattened scan")
    with pytest.raises(BundleError, match=rf"^Exhibit {number} \(Flattened scan\) is a damaged PDF"):
        make(case, template=None)


def test_an_unreadable_image_is_named(case: Case, tmp_path: Path) -> None:
    Image.new("RGB", (300, 300), "olive").save(tmp_path / "cut.jpg")
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(cut.read_bytes()[:400])
    _, number = add(case.store, IDRIS, cut, "Photograph of the door")
    with pytest.raises(BundleError, match=rf"^Exhibit {number} \(Photograph of the door\) is not a readable image"):
        make(case, template=None)


def test_an_altered_vault_object_is_named(case: Case) -> None:
    with case.store.session() as session:
        name = session.get(m.Exhibit, case.ids["Arrest warrant"]).object_name  # type: ignore[union-attr]
    path = case.store.paths.vault / name
    data = bytearray(path.read_bytes())
    data[-40] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(BundleError, match=r"^Exhibit 1 \(Arrest warrant\): its stored file is damaged"):
        make(case, template=None)


# --- confidential exhibits ----------------------------------------------------------------------------
def disclosures(store: Store) -> list[str]:
    with store.session() as session:
        return list(session.execute(select(m.AuditEntry.summary).where(
            m.AuditEntry.action == "disclose_confidential")).scalars())


def test_confidential_exhibits_stay_out_of_a_bundle_for_a_court(case: Case, templates: TemplateSet) -> None:
    bundle = make(case, templates)
    assert [e.number for e in bundle.entries if e.section == "exhibits"] == ["1", "2", "3", "5"]
    text = " ".join(page.extract_text() for page in reader(bundle).pages)
    assert SECRET not in text and "Decision page" not in text
    assert disclosures(case.store) == []


def test_the_override_lets_them_in_and_is_audited(case: Case, templates: TemplateSet) -> None:
    bundle = make(case, templates, include_confidential=True)
    entry = bundle.entry(case.numbers[SECRET])
    assert entry.page_count == 2
    assert "Decision page 1" in reader(bundle).pages[entry.first_page - 1].extract_text()  # type: ignore[operator]
    found = disclosures(case.store)
    assert any("hearing bundle" in s and "exhibit(s) 4" in s and "a court" in s for s in found), found
    assert not any(SECRET in s for s in found)


def test_counsel_bundle_holds_everything_marked_without_audit(case: Case, templates: TemplateSet) -> None:
    bundle = make(case, templates, template="case-summary")
    entry = bundle.entry(case.numbers[SECRET])
    assert entry.paginated and entry.title == f"{SECRET} [confidential]"
    assert disclosures(case.store) == []


def test_a_refused_bundle_keeps_no_audit_entry(case: Case, tmp_path: Path, templates: TemplateSet) -> None:
    locked = tmp_path / "broken.pdf"
    locked.write_bytes(b"%PDF-1.7\nnot really a PDF at all\n")
    add(case.store, IDRIS, locked, "Broken")
    with pytest.raises(BundleError):
        make(case, templates, include_confidential=True)
    assert disclosures(case.store) == []


# --- choosing, order, options -----------------------------------------------------------------------
def test_chosen_exhibits_in_the_chosen_order(case: Case) -> None:
    order = (case.ids["Country report"], case.ids[SECRET], case.ids["Arrest warrant"])
    with case.store.session() as session:
        chosen = chosen_exhibits(session, IDRIS, BundleOptions(exhibit_ids=order))
    assert [r.title for r in chosen] == ["Country report", "Arrest warrant"]
    bundle = make(case, template=None, exhibit_ids=order, include_confidential=True)
    assert [e.number for e in bundle.entries[1:]] == ["5", "4", "1"]
    assert [b.title for b in outline(reader(bundle)) if b.level == 1] == [
        "Exhibit 5: Country report", f"Exhibit 4: {SECRET}", "Exhibit 1: Arrest warrant"]
    with pytest.raises(NotFound, match="Not exhibits of case 1: 999"):
        make(case, template=None, exhibit_ids=(999,))
    with pytest.raises(NotFound, match="no case 77"):
        assemble(case.store, 77, BundleOptions())


def test_progress_and_cancel(case: Case) -> None:
    seen: list[tuple[int, int]] = []
    make(case, template=None, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] and [d for d, _ in seen] == sorted(d for d, _ in seen)
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        make(case, template=None, cancel=cancel)


def test_a_password_protects_the_bundle(case: Case) -> None:
    bundle = make(case, template=None, password="open sesame")
    locked = reader(bundle)
    assert locked.is_encrypted and not locked.decrypt("wrong")
    assert locked.decrypt("open sesame")
    assert stamp_of(locked.pages[-1].extract_text()) == str(bundle.pages)


def test_a_prefix_that_cannot_be_printed(case: Case) -> None:
    with pytest.raises(InvalidInput, match="too long"):
        make(case, template=None, prefix="B" * 13)
    with pytest.raises(InvalidInput, match="no glyph"):
        make(case, template=None, prefix="甲-")


def test_a_letter_template_needs_one_authority(store: Store, templates: TemplateSet) -> None:
    with store.session() as session:
        cases.import_cases(session, demo_cases(TODAY))
    options = BundleOptions(template=templates.get("authority-letter"), today=TODAY)
    with pytest.raises(InvalidInput, match=r"makes 4 documents .*choose its addressee"):
        assemble(store, 3, options)
    bundle = assemble(store, 3, BundleOptions(template=templates.get("authority-letter"), addressee="AT",
                                              today=TODAY))
    assert re.search(r"Bundeskriminalamt|Austria", reader(bundle).pages[1].extract_text())
