"""Paragraph fragments made straight from the markup ``scripts.markup`` writes.

That markup is plain escaped text and ``<font name="...">`` runs, nothing else. ReportLab
would parse it with its HTML parser (a third of a millisecond for a paragraph holding a
name in Arabic script); here the fragments are copied from ones the parser made once per
style and font, and come out exactly as the parser's would: one per stretch of text between
tags and character references, one per reference, white space cleaned first as ReportLab
cleans it (``tests/core/documents/test_line_breaks.py`` compares them). Any other markup
— a line break, a link, a callback — returns None, and ReportLab parses it.
"""

from __future__ import annotations

import re
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText

# White space other than a space or a no-break space: ReportLab's ``cleanBlockQuotedText``
# would change it, as it would two spaces running or a space at either end. Checking for
# these is quicker than cleaning.
_ODD_SPACE = re.compile("[\t\n\x0b\x0c\r\x1c-\x1f\x85\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000]")
_RUN = re.compile(r'<font name="([^"<>&]+)">([^<]*)</font>|([^<]+)')
_REFERENCE = re.compile("(&amp;|&lt;|&gt;)")
_CHARACTERS = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}


class Fragments:
    """Fragments of paragraphs, by style, copied from fragments ReportLab's parser made."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, str | None], Any] = {}

    def of(self, style: ParagraphStyle, markup: str) -> list[Any] | None:
        """The fragments of ``markup`` in ``style``, or None when it holds anything but text
        and font runs."""
        markup = _clean(markup)
        if not markup:
            return [self._copy(style, None, "")]  # an empty paragraph (an empty argument section)
        if "<" not in markup and "&" not in markup:
            return [self._copy(style, None, markup)]  # plain text in the style's font: most paragraphs
        fragments: list[Any] = []
        end = 0
        for run in _RUN.finditer(markup):
            if run.start() != end:
                return None  # some other tag
            end = run.end()
            font, inner, outer = run.groups()
            for piece in _REFERENCE.split(inner if font else outer):
                if piece:
                    fragments.append(self._copy(style, font, _CHARACTERS.get(piece, piece)))
        return fragments if fragments and end == len(markup) else None

    def _copy(self, style: ParagraphStyle, font: str | None, text: str) -> Any:
        key = (style.name, font)
        made = self._made.get(key)
        if made is None:
            sample = "x" if font is None else f'<font name="{font}">x</font>'
            made = self._made[key] = Paragraph(sample, style).frags[0]
        return made.clone(text=text)


def _clean(text: str) -> str:
    if "  " in text or text[:1] == " " or text[-1:] == " " or _ODD_SPACE.search(text):
        return cleanBlockQuotedText(text)  # type: ignore[no-any-return]
    return text
