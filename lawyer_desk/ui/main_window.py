"""The main window: the client list on the left, the selected case on the right."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from lawyer_desk.core.store import Store


class MainWindow(QMainWindow):
    """Owns the open store for its lifetime; closing the window closes the store."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(self.tr("lawyer_desk"))
        self.splitter = QSplitter(self)
        self.setCentralWidget(self.splitter)
