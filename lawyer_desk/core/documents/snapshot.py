"""What a brief says, as plain frozen data — built from the case, drawn by ``render.py``.

Nothing here knows about ReportLab: tests read a snapshot as data (which sections, in which
order, which facts and exhibits), and the renderer only lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lawyer_desk.core.documents.templates import Labels


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text in any script; line breaks are kept."""

    text: str
    style: str = "body"  # body | item (a list item: "(a) …") | quote
    numbered: bool = False  # a numbered paragraph of a submission (1., 2., …)


@dataclass(frozen=True)
class Subheading:
    """A heading inside a section (the title of one of the lawyer's argument notes)."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table with a header row; ``widths`` are relative column widths."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()

    def column(self, name: str) -> list[str]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class Fields:
    """Label and value pairs, laid out as two columns without rules (a person's particulars)."""

    rows: tuple[tuple[str, str], ...]

    def get(self, label: str) -> str:
        return dict(self.rows)[label]


@dataclass(frozen=True)
class ExhibitRow:
    number: str
    title: str
    date: str  # as recorded: '2019', '2019-05' or '2019-05-14'; '' when unknown
    sha256: str
    kind: str = ""
    confidential: bool = False


@dataclass(frozen=True)
class ExhibitIndex:
    """The index of exhibits: numbers, titles, dates and SHA-256 of the originals."""

    rows: tuple[ExhibitRow, ...]
    empty: str = "No exhibits are produced with this document."


type Block = Paragraph | Subheading | Fields | Table | ExhibitIndex


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    blocks: tuple[Block, ...]

    def text(self) -> str:
        """Every word of the section, for tests and search: paragraphs, subheadings and cells."""
        parts: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph | Subheading):
                parts.append(block.text)
            elif isinstance(block, Fields):
                parts += [f"{label}: {value}" for label, value in block.rows]
            elif isinstance(block, Table):
                parts += [" | ".join(row) for row in (block.columns, *block.rows)]
            else:
                parts += [" | ".join((r.number, r.title, r.date, r.sha256)) for r in block.rows]
        return "\n".join(parts)


@dataclass(frozen=True)
class Brief:
    """One document: its cover, its sections in order, and what every page carries."""

    template: str
    title: str
    case_reference: str
    marking: str  # the confidentiality marking of the running header
    date: date
    audit_head: str
    author: str
    addressee: tuple[str, ...] = ()
    cover: tuple[str, ...] = ()  # lines under the title: the parties, references
    sections: tuple[Section, ...] = ()
    labels: Labels = field(default_factory=Labels)  # the words of the layout: "Contents", "page X of Y"…
    internal: bool = False  # for the defence team only (the exhibit index then marks confidential exhibits)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    @property
    def exhibits(self) -> tuple[ExhibitRow, ...]:
        return tuple(row for s in self.sections for b in s.blocks if isinstance(b, ExhibitIndex) for row in b.rows)

    def text(self) -> str:
        sections = (f"{s.heading}\n{s.text()}" for s in self.sections)
        return "\n".join([self.title, *self.addressee, *self.cover, *sections])
