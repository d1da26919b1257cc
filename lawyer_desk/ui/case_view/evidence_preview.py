"""The preview of an exhibit inside the program: PDFs, images and text, decrypted in memory only.

A PDF is loaded by ``QPdfDocument`` from a ``QBuffer`` over the decrypted bytes, an image by
``QImage`` from the bytes, text is decoded and shown as text: nothing is written to disk.
Other kinds of file, files over the preview limit and files that are not what their name
says get a plain sentence saying so (and, where search took text out of the file, that text).
"""

from __future__ import annotations

import codecs

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QPointF, QSize, Qt
from PySide6.QtGui import QImage, QImageReader, QPixmap, QResizeEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lawyer_desk.core import exhibits
from lawyer_desk.core.exhibit_text import PDF, is_text_type
from lawyer_desk.core.exhibits import ExhibitRow, Preview

TEXT_LIMIT = 1_000_000  # characters shown of a text file; the rest is cut with a note


def tr(text: str) -> str:
    return QCoreApplication.translate("evidence", text)


def image_types() -> set[str]:
    return {bytes(t.data()).decode() for t in QImageReader.supportedMimeTypes()}


def previewable(row: ExhibitRow) -> bool:
    """Whether the file is of a kind shown inside the program and small enough to read into memory."""
    kind = row.media_type
    return row.size <= exhibits.PREVIEW_LIMIT and (kind == PDF or is_text_type(kind) or kind in image_types())


def decode_text(content: bytes) -> str:
    """Text of a file: UTF-16 or UTF-8 (by byte-order mark), undecodable bytes shown as such."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16", errors="replace")
    return content.decode("utf-8-sig", errors="replace")


class ImageView(QLabel):
    """An image scaled down to the width available (never up), sharp on high-DPI screens."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.original = QPixmap()

    def set_image(self, image: QImage) -> None:
        self.original = QPixmap.fromImage(image)
        self._fit()

    def clear_image(self) -> None:
        self.original = QPixmap()
        self.clear()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self.original.isNull():
            return
        ratio = self.devicePixelRatioF()
        room = QSize(max(self.width(), 1), max(self.height(), 1)) * ratio
        if self.original.width() <= room.width() and self.original.height() <= room.height():
            shown = QPixmap(self.original)
        else:
            shown = self.original.scaled(room, Qt.AspectRatioMode.KeepAspectRatio,
                                         Qt.TransformationMode.SmoothTransformation)
        shown.setDevicePixelRatio(ratio)
        self.setPixmap(shown)


class PreviewPane(QWidget):
    """Shows one exhibit's content, or a sentence saying why it is not shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidence_preview")
        self.caption = QLabel(self)
        self.caption.setObjectName("preview_caption")
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stack = QStackedWidget(self)
        self.message = QLabel(self)
        self.message.setObjectName("preview_message")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setMargin(24)
        self.pdf = QPdfDocument(self)
        self.pdf_view = QPdfView(self)
        self.pdf_view.setObjectName("preview_pdf")
        self.pdf_view.setDocument(self.pdf)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.image = ImageView(self)
        self.image.setObjectName("preview_image")
        self.image_area = QScrollArea(self)
        self.image_area.setWidget(self.image)
        self.image_area.setWidgetResizable(True)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("preview_text")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        for page in (self.message, self.pdf_view, self.image_area, self.text):
            self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.stack, 1)
        self._buffer: QBuffer | None = None
        self.shown_id: int | None = None
        self.show_message(tr("Select an exhibit to see it here."))

    @property
    def mode(self) -> str:
        """What is shown: 'pdf', 'image', 'text' or 'message'."""
        return {self.pdf_view: "pdf", self.image_area: "image", self.text: "text"}.get(
            self.stack.currentWidget(), "message")

    # -- showing ---------------------------------------------------------------------------
    def clear(self) -> None:
        """Let go of the decrypted content (the PDF's buffer, the image, the text)."""
        self.pdf.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.setData(QByteArray())
            self._buffer = None
        self.image.clear_image()
        self.text.clear()
        self.shown_id = None

    def show_message(self, text: str, caption: str = "") -> None:
        self.clear()
        self.caption.setText(caption)
        self.caption.setVisible(bool(caption))
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    def show_loading(self, row: ExhibitRow) -> None:
        self.show_message(tr("Decrypting %1…").replace("%1", row.filename), self.caption_for(row))

    def show_not_previewable(self, row: ExhibitRow, extracted: str = "") -> None:
        """Say plainly why the file is not shown; show the text search took out of it, if any."""
        limit = exhibits.PREVIEW_LIMIT
        if row.size > limit:
            why = tr("This file is too large to preview inside the program (%1; the limit is %2).").replace(
                "%1", _mib(row.size)).replace("%2", _mib(limit))
        else:
            why = tr("Files of this kind (%1) cannot be shown inside the program.").replace("%1", row.media_type)
        why += " " + tr("Use Export Copy… or Open with System Viewer… to read it.")
        if not extracted:
            self.show_message(why, self.caption_for(row))
            return
        self.clear()
        below = tr("Below, the text taken out of it for search.")
        self.caption.setText(f"{self.caption_for(row)}\n{why} {below}")
        self.caption.show()
        self._set_text(extracted)
        self.shown_id = row.id

    def show_preview(self, row: ExhibitRow, preview: Preview) -> None:
        """Show decrypted content; a file that is not what its type says gets a sentence instead."""
        self.clear()
        self.caption.setText(self.caption_for(row))
        self.caption.show()
        kind = preview.media_type
        if kind == PDF:
            self._show_pdf(row, preview.content)
        elif is_text_type(kind):
            self._set_text(decode_text(preview.content))
        elif kind in image_types():
            image = QImage.fromData(preview.content)
            if image.isNull():
                self.show_message(tr("This image cannot be read (it may be damaged, or not an image at all). "
                                     "It is stored as it was added."), self.caption_for(row))
                return
            self.image.set_image(image)
            self.stack.setCurrentWidget(self.image_area)
        else:
            self.show_not_previewable(row)
            return
        self.shown_id = row.id

    def _show_pdf(self, row: ExhibitRow, content: bytes) -> None:
        buffer = QBuffer(self)
        buffer.setData(QByteArray(content))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        self.pdf.load(buffer)
        if self.pdf.status() != QPdfDocument.Status.Ready:
            problem = self.pdf.error()
            text = (tr("This PDF is protected by a password and cannot be shown here.")
                    if problem == QPdfDocument.Error.IncorrectPassword
                    else tr("This file cannot be shown as a PDF (it may be damaged, or not a PDF at all). "
                            "It is stored as it was added."))
            self.show_message(text, self.caption_for(row))
            return
        self.pdf_view.pageNavigator().jump(0, QPointF(), 0)
        self.stack.setCurrentWidget(self.pdf_view)

    def _set_text(self, text: str) -> None:
        if len(text) > TEXT_LIMIT:
            text = text[:TEXT_LIMIT] + "\n\n" + tr("[Cut here: only the first %1 characters are shown.]").replace(
                "%1", f"{TEXT_LIMIT:,}")
        self.text.setPlainText(text)
        self.stack.setCurrentWidget(self.text)

    @staticmethod
    def caption_for(row: ExhibitRow) -> str:
        return tr("Exhibit %1 · %2 · decrypted in memory, not written to disk").replace(
            "%1", row.number).replace("%2", row.filename)


def _mib(size: int) -> str:
    return tr("%1 MiB").replace("%1", f"{size / (1 << 20):,.0f}")
