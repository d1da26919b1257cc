"""Open with system viewer: a decrypted copy in a private folder, a warning shown once, wiped for good."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from lawyer_desk.core import exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store
from lawyer_desk.ui import plaintext_copies, settings
from lawyer_desk.ui.case_view.evidence import EvidenceTab
from tests.ui.case_view.demo_case import make_tab
from tests.ui.test_evidence import TEXT_CANARY, private_temp  # noqa: F401 (a fixture used here too)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files handed to the system's viewer (none is started)."""
    urls: list[Path] = []

    def open_url(url: QUrl) -> bool:
        urls.append(Path(url.toLocalFile()))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    return urls


@pytest.fixture
def tab(qtbot: Any, store: Store, tmp_path: Path) -> EvidenceTab:
    with store.session() as session:
        client = m.Client(display_name="Adil Evidence")
        session.add(client)
        session.flush()
        client_id = client.id
    letter = tmp_path / "letter.txt"
    letter.write_text(TEXT_CANARY, encoding="utf-8")
    (result,) = exhibits.add_files(store, client_id, [letter])
    evidence, _events, _undo = make_tab(qtbot, EvidenceTab, store)
    evidence.show_case(client_id)
    evidence.select_exhibit(result.exhibit_id)
    return evidence


def test_the_copy_is_private_the_warning_shown_once_and_wipe_all_overwrites_it(
        tab: EvidenceTab, tmp_path: Path, opened: list[Path], recorded_alerts: Any, immediate_tasks: Any) -> None:
    tab.commands.system_viewer.trigger()
    (copy,) = opened
    assert copy.name == "letter.txt" and copy.read_text(encoding="utf-8") == TEXT_CANARY
    assert copy.is_relative_to(tmp_path / "run")  # the runtime folder, memory-backed where there is one
    folder = plaintext_copies.private_folder()
    assert copy.is_relative_to(folder) and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert recorded_alerts.kinds() == ["confirm"] and "decrypted copy" in recorded_alerts.calls[0].text
    assert settings.load().system_viewer_warned

    tab.commands.system_viewer.trigger()
    assert recorded_alerts.kinds() == ["confirm"]  # not asked again
    assert len(opened) == 2 and len(plaintext_copies.copies()) == 2
    assert tab.custody.events() == ["added", "exported", "exported"]

    same_file = tmp_path / "hard link"  # sees what happens to the copy's blocks
    os.link(copy, same_file)
    assert plaintext_copies.wipe_all() == 2
    assert not copy.exists() and not folder.exists()
    assert same_file.read_bytes() == bytes(len(TEXT_CANARY.encode()))  # overwritten with zeros before unlink
    assert plaintext_copies.copies() == []


def test_declining_the_warning_writes_nothing(tab: EvidenceTab, opened: list[Path], recorded_alerts: Any,
                                              immediate_tasks: Any) -> None:
    recorded_alerts.confirm_answer = False
    tab.commands.system_viewer.trigger()
    assert opened == [] and plaintext_copies.copies() == []
    assert not settings.load().system_viewer_warned
    assert tab.custody.events() == ["added"]


def test_copies_left_by_a_process_that_died_are_wiped(tmp_path: Path) -> None:
    dead = 2**22 + 12345  # beyond the usual pid range
    with pytest.raises(ProcessLookupError):
        os.kill(dead, 0)
    left = tmp_path / "run" / f"{plaintext_copies.PREFIX}{dead}-abc" / "x"
    left.mkdir(parents=True)
    (left / "ruling.pdf").write_bytes(b"%PDF left behind")
    mine = plaintext_copies.private_folder()
    assert not left.parent.exists() and mine.exists()
