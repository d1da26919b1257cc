"""How a bundle's pages are numbered: the words of its labels, the runs of numbers ("B-12"
straight through, or "B-E3" restarting in each section) and the page labels a reader shows.

Split from ``bundle`` (which re-exports ``LABELS`` and ``BundleLabels``); the parts and
options it numbers are ``bundle``'s, named here for type checking only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pypdf import PdfWriter

    from lawyer_desk.core.documents.bundle import BundleOptions, IndexEntry, _Part

type Section = Literal["index", "submission", "exhibits"]


@dataclass(frozen=True)
class BundleLabels:
    """The words of a bundle's index and bookmarks."""

    title: str = "Hearing bundle"
    index: str = "Index"
    submission: str = "Submission"
    exhibits: str = "Exhibits"
    exhibit: str = "Exhibit"
    document: str = "Document"
    page: str = "Page"
    not_paginated: str = "original held, not paginated"
    no_exhibits: str = "No exhibits are produced in this bundle."
    # Put before the numbers of a section's pages when numbering restarts in each section.
    marks: tuple[tuple[Section, str], ...] = (("index", "I"), ("submission", "S"), ("exhibits", "E"))

    def mark(self, section: Section) -> str:
        return dict(self.marks)[section]


LABELS = BundleLabels()


# --- numbering -------------------------------------------------------------------------------
def _counted(entry: IndexEntry, pages: int) -> IndexEntry:
    return replace(entry, page_count=pages)


class _Numbering:
    """The number stamped on each page: "B-12" straight through, or "B-E3" restarting in each
    section (after the section's mark), once the index's length is known."""

    def __init__(self, body: Sequence[_Part], options: BundleOptions) -> None:
        self.body, self.options = body, options
        self._known: dict[int, list[str]] = {}

    def stamps(self, index_pages: int) -> list[str]:
        if index_pages not in self._known:
            self._known[index_pages] = _stamps(index_pages, self.body, self.options)
        return self._known[index_pages]

    def stamp(self, index_pages: int, offset: int) -> str:
        return self.stamps(index_pages)[index_pages + offset]


def _place(index_pages: int, body: Sequence[_Part], stamps: Sequence[str]) -> list[_Part]:
    """The parts with the positions and stamps of their first pages, after an index of ``index_pages``."""
    position = index_pages
    placed = []
    for part in body:
        entry = part.entry
        if entry.page_count:
            entry = replace(entry, first_page=position + 1, stamp=stamps[position])
            position += entry.page_count
        placed.append(replace(part, entry=entry))
    return placed


@dataclass(frozen=True)
class _Run:
    """Pages numbered 1, 2, 3… after one label: the whole bundle, or one section."""

    first: int  # the run's first page (from 0)
    pages: int
    label: str  # "B-", or "B-E" when numbering restarts in each section


def _runs(index_pages: int, body: Sequence[_Part], options: BundleOptions) -> list[_Run]:
    sections: list[tuple[Section, int]] = [("index", index_pages)]
    for part in body:
        if sections[-1][0] == part.entry.section:
            sections[-1] = (part.entry.section, sections[-1][1] + part.entry.page_count)
        elif part.entry.page_count:
            sections.append((part.entry.section, part.entry.page_count))
    if not options.restart_per_section:
        return [_Run(0, sum(count for _, count in sections), options.prefix)]
    runs, first = [], 0
    for section, count in sections:
        runs.append(_Run(first, count, f"{options.prefix}{LABELS.mark(section)}"))
        first += count
    return runs


def _stamps(index_pages: int, body: Sequence[_Part], options: BundleOptions) -> list[str]:
    """The number stamped on each page, the index's first."""
    return [f"{run.label}{n}" for run in _runs(index_pages, body, options) for n in range(1, run.pages + 1)]


def _label_pages(writer: PdfWriter, runs: Sequence[_Run]) -> None:
    """Page labels, so that a reader's page box shows the stamped numbers ("B-E12") too."""
    for run in runs:
        if run.pages:
            writer.set_page_label(run.first, run.first + run.pages - 1, style="/D", prefix=run.label or None,
                                  start=1)
