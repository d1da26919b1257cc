"""Drawing a brief: the snapshot laid out as an A4 PDF with ReportLab's platypus.

Every page carries a running header (case reference, confidentiality marking) and a footer
(the date, the audit-chain head hash, "page X of Y"). The document opens with a cover and a
table of contents; headings are PDF bookmarks. Fonts are embedded as subsets. The result is
bytes: the GUI previews them without writing plaintext to disk.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from lawyer_desk import __version__
from lawyer_desk.core.documents import fonts, line_breaks, scripts
from lawyer_desk.core.documents import snapshot as snap
from lawyer_desk.core.documents.fonts import Face
from lawyer_desk.core.documents.fragments import Fragments
from lawyer_desk.core.documents.password import protect
from lawyer_desk.core.documents.scripts import Base, Markup

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 30 * mm, 22 * mm, 28 * mm, 24 * mm
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
INK = colors.HexColor("#1a1a1a")
GREY = colors.HexColor("#5f6368")
RULE = colors.HexColor("#9aa0a6")
HEADER_FILL = colors.HexColor("#eceff1")
NUMBER_INDENT = 9 * mm
ITEM_INDENT = 16 * mm
PAGE_NUMBER_SLOT = 12 * mm  # the room the table of contents keeps for page numbers
TABLE_PADDING = 4


# --- styles --------------------------------------------------------------------------------------
def _style(name: str, font: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading, **{"textColor": INK, **extra})


class Styles:
    """The named styles of a brief, and for each the variants a paragraph's scripts need."""

    def __init__(self) -> None:
        fonts.register_text_fonts()
        line_breaks.install()
        self.title = _style("title", fonts.SANS_BOLD, 20, 26, spaceAfter=10)
        self.cover = _style("cover", fonts.SERIF, 11, 16)
        self.h1 = _style("h1", fonts.SANS_BOLD, 13, 17, spaceBefore=14, spaceAfter=6, keepWithNext=1)
        self.h2 = _style("h2", fonts.SANS_BOLD, 10.5, 14, spaceBefore=8, spaceAfter=4, keepWithNext=1)
        self.body = _style("body", fonts.SERIF, 10.5, 15, spaceAfter=6, alignment=TA_JUSTIFY)
        self.numbered = _style("numbered", fonts.SERIF, 10.5, 15, spaceAfter=6, alignment=TA_JUSTIFY,
                               leftIndent=NUMBER_INDENT, bulletIndent=0, bulletFontName=fonts.SERIF)
        self.item = _style("item", fonts.SERIF, 10.5, 15, spaceAfter=4, alignment=TA_LEFT,
                           leftIndent=ITEM_INDENT, firstLineIndent=-(ITEM_INDENT - NUMBER_INDENT))
        self.cell = _style("cell", fonts.SERIF, 9, 12)
        self.cell_head = _style("cell_head", fonts.SANS_BOLD, 8.5, 11)
        self.label = _style("label", fonts.SANS, 9, 13.5, textColor=GREY)
        self.value = _style("value", fonts.SERIF, 10, 13.5)
        self.hash = _style("hash", fonts.SANS, 7.5, 10)
        self.small = _style("small", fonts.SANS, 7.5, 9.5, textColor=GREY)
        self.header = _style("header", fonts.SANS, 8.5, 11, textColor=GREY)
        self.page_number = _style("page_number", fonts.SANS, 8.5, 11, textColor=GREY, alignment=TA_RIGHT)
        self.marking = _style("marking", fonts.SANS_BOLD, 8, 10.5, alignment=TA_RIGHT)
        self.toc = [_style("toc0", fonts.SANS, 10.5, 15, spaceBefore=4, rightIndent=PAGE_NUMBER_SLOT + 4 * mm),
                    _style("toc1", fonts.SERIF, 9.5, 13, leftIndent=8 * mm, rightIndent=PAGE_NUMBER_SLOT + 4 * mm)]
        self._variants: dict[tuple[str, bool, bool], ParagraphStyle] = {}
        self.fragments = Fragments()

    def variant(self, style: ParagraphStyle, markup: Markup) -> ParagraphStyle:
        """``style`` with shaping on for Arabic-script runs, aligned right for a right-to-left paragraph."""
        if not markup.shaped and not markup.rtl:
            return style
        key = (style.name, markup.shaped, markup.rtl)
        if key not in self._variants:
            extra: dict[str, Any] = {"shaping": 1}
            if markup.rtl:
                extra["alignment"] = TA_RIGHT
            self._variants[key] = ParagraphStyle(f"{style.name}-{int(markup.shaped)}{int(markup.rtl)}",
                                                 parent=style, **extra)
        return self._variants[key]


class Para(Paragraph):
    """A paragraph that remembers its last wrap: platypus often wraps one twice at one width
    (to see whether it fits, then to draw it), and breaking lines is most of the work; lines
    are broken by ``line_breaks`` (ReportLab's rules, quicker) wherever it can."""

    _wrapped: tuple[float, float, float] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if (self._wrapped is not None and self._wrapped[0] == availWidth and self.style is self._wrapped_style
                and hasattr(self, "blPara")):
            return self._wrapped[1], self._wrapped[2]
        width, height = super().wrap(availWidth, availHeight)
        self._wrapped, self._wrapped_style = (availWidth, width, height), self.style
        return width, height

    def breakLines(self, width: Any) -> Any:
        widths = width if isinstance(width, list) else [width]
        lines = line_breaks.break_lines(self, widths)
        if lines is None:
            lines = line_breaks.break_fragments(self, widths)
        return lines if lines is not None else super().breakLines(widths)


def _face(style: ParagraphStyle) -> Face:
    return {fonts.SANS_BOLD: fonts.HEADING, fonts.SANS: fonts.SANS_FACE}.get(style.fontName, fonts.BODY)


def para(styles: Styles, text: str, style: ParagraphStyle, width: float, *, base: Base = "L",
         **kwargs: Any) -> Paragraph:
    """A paragraph of user or template text: escaped, one font per script, right-to-left runs ordered."""
    indent = style.leftIndent + style.rightIndent
    markup = scripts.markup(text, _face(style), size=style.fontSize, max_width=width - indent, base=base)
    style = styles.variant(style, markup)
    return Para(markup.text, style, frags=styles.fragments.of(style, markup.text), **kwargs)


class Heading(Para):
    """A heading: a bookmark in the outline (the table of contents is made from the snapshot)."""

    def __init__(self, styles: Styles, text: str, style: ParagraphStyle, *, level: int, key: str,
                 base: Base = "L") -> None:
        markup = scripts.markup(text, _face(style), size=style.fontSize, max_width=TEXT_WIDTH, base=base)
        style = styles.variant(style, markup)
        super().__init__(markup.text, style, frags=styles.fragments.of(style, markup.text))
        self.markup = markup.text
        self.outline = text
        self.level = level
        self.key = key


# --- the document --------------------------------------------------------------------------------
# The document is laid out in one pass. The table of contents knows its entries beforehand
# (they are the snapshot's headings); its pages, like every page, are held back until the end
# (``_held_pages_canvas``), when each heading's page is known and is written at the place its
# entry left for it; the footer's "of Y" waits likewise. ReportLab's own table of contents
# needs two or three passes.
class BriefDocument(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, brief: snap.Brief) -> None:
        super().__init__(
            buffer, pagesize=A4, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT, topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM, title=f"{brief.title} – {brief.case_reference}", author=brief.author,
            subject=f"{brief.title} ({brief.template})", creator=f"lawyer_desk {__version__}",
            keywords=[brief.case_reference, brief.template], initialFontName=fonts.SANS,
        )
        frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, TEXT_WIDTH, PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        self.headings: list[Mark] = []

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            top = self.frame._y + flowable.height + flowable.style.spaceAfter
            self.headings.append(Mark(self.page, flowable.key, flowable.outline, flowable.level, top))


@dataclass(frozen=True)
class Mark:
    """Where a heading went: its bookmark and outline entry are made when its page is written."""

    page: int
    key: str
    title: str
    level: int
    top: float


def _held_pages_canvas(furniture: Furniture, headings: list[Mark], style: ParagraphStyle) -> type[Canvas]:
    """A canvas that holds its pages back until the end, to print "page X of Y" on each and the
    page numbers of the table of contents. Bookmarks are made as each page is finally written:
    a bookmark names the page being written at the time."""

    class HeldPagesCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []
            # page → (heading key, x, y): where the contents want that heading's page number
            self._numbers: dict[int, list[tuple[str, float, float]]] = {}
            self.setNamedCB("tocEntryEnd", _toc_entry_end)

        def page_number_of(self, key: str, x: float, y: float) -> None:
            """Write the page of heading ``key`` right-aligned at ``x, y`` (in the page's own
            coordinates) when the pages are written."""
            self._numbers.setdefault(self._pageNumber, []).append((key, x, y))

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = {mark.key: mark.page for mark in headings}
            furniture.define(self)
            total = len(self._held)
            marks = iter(headings)
            mark = next(marks, None)
            for state in self._held:
                self.__dict__.update(state)
                self.saveState()
                furniture.draw(self, self._pageNumber, total)
                for n, (key, x, y) in enumerate(self._numbers.get(self._pageNumber, ())):
                    if not n:
                        self.setFont(style.fontName, style.fontSize)
                        self.setFillColor(INK)
                    self.drawRightString(x, y, str(pages.get(key, "")))
                self.restoreState()
                while mark is not None and mark.page == self._pageNumber:
                    self.bookmarkPage(mark.key, fit="XYZ", top=mark.top)
                    self.addOutlineEntry(mark.title, mark.key, level=mark.level, closed=False)
                    mark = next(marks, None)
                super().showPage()
            super().save()

    return HeldPagesCanvas


def render(brief: snap.Brief, *, password: str | None = None, invariant: bool = False) -> bytes:
    """The PDF of ``brief``; encrypted with AES-256 when a password is given."""
    styles = Styles()
    buffer = io.BytesIO()
    doc = BriefDocument(buffer, brief)
    doc.invariant = invariant
    toc: list[TocEntry] = []
    body = _body(styles, brief, toc)
    story = _cover(styles, brief) + _contents(styles, brief, toc) + body
    doc.build(story, canvasmaker=_held_pages_canvas(Furniture(styles, brief), doc.headings, styles.toc[0]))
    data = buffer.getvalue()
    return protect(data, password) if password is not None else data


# --- page furniture -----------------------------------------------------------------------------
class Furniture:
    """What every page carries. The parts that are the same on every page — the case reference
    and the marking above a rule, the date and the audit-chain head hash under one — are drawn
    once into a form XObject that each page shows; only "page X of Y" is drawn per page."""

    FORM = "ld-page-furniture"

    def __init__(self, styles: Styles, brief: snap.Brief) -> None:
        self.styles = styles
        self.label = brief.labels.page
        self.left = 32 * mm
        self.reference = para(styles, brief.case_reference, styles.header, self.left)
        self.marking = para(styles, brief.marking, styles.marking, TEXT_WIDTH - self.left)
        self.stamp_width, self.number_width = TEXT_WIDTH * 0.78, TEXT_WIDTH * 0.22
        self.stamp = para(styles, f"{brief.date.isoformat()} · {brief.labels.audit}\n{brief.audit_head}",
                          styles.small, self.stamp_width)
        self.top_rule = PAGE_HEIGHT - MARGIN_TOP + 7 * mm  # the header's text stands on it
        self.bottom_rule = MARGIN_BOTTOM - 8 * mm  # the footer's text hangs under it

    def define(self, canvas: Canvas) -> None:
        canvas.beginForm(self.FORM)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_LEFT, self.top_rule, PAGE_WIDTH - MARGIN_RIGHT, self.top_rule)
        canvas.line(MARGIN_LEFT, self.bottom_rule, PAGE_WIDTH - MARGIN_RIGHT, self.bottom_rule)
        self.reference.wrapOn(canvas, self.left, 30 * mm)
        self.reference.drawOn(canvas, MARGIN_LEFT, self.top_rule + 2 * mm)
        _, height = self.marking.wrapOn(canvas, TEXT_WIDTH - self.left, 30 * mm)
        baseline = self.top_rule + 2 * mm + self.marking.style.leading  # of its first line: it wraps upwards
        self.marking.drawOn(canvas, MARGIN_LEFT + self.left, baseline - height)
        _, height = self.stamp.wrapOn(canvas, self.stamp_width, 20 * mm)
        self.stamp.drawOn(canvas, MARGIN_LEFT, self.bottom_rule - 1.5 * mm - height)
        canvas.endForm()

    def draw(self, canvas: Canvas, page: int, pages: int) -> None:
        canvas.doForm(self.FORM)
        text = self.label.format(page=page, pages=pages)
        style = self.styles.page_number
        runs = scripts.runs(text, fonts.SANS_FACE)
        baseline = self.bottom_rule - 1.5 * mm - style.fontSize
        if len(runs) == 1 and not fonts.shapes(runs[0].font):  # the usual case, drawn directly: it is quick
            canvas.setFont(runs[0].font, style.fontSize)
            canvas.setFillColor(style.textColor)
            canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, baseline, runs[0].text)
            return
        number = para(self.styles, text, style, self.number_width)
        _, height = number.wrapOn(canvas, self.number_width, 20 * mm)
        number.drawOn(canvas, MARGIN_LEFT + self.stamp_width, self.bottom_rule - 1.5 * mm - height)


# --- cover and contents ---------------------------------------------------------------------------
def _cover(styles: Styles, brief: snap.Brief) -> list[Flowable]:
    story: list[Flowable] = [Spacer(1, 18 * mm),
                             Heading(styles, brief.title, styles.title, level=0, key="cover")]
    if brief.addressee:
        story.append(Spacer(1, 10 * mm))
        story.append(para(styles, brief.labels.cover_to, styles.label, TEXT_WIDTH))
        story += [para(styles, line, styles.cover, TEXT_WIDTH, base=None) for line in brief.addressee]
    story.append(Spacer(1, 12 * mm))
    story += [para(styles, line, styles.cover, TEXT_WIDTH) for line in brief.cover]
    story.append(Spacer(1, 12 * mm))
    story.append(para(styles, f"{brief.case_reference} · {brief.date.strftime('%d %B %Y').lstrip('0')}",
                      styles.header, TEXT_WIDTH))
    story.append(PageBreak())
    return story


@dataclass(frozen=True)
class TocEntry:
    level: int
    text: str
    key: str


def _contents(styles: Styles, brief: snap.Brief, toc: list[TocEntry]) -> list[Flowable]:
    """The table of contents: each entry links to its heading; dots lead to the page number."""
    story: list[Flowable] = [Heading(styles, brief.labels.contents, styles.h1, level=0, key="contents")]
    for entry in toc:
        style = styles.toc[min(entry.level, 1)]
        markup = scripts.markup(entry.text, _face(style), size=style.fontSize,
                                max_width=TEXT_WIDTH - style.leftIndent - style.rightIndent)
        text = f'<a href="#{entry.key}">{markup.text}</a><onDraw name="tocEntryEnd" label="{entry.key}"/>'
        story.append(Paragraph(text, styles.variant(style, markup)))
    story.append(PageBreak())
    return story


def _toc_entry_end(canvas: Canvas, _kind: str, key: str) -> None:
    """Dots from the end of the entry's text to the page number, whose place is kept (the
    number is written with the pages, at the end)."""
    x, y = canvas._curr_tx_info["cur_x"], canvas._curr_tx_info["cur_y"]
    font, size = canvas._fontname, canvas._fontsize
    right = TEXT_WIDTH - PAGE_NUMBER_SLOT
    dot = stringWidth(" .", font, size)
    dots = int((right - x - 2) / dot)
    if dots > 0:
        canvas.drawString(right - dots * dot, y, " ." * dots)
    canvas.page_number_of(key, *canvas.absolutePosition(TEXT_WIDTH, y))  # type: ignore[attr-defined]


# --- the sections ----------------------------------------------------------------------------------
class _Numbers:
    def __init__(self) -> None:
        self.paragraph = 0
        self.subheading = 0


def _body(styles: Styles, brief: snap.Brief, toc: list[TocEntry]) -> list[Flowable]:
    """The sections; ``toc`` receives an entry for each heading, in order."""
    story: list[Flowable] = []
    numbers = _Numbers()
    for n, section in enumerate(brief.sections, start=1):
        title = f"{n}. {section.heading}"
        toc.append(TocEntry(0, title, f"s{n}"))
        story.append(CondPageBreak(40 * mm))
        story.append(Heading(styles, title, styles.h1, level=0, key=f"s{n}"))
        for block in section.blocks:
            story += _block(styles, brief, block, numbers, f"s{n}", toc)
    return story


def _block(styles: Styles, brief: snap.Brief, block: snap.Block, numbers: _Numbers, key: str,
           toc: list[TocEntry]) -> list[Flowable]:
    if isinstance(block, snap.Paragraph):
        if block.style == "item":
            return [para(styles, block.text, styles.item, TEXT_WIDTH)]
        if block.numbered:
            numbers.paragraph += 1
            return [para(styles, block.text, styles.numbered, TEXT_WIDTH, base=None,
                         bulletText=f"{numbers.paragraph}.")]
        return [para(styles, block.text, styles.body, TEXT_WIDTH, base=None)]
    if isinstance(block, snap.Subheading):
        numbers.subheading += 1
        toc.append(TocEntry(1, block.text, f"{key}h{numbers.subheading}"))
        return [Heading(styles, block.text, styles.h2, level=1, key=f"{key}h{numbers.subheading}", base=None)]
    if isinstance(block, snap.Fields):
        return [_fields(styles, block)]
    if isinstance(block, snap.Table):
        return [_table(styles, block.columns, block.rows, block.widths)]
    return _exhibit_index(styles, brief, block)


# A table sets its font before drawing its cells, Helvetica unless told: that would put an
# unembedded standard font in the PDF although no text is drawn in it.
_TABLE_FONT = [("FONTNAME", (0, 0), (-1, -1), fonts.SERIF), ("FONTSIZE", (0, 0), (-1, -1), 9)]


def _keep_whole(rows: int, at_most: int) -> list[tuple[Any, ...]]:
    """A short table is never split across pages (a heading before it stays with it: a table
    kept whole by ``KeepTogether`` would not)."""
    return [("NOSPLIT", (0, 0), (-1, -1))] if rows <= at_most else []


def _fields(styles: Styles, block: snap.Fields) -> Flowable:
    widths = (TEXT_WIDTH * 0.28, TEXT_WIDTH * 0.72)
    rows = [[para(styles, label, styles.label, widths[0]), para(styles, value, styles.value, widths[1], base=None)]
            for label, value in block.rows]
    table = Table(rows, colWidths=widths, hAlign="LEFT", spaceAfter=4)
    table.setStyle(TableStyle([*_TABLE_FONT, *_keep_whole(len(rows), 8), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


def _table(styles: Styles, columns: tuple[str, ...], rows: tuple[tuple[str, ...], ...],
           weights: tuple[float, ...], cells: Callable[[int, str, float], Flowable] | None = None) -> Flowable:
    weights = weights or tuple(1.0 for _ in columns)
    widths = [TEXT_WIDTH * w / sum(weights) for w in weights]
    padding = TABLE_PADDING

    def cell(column: int, text: str) -> Flowable:
        if cells is not None:
            return cells(column, text, widths[column] - 2 * padding)
        return para(styles, text, styles.cell, widths[column] - 2 * padding, base=None)

    data: list[list[Flowable]] = [[para(styles, c, styles.cell_head, w - 2 * padding) for c, w in zip(columns, widths,
                                                                                                       strict=True)]]
    data += [[cell(i, text) for i, text in enumerate(row)] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT", spaceBefore=2, spaceAfter=8)
    table.setStyle(TableStyle([
        *_TABLE_FONT,
        *_keep_whole(len(data), 7),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), padding), ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _exhibit_index(styles: Styles, brief: snap.Brief, index: snap.ExhibitIndex) -> list[Flowable]:
    if not index.rows:
        return [para(styles, index.empty, styles.body, TEXT_WIDTH)]
    labels = brief.labels

    def title(row: snap.ExhibitRow) -> str:
        return f"{row.title} [{labels.confidential}]" if brief.internal and row.confidential else row.title

    def cells(column: int, text: str, width: float) -> Flowable:
        if column == 3:  # the hash in two lines of 32 characters, nothing in between to copy by mistake
            return Paragraph(f"{text[:32]}<br/>{text[32:]}", styles.hash)
        return para(styles, text, styles.cell, width, base=None)

    rows = tuple((r.number, title(r), r.date, r.sha256) for r in index.rows)
    columns = (labels.exhibit_number, labels.exhibit_title, labels.exhibit_date, labels.exhibit_hash)
    # The hash column takes 32 of the widest hex digits; the title takes what is left.
    hex_width = max(stringWidth(c, styles.hash.fontName, styles.hash.fontSize) for c in "0123456789abcdef")
    hash_column = 32 * hex_width + 2 * TABLE_PADDING + 2
    number, day = 14 * mm, 24 * mm
    weights = (number, TEXT_WIDTH - number - day - hash_column, day, hash_column)
    return [_table(styles, columns, rows, weights, cells)]
