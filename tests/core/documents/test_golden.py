"""Golden images: a page holding all four scripts, in table cells and inside sentences.

Text extraction cannot show that Arabic script is joined and right to left (it is lossy for
shaped text), so the page is rendered to pixels with QtPdf, at a modest resolution, and
compared with PNGs committed in ``tests/data/golden/`` (looked at by a person when they were
made). Rendering differs a little between rasterisers, hence a tolerance; the last test shows
that the tolerance still catches an Uyghur name in the wrong order.

To remake the images after an intended change of layout: ``LAWYER_DESK_UPDATE_GOLDEN=1 uv run
pytest tests/core/documents/test_golden.py`` — and look at them before committing.
"""

from __future__ import annotations

import io
import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication

from lawyer_desk.core.documents import render
from lawyer_desk.core.documents import snapshot as snap

GOLDEN = Path(__file__).resolve().parents[2] / "data" / "golden"
UPDATE = os.environ.get("LAWYER_DESK_UPDATE_GOLDEN") == "1"
DPI = 96
# A pixel is "off" when it differs by more than this (of 255): anti-aliasing noise stays below.
OFF = 96
MAX_OFF_PIXELS = 120  # a whole wrong word is several hundred

UYGHUR = "ئىدرىس مامۇت"
PERSIAN = "محمد رضایی"


def scripts_brief(uyghur: str = UYGHUR) -> snap.Brief:
    sentences = (
        snap.Paragraph(f"The applicant, {uyghur} (伊德日斯·买买提), known in Russia as Алексей Ветров and in "
                       f"Turkey as Ayşe Yıldırım, was arrested in Warsaw on 13 May 2026.", numbered=True),
        snap.Paragraph(f"Le requérant, {uyghur}, né à Ghulja (伊宁), réfugié reconnu par les Pays-Bas, est "
                       f"recherché par la Chine ; son nom persan est {PERSIAN} (۱۴۰۲).", numbered=True),
        snap.Paragraph(f"The warrant 伊公刑拘字[2017]0412号 of 30 August 2017 names «{uyghur}» and Рустам "
                       "Назаров.", numbered=True),
    )
    table = snap.Table(
        ("Script", "Name", "In a sentence"),
        (("Latin", "Ayşe Yıldırım", "İzmir, born 21 July 1990"),
         ("Arabic (Uyghur)", uyghur, f"signed by {uyghur} in 2019"),
         ("Arabic (Persian)", f"{PERSIAN} ۱۴۰۲", f"the name {PERSIAN} (Rezaei)"),
         ("Cyrillic", "Алексей Ветров", "Алексеј Ветров in Serbian documents"),
         ("Han", "伊德日斯·买买提", "the PRC spelling 伊德日斯 in the warrant")),
        (1.3, 1.6, 2.6))
    statement = (snap.Subheading(f"{uyghur}نىڭ بايانى"),  # "Idris Mamut's statement": a heading in Uyghur
                 snap.Paragraph(f"مەن {uyghur}، 1984-يىلى غۇلجىدا تۇغۇلدۇم. (Idris Mamut, 1984)"))
    section = snap.Section("names", "Names in every script", (*sentences, table, *statement))
    return snap.Brief(template="golden", title="Names in every script", case_reference="LD-GOLDEN01",
                      marking="CONFIDENTIAL – test page", date=date(2026, 5, 30), audit_head="0" * 64,
                      author="lawyer_desk", cover=("A page for the golden-image test",), sections=(section,))


def rasterise(pdf: bytes, page: int) -> Image.Image:
    """One page as an 8-bit grey image at ``DPI``, by QtPdf (PDFium), as the desk's preview does."""
    document = QPdfDocument(None)
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    assert document.status() == QPdfDocument.Status.Ready, document.error()
    points = document.pagePointSize(page)
    size = QSize(round(points.width() * DPI / 72), round(points.height() * DPI / 72))
    image = document.render(page, size)
    png = QByteArray()
    out = QBuffer(png)
    out.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(out, "PNG")
    document.close()
    rendered = Image.open(io.BytesIO(bytes(png.data()))).convert("RGBA")  # transparent where nothing is drawn
    paper = Image.new("RGBA", rendered.size, "white")
    return Image.alpha_composite(paper, rendered).convert("L")


def off_pixels(a: Image.Image, b: Image.Image) -> int:
    assert a.size == b.size, f"{a.size} != {b.size}"
    histogram = ImageChops.difference(a, b).histogram()
    return sum(histogram[OFF + 1:])


def check(image: Image.Image, name: str) -> None:
    golden = GOLDEN / name
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        image.save(golden, optimize=True)
        return
    assert golden.exists(), f"{golden} is missing: make it with LAWYER_DESK_UPDATE_GOLDEN=1 and look at it"
    off = off_pixels(image, Image.open(golden).convert("L"))
    assert off <= MAX_OFF_PIXELS, f"{off} pixels differ from {golden.name} (at most {MAX_OFF_PIXELS})"


@pytest.fixture
def page(qapp: QApplication) -> Image.Image:
    return rasterise(render.render(scripts_brief()), page=2)


def test_all_scripts_in_cells_and_sentences_look_as_approved(page: Image.Image) -> None:
    check(page, "scripts-page.png")


def test_the_table_of_contents_page_looks_as_approved(qapp: QApplication) -> None:
    check(rasterise(render.render(scripts_brief()), page=1), "scripts-contents.png")


def test_the_comparison_catches_a_name_in_the_wrong_order(qapp: QApplication, page: Image.Image) -> None:
    swapped = " ".join(reversed(UYGHUR.split()))
    wrong = rasterise(render.render(scripts_brief(swapped)), page=2)
    assert off_pixels(page, wrong) > 3 * MAX_OFF_PIXELS
    same = rasterise(render.render(replace(scripts_brief(), audit_head="0" * 64)), page=2)
    assert off_pixels(page, same) == 0, "rendering is deterministic"
