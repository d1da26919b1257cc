"""Hearing bundles: one PDF of a case — index, submission, exhibits — paginated and bookmarked.

The index comes first; its rows link to their pages and show the numbers stamped on them.
Then the submission (a brief from a template, rendered by ``render``), then the exhibits in
order: PDFs merged, PNG/JPEG images each on a page of its own under a caption, other files
listed in the index as "original held, not paginated". Every page is numbered in a strip at
its foot; pages from elsewhere are shrunk a little to make room (``bundle_pages``), so the
number never covers anything. Exhibits are decrypted into memory only, checked against their
SHA-256; nothing is written anywhere, the result is bytes.

Public API (the ``bundle`` command and the GUI's Bundle dialog use these and nothing else):

    BundleOptions(template: Template | None = None,     # the submission's template; None: no submission
                  addressee: str | None = None,         # as BriefOptions.addressee (e.g. the court)
                  exhibit_ids: tuple[int, ...] | None = None,  # which exhibits, in this order; None: all,
                                                        #   in exhibit-number order
                  restart_per_section: bool = False,    # numbers restart in each section, after its
                                                        #   mark: "B-I1", "B-S1"…, "B-E1"… (LABELS.mark)
                  prefix: str = "",                     # before every page number, e.g. "B-" (≤ MAX_PREFIX)
                  include_confidential: bool = False,   # the lawyer's override (audited, printed nowhere)
                  password: str | None = None,          # AES-256 protection of the finished PDF
                  today: date | None = None)
        .audience -> "ccf" | "court" | "authority" | "internal"  (a court when there is no submission)
    build_bundle(store, client_id, options, *, progress=None, cancel=None, session=None) -> bytes
    assemble(store, client_id, options, *, progress=None, cancel=None, session=None) -> Bundle
        # the same, with what the index says: Bundle.pdf, Bundle.pages, Bundle.entries, Bundle.entry(number)
        # IndexEntry: section ("index" | "submission" | "exhibits"), number, title, date, sha256,
        #   first_page (position from 1; None: not paginated), page_count, stamp, confidential, .paginated
    chosen_exhibits(session, client_id, options) -> list[exhibits.ExhibitRow]
        # the exhibits the bundle will hold, in order (confidential ones left out for an outside
        # addressee unless overridden) — what a dialog can show before building
    BundleError(InvalidInput): an exhibit that cannot go in — a damaged or password-protected
        PDF, an unreadable image, a vault object that fails its check; the message names the
        exhibit's number and title. Nothing is returned, so nothing half-made is written.
    PDF, IMAGES: the media types merged and placed; LABELS (BundleLabels): the index's words.

``progress(done, total)`` counts parts (the submission, each exhibit, the index, the assembly);
``cancel()`` returning True (or raising its own exception) stops the work with
``vault.Cancelled``. Both are called from the thread doing the work: the GUI runs it off the
GUI thread (``ui/tasks.py``). ``session``: the caller's transaction, so that the audit entry
of a confidentiality override is kept only if the caller's work (writing the file) succeeds;
without it, one is opened and committed when the bundle is made.
"""

from __future__ import annotations

import contextlib
import gc
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from sqlalchemy.orm import Session

from lawyer_desk import __version__
from lawyer_desk.core import exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.documents import bundle_files as files
from lawyer_desk.core.documents import disclosure
from lawyer_desk.core.documents import particulars as p
from lawyer_desk.core.documents.briefs import BriefOptions, build
from lawyer_desk.core.documents.bundle_files import BundleError
from lawyer_desk.core.documents.bundle_index import (
    IndexHead,
    IndexRow,
    Picture,
    UnreadableImage,
    draw_index,
    draw_pictures,
)
from lawyer_desk.core.documents.bundle_numbering import (
    LABELS,
    BundleLabels,
    Section,
    _counted,
    _label_pages,
    _Numbering,
    _place,
    _Run,
    _runs,
)
from lawyer_desk.core.documents.bundle_pages import PageWork
from lawyer_desk.core.documents.password import protect
from lawyer_desk.core.documents.render import render
from lawyer_desk.core.documents.snapshot import Brief
from lawyer_desk.core.documents.templates import Template
from lawyer_desk.core.errors import InvalidInput, LawyerDeskError, NotFound

__all__ = ["IMAGES", "LABELS", "MAX_PREFIX", "PDF", "Bundle", "BundleError", "BundleLabels", "BundleOptions",
           "IndexEntry", "assemble", "build_bundle", "chosen_exhibits"]
from lawyer_desk.core.references import case_reference
from lawyer_desk.core.vault import Cancelled, Vault

PDF = "application/pdf"
IMAGES = frozenset({"image/png", "image/jpeg"})
MAX_PREFIX = 12

type Progress = Callable[[int, int], None]
type Cancel = Callable[[], bool]


@dataclass(frozen=True)
class BundleOptions:
    template: Template | None = None  # the submission's template; None: no submission
    addressee: str | None = None  # as BriefOptions.addressee (e.g. the court, when the case names none)
    exhibit_ids: tuple[int, ...] | None = None  # which exhibits, in this order; None: all, in number order
    restart_per_section: bool = False  # numbers restart in each section, after its mark ("B-E3")
    prefix: str = ""  # before every page number, e.g. "B-"
    include_confidential: bool = False  # the lawyer's override (audited, printed nowhere)
    password: str | None = None  # AES-256 protection of the finished PDF
    today: date | None = None

    @property
    def audience(self) -> str:
        """Who the bundle is for: the template's addressee; a court when there is no submission."""
        return self.template.addressee if self.template is not None else "court"


@dataclass(frozen=True)
class IndexEntry:
    """What the index says of one section or exhibit, and where it is in the bundle."""

    section: Section
    number: str  # the exhibit's number; '' for the index and the submission
    title: str
    date: str
    sha256: str
    first_page: int | None  # its first page's position in the bundle, from 1; None: not paginated
    page_count: int
    stamp: str  # the number stamped on its first page; '' when not paginated
    confidential: bool = False

    @property
    def paginated(self) -> bool:
        return self.first_page is not None


@dataclass(frozen=True)
class Bundle:
    pdf: bytes
    pages: int
    entries: tuple[IndexEntry, ...]

    def entry(self, number: str) -> IndexEntry:
        """The entry of the exhibit numbered ``number``."""
        for entry in self.entries:
            if entry.section == "exhibits" and entry.number == number:
                return entry
        raise KeyError(number)


# --- what goes in ----------------------------------------------------------------------------
def chosen_exhibits(session: Session, client_id: int, options: BundleOptions) -> list[exhibits.ExhibitRow]:
    """The exhibits the bundle will hold, in order; confidential ones are left out of a bundle
    for the CCF, a court or an authority unless the lawyer overrides (as in a brief)."""
    if session.get(m.Client, client_id) is None:
        raise NotFound(f"There is no case {client_id} in this store.")
    found = exhibits.rows(session, client_id)
    if options.exhibit_ids is not None:
        by_id = {row.id: row for row in found}
        strangers = [str(i) for i in options.exhibit_ids if i not in by_id]
        if strangers:
            raise NotFound(f"Not exhibits of case {client_id}: {', '.join(strangers)}.")
        found = [by_id[i] for i in dict.fromkeys(options.exhibit_ids)]
    return disclosure.disclosable(found, options.audience, override=options.include_confidential)


def _audit_override(session: Session, client_id: int, options: BundleOptions,
                    rows: Sequence[exhibits.ExhibitRow]) -> None:
    what = f"'{options.template.id}'" if options.template is not None else "no submission"
    disclosure.record_override(session, client_id, rows, options.audience, f"a hearing bundle ({what})")


def _check_prefix(prefix: str) -> str:
    if len(prefix) > MAX_PREFIX or any(not c.isprintable() for c in prefix):
        raise InvalidInput(f"The page-number prefix {prefix[:40]!r} is too long or holds invisible characters "
                           f"(at most {MAX_PREFIX} printable characters, e.g. 'B-').")
    return prefix


# --- building --------------------------------------------------------------------------------
def build_bundle(store: Any, client_id: int, options: BundleOptions, *, progress: Progress | None = None,
                 cancel: Cancel | None = None, session: Session | None = None) -> bytes:
    """The bundle's PDF (see ``assemble``)."""
    return assemble(store, client_id, options, progress=progress, cancel=cancel, session=session).pdf


def assemble(store: Any, client_id: int, options: BundleOptions, *, progress: Progress | None = None,
             cancel: Cancel | None = None, session: Session | None = None) -> Bundle:
    """The bundle of the case: its PDF and what its index says.

    Nothing is written anywhere: exhibits are decrypted into memory. Raises ``BundleError``
    for an exhibit that cannot go in, ``vault.Cancelled`` when ``cancel`` asks to stop.
    """
    _check_prefix(options.prefix)
    with _transaction(store, session) as work, _no_full_collections():
        return _Assembly(store, work, client_id, options, progress, cancel).run()


@contextlib.contextmanager
def _no_full_collections() -> Iterator[None]:
    """pypdf makes a few hundred thousand small objects for a 500-page bundle, all alive until
    it is written: a full collection of the garbage collector in the middle walks them all
    (0.2 s, a fifth of the work) and frees nothing. They die together at the end."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _transaction(store: Any, session: Session | None) -> Iterator[Session]:
    if session is not None:
        yield session
    else:
        with store.session() as own:
            yield own


@dataclass
class _Part:
    """A section or an exhibit, with the document its pages come from."""

    entry: IndexEntry
    source: PdfReader | None = None
    pages: list[int] | None = None  # which pages of ``source`` (default: all)
    foreign: bool = True  # made elsewhere: shrunk above the strip of the page number
    outline: str = ""


class _Assembly:
    def __init__(self, store: Any, session: Session, client_id: int, options: BundleOptions,
                 progress: Progress | None, cancel: Cancel | None) -> None:
        self.store, self.session, self.client_id, self.options = store, session, client_id, options
        self._progress, self._cancel = progress, cancel
        self.done = 0
        self.total = 0
        self.today = options.today or date.today()

    def step(self) -> None:
        if self._cancel is not None and self._cancel():
            raise Cancelled("Cancelled; no bundle was made.")

    def advance(self) -> None:
        self.done += 1
        if self._progress is not None:
            self._progress(self.done, self.total)
        self.step()

    def run(self) -> Bundle:
        options = self.options
        rows = chosen_exhibits(self.session, self.client_id, options)
        self.total = len(rows) + 3
        self.step()
        brief = self._brief()
        client = self.session.get(m.Client, self.client_id)
        assert client is not None
        reference = brief.case_reference if brief else case_reference(client.uid)
        submission = self._submission(brief)
        self.advance()
        exhibit_parts = self._exhibits(rows)
        _audit_override(self.session, self.client_id, options, rows)
        return self._compose(brief, reference, submission, exhibit_parts)

    # -- the parts ------------------------------------------------------------------------
    def _brief(self) -> Brief | None:
        template = self.options.template
        if template is None:
            return None
        briefs = build(self.session, self.client_id, template, BriefOptions(
            addressee=self.options.addressee, include_confidential=self.options.include_confidential,
            today=self.today))
        if len(briefs) > 1:
            names = "; ".join(b.addressee[0] for b in briefs if b.addressee)
            raise InvalidInput(f"The template {template.id!r} makes {len(briefs)} documents ({names}); "
                               "a bundle holds one submission: choose its addressee.")
        return briefs[0]

    def _submission(self, brief: Brief | None) -> _Part | None:
        if brief is None:
            return None
        reader = PdfReader(io.BytesIO(render(brief)))
        entry = IndexEntry("submission", "", brief.title, p.day(brief.date), "", None, len(reader.pages), "")
        return _Part(entry, reader, outline=f"{LABELS.submission}: {brief.title}")

    def _exhibits(self, rows: Sequence[exhibits.ExhibitRow]) -> list[_Part]:
        vault = Vault.of(self.store)
        parts: list[_Part] = []
        pictures: list[tuple[_Part, Picture]] = []
        for row in rows:
            entry = IndexEntry("exhibits", row.number, _title(row, rows, self.options), p.day(row.date), row.sha256,
                               None, 0, "", row.confidential)
            outline = f"{LABELS.exhibit} {row.number}: {row.title}"
            if row.media_type == PDF:
                reader = files.open_pdf(row, self._content(vault, row))
                parts.append(_Part(_counted(entry, len(reader.pages)), reader, outline=outline))
            elif row.media_type in IMAGES:
                part = _Part(_counted(entry, 1), None, foreign=False, outline=outline)
                parts.append(part)
                caption = f"{LABELS.exhibit} {row.number} – {row.title}"
                pictures.append((part, Picture(caption, self._content(vault, row))))
            else:
                parts.append(_Part(entry))
            self.advance()
        if pictures:
            try:
                drawn = PdfReader(io.BytesIO(draw_pictures([picture for _, picture in pictures])))
            except UnreadableImage as exc:
                entry = pictures[exc.index][0].entry
                raise BundleError(f"{files.name(entry.number, entry.title)} is not a readable image ({exc.reason}); "
                                  "the bundle was not made. Replace its file, or leave it out of the bundle.") from None
            for n, (part, _) in enumerate(pictures):
                part.source, part.pages = drawn, [n]
        return parts

    def _content(self, vault: Vault, row: exhibits.ExhibitRow) -> bytes:
        name = self.session.get(m.Exhibit, row.id).object_name  # type: ignore[union-attr]
        return files.content(vault, name, row, self._cancel)

    # -- the whole ----------------------------------------------------------------------------
    def _compose(self, brief: Brief | None, reference: str, submission: _Part | None,
                 exhibit_parts: list[_Part]) -> Bundle:
        options = self.options
        head = IndexHead(
            title=LABELS.title,
            lines=_head_lines(brief, reference, self.today),
            case_reference=reference,
            marking=options.template.marking if options.template else "Confidential",
            columns=_columns(options.template),
            metadata_title=f"{LABELS.title} – {reference}",
            author=brief.author if brief else "lawyer_desk",
        )
        body = ([submission] if submission else []) + exhibit_parts
        numbering = _Numbering(body, options)
        index_pdf, index_pages, links = draw_index(head, _index_rows(body), numbering.stamp)
        self.advance()
        stamps = numbering.stamps(index_pages)
        placed = _place(index_pages, body, stamps)
        index_entry = IndexEntry("index", "", LABELS.index, p.day(self.today), "", 1, index_pages, stamps[0])
        index = _Part(index_entry, PdfReader(io.BytesIO(index_pdf)), foreign=False, outline=LABELS.index)
        pdf = self._write([index, *placed], stamps, links, head, _runs(index_pages, body, options))
        self.advance()
        if options.password is not None:
            pdf = protect(pdf, options.password)
        entries = (index_entry, *(part.entry for part in placed))
        return Bundle(pdf, len(stamps), entries)

    def _write(self, parts: list[_Part], stamps: list[str], links: Sequence[Any], head: IndexHead,
               runs: Sequence[_Run]) -> bytes:
        writer = PdfWriter()
        owners: list[_Part] = []  # the part each page comes from
        exhibits_mark = None
        for part in parts:
            self.step()
            if part.source is None:
                continue
            first = len(writer.pages)
            try:
                if part.entry.section == "submission":
                    writer.append(part.source, outline_item=part.outline, import_outline=True)
                else:
                    writer.append(part.source, pages=part.pages, import_outline=False)
            except LawyerDeskError:
                raise
            except Exception as exc:  # a malformed file can make the parser fail in any way at all
                raise files.damaged(part.entry.number, part.entry.title, exc) from None
            owners += [part] * (len(writer.pages) - first)
            if part.entry.section == "index":
                writer.add_outline_item(title=part.outline, page_number=first)
            elif part.entry.section == "exhibits":
                if exhibits_mark is None:
                    exhibits_mark = writer.add_outline_item(title=LABELS.exhibits, page_number=first)
                writer.add_outline_item(title=part.outline, page_number=first, parent=exhibits_mark)
        if len(writer.pages) != len(stamps):  # pragma: no cover - a page count read twice differs
            raise LawyerDeskError("The bundle's pages could not be counted; nothing was made.")
        work = PageWork(writer, stamps)
        for n, (page, owner) in enumerate(zip(writer.pages, owners, strict=True)):
            if n % 50 == 0:
                self.step()
            try:
                work.stamp(page, stamps[n], work.fit(page) if owner.foreign else None)
            except LawyerDeskError:
                raise
            except Exception as exc:  # a page without a usable size, resources that are not a dictionary…
                raise files.damaged(owner.entry.number, owner.entry.title, exc) from None
        for spot in links:
            writer.add_annotation(spot.page, Link(rect=spot.rect, target_page_index=spot.target, border=[0, 0, 0]))
        writer.add_metadata({"/Title": head.metadata_title, "/Author": head.author,
                             "/Creator": f"lawyer_desk {__version__}", "/Producer": f"lawyer_desk {__version__}"})
        _label_pages(writer, runs)
        writer.page_mode = "/UseOutlines"
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


# --- the index -------------------------------------------------------------------------------
def _index_rows(body: Sequence[_Part]) -> list[IndexRow]:
    """The index's lines: the submission, then a heading and a line for each exhibit."""
    rows: list[IndexRow] = []
    offset = 0
    for part in body:
        entry = part.entry
        if entry.section == "exhibits" and not any(r.kind == "heading" for r in rows):
            rows.append(IndexRow("", LABELS.exhibits, kind="heading"))
        if entry.page_count:
            rows.append(IndexRow(entry.number, entry.title, entry.date, entry.sha256, offset=offset))
            offset += entry.page_count
        else:
            rows.append(IndexRow(entry.number, entry.title, entry.date, entry.sha256, note=LABELS.not_paginated))
    if not any(part.entry.section == "exhibits" for part in body):
        rows += [IndexRow("", LABELS.exhibits, kind="heading"), IndexRow("", LABELS.no_exhibits, kind="remark")]
    return rows


def _columns(template: Template | None) -> tuple[str, str, str, str, str]:
    labels = template.labels if template is not None else Template.model_fields["labels"].default
    return labels.exhibit_number, LABELS.document, labels.exhibit_date, LABELS.page, labels.exhibit_hash


def _head_lines(brief: Brief | None, reference: str, today: date) -> tuple[str, ...]:
    lines: list[str] = []
    if brief is not None:
        lines += list(brief.cover)  # the parties and references (the court among them)
    lines.append(f"{reference} · {today.strftime('%d %B %Y').lstrip('0')}")
    return tuple(line for line in lines if line.strip())


def _title(row: exhibits.ExhibitRow, rows: Sequence[exhibits.ExhibitRow], options: BundleOptions) -> str:
    numbers = {r.id: r.number for r in rows}
    title = row.title
    if row.translation_of_id in numbers:
        title += f" (translation of exhibit {numbers[row.translation_of_id]})"
    if row.confidential and not disclosure.outside_the_defence(options.audience):
        labels = options.template.labels if options.template is not None else None
        title += f" [{labels.confidential if labels else 'confidential'}]"
    return title
