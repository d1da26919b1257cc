"""Shared set-up of the case-view tab tests: the demo cases in a real store."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QTableView, QWidget

from lawyer_desk.core import cases
from lawyer_desk.core.demo import demo_cases
from lawyer_desk.core.store import Store
from lawyer_desk.ui.forms import RecordDialog
from lawyer_desk.ui.undo import CaseEvents


def import_demo(store: Store) -> list[int]:
    """Client ids of the demo cases, the Uyghur client (Idris Mamut) first."""
    with store.session() as session:
        return cases.import_cases(session, demo_cases())


def make_tab(qtbot: Any, tab_class: type[QWidget], store: Store) -> tuple[Any, CaseEvents, QUndoStack]:
    events = CaseEvents()
    undo = QUndoStack()
    tab = tab_class(store, events, undo)
    qtbot.addWidget(tab)
    tab._test_keep = (events, undo)  # the signals' owners live as long as the tab
    return tab, events, undo


def cells(view: QTableView, column: int) -> list[str]:
    model = view.model()
    return [model.index(row, column).data() or "" for row in range(model.rowCount())]


def header_column(view: QTableView, header: str) -> int:
    model = view.model()
    for column in range(model.columnCount()):
        if model.headerData(column, Qt.Orientation.Horizontal) == header:
            return column
    raise AssertionError(f"no column {header!r}")


def answer_dialog(monkeypatch: Any, values: dict[str, Any] | None, ok: bool = True) -> list[dict[str, Any]]:
    """Make every record dialog return ``values`` (the shown values with changes merged in); returns the calls."""
    calls: list[dict[str, Any]] = []

    def fake_edit(parent: Any, title: str, model: Any, specs: Any, shown: dict[str, Any]) -> tuple[dict, bool]:
        calls.append({"title": title, "model": model, "specs": specs, "values": dict(shown)})
        result = {spec.name: shown.get(spec.name) for spec in specs}
        result.update(values or {})
        return result, ok

    monkeypatch.setattr(RecordDialog, "edit", staticmethod(fake_edit))
    return calls
