"""Taking the text out of exhibit files, so that search finds an exhibit by a phrase inside it.

PDFs through pypdf (a PDF whose pages hold no text layer, a scan, is "no text"), Word
documents (.docx) through python-docx, plain text files directly. Everything else is
"unsupported": it is stored and verified like any file, only not searched.

The file is read from the vault through a seekable decrypting reader (``Vault.open``), so no
plaintext copy is ever written. At most ``MAX_TEXT`` characters are kept: enough for any
judgment or report, and it bounds memory for a huge file. A file that is damaged or not what
its name says ("a PDF that is not a PDF") is "unreadable", with a note saying why; it is still
stored as it is.
"""

from __future__ import annotations

import codecs
import io
import logging
import mimetypes
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from lawyer_desk.core.errors import LawyerDeskError
from lawyer_desk.core.vocab import TextStatus

MAX_TEXT = 2_000_000  # characters kept per exhibit
_TEXT_BLOCK = 1 << 20
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_TEXT_TYPES = {"application/json", "application/xml", "message/rfc822"}
_EXTENSIONS = {".md": "text/markdown", ".docx": DOCX, ".eml": "message/rfc822", ".log": "text/plain"}
# What the first bytes say when the name says nothing.
_SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
               (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"), (b"II*\x00", "image/tiff"),
               (b"MM\x00*", "image/tiff"))

# pypdf reports oddities of real-world PDFs through logging and warnings; they are not ours
# to show (and the command line's stderr is one line per error).
_pypdf_log = logging.getLogger("pypdf")
_pypdf_log.addHandler(logging.NullHandler())
_pypdf_log.propagate = False


@dataclass(frozen=True)
class Extraction:
    status: TextStatus
    text: str = ""
    note: str | None = None  # why there is no text, or that it was cut short, in plain words


def media_type(filename: str, head: bytes) -> str:
    """The media type from the file name, else from the first bytes, else octet-stream."""
    suffix = filename[filename.rfind("."):].lower() if "." in filename else ""
    guessed = _EXTENSIONS.get(suffix) or mimetypes.guess_type(filename, strict=False)[0]
    if guessed:
        return guessed
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    return "application/octet-stream"


def is_text_type(kind: str) -> bool:
    return kind.startswith("text/") or kind in _TEXT_TYPES


def extract(source: BinaryIO, kind: str, cancel: Callable[[], bool] | None = None) -> Extraction:
    """The text of a file of media type ``kind``, read from the seekable ``source``.

    Never raises for bad content: that is an ``Extraction`` with status ``unreadable``.
    Errors of the vault itself (a damaged object) and cancellation do propagate.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if kind == PDF:
                return _pdf(source, cancel)
            if kind == DOCX:
                return _docx(source)
            if is_text_type(kind):
                return _plain(source)
    except LawyerDeskError:
        raise
    except Exception as exc:  # a malformed file can make a parser fail in any way at all
        what = {PDF: "a readable PDF", DOCX: "a readable Word document"}.get(kind, "readable text")
        return Extraction(TextStatus.unreadable, note=f"the file is not {what} ({type(exc).__name__}); "
                                                      "it is stored as it is, without text for search")
    return Extraction(TextStatus.unsupported, note="text is not taken out of this kind of file")


class _Collector:
    """Joins pieces of text up to ``MAX_TEXT`` characters."""

    def __init__(self, separator: str = "\n") -> None:
        self.separator = separator
        self.parts: list[str] = []
        self.length = 0
        self.full = False

    def add(self, piece: str) -> None:
        piece = piece.replace("\x00", "")
        room = MAX_TEXT - self.length
        if len(piece) > room:
            piece, self.full = piece[:room], True
        self.parts.append(piece)
        self.length += len(piece)

    def result(self, empty: Extraction) -> Extraction:
        text = self.separator.join(self.parts).strip()
        if not text:
            return empty
        note = f"only the first {MAX_TEXT:,} characters are searchable" if self.full else None
        return Extraction(TextStatus.text, text, note)


def _pdf(source: BinaryIO, cancel: Callable[[], bool] | None) -> Extraction:
    from pypdf import PdfReader

    reader = PdfReader(_buffered(source), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return Extraction(TextStatus.unreadable, note="the PDF is password-protected; no text for search")
    collected = _Collector()
    for page in reader.pages:
        if cancel is not None and cancel():
            return Extraction(TextStatus.not_extracted, note="text extraction was stopped")
        collected.add(page.extract_text() or "")
        if collected.full:
            break
    return collected.result(Extraction(TextStatus.no_text, note="the PDF has no text layer (a scan?)"))


def _docx(source: BinaryIO) -> Extraction:
    import docx

    document = docx.Document(_buffered(source))
    collected = _Collector()
    for paragraph in document.paragraphs:
        collected.add(paragraph.text)
        if collected.full:
            break
    for table in document.tables:
        for row in table.rows:
            collected.add(" ".join(cell.text for cell in row.cells))
            if collected.full:
                break
    return collected.result(Extraction(TextStatus.no_text, note="the document holds no text"))


def _plain(source: BinaryIO) -> Extraction:
    source.seek(0)
    head = source.read(4)
    encoding = "utf-8"
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            encoding = name
    try:
        return _decode(source, encoding, "strict")
    except UnicodeDecodeError:
        return _decode(source, "cp1252", "replace")  # an older Windows text file


def _decode(source: BinaryIO, encoding: str, errors: str) -> Extraction:
    source.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    collected = _Collector(separator="")
    while not collected.full:
        block = source.read(_TEXT_BLOCK)
        collected.add(decoder.decode(block or b"", final=not block))
        if not block:
            break
    return collected.result(Extraction(TextStatus.no_text, note="the file is empty"))


def _buffered(source: BinaryIO) -> BinaryIO:
    """Parsers read a few bytes at a time: buffer the chunk-decrypting reader."""
    if isinstance(source, io.RawIOBase):
        return io.BufferedReader(source, buffer_size=1 << 16)  # type: ignore[return-value]
    return source
