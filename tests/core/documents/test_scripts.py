"""Text in any script made into paragraph markup: fonts per script, right-to-left order, escaping."""

from __future__ import annotations

import re

import pytest
from bidi import get_display
from bidi.mirror import MIRRORED
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.abag import ABag
from reportlab.pdfbase.ttfonts import ShapedStr

from lawyer_desk.core.documents import fonts, scripts
from lawyer_desk.core.documents.scripts import NBSP, Run

UYGHUR = "ئىدرىس مامۇت"


@pytest.fixture(autouse=True, scope="module")
def registered() -> None:
    fonts.register_text_fonts()


def display(runs: list[Run]) -> str:
    """What the reader sees, left to right: HarfBuzz reverses (and mirrors) what it shapes."""
    out = []
    for run in runs:
        text = run.text.replace(NBSP, " ")
        out.append("".join(MIRRORED.get(c, c) for c in reversed(text)) if fonts.shapes(run.font) else text)
    return "".join(out)


def same_order(ours: str, python_bidi: str) -> bool:
    """Ours is python-bidi's display string, but for mirroring: python-bidi leaves a bracket in
    right-to-left text unmirrored (rule L4 is left to the renderer); HarfBuzz and we mirror it."""
    return len(ours) == len(python_bidi) and all(
        a == b or MIRRORED.get(b) == a for a, b in zip(ours, python_bidi, strict=True))


def test_latin_cyrillic_and_turkish_need_no_other_font() -> None:
    for text in ("Ayşe Yıldırım, born in İzmir", "Алексей Ветров", "Rustam Nazarov — Рустам Назаров (2015/40987)"):
        assert scripts.runs(text) == [Run(text, fonts.SERIF)]
        assert scripts.markup(text).text == text  # the paragraph's own font: no tag at all


def test_han_gets_the_fallback_font_and_latin_stays_serif() -> None:
    runs = scripts.runs("Warrant 伊公刑拘字[2017]0412号 of the PSB")
    assert [r.font for r in runs] == [fonts.SERIF, fonts.HAN, fonts.SERIF, fonts.HAN, fonts.SERIF]
    assert "".join(r.text for r in runs) == "Warrant 伊公刑拘字[2017]0412号 of the PSB"
    assert not scripts.markup("伊德日斯").shaped


def test_an_uyghur_name_inside_an_english_sentence() -> None:
    runs = scripts.runs(f"The applicant, {UYGHUR}, was born in Ghulja.")
    assert runs == [Run("The applicant, ", fonts.SERIF), Run(UYGHUR.replace(" ", NBSP), fonts.NASKH),
                    Run(", was born in Ghulja.", fonts.SERIF)]
    markup = scripts.markup(f"The applicant, {UYGHUR}, was born in Ghulja.")
    assert markup.shaped and not markup.rtl
    assert f'<font name="{fonts.NASKH}">{UYGHUR.replace(" ", NBSP)}</font>' in markup.text


def test_right_to_left_runs_are_in_display_order_with_numbers_and_brackets() -> None:
    text = f"abc {UYGHUR} (مامۇت) 2017 def"
    runs = scripts.runs(text)
    assert display(runs) == "abc 2017 (تۇمام) تۇمام سىردىئ def"
    assert same_order(display(runs), get_display(text, base_dir="L"))
    # The island stays in one piece: no ordinary space inside it, so no line break either.
    island = "".join(r.text for r in runs[1:-1])
    assert " " not in island and island.count(NBSP) == 3
    # Digits inside Arabic text are laid out left to right, so the Naskh font without shaping.
    arabic_digits = scripts.runs("رقم ١٢٣ هنا")
    assert fonts.NASKH_PLAIN in [r.font for r in arabic_digits]
    assert display(arabic_digits) == get_display("رقم ١٢٣ هنا", base_dir="L")


WORDS = st.sampled_from(["Idris", "Mamut", "abc", "ئىدرىس", "مامۇت", "فارسی", "سلام", "2017", "١٢٣", "(x)",
                         "(مامۇت)", "«ئىدرىس»", "-", ",", ":", "Ветров", "伊德"])


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=9))
def test_display_order_agrees_with_python_bidi(words: list[str]) -> None:
    text = " ".join(words)
    assert same_order(display(scripts.runs(text)), get_display(text, base_dir="L"))


def test_a_paragraph_written_in_arabic_is_right_to_left() -> None:
    markup = scripts.markup(f"{UYGHUR} 2019 (Idris)", base=None)
    assert markup.rtl and markup.shaped
    assert display(scripts.runs(f"{UYGHUR} 2019 (Idris)", base=None)) == "(Idris) 2019 تۇمام سىردىئ"
    assert not scripts.markup("Idris Mamut", base=None).rtl


def test_a_long_island_is_cut_into_pieces_that_each_fit_a_line() -> None:
    long_quote = " ".join([UYGHUR] * 30)
    width = 200.0
    markup = scripts.markup(f"He said: {long_quote}. Then left.", max_width=width)
    pieces = re.findall(f'<font name="{fonts.NASKH}">([^<]*)</font>', markup.text)
    assert len(pieces) > 3
    for piece in pieces:
        assert " " not in piece
        assert fonts.ensure(fonts.NASKH).stringWidth(piece, 11) <= width
    # In reading order: the first words of the quotation are in the first piece.
    assert UYGHUR.split(maxsplit=1)[0] in pieces[0]
    rtl = scripts.markup(long_quote, max_width=width, base=None)
    assert rtl.rtl and rtl.text.count("<br/>") == len(pieces) - 1


def test_user_text_cannot_inject_markup() -> None:
    hostile = "<b>x</b> & <font name='Helvetica'>y</font> <a href='http://x'>z</a>"
    markup = scripts.markup(hostile)
    assert "<b>" not in markup.text and "<font name='Helvetica'>" not in markup.text and "<a " not in markup.text
    assert markup.text.startswith("&lt;b&gt;x&lt;/b&gt; &amp; &lt;font")
    assert scripts.escape("a\x00b\u202ec") == "abc"


def test_line_breaks_are_kept_and_each_line_has_its_own_direction() -> None:
    markup = scripts.markup(f"Charge:\r\n{UYGHUR}", base=None)
    first, second = markup.text.split("<br/>")
    assert first == "Charge:" and fonts.NASKH in second


def test_bidi_levels_are_read_from_python_bidi() -> None:
    assert scripts.bidi_levels(f"ab {UYGHUR} 12") == [0, 0, 0, *([1] * len(UYGHUR)), 1, 2, 2]


def test_shaping_touches_only_arabic_fragments() -> None:
    serif, naskh = ABag(fontName=fonts.SERIF, fontSize=10), ABag(fontName=fonts.NASKH, fontSize=10)
    fonts.ensure(fonts.NASKH)
    word = [30.0, (serif, "("), (naskh, "ئىدرىس"), (serif, ")")]
    shaped = fonts.shape_fragments(word)
    assert shaped[1] == (serif, "(") and shaped[3] == (serif, ")")
    assert shaped[2][0] is naskh and isinstance(shaped[2][1], ShapedStr)
    assert shaped[2][1] != "ئىدرىس", "joined forms, in display order"
    latin = [20.0, (serif, "office")]
    assert fonts.shape_fragments(latin) is latin, "a Latin word is never shaped (no 'ffi' ligature to extract)"


LINE = st.lists(st.sampled_from(["Idris", "ئىدرىس", "2017", "١٢٣", "(", ")", " ", ",", "-", "«", "»", "x.", "Ветров"]),
                max_size=14).map("".join)


@settings(max_examples=200, deadline=None)
@given(LINE)
def test_levels_of_a_stretch_equal_levels_of_the_whole_line(text: str) -> None:
    assert scripts.bidi_levels(text) == scripts._levels(text, "L")


@settings(max_examples=200, deadline=None)
@given(LINE)
def test_levels_of_a_line_of_its_own_direction_equal_python_bidis(text: str) -> None:
    """A name alone in a cell takes its direction from its first strong letter: found here
    when it is left to right, so that only the right-to-left stretch goes to python-bidi."""
    assert scripts.bidi_levels(text, None) == scripts._levels(text, None)
