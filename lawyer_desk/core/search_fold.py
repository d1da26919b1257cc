"""Folding of names and text for search: case, accents and script.

Every indexed text gets a second, folded form in Latin letters, so that a client is found
by any spelling: "Идрис" and "ئىدرىس" fold to "idris". Uyghur Arabic script is
transliterated letter by letter (its vowels are written, so this is faithful); other
scripts go through anyascii (Chinese to toneless pinyin syllables, Cyrillic to Latin).
"""

from __future__ import annotations

import re
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
_WORD = re.compile(r"\w+")


def _fold_char(ch: str) -> str:
    if ch in _ARABIC_SCRIPT:
        return _ARABIC_SCRIPT[ch]
    if unicodedata.combining(ch) or "\u064b" <= ch <= "\u065f":
        return ""
    if ch.isascii():
        return ch
    plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return plain if plain.isascii() else anyascii(plain)


class _CharFolds(dict[int, str]):
    """A ``str.translate`` table that works out each character once, when first seen."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold_char(chr(code))
        return folded


_FOLDS = _CharFolds()


def fold(text: str | None) -> str:
    """The Latin, lower-case, accent-free form of ``text``."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    return text.casefold() if text.isascii() else text.translate(_FOLDS).casefold()


def folded_extra(text: str | None) -> str | None:
    """What the index's ``folded`` column holds: the folded words ``text`` lacks as written.

    An ASCII word is already indexed as written (the tokenizer lower-cases it), so repeating
    it would only double the index; queries look for folded terms in every column.
    """
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return None
    written = {w for w in _WORD.findall(text.lower()) if w.isascii()}
    extra = [w for w in _WORD.findall(fold(text)) if w not in written]
    return " ".join(extra) or None
