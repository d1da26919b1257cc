"""Personal names: which script a name is written in.

A client's name reaches the case file in many writings (a Latin passport spelling, Cyrillic,
Uyghur Arabic script, Chinese characters); each ``NameVariant`` records its script so that
documents can pick the right font and direction.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from lawyer_desk.core.vocab import Script

# The first word of a letter's Unicode name tells its script ("LATIN SMALL LETTER A",
# "CYRILLIC CAPITAL LETTER ZHE", "ARABIC LETTER ALEF", "CJK UNIFIED IDEOGRAPH-4E60").
_SCRIPT_OF_NAME_PREFIX: tuple[tuple[str, Script], ...] = (
    ("LATIN ", Script.latin),
    ("CYRILLIC ", Script.cyrillic),
    ("ARABIC ", Script.arabic),
    ("CJK UNIFIED IDEOGRAPH", Script.han),
    ("CJK COMPATIBILITY IDEOGRAPH", Script.han),
)
# Letters proper; modifier letters (Lm: "ʼ", "ˮ") carry no script of their own.
_LETTER_CATEGORIES = {"Lu", "Ll", "Lt", "Lo"}


def _script_of(char: str) -> Script | None:
    if unicodedata.category(char) not in _LETTER_CATEGORIES:
        return None
    name = unicodedata.name(char, "")
    for prefix, script in _SCRIPT_OF_NAME_PREFIX:
        if name.startswith(prefix):
            return script
    return Script.other


def detect_script(text: str) -> Script:
    """The script most of the letters of ``text`` are written in.

    Digits, spaces, punctuation and combining marks do not count. A text with no letters,
    or written mostly in a script the case file does not name (Greek, Hebrew…), is
    ``Script.other``. On a tie the script met first wins.
    """
    counts: Counter[Script] = Counter()
    for char in unicodedata.normalize("NFKC", text):
        script = _script_of(char)
        if script is not None:
            counts[script] += 1
    if not counts:
        return Script.other
    return counts.most_common(1)[0][0]  # Counter keeps first-seen order among equal counts
