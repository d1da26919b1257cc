"""The PDF read back with pypdf: pages, bookmarks, contents, page furniture, fonts, exhibits, password."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError

from lawyer_desk.core import models as m
from lawyer_desk.core.documents import briefs, render
from lawyer_desk.core.documents.briefs import BriefOptions
from lawyer_desk.core.documents.snapshot import Brief, Paragraph, Section
from lawyer_desk.core.documents.templates import TemplateSet
from lawyer_desk.core.errors import InvalidInput
from tests.core.documents.conftest import IDRIS, NAZAROV, TODAY, VETROV, YILDIRIM, DemoStore
from tests.core.documents.pdfcheck import PAGE_X_OF_Y, all_text, fonts, outline, page_texts, reader


def flat(text: str) -> str:
    """Text without its spaces and line ends (a table cell wraps where it must)."""
    return "".join(text.split())


def brief_of(demo: DemoStore, templates: TemplateSet, case: int, template: str, **options: object) -> Brief:
    with demo.store.session() as session:
        return briefs.build(session, case, templates.get(template), BriefOptions(today=TODAY, **options))[0]  # type: ignore[arg-type]


@pytest.fixture
def ccf(demo: DemoStore, templates: TemplateSet) -> tuple[Brief, bytes]:
    brief = brief_of(demo, templates, IDRIS, "ccf-deletion-request")
    return brief, render.render(brief)


def test_bookmarks_are_the_headings_and_point_at_their_pages(ccf: tuple[Brief, bytes]) -> None:
    brief, pdf = ccf
    marks = outline(pdf)
    sections = [f"{n}. {s.heading}" for n, s in enumerate(brief.sections, 1)]
    assert [b.title for b in marks if b.level == 0] == [brief.title, "Contents", *sections]
    assert [b.page for b in marks[:3]] == [1, 2, 3], "cover, contents, first section"
    texts = page_texts(pdf)
    for mark in marks[2:]:
        assert mark.title in texts[mark.page - 1].replace("\n", " "), mark
    pages = [b.page for b in marks]
    assert pages == sorted(pages)
    assert "Art. 3: predominance of the political element" in [b.title for b in marks if b.level == 1]


def test_the_contents_list_every_heading_with_its_page(ccf: tuple[Brief, bytes]) -> None:
    brief, pdf = ccf
    contents = page_texts(pdf)[1]
    marks = [b for b in outline(pdf) if b.title not in (brief.title, "Contents")]
    for mark in marks:
        assert mark.title in contents.replace("\n", " ")
    listed = sorted(int(n) for n in re.findall(r"^\s*(\d+)\s*$", contents, re.MULTILINE))
    assert listed == sorted(b.page for b in marks)


def test_every_page_says_page_x_of_y_and_carries_header_and_footer(ccf: tuple[Brief, bytes]) -> None:
    brief, pdf = ccf
    texts = page_texts(pdf)
    assert len(texts) == len(reader(pdf).pages) >= 5
    for number, text in enumerate(texts, 1):
        assert PAGE_X_OF_Y.findall(text) == [(str(number), str(len(texts)))]
        assert brief.case_reference in text
        assert "CONFIDENTIAL – asylum material" in text
        assert brief.audit_head in text and TODAY.isoformat() in text


def test_names_in_every_script_can_be_found_in_the_text(demo: DemoStore, templates: TemplateSet,
                                                       ccf: tuple[Brief, bytes]) -> None:
    text = flat(all_text(ccf[1]))
    for name in ("Idris Mamut", "Yidiresi Maimaiti", "伊德日斯·买买提", "伊公刑拘字[2017]0412号",
                 "Kowalska i Wspólnicy"):
        assert flat(name) in text, name
    vetrov = all_text(render.render(brief_of(demo, templates, VETROV, "case-summary")))
    assert "Алексей Ветров" in vetrov and "Алексеј Ветров" in vetrov
    yildirim = all_text(render.render(brief_of(demo, templates, YILDIRIM, "case-summary")))
    assert "Ayşe Yıldırım" in yildirim and "İzmir" in yildirim


def test_every_font_is_embedded_and_subset(ccf: tuple[Brief, bytes]) -> None:
    used = fonts(ccf[1])
    assert {f.name.split("+", 1)[1] for f in used} >= {"NotoSerif-Regular", "NotoSans-Bold",
                                                       "NotoNaskhArabic-Regular", "DroidSansFallback"}
    for font in used:
        assert font.embedded, f"{font.name} is not embedded"
        assert font.subtype == "/TrueType" and "+" in font.name, f"{font.name} is not a subset"


def test_the_exhibit_index_has_numbers_titles_dates_and_hashes(demo: DemoStore, templates: TemplateSet) -> None:
    pdf = render.render(brief_of(demo, templates, IDRIS, "case-summary"))
    text = flat(all_text(pdf))
    for title in ("Arrest warrant of the Ghulja PSB", "Country report on Xinjiang"):
        sha = demo.sha256[title]
        assert flat(title) in text and sha[:32] in text and sha[32:] in text
    assert "30August2017" in text and "SHA-256oftheoriginal" in text
    assert flat("Psychiatric report on the applicant [confidential]") in text, "counsel see which are confidential"


def test_confidential_exhibits_are_absent_and_present_with_the_override(demo: DemoStore,
                                                                       templates: TemplateSet) -> None:
    secret = "IND decision granting refugee status"
    plain = flat(all_text(render.render(brief_of(demo, templates, IDRIS, "ccf-deletion-request"))))
    assert flat(secret) not in plain and demo.sha256[secret][:32] not in plain
    assert flat("Arrest warrant of the Ghulja PSB") in plain
    shown = flat(all_text(render.render(brief_of(demo, templates, IDRIS, "ccf-deletion-request",
                                                 include_confidential=True))))
    assert flat(secret) in shown and demo.sha256[secret][:32] in shown
    assert "[confidential]" not in shown and "override" not in shown.lower()


def test_metadata_name_the_document_not_the_client(ccf: tuple[Brief, bytes], demo: DemoStore,
                                                    templates: TemplateSet) -> None:
    brief, pdf = ccf
    info = reader(pdf).metadata
    assert info is not None
    assert info.title == f"Request for the deletion of data – {brief.case_reference}"
    assert info.author == "A. Kowalska" and "Idris" not in (info.title or "") + (info.subject or "")
    with demo.store.session() as session:
        client = session.get(m.Client, YILDIRIM)
        assert client is not None
        client.responsible_lawyer = None
    anonymous = reader(render.render(brief_of(demo, templates, YILDIRIM, "case-summary"))).metadata
    assert anonymous is not None and anonymous.author == "lawyer_desk"


def test_a_password_protected_pdf_opens_with_the_password_only(ccf: tuple[Brief, bytes]) -> None:
    brief, _ = ccf
    pdf = render.render(brief, password="correct horse")
    locked = PdfReader(io.BytesIO(pdf))
    assert locked.is_encrypted
    encrypt = locked.trailer["/Encrypt"].get_object()
    assert (encrypt["/V"], encrypt["/R"]) == (5, 6), "AES-256, the revision every current reader opens"
    with pytest.raises(FileNotDecryptedError):
        _ = locked.pages[0].extract_text()
    assert not locked.decrypt("wrong password")
    opened = reader(pdf, password="correct horse")
    assert "page 1 of" in opened.pages[0].extract_text()
    assert len(outline(opened)) == len(outline(ccf[1]))
    with pytest.raises(InvalidInput, match="empty"):
        render.render(brief, password="")


def test_a_500_character_name_wraps_on_the_cover(demo: DemoStore, templates: TemplateSet) -> None:
    long_name = " ".join(["Abdurehim"] * 50)[:500]
    with demo.store.session() as session:
        client = session.get(m.Client, IDRIS)
        assert client is not None
        client.display_name = long_name
    pdf = render.render(brief_of(demo, templates, IDRIS, "ccf-deletion-request"))
    cover = page_texts(pdf)[0]
    assert " ".join(cover.split()).count("Abdurehim") >= 50
    one_word = "A" * 500  # no space to break at: cut, never beyond the page
    brief = brief_of(demo, templates, IDRIS, "case-summary")
    brief = replace(brief, cover=(f"Client: {one_word}",))
    assert "".join(page_texts(render.render(brief))[0].split()).count("A" * 100) >= 1


def test_user_text_prints_literally_and_empty_arguments_do_not_break(demo: DemoStore,
                                                                     templates: TemplateSet) -> None:
    with demo.store.session() as session:
        session.add(m.Note(client_id=IDRIS, title="Markup <b>is</b> text", argument_section="grounds",
                           body="The PSB wrote <font name='Helvetica'>x</font> & nothing else."))
        session.add(m.Note(client_id=IDRIS, title="Empty", body="", argument_section="grounds"))
    text = all_text(render.render(brief_of(demo, templates, IDRIS, "ccf-deletion-request")))
    assert "Markup <b>is</b> text" in text
    assert flat("The PSB wrote <font name='Helvetica'>x</font> & nothing else.") in flat(text)


def test_a_note_written_in_arabic_script_is_laid_out_right_to_left(demo: DemoStore, templates: TemplateSet) -> None:
    brief = brief_of(demo, templates, IDRIS, "case-summary")
    quote = Section("quote", "Statement", (Paragraph("مەن ئىدرىس مامۇت. " * 40),))
    pdf = render.render(replace(brief, sections=(*brief.sections, quote)))
    assert any("Statement" in b.title for b in outline(pdf))


def test_every_template_renders_for_every_demo_case_it_applies_to(demo: DemoStore, templates: TemplateSet) -> None:
    made = 0
    for template in templates:
        for case in (IDRIS, VETROV, NAZAROV, YILDIRIM):
            with demo.store.session() as session:
                try:
                    documents = briefs.build(session, case, template, BriefOptions(today=TODAY))
                except Exception as exc:  # a court submission needs a court, a letter a deleted alert
                    assert "has no" in str(exc), (template.id, case, exc)
                    continue
            for brief in documents:
                texts = page_texts(render.render(brief))
                assert all(PAGE_X_OF_Y.search(t) for t in texts)
                made += 1
    assert made >= 13
