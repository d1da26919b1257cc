"""Breaking paragraphs into lines as ReportLab does, at a fraction of the cost.

ReportLab's ``Paragraph.breakLines`` is general (hyphenation, long words, images, bidi) and
pays for it on every word of every wrap. A brief needs little of that:

- ``break_lines``: a paragraph of plain text in one font (``render.para`` hands ReportLab a
  single fragment: most paragraphs). Greedy breaking with each word measured once.
- ``break_fragments``: a paragraph in several fonts (a name in Arabic script or Han inside
  an English sentence). ReportLab's rules for its "kind 1" lines — which pieces of text
  share a fragment, where a space goes, how far spaces may shrink — without its per-word
  lookups of attributes and fonts.

Both give ReportLab's own result (the same lines, to the last bit of every float:
``tests/core/documents/test_line_breaks.py`` compares them), and both return None for any
paragraph that needs one of the general cases, which ReportLab then breaks itself.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont, stringWidth
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.paragraph import (
    _FK_TEXT,
    BidiList,
    FragLine,
    ParaLines,
    _getFragWords,
    _handleBulletWidth,
    _HSFrag,
    _InjectedFrag,
    _processed_frags,
    _shy,
    _SHYWord,
    _SplitFrag,
    split,
    strip,
)

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
    if len(frags) != 1 or isinstance(frags[0], list) or style.wordWrap or style.endDots or style.shaping:
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


def break_fragments(paragraph: Any, max_widths: list[float]) -> Any | None:
    """ReportLab's ``ParaLines`` (kind 1) for a paragraph ReportLab breaks in its general way
    (several fragments, or shaping), or None when it needs a case left to ReportLab: a line
    break, an image or callback, hyphenation, a word longer than a line, automatic leading.
    Like ReportLab, narrows the first width for a bullet and makes the paragraph's fragments
    its list of words (which ``split`` cuts)."""
    style = paragraph.style
    frags = paragraph.frags
    if not frags or style.wordWrap or style.endDots:
        return None
    if style.hyphenationLang or style.uriWasteReduce or style.embeddedHyphenation:
        return None
    if getattr(paragraph, "autoLeading", getattr(style, "autoLeading", "")) not in ("", "off"):
        return None
    shaping = bool(style.shaping) and bool(getFont(style.fontName).shapable)
    if not (len(frags) > 1 or _processed_frags(frags) or shaping
            or hasattr(frags[0], "cbDefn") or hasattr(frags[0], "backColor")):
        return None  # ReportLab's simple case: not this one
    narrowed = list(max_widths)
    _handleBulletWidth(paragraph.bulletText, style, narrowed)
    words = _getFragWords(frags, narrowed[0])
    if shaping:
        words = [rl_paragraph.shapeFragWord(word) for word in words]
    shortest = min(narrowed)
    for word in words:
        if isinstance(word, _SplitFrag | _SHYWord | _InjectedFrag) or word[0] > shortest:
            return None
        for piece, text in word[1:]:
            if getattr(piece, "_fkind", None) != _FK_TEXT or hasattr(piece, "cbDefn") or _shy in text:
                return None
    max_widths[0] = narrowed[0]
    paragraph.height = paragraph._width_max = paragraph._splitLongWordCount = paragraph._hyphenations = 0
    lines = _Lines(narrowed, style.spaceShrinkage)
    for word in words:
        lines.add(word)
    broken = lines.finish()
    paragraph._width_max = lines.widest
    paragraph.frags = words
    return ParaLines(kind=1, lines=broken)


class _Lines:
    """Words laid into lines, one at a time (see ``break_fragments``). A paragraph has a handful
    of styles, so what ReportLab looks up for every word — a font's ascent and descent, the
    width of its space, whether two fragments may share text — is looked up once per style."""

    def __init__(self, max_widths: list[float], shrinkage: float) -> None:
        self.max_widths, self.shrinkage = max_widths, shrinkage
        self.lines: list[Any] = []
        self.number = 0
        self.max_width = max_widths[0]
        self.widest = 0.0
        self.placed = 0  # words laid so far
        self.first = 0  # the index of the line's first word
        self.pieces: list[Any] = []  # the line's fragments, text joined where their style allows
        self.origins: list[Any] = []  # the fragment each piece was copied from
        self.words = 0  # how many words with text the line holds
        self.width = 0.0
        self.space = 0.0  # the space owed before the next word: the width of one after the last
        self.size = self.ascent = self.descent = 0.0
        self._extent: dict[tuple[str, float], tuple[float, float]] = {}
        self._spaces: dict[tuple[str, float], float] = {}
        self._same: dict[tuple[int, int], bool] = {}

    def add(self, word: list[Any]) -> None:
        head, head_text = word[1]
        tail = word[-1][0]
        self.placed += 1
        if not self.pieces:  # the paragraph's first word
            self.size = tail.fontSize
            self.ascent, self.descent = self._ascent_descent(tail.fontName, tail.fontSize)
        width = self.width + self.space + word[0] if word[0] > 0 else self.width
        if width > self._limit() and self.words > 0:
            self._end_line()
            self.space = self._space(tail.fontName, tail.fontSize) if isinstance(word, _HSFrag) else 0
            self.width, self.words = word[0], 1
            self.pieces, self.origins = [], []
            self._append(head, head_text)
            self.size = head.fontSize
            self.ascent, self.descent = self._ascent_descent(head.fontName, head.fontSize)
            self._add_rest(word)
            return
        if head_text:
            self.words += 1
        self._bound(head)
        if not self.pieces or not self._shares(self.origins[-1], head):
            if self.pieces and self.space and not self.pieces[-1].text.endswith(" "):
                self.pieces[-1].text += " "
            self._append(head, head_text)
        elif self.space:
            last = self.pieces[-1]
            last.text += head_text if last.text.endswith(" ") else " " + head_text
        else:
            self.pieces[-1].text += head_text
        # ReportLab measures this space in the last piece's font at the first piece's size.
        self.space = self._space(tail.fontName, head.fontSize) if isinstance(word, _HSFrag) else 0
        if self._add_rest(word) and not head_text:
            self.words += 1
        self.width = width

    def _append(self, fragment: Any, text: str) -> None:
        piece = fragment.clone()
        piece.text = text
        self.pieces.append(piece)
        self.origins.append(fragment)

    def _add_rest(self, word: list[Any]) -> bool:
        """The word's pieces after the first, each a fragment of its own; True when one has text."""
        any_text = False
        for fragment, text in word[2:]:
            self._append(fragment, text)
            any_text = any_text or bool(text)
            self._bound(fragment)
        return any_text

    def _shares(self, origin: Any, fragment: Any) -> bool:
        """Whether text in ``fragment`` may join a piece copied from ``origin`` (a copy differs
        only in its text, which ``same_fragment`` does not look at)."""
        key = (id(origin), id(fragment))
        same = self._same.get(key)
        if same is None:
            same = self._same[key] = same_fragment(origin, fragment)
        return same

    def _ascent_descent(self, font: str, size: float) -> tuple[float, float]:
        extent = self._extent.get((font, size))
        if extent is None:
            extent = self._extent[(font, size)] = getAscentDescent(font, size)
        return extent

    def _space(self, font: str, size: float) -> float:
        width = self._spaces.get((font, size))
        if width is None:
            width = self._spaces[(font, size)] = stringWidth(" ", font, size)
        return width

    def _bound(self, fragment: Any) -> None:
        ascent, descent = self._ascent_descent(fragment.fontName, fragment.fontSize)
        self.size = max(self.size, fragment.fontSize)
        self.ascent = max(self.ascent, ascent)
        self.descent = min(self.descent, descent)

    def _limit(self) -> float:
        """How wide the line may grow: its spaces may shrink by ``shrinkage`` (summed in
        ReportLab's order, so that the float is the same)."""
        if not self.shrinkage:
            return self.max_width
        spaces = self.space
        for piece in self.pieces:
            count = piece.text.count(" ")
            if count:
                spaces += count * self._space(piece.fontName, piece.fontSize)
        return self.max_width + spaces * self.shrinkage

    def _line(self) -> Any:
        self.widest = max(self.widest, self.width)
        return FragLine(extraSpace=self.max_width - self.width, wordCount=self.words, lineBreak=False,
                        words=self.pieces, fontSize=self.size, ascent=self.ascent, descent=self.descent,
                        maxWidth=self.max_width, sFW=self.first)

    def _end_line(self) -> None:
        self.lines.append(self._line())
        self.first = self.placed - 1
        self.number += 1
        self.max_width = self.max_widths[min(len(self.max_widths) - 1, self.number)]

    def finish(self) -> list[Any]:
        if self.pieces:
            self.lines.append(self._line())
        return self.lines


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
