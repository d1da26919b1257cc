"""Client data on the clipboard: cleared after 30 seconds, at the lock and at exit.

``copy_sensitive(text)`` is how the desk puts a name, a reference or any other case data on
the clipboard. The text is marked for the clipboard managers that honour such marks (KDE's
Klipper: ``x-kde-passwordManagerHint``; macOS: the concealed pasteboard type; Windows: not in
the clipboard history nor the cloud clipboard), and ``CLEAR_AFTER_MS`` later the clipboard is
cleared — but only if it still holds that text: what the lawyer copied since, here or in
another program, is left alone. The lock (``session_lock``) and closing the window clear it
the same way.

Copies the desk makes without this function — Ctrl+C in a text field or a table — are
guarded too where the platform says the clipboard is ours (``QClipboard.ownsClipboard``: X11,
Windows, macOS; not the offscreen test platform, where tests pass ``owns``).

A clipboard manager that copies every change at once (most do on Linux, unless they honour
the hint) keeps its own copy; nothing a program does can take it back.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QMimeData, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QClipboard, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView

from lawyer_desk.ui.icons import icon

CLEAR_AFTER_MS = 30_000
_HINTS: dict[str, bytes] = {
    "x-kde-passwordManagerHint": b"secret",  # Klipper and other KDE clipboard histories skip it
    "application/x-nspasteboard-concealed-type": b"",  # macOS: concealed from pasteboard viewers
    # Windows clipboard formats by name (Qt's documented way to set a raw format): kept out of
    # the clipboard history (Win+V) and the cloud clipboard.
    'application/x-qt-windows-mime;value="ExcludeClipboardContentFromMonitorProcessing"': b"\x01\x00\x00\x00",
    'application/x-qt-windows-mime;value="CanIncludeInClipboardHistory"': b"\x00\x00\x00\x00",
    'application/x-qt-windows-mime;value="CanUploadToCloudClipboard"': b"\x00\x00\x00\x00",
}


class ClipboardGuard(QObject):
    """Remembers the last text the desk put on the clipboard and clears it when its time is up."""

    def __init__(self, clipboard: QClipboard, parent: QObject | None = None, *,
                 clear_after_ms: int = CLEAR_AFTER_MS, owns: Callable[[], bool] | None = None) -> None:
        super().__init__(parent)
        self.clipboard = clipboard
        self.owns = owns or clipboard.ownsClipboard
        self.guarded: str | None = None  # the text we put there, while it may still be there
        self._setting = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(clear_after_ms)
        self.timer.timeout.connect(self.clear_if_ours)
        clipboard.dataChanged.connect(self._changed)

    @property
    def clear_after_ms(self) -> int:
        return self.timer.interval()

    @clear_after_ms.setter
    def clear_after_ms(self, value: int) -> None:
        self.timer.setInterval(value)

    def copy(self, text: str) -> None:
        mime = QMimeData()
        mime.setText(text)
        for kind, value in _HINTS.items():
            mime.setData(kind, value)
        self._setting = True
        try:
            self.clipboard.setMimeData(mime)
        finally:
            self._setting = False
        self._guard(text)

    def clear_if_ours(self) -> bool:
        """Clear the clipboard (and the X11 selection) if it still holds what we copied."""
        self.timer.stop()
        text, self.guarded = self.guarded, None
        if not text:
            return False
        cleared = False
        if self.clipboard.text() == text:
            self.clipboard.clear(QClipboard.Mode.Clipboard)
            cleared = True
        if self.clipboard.supportsSelection() and self.clipboard.text(QClipboard.Mode.Selection) == text:
            self.clipboard.clear(QClipboard.Mode.Selection)
            cleared = True
        return cleared

    def _guard(self, text: str) -> None:
        self.guarded = text
        self.timer.start()

    def _changed(self) -> None:
        if self._setting:
            return
        text = self.clipboard.text()
        if text and text != self.guarded and self.owns():
            self._guard(text)  # copied by a field or a table of ours (Ctrl+C)


_guard: ClipboardGuard | None = None


def guard() -> ClipboardGuard:
    """The program's guard (made on first use; it lives as long as the application)."""
    global _guard  # noqa: PLW0603 (the clipboard is one per application, and so is its guard)
    app = QGuiApplication.instance()
    if _guard is None or _guard.parent() is not app:
        assert isinstance(app, QGuiApplication), "the clipboard needs the application object"
        _guard = ClipboardGuard(app.clipboard(), app)
        app.aboutToQuit.connect(_guard.clear_if_ours)
    return _guard


def copy_sensitive(text: str) -> None:
    """Put case data on the clipboard, to be cleared after ``CLEAR_AFTER_MS`` if still there."""
    guard().copy(text)


def clear_if_ours() -> bool:
    """At the lock and at exit: clear the clipboard if it holds what the desk copied."""
    return _guard.clear_if_ours() if _guard is not None else False


def add_copy_action(view: QAbstractItemView) -> QAction:
    """A "Copy" entry in ``view``'s context menu (and Ctrl+C on it): the current cell, guarded."""
    action = QAction(icon("copy"), QCoreApplication.translate("clipboard_guard", "&Copy"), view)
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)

    def copy_current() -> None:
        text = view.currentIndex().data(Qt.ItemDataRole.DisplayRole)
        if text not in (None, ""):
            copy_sensitive(str(text))

    action.triggered.connect(copy_current)
    view.addAction(action)
    if view.contextMenuPolicy() == Qt.ContextMenuPolicy.DefaultContextMenu:
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return action
