"""Printing a PDF held in memory: each page drawn by QtPdf at the printer's own resolution.

``QPdfDocument.render`` makes an image of a page; at 600 dpi one A4 page is a 140 MB image,
so a page is rendered and handed to the printer in bands of a few megabytes each. A page
whose shape does not match the paper (a landscape exhibit on portrait paper) is turned a
quarter, and every page is fitted to the paper without changing its proportions.

The page range, the copies and their collation come from the print dialog; a printer that
makes its own copies (most do, through the system's print service) is left to do so, others
(the PDF printer) get the pages as many times as asked. Printing runs as a task
(``ui/tasks.py``): it never touches a widget, reports every page and stops between pages
when cancelled. ``choose_printer`` is the one place the print dialog appears, so tests
answer it with a PDF printer instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QPoint, QRect, QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from lawyer_desk.ui.tasks import Cancelled, Progress

BAND_PIXELS = 8_000_000  # at most this many pixels (32 MB) of a page rendered at once


def tr(text: str) -> str:
    return QCoreApplication.translate("printing", text)


class PrintFailed(Exception):
    """The printer could not be used, or a page could not be drawn; the message says which."""


class OpenedPdf:
    """A ``QPdfDocument`` reading from bytes in memory, with the buffer it needs kept alive."""

    def __init__(self, pdf: bytes, password: str | None = None) -> None:
        self.buffer = QBuffer()
        self.buffer.setData(QByteArray(pdf))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument()
        if password:
            self.document.setPassword(password)
        self.document.load(self.buffer)

    @property
    def ready(self) -> bool:
        return self.document.status() == QPdfDocument.Status.Ready

    def close(self) -> None:
        self.document.close()
        self.buffer.close()
        self.buffer.setData(QByteArray())


def prepare_printer(printer: QPrinter, document: QPdfDocument, title: str) -> None:
    """Paper of the document's first page, the whole sheet as the drawing area, the title as job name."""
    printer.setDocName(title)
    printer.setFullPage(True)  # pages are drawn at their own size; their margins are part of them
    if document.pageCount() > 0:
        size = document.pagePointSize(0)
        printer.setPageSize(QPageSize(size, QPageSize.Unit.Point))
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        printer.setFromTo(1, document.pageCount())


def choose_printer(parent: QWidget | None, printer: QPrinter, page_count: int) -> bool:
    """The system's print dialog: printer, page range, copies. True when the lawyer chose Print."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(tr("Print"))
    dialog.setMinMax(1, max(page_count, 1))
    option = QAbstractPrintDialog.PrintDialogOption
    dialog.setOptions(option.PrintPageRange | option.PrintCurrentPage | option.PrintCollateCopies
                      | option.PrintToFile | option.PrintShowPageSize)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    dialog.deleteLater()
    return accepted


def pages_to_print(printer: QPrinter, page_count: int, current_page: int = 0) -> list[int]:
    """The pages (0-based) in the order they go to the printer, copies included when it cannot make them."""
    mode = printer.printRange()
    if mode == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(printer.fromPage(), 1)
        last = min(printer.toPage() or page_count, page_count)
        pages = list(range(first - 1, last))
    elif mode == QPrinter.PrintRange.CurrentPage:
        pages = [min(max(current_page, 0), page_count - 1)] if page_count else []
    else:
        pages = list(range(page_count))
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        pages.reverse()
    copies = 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)
    if copies > 1:
        pages = pages * copies if printer.collateCopies() else [p for p in pages for _ in range(copies)]
    return pages


def print_pages(pdf: bytes, printer: QPrinter, pages: Sequence[int], *, password: str | None = None,
                progress: Progress | None = None) -> int:
    """Print ``pages`` of ``pdf``; returns how many sheets were sent. Safe to run on a worker thread
    (a printer may be painted off the GUI thread; the document here is this call's own)."""
    opened = OpenedPdf(pdf, password)
    try:
        if not opened.ready:
            raise PrintFailed(tr("The document could not be read for printing."))
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintFailed(tr("The printer could not be started. Check that it is connected and switched on, "
                                 "or that the file chosen for printing to PDF can be written."))
        try:
            for n, index in enumerate(pages):
                if progress is not None:
                    progress.check()
                    progress.report(n, len(pages), tr("Printing page %1 (%2 of %3)…").replace(
                        "%1", str(index + 1)).replace("%2", str(n + 1)).replace("%3", str(len(pages))))
                if n and not printer.newPage():
                    raise PrintFailed(tr("The printer did not accept page %1.").replace("%1", str(index + 1)))
                draw_page(painter, printer, opened.document, index)
        except Cancelled:
            printer.abort()
            raise
        finally:
            painter.end()
        if progress is not None:
            progress.report(len(pages), len(pages), tr("Printed."))
        return len(pages)
    finally:
        opened.close()


def draw_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, index: int) -> None:
    """Page ``index`` fitted to the sheet, rendered at the printer's resolution, band by band."""
    sheet = printer.pageLayout().fullRectPixels(printer.resolution())
    size = document.pagePointSize(index)
    if size.width() <= 0 or size.height() <= 0:
        raise PrintFailed(tr("Page %1 has no size and cannot be printed.").replace("%1", str(index + 1)))
    turn = (size.width() > size.height()) != (sheet.width() > sheet.height())
    width, height = (size.height(), size.width()) if turn else (size.width(), size.height())
    scale = min(sheet.width() / width, sheet.height() / height)  # device pixels per point
    image = QSize(max(round(size.width() * scale), 1), max(round(size.height() * scale), 1))
    placed = image.transposed() if turn else image
    painter.save()
    painter.translate((sheet.width() - placed.width()) // 2, (sheet.height() - placed.height()) // 2)
    if turn:  # a quarter turn clockwise: the top of the page goes to the right of the sheet
        painter.translate(placed.width(), 0)
        painter.rotate(90)
    band = max(64, BAND_PIXELS // image.width())
    options = QPdfDocumentRenderOptions()
    options.setScaledSize(image)
    options.setRenderFlags(QPdfDocumentRenderOptions.RenderFlag.Annotations)
    try:
        for top in range(0, image.height(), band):
            rows = min(band, image.height() - top)
            options.setScaledClipRect(QRect(0, top, image.width(), rows))
            strip = document.render(index, QSize(image.width(), rows), options)
            if strip.isNull():
                raise PrintFailed(tr("Page %1 could not be drawn for the printer.").replace("%1", str(index + 1)))
            painter.drawImage(QPoint(0, top), strip)
    finally:
        painter.restore()
