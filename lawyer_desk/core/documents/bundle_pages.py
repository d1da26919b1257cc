"""The pages of a bundle: making room for the page number at every page's foot, and stamping it.

A page that comes from elsewhere (an exhibit, the submission) may be printed to its very
edge, so its content is shrunk a little — a few per cent — towards the top, leaving a free
strip along its foot, and clipped to what a reader showed of it. Its rotation is applied at
the same time, so that the strip is at the foot of the page as it is read. This is done by
wrapping the page's content streams in a transformation, never by parsing them: a 500-page
bundle stays quick. The page's annotations (links, notes) move with its content.

The bundle's own pages (the index, the pages holding images) keep that strip free already.

The number is drawn in the strip with an embedded subset of Noto Sans: one font object for
the whole bundle, and one tiny content stream per page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    PdfObject,
    RectangleObject,
)
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from lawyer_desk.core.documents import fonts
from lawyer_desk.core.errors import InvalidInput

STRIP = 11 * mm  # the free band along the foot of every page, where the number goes
STAMP_SIZE = 9.0
STAMP_RIGHT = 12 * mm  # from the right edge of the page to the end of the number
STAMP_BASELINE = 4 * mm  # from the foot of the page
STAMP_FONT = NameObject("/LDBundlePageNumber")
_BOXES = ("/CropBox", "/BleedBox", "/TrimBox", "/ArtBox")

type Matrix = tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class Fitting:
    """How a page from elsewhere is placed above the strip: the matrix, and the page it makes."""

    matrix: Matrix
    width: float
    height: float
    clip: tuple[float, float, float, float]  # what a reader showed of it, in its own space


def fitting(page: DictionaryObject) -> Fitting:
    box = RectangleObject(page.get("/CropBox") or page["/MediaBox"])
    media = RectangleObject(page["/MediaBox"])
    # What a reader shows is the crop box inside the media box.
    left, bottom = max(float(box.left), float(media.left)), max(float(box.bottom), float(media.bottom))
    right, top = min(float(box.right), float(media.right)), min(float(box.top), float(media.top))
    if right - left < 1 or top - bottom < 1:
        left, bottom, right, top = (float(media.left), float(media.bottom), float(media.right), float(media.top))
    width, height = right - left, top - bottom
    rotation = int(page.get("/Rotate", 0) or 0) % 360
    turn = Transformation().translate(-left, -bottom).rotate(-rotation)  # /Rotate turns clockwise
    corners = [turn.apply_on((x, y)) for x in (0, width) for y in (0, height)]
    turn = turn.translate(-min(x for x, _ in corners), -min(y for _, y in corners))
    shown_width, shown_height = (height, width) if rotation in (90, 270) else (width, height)
    scale = max(0.5, (shown_height - STRIP) / shown_height)
    placed = turn.scale(scale, scale).translate((1 - scale) * shown_width / 2, shown_height - scale * shown_height)
    matrix = tuple(round(float(v), 6) for v in placed.ctm)
    return Fitting(matrix, shown_width, shown_height, (left, bottom, width, height))  # type: ignore[arg-type]


def _apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def _number(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class PageWork:
    """Wraps the content of the writer's pages and stamps them, sharing what can be shared."""

    def __init__(self, writer: PdfWriter, stamps: Sequence[str]) -> None:
        self.writer = writer
        self._prefixes: dict[tuple[Matrix, tuple[float, float, float, float]] | None, IndirectObject] = {}
        self._fittings: dict[tuple[Any, ...], Fitting] = {}
        self._font, self._codes = _stamp_font(writer, stamps)

    def _stream(self, data: bytes) -> IndirectObject:
        stream = DecodedStreamObject()
        stream.set_data(data)
        return self.writer._add_object(stream)

    def _prefix(self, fit: Fitting | None) -> IndirectObject:
        """``q`` (and the matrix and clip of a page from elsewhere): shared by pages of one size."""
        key = None if fit is None else (fit.matrix, fit.clip)
        if key not in self._prefixes:
            data = b"q\n"
            if fit is not None:
                numbers = " ".join(_number(v) for v in fit.matrix)
                clip = " ".join(_number(v) for v in fit.clip)
                data = f"q\n{numbers} cm\n{clip} re W n\n".encode("ascii")
            self._prefixes[key] = self._stream(data)
        return self._prefixes[key]

    def fit(self, page: DictionaryObject) -> Fitting:
        """Shrink a page from elsewhere above the strip; its boxes and annotations follow."""
        key = tuple(_numbers(page.get(name)) for name in ("/MediaBox", "/CropBox", "/Rotate"))
        fit = self._fittings.get(key)
        if fit is None:
            fit = self._fittings[key] = fitting(page)
        page[NameObject("/MediaBox")] = RectangleObject((0, 0, fit.width, fit.height))
        for name in _BOXES:
            page.pop(NameObject(name), None)
        page.pop(NameObject("/Rotate"), None)
        for annotation in _annotations(page):
            _move_annotation(annotation, fit.matrix)
        return fit

    def stamp(self, page: DictionaryObject, text: str, fit: Fitting | None) -> None:
        """Wrap the page's content (isolating its graphics state) and draw ``text`` in the strip."""
        media = RectangleObject(page["/MediaBox"])
        width = stringWidth(text, fonts.SANS, STAMP_SIZE)
        x = float(media.right) - STAMP_RIGHT - width
        y = float(media.bottom) + STAMP_BASELINE
        glyphs = b"".join(self._codes[c] for c in text).hex().encode("ascii")
        tail = (b"Q\nq 0 g BT " + STAMP_FONT.encode() + f" {_number(STAMP_SIZE)} Tf 1 0 0 1 {_number(x)} "
                f"{_number(y)} Tm <".encode("ascii") + glyphs + b"> Tj ET Q\n")
        page[NameObject("/Contents")] = ArrayObject([self._prefix(fit), *_contents(page), self._stream(tail)])
        # The font joins the page's fonts under a name of its own; where pages share their
        # resources, they all get the same entry, which is just as right for each.
        resources = page.get("/Resources")
        if resources is None:
            resources = page[NameObject("/Resources")] = DictionaryObject()
        resources = resources.get_object()
        font_names = resources.get("/Font")
        if font_names is None:
            font_names = resources[NameObject("/Font")] = DictionaryObject()
        font_names.get_object()[STAMP_FONT] = self._font


def _numbers(value: Any) -> tuple[float, ...]:
    """A page's box or rotation as plain numbers (the key of pages of one geometry)."""
    value = value.get_object() if value is not None else None
    if value is None:
        return ()
    if isinstance(value, ArrayObject):
        return tuple(float(v.get_object()) for v in value)
    return (float(value),)


def _contents(page: DictionaryObject) -> list[PdfObject]:
    found = page.get("/Contents")
    if found is None:
        return []
    resolved = found.get_object()
    if isinstance(resolved, ArrayObject):
        return list(resolved)
    return [found]


def _annotations(page: DictionaryObject) -> list[DictionaryObject]:
    found = page.get("/Annots")
    if found is None:
        return []
    return [a.get_object() for a in found.get_object() if isinstance(a.get_object(), DictionaryObject)]


def _move_annotation(annotation: DictionaryObject, matrix: Matrix) -> None:
    if "/Rect" in annotation:
        rect = RectangleObject(annotation["/Rect"])
        corners = [_apply(matrix, float(x), float(y)) for x in (rect.left, rect.right) for y in (rect.bottom, rect.top)]
        annotation[NameObject("/Rect")] = RectangleObject((min(x for x, _ in corners), min(y for _, y in corners),
                                                           max(x for x, _ in corners), max(y for _, y in corners)))
    quads = annotation.get("/QuadPoints")
    if isinstance(quads, ArrayObject) and len(quads) % 2 == 0:
        values = [float(v) for v in quads]
        moved = [v for i in range(0, len(values), 2) for v in _apply(matrix, values[i], values[i + 1])]
        annotation[NameObject("/QuadPoints")] = ArrayObject(FloatObject(round(v, 4)) for v in moved)


def _stamp_font(writer: PdfWriter, stamps: Sequence[str]) -> tuple[IndirectObject, dict[str, bytes]]:
    """Noto Sans, subset to the characters of the page numbers, and each character's code.

    ReportLab draws every character once; its page tells the font object and the codes it
    gave (one byte each in a subset this small)."""
    chars = sorted(set("".join(stamps)) | {"0"})
    fonts.ensure(fonts.SANS)
    missing = [c for c in chars if not fonts.covers(fonts.SANS, c)]
    if missing:
        raise InvalidInput(f"The page numbers cannot be printed: no glyph for {''.join(missing)!r}; "
                           "choose another prefix.")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=0)
    canvas.setFont(fonts.SANS, STAMP_SIZE)
    canvas.drawString(0, 0, "".join(chars))
    canvas.showPage()
    canvas.save()
    page = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
    shown, current = [], None
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"Tf":
            current = operands[0]
        elif operator == b"Tj":
            shown.append((current, operands[0]))
    (name, text), = shown
    font = page["/Resources"]["/Font"][name]
    data = text.get_original_bytes() if hasattr(text, "get_original_bytes") else bytes(text)
    if len(data) != len(chars):
        raise InvalidInput("The page numbers cannot be printed with this prefix; choose a shorter or plainer one.")
    cloned = font.get_object().clone(writer)
    reference = cloned.indirect_reference
    assert reference is not None
    return reference, {c: data[i:i + 1] for i, c in enumerate(chars)}
