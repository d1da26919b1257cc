"""Brief templates as data: section order, headings and wording a firm can edit.

One TOML file per template in ``resources/templates/``; a file with the same ``id`` in the
store's ``templates/`` folder replaces the shipped one, so a firm adjusts its wording without
touching code. Wording may name facts of the case as ``$placeholder`` (``$$`` for a dollar
sign); the placeholders are listed in ``PLACEHOLDERS``. Content drawn from the case (the
parties, the facts table, the exhibit index…) is named by *blocks*, listed in ``BLOCKS``.

A template that is not exactly right does not load: the message names the file, the place
in it and the problem — a brief built from a half-understood template could say the wrong
thing to a court.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lawyer_desk.core.errors import InvalidInput, NotFound
from lawyer_desk.core.paths import resources_dir
from lawyer_desk.core.vocab import ExhibitKind, Ground

_ID = re.compile(r"^[a-z0-9][a-z0-9\-]*$")

# Facts a sentence of a template may name, and what each one says.
PLACEHOLDERS: dict[str, str] = {
    "client_name": "the client's display name",
    "other_names": "the client's other names, in every script",
    "date_of_birth": "date of birth as known (year, month or day)",
    "place_of_birth": "place and country of birth",
    "nationality": "nationalities, in words",
    "lawyer": "the responsible lawyer",
    "today": "the date of the document",
    "case_reference": "the case reference (LD-…), which names no one",
    "alert_type": "the alert concerned: red notice, diffusion…",
    "alert_reference": "its INTERPOL file number",
    "alert_issue_date": "its issue date",
    "requesting_country": "the country that asked for it",
    "deletion_date": "the date INTERPOL deleted it",
    "ccf_reference": "the CCF's reference of the request",
    "ccf_decision_date": "the date of the CCF's decision",
    "court": "the extradition court",
    "court_reference": "the court's case number",
    "court_country": "the court's country",
    "requesting_state": "the state asking for extradition",
    "authority": "the national authority a letter is addressed to",
    "authority_country": "its country",
    "authority_reference": "its reference",
    "asylum": "the client's protection status in one phrase",
    "custody": "the client's custody status in one phrase",
}

# Content drawn from the case, placed by a section's ``blocks``.
BLOCKS: dict[str, str] = {
    "applicant": "who the client is: names, date and place of birth, nationality",
    "names": "table of every name variant: script, kind, romanisation, source",
    "representative": "the responsible lawyer and co-counsel",
    "custody": "custody status, facility and whereabouts",
    "asylum": "asylum or refugee status, country, date and authority",
    "alerts_active": "the alerts not (yet) deleted: type, reference, country, dates, warrants and charges",
    "alerts_all": "every alert, with its status history and the authorities notified of a deletion",
    "notification": "the deleted alert a letter to an authority is about",
    "facts": "the chronology: dated events and places",
    "grounds": "the template's wording for each ground of challenge recorded on the alerts",
    "proceedings": "table of proceedings: forum, authority, reference, stage, status",
    "deadlines": "table of open deadlines",
    "notes": "every note of the case (internal documents only)",
    "contacts": "table of contacts (internal documents only)",
    "exhibits": "the index of exhibits: numbers, titles, dates, SHA-256",
}
INTERNAL_BLOCKS = frozenset({"notes", "contacts", "custody"})

type Addressee = Literal["ccf", "court", "authority", "internal"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Labels(_Strict):
    """The few words of the layout itself, for a template in another language."""

    contents: str = "Contents"
    cover_to: str = "To"
    page: str = "page {page} of {pages}"
    audit: str = "audit chain head"
    missing: str = "[not recorded]"
    exhibit_number: str = "No."
    exhibit_title: str = "Title"
    exhibit_date: str = "Date"
    exhibit_hash: str = "SHA-256 of the original"
    confidential: str = "confidential"

    @field_validator("page")
    @classmethod
    def _page_fields(cls, value: str) -> str:
        if "{page}" not in value or "{pages}" not in value:
            raise ValueError('must hold "{page}" and "{pages}", e.g. "page {page} of {pages}"')
        return value


class SectionSpec(_Strict):
    key: str = Field(min_length=1)
    heading: str = Field(min_length=1)
    before: list[str] = Field(default_factory=list, description="paragraphs before the blocks")
    blocks: list[str] = Field(default_factory=list)
    after: list[str] = Field(default_factory=list, description="paragraphs after the arguments")
    arguments: list[str] = Field(default_factory=list,
                                 description="argument keys of notes placed here, besides the section's key")
    empty: str | None = Field(default=None, description="said when nothing else is; without it, an empty "
                                                        "section is left out")

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("use lower-case letters, digits and '-'")
        return value

    @field_validator("blocks")
    @classmethod
    def _known_blocks(cls, value: list[str]) -> list[str]:
        for block in value:
            if block not in BLOCKS:
                raise ValueError(f"unknown block {block!r} (known: {', '.join(BLOCKS)})")
        return value

    def argument_keys(self) -> set[str]:
        return {self.key, *self.arguments}


class GroundSpec(_Strict):
    heading: str = Field(min_length=1)
    text: list[str] = Field(min_length=1)


class Template(_Strict):
    id: str
    title: str = Field(min_length=1)
    description: str = ""
    addressee: Addressee
    marking: str = Field(min_length=1, max_length=120)
    default_addressee: list[str] = Field(default_factory=list)
    cover: list[str] = Field(default_factory=list)
    one_per: Literal["case", "notification"] = "case"
    numbered_paragraphs: bool = False
    other_arguments: str | None = Field(default=None, description="the section taking argument notes "
                                                                  "whose key no section names")
    exhibit_kinds: list[ExhibitKind] = Field(default_factory=list, description="only these kinds (default: all)")
    sections: list[SectionSpec] = Field(alias="section", min_length=1)
    grounds: dict[Ground, GroundSpec] = Field(default_factory=dict)
    labels: Labels = Labels()

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("use lower-case letters, digits and '-' (e.g. 'ccf-deletion-request')")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        keys = [s.key for s in self.sections]
        duplicate = next((k for k in keys if keys.count(k) > 1), None)
        if duplicate:
            raise ValueError(f"two sections have the key {duplicate!r}")
        if self.other_arguments is not None and self.other_arguments not in keys:
            raise ValueError(f"other_arguments names {self.other_arguments!r}, which is no section's key")
        if sum(s.blocks.count("exhibits") for s in self.sections) > 1:
            raise ValueError("the exhibits block appears twice")
        if self.addressee != "internal":
            for section in self.sections:
                leaked = INTERNAL_BLOCKS.intersection(section.blocks)
                if leaked and not (leaked == {"custody"} and self.addressee == "court"):
                    raise ValueError(f"section {section.key!r}: block(s) {', '.join(sorted(leaked))} belong only "
                                     "in internal documents")
        for where, text in self.wording():
            _check_placeholders(where, text)
        return self

    def wording(self) -> Iterator[tuple[str, str]]:
        """Every sentence that may hold placeholders, with where it is."""
        yield "title", self.title
        for n, line in enumerate(self.default_addressee):
            yield f"default_addressee[{n}]", line
        for n, line in enumerate(self.cover):
            yield f"cover[{n}]", line
        for section in self.sections:
            yield f"section {section.key!r} heading", section.heading
            for part in ("before", "after"):
                for n, text in enumerate(getattr(section, part)):
                    yield f"section {section.key!r} {part}[{n}]", text
            if section.empty:
                yield f"section {section.key!r} empty", section.empty
        for ground, spec in self.grounds.items():
            yield f"grounds.{ground} heading", spec.heading
            for n, text in enumerate(spec.text):
                yield f"grounds.{ground} text[{n}]", text

    def argument_section(self, key: str) -> str | None:
        """The key of the section an argument note marked ``key`` goes in (None: left out)."""
        for section in self.sections:
            if key in section.argument_keys():
                return section.key
        return self.other_arguments


def _check_placeholders(where: str, text: str) -> None:
    wording = string.Template(text)
    if not wording.is_valid():
        raise ValueError(f"{where}: a '$' must start a placeholder such as $client_name (write $$ for a dollar sign)")
    unknown = [name for name in wording.get_identifiers() if name not in PLACEHOLDERS]
    if unknown:
        raise ValueError(f"{where}: unknown placeholder ${unknown[0]} (known: {', '.join(PLACEHOLDERS)})")


def fill(text: str, facts: dict[str, str]) -> str:
    """``text`` with its placeholders replaced (templates were checked when they loaded)."""
    return string.Template(text).substitute(facts)


# --- loading -----------------------------------------------------------------------------
def shipped_templates_dir() -> Path:
    return resources_dir() / "templates"


class TemplateSet:
    """The loaded templates by id, remembering the file each came from."""

    def __init__(self, templates: dict[str, Template], origins: dict[str, Path]) -> None:
        self._templates = dict(sorted(templates.items()))
        self._origins = dict(origins)

    def __iter__(self) -> Iterator[Template]:
        return iter(self._templates.values())

    def __len__(self) -> int:
        return len(self._templates)

    def ids(self) -> list[str]:
        return list(self._templates)

    def get(self, template_id: str) -> Template:
        try:
            return self._templates[template_id]
        except KeyError:
            raise NotFound(f"There is no brief template {template_id!r}; the templates are: "
                           f"{', '.join(self._templates)}.") from None

    def origin(self, template_id: str) -> Path:
        self.get(template_id)
        return self._origins[template_id]


def load_templates(user_dir: Path | None = None) -> TemplateSet:
    """The shipped templates, each replaced by the store's own file of the same id if there is one."""
    templates: dict[str, Template] = {}
    origins: dict[str, Path] = {}
    folders = [shipped_templates_dir()]
    if user_dir is not None and user_dir.is_dir():
        folders.append(user_dir)
    for folder in folders:
        seen: dict[str, Path] = {}
        for file in _files(folder):
            template = load_file(file)
            if template.id in seen:
                raise InvalidInput(f"{file}: template id {template.id!r} is also used by {seen[template.id]}")
            seen[template.id] = file
            templates[template.id] = template
            origins[template.id] = file
    if not templates:
        raise InvalidInput(f"No brief templates found in {shipped_templates_dir()}; reinstall lawyer_desk.")
    return TemplateSet(templates, origins)


def _files(folder: Path) -> Iterable[Path]:
    return sorted(p for p in folder.glob("*.toml") if p.is_file())


def load_file(file: Path) -> Template:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{file}: cannot be read: {getattr(exc, 'strerror', None) or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{file}: not a valid TOML file: {exc}") from None
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = _place(data, tuple(first["loc"]))
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "missing":
            message = "missing"
        raise InvalidInput(f"{file}: {place}: {message}") from None


def _place(data: Any, loc: tuple[Any, ...]) -> str:
    """Where a problem is, in the words of the file: ``section 'grounds': field 'blocks'``."""
    words: list[str] = []
    node = data
    for n, item in enumerate(loc):
        if isinstance(item, int) and isinstance(node, list) and words:
            node = node[item] if item < len(node) else None
            key = node.get("key") if isinstance(node, dict) else None
            words[-1] += f" {key!r}" if isinstance(key, str) else f" #{item + 1}"
            continue
        names_a_list = n + 1 < len(loc) and isinstance(loc[n + 1], int)
        words.append(str(item) if names_a_list else f"field {item!r}")
        node = node.get(item) if isinstance(node, dict) else None
    return ": ".join(words) or "(template)"
