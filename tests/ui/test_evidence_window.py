"""The Evidence tab in the main window: the menu action, drops on the case, search hits, closing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QUrl
from PySide6.QtGui import QDesktopServices
from sqlalchemy import func, select

from lawyer_desk.core import cases, exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.demo import demo_cases
from lawyer_desk.core.store import Store
from lawyer_desk.ui import plaintext_copies
from lawyer_desk.ui.case_view.evidence_edit import ExhibitDialog, changes_of
from lawyer_desk.ui.case_view.evidence_model import Column
from lawyer_desk.ui.main_window import MainWindow
from lawyer_desk.ui.tasks import ProgressDialog
from tests.ui.case_view.demo_case import cells
from tests.ui.case_view.fill_dialog import set_field
from tests.ui.test_evidence import (  # noqa: F401 (private_temp is a fixture used here too)
    choose_files,
    drop_event,
    photo_png,
    private_temp,
    report_pdf,
)

NOTICE = Path(__file__).resolve().parents[1] / "data" / "notices" / "red-notice-detail.json"


@pytest.fixture
def window(qtbot: Any, store: Store) -> MainWindow:
    with store.session() as session:
        cases.import_cases(session, demo_cases())
    shown = MainWindow(store)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def _open_first_case(window: MainWindow) -> int:
    with window.store.session() as session:
        client_id = session.execute(select(func.min(m.Client.id))).scalar_one()
    assert window.client_list.select_case(client_id)
    window.show_case(client_id)
    return client_id


def _exhibit_count(store: Store) -> int:
    with store.session() as session:
        return session.execute(select(func.count()).select_from(m.Exhibit)).scalar_one()


def test_add_evidence_from_the_case_menu(window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         recorded_alerts: Any, immediate_tasks: Any) -> None:
    assert not window.add_evidence_action.isEnabled()  # no case yet
    _open_first_case(window)
    assert window.add_evidence_action.isEnabled()
    assert window.add_evidence_action.shortcut().toString() == "Ctrl+Shift+E"
    choose_files(monkeypatch, [report_pdf(tmp_path / "ruling.pdf", "Ruling")])
    window.add_evidence_action.trigger()
    evidence = window.case_tabs["evidence"]
    assert window.tabs.currentWidget() is evidence
    assert [row.filename for row in evidence.rows] == ["ruling.pdf"]


def test_files_dropped_on_the_case_go_to_evidence_and_case_files_are_imported(
        window: MainWindow, tmp_path: Path, recorded_alerts: Any, immediate_tasks: Any) -> None:
    client_id = _open_first_case(window)
    window.tabs.setCurrentWidget(window.case_tabs["names"])
    pdf = report_pdf(tmp_path / "decision.pdf", "Decision")
    inside_case = window.tabs.mapTo(window, QPoint(window.tabs.width() // 2, window.tabs.height() // 2))
    before = window.client_list.model.rowCount()
    drop, _data = drop_event([pdf, NOTICE], inside_case)
    window.dropEvent(drop)
    with window.store.session() as session:
        (row,) = exhibits.rows(session, client_id)
    assert row.filename == "decision.pdf"
    assert window.tabs.currentWidget() is window.case_tabs["evidence"]
    assert _exhibit_count(window.store) == 1
    assert window.client_list.model.rowCount() == before + 1  # the notice became a new client


def test_dropped_files_are_imported_as_before_when_no_case_is_open(
        window: MainWindow, tmp_path: Path, recorded_alerts: Any, immediate_tasks: Any) -> None:
    pdf = report_pdf(tmp_path / "decision.pdf", "Decision")
    drop, _data = drop_event([pdf])
    window.dropEvent(drop)
    assert _exhibit_count(window.store) == 0
    (error,) = [c for c in recorded_alerts.calls if c.kind == "error"]
    assert "decision.pdf" in (error.details or "")


def test_a_search_hit_inside_an_exhibit_opens_it_on_the_evidence_tab(
        qtbot: Any, window: MainWindow, store: Store, tmp_path: Path) -> None:
    with store.session() as session:
        client_id = session.execute(select(func.max(m.Client.id))).scalar_one()
    letter = tmp_path / "letter.txt"
    letter.write_text("The embassy confirms the xylophonist was detained in Almaty on 3 May.", encoding="utf-8")
    (added,) = exhibits.add_files(store, client_id, [letter])
    panel = window.client_list
    panel.search_box.setText("xylophonist")
    panel.apply_search_now()
    assert panel.model.rowCount() == 1
    assert panel.select_case(client_id)
    qtbot.waitUntil(lambda: window.client_id == client_id)
    evidence = window.case_tabs["evidence"]
    assert window.tabs.currentWidget() is evidence
    assert evidence.selected_row() is not None and evidence.selected_row().id == added.exhibit_id
    assert "[xylophonist]" in evidence.found.text() and not evidence.found.isHidden()
    qtbot.waitUntil(lambda: evidence.preview.mode == "text", timeout=10_000)


def test_closing_the_window_wipes_the_copies_made_for_other_programs(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recorded_alerts: Any,
        immediate_tasks: Any) -> None:
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: isinstance(url, QUrl)))
    client_id = _open_first_case(window)
    letter = tmp_path / "letter.txt"
    letter.write_text("a letter", encoding="utf-8")
    (added,) = exhibits.add_files(window.store, client_id, [letter])
    evidence = window.case_tabs["evidence"]
    evidence.reload()
    evidence.select_exhibit(added.exhibit_id)
    copy = evidence.commands.open_with_system_viewer()
    assert copy is not None and copy.exists()
    assert window.close()
    assert not copy.exists() and plaintext_copies.copies() == []


def test_a_lawyer_drops_two_files_previews_marks_confidential_verifies_and_reads_the_custody(
        qtbot: Any, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recorded_alerts: Any) -> None:
    """The scenario of the issue, on the real thread pool: progress is reported while the files go in."""
    client_id = _open_first_case(window)
    pdf = report_pdf(tmp_path / "ccf-decision.pdf", "Commission for the Control of INTERPOL's Files", "Decision")
    photo = photo_png(tmp_path / "photo.png", 800, 600)
    reported: list[tuple[int, int]] = []
    shown = ProgressDialog.show_progress

    def watch(dialog: ProgressDialog, done: int, total: int, label: str) -> None:
        reported.append((done, total))
        shown(dialog, done, total, label)

    monkeypatch.setattr(ProgressDialog, "show_progress", watch)
    inside_case = window.tabs.mapTo(window, QPoint(window.tabs.width() // 2, window.tabs.height() // 2))
    drop, _data = drop_event([pdf, photo], inside_case)
    window.dropEvent(drop)
    total = pdf.stat().st_size + photo.stat().st_size
    assert reported and reported[-1] == (total, total)

    evidence = window.case_tabs["evidence"]
    assert cells(evidence.view, Column.TITLE) == ["ccf-decision", "photo"]
    first = evidence.rows[0]
    evidence.select_exhibit(first.id)
    qtbot.waitUntil(lambda: evidence.preview.mode == "pdf", timeout=10_000)

    def mark_confidential(parent: Any, row: Any, others: Any) -> tuple[dict[str, Any], bool]:
        dialog = ExhibitDialog("Exhibit", row, others, parent)
        set_field(dialog.form, "confidential", True)
        dialog.accept()
        return changes_of(row, dialog.result_values), True

    monkeypatch.setattr(ExhibitDialog, "ask", staticmethod(mark_confidential))
    evidence.commands.edit.trigger()
    assert cells(evidence.view, Column.CONFIDENTIAL) == ["Confidential", ""]
    evidence.commands.verify.trigger()
    assert cells(evidence.view, Column.VERIFIED)[0] == "Intact"
    qtbot.waitUntil(lambda: evidence.custody.events() == ["added", "viewed", "changed", "verified"], timeout=10_000)
    window.undo_action.trigger()  # the edit is on the window's undo stack
    assert cells(evidence.view, Column.CONFIDENTIAL) == ["", ""]
    with window.store.session() as session:
        assert [r.filename for r in exhibits.rows(session, client_id)] == ["ccf-decision.pdf", "photo.png"]
