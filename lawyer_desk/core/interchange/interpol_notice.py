"""Import of the public INTERPOL Red Notice JSON (the detail format and the search result).

What INTERPOL publishes is an *extract*: the lawyer's case file stays the source of truth.
So an import creates a client and a red-notice alert for a notice the store does not know,
and for a notice it knows (same reference) it only

* replaces the alert's arrest warrants by the published ones — a warrant is identified by
  its issuing country and its charge as published; a warrant still published keeps what
  the lawyer added to it (translation, authority, reference, date);
* sets the alert's publicity to "public extract" and fills an empty requesting country;
* fills the client's fields that are still empty, never overwriting the lawyer's edits;
* adds the published name as a name variant unless that exact text is already one.

Importing the same file twice changes nothing the second time (no audit entries).

Decisions worth knowing:

* A code that is not ISO (INTERPOL uses a few, such as "922") or an unknown language code
  is left out with a warning in the ``NoticeResult``: one odd code must not block the
  import of a notice the lawyer needs. A warrant whose issuing country is not ISO is kept
  without its country.
* A missing or null ``arrest_warrants`` (the short entries of a search result never carry
  one) means "not stated": the warrants held are kept. An empty list means "none".
* Physical descriptions (height, weight, eyes, hair, marks) are read only as far as
  needed to validate height and weight; they are never stored.
* A notice whose reference the store does not know makes a new client, even when a client
  of the same name exists: merging people on a name match is for the lawyer to decide.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError
from sqlmodel import Session, col, select

from lawyer_desk.core.codes import check_country, check_language, check_partial_date
from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.interchange.jsonfile import json_path, parse_json, read_bytes
from lawyer_desk.core.models import Alert, AlertStatusChange, ArrestWarrant, Client, NameVariant
from lawyer_desk.core.names import detect_script
from lawyer_desk.core.vocab import AlertStatus, AlertType, NameKind, Publicity, Sex

MAX_NOTICE_BYTES = 10 * 1024 * 1024
"""A notice is a few kilobytes and a search result page well under a megabyte."""

SEEN_NOTE = "seen in the public notice extract"
_NAME_LIMIT = 300  # Client.display_name and NameVariant.text


# --- the published format ----------------------------------------------------------------
def _problem(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def _blank_to_none(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return value.strip()


def _forename(value: str | None) -> str | None:
    value = _blank_to_none(value)
    return None if value == "-" else value  # INTERPOL writes "-" for "no forename"


_REFERENCE = re.compile(r"^(\d{4})[/-](\d{1,8})$")


def _reference(value: str) -> str:
    """'2017/90001' as published, or '2017-90001' as in the notice's web address."""
    match = _REFERENCE.match(value.strip())
    if not match:
        raise _problem("notice_reference", "is not an INTERPOL file number of the form YYYY/NNNNN")
    return f"{match.group(1)}/{match.group(2)}"


_PUBLISHED_DATE = re.compile(r"^(\d{4})(?:[/-](\d{2})(?:[/-](\d{2}))?)?$")


def _birth_date(value: str | None) -> str | None:
    """'1979/06/02', '1979/06' or '1979' → the partial date '1979-06-02', '1979-06', '1979'."""
    if value is None or not value.strip():
        return None
    problem = _problem("notice_date", "is not a date of the form YYYY/MM/DD, YYYY/MM or YYYY")
    match = _PUBLISHED_DATE.match(value.strip())
    if not match:
        raise problem
    partial = "-".join(part for part in match.groups() if part)
    try:
        return check_partial_date(partial)
    except ValueError:
        raise problem from None


_SEXES = {"M": Sex.male, "F": Sex.female, "U": Sex.unknown}


def _sex(value: Any) -> Sex:
    if value is None or (isinstance(value, str) and not value.strip()):
        return Sex.unknown
    if isinstance(value, str) and value.strip().upper() in _SEXES:
        return _SEXES[value.strip().upper()]
    raise _problem("notice_sex", "must be M, F or U")


def _known_measure(value: float | None) -> float | None:
    return value if value is not None and value > 0 else None  # 0 means "unknown"


BlankIsNone = Annotated[str | None, AfterValidator(_blank_to_none)]


class PublishedWarrant(BaseModel):
    """One entry of ``arrest_warrants``. The charge is kept exactly, line breaks included."""

    model_config = ConfigDict(extra="ignore")

    issuing_country_id: BlankIsNone = None
    charge: str | None = None
    charge_translation: str | None = None


class Notice(BaseModel):
    """A public notice as INTERPOL publishes it, checked and put in the case file's terms.

    ``entity_id`` is normalised to 'YYYY/NNNNN', ``date_of_birth`` to a partial date
    ('YYYY-MM-DD', 'YYYY-MM' or 'YYYY'), a forename of "-" to None, ``sex_id`` to ``Sex``,
    a height or weight of 0 to None. Country and language codes are kept as published and
    checked at import, where an odd one becomes a warning rather than a failure.
    """

    model_config = ConfigDict(extra="ignore")

    entity_id: Annotated[str, AfterValidator(_reference)]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    forename: Annotated[str | None, AfterValidator(_forename)] = None
    date_of_birth: Annotated[str | None, AfterValidator(_birth_date)] = None
    sex_id: Annotated[Sex, BeforeValidator(_sex)] = Sex.unknown
    nationalities: list[str] | None = None
    country_of_birth_id: BlankIsNone = None
    place_of_birth: BlankIsNone = None
    languages_spoken_ids: list[str] | None = None
    height: Annotated[float | None, AfterValidator(_known_measure)] = None
    weight: Annotated[float | None, AfterValidator(_known_measure)] = None
    arrest_warrants: list[PublishedWarrant] | None = None

    # Where this notice sits in its file ('$' or '$._embedded.notices[2]'), for warnings.
    _path: str = PrivateAttr(default="$")

    @model_validator(mode="after")
    def _name_fits(self) -> Notice:
        if len(self.display_name) > _NAME_LIMIT:
            raise _problem("notice_name", f"name and forename together are longer than {_NAME_LIMIT} characters")
        return self

    @property
    def display_name(self) -> str:
        """'FORENAME NAME' as published, or the name alone when there is no forename."""
        return f"{self.forename} {self.name}" if self.forename else self.name

    @property
    def reference(self) -> str:
        return self.entity_id

    @property
    def source(self) -> str:
        return f"INTERPOL public notice {self.entity_id}"

    @property
    def path(self) -> str:
        return self._path


class _Embedded(BaseModel):
    model_config = ConfigDict(extra="ignore")
    notices: list[Notice]


class SearchResult(BaseModel):
    """A page of the public search: short entries (no warrants) under ``_embedded.notices``."""

    model_config = ConfigDict(extra="ignore")
    embedded: _Embedded = Field(alias="_embedded")


def _is_search_result(data: dict[str, Any]) -> bool:
    embedded = data.get("_embedded")
    return isinstance(embedded, dict) and "notices" in embedded


# --- reading -----------------------------------------------------------------------------
def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__


_EXPECTED = {
    "string_type": "must be text",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
}


def _describe(source: str, error: ValidationError) -> InvalidInput:
    """One line: the first problem at its JSON path, and how many more there are.

    The offending value is never quoted: it is client data and may end up in a log.
    """
    problems = error.errors(include_url=False)
    first = problems[0]
    kind = first["type"]
    if kind in _EXPECTED:
        message = f"{_EXPECTED[kind]}, not {_kind_of(first['input'])}"
    elif kind == "missing":
        message = "is missing"
    elif kind == "string_too_short":
        message = "must not be empty"
    elif kind.startswith("notice_"):
        message = first["msg"]
    else:
        message = first["msg"][:1].lower() + first["msg"][1:]
    more = len(problems) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return InvalidInput(f"{source}: {json_path(tuple(first['loc']))} {message}{tail}.")


def parse_notices(raw: bytes, source: str) -> list[Notice]:
    """The notices in a file: one for the detail format, each entry of a search result.

    ``source`` names the file in messages. Raises ``InvalidInput`` (one line) for a file
    that is empty, larger than 10 MB, not UTF-8, not JSON, not an object, or whose
    structure does not fit — then naming the JSON path, e.g. ``$.arrest_warrants[1].charge``.
    """
    if len(raw) > MAX_NOTICE_BYTES:
        raise InvalidInput(f"{source}: the file is larger than 10 MB; an INTERPOL notice is a few kilobytes.")
    try:
        data = parse_json(raw, source)
    except InvalidInput:
        raise
    except ValueError:  # e.g. a number too long for Python to read
        raise InvalidInput(f"{source}: not valid JSON (a value cannot be read).") from None
    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: $ must be an object (an INTERPOL notice or search result), "
                           f"not {_kind_of(data)}.")
    try:
        if _is_search_result(data):
            notices = SearchResult.model_validate(data).embedded.notices
            for index, notice in enumerate(notices):
                notice._path = f"$._embedded.notices[{index}]"
            return notices
        return [Notice.model_validate(data)]
    except ValidationError as exc:
        raise _describe(source, exc) from None


def read_notices(path: Path) -> list[Notice]:
    """``parse_notices`` of a file, refusing a large one before reading it."""
    return parse_notices(read_bytes(path, MAX_NOTICE_BYTES), str(path))


# --- importing ---------------------------------------------------------------------------
@dataclass(frozen=True)
class NoticeResult:
    client_id: int
    alert_id: int
    created: bool
    """False when the store already held an alert with this reference (it was updated)."""
    reference: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Facts:
    """The notice's codes, checked; what did not pass is in ``warnings``."""

    nationalities: list[str]
    languages: list[str]
    country_of_birth: str | None
    warrants: list[ArrestWarrant] | None  # None: the notice does not state its warrants
    requesting_country: str | None
    warnings: list[str]


def _checked_country(code: str, path: str, warnings: list[str], consequence: str) -> str | None:
    try:
        return check_country(code)
    except ValueError:
        warnings.append(f"{path}: {code!r} is not an ISO 3166 country code; {consequence}.")
        return None


def _facts(notice: Notice) -> _Facts:
    warnings: list[str] = []
    nationalities: list[str] = []
    for index, code in enumerate(notice.nationalities or []):
        checked = _checked_country(code, f"{notice.path}.nationalities[{index}]", warnings, "left out")
        if checked and checked not in nationalities:
            nationalities.append(checked)
    languages: list[str] = []
    for index, code in enumerate(notice.languages_spoken_ids or []):
        try:
            checked = check_language(code)
        except ValueError:
            warnings.append(f"{notice.path}.languages_spoken_ids[{index}]: {code!r} is not an ISO 639 "
                            "language code; left out.")
            continue
        if checked not in languages:
            languages.append(checked)
    birth_country = None
    if notice.country_of_birth_id:
        birth_country = _checked_country(notice.country_of_birth_id, f"{notice.path}.country_of_birth_id",
                                         warnings, "left out")
    warrants = None
    if notice.arrest_warrants is not None:
        warrants = []
        for index, published in enumerate(notice.arrest_warrants):
            country = None
            if published.issuing_country_id:
                country = _checked_country(published.issuing_country_id,
                                           f"{notice.path}.arrest_warrants[{index}].issuing_country_id",
                                           warnings, "the warrant is kept without it")
            warrants.append(ArrestWarrant(issuing_country=country, charge=published.charge or "",
                                          charge_translation=published.charge_translation))
    requesting = warrants[0].issuing_country if warrants else None
    return _Facts(nationalities, languages, birth_country, warrants, requesting, warnings)


def _find_alert(session: Session, reference: str, warnings: list[str]) -> Alert | None:
    forms = [reference, reference.replace("/", "-")]
    found = session.exec(select(Alert).where(col(Alert.reference).in_(forms)).order_by(col(Alert.id))).all()
    if len(found) > 1:
        warnings.append(f"{len(found)} alerts in the case file carry the reference {reference}; "
                        "only the first one was updated.")
    return found[0] if found else None


def _published_name(notice: Notice) -> NameVariant:
    text = notice.display_name
    return NameVariant(text=text, script=detect_script(text), kind=NameKind.as_published, source=notice.source)


def _create(session: Session, notice: Notice, facts: _Facts, today: str) -> tuple[Client, Alert]:
    client = Client(display_name=notice.display_name, date_of_birth=notice.date_of_birth,
                    place_of_birth=notice.place_of_birth, country_of_birth=facts.country_of_birth,
                    sex=notice.sex_id, nationalities=facts.nationalities, languages=facts.languages)
    client.names.append(_published_name(notice))
    alert = Alert(type=AlertType.red_notice, reference=notice.reference,
                  requesting_country=facts.requesting_country, publicity=Publicity.public_extract,
                  status=AlertStatus.published)
    alert.warrants.extend(facts.warrants or [])
    alert.history.append(AlertStatusChange(status=AlertStatus.published, date=today, note=SEEN_NOTE))
    client.alerts.append(alert)
    session.add(client)
    return client, alert


def _fill_client(client: Client, notice: Notice, facts: _Facts) -> None:
    """Fill what the case file leaves empty; what the lawyer wrote stays."""
    for field, value in (("date_of_birth", notice.date_of_birth), ("place_of_birth", notice.place_of_birth),
                         ("country_of_birth", facts.country_of_birth)):
        if value is not None and getattr(client, field) is None:
            setattr(client, field, value)
    if client.sex == Sex.unknown and notice.sex_id != Sex.unknown:
        client.sex = notice.sex_id
    if not client.nationalities and facts.nationalities:
        client.nationalities = facts.nationalities
    if not client.languages and facts.languages:
        client.languages = facts.languages
    if all(variant.text != notice.display_name for variant in client.names):
        client.names.append(_published_name(notice))


def _replace_warrants(session: Session, alert: Alert, published: list[ArrestWarrant]) -> None:
    """Make the alert's warrants the published ones, keeping rows that are still published."""
    unmatched = list(published)
    for held in sorted(alert.warrants, key=lambda w: w.id or 0):
        match = next((w for w in unmatched
                      if (w.issuing_country, w.charge) == (held.issuing_country, held.charge)), None)
        if match is None:
            alert.warrants.remove(held)
            session.delete(held)
            continue
        unmatched.remove(match)
        if held.charge_translation is None and match.charge_translation is not None:
            held.charge_translation = match.charge_translation
    alert.warrants.extend(unmatched)


_GONE = {AlertStatus.deleted, AlertStatus.cancelled_by_source}


def _update(session: Session, alert: Alert, notice: Notice, facts: _Facts) -> None:
    if alert.publicity != Publicity.public_extract:
        alert.publicity = Publicity.public_extract
    if alert.requesting_country is None and facts.requesting_country is not None:
        alert.requesting_country = facts.requesting_country
    if facts.warrants is not None:
        _replace_warrants(session, alert, facts.warrants)
    if alert.status in _GONE:
        facts.warnings.append(f"{notice.path}: the case file records alert {notice.reference} as "
                              f"{alert.status.value.replace('_', ' ')}, yet it is still in the public "
                              "extract; its status was left unchanged.")
    _fill_client(alert.client, notice, facts)


def import_notices(session: Session, notices: Sequence[Notice], *, today: date | None = None) -> list[NoticeResult]:
    """Bring parsed notices into the case file, within the caller's transaction.

    A notice whose reference is new makes a client, a published red-notice alert with its
    warrants and a dated "published" status entry (``today``, by default the local date).
    A known reference updates that alert and its client (see the module's notes).
    """
    day = (today or date.today()).isoformat()
    results: list[NoticeResult] = []
    for notice in notices:
        facts = _facts(notice)
        alert = _find_alert(session, notice.reference, facts.warnings)
        created = alert is None
        if alert is None:
            client, alert = _create(session, notice, facts, day)
        else:
            client = alert.client
            _update(session, alert, notice, facts)
        session.flush()
        assert client.id is not None and alert.id is not None
        results.append(NoticeResult(client.id, alert.id, created, notice.reference, tuple(facts.warnings)))
    return results
