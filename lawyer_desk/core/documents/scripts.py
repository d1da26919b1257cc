"""Text in any script, made into ReportLab paragraph markup that prints correctly.

ReportLab neither falls back from one font to another nor reorders right-to-left text (its
bidi support needs ``rlbidi``, which is not on PyPI). So each line of text is:

1. given levels by the Unicode bidi algorithm (python-bidi);
2. cut into *islands* — maximal stretches at a right-to-left level inside a left-to-right
   line — which are put in display order here and glued with no-break spaces, so that no
   line end ever falls inside one (an island broken across lines would read in the wrong
   order). An island wider than the line is cut, in reading order, into pieces that each
   fill most of a line, so that two pieces never share one;
3. split into runs per font: Arabic script → Noto Naskh Arabic, Han/kana/hangul → Droid
   Sans Fallback, everything else → the face's Latin font (Noto Serif or Sans). Spaces,
   digits and punctuation take the font of the letters around them when it has them.

Arabic-script runs laid out right to left are left in *reading* order: HarfBuzz shapes them
and returns their glyphs in display order (see ``fonts.py``). Any other right-to-left run
(a bracket from the Latin font inside Arabic text) is reversed and mirrored here.

A paragraph whose first strong letter is right-to-left (a note written in Arabic) is laid
out right to left: its lines are cut here and right-aligned (``Markup.rtl``).

All text is escaped: a client's name can never inject markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal
from xml.sax.saxutils import escape as _xml_escape

from bidi import get_display
from bidi.mirror import MIRRORED

from lawyer_desk.core.documents import fonts
from lawyer_desk.core.documents.fonts import Face

type Base = Literal["L", "R"] | None

NBSP = "\u00a0"
# Characters of right-to-left scripts and the controls that start right-to-left text: a line
# without any is laid out left to right without running the bidi algorithm.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200f\u202b\u202e\u2067"
                  "\U00010800-\U00010fff\U0001e800-\U0001efff]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufefc"
                     "\U00010e60-\U00010e7f\U0001ee00-\U0001eeff]")
_HAN = re.compile("[\u1100-\u11ff\u2e80-\u2fdf\u2ff0-\u303f\u3040-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
                  "\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f]")
# Bidi controls steer the algorithm but have no glyph; XML forbids most C0 controls.
_INVISIBLE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\x00-\x08\x0b-\x1f\x7f]")
_EMBEDDINGS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_SEPARATORS = re.compile("[\n\r\x1c-\x1e\x85\u2029]")  # each starts a paragraph of its own (bidi class B)
_LEVELS_BLOCK = re.compile(r"\n    levels: \[(.*?)\n    \],", re.DOTALL)
_LEVEL = re.compile(r"Level\(\s*(\d+),?\s*\)")
_ABOVE_ZERO = re.compile(rb"[^\x00]+")


@dataclass(frozen=True)
class Run:
    """Text in one font, in the order it is laid out (reading order when ``font`` shapes)."""

    text: str
    font: str


@dataclass(frozen=True)
class Markup:
    """ReportLab paragraph markup and what the paragraph style must provide for it."""

    text: str
    shaped: bool = False  # holds runs HarfBuzz must shape: the style needs ``shaping=1``
    rtl: bool = False  # a right-to-left paragraph: align it to the right

    def __add__(self, other: Markup) -> Markup:
        return Markup(self.text + other.text, self.shaped or other.shaped, self.rtl and other.rtl)

    @staticmethod
    def join(parts: Iterable[Markup], separator: str = "") -> Markup:
        items = list(parts)
        return Markup(separator.join(p.text for p in items), any(p.shaped for p in items),
                      bool(items) and all(p.rtl for p in items))


def escape(text: str) -> str:
    """``text`` as literal paragraph text: markup characters escaped, invisible controls dropped."""
    return _xml_escape(_INVISIBLE.sub("", text))


def markup(text: str, face: Face = fonts.BODY, *, size: float = 11, max_width: float | None = None,
           base: Base = "L", plain: str | None = None) -> Markup:
    """Markup for ``text`` (line breaks kept) in ``face`` at ``size`` points.

    ``base`` is the direction of the surrounding text: "L" for a sentence of an English
    template, ``None`` to take it from the text itself (a name alone in a table cell, a
    lawyer's note). ``max_width`` is the width of the line in points; islands wider than it
    are cut (see the module's notes). ``plain`` is the font of the paragraph's style (by
    default the face's Latin font): runs in it need no font tag.
    """
    plain = plain or face.latin
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        limit = max_width * 0.9 if max_width else None  # shaped Arabic may be wider than its letters
        pieces, rtl = _pieces(line, face, base, size, limit)
        lines.append(_emit(pieces, plain, rtl))
    return lines[0] if len(lines) == 1 else Markup.join(lines, "<br/>")


def runs(text: str, face: Face = fonts.BODY, base: Base = "L") -> list[Run]:
    """The runs of one line in layout order, islands uncut (for tests and for plain drawing)."""
    pieces, _rtl = _pieces(text, face, base, 11, None)
    return [run for piece in pieces for run in piece]


def _pieces(text: str, face: Face, base: Base, size: float, limit: float | None) -> tuple[list[list[Run]], bool]:
    """The runs of one line, grouped: text between islands, and each island (or piece of one)."""
    if not _RTL.search(text):
        return [_font_runs(text, face)], False
    levels = bidi_levels(text, base)
    text, levels = _drop_invisible(text, levels)
    if not text:
        return [], False
    rtl = levels[0] % 2 == 1 if base is None else base == "R"
    pieces: list[list[Run]] = []
    for start, end, island in _islands(levels, 1 if rtl else 0):
        if not island:
            pieces.append(_font_runs(text[start:end], face))
            continue
        for n, (a, b) in enumerate(_cut(text, start, end, face, size, limit)):
            if n:
                pieces.append([Run("<br/>" if rtl else " ", "")])
            pieces.append(_island_runs(text, levels, a, b, face))
    return pieces, rtl


def bidi_levels(text: str, base: Base = "L") -> list[int]:
    """The resolved bidi level of each character of one line (python-bidi's own algorithm).

    In a left-to-right line without explicit embeddings, only the stretch from the strong
    left-to-right letter before the first right-to-left character to the one after the last
    can have a level other than 0 (a digit after Arabic letters counts as Arabic until a
    Latin letter comes; a bracket follows its pair), so only that stretch is handed over: a
    long English paragraph with one Uyghur name costs little more than the name.
    """
    if base is None and _first_strong_is_left_to_right(text):
        base = "L"  # the paragraph's direction, found as the algorithm finds it (rules P2, P3)
    if base != "L" or _EMBEDDINGS.search(text):
        return _levels(text, base)
    first = _RTL.search(text)
    if first is None:
        return [0] * len(text)
    last = max(m.end() for m in _RTL.finditer(text, first.start()))
    start = first.start()
    while start > 0 and unicodedata.bidirectional(text[start - 1]) != "L":
        start -= 1
    end = last
    while end < len(text) and unicodedata.bidirectional(text[end]) != "L":
        end += 1
    # A bracket takes the direction of its pair's content: keep both ends of a pair in the stretch.
    if any(unicodedata.category(c) == "Pe" for c in text[start:end]):
        start = 0
    if any(unicodedata.category(c) == "Ps" for c in text[start:end]):
        end = len(text)
    return [0] * start + _levels(text[start:end], "L") + [0] * (len(text) - end)


def _first_strong_is_left_to_right(text: str) -> bool:
    """Whether the first strong letter of ``text`` is left to right (or there is none), when
    that alone decides its direction: no embeddings or isolates, one paragraph."""
    if _EMBEDDINGS.search(text) or _SEPARATORS.search(text):
        return False
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return True
        if kind in ("R", "AL"):
            return False
    return True


def _levels(text: str, base: Base) -> list[int]:
    """python-bidi returns the levels only in its debug description, one per UTF-8 byte."""
    return list(_described_levels(text, base))


@lru_cache(maxsize=4096)
def _described_levels(text: str, base: Base) -> tuple[int, ...]:
    # Cached: a client's name comes back in paragraph after paragraph, and reading the
    # description costs more than the algorithm.
    description = get_display(text, base_dir=base, debug=True)
    block = _LEVELS_BLOCK.search(description)
    by_byte = [int(level) for level in _LEVEL.findall(block.group(1))] if block else []
    encoded = text.encode("utf-8")
    if len(by_byte) != len(encoded):
        raise RuntimeError("python-bidi no longer describes its levels as expected; update scripts.bidi_levels")
    levels, offset = [], 0
    for char in text:
        levels.append(by_byte[offset])
        offset += len(char.encode("utf-8"))
    return tuple(levels)


def _drop_invisible(text: str, levels: list[int]) -> tuple[str, list[int]]:
    if not _INVISIBLE.search(text):
        return text, levels
    kept = [(c, lv) for c, lv in zip(text, levels, strict=True) if not _INVISIBLE.match(c)]
    return "".join(c for c, _ in kept), [lv for _, lv in kept]


def _islands(levels: list[int], paragraph_level: int) -> list[tuple[int, int, bool]]:
    """(start, end, is_island) spans: an island is a stretch above a left-to-right paragraph's level."""
    if paragraph_level == 1:
        return [(0, len(levels), True)]
    spans: list[tuple[int, int, bool]] = []
    start = 0
    for island in _ABOVE_ZERO.finditer(bytes(levels)):  # levels are at most 125
        if island.start() > start:
            spans.append((start, island.start(), False))
        spans.append((island.start(), island.end(), True))
        start = island.end()
    if start < len(levels):
        spans.append((start, len(levels), False))
    return spans


def _cut(text: str, start: int, end: int, face: Face, size: float, limit: float | None) -> list[tuple[int, int]]:
    """Cut an island at spaces, in reading order, into pieces no wider than ``limit``."""
    if limit is None:
        return [(start, end)]
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    pieces: list[tuple[int, int]] = []
    piece_start, width, last_end = None, 0.0, start
    space = fonts.ensure(face.latin).stringWidth(" ", size)
    for a, b in words:
        word = sum(_width(c, face, size) for c in text[a:b])
        if piece_start is not None and width + space + word > limit:
            pieces.append((piece_start, last_end))
            piece_start = None
        if piece_start is None:
            piece_start, width = a, word
        else:
            width += space + word
        last_end = b
    if piece_start is not None:
        pieces.append((piece_start, last_end))
    return pieces or [(start, end)]


def _width(char: str, face: Face, size: float) -> float:
    return fonts.ensure(_own_font(char, face) or face.latin).stringWidth(char, size)  # type: ignore[no-any-return]


def _island_runs(text: str, levels: list[int], start: int, end: int, face: Face) -> list[Run]:
    """The runs of one island in display order; its spaces become no-break spaces."""
    order = _display_order(range(start, end), levels)
    chosen = _choose_fonts(text, face, start, end, levels)
    runs: list[Run] = []
    group: list[int] = []

    def flush() -> None:
        if not group:
            return
        font = chosen[group[0] - start]
        if levels[group[0]] % 2 == 0:
            chars = [text[i] for i in group]
        elif fonts.shapes(font):
            chars = [text[i] for i in reversed(group)]  # reading order: HarfBuzz lays it out
        else:
            chars = [MIRRORED.get(text[i], text[i]) for i in group]
        runs.append(Run("".join(chars).replace(" ", NBSP), font))
        group.clear()

    for i in order:
        if group and (levels[i] != levels[group[-1]] or chosen[i - start] != chosen[group[-1] - start]):
            flush()
        group.append(i)
    flush()
    return runs


def _display_order(indices: Iterable[int], levels: list[int]) -> list[int]:
    """Rule L2 of the bidi algorithm: reverse every stretch at each level down to the lowest odd one."""
    order = list(indices)
    present = [levels[i] for i in order]
    odd = [lv for lv in present if lv % 2]
    if not odd:
        return order
    for level in range(max(present), min(odd) - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] < level:
                i += 1
                continue
            j = i
            while j < len(order) and levels[order[j]] >= level:
                j += 1
            order[i:j] = order[i:j][::-1]
            i = j
    return order


# Face → character → its own font (None for spaces, digits, punctuation and marks).
_OWN_FONTS: dict[Face, dict[str, str | None]] = {}


def _own_font(char: str, face: Face) -> str | None:
    """The font a letter's script calls for; None for spaces, digits, punctuation and marks."""
    if _ARABIC.match(char):
        return face.arabic
    if _HAN.match(char):
        return face.han
    category = unicodedata.category(char)
    if category[0] in "LN" and not (category == "Nd" and char.isascii()):
        return face.latin if fonts.covers(face.latin, char) else _fallback(char, face)
    return None


def _fallback(char: str, face: Face) -> str:
    for name in face.fonts():
        if fonts.covers(name, char):
            return name
    return face.latin  # nothing has it: the Latin font's empty box shows where it was


def _choose_fonts(text: str, face: Face, start: int, end: int, levels: list[int] | None = None) -> list[str]:
    """A font for each character of ``text[start:end]``.

    Spaces, digits, punctuation and marks take the font of the letter before them (of the
    one after at the start), when that font has them. Arabic script laid out left to right
    (Arabic-Indic digits among right-to-left text) takes the Naskh font without shaping.
    """
    known = _OWN_FONTS.setdefault(face, {})
    own: list[str | None] = []
    for char in text[start:end]:
        if char not in known:
            known[char] = _own_font(char, face)
        own.append(known[char])
    following: list[str | None] = [None] * len(own)  # the next letter's font after each character
    after: str | None = None
    for k in range(len(own) - 1, -1, -1):
        following[k] = after
        after = own[k] or after
    chosen: list[str] = []
    decided: dict[tuple[str | None, str | None, str], str] = {}  # (before, after, character) → font
    for k, char in enumerate(text[start:end]):
        font = own[k]
        if font is None:
            before = chosen[-1] if chosen else None
            after = following[k]
            font = decided.get((before, after, char))
            if font is None:
                if unicodedata.category(char) in ("Mn", "Me") and before:
                    font = before
                else:
                    font = next((f for f in (before, after, face.latin) if f and fonts.covers(f, char)), None)
                    font = font or _fallback(char, face)
                decided[(before, after, char)] = font
        chosen.append(font)
    if levels is not None:
        chosen = [face.arabic_plain if f == face.arabic and levels[start + k] % 2 == 0 else f
                  for k, f in enumerate(chosen)]
    return chosen


def _font_runs(text: str, face: Face) -> list[Run]:
    """Left-to-right text cut into runs of one font each, in reading order."""
    if _latin_only(face.latin, text):
        return [Run(text, face.latin)] if text else []
    chosen = _choose_fonts(text, face, 0, len(text))
    runs: list[Run] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or chosen[i] != chosen[start]:
            runs.append(Run(text[start:i], chosen[start]))
            start = i
    return runs


def _latin_only(font: str, text: str) -> bool:
    if text.isascii() and text.isprintable() and _covers_ascii(font):  # most text: two C calls
        return True
    return _covered_by(font).fullmatch(text) is not None


@cache
def _covers_ascii(font: str) -> bool:
    return _covered_by(font).fullmatch("".join(map(chr, range(0x20, 0x7F)))) is not None


@cache
def _covered_by(font: str) -> re.Pattern[str]:
    """A pattern matching text the font has every character of (except Han and Arabic, which
    have fonts of their own), as ranges: checking a paragraph is then one C call."""
    codes = sorted(c for c in fonts.ensure(font).face.charToGlyph
                   if c > 0x1f and not _HAN.match(chr(c)) and not _ARABIC.match(chr(c)))
    ranges: list[str] = []
    start = previous = codes[0]
    for code in [*codes[1:], -1]:
        if code != previous + 1:
            ranges.append(re.escape(chr(start)) + (f"-{re.escape(chr(previous))}" if previous > start else ""))
            start = code
        previous = code
    return re.compile(f"[{''.join(ranges)}]*")


def _emit(pieces: list[list[Run]], plain: str, rtl: bool) -> Markup:
    parts: list[str] = []
    shaped = False
    for piece in pieces:
        for run in piece:
            if not run.font:  # a separator between the pieces of a cut island
                parts.append(run.text)
            elif run.font == plain:
                parts.append(escape(run.text))
            else:
                fonts.ensure(run.font)
                shaped = shaped or fonts.shapes(run.font)
                parts.append(f'<font name="{run.font}">{escape(run.text)}</font>')
    return Markup("".join(parts), shaped, rtl)
