"""Evidence files for tests, made on the spot: a PDF with a text layer, a "scanned" PDF (one
image, no text), a Word document, and a seekable stream of any size that costs no memory."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(*lines: str) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (Helvetica, Latin-1 text)."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    fonts = DictionaryObject({NameObject("/F1"): font})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    content = DecodedStreamObject()
    content.set_data(("BT /F1 12 Tf 72 760 Td 14 TL " + " ".join(f"({_escape(line)}) '" for line in lines)
                      + " ET").encode("latin-1"))
    page.replace_contents(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A one-page PDF holding only an image, as a scanner makes it: no text layer."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    image = DecodedStreamObject()
    image.set_data(bytes(range(64)))
    image.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                  NameObject("/Width"): NumberObject(8), NameObject("/Height"): NumberObject(8),
                  NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                  NameObject("/BitsPerComponent"): NumberObject(8)})
    # A stream must be an indirect object; pypdf has no public call for adding one.
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im1"): writer._add_object(image)})})
    content = DecodedStreamObject()
    content.set_data(b"q 200 0 0 200 0 0 cm /Im1 Do Q")
    page.replace_contents(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def word_document(path: Path, *paragraphs: str) -> Path:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path


class PatternStream(io.RawIOBase):
    """``size`` bytes of a repeating pattern, read without allocating: a file of any size."""

    def __init__(self, size: int, block: int = 1 << 20) -> None:
        super().__init__()
        self.size, self.pos = size, 0
        self._pattern = bytes((i * 7 + 3) % 251 for i in range(block))

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        n = min(len(view), self.size - self.pos, len(self._pattern))
        view[:n] = self._pattern[:n]
        self.pos += n
        return n
