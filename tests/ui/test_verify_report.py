"""Tools ▸ Verify Store…: the checks off the GUI thread, a readable report, and the anchor lookup."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from lawyer_desk.core import audit
from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store
from lawyer_desk.core.vault import Vault
from lawyer_desk.core.vocab import VerifiedState
from lawyer_desk.ui import tasks
from lawyer_desk.ui.verify_report import StoreCheck, VerifyDialog, check_store, normalise_anchor, report_html
from tests.ui.case_view.demo_case import import_demo
from tests.ui.conftest import Driver
from tests.ui.safety_helpers import add_evidence, desk

WAIT = 20_000


@pytest.fixture
def filled(store: Store, tmp_path: Path) -> tuple[Store, int]:
    """The demo cases and one evidence file on the first; the exhibit's id."""
    ids = import_demo(store)
    return store, add_evidence(store, ids[0], tmp_path / "files")


def run_dialog(qtbot, store: Store) -> VerifyDialog:
    dialog = VerifyDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=WAIT)
    return dialog


def report_text(dialog: VerifyDialog) -> str:
    return dialog.report.toPlainText()


def test_a_sound_store_passes_every_check_and_the_checks_are_recorded(qtbot, filled: tuple[Store, int]) -> None:
    store, exhibit = filled
    dialog = run_dialog(qtbot, store)
    result = dialog.result
    assert result is not None and result.ok
    text = report_text(dialog)
    assert "Every check passed" in text
    assert "Database: sound" in text and "Audit chain: intact" in text and "Evidence: intact" in text
    assert result.chain is not None and result.chain.head in text
    assert dialog.buttons.button(dialog.buttons.StandardButton.Close) is not None
    with store.session() as session:
        assert session.get(m.Exhibit, exhibit).verified_state == VerifiedState.intact


def test_a_tampered_audit_entry_is_named(qtbot, filled: tuple[Store, int]) -> None:
    store, _exhibit = filled
    assert store.engine is not None
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_entry SET summary = 'display_name=Someone else' WHERE seq = 3")
    dialog = run_dialog(qtbot, store)
    assert dialog.result is not None and not dialog.result.ok
    assert dialog.result.chain is not None and dialog.result.chain.first_broken == 3
    text = report_text(dialog)
    assert "Problems were found" in text and "Audit chain: broken at entry 3" in text
    assert not dialog.result.recorded  # nothing is recorded into a chain that does not hold


def test_a_flipped_byte_in_an_evidence_file_is_named(qtbot, filled: tuple[Store, int]) -> None:
    store, exhibit = filled
    with store.session() as session:
        row = session.get(m.Exhibit, exhibit)
        name, number = row.object_name, row.number
    path = Vault.of(store).path(name)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    dialog = run_dialog(qtbot, store)
    result = dialog.result
    assert result is not None and not result.ok
    assert [c.state for c in result.vault.problems] == [VerifiedState.altered]
    text = report_text(dialog)
    assert "Evidence: 1 of 1 files fail their check" in text
    assert f"Exhibit {number} of LD-" in text and "altered" in text


def test_an_anchor_is_found_or_not(qtbot, filled: tuple[Store, int]) -> None:
    store, _exhibit = filled
    with store.session() as session:
        _entries, head = audit.head(session)
    dialog = run_dialog(qtbot, store)
    dialog.anchor.setText(" " + head[:32] + "\n" + head[32:].upper() + " ")  # as copied from a PDF footer
    qtbot.mouseClick(dialog.anchor_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.anchor_found is not None, timeout=WAIT)
    assert dialog.anchor_found is True and "Found in the chain" in dialog.anchor_result.text()

    dialog.anchor.setText("ab" * 32)
    dialog.anchor_found = None
    dialog.check_anchor()
    qtbot.waitUntil(lambda: dialog.anchor_found is not None, timeout=WAIT)
    assert dialog.anchor_found is False and "NOT in the chain" in dialog.anchor_result.text()

    dialog.anchor.setText("not a hash")
    assert dialog.check_anchor() is None
    assert "64-character head hash" in dialog.anchor_result.text()


def test_normalise_anchor() -> None:
    assert normalise_anchor("AB" * 32) == "ab" * 32
    assert normalise_anchor("ab " * 32) == "ab" * 32
    assert normalise_anchor("ab" * 31) is None
    assert normalise_anchor("zz" * 32) is None


def test_cancel_stops_the_evidence_check_and_the_report_says_how_far_it_got(filled: tuple[Store, int]) -> None:
    store, _exhibit = filled
    progress = tasks.Progress(lambda *_: None)
    progress.cancel()
    with pytest.raises(tasks.Cancelled):
        check_store(store, progress)  # stopped between the database and the chain

    stopped = StoreCheck([], None, None, {}, False)
    assert "cannot be read" in report_html(stopped) and "not checked" in report_html(stopped)


def test_tools_menu_opens_the_report_for_the_open_store(qtbot, store: Store, when_shown: Driver) -> None:
    window = desk(qtbot, store)
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions() if a.menu()}
    assert window.safety.verify_action in menus["Tools"].actions()
    titles = list(menus)
    assert titles.index("Tools") == titles.index("Help") - 1
    seen: list[VerifyDialog] = []

    def close_when_done(dialog: VerifyDialog) -> None:
        seen.append(dialog)
        qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT)
        assert "Every check passed" in report_text(dialog)
        dialog.reject()

    when_shown(VerifyDialog, close_when_done)
    window.safety.verify_action.trigger()
    qtbot.waitUntil(lambda: bool(seen) and not seen[0].isVisible(), timeout=WAIT)
    assert seen[0].store is store
