"""The quick ways of making paragraphs give exactly what ReportLab's own would.

``line_breaks`` breaks lines and ``fragments`` makes fragments without ReportLab's general
code; a brief must not change by a hair for it. Each is compared here with ReportLab on
texts in every script, at many widths, down to the last bit of every width.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.abag import ABag
from reportlab.lib.rl_accel import sameFrag
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from lawyer_desk.core.documents import fonts, line_breaks, render, scripts

PIECES = ["Idris", "Mamut", "the", "applicant", "was", "arrested", "ئىدرىس", "مامۇت", "伊德日斯", "·", "买买提",
          "Ветров", "Ayşe", "Yıldırım", "İzmir", "2017", "١٢٣", "(", ")", "«", "»", ",", ".", "&", "<b>", "x" * 40]
TEXTS = st.lists(st.sampled_from(PIECES), min_size=0, max_size=40).map(" ".join)
BASES = st.sampled_from(["L", None])
WIDTHS = st.floats(min_value=60, max_value=420)


@pytest.fixture(scope="module")
def styles() -> render.Styles:
    return render.Styles()


STYLE_NAMES = st.sampled_from(["numbered", "body", "cell", "item", "h2", "value"])


def made(styles: render.Styles, name: str, text: str, base: str | None) -> tuple[str, ParagraphStyle]:
    style = getattr(styles, name)
    markup = scripts.markup(text, render._face(style), size=style.fontSize, max_width=300, base=base)  # type: ignore[arg-type]
    return markup.text, styles.variant(style, markup)


def frag_state(fragment: Any) -> dict[str, Any]:
    return {key: (type(value), value) for key, value in fragment.__dict__.items()}


def lines_state(para: Any) -> Any:
    """Everything a broken paragraph holds that drawing and splitting read."""
    lines = para.blPara
    if lines.kind == 0:
        return (0, lines.lines, lines.ascent, lines.descent, lines.fontSize, para._width_max)
    described = [({k: v for k, v in line.__dict__.items() if k != "words"}, [frag_state(f) for f in line.words])
                 for line in lines.lines]
    words = [(type(w), w[0], [(frag_state(f), type(t), t) for f, t in w[1:]]) for w in para.frags]
    return (1, described, words, para._width_max)


def broken(para: Paragraph, widths: list[float], *, ours: bool) -> Any:
    para.width = widths[0]
    para.blPara = render.Para.breakLines(para, widths) if ours else Paragraph.breakLines(para, widths)
    return lines_state(para), widths


@settings(max_examples=300, deadline=None)
@given(TEXTS, STYLE_NAMES, BASES, WIDTHS, st.sampled_from([None, "7.", "128."]))
def test_lines_are_reportlabs_to_the_last_bit(styles: render.Styles, text: str, name: str, base: str | None,
                                              width: float, bullet: str | None) -> None:
    markup, style = made(styles, name, text, base)
    # the same fragments for both (a copy each: breaking changes them); ``fragments`` is tested below
    ours = render.Para(markup, style, bulletText=bullet, frags=styles.fragments.of(style, markup))
    theirs = Paragraph(markup, style, bulletText=bullet, frags=styles.fragments.of(style, markup))
    assert broken(ours, [width, width + 17.5], ours=True) == broken(theirs, [width, width + 17.5], ours=False)


def test_the_quick_ways_are_the_ones_taken(styles: render.Styles) -> None:
    plain, style = made(styles, "numbered", "The applicant was arrested in Warsaw on 13 May 2026.", None)
    para = render.Para(plain, style, frags=styles.fragments.of(style, plain))
    assert line_breaks.break_lines(para, [200.0]) is not None
    mixed, style = made(styles, "numbered", "The applicant, ئىدرىس مامۇت (伊德日斯), was arrested.", None)
    para = render.Para(mixed, style, frags=styles.fragments.of(style, mixed))
    assert line_breaks.break_lines(para, [200.0]) is None
    assert line_breaks.break_fragments(para, [200.0]).kind == 1
    # what they leave to ReportLab: a word wider than the line, a line break
    long_word = render.Para("x" * 80, styles.body, frags=styles.fragments.of(styles.body, "x" * 80))
    assert line_breaks.break_lines(long_word, [100.0]) is None
    assert line_breaks.break_fragments(Paragraph("a<br/>b", styles.body), [100.0]) is None


@pytest.mark.parametrize("sentence", ["The applicant, ئىدرىس مامۇت (伊德日斯·买买提), was arrested in Warsaw.",
                                      "The applicant, Idris Mamut, was arrested in Warsaw."])
def test_paragraphs_that_move_to_the_next_page_split_as_reportlabs(styles: render.Styles, sentence: str) -> None:
    text = " ".join([sentence] * 12)
    markup, style = made(styles, "numbered", text, None)
    ours = render.Para(markup, style, bulletText="3.", frags=styles.fragments.of(style, markup))
    theirs = Paragraph(markup, style, bulletText="3.", frags=styles.fragments.of(style, markup))
    for para in (ours, theirs):
        para.wrap(render.TEXT_WIDTH, 10_000)
    ours_parts, their_parts = ours.split(render.TEXT_WIDTH, 100), theirs.split(render.TEXT_WIDTH, 100)
    assert len(ours_parts) == len(their_parts) == 2
    for mine, reportlabs in zip(ours_parts, their_parts, strict=True):
        mine.wrap(render.TEXT_WIDTH, 10_000)
        Paragraph.wrap(reportlabs, render.TEXT_WIDTH, 10_000)
        assert lines_state(mine) == lines_state(reportlabs)


@settings(max_examples=300, deadline=None)
@given(TEXTS, STYLE_NAMES, BASES)
def test_fragments_are_the_parsers(styles: render.Styles, text: str, name: str, base: str | None) -> None:
    markup, style = made(styles, name, text, base)
    ours = styles.fragments.of(style, markup)
    if not markup.strip():
        assert ours is not None and [f.text for f in ours] == [""]  # an empty paragraph: one empty fragment
        return
    if "<br/>" in markup:  # a right-to-left island cut into pieces, one a line: ReportLab parses that
        assert ours is None
        return
    parsed = Paragraph(markup, style)
    assert ours is not None, markup
    assert [frag_state(f) for f in ours] == [frag_state(f) for f in parsed.frags]


def test_other_markup_is_left_to_the_parser(styles: render.Styles) -> None:
    for markup in ("a<br/>b", '<a href="#x">a</a>', "<b>bold</b>", 'a<onDraw name="x" label="y"/>'):
        assert styles.fragments.of(styles.body, markup) is None


ATTRIBUTES = st.fixed_dictionaries({}, optional={
    "fontName": st.sampled_from([fonts.SERIF, fonts.NASKH]), "fontSize": st.sampled_from([9, 10.5]),
    "textColor": st.sampled_from([render.INK, render.GREY]), "rise": st.sampled_from([0, 2]),
    "link": st.sampled_from([[], ["x"]]), "backColor": st.sampled_from([None, render.GREY]),
    "nobr": st.booleans(), "cbDefn": st.just(ABag()), "lineBreak": st.just(True),
})


@given(ATTRIBUTES, ATTRIBUTES)
def test_same_fragment_is_reportlabs_same_frag(f: dict[str, Any], g: dict[str, Any]) -> None:
    a, b = ABag(**f), ABag(**g)
    assert line_breaks.same_fragment(a, b) == bool(sameFrag(a, b))
    assert line_breaks.same_fragment(a, ABag(**f)) == bool(sameFrag(a, ABag(**f)))
