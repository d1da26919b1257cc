"""Country (ISO 3166-1 alpha-2), language (ISO 639-3) and partial-date values."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

import pycountry
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

# Codes INTERPOL and others use that are not (or no longer) in ISO 3166-1.
_EXTRA_COUNTRIES = {"XK": "Kosovo", "UN": "United Nations"}


def country_name(code: str) -> str:
    if code in _EXTRA_COUNTRIES:
        return _EXTRA_COUNTRIES[code]
    found = pycountry.countries.get(alpha_2=code)
    return found.name if found else code


def check_country(value: str) -> str:
    code = value.strip().upper()
    if code in _EXTRA_COUNTRIES or (len(code) == 2 and pycountry.countries.get(alpha_2=code)):
        return code
    raise ValueError(f"not an ISO 3166 country code: {value!r}")


def check_language(value: str) -> str:
    """Accept an ISO 639-1 or 639-3 code and keep the 639-3 form (e.g. 'uig', 'rus')."""
    code = value.strip().lower()
    found = None
    if len(code) == 2:
        found = pycountry.languages.get(alpha_2=code)
    elif len(code) == 3:
        found = pycountry.languages.get(alpha_3=code)
    if found is None:
        raise ValueError(f"not an ISO 639 language code: {value!r}")
    return found.alpha_3


_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)  # ASCII: "١٩٧٩" is no date here


def check_partial_date(value: str) -> str:
    """A date known to the year, the month or the day: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'."""
    text = value.strip()
    match = _PARTIAL.match(text)
    problem = ValueError(f"not a date: {value!r} (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    if not match:
        raise problem
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise problem from None
    if int(year) < 1800:
        raise problem
    return text


def _strip_blank(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


Country = Annotated[str, AfterValidator(check_country), WithJsonSchema(
    {"type": "string", "pattern": "^[A-Za-z]{2}$", "description": "ISO 3166-1 alpha-2 country code"})]
Language = Annotated[str, AfterValidator(check_language), WithJsonSchema(
    {"type": "string", "pattern": "^[A-Za-z]{2,3}$", "description": "ISO 639-3 (or 639-1) language code"})]
PartialDate = Annotated[str, AfterValidator(check_partial_date), WithJsonSchema(
    {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
     "description": "A date known to the year, month or day: YYYY, YYYY-MM or YYYY-MM-DD"})]
OptionalText = Annotated[str | None, BeforeValidator(_strip_blank)]


def format_partial_date(value: str | None) -> str:
    """'1979', 'June 1979' or '2 June 1979', for people to read."""
    if not value:
        return ""
    parts = value.split("-")
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    if len(parts) == 1:
        return parts[0]
    month = months[int(parts[1]) - 1]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"
