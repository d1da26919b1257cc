"""Folding of names and text for search: case, accents and script.

Every indexed text gets a second, folded form in Latin letters, so that a client is found
by any spelling: "Идрис" and "ئىدرىس" fold to "idris". Uyghur Arabic script is
transliterated letter by letter (its vowels are written, so this is faithful); other
scripts go through anyascii (Chinese to toneless pinyin syllables, Cyrillic to Latin).
"""

from __future__ import annotations

import unicodedata

from anyascii import anyascii

# Uyghur Arabic script (UEY) to Uyghur Latin (ULY), with the Arabic and Persian letters that
# Uyghur lacks mapped to their usual Latin values. The hamza carrier is silent.
_ARABIC_SCRIPT = {
    "ا": "a", "ە": "e", "ب": "b", "پ": "p", "ت": "t", "ج": "j", "چ": "ch", "خ": "x",
    "د": "d", "ر": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh", "غ": "gh", "ف": "f",
    "ق": "q", "ك": "k", "گ": "g", "ڭ": "ng", "ل": "l", "م": "m", "ن": "n", "ھ": "h",
    "و": "o", "ۇ": "u", "ۆ": "o", "ۈ": "u", "ۋ": "w", "ې": "e", "ى": "i", "ي": "y",
    "ئ": "", "ء": "", "ع": "", "ح": "h", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "ث": "s", "ذ": "z", "ة": "a", "أ": "a", "إ": "i", "آ": "a", "ؤ": "u", "ی": "y",
    "ک": "k", "ه": "h", "\u0640": "",
}


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(text: str | None) -> str:
    """The Latin, lower-case, accent-free form of ``text`` used by the search index."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for ch in text:
        if ch in _ARABIC_SCRIPT:
            out.append(_ARABIC_SCRIPT[ch])
        elif unicodedata.combining(ch) or "\u064b" <= ch <= "\u065f":
            continue
        elif ch.isascii():
            out.append(ch)
        else:
            plain = _strip_marks(ch)
            out.append(plain if plain.isascii() else anyascii(plain))
    return "".join(out).casefold()
