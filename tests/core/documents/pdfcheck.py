"""Reading a brief's PDF back: text per page, outline, fonts, encryption."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

PAGE_X_OF_Y = re.compile(r"page\s+(\d+)\s+of\s+(\d+)")


def reader(pdf: bytes, password: str | None = None) -> PdfReader:
    found = PdfReader(io.BytesIO(pdf))
    if password is not None:
        found.decrypt(password)
    return found


def page_texts(pdf: bytes | PdfReader) -> list[str]:
    found = pdf if isinstance(pdf, PdfReader) else reader(pdf)
    return [page.extract_text() for page in found.pages]


def all_text(pdf: bytes | PdfReader) -> str:
    return "\n".join(page_texts(pdf))


@dataclass(frozen=True)
class Bookmark:
    title: str
    level: int
    page: int  # from 1


def outline(pdf: bytes | PdfReader) -> list[Bookmark]:
    found = pdf if isinstance(pdf, PdfReader) else reader(pdf)
    marks: list[Bookmark] = []

    def walk(items: list, level: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                marks.append(Bookmark(item.title, level, found.get_destination_page_number(item) + 1))

    walk(found.outline, 0)
    return marks


@dataclass(frozen=True)
class FontUse:
    name: str
    subtype: str
    embedded: bool  # a /FontFile2 (TrueType outlines) in its descriptor


def fonts(pdf: bytes | PdfReader) -> set[FontUse]:
    """Every font any page or form XObject uses, with whether its outlines are in the file."""
    found = pdf if isinstance(pdf, PdfReader) else reader(pdf)
    seen: set[FontUse] = set()

    def visit(resources: DictionaryObject | None) -> None:
        if not resources:
            return
        for reference in resources.get("/Font", {}).values():
            font = reference.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = bool(descriptor and "/FontFile2" in descriptor.get_object())
            seen.add(FontUse(str(font["/BaseFont"]), str(font["/Subtype"]), embedded))
        for item in resources.get("/XObject", {}).values():
            xobject = item.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in found.pages:
        visit(page.get("/Resources"))
    return seen
