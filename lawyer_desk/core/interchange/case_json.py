"""The case interchange format, version 1 (``"format": "lawyer-desk/case"``).

One JSON file holds one client with everything of the case. Links inside the file use keys
(``"alert": "alert-1"``) rather than database ids, so a file moves between stores. The JSON
Schema in ``resources/schema/case-v1.schema.json`` is generated from these models
(``python -m lawyer_desk.core.interchange.case_json``).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError, model_validator

from lawyer_desk import __version__
from lawyer_desk.core import models as m
from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.interchange.jsonfile import describe, parse_json
from lawyer_desk.core.paths import resources_dir

FORMAT = "lawyer-desk/case"
VERSION = 1
_STRICT = ConfigDict(extra="forbid")


class NameV1(m.NameVariantBase):
    model_config = _STRICT


class WarrantV1(m.ArrestWarrantBase):
    model_config = _STRICT


class StatusChangeV1(m.AlertStatusChangeBase):
    model_config = _STRICT


class NotificationV1(m.AlertNotificationBase):
    model_config = _STRICT


class AlertV1(m.AlertBase):
    model_config = _STRICT
    key: str = Field(min_length=1, description="Local key that proceedings use to point at this alert")
    warrants: list[WarrantV1] = Field(default_factory=list)
    history: list[StatusChangeV1] = Field(default_factory=list)
    notifications: list[NotificationV1] = Field(default_factory=list)


class ProceedingV1(m.ProceedingBase):
    model_config = _STRICT
    key: str = Field(min_length=1, description="Local key that deadlines use to point at this proceeding")
    alert: str | None = Field(default=None, description="Key of the alert this proceeding concerns")


class DeadlineV1(m.DeadlineBase):
    model_config = _STRICT
    proceeding: str | None = Field(default=None, description="Key of the proceeding")


class NoteV1(m.NoteBase):
    model_config = _STRICT


class EventV1(m.EventBase):
    model_config = _STRICT


class ContactV1(m.ContactBase):
    model_config = _STRICT


class ClientV1(m.ClientBase):
    model_config = _STRICT


class ExhibitV1(m.ExhibitBase):
    """An exhibit's description and the SHA-256 of its file; the file itself lies in the evidence folder."""

    model_config = _STRICT
    translation_of: str | None = Field(default=None, description="Number of the exhibit this one translates")
    file: str = Field(min_length=1, max_length=255, pattern=r"^[^/\\\x00]+$",
                      description="The file's name in the evidence folder (no folder part)")


class CaseFileV1(m.SQLModel):
    """A whole case: the client and everything attached to them."""

    model_config = ConfigDict(extra="forbid", title="lawyer_desk case file, version 1")
    format: Literal["lawyer-desk/case"]
    version: Literal[1]
    generator: str | None = None
    exported_at: datetime | None = None
    uid: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$",
                            description="Stable identity of the case across stores")
    client: ClientV1
    names: list[NameV1] = Field(default_factory=list)
    alerts: list[AlertV1] = Field(default_factory=list)
    proceedings: list[ProceedingV1] = Field(default_factory=list)
    deadlines: list[DeadlineV1] = Field(default_factory=list)
    notes: list[NoteV1] = Field(default_factory=list)
    events: list[EventV1] = Field(default_factory=list)
    contacts: list[ContactV1] = Field(default_factory=list)
    exhibits: list[ExhibitV1] = Field(default_factory=list)
    evidence_dir: str | None = Field(
        default=None, description="Where the exhibits' files were written, relative to this file's folder")

    @model_validator(mode="after")
    def _links_resolve(self) -> CaseFileV1:
        _check_exhibits(self.exhibits)
        alert_keys = _unique_keys([a.key for a in self.alerts], "alerts")
        proceeding_keys = _unique_keys([p.key for p in self.proceedings], "proceedings")
        for i, proceeding in enumerate(self.proceedings):
            if proceeding.alert is not None and proceeding.alert not in alert_keys:
                raise ValueError(f"proceedings[{i}].alert: no alert has the key {proceeding.alert!r}")
        for i, deadline in enumerate(self.deadlines):
            if deadline.proceeding is not None and deadline.proceeding not in proceeding_keys:
                raise ValueError(f"deadlines[{i}].proceeding: no proceeding has the key {deadline.proceeding!r}")
        return self


def _check_exhibits(exhibits: list[ExhibitV1]) -> None:
    numbers = _unique_keys([e.number for e in exhibits], "exhibits", "number")
    files: set[str] = set()
    for i, exhibit in enumerate(exhibits):
        if exhibit.translation_of is not None and (exhibit.translation_of not in numbers
                                                   or exhibit.translation_of == exhibit.number):
            raise ValueError(f"exhibits[{i}].translation_of: no other exhibit has the number "
                             f"{exhibit.translation_of!r}")
        if exhibit.file in (".", "..") or exhibit.file.casefold() in files:
            raise ValueError(f"exhibits[{i}].file: the file name {exhibit.file!r} is not usable or is used twice")
        files.add(exhibit.file.casefold())


def evidence_file_name(number: str, filename: str, taken: set[str]) -> str:
    """A safe, unique file name for an exhibit's file in the evidence folder ("3 - warrant.pdf")."""
    def safe(text: str) -> str:  # no folder separators, nothing Windows refuses in a name
        return "".join("_" if c in '<>:"/\\|?*' or ord(c) < 32 else c for c in text).strip(" .") or "file"

    stem = f"{safe(number)} - {safe(filename)}"[:200]
    name, n = stem, 1
    while name.casefold() in taken:
        n += 1
        dot = stem.rfind(".")
        name = f"{stem[:dot]} ({n}){stem[dot:]}" if dot > 0 else f"{stem} ({n})"
    taken.add(name.casefold())
    return name


def _unique_keys(keys: list[str], where: str, field: str = "key") -> set[str]:
    seen: set[str] = set()
    for i, key in enumerate(keys):
        if key in seen:
            raise ValueError(f"{where}[{i}].{field}: the {field} {key!r} is used twice")
        seen.add(key)
    return seen


def parse(raw: bytes, source: str) -> CaseFileV1:
    """Validate a case file; every problem is an ``InvalidInput`` naming the JSON path."""
    data = parse_json(raw, source)
    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: $: expected a JSON object holding one case.")
    if data.get("format") != FORMAT:
        raise InvalidInput(f"{source}: $.format: not a lawyer_desk case file (expected \"{FORMAT}\").")
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise InvalidInput(f"{source}: this case file was written by a newer version of lawyer_desk "
                         f"(format version {version}); update the program to import it.")
    try:
        return CaseFileV1.model_validate(data)
    except ValidationError as exc:
        raise describe(source, exc) from None


def dumps(case: CaseFileV1) -> str:
    payload = case.model_dump(mode="json")
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def generator() -> str:
    return f"lawyer-desk {__version__}"


def json_schema() -> dict[str, Any]:
    schema = CaseFileV1.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://lawyer-desk.invalid/schema/case-v1.schema.json"
    return schema


def schema_path() -> Path:
    return resources_dir() / "schema" / "case-v1.schema.json"


def schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    schema_path().parent.mkdir(parents=True, exist_ok=True)
    schema_path().write_text(schema_text(), encoding="utf-8")
    sys.stdout.write(f"wrote {schema_path()}\n")
