"""Deleting evidence in the window, as a lawyer does it: a client with exhibits, one exhibit, undo,
closing the window, and removing orphan files from the verify report — real store, real files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lawyer_desk.core import exhibit_checks, exhibits, records
from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store
from lawyer_desk.core.vault import Vault
from lawyer_desk.ui.case_view.evidence import EvidenceTab
from lawyer_desk.ui.deleted_evidence import held_by
from lawyer_desk.ui.main_window import MainWindow
from tests.ui.case_view.demo_case import make_tab
from tests.ui.case_view.fill_dialog import fill_dialogs
from tests.ui.test_evidence import report_pdf

RULING_TEXT = "The warrant was issued for political reasons"


@pytest.fixture
def case_id(store: Store, tmp_path: Path) -> int:
    """A client with two exhibits: a ruling (PDF) and a letter."""
    with store.session() as session:
        client_id = records.create(session, m.Client, {"display_name": "Adil Evidence"})
    report_pdf(tmp_path / "ruling.pdf", "Regional Court", RULING_TEXT)
    (tmp_path / "letter.txt").write_text("Письмо из посольства о задержании", encoding="utf-8")
    results = exhibits.add_files(store, client_id, [tmp_path / "ruling.pdf", tmp_path / "letter.txt"])
    assert all(r.ok for r in results)
    return client_id


@pytest.fixture
def window(qtbot: Any, store: Store, case_id: int) -> MainWindow:
    shown = MainWindow(store)
    qtbot.addWidget(shown)
    shown.show()
    assert shown.client_list.select_case(case_id)
    shown.show_case(case_id)
    return shown


def _vault(store: Store) -> set[str]:
    return {p.name for p in store.paths.vault.iterdir()}


def _exhibit_count(store: Store) -> int:
    with store.session() as session:
        return session.execute(select(func.count()).select_from(m.Exhibit)).scalar_one()


def test_a_deleted_client_comes_back_with_its_evidence_and_its_files_go_when_the_window_closes(
        qtbot: Any, window: MainWindow, store: Store, case_id: int, recorded_alerts: Any,
        immediate_tasks: Any) -> None:
    files = _vault(store)
    assert len(files) == 2
    window.delete_client()
    question = recorded_alerts.calls[-1]
    assert question.kind == "confirm"
    assert "2 exhibits with their encrypted files" in question.text
    assert "removed from the vault when you close it" in question.text
    assert _exhibit_count(store) == 0 and window.client_id is None
    assert _vault(store) == files, "the files wait for an undo"

    window.undo_action.trigger()
    assert window.client_list.select_case(case_id)
    window.show_case(case_id)
    evidence = window.case_tabs["evidence"]
    assert [r.filename for r in evidence.rows] == ["ruling.pdf", "letter.txt"]
    evidence.select_exhibit(evidence.rows[0].id)
    qtbot.waitUntil(lambda: evidence.preview.mode == "pdf", timeout=10_000)
    assert RULING_TEXT in evidence.preview.pdf.getAllText(0).text()
    report = exhibit_checks.verify(store)
    assert report.ok and len(report.checks) == 2 and report.orphans == []

    window.delete_client()  # for good this time
    assert window.close()
    assert _vault(store) == set()
    report = exhibit_checks.verify(store)
    assert report.ok and report.checks == [] and report.orphans == []
    with store.session() as session:
        removal = session.execute(select(m.AuditEntry.summary).where(m.AuditEntry.action == "removed_files")).all()
    assert len(removal) == 1


def test_a_client_restored_by_undo_keeps_its_files_when_the_window_closes(
        window: MainWindow, store: Store, recorded_alerts: Any, immediate_tasks: Any) -> None:
    files = _vault(store)
    window.delete_client()
    window.undo_action.trigger()
    assert window.close()
    assert _vault(store) == files
    assert exhibit_checks.verify(store).ok


def test_undoing_a_new_client_with_evidence_then_moving_on_removes_its_files_at_close(
        qtbot: Any, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recorded_alerts: Any,
        immediate_tasks: Any) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    answers = fill_dialogs(monkeypatch, {"display_name": "Brand New"})
    window.new_client_action.trigger()
    new_id = window.client_id
    assert new_id is not None
    (tmp_path / "note.txt").write_text("added after the client was created", encoding="utf-8")
    window.case_tabs["evidence"].commands.add_paths([tmp_path / "note.txt"])
    (added,) = _vault(store)
    window.undo_action.trigger()  # undoes the new client, and its evidence with it
    assert _exhibit_count(store) == 0 and _vault(store) == {added}
    window.redo_action.trigger()
    assert _exhibit_count(store) == 1
    window.undo_action.trigger()
    answers.fields = {"display_name": "Someone Else"}
    window.new_client_action.trigger()  # the undone step is dropped from the history here
    assert window.close()
    assert _vault(store) == set()


def test_deleting_one_exhibit_is_undoable_and_its_file_goes_at_close(
        window: MainWindow, store: Store, recorded_alerts: Any, immediate_tasks: Any) -> None:
    evidence = window.case_tabs["evidence"]
    ruling, letter = evidence.rows
    with store.session() as session:
        letter_file = session.execute(select(m.Exhibit.object_name).where(m.Exhibit.id == letter.id)).scalar_one()
    evidence.select_exhibit(letter.id)
    evidence.commands.delete.trigger()
    question = recorded_alerts.calls[-1]
    assert question.kind == "confirm" and "undo this with Ctrl+Z until you close the program" in question.text
    assert [r.id for r in evidence.rows] == [ruling.id]
    assert letter_file in _vault(store)

    window.undo_action.trigger()
    assert [r.id for r in evidence.rows] == [ruling.id, letter.id]
    with store.session() as session:
        assert [e.event for e in exhibits.custody(session, letter.id)][-2:] == ["removed", "restored"]
    assert "Письмо" in exhibits.read_for_preview(store, letter.id).content.decode("utf-8")

    evidence.select_exhibit(letter.id)
    evidence.commands.delete.trigger()
    assert window.close()
    assert letter_file not in _vault(store) and len(_vault(store)) == 1
    report = exhibit_checks.verify(store)
    assert report.ok and [c.exhibit_id for c in report.checks] == [ruling.id]


def test_undo_refuses_to_bring_back_an_exhibit_whose_file_was_removed_meanwhile(
        window: MainWindow, store: Store, recorded_alerts: Any, immediate_tasks: Any) -> None:
    evidence = window.case_tabs["evidence"]
    ruling, letter = evidence.rows
    evidence.select_exhibit(letter.id)
    evidence.commands.delete.trigger()
    exhibit_checks.remove_orphans(store)  # e.g. ``verify --remove-orphans`` while the desk was locked
    window.undo_action.trigger()
    assert recorded_alerts.calls[-1].kind == "error"
    assert "no longer in the vault" in recorded_alerts.calls[-1].text
    assert [r.id for r in evidence.rows] == [ruling.id]
    report = exhibit_checks.verify(store)
    assert report.ok and len(report.checks) == 1, "no exhibit without its file"


def test_the_verify_report_offers_to_remove_orphans_and_keeps_what_undo_needs(
        qtbot: Any, store: Store, case_id: int, tmp_path: Path, recorded_alerts: Any,
        immediate_tasks: Any) -> None:
    tab, _events, undo = make_tab(qtbot, EvidenceTab, store)
    tab.show_case(case_id)
    (tmp_path / "lost.txt").write_text("left by a crash", encoding="utf-8")
    lost = Vault.of(store).write_file(tmp_path / "lost.txt").name  # an add interrupted before its row
    (store.paths.vault / "stray.txt").write_text("not ours", encoding="utf-8")
    ruling, letter = tab.rows
    tab.select_exhibit(letter.id)
    tab.commands.delete.trigger()  # its file is an orphan now, but Ctrl+Z still needs it
    held = held_by(undo)
    assert len(held) == 1

    recorded_alerts.calls.clear()
    recorded_alerts.confirm_answer = False
    tab.commands.verify_all.trigger()
    report, question = recorded_alerts.calls
    assert report.kind == "warning" and "Orphans: 3" in report.text
    assert question.kind == "confirm" and question.title == "Remove orphan files?"
    assert "1 file in the vault belongs to no exhibit" in question.text
    assert "1 file of a deletion that you can still undo with Ctrl+Z is kept" in question.text
    assert lost in _vault(store), "declined: nothing removed"

    recorded_alerts.calls.clear()
    recorded_alerts.confirm_answer = True
    tab.commands.verify_all.trigger()
    assert [c.kind for c in recorded_alerts.calls] == ["warning", "confirm", "info"]
    assert "1 file was removed from the vault" in recorded_alerts.calls[-1].text
    assert _vault(store) == {ruling_file(store, ruling.id), *held, "stray.txt"}

    undo.undo()
    report = exhibit_checks.verify(store)
    assert len(report.checks) == 2 and all(c.ok for c in report.checks)
    assert [o.name for o in report.orphans] == ["stray.txt"]


def ruling_file(store: Store, exhibit_id: int) -> str:
    with store.session() as session:
        return session.execute(select(m.Exhibit.object_name).where(m.Exhibit.id == exhibit_id)).scalar_one()
