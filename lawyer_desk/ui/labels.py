"""Words shown for the closed vocabularies, translatable; one place for all of them."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QCoreApplication

from lawyer_desk.core.codes import country_name

_SPECIAL = {
    "art3_political": "Art. 3 – political, military, religious or racial character",
    "art2_human_rights": "Art. 2 – human rights",
    "rpd_minimum_criteria": "RPD minimum criteria (Art. 83)",
    "ccf": "CCF",
    "echr": "ECtHR",
    "un_cat": "UN Committee against Torture",
    "un_hrc": "UN Human Rights Committee",
    "ncb": "NCB",
    "ngo": "NGO",
    "Latin": "Latin", "Arabic": "Arabic", "Cyrillic": "Cyrillic", "Han": "Han (Chinese)",
}


def label(value: StrEnum | str | None) -> str:
    """'house_arrest' → 'House arrest', translated."""
    if value is None:
        return ""
    raw = str(value.value if isinstance(value, StrEnum) else value)
    text = _SPECIAL.get(raw) or raw.replace("_", " ").capitalize()
    return QCoreApplication.translate("labels", text)


def countries(codes: list[str] | None) -> str:
    return ", ".join(codes or [])


def country_tooltip(codes: list[str] | None) -> str:
    return ", ".join(f"{code} – {country_name(code)}" for code in codes or [])


def plural(translated: str, n: int) -> str:
    """English plural for a "%n day(s)" text translated with ``n`` when no translation replaced it.

    Qt leaves "(s)" for the translation's plural forms to resolve; without one (English), this
    gives "1 day" and "3 days". A translated text carries no "(s)" and passes unchanged.
    """
    return translated.replace("(s)", "" if abs(n) == 1 else "s")
