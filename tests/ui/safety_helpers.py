"""Shared set-up of the safety-net tests: a desk window on a real store holding the demo cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from lawyer_desk.core import exhibits
from lawyer_desk.core.store import Store
from lawyer_desk.ui.main_window import MainWindow
from tests.ui.case_view.demo_case import import_demo

NAMES = ("Idris Mamut", "Aleksei Vetrov", "Rustam Nazarov")


def desk(qtbot: Any, store: Store) -> MainWindow:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def demo_desk(qtbot: Any, store: Store) -> tuple[MainWindow, list[int]]:
    ids = import_demo(store)
    return desk(qtbot, store), ids


def open_case(qtbot: Any, window: MainWindow, client_id: int, tab: str = "overview") -> None:
    assert window.client_list.select_case(client_id)
    qtbot.waitUntil(lambda: window.client_id == client_id)
    window.tabs.setCurrentWidget(window.case_tabs[tab])


def add_evidence(store: Store, client_id: int, folder: Path, text: str = "a letter from the embassy") -> int:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "letter.txt"
    path.write_text(text * 50, encoding="utf-8")
    result = exhibits.add_files(store, client_id, [path])[0]
    assert result.exhibit_id is not None, result.error
    return result.exhibit_id


def visible_texts(widget: QWidget) -> str:
    """Every text a person can read in ``widget`` now: its title and its visible labels."""
    labels = [label.text() for label in widget.findChildren(QLabel) if label.isVisible()]
    return "\n".join([widget.windowTitle(), *labels])
