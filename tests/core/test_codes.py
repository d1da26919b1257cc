"""Country, language and partial-date values, and the folding used by search."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from lawyer_desk.core import models as m
from lawyer_desk.core.codes import (
    check_country,
    check_language,
    check_partial_date,
    country_name,
    format_partial_date,
)
from lawyer_desk.core.search_fold import fold


# --- partial dates -------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["1979", "1979-06", "1979-06-02", "2000-02-29", "2024-12-31", "1800"])
def test_partial_date_ok(value: str) -> None:
    assert check_partial_date(value) == value


def test_partial_date_is_trimmed() -> None:
    assert check_partial_date(" 1979-06 ") == "1979-06"


@pytest.mark.parametrize(
    "value",
    ["1979-13", "1979-00", "1979-02-30", "1979-06-31", "1900-02-29", "1979-06-00", "79", "", " ", "1979-6",
     "1979-06-2", "02-06-1979", "1979/06/02", "19790602", "1979-06-02T00:00", "year", "1799", "１９７９", "١٩٧٩-٠٦"],
)
def test_partial_date_wrong(value: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        check_partial_date(value)


@pytest.mark.parametrize(("value", "shown"), [("1979", "1979"), ("1979-06", "June 1979"),
                                              ("1979-06-02", "2 June 1979"), (None, ""), ("", "")])
def test_format_partial_date(value: str | None, shown: str) -> None:
    assert format_partial_date(value) == shown


def test_partial_dates_sort_as_text() -> None:
    assert sorted(["1979-06-02", "1979", "1980", "1979-06", "1979-11"]) == [
        "1979", "1979-06", "1979-06-02", "1979-11", "1980"]


# --- countries -----------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "code"), [("cn", "CN"), ("CN", "CN"), (" tr ", "TR"), ("xk", "XK"), ("UN", "UN")])
def test_country_ok(value: str, code: str) -> None:
    assert check_country(value) == code


@pytest.mark.parametrize("value", ["XX", "", "C", "CHN", "China", "zz", "12"])
def test_country_wrong(value: str) -> None:
    with pytest.raises(ValueError, match="country"):
        check_country(value)


def test_country_name() -> None:
    assert country_name("CN") == "China"
    assert country_name("XK") == "Kosovo"
    assert country_name("XX") == "XX"


# --- languages -----------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "code"), [("ug", "uig"), ("UG", "uig"), ("uig", "uig"), ("ru", "rus"),
                                             ("en", "eng"), (" tr ", "tur"), ("zh", "zho")])
def test_language_ok(value: str, code: str) -> None:
    assert check_language(value) == code


@pytest.mark.parametrize("value", ["zzz", "", "u", "xx", "uigh", "Uyghur", "qaa"])
def test_language_wrong(value: str) -> None:
    with pytest.raises(ValueError, match="language"):
        check_language(value)


# --- the same checks on the model fields ---------------------------------------------------
def test_fields_validate_and_normalise() -> None:
    client = m.ClientBase.model_validate({
        "display_name": "Idris Mamut", "date_of_birth": "1979-06", "country_of_birth": "cn",
        "nationalities": ["cn", "tr"], "languages": ["ug", "rus"],
    })
    assert client.country_of_birth == "CN"
    assert client.nationalities == ["CN", "TR"]
    assert client.languages == ["uig", "rus"]
    name = m.NameVariantBase.model_validate({"text": "ئىدرىس مامۇت", "language": "ug"})
    assert name.language == "uig"


@pytest.mark.parametrize(
    "fields",
    [{"date_of_birth": "1979-02-30"}, {"date_of_birth": "79"}, {"country_of_birth": "XX"},
     {"nationalities": ["CN", "XX"]}, {"languages": ["zzz"]}, {"display_name": ""}],
)
def test_fields_refuse_wrong_values(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        m.ClientBase.model_validate({"display_name": "Idris Mamut", **fields})


# --- folding for search --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Idris Mamut", "idris mamut"),
        ("IDRİS", "idris"),
        ("Идрис Мамут", "idris mamut"),
        ("ئىدرىس مامۇت", "idris mamut"),
        ("ئۇيغۇر", "uyghur"),
        ("شىنجاڭ", "shinjang"),
        ("伊德日斯", "yiderisi"),
        ("Çağlar Öztürk", "caglar ozturk"),
        ("Nguyễn", "nguyen"),
        ("Straße", "strasse"),
        ("ÉCOLE", "ecole"),
        ("Ａｂｃ", "abc"),
        ("ﬁle", "file"),
        ("e\u0301te\u0301", "ete"),
        ("2019/12345", "2019/12345"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text: str | None, folded: str) -> None:
    assert fold(text) == folded


def test_fold_is_idempotent_and_ascii() -> None:
    for text in ("Идрис", "ئىدرىس", "伊德日斯·马木提", "Çağlar", "Ḥusayn ʿAlī", "Ñandú"):
        once = fold(text)
        assert once.isascii()
        assert fold(once) == once
