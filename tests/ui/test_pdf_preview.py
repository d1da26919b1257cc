"""The preview window: pages, zoom, Print (to a real PDF printer, through the print task on a
worker thread) and Save as (atomic, the very bytes previewed); nothing reaches the disk in
plaintext before the lawyer saves.

The print and file dialogs are the two seams (``printing.choose_printer`` and
``pdf_preview.choose_save_path``); everything else is real: QtPdf, QPrinter, the task runner.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, QSize
from PySide6.QtGui import QCursor, QImage, QPainter, QTransform
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from lawyer_desk.core.store import Store
from lawyer_desk.ui import pdf_preview, printing, tasks
from lawyer_desk.ui.brief_dialog import BriefDialog
from lawyer_desk.ui.document_options import preview_documents
from lawyer_desk.ui.pdf_preview import FIT_PAGE, FIT_WIDTH, PdfPreview, show_preview
from lawyer_desk.ui.printing import OpenedPdf, pages_to_print
from tests.ui.documents_case import (
    CANARY,
    demo_case,
    exhibit_pdf,
    needles_of,
    page_count,
    pdf_text,
    plaintext_hits,
    templates,
)

DPI = 100  # the test printer's resolution: enough to compare pages, quick to draw


# --- fixtures and helpers ----------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Temp and runtime folders of this test only, so that they can be searched for plaintext."""
    temp, runtime = tmp_path / "temp", tmp_path / "run"
    temp.mkdir()
    runtime.mkdir(mode=0o700)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    yield temp


def open_preview(qtbot: Any, pdf: bytes, **kwargs: Any) -> PdfPreview:
    preview = PdfPreview(pdf, "Test document", "LD-TEST-brief.pdf", **kwargs)
    qtbot.addWidget(preview)
    preview.show()
    return preview


def print_to(monkeypatch: pytest.MonkeyPatch, target: Path, *, first: int = 0, last: int = 0, copies: int = 1,
             collate: bool = True, current: bool = False, accept: bool = True) -> list[QPrinter]:
    """The next print dialog answers with a PDF printer writing ``target``; returns the printers it saw."""
    seen: list[QPrinter] = []

    def choose(parent: Any, printer: QPrinter, pages: int) -> bool:
        seen.append(printer)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        printer.setResolution(DPI)
        printer.setCopyCount(copies)
        printer.setCollateCopies(collate)
        if current:
            printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
        elif first:
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(first, last)
        return accept

    monkeypatch.setattr(printing, "choose_printer", choose)
    return seen


def save_to(monkeypatch: pytest.MonkeyPatch, target: Path | None) -> list[Path]:
    """The next "Save PDF as" dialog answers ``target`` (None: cancelled); returns the suggestions."""
    suggested: list[Path] = []

    def choose(parent: Any, suggestion: Path) -> Path | None:
        suggested.append(suggestion)
        return target

    monkeypatch.setattr(pdf_preview, "choose_save_path", choose)
    return suggested


def page_image(pdf: bytes, index: int, width: int = 120) -> QImage:
    """Page ``index`` rendered small, in grey, on white: for comparing a printed page with its original."""
    opened = OpenedPdf(pdf)
    try:
        size = opened.document.pagePointSize(index)
        height = round(width * size.height() / size.width())
        image = opened.document.render(index, QSize(width, height))
        flat = QImage(image.size(), QImage.Format.Format_RGB32)
        flat.fill(0xFFFFFF)
        painter = QPainter(flat)
        painter.drawImage(0, 0, image)
        painter.end()
        return flat.convertToFormat(QImage.Format.Format_Grayscale8)
    finally:
        opened.close()


def difference(a: QImage, b: QImage) -> float:
    """Mean absolute difference of two grey images of one size, 0 (same) to 255."""
    assert a.size() == b.size(), (a.size(), b.size())
    total = 0
    for y in range(a.height()):
        row_a, row_b = a.constScanLine(y), b.constScanLine(y)
        total += sum(abs(p - q) for p, q in zip(bytes(row_a)[:a.width()], bytes(row_b)[:b.width()], strict=True))
    return total / (a.width() * a.height())


def ink(image: QImage) -> int:
    """How many dark pixels an image holds (text drawn)."""
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    return sum(1 for y in range(0, grey.height(), 2) for v in bytes(grey.constScanLine(y))[:grey.width()] if v < 96)


def best_match(printed: QImage, pdf: bytes, pages: int) -> int:
    return min(range(pages), key=lambda n: difference(printed, page_image(pdf, n)))


# --- showing ------------------------------------------------------------------------------------------
def test_the_preview_shows_the_pages_and_moves_between_them(qtbot: Any) -> None:
    pdf = exhibit_pdf("Five pages", 5)
    preview = open_preview(qtbot, pdf)
    assert preview.page_count == 5 and preview.page_total.text().strip() == "of 5"
    assert preview.view.pageMode() == QPdfView.PageMode.MultiPage
    qtbot.waitUntil(lambda: ink(preview.view.viewport().grab().toImage()) > 50)  # the first page painted
    assert preview.current_page == 0 and not preview.previous_action.isEnabled()
    preview.next_action.trigger()
    assert preview.current_page == 1 and preview.page_box.value() == 2
    preview.page_box.setValue(5)
    assert preview.current_page == 4 and not preview.next_action.isEnabled()
    preview.previous_action.trigger()
    assert preview.current_page == 3
    preview.go_to(99)
    assert preview.current_page == 4
    assert "5 pages" in preview.statusBar().currentMessage()
    assert "nothing is written to disk" in preview.caption.text()


def test_zoom_steps_and_fits(qtbot: Any) -> None:
    preview = open_preview(qtbot, exhibit_pdf("Zoom", 1))
    assert preview.zoom_box.currentData() == FIT_WIDTH
    preview.set_zoom(FIT_PAGE)
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitInView and preview.zoom_box.currentData() == FIT_PAGE
    preview.set_zoom(1.0)
    preview.zoom_in_action.trigger()
    assert preview.view.zoomFactor() == pytest.approx(1.25) and preview.zoom_box.currentData() == 1.25
    preview.zoom_out_action.trigger()
    preview.zoom_out_action.trigger()
    assert preview.view.zoomFactor() == pytest.approx(0.75)
    for _ in range(10):
        preview.zoom_in_action.trigger()
    assert preview.view.zoomFactor() == pytest.approx(4.0) and not preview.zoom_in_action.isEnabled()
    preview.zoom_box.activated.emit(preview.zoom_box.findData(FIT_WIDTH))
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitToWidth


def test_bytes_that_are_no_pdf_get_an_error_dialog(recorded_alerts: Any) -> None:
    assert show_preview(None, b"%PDF-1.7 this is not a PDF at all", "Broken", "broken.pdf") is None
    (call,) = recorded_alerts.calls
    assert call.kind == "error" and call.title == "The document cannot be previewed"


def test_a_protected_pdf_is_previewed_with_its_password(qtbot: Any) -> None:
    from lawyer_desk.core.documents.password import protect

    pdf = protect(exhibit_pdf("Locked", 3), "s3cret")
    preview = open_preview(qtbot, pdf, password="s3cret")
    assert preview.page_count == 3
    assert "password" in preview.caption.text()


# --- printing ------------------------------------------------------------------------------------------
def test_print_sends_every_page_at_the_printers_resolution(qtbot: Any, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = exhibit_pdf("Printed", 3)
    preview = open_preview(qtbot, pdf)
    target = tmp_path / "printed.pdf"
    seen = print_to(monkeypatch, target)
    with qtbot.waitSignal(preview.printed, timeout=30_000) as printed:
        assert preview.print_document() == 3
    (printer,) = seen
    assert printed.args == [3]
    assert printer.fullPage() and printer.docName() == "Test document"
    reader = PdfReader(target)
    assert len(reader.pages) == page_count(pdf) == 3
    # Each page is one image of the page drawn at the printer's resolution, the size of A4 there.
    (picture,) = reader.pages[0].images
    assert picture.image is not None
    width, height = picture.image.size
    assert abs(width - 595.2756 / 72 * DPI) <= 2 and abs(height - 841.8898 / 72 * DPI) <= 2
    for n in range(3):
        assert difference(page_image(target.read_bytes(), n, 400), page_image(pdf, n, 400)) < 2.0
    assert "Sent 3 pages" in preview.statusBar().currentMessage()


def test_print_honours_the_page_range_and_the_copies(qtbot: Any, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = exhibit_pdf("Range", 5)
    preview = open_preview(qtbot, pdf)
    target = tmp_path / "range.pdf"
    print_to(monkeypatch, target, first=2, last=3, copies=2, collate=True)
    assert preview.print_document() == 4
    printed = target.read_bytes()
    assert page_count(printed) == 4
    assert [best_match(page_image(printed, n), pdf, 5) for n in range(4)] == [1, 2, 1, 2]

    print_to(monkeypatch, target, first=2, last=3, copies=2, collate=False)
    assert preview.print_document() == 4
    printed = target.read_bytes()
    assert [best_match(page_image(printed, n), pdf, 5) for n in range(4)] == [1, 1, 2, 2]


def test_print_the_current_page(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = exhibit_pdf("Current", 4)
    preview = open_preview(qtbot, pdf)
    preview.go_to(2)
    target = tmp_path / "current.pdf"
    print_to(monkeypatch, target, current=True)
    assert preview.print_document() == 1
    assert best_match(page_image(target.read_bytes(), 0), pdf, 4) == 2


def test_a_landscape_page_is_turned_to_fit_portrait_paper(qtbot: Any, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = exhibit_pdf("Portrait first", 1)
    wide = exhibit_pdf("A wide exhibit", 1, wide=True)
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in (pdf, wide):
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    preview = open_preview(qtbot, out.getvalue())
    target = tmp_path / "turned.pdf"
    print_to(monkeypatch, target)
    assert preview.print_document() == 2
    reader = PdfReader(target)
    second = reader.pages[1]
    assert second.mediabox.height > second.mediabox.width  # the paper stays portrait
    # The wide page fills the sheet turned a quarter clockwise (its top to the right of the sheet).
    printed = page_image(target.read_bytes(), 1)
    original = page_image(wide, 0, printed.height())
    clockwise = original.transformed(QTransform().rotate(90))
    anticlockwise = original.transformed(QTransform().rotate(-90))
    assert difference(printed, clockwise) < 0.7 * difference(printed, anticlockwise)


def test_pages_to_print_in_order() -> None:
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # a printer that makes no copies itself
    assert pages_to_print(printer, 3) == [0, 1, 2]
    printer.setPageOrder(QPrinter.PageOrder.LastPageFirst)
    assert pages_to_print(printer, 3) == [2, 1, 0]
    printer.setPageOrder(QPrinter.PageOrder.FirstPageFirst)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 9)
    assert pages_to_print(printer, 4) == [1, 2, 3]
    printer.setCopyCount(3)
    printer.setCollateCopies(False)
    assert pages_to_print(printer, 3) == [1, 1, 1, 2, 2, 2]
    printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
    assert pages_to_print(printer, 3, current_page=1) == [1, 1, 1]
    assert pages_to_print(printer, 0) == []


def test_a_print_dialog_cancelled_prints_nothing(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    preview = open_preview(qtbot, exhibit_pdf("Not printed", 1))
    target = tmp_path / "never.pdf"
    print_to(monkeypatch, target, accept=False)
    assert preview.print_document() == 0
    assert not target.exists()


def test_a_printer_that_cannot_start_gets_an_error_dialog(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          recorded_alerts: Any) -> None:
    preview = open_preview(qtbot, exhibit_pdf("Nowhere", 1))
    print_to(monkeypatch, tmp_path / "no-such-folder" / "out.pdf")
    assert preview.print_document() == 0
    (call,) = recorded_alerts.calls
    assert call.kind == "error" and call.title == "The document was not printed"
    assert "printer could not be started" in call.text


def test_printing_can_be_cancelled_between_pages(tmp_path: Path) -> None:
    pdf = exhibit_pdf("Cancelled", 4)
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "cancelled.pdf"))
    printer.setResolution(DPI)
    sent: list[str] = []

    def stop_after_two(done: int, total: int, label: str) -> None:
        sent.append(label)
        if done == 2:
            progress.cancel()

    progress = tasks.Progress(stop_after_two, interval_s=0.0)
    with pytest.raises(tasks.Cancelled):
        printing.print_pages(pdf, printer, [0, 1, 2, 3], progress=progress)
    assert sent[-1] == "Printing page 3 (3 of 4)…"


# --- saving ---------------------------------------------------------------------------------------------
def test_save_as_writes_the_very_bytes_previewed(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = exhibit_pdf("Saved", 2)
    preview = open_preview(qtbot, pdf)
    target = tmp_path / "out" / "brief.pdf"
    target.parent.mkdir()
    target.write_bytes(b"an older file, replaced whole")
    suggested = save_to(monkeypatch, target)
    with qtbot.waitSignal(preview.saved) as saved:
        assert preview.save_as() == target
    assert saved.args == [target]
    assert suggested == [Path.home() / "LD-TEST-brief.pdf"]
    assert target.read_bytes() == pdf
    assert len(PdfReader(target).pages) == 2
    assert [p.name for p in target.parent.iterdir()] == ["brief.pdf"]  # no temporary file left
    save_to(monkeypatch, None)
    assert preview.save_as() is None  # cancelled: nothing more written
    assert target.read_bytes() == pdf


def test_save_as_into_a_missing_folder_says_so(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               recorded_alerts: Any) -> None:
    preview = open_preview(qtbot, exhibit_pdf("Unsaved", 1))
    target = tmp_path / "missing" / "brief.pdf"
    save_to(monkeypatch, target)
    assert preview.save_as() is None
    (call,) = recorded_alerts.calls
    assert call.kind == "error" and call.title == "The PDF was not saved" and str(target) in call.text
    assert not target.parent.exists()


def test_choose_save_path_adds_the_pdf_suffix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QFileDialog

    answers = iter([(str(tmp_path / "brief"), ""), ("", "")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: next(answers)))
    assert pdf_preview.choose_save_path(None, tmp_path / "x.pdf") == tmp_path / "brief.pdf"
    assert pdf_preview.choose_save_path(None, tmp_path / "x.pdf") is None


# --- nothing on disk -----------------------------------------------------------------------------------
def test_nothing_reaches_the_disk_before_save_as(qtbot: Any, store: Store, tmp_path: Path, private_temp: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    case = demo_case(store, tmp_path / "incoming")
    before = {p for p in tmp_path.rglob("*")}
    dialog = BriefDialog(store, case.client_id, templates())  # the program's own thread pool
    qtbot.addWidget(dialog)
    dialog.choose_template("ccf-deletion-request")
    dialog.build_documents()
    (document,) = dialog.documents
    assert CANARY[:30] in pdf_text(document.pdf).replace("\n", " ")  # the canary is in the brief
    (preview,) = preview_documents(None, [document])
    qtbot.addWidget(preview)
    qtbot.waitUntil(lambda: ink(preview.view.viewport().grab().toImage()) > 50)
    preview.go_to(preview.page_count - 1)
    QApplication.processEvents()
    needles = needles_of(document.pdf)
    assert plaintext_hits([store.paths.root, private_temp, Path(tempfile.gettempdir())], needles) == []
    made = {p for p in tmp_path.rglob("*")} - before
    assert all(p.is_relative_to(store.paths.root) for p in made), sorted(map(str, made))

    target = tmp_path / "saved" / "brief.pdf"
    target.parent.mkdir()
    save_to(monkeypatch, target)
    assert preview.save_as() == target
    assert plaintext_hits([tmp_path], needles) == [f"{target}: {needle[:24]!r}" for needle in needles
                                                   if needle in target.read_bytes()]


# --- the picture -------------------------------------------------------------------------------------------
def test_screenshot_of_the_preview(qtbot: Any, store: Store, tmp_path: Path) -> None:
    """``LAWYER_DESK_SCREENSHOT_DIR=docs`` keeps the picture as docs/preview.png."""
    case = demo_case(store, tmp_path / "incoming")
    dialog = BriefDialog(store, case.client_id, templates(), runner=tasks.ImmediateRunner())
    qtbot.addWidget(dialog)
    dialog.choose_template("ccf-deletion-request")
    dialog.build_documents()
    QCursor.setPos(QPoint(4000, 4000))  # the pointer away from the window: no button drawn hovered
    (preview,) = preview_documents(None, dialog.documents)
    qtbot.addWidget(preview)
    preview.resize(900, 820)
    preview.set_zoom(FIT_WIDTH)
    qtbot.waitUntil(lambda: ink(preview.view.viewport().grab().toImage()) > 200)
    folder = Path(os.environ.get("LAWYER_DESK_SCREENSHOT_DIR", tmp_path))
    assert preview.grab().save(str(folder / "preview.png"))
