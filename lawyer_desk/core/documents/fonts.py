"""The fonts of briefs, registered once from ``resources/fonts``, and where shaping happens.

ReportLab has no font fallback, so every run of text is given a font that covers its script
(``scripts.py`` decides which). A *face* names one font per script for one weight and style:
Noto Serif / Noto Sans for Latin, Cyrillic and Greek, Noto Naskh Arabic for Arabic script,
Droid Sans Fallback for Han, kana and hangul.

Shaping (HarfBuzz, through ReportLab) is switched on only for Arabic-script runs laid out
right to left: shaping every paragraph made a 220-page brief eight times slower, and a
ligature in a Latin name would come out of text extraction as a private-use character.
ReportLab shapes a whole *word* with the font of its first fragment, which breaks a word
such as ``(ئىدرىس)`` whose brackets are in Noto Serif; ``install_shaping`` therefore makes
it shape each fragment with its own font, and only fragments in an Arabic-script font.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import ShapedFragWord, TTFNameBytes, TTFont, makeShapedFragWord
from reportlab.platypus import paragraph as rl_paragraph

from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.paths import resources_dir

# Registered font name → file. Names carry a prefix so they never clash with ReportLab's own.
SERIF, SERIF_BOLD, SERIF_ITALIC, SERIF_BOLD_ITALIC = "LD-Serif", "LD-Serif-Bold", "LD-Serif-Italic", "LD-Serif-BI"
SANS, SANS_BOLD = "LD-Sans", "LD-Sans-Bold"
NASKH, NASKH_BOLD = "LD-Naskh", "LD-Naskh-Bold"
# The same Naskh files without shaping: Arabic-script characters laid out left to right
# (Arabic-Indic digits inside a right-to-left run) must not be reversed by HarfBuzz.
NASKH_PLAIN, NASKH_BOLD_PLAIN = "LD-Naskh-Plain", "LD-Naskh-Bold-Plain"
HAN = "LD-Han"

_FILES: dict[str, str] = {
    SERIF: "NotoSerif-Regular.ttf",
    SERIF_BOLD: "NotoSerif-Bold.ttf",
    SERIF_ITALIC: "NotoSerif-Italic.ttf",
    SERIF_BOLD_ITALIC: "NotoSerif-BoldItalic.ttf",
    SANS: "NotoSans-Regular.ttf",
    SANS_BOLD: "NotoSans-Bold.ttf",
    NASKH: "NotoNaskhArabic-Regular.ttf",
    NASKH_BOLD: "NotoNaskhArabic-Bold.ttf",
    NASKH_PLAIN: "NotoNaskhArabic-Regular.ttf",
    NASKH_BOLD_PLAIN: "NotoNaskhArabic-Bold.ttf",
    HAN: "DroidSansFallbackFull.ttf",
}
# The fonts whose runs HarfBuzz shapes. (ReportLab also wants the *paragraph's* font to be
# "shapable" before it shapes anything, so the others are registered as shapable too.)
SHAPED = frozenset({NASKH, NASKH_BOLD})


@dataclass(frozen=True)
class Face:
    """One weight and style: the font for each script family."""

    latin: str
    arabic: str
    arabic_plain: str
    han: str = HAN

    def fonts(self) -> tuple[str, ...]:
        """Every font of the face, in the order a character without a script of its own tries them."""
        return (self.latin, self.arabic, self.han)


BODY = Face(SERIF, NASKH, NASKH_PLAIN)
BODY_BOLD = Face(SERIF_BOLD, NASKH_BOLD, NASKH_BOLD_PLAIN)
BODY_ITALIC = Face(SERIF_ITALIC, NASKH, NASKH_PLAIN)
BODY_BOLD_ITALIC = Face(SERIF_BOLD_ITALIC, NASKH_BOLD, NASKH_BOLD_PLAIN)
SANS_FACE = Face(SANS, NASKH, NASKH_PLAIN)
HEADING = Face(SANS_BOLD, NASKH_BOLD, NASKH_BOLD_PLAIN)

_lock = threading.Lock()
_registered: dict[str, TTFont] = {}


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def ensure(name: str) -> TTFont:
    """The registered font ``name``, registering it on first use (Droid Sans Fallback takes 0.3 s)."""
    font = _registered.get(name)
    if font is not None:
        return font
    with _lock:
        if name not in _registered:
            _registered[name] = _register(name)
        return _registered[name]


def _register(name: str) -> TTFont:
    # Never ask pdfmetrics.getFont for a name it does not know: it then searches the
    # machine for Type 1 metrics files, which took seconds.
    if name in pdfmetrics.getRegisteredFontNames():
        return pdfmetrics.getFont(name)  # type: ignore[no-any-return]
    file = _FILES[name]
    path = fonts_dir() / file
    try:
        font = TTFont(name, str(path), shapable=True)
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"The font {file} cannot be read from {path.parent}: {exc}. "
                           "Reinstall lawyer_desk.") from None
    if name in (NASKH_PLAIN, NASKH_BOLD_PLAIN):
        # ReportLab treats two fonts with one PostScript name as one font (the shaping one):
        # give the unshaped twin a name of its own.
        font.face.name = TTFNameBytes(bytes(font.face.name) + b"-Unshaped")
    _speed_up(font)
    pdfmetrics.registerFont(font)
    # <font name="..."> looks the name up as a family; each font is a family of one.
    registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    return font


def _speed_up(font: TTFont) -> None:
    """Shortcuts on one of our fonts, which give what ReportLab would, sooner.

    ``pdfmetrics.getAscentDescent`` (asked for every line of every paragraph) looks for
    ``font.ascent`` first and falls back, through a caught exception, to the face's.
    ``stringWidth`` is asked again and again for the same words and spaces: it keeps its
    answers for plain strings (a shaped string's width is its glyphs', so it is not kept).
    ``splitString`` (every drawn line) maps the text to subset codes a character at a time in
    Python; once every character of a line has its code, one ``str.translate`` does it.
    """
    font.ascent, font.descent = font.face.ascent, font.face.descent
    font.stringWidth = _Widths(font)
    font.splitString = _SubsetCodes(font)


class _Widths:
    """``TTFont.stringWidth`` with the widths of plain strings kept (at most ``LIMIT`` of them)."""

    LIMIT = 100_000

    def __init__(self, font: TTFont) -> None:
        self.measure = font.stringWidth  # ReportLab's, bound to the font
        self.known: dict[tuple[str, float], float] = {}

    def __call__(self, text: Any, size: float, encoding: str = "utf8") -> float:
        if type(text) is not str:
            return self.measure(text, size, encoding)  # type: ignore[no-any-return]
        key = (text, size)
        width = self.known.get(key)
        if width is None:
            if len(self.known) >= self.LIMIT:
                self.known.clear()
            width = self.known[key] = self.measure(text, size, encoding)
        return width


class _SubsetCodes:
    """``TTFont.splitString`` for lines whose characters all have codes in the first subset
    already (nearly every line of Latin text after the first page); any other line, and any
    line that would give a character its code, goes to ReportLab's own."""

    def __init__(self, font: TTFont) -> None:
        self.font = font
        self.split = font.splitString  # ReportLab's, bound to the font
        self.last: tuple[weakref.ref[Any], Any] | None = None  # the last document and the font's state in it

    def __call__(self, text: Any, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        last = self.last  # read once: another thread may be drawing another document
        if last is not None and last[0]() is doc:
            state = last[1]
        else:
            state = self.font.state.get(doc)
            self.last = None if state is None else (weakref.ref(doc), state)
        if state is None or type(text) is not str or not text:
            return self.split(text, doc, encoding)  # type: ignore[no-any-return]
        if text.isascii() and text.isprintable() and _ascii_as_is(state):
            return [(0, text.encode("ascii"))]  # printable ASCII has its own codes in subset 0
        table = getattr(state, "ld_first_subset", None)
        if table is None or table[0] != len(state.assignments):
            table = state.ld_first_subset = _first_subset(state.assignments)
        if not table[1].issuperset(text):
            return self.split(text, doc, encoding)  # type: ignore[no-any-return]
        return [(0, text.translate(table[2]).encode("latin-1"))]


def _ascii_as_is(state: Any) -> bool:
    """Whether every printable ASCII character is its own code in subset 0 (ReportLab's
    "ASCII readable" subsets, for a font that has them all: set when the state is made)."""
    as_is = getattr(state, "ld_ascii_as_is", None)
    if as_is is None:
        as_is = state.ld_ascii_as_is = all(state.assignments.get(code) == code for code in range(0x20, 0x7F))
    return as_is  # type: ignore[no-any-return]


def _first_subset(assignments: dict[int, int]) -> tuple[int, frozenset[str], dict[int, int]]:
    """(how many codes were given, the characters coded in subset 0, their codes)."""
    codes = {char: code for char, code in assignments.items() if code < 256}
    if 32 in codes:
        codes[0xA0] = codes[32]  # ReportLab prints a no-break space as a space
    return len(assignments), frozenset(map(chr, codes)), codes


def covers(name: str, char: str) -> bool:
    return ord(char) in ensure(name).face.charToGlyph


def register_text_fonts() -> None:
    """Register what every brief uses; the others (Naskh, Droid Sans Fallback: 0.3 s) wait until
    a brief holds text that needs them."""
    for name in (SERIF, SANS, SANS_BOLD):
        ensure(name)
    install_shaping()


# --- shaping per fragment ----------------------------------------------------------------
_reportlab_shape = rl_paragraph.shapeFragWord


def shapes(font: str) -> bool:
    return font in SHAPED


def _is_shapable(fragment: Any) -> bool:
    return not hasattr(fragment, "cbDefn") and fragment.fontName in SHAPED


def shape_fragments(word: list[Any], *args: Any, **kwargs: Any) -> list[Any]:
    """Shape each fragment of a word with its own font, and only fragments in a ``SHAPED`` font.

    ``word`` is ReportLab's frag word: ``[width, (frag, text), ...]``. Returns it unchanged
    when nothing needed shaping, else a shaped frag word of the same form.
    """
    for fragment, _text in word[1:]:
        if getattr(fragment, "fontName", None) in SHAPED:
            break
    else:
        return word  # nothing in an Arabic-script font (nearly every word): quick
    if isinstance(word, ShapedFragWord) or not any(_is_shapable(f) for f, _ in word[1:]):
        return word
    pieces: list[Any] = []
    width = 0.0
    changed = False
    for fragment, text in word[1:]:
        if _is_shapable(fragment) and text:
            shaped_width, shaped_texts = _shape(fragment, text, args, kwargs)
            if shaped_texts is None:
                pieces.append((fragment, text))
            else:
                changed = True
                pieces += [(fragment, t) for t in shaped_texts]
            width += shaped_width
        else:
            pieces.append((fragment, text))
            if hasattr(fragment, "cbDefn"):
                width += getattr(fragment, "width", 0)
            else:
                width += pdfmetrics.stringWidth(text, fragment.fontName, fragment.fontSize)
    if not changed:
        return word
    return makeShapedFragWord(word)([width, *pieces])  # type: ignore[no-any-return]


# (font, size, text) → what HarfBuzz made of it: its width and shaped strings, or None for
# the text unchanged. A client's name is shaped again on every wrap of every paragraph naming
# him; shaping depends on nothing else.
_shaped: dict[tuple[str, float, str], tuple[float, tuple[Any, ...] | None]] = {}
_MAX_SHAPED = 20_000


def _shape(fragment: Any, text: str, args: tuple[Any, ...],
           kwargs: dict[str, Any]) -> tuple[float, tuple[Any, ...] | None]:
    """HarfBuzz's shaping (through ReportLab) of ``text`` alone in ``fragment``'s font."""
    key = (fragment.fontName, fragment.fontSize, text)
    known = _shaped.get(key) if not args and not kwargs and type(text) is str else None
    if known is not None:
        return known
    alone = [pdfmetrics.stringWidth(text, fragment.fontName, fragment.fontSize), (fragment, text)]
    shaped = _reportlab_shape(alone, *args, **kwargs)
    result = (alone[0], None) if shaped is alone else (shaped[0], tuple(t for _f, t in shaped[1:]))
    if not args and not kwargs and type(text) is str:
        if len(_shaped) >= _MAX_SHAPED:
            _shaped.clear()
        _shaped[key] = result
    return result


def install_shaping() -> None:
    """Make ReportLab's paragraphs shape per fragment (idempotent; see the module's notes)."""
    if rl_paragraph.shapeFragWord is not shape_fragments:
        rl_paragraph.shapeFragWord = shape_fragments
