"""The shortcuts on our fonts answer exactly as ReportLab's own methods would."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.abag import ABag
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, TTFont

from lawyer_desk.core.documents import fonts

NO_GLYPH = "\u2603\U0001f600"
CHARACTERS = "aeiouxyz AEIOU.,;:()«»-–0123456789éèçşğıİ\u00a0ДжЩыё伊德日斯·" + NO_GLYPH


@pytest.fixture(autouse=True, scope="module")
def registered() -> None:
    fonts.register_text_fonts()
    fonts.ensure(fonts.HAN)


class Document:
    """Something to key a font's subsets by, as a PDF document does."""


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=CHARACTERS, max_size=30), max_size=25), st.sampled_from([fonts.SERIF, fonts.HAN]))
def test_subset_codes_are_reportlabs(texts: list[str], name: str) -> None:
    font = fonts.ensure(name)
    ours, theirs = Document(), Document()
    for text in texts:  # in turn: characters get their codes as they first come
        assert font.splitString(text, ours) == TTFont.splitString(font, text, theirs)
    if texts:
        assert font.state[ours].assignments == font.state[theirs].assignments
        assert font.state[ours].subsets == font.state[theirs].subsets


@given(st.text(alphabet=CHARACTERS, max_size=30), st.sampled_from([8.5, 10.5, 11]))
def test_widths_are_reportlabs(text: str, size: float) -> None:
    font = fonts.ensure(fonts.SERIF)
    assert font.stringWidth(text, size) == TTFont.stringWidth(font, text, size)
    assert pdfmetrics.stringWidth(text, fonts.SERIF, size) == TTFont.stringWidth(font, text, size)


def test_ascent_and_descent_are_the_faces() -> None:
    for name in (fonts.SERIF, fonts.SANS_BOLD, fonts.NASKH, fonts.HAN):
        font = fonts.ensure(name)
        assert (font.ascent, font.descent) == (font.face.ascent, font.face.descent)
        assert pdfmetrics.getAscentDescent(name, 10) == (font.face.ascent / 100, font.face.descent / 100)


def test_a_name_is_shaped_once_and_the_same_each_time() -> None:
    naskh = ABag(fontName=fonts.NASKH, fontSize=10.5)
    fonts.ensure(fonts.NASKH)
    first = fonts.shape_fragments([30.0, (naskh, "مامۇت")])
    assert (fonts.NASKH, 10.5, "مامۇت") in fonts._shaped
    again = fonts.shape_fragments([30.0, (naskh, "مامۇت")])
    assert again[0] == first[0]
    assert [(f, t, t.__shapeData__) for f, t in again[1:]] == [(f, t, t.__shapeData__) for f, t in first[1:]]
    assert all(isinstance(t, ShapedStr) for _f, t in again[1:])
