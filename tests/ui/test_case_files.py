"""File → Import and File → Export Case with evidence files, in the window, on real stores and files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lawyer_desk.core import exhibit_checks, exhibits, records
from lawyer_desk.core import models as m
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.ui.case_export import CaseExportChoice, CaseExportDialog, evidence_folder_for
from lawyer_desk.ui.main_window import MainWindow
from lawyer_desk.ui.tasks import ProgressDialog
from tests.conftest import PASSPHRASE
from tests.ui.test_evidence import report_pdf

RULING_TEXT = "The warrant was issued for political reasons"


@pytest.fixture
def originals(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "originals"
    folder.mkdir()
    files = {"ruling": report_pdf(folder / "ruling.pdf", "Regional Court", RULING_TEXT),
             "letter": folder / "letter.txt"}
    files["letter"].write_text("Письмо из посольства о задержании", encoding="utf-8")
    return files


@pytest.fixture
def source(qtbot: Any, store: Store, originals: dict[str, Path]) -> MainWindow:
    """The desk of the lawyer who exports: one case with two exhibits, open in the window."""
    with store.session() as session:
        client_id = records.create(session, m.Client, {"display_name": "Adil Evidence"})
    assert all(r.ok for r in exhibits.add_files(store, client_id, [originals["ruling"], originals["letter"]]))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    assert window.client_list.select_case(client_id)
    window.show_case(client_id)
    return window


@pytest.fixture
def target(qtbot: Any, tmp_path: Path) -> Iterator[MainWindow]:
    """The desk that imports: another store, empty."""
    other = Store.create(tmp_path / "target", PASSPHRASE, KdfParams.cheap())
    window = MainWindow(other)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()
    other.close()


def _export_with_evidence(window: MainWindow, folder: Path, when_shown: Any) -> Path:
    """File → Export Case, the box ticked, through the real dialog."""
    case_file = folder / "case-adil.json"

    def fill(dialog: CaseExportDialog) -> None:
        dialog.path_edit.setText(str(case_file))
        dialog.evidence.setChecked(True)
        dialog.export_button.click()

    when_shown(CaseExportDialog, fill)
    window.export_action.trigger()
    return case_file


def _clients(store: Store) -> int:
    with store.session() as session:
        return session.execute(select(func.count()).select_from(m.Client)).scalar_one()


def test_export_with_evidence_then_import_on_another_desk(
        source: MainWindow, target: MainWindow, originals: dict[str, Path], tmp_path: Path, when_shown: Any,
        recorded_alerts: Any, immediate_tasks: Any) -> None:
    case_file = _export_with_evidence(source, tmp_path, when_shown)
    folder = evidence_folder_for(case_file)
    assert json.loads(case_file.read_text("utf-8"))["evidence_dir"] == folder.name
    assert sorted(p.name for p in folder.iterdir()) == ["1 - ruling.pdf", "2 - letter.txt"]
    assert (folder / "1 - ruling.pdf").read_bytes() == originals["ruling"].read_bytes()
    assert "with 2 evidence files" in source.statusBar().currentMessage()
    with source.store.session() as session:
        assert [e.event for e in exhibits.custody(session, source.case_tabs["evidence"].rows[0].id)][-1] == "exported"

    (outcome,) = target.import_paths([case_file])
    assert outcome.error is None and outcome.exhibits == 2
    assert "2 evidence files came with the cases" in target.statusBar().currentMessage()
    assert target.client_id == outcome.case_ids[0]
    evidence = target.case_tabs["evidence"]
    assert [r.filename for r in evidence.rows] == ["ruling.pdf", "letter.txt"]
    assert exhibits.read_for_preview(target.store, evidence.rows[1].id).content == originals["letter"].read_bytes()
    report = exhibit_checks.verify(target.store)
    assert report.ok and len(report.checks) == 2
    assert [c.kind for c in recorded_alerts.calls] == []


def test_an_altered_evidence_file_refuses_the_case_and_says_which(
        source: MainWindow, target: MainWindow, tmp_path: Path, when_shown: Any, recorded_alerts: Any,
        immediate_tasks: Any) -> None:
    case_file = _export_with_evidence(source, tmp_path, when_shown)
    letter = evidence_folder_for(case_file) / "2 - letter.txt"
    data = bytearray(letter.read_bytes())
    data[3] ^= 0x20  # same size, other content
    letter.write_bytes(bytes(data))
    (outcome,) = target.import_paths([case_file])
    assert outcome.error is not None
    (shown,) = recorded_alerts.calls
    assert shown.kind == "error" and shown.title == "Some files were not imported"
    assert "exhibits[1] (2 - letter.txt): the file differs from the case file" in (shown.details or "")
    assert _clients(target.store) == 0 and not any(target.store.paths.vault.iterdir())

    letter.unlink()
    recorded_alerts.calls.clear()
    target.import_paths([case_file])
    assert "exhibits[1] (2 - letter.txt): missing from" in (recorded_alerts.calls[0].details or "")
    assert _clients(target.store) == 0 and not any(target.store.paths.vault.iterdir())


def test_cancelling_an_import_inside_the_evidence_keeps_nothing(
        source: MainWindow, target: MainWindow, tmp_path: Path, when_shown: Any, monkeypatch: pytest.MonkeyPatch,
        recorded_alerts: Any) -> None:
    big = tmp_path / "hearing.bin"
    with open(big, "wb") as out:
        out.truncate(96 << 20)  # sparse: costs no disk, takes a while to encrypt
    exhibits.add_files(source.store, source.client_id or 0, [big])
    case_file = _export_with_evidence(source, tmp_path, when_shown)
    shown = ProgressDialog.show_progress

    def user_cancels_half_way(dialog: ProgressDialog, done: int, total: int, label: str) -> None:
        shown(dialog, done, total, label)
        if 0 < done < total and dialog.cancel_button is not None and dialog.cancel_button.isEnabled():
            dialog.cancel_button.click()

    monkeypatch.setattr(ProgressDialog, "show_progress", user_cancels_half_way)
    (outcome,) = target.import_paths([case_file])  # the real thread pool
    assert outcome.cancelled
    assert "Stopped on request" in target.statusBar().currentMessage()
    assert [c.kind for c in recorded_alerts.calls] == []  # stopping is not an error
    assert _clients(target.store) == 0 and not any(target.store.paths.vault.iterdir())


def test_cancelling_an_export_leaves_no_file(source: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             recorded_alerts: Any) -> None:
    big = tmp_path / "hearing.bin"
    with open(big, "wb") as out:
        out.truncate(96 << 20)
    exhibits.add_files(source.store, source.client_id or 0, [big])
    shown = ProgressDialog.show_progress

    def user_cancels_half_way(dialog: ProgressDialog, done: int, total: int, label: str) -> None:
        shown(dialog, done, total, label)
        if 0 < done < total and dialog.cancel_button is not None and dialog.cancel_button.isEnabled():
            dialog.cancel_button.click()

    monkeypatch.setattr(ProgressDialog, "show_progress", user_cancels_half_way)
    out = tmp_path / "out"
    out.mkdir()
    case_file = out / "case.json"
    choice = CaseExportChoice(case_file, evidence_folder_for(case_file))
    monkeypatch.setattr(CaseExportDialog, "ask", classmethod(lambda cls, *args: (choice, True)))
    with source.store.session() as session:
        entries = session.execute(select(func.count()).select_from(m.AuditEntry)).scalar_one()
    source.export_case()  # the real thread pool
    assert list(out.iterdir()) == [], "no case file, no evidence folder"
    assert "Export stopped" in source.statusBar().currentMessage()
    with source.store.session() as session:
        assert session.execute(select(func.count()).select_from(m.AuditEntry)).scalar_one() == entries


def test_the_export_dialog_says_what_it_will_write(qtbot: Any, tmp_path: Path) -> None:
    none = CaseExportDialog(tmp_path / "case.json", 0)
    qtbot.addWidget(none)
    assert not none.evidence.isEnabled() and none.chosen() == (CaseExportChoice(tmp_path / "case.json"), None)

    dialog = CaseExportDialog(tmp_path / "case", 3)
    qtbot.addWidget(dialog)
    assert dialog.evidence.isEnabled() and not dialog.evidence.isChecked()  # plain copies only when asked
    dialog.evidence.setChecked(True)
    assert "case evidence" in dialog.folder_note.text() and "decrypted" in dialog.evidence.text()
    assert dialog.chosen() == (CaseExportChoice(tmp_path / "case.json", tmp_path / "case evidence"), None)
    (tmp_path / "case evidence").mkdir()
    (tmp_path / "case evidence" / "old.pdf").write_bytes(b"from an earlier export")
    choice, problem = dialog.chosen()
    assert choice is None and problem is not None and "not an empty folder" in problem
    dialog.path_edit.setText(str(tmp_path / "missing" / "case.json"))
    assert "does not exist" in (dialog.chosen()[1] or "")


def test_clearing_the_file_box_with_evidence_ticked_asks_for_a_file(qtbot: Any, tmp_path: Path) -> None:
    dialog = CaseExportDialog(tmp_path / "case.json", 2)
    qtbot.addWidget(dialog)
    dialog.evidence.setChecked(True)
    dialog.path_edit.setText("")  # the lawyer empties the box: a sentence, not a traceback
    assert "choose the case file first" in dialog.folder_note.text()
    choice, problem = dialog.chosen()
    assert choice is None and problem
