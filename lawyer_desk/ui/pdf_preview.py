"""The preview of a finished PDF (a brief, a hearing bundle): read it, print it, save it.

The PDF exists only in memory until the lawyer saves it: ``QPdfDocument`` reads it from a
``QBuffer`` and ``QPdfView`` shows it, so no plaintext copy reaches the disk (nor the temp
folder). Save as… writes the very bytes previewed, atomically; a password-protected PDF is
previewed with its password, so what is seen is what is saved. Print… draws the pages at
the printer's resolution off the GUI thread (``ui/printing.py``).

``choose_save_path`` and ``printing.choose_printer`` are the only places a file or print
dialog appears: tests patch those two.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QPointF, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QSpinBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from lawyer_desk.core.store.fileio import write_atomic
from lawyer_desk.ui import alerts, printing, settings
from lawyer_desk.ui.icons import icon
from lawyer_desk.ui.printing import OpenedPdf, PrintFailed
from lawyer_desk.ui.tasks import Progress, ProgressDialog, TaskRunner

ZOOM_STEPS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)
FIT_WIDTH, FIT_PAGE = "fit-width", "fit-page"


def tr(text: str) -> str:
    return QCoreApplication.translate("pdf_preview", text)


def choose_save_path(parent: QWidget | None, suggested: Path) -> Path | None:
    """Ask where to save the PDF; None when the lawyer cancelled. Tests replace this function."""
    chosen, _filter = QFileDialog.getSaveFileName(parent, tr("Save PDF as"), str(suggested),
                                                  tr("PDF documents (*.pdf)"))
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


class UnreadablePdf(Exception):
    """The bytes given to the preview are not a PDF that QtPdf can open."""


class PdfPreview(QMainWindow):
    """A window showing one PDF held in memory, with Print… and Save as…."""

    saved = Signal(Path)
    printed = Signal(int)  # sheets sent to the printer

    def __init__(self, pdf: bytes, title: str, file_name: str, *, password: str | None = None,
                 note: str = "", parent: QWidget | None = None, runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdf_preview")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(tr("%1 — preview").replace("%1", title))
        self.pdf = pdf
        self.title = title
        self.file_name = file_name
        self.password = password
        self.runner = runner
        self.saved_to: Path | None = None
        self.opened = OpenedPdf(pdf, password)
        if not self.opened.ready:
            self.opened.close()
            raise UnreadablePdf(tr("The document could not be shown (QtPdf status: %1).").replace(
                "%1", self.opened.document.error().name))
        self.document = self.opened.document
        self.document.setParent(self)
        self.opened.buffer.setParent(self)

        self.view = QPdfView(self)
        self.view.setObjectName("preview_pdf")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.navigator = self.view.pageNavigator()

        self.caption = QLabel(self)
        self.caption.setObjectName("preview_caption")
        self.caption.setWordWrap(True)
        self.caption.setContentsMargins(8, 6, 8, 6)
        self._show_caption(note)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.caption)
        column.addWidget(self.view, 1)
        self.setCentralWidget(central)
        self._build_toolbar()
        self.navigator.currentPageChanged.connect(self._page_changed)
        self.view.zoomFactorChanged.connect(lambda _factor: self._zoom_changed())
        self.navigator.jump(0, QPointF(), 0)
        self._page_changed(0)
        self.view.setFocus()  # arrows and Page Down scroll the document at once
        self.statusBar().showMessage(self._pages_text())
        self.resize(900, 1000)
        settings.restore_geometry(self, "pdf_preview")

    # -- building ----------------------------------------------------------------------------
    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
                slot: object, icon_name: str | None = None) -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({action.shortcut().toString()})")
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_toolbar(self) -> None:
        bar = QToolBar(tr("Preview"), self)
        bar.setObjectName("preview_toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(bar)
        self.print_action = self._action(tr("&Print…"), QKeySequence.StandardKey.Print, self.print_document)
        save_key = QKeySequence(QKeySequence.StandardKey.SaveAs)
        self.save_action = self._action(tr("&Save as…"), save_key if not save_key.isEmpty() else "Ctrl+Shift+S",
                                        self.save_as)
        bar.addAction(self.print_action)
        bar.addAction(self.save_action)
        bar.addSeparator()
        self.previous_action = self._action(tr("Previous page"), "Ctrl+PgUp", lambda: self.go_to(self.current_page - 1))
        self.next_action = self._action(tr("Next page"), "Ctrl+PgDown", lambda: self.go_to(self.current_page + 1))
        self.page_box = QSpinBox(self)
        self.page_box.setObjectName("preview_page")
        self.page_box.setRange(1, max(self.page_count, 1))
        self.page_box.setKeyboardTracking(False)
        self.page_box.setAccessibleName(tr("Page"))
        self.page_box.valueChanged.connect(lambda value: self.go_to(value - 1))
        self.page_total = QLabel(tr(" of %1 ").replace("%1", str(self.page_count)), self)
        bar.addAction(self.previous_action)
        bar.addWidget(QLabel(tr(" Page "), self))
        bar.addWidget(self.page_box)
        bar.addWidget(self.page_total)
        bar.addAction(self.next_action)
        bar.addSeparator()
        keys = QKeySequence.StandardKey
        self.zoom_out_action = self._action(tr("Zoom out"), keys.ZoomOut, lambda: self.zoom_step(-1))
        self.zoom_in_action = self._action(tr("Zoom in"), keys.ZoomIn, lambda: self.zoom_step(1))
        self.zoom_box = QComboBox(self)
        self.zoom_box.setObjectName("preview_zoom")
        self.zoom_box.setAccessibleName(tr("Zoom"))
        self.zoom_box.addItem(tr("Fit width"), FIT_WIDTH)
        self.zoom_box.addItem(tr("Whole page"), FIT_PAGE)
        for factor in ZOOM_STEPS:
            self.zoom_box.addItem(f"{factor:.0%}", factor)
        self.zoom_box.activated.connect(lambda index: self.set_zoom(self.zoom_box.itemData(index)))
        bar.addAction(self.zoom_out_action)
        bar.addWidget(self.zoom_box)
        bar.addAction(self.zoom_in_action)
        self.close_action = self._action(tr("Close"), QKeySequence.StandardKey.Close, self.close)

    def _show_caption(self, note: str) -> None:
        parts = [tr("Held in memory only: nothing is written to disk until you choose Save as…")]
        if self.password:
            parts.append(tr("Protected by the password you chose."))
        if note:
            parts.append(note)
        self.caption.setText(" ".join(parts))

    # -- pages and zoom ------------------------------------------------------------------------
    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    @property
    def current_page(self) -> int:
        return self.navigator.currentPage()

    def go_to(self, page: int) -> None:
        page = min(max(page, 0), self.page_count - 1)
        if page != self.current_page:
            self.navigator.jump(page, QPointF(), self.navigator.currentZoom())

    def _page_changed(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)
        self.previous_action.setEnabled(page > 0)
        self.next_action.setEnabled(page < self.page_count - 1)

    def set_zoom(self, zoom: float | str) -> None:
        """A factor (1.0 is the page's own size), FIT_WIDTH or FIT_PAGE."""
        if zoom == FIT_WIDTH:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif zoom == FIT_PAGE:
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(float(zoom))
        self._zoom_changed()

    def zoom_step(self, direction: int) -> None:
        factor = self.view.zoomFactor()
        if direction > 0:
            bigger = [z for z in ZOOM_STEPS if z > factor + 1e-3]
            self.set_zoom(bigger[0] if bigger else ZOOM_STEPS[-1])
        else:
            smaller = [z for z in ZOOM_STEPS if z < factor - 1e-3]
            self.set_zoom(smaller[-1] if smaller else ZOOM_STEPS[0])

    def _zoom_changed(self) -> None:
        mode = self.view.zoomMode()
        key = {QPdfView.ZoomMode.FitToWidth: FIT_WIDTH, QPdfView.ZoomMode.FitInView: FIT_PAGE}.get(mode)
        index = self.zoom_box.findData(key) if key else -1
        self.zoom_box.blockSignals(True)
        if index >= 0:
            self.zoom_box.setCurrentIndex(index)
        else:
            factor = self.view.zoomFactor()
            found = next((i for i in range(self.zoom_box.count())
                          if isinstance(self.zoom_box.itemData(i), float)
                          and abs(self.zoom_box.itemData(i) - factor) < 1e-3), -1)
            self.zoom_box.setCurrentIndex(found)
        self.zoom_box.blockSignals(False)
        self.zoom_out_action.setEnabled(mode != QPdfView.ZoomMode.Custom or self.view.zoomFactor() > ZOOM_STEPS[0])
        self.zoom_in_action.setEnabled(mode != QPdfView.ZoomMode.Custom or self.view.zoomFactor() < ZOOM_STEPS[-1])

    def _pages_text(self) -> str:
        count = self.page_count
        return tr("1 page") if count == 1 else tr("%1 pages").replace("%1", str(count))

    # -- print and save --------------------------------------------------------------------------
    def print_document(self) -> int:
        """Ask for a printer, range and copies, then print off the GUI thread; the sheets sent (0: none)."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printing.prepare_printer(printer, self.document, self.title)
        if not printing.choose_printer(self, printer, self.page_count):
            return 0
        pages = printing.pages_to_print(printer, self.page_count, self.current_page)
        if not pages:
            return 0
        pdf, password = self.pdf, self.password

        def work(progress: Progress) -> int:
            return printing.print_pages(pdf, printer, pages, password=password, progress=progress)

        try:
            sent, finished = ProgressDialog.run(self, tr("Printing"), tr("Preparing the pages…"), work,
                                                runner=self.runner)
        except PrintFailed as exc:
            alerts.error(self, tr("The document was not printed"), str(exc))
            return 0
        if not finished or not sent:
            self.statusBar().showMessage(tr("Printing cancelled."), 8000)
            return 0
        self.statusBar().showMessage(tr("Sent %1 pages to the printer.").replace("%1", str(sent)), 8000)
        self.printed.emit(sent)
        return sent

    def save_as(self) -> Path | None:
        """Ask where, then write the previewed bytes atomically; the path written, or None."""
        suggested = (self.saved_to.parent if self.saved_to else Path.home()) / self.file_name
        target = choose_save_path(self, suggested)
        if target is None:
            return None
        if target.is_dir():
            alerts.error(self, tr("The PDF was not saved"),
                         tr("%1 is a folder; give the PDF a file name.").replace("%1", str(target)))
            return None
        data = self.pdf

        def work(_progress: Progress) -> None:
            write_atomic(target, data)

        try:
            ProgressDialog.run(self, tr("Saving"), tr("Writing the PDF…"), work, cancellable=False,
                               runner=self.runner)
        except OSError as exc:
            alerts.error(self, tr("The PDF was not saved"),
                         tr("The file %1 could not be written: %2").replace("%1", str(target)).replace(
                             "%2", exc.strerror or str(exc)))
            return None
        self.saved_to = target
        self.statusBar().showMessage(tr("Saved to %1").replace("%1", str(target)), 10000)
        self.saved.emit(target)
        return target

    def closeEvent(self, event: QCloseEvent) -> None:
        settings.save_geometry(self, "pdf_preview")
        self.opened.close()
        self.pdf = b""
        super().closeEvent(event)


def show_preview(parent: QWidget | None, pdf: bytes, title: str, file_name: str, *, password: str | None = None,
                 note: str = "", runner: TaskRunner | None = None) -> PdfPreview | None:
    """Open a preview window (not modal); a PDF QtPdf cannot open gets an error dialog instead."""
    try:
        preview = PdfPreview(pdf, title, file_name, password=password, note=note, parent=parent, runner=runner)
    except UnreadablePdf as exc:
        alerts.error(parent, tr("The document cannot be previewed"),
                     tr("It was made, but the preview cannot open it. Nothing was saved."), str(exc))
        return None
    preview.setWindowFlag(Qt.WindowType.Window, True)
    preview.show()
    preview.raise_()
    preview.activateWindow()
    return preview
