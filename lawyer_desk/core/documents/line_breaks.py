"""Breaking a plain paragraph into lines, as ReportLab does, with each word measured once.

Most paragraphs of a brief are plain text in one font (``render.para`` hands ReportLab a
single fragment). For them ReportLab's ``Paragraph.breakLines`` measures every word again
on every wrap, and its loop is general: hyphenation, long words, bidi. ``break_lines`` does
the same greedy breaking, with the same arithmetic (so the same lines, to the last bit of a
float), for a single fragment when none of the general cases can arise, and keeps the
widths of words it has measured; in any other case it returns None and ReportLab breaks.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.paragraph import BidiList, _handleBulletWidth, _processed_frags, _shy, split, strip

# (font, size) → word → width. Words repeat a great deal in a brief; the cap keeps a
# long-running desk from growing without end.
_widths: dict[tuple[str, float], dict[str, float]] = {}
_MAX_WORDS = 200_000


def break_lines(paragraph: Any, max_widths: list[float]) -> Any | None:
    """ReportLab's ``ParaLines`` (kind 0) for ``paragraph`` wrapped to ``max_widths``, or None
    when the paragraph needs ReportLab's own line breaking. Like ReportLab, narrows the first
    width in place for a bullet and sets the paragraph's ``_width_max``."""
    style = paragraph.style
    frags = paragraph.frags
    if len(frags) != 1 or _processed_frags(frags) or style.wordWrap or style.endDots or style.shaping:
        return None
    if style.hyphenationLang or style.uriWasteReduce or style.embeddedHyphenation:
        return None
    frag = frags[0]
    if hasattr(frag, "cbDefn") or hasattr(frag, "backColor"):
        return None
    if hasattr(frag, "text"):
        text = strip(frag.text)
        if _shy in text:
            return None
        words = (text.split() if "\xa0" not in text else split(text)) if text else []  # as ReportLab's split
    else:
        if isinstance(frag.words, BidiList) or any(type(w) is not str or _shy in w for w in frag.words):
            return None
        words = frag.words if any(strip(w) for w in frag.words) else []
    font_name, font_size = frag.fontName, frag.fontSize
    widths = _measure(words, font_name, font_size)
    narrowed = list(max_widths)
    _handleBulletWidth(paragraph.bulletText, style, narrowed)
    if widths and max(widths) > min(narrowed):
        return None  # a word longer than a line: ReportLab splits it
    max_widths[0] = narrowed[0]
    paragraph.height = paragraph._width_max = paragraph._splitLongWordCount = paragraph._hyphenations = 0
    ascent, descent = getAscentDescent(font_name, font_size)
    if not words:
        return frag.clone(kind=0, lines=[], ascent=ascent, descent=descent, fontSize=font_size)

    space = _measure([" "], font_name, font_size)[0]
    shrink = style.spaceShrinkage * space

    lines: list[tuple[float, list[str]]] = []
    widest = 0.0
    last = len(max_widths) - 1
    line_number = 0
    max_width = max_widths[0]
    line: list[str] = []
    width = -space  # the first word of a line has no space before it
    for word, word_width in zip(words, widths, strict=True):
        new_width = width + space + word_width
        if new_width <= max_width + shrink * len(line) or not line:
            line.append(word)
            width = new_width
        else:
            widest = max(widest, width)
            lines.append((max_width - width, line))
            line = [word]
            width = word_width
            line_number += 1
            max_width = max_widths[min(last, line_number)]
    widest = max(widest, width)
    lines.append((max_width - width, line))
    paragraph._width_max = widest
    return frag.clone(kind=0, lines=lines, ascent=ascent, descent=descent, fontSize=font_size)


def _measure(words: list[str], font_name: str, font_size: float) -> list[float]:
    known = _widths.get((font_name, font_size))
    if known is None:
        known = _widths[(font_name, font_size)] = {}
    widths = [known.get(word, -1.0) for word in words]
    if -1.0 in widths:
        if len(known) > _MAX_WORDS:
            known.clear()
        font = getFont(font_name)
        for i, word in enumerate(words):
            if widths[i] == -1.0:
                widths[i] = known[word] = font.stringWidth(word, font_size)
    return widths


# --- ReportLab's test of whether two fragments can share a run of text ------------------------
_COMPARED = ("fontName", "fontSize", "textColor", "rise", "us_lines", "link", "backColor", "nobr")
_MISSING = object()


def same_fragment(f: Any, g: Any) -> bool:
    """``rl_accel.sameFrag`` without its cost: the C version looks attributes up by name and
    pays for an exception at each one a fragment lacks (13 µs a call; it is called for every
    word of a paragraph in several fonts). Same rules: fragments holding a callback or a line
    break are never the same; otherwise each attribute is equal or missing from both."""
    if hasattr(f, "cbDefn") or hasattr(g, "cbDefn") or hasattr(f, "lineBreak") or hasattr(g, "lineBreak"):
        return False
    for name in _COMPARED:
        a, b = getattr(f, name, _MISSING), getattr(g, name, _MISSING)
        if a is not b and (a is _MISSING or b is _MISSING or a != b):
            return False
    return True


def install() -> None:
    """Make ReportLab's paragraphs use ``same_fragment`` (idempotent)."""
    rl_paragraph.sameFrag = same_fragment
