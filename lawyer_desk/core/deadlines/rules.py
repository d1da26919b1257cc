"""Deadline rules as data, and the loader that refuses any rule it cannot trust.

A missed deadline can mean a client is extradited, so a rule is only as good as its source.
Rules live in TOML files (one per forum in ``resources/rules/``, plus optional files a lawyer
adds), never in code, and every rule must cite where its period, its counting convention and
its roll convention come from. A file that breaks any of this stops loading with a message
naming the file, the rule and the field, so that the lawyer can fix it instead of trusting a
silently wrong date.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator
from datetime import time
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lawyer_desk.core.errors import InvalidInput, NotFound
from lawyer_desk.core.paths import resources_dir
from lawyer_desk.core.vocab import DeadlineKind

__all__ = [
    "Catalogue",
    "Counting",
    "HolidayCalendar",
    "Roll",
    "Rule",
    "Source",
    "Unit",
    "cutoff_places",
    "load_catalogue",
    "load_rules",
    "shipped_rules_dir",
]

_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class Unit(StrEnum):
    calendar_days = "calendar_days"
    business_days = "business_days"
    weeks = "weeks"
    months = "months"


class Counting(StrEnum):
    """Whether the trigger day is day 1 ("starting with") or the period runs from the next day."""

    starting_with = "starting_with"
    after = "after"


class Roll(StrEnum):
    """What happens when the period ends on a weekend or holiday: forward, backward, or nothing."""

    forward = "forward"
    backward = "backward"
    none = "none"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(_Strict):
    """Where a convention comes from: a provision (instrument + article, ideally a URL) or a note.

    The period itself needs a provision; a counting or roll convention may instead carry a
    note explaining that it is unverified and why the conservative option was chosen.
    """

    instrument: str | None = Field(default=None, min_length=1)
    article: str | None = Field(default=None, min_length=1)
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    note: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _cited(self) -> Self:
        if not ((self.instrument and self.article) or self.note):
            raise ValueError("give instrument and article (and a url), or a note")
        return self

    def cite(self) -> str:
        """One line a lawyer can look up, e.g. 'Extradition Act 2003, s.103(9)'."""
        parts = [p for p in (self.instrument, self.article) if p]
        return ", ".join(parts) if parts else (self.note or "")


class PeriodSource(Source):
    """The source of the period: always a provision, never only a note."""

    instrument: str = Field(min_length=1)
    article: str = Field(min_length=1)


class HolidayCalendar(_Strict):
    """A forum's public holidays, looked up through the ``holidays`` package."""

    country: str = Field(min_length=2, max_length=3)
    subdivision: str | None = None
    name: str | None = Field(default=None, description="How the explanation names it, e.g. 'England and Wales'")

    @model_validator(mode="after")
    def _known(self) -> Self:
        supported = _supported_countries()
        if self.country not in supported:
            raise ValueError(f"unknown holiday country {self.country!r} (ISO 3166-1 alpha-2, e.g. 'GB', 'FR')")
        if self.subdivision is not None and self.subdivision not in supported[self.country]:
            known = ", ".join(supported[self.country]) or "none"
            raise ValueError(f"unknown subdivision {self.subdivision!r} of {self.country} (known: {known})")
        return self

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return f"{self.country}-{self.subdivision}" if self.subdivision else self.country


@cache
def _supported_countries() -> dict[str, list[str]]:
    return {code: list(subdivs) for code, subdivs in holidays_lib.list_supported_countries().items()}


class Rule(_Strict):
    """One deadline rule of one forum: period, counting, roll, holidays, cut-off, and sources."""

    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    forum: str = Field(min_length=1)
    jurisdiction: str = Field(min_length=1)
    trigger_event: str = Field(min_length=1)
    period: int = Field(gt=0, le=10_000)
    unit: Unit
    counting: Counting
    roll: Roll
    holidays: HolidayCalendar | None = None
    cutoff_time: time | None = None
    time_zone: str
    place: str | None = Field(default=None, min_length=1, max_length=60)  # whose clock: see ``cutoff_places``
    kind: DeadlineKind
    source: PeriodSource
    counting_source: Source
    roll_source: Source
    note: str | None = None

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _RULE_ID.match(value):
            raise ValueError("use lower-case letters, digits, '.', '-' (e.g. 'uk-ea2003-s74-request')")
        return value

    @field_validator("holidays", mode="before")
    @classmethod
    def _no_calendar(cls, value: Any) -> Any:
        """TOML has no null: ``holidays = "none"`` says the forum has no holiday calendar."""
        return None if value == "none" else value

    @field_validator("cutoff_time", mode="before")
    @classmethod
    def _hh_mm(cls, value: Any) -> Any:
        if value is None or isinstance(value, time):
            return value
        if not isinstance(value, str) or not _HH_MM.match(value):
            raise ValueError('write the cut-off as "HH:MM" on a 24-hour clock, e.g. "16:30"')
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))

    @field_validator("time_zone")
    @classmethod
    def _iana(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. 'Europe/London')") from exc
        return value

    @property
    def statutory(self) -> bool:
        return self.kind is DeadlineKind.statutory


# --- catalogue ----------------------------------------------------------------------------
class Catalogue:
    """The loaded rules by id, remembering which file each came from."""

    def __init__(self, rules: dict[str, Rule], origins: dict[str, Path]) -> None:
        self._rules = dict(rules)
        self._origins = dict(origins)

    def __len__(self) -> int:
        return len(self._rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def ids(self) -> list[str]:
        return sorted(self._rules)

    def get(self, rule_id: str) -> Rule:
        try:
            return self._rules[rule_id]
        except KeyError:
            raise NotFound(f"no deadline rule with id {rule_id!r}") from None

    def origin(self, rule_id: str) -> Path:
        """The file a rule was loaded from, for messages and for the 'where does this come from' view."""
        self.get(rule_id)
        return self._origins[rule_id]


def shipped_rules_dir() -> Path:
    return resources_dir() / "rules"


def load_catalogue(user_dir: Path | None = None) -> Catalogue:
    """The shipped rules plus, if given and present, a lawyer's own rule files, validated alike."""
    paths = [shipped_rules_dir()]
    if user_dir is not None and user_dir.is_dir():
        paths.append(user_dir)
    return load_rules(paths)


def load_rules(paths: Iterable[Path]) -> Catalogue:
    """Load and validate rule files; a folder stands for the ``*.toml`` files in it.

    Raises ``InvalidInput`` at the first problem, naming the file, the rule and the field:
    a rule that loads half-checked would be worse than no rule.
    """
    rules: dict[str, Rule] = {}
    origins: dict[str, Path] = {}
    for file in _rule_files(paths):
        for rule in _load_file(file):
            if rule.id in rules:
                raise InvalidInput(f"{file}: rule {rule.id!r}: field 'id': duplicate id, "
                                   f"already defined in {origins[rule.id]}")
            rules[rule.id] = rule
            origins[rule.id] = file
    return Catalogue(rules, origins)


def _rule_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files += sorted(p for p in path.glob("*.toml") if p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise InvalidInput(f"{path}: no such rule file or folder")
    return files


def _load_file(file: Path) -> list[Rule]:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{file}: not a valid TOML file: {exc}") from exc
    unknown = set(data) - {"rule", "meta"}
    if unknown:
        raise InvalidInput(f"{file}: unknown top-level key(s) {', '.join(sorted(unknown))}; "
                           "rules go in [[rule]] tables")
    entries = data.get("rule")
    if not isinstance(entries, list) or not entries:
        raise InvalidInput(f"{file}: no rules found; write each rule as a [[rule]] table")
    rules = []
    for index, entry in enumerate(entries, start=1):
        rule_id = entry.get("id") if isinstance(entry, dict) else None
        name = repr(rule_id) if isinstance(rule_id, str) and rule_id else f"#{index} (no id)"
        try:
            rules.append(Rule.model_validate(entry))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "(rule)"
            raise InvalidInput(f"{file}: rule {name}: field {field!r}: {_plain(first)}") from exc
    return rules


def cutoff_places(user_dir: Path | None = None) -> dict[str, tuple[str, str]]:
    """Rule id → (time zone, place) of each rule that names the place of its cut-off.

    A zone is named after one city, and a forum may sit in another on the same clock:
    Europe/Paris is the ECtHR's zone in Strasbourg and the CCF's in Lyon, so a cut-off reads
    "16:00 Strasbourg time (Europe/Paris)" only if the rule says so (``place``).

    The dashboard asks for this at every unlock, for display only, so it reads the TOML of the
    same files as ``load_catalogue`` without validating the rules: milliseconds (nothing once a
    file was read and has not changed), where the catalogue's validation first loads the
    ``holidays`` package's list of countries. A file or rule that does not read is skipped
    here; it is refused with a clear message where rules are used (``load_catalogue``). The
    first file to name a rule id wins, as the catalogue refuses duplicates anyway.
    """
    folders = [shipped_rules_dir()] + ([user_dir] if user_dir is not None and user_dir.is_dir() else [])
    places: dict[str, tuple[str, str]] = {}
    for file in _rule_files(folders):
        for rule_id, seat in _file_places(file).items():
            places.setdefault(rule_id, seat)
    return places


_places_read: dict[Path, tuple[tuple[int, int], dict[str, tuple[str, str]]]] = {}


def _file_places(file: Path) -> dict[str, tuple[str, str]]:
    """The places named in one rule file, read again only when the file has changed."""
    try:
        stat = file.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = _places_read.get(file)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        entries = tomllib.loads(file.read_text(encoding="utf-8")).get("rule")
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    places: dict[str, tuple[str, str]] = {}
    for entry in entries if isinstance(entries, list) else ():
        if not isinstance(entry, dict):
            continue
        rule_id, zone, place = entry.get("id"), entry.get("time_zone"), entry.get("place")
        if all(isinstance(v, str) and v.strip() for v in (rule_id, zone, place)):
            places.setdefault(rule_id.strip(), (zone.strip(), place.strip()))
    _places_read[file] = (stamp, places)
    return places


def _plain(error: Any) -> str:
    """Pydantic's message without its 'Value error, ' prefix, plus the offending value if short."""
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        return "missing (every rule needs it; a rule without a source does not load)"
    value = error.get("input")
    if isinstance(value, str | int) and len(str(value)) <= 60 and str(value) not in message:
        return f"{message} (got {value!r})"
    return message
