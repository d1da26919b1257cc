"""File ▸ Change Passphrase…: the new passphrase opens the store, the old one no longer does."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from lawyer_desk.core.errors import WrongPassphrase
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.ui.passphrase_dialog import ChangePassphraseDialog
from lawyer_desk.ui.unlock import STRENGTH_NAMES
from tests.conftest import PASSPHRASE
from tests.ui.conftest import Driver
from tests.ui.safety_helpers import desk

NEW = "seven lanterns over the quiet harbour"
CHEAP = KdfParams.cheap()


def headers(root: Path) -> tuple[bytes, bytes]:
    return (root / "keyheader").read_bytes(), (root / "keyheader.spare").read_bytes()


def dialog_for(qtbot, store: Store) -> ChangePassphraseDialog:
    dialog = ChangePassphraseDialog(store, kdf=CHEAP)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(dialog: ChangePassphraseDialog, current: str, new: str, repeat: str | None = None) -> None:
    dialog.current.setText(current)
    dialog.new.setText(new)
    dialog.repeat.setText(new if repeat is None else repeat)


def test_the_new_passphrase_opens_the_store_and_the_old_one_no_longer_does(qtbot, store: Store,
                                                                           store_dir: Path) -> None:
    dialog = dialog_for(qtbot, store)
    fill(dialog, PASSPHRASE, NEW)
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted, timeout=20_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.header is not None and store.header == dialog.header
    assert store.engine is not None  # the open store goes on working
    store.close()
    Store.open(store_dir, NEW).close()
    with pytest.raises(WrongPassphrase):
        Store.open(store_dir, PASSPHRASE)


def test_a_wrong_current_passphrase_is_said_and_nothing_changes(qtbot, store: Store, store_dir: Path) -> None:
    before = headers(store_dir)
    dialog = dialog_for(qtbot, store)
    fill(dialog, "not the passphrase at all", NEW)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.problem.isVisible, timeout=20_000)
    assert "current passphrase is wrong" in dialog.problem.text.text()
    assert dialog.isVisible() and dialog.header is None
    assert dialog.current.text() == "" and dialog.current.isEnabled()
    assert headers(store_dir) == before


def test_the_same_passphrase_again_is_refused(qtbot, store: Store, store_dir: Path) -> None:
    before = headers(store_dir)
    dialog = dialog_for(qtbot, store)
    fill(dialog, PASSPHRASE, PASSPHRASE)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.problem.isVisible, timeout=20_000)
    assert "same as the current one" in dialog.problem.text.text()
    assert headers(store_dir) == before


def test_the_new_passphrase_must_be_long_enough_and_typed_twice_alike(qtbot, store: Store) -> None:
    dialog = dialog_for(qtbot, store)
    fill(dialog, PASSPHRASE, "short")
    assert not dialog.ok_button.isEnabled()
    assert dialog.strength.text.accessibleDescription() == STRENGTH_NAMES[0]
    fill(dialog, PASSPHRASE, NEW, NEW + " but different")
    assert not dialog.ok_button.isEnabled() and dialog.mismatch.isVisibleTo(dialog)
    fill(dialog, PASSPHRASE, NEW)
    assert dialog.ok_button.isEnabled() and not dialog.mismatch.isVisibleTo(dialog)
    assert dialog.strength.text.accessibleDescription() == STRENGTH_NAMES[3]
    fill(dialog, "", NEW)
    assert not dialog.ok_button.isEnabled()


def test_cancel_while_working_stops_before_the_header_is_written(qtbot, store: Store, store_dir: Path) -> None:
    before = headers(store_dir)
    dialog = dialog_for(qtbot, store)
    fill(dialog, PASSPHRASE, NEW)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    dialog.reject()  # at once: the worker sees it at its first check
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    if dialog.header is None:
        assert headers(store_dir) == before
    else:  # the change got past its last check first: then it is whole, and said
        Store.open(store_dir, NEW, write=False).close()


def test_the_file_menu_opens_the_dialog_for_the_open_store(qtbot, store: Store, when_shown: Driver,
                                                           store_dir: Path) -> None:
    window = desk(qtbot, store)
    menus = [a.menu() for a in window.menuBar().actions() if a.menu()]
    file_menu = next(menu for menu in menus if window.quit_action in menu.actions())
    assert window.safety.passphrase_action in file_menu.actions()

    def change(dialog: ChangePassphraseDialog) -> None:
        assert dialog.store is store
        dialog._kdf = CHEAP  # the measured cost would take seconds here
        fill(dialog, PASSPHRASE, NEW)
        dialog.ok_button.click()

    when_shown(ChangePassphraseDialog, change)
    assert window.safety.change_passphrase()
    assert "passphrase was changed" in window.statusBar().currentMessage()
    window.close()
    store.close()
    Store.open(store_dir, NEW).close()
