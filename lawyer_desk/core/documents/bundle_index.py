"""The bundle's own pages, drawn with ReportLab: the index, and a page for each image exhibit.

Both keep the strip along the foot of the page free for the page number (``bundle_pages``).

The index is laid out once. Every page number after it depends on how many pages the index
itself takes, which is known only when it is laid out; so the number in each row is a form
XObject, drawn when the index's length is known, at the end (as in a brief's table of
contents). The index reports where each row was drawn (``LinkSpot``), so that the bundle can
make the row a link to its first page. Text in any script goes through ``render.para``.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle

from lawyer_desk import __version__
from lawyer_desk.core.documents import fonts
from lawyer_desk.core.documents.bundle_pages import STRIP
from lawyer_desk.core.documents.render import (
    HEADER_FILL,
    INK,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    TEXT_WIDTH,
    Styles,
    para,
)

MARGIN_BOTTOM = STRIP + 12 * mm
PADDING = 4
IMAGE_MARGIN = 15 * mm
_ORIENTATION = 0x0112  # the EXIF tag saying how the camera was held
NUMBER_SIZE = 9.0  # the page numbers in the index, as the cells' text
MAX_ZOOM = 2.0  # points per pixel: a small image is enlarged at most this much
Image.MAX_IMAGE_PIXELS = 200_000_000  # a scanned A0 plan at 600 dpi, not a decompression bomb


@dataclass(frozen=True)
class IndexRow:
    """One line of the index: a section, an exhibit, or a heading over a group of them."""

    number: str
    title: str
    date: str = ""
    sha256: str = ""
    offset: int | None = None  # its first page, counted from the first page after the index (from 0)
    note: str = ""  # instead of a page number: why there is none (drawn small)
    kind: Literal["entry", "heading", "remark"] = "entry"  # a heading or a remark spans the table


@dataclass(frozen=True)
class IndexHead:
    title: str
    lines: tuple[str, ...]
    case_reference: str
    marking: str
    columns: tuple[str, str, str, str, str]  # No., Document, Date, Page, SHA-256
    metadata_title: str
    author: str


@dataclass(frozen=True)
class LinkSpot:
    """Where a row was drawn: on ``page`` of the index (from 0), in ``rect``; it links to ``target``."""

    page: int
    rect: tuple[float, float, float, float]
    target: int


@dataclass
class _Spots:
    found: dict[tuple[int, int], list[float]] = field(default_factory=dict)  # (page, row) → x0 y0 x1 y1

    def add(self, page: int, row: int, x: float, y: float, width: float, height: float) -> None:
        box = self.found.setdefault((page, row), [x, y, x + width, y + height])
        box[:] = [min(box[0], x), min(box[1], y), max(box[2], x + width), max(box[3], y + height)]


class _Marked(Flowable):
    """A cell that notes where it was drawn, so that its row can become a link."""

    def __init__(self, inner: Flowable, row: int, spots: _Spots) -> None:
        super().__init__()
        self.inner, self.row, self.spots = inner, row, spots

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self.inner.wrap(availWidth, availHeight)
        return self.width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self.spots.add(self.canv.getPageNumber() - 1, self.row, x, y, self.width, self.height)
        self.inner.drawOn(self.canv, 0, 0)


class _IndexDocument(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, head: IndexHead, styles: Styles) -> None:
        super().__init__(buffer, pagesize=A4, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT, topMargin=MARGIN_TOP,
                         bottomMargin=MARGIN_BOTTOM, title=head.metadata_title, author=head.author,
                         creator=f"lawyer_desk {__version__}", initialFontName=fonts.SANS)
        frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, TEXT_WIDTH, PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="index", frames=[frame], onPage=self._header)])
        self.reference = para(styles, head.case_reference, styles.header, TEXT_WIDTH * 0.3)
        self.marking = para(styles, head.marking, styles.marking, TEXT_WIDTH * 0.7)

    def _header(self, canvas: Canvas, _doc: Any) -> None:
        rule = PAGE_HEIGHT - MARGIN_TOP + 7 * mm
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_LEFT, rule, PAGE_WIDTH - MARGIN_RIGHT, rule)
        self.reference.wrapOn(canvas, TEXT_WIDTH * 0.3, 20 * mm)
        self.reference.drawOn(canvas, MARGIN_LEFT, rule + 2 * mm)
        _, height = self.marking.wrapOn(canvas, TEXT_WIDTH * 0.7, 20 * mm)
        self.marking.drawOn(canvas, MARGIN_LEFT + TEXT_WIDTH * 0.3, rule + 2 * mm + self.marking.style.leading - height)
        canvas.restoreState()


type StampFor = Callable[[int, int], str]  # (pages of the index, offset) → the stamped number


class _PageNumber(Flowable):
    """The page number of a row: a form XObject, drawn once the index's length is known."""

    def __init__(self, form: str, width: float, height: float) -> None:
        super().__init__()
        self.form, self.width, self.height = form, width, height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.doForm(self.form)


def _numbering_canvas(numbers: dict[str, tuple[int, float, float]], stamp_for: StampFor) -> type[Canvas]:
    class NumberingCanvas(Canvas):
        def save(self) -> None:
            pages = self.getPageNumber() - 1  # the counter stands on the page after the last
            for form, (offset, width, height) in numbers.items():
                text = stamp_for(pages, offset)
                size = min(NUMBER_SIZE, NUMBER_SIZE * width / max(1.0, stringWidth(text, fonts.SANS, NUMBER_SIZE)))
                self.beginForm(form, lowerx=0, lowery=0, upperx=width, uppery=height)
                self.setFont(fonts.SANS, size)
                self.setFillColor(INK)
                self.drawString(0, height - NUMBER_SIZE, text)
                self.endForm()
            super().save()

    return NumberingCanvas


def draw_index(head: IndexHead, rows: Sequence[IndexRow], stamp_for: StampFor) -> tuple[bytes, int, list[LinkSpot]]:
    """The index's PDF, its number of pages, and where each row that has a page was drawn.

    ``stamp_for(pages, offset)`` is the number stamped on the page ``offset`` pages after an
    index of ``pages`` pages; the links' targets count from the first page of the index."""
    styles = Styles()
    buffer = io.BytesIO()
    doc = _IndexDocument(buffer, head, styles)
    spots = _Spots()
    numbers: dict[str, tuple[int, float, float]] = {}
    story: list[Flowable] = [para(styles, head.title, styles.title, TEXT_WIDTH)]
    story += [para(styles, line, styles.cover, TEXT_WIDTH, base=None) for line in head.lines]
    story.append(Spacer(1, 8 * mm))
    story.append(_table(styles, head, rows, spots, numbers))
    doc.build(story, canvasmaker=_numbering_canvas(numbers, stamp_for))
    links = [LinkSpot(page, (MARGIN_LEFT, box[1] - 3, MARGIN_LEFT + TEXT_WIDTH, box[3] + 2), doc.page + offset)
             for (page, row), box in sorted(spots.found.items())
             if (offset := rows[row].offset) is not None]
    return buffer.getvalue(), doc.page, links


def _table(styles: Styles, head: IndexHead, rows: Sequence[IndexRow], spots: _Spots,
           numbers: dict[str, tuple[int, float, float]]) -> Table:
    number, day, page = 14 * mm, 22 * mm, 22 * mm
    # The hash column takes 32 of the widest hex digits; the title takes what is left.
    digit = max(stringWidth(c, styles.hash.fontName, styles.hash.fontSize) for c in "0123456789abcdef")
    hash_width = 32 * digit + 2 * PADDING + 2
    widths = [number, TEXT_WIDTH - number - day - page - hash_width, day, page, hash_width]
    inner = [w - 2 * PADDING for w in widths]
    data: list[list[Any]] = [[para(styles, c, styles.cell_head, w) for c, w in zip(head.columns, inner, strict=True)]]
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.SERIF), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL), ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    for n, row in enumerate(rows):
        line = len(data)
        if row.kind != "entry":
            style = styles.h2 if row.kind == "heading" else styles.body
            data.append([para(styles, row.title, style, TEXT_WIDTH - 2 * PADDING, base=None), "", "", "", ""])
            commands.append(("SPAN", (0, line), (-1, line)))
            if row.kind == "heading":
                commands.append(("TOPPADDING", (0, line), (-1, line), 8))
            continue
        # The hash in two lines of 32 characters, nothing in between to copy by mistake.
        sha = f"{row.sha256[:32]}<br/>{row.sha256[32:]}" if row.sha256 else ""
        if row.offset is None:
            page: Flowable = para(styles, row.note, styles.small, inner[3])
        else:
            form = f"ld-index-page-{n}"
            numbers[form] = (row.offset, inner[3], styles.cell.leading)
            page = _PageNumber(form, inner[3], styles.cell.leading)
        cells: list[Flowable] = [
            para(styles, row.number, styles.cell, inner[0]),
            para(styles, row.title, styles.cell, inner[1], base=None),
            para(styles, row.date, styles.cell, inner[2]),
            page,
            Paragraph(sha, styles.hash),
        ]
        data.append([_Marked(cell, n, spots) if row.offset is not None else cell for cell in cells])
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


# --- image exhibits ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Picture:
    caption: str  # "Exhibit 4 – Photograph of the summons"
    data: bytes


class UnreadableImage(Exception):
    def __init__(self, index: int, reason: str) -> None:
        super().__init__(reason)
        self.index = index
        self.reason = reason


def draw_pictures(pictures: Sequence[Picture]) -> bytes:
    """One page per image, turned the way the camera held it, scaled to fit under its caption.

    Raises ``UnreadableImage`` naming the first image that cannot be read."""
    styles = Styles()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=fonts.SANS)
    canvas.setCreator(f"lawyer_desk {__version__}")
    for n, picture in enumerate(pictures):
        (width, height), reader = _image(n, picture.data)
        size = landscape(A4) if width > height else A4
        canvas.setPageSize(size)
        caption = para(styles, picture.caption, styles.h2, size[0] - 2 * IMAGE_MARGIN)
        _, caption_height = caption.wrapOn(canvas, size[0] - 2 * IMAGE_MARGIN, 40 * mm)
        top = size[1] - IMAGE_MARGIN
        caption.drawOn(canvas, IMAGE_MARGIN, top - caption_height)
        room_w, room_h = size[0] - 2 * IMAGE_MARGIN, top - caption_height - 4 * mm - MARGIN_BOTTOM
        zoom = min(room_w / width, room_h / height, MAX_ZOOM)
        w, h = width * zoom, height * zoom
        canvas.drawImage(reader, (size[0] - w) / 2, MARGIN_BOTTOM + room_h - h, w, h, mask="auto")
        canvas.setFillColor(INK)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _image(index: int, data: bytes) -> tuple[tuple[int, int], ImageReader]:
    try:
        image = Image.open(io.BytesIO(data))
        size = image.size
        if image.format == "JPEG" and image.getexif().get(_ORIENTATION, 1) == 1:
            # Decoded at an eighth of its size only to find a damaged file; embedded as it is.
            image.draft("RGB", (max(1, size[0] // 8), max(1, size[1] // 8)))
            image.load()
            return size, _JpegAsItIs(data)
        image.load()
        image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise UnreadableImage(index, str(exc) or type(exc).__name__) from None
    return image.size, ImageReader(image)


class _JpegAsItIs(ImageReader):
    """A JPEG that ReportLab embeds as it is. Its ``drawImage`` decodes every pixel only to name
    the image by a digest of them (so that an image drawn twice is stored once); the digest of
    the file names it as well, and a 12-megapixel photograph is not decoded at all."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self._digest = hashlib.sha256(data).digest()
        self._dataA = None  # no transparency in a JPEG

    def getRGBData(self) -> bytes:
        return self._digest
