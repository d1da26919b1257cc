"""Creating and unlocking a store through the real dialogs, with real stores on disk."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from lawyer_desk.core.errors import DamagedDatabase, DamagedHeader, NewerStore, StoreExists, StoreLocked
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.core.store.keyheader import KeyHeader
from lawyer_desk.ui import unlock as unlock_module
from lawyer_desk.ui.tasks import ImmediateRunner
from lawyer_desk.ui.unlock import CreateStoreDialog, UnlockDialog, passphrase_strength
from tests.conftest import PASSPHRASE
from tests.ui.conftest import WAIT_MS, AlertRecorder, Driver

CHEAP = KdfParams.cheap()
STORE_FILES = ("keyheader", "keyheader.spare", "case.db")


def make_store(folder: Path, passphrase: str = PASSPHRASE) -> Path:
    Store.create(folder, passphrase, CHEAP).close()
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
            for name in STORE_FILES if (folder / name).exists()}


def click_ok(qtbot: QtBot, dialog: CreateStoreDialog | UnlockDialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


@pytest.fixture
def closed_store(store_dir: Path) -> Path:
    return make_store(store_dir)


def show[D: QDialog](qtbot: QtBot, dialog: D) -> D:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def opened(dialog: CreateStoreDialog | UnlockDialog) -> Iterator[Store]:
    assert dialog.store is not None
    yield dialog.store
    dialog.store.close()


# --- the strength hint ----------------------------------------------------------------------------
@pytest.mark.parametrize(("passphrase", "level"), [
    ("", 0), ("short", 0), ("1234567", 0),
    ("aaaaaaaaaaaaaaaaaaaaaaaa", 1), ("abababab", 1), ("password", 1),
    ("Tr0ub4dor&3", 2), ("correcthorsebat", 2),
    ("correct horse battery staple", 3), ("ئىدرىس مامۇت ئۈرۈمچى قەشقەر", 3),
])
def test_strength_hint(qapp: QApplication, passphrase: str, level: int) -> None:
    found, hint = passphrase_strength(passphrase)
    assert found == level
    assert hint


# --- creating -------------------------------------------------------------------------------------
def test_create_enables_ok_only_for_two_matching_passphrases_of_eight_or_more(
        qtbot: QtBot, store_dir: Path, recorded_alerts: AlertRecorder) -> None:
    dialog = show(qtbot, CreateStoreDialog(store_dir, runner=None, kdf=CHEAP))
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.passphrase, "short")
    qtbot.keyClicks(dialog.repeat, "short")
    assert not dialog.ok_button.isEnabled()
    assert dialog.strength.text.text().startswith("Too short")

    dialog.passphrase.clear()
    dialog.repeat.clear()
    qtbot.keyClicks(dialog.passphrase, "long enough words")
    qtbot.keyClicks(dialog.repeat, "long enough")  # still typing: no complaint yet
    assert not dialog.ok_button.isEnabled()
    assert dialog.mismatch.isHidden()
    qtbot.keyClicks(dialog.repeat, " wordz")
    assert not dialog.ok_button.isEnabled()
    assert not dialog.mismatch.isHidden()
    assert dialog.mismatch.text.text() == "The two passphrases differ."

    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.repeat, "s")
    assert dialog.ok_button.isEnabled()
    assert dialog.mismatch.isHidden()
    assert "lost passphrase cannot be recovered" in dialog.warning.text.text()

    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=WAIT_MS)
    assert recorded_alerts.calls == []
    store = dialog.store
    assert store is not None and store.writable
    store.close()
    assert (store_dir / "keyheader").exists() and (store_dir / "case.db").exists()
    Store.open(store_dir, "long enough words").close()


def test_show_passphrase_shows_both_fields(qtbot: QtBot, store_dir: Path) -> None:
    dialog = show(qtbot, CreateStoreDialog(store_dir, kdf=CHEAP))
    dialog.show_text.setChecked(True)
    assert dialog.passphrase.echoMode() == dialog.repeat.echoMode() == dialog.passphrase.EchoMode.Normal
    dialog.show_text.setChecked(False)
    assert dialog.passphrase.echoMode() == dialog.passphrase.EchoMode.Password


def test_create_with_a_passphrase_in_any_script(qtbot: QtBot, store_dir: Path) -> None:
    # keyClicks cannot type these: set the text as an input method would (textChanged follows).
    passphrase = "ئىدرىس парол 密码 dreizehn"
    dialog = show(qtbot, CreateStoreDialog(store_dir, kdf=CHEAP))
    dialog.passphrase.setText(passphrase)
    dialog.repeat.setText(passphrase)
    assert dialog.ok_button.isEnabled()
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.store is not None, timeout=WAIT_MS)
    assert dialog.store is not None
    dialog.store.close()
    Store.open(store_dir, passphrase).close()


def test_create_get_store_returns_the_open_store(qtbot: QtBot, store_dir: Path, when_shown: Driver) -> None:
    def type_and_create(dialog: CreateStoreDialog) -> None:
        qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
        qtbot.keyClicks(dialog.repeat, PASSPHRASE)
        click_ok(qtbot, dialog)

    when_shown(CreateStoreDialog, type_and_create)
    store, ok = CreateStoreDialog.get_store(None, store_dir, kdf=CHEAP)
    assert ok and store is not None
    with store.session():
        pass
    store.close()


def test_create_over_an_existing_store_changes_nothing(qtbot: QtBot, closed_store: Path,
                                                       recorded_alerts: AlertRecorder) -> None:
    before = snapshot(closed_store)
    dialog = show(qtbot, CreateStoreDialog(closed_store, kdf=CHEAP))
    dialog.passphrase.setText("another passphrase")
    dialog.repeat.setText("another passphrase")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.store is None
    assert recorded_alerts.errors_for() == [StoreExists]
    assert snapshot(closed_store) == before


def test_create_cannot_be_cancelled_half_way(qtbot: QtBot, store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    real_unlock = unlock_module.unlock

    def slow_unlock(folder: Path, passphrase: str) -> tuple[KeyHeader, bytes]:
        release.wait(WAIT_MS / 1000)
        return real_unlock(folder, passphrase)

    monkeypatch.setattr(unlock_module, "unlock", slow_unlock)
    dialog = show(qtbot, CreateStoreDialog(store_dir, kdf=CHEAP))
    dialog.passphrase.setText(PASSPHRASE)
    dialog.repeat.setText(PASSPHRASE)
    click_ok(qtbot, dialog)
    assert dialog.busy.isVisible() and not dialog.cancel_button.isEnabled()
    dialog.reject()
    dialog.close()
    assert dialog.isVisible()
    release.set()
    qtbot.waitUntil(lambda: dialog.store is not None, timeout=WAIT_MS)
    assert dialog.store is not None
    dialog.store.close()


# --- unlocking ------------------------------------------------------------------------------------
def test_wrong_passphrase_stays_in_the_dialog_then_the_right_one_opens(
        qtbot: QtBot, closed_store: Path, recorded_alerts: AlertRecorder) -> None:
    before = snapshot(closed_store)
    dialog = show(qtbot, UnlockDialog(closed_store))
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.passphrase, "not the passphrase")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(dialog.problem.isVisible, timeout=WAIT_MS)
    assert dialog.problem.text.text() == "The passphrase is wrong. Nothing was changed; type it again."
    assert dialog.isVisible() and dialog.store is None
    assert dialog.passphrase.text() == "" and dialog.passphrase.isEnabled()
    assert not dialog.busy.isVisible()
    assert recorded_alerts.calls == []
    assert snapshot(closed_store) == before

    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=WAIT_MS)
    assert not dialog.problem.isVisible()
    store = dialog.store
    assert store is not None and store.writable
    with store.session():
        pass
    store.close()


def test_unlock_shows_progress_while_the_key_is_derived(qtbot: QtBot, closed_store: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    real_unlock = unlock_module.unlock
    monkeypatch.setattr(unlock_module, "unlock",
                        lambda folder, passphrase: (release.wait(WAIT_MS / 1000), real_unlock(folder, passphrase))[1])
    dialog = show(qtbot, UnlockDialog(closed_store))
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    click_ok(qtbot, dialog)
    assert dialog.busy.isVisible()
    assert dialog.busy.label.text().startswith("Unlocking…")
    assert not dialog.passphrase.isEnabled() and not dialog.ok_button.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: dialog.store is not None, timeout=WAIT_MS)
    assert dialog.store is not None
    dialog.store.close()


def test_cancel_while_unlocking_opens_nothing(qtbot: QtBot, closed_store: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    started, release, finished = threading.Event(), threading.Event(), threading.Event()
    real_unlock = unlock_module.unlock

    def slow_unlock(folder: Path, passphrase: str) -> tuple[KeyHeader, bytes]:
        started.set()
        release.wait(WAIT_MS / 1000)
        try:
            return real_unlock(folder, passphrase)
        finally:
            finished.set()

    monkeypatch.setattr(unlock_module, "unlock", slow_unlock)
    dialog = show(qtbot, UnlockDialog(closed_store))
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    click_ok(qtbot, dialog)
    assert started.wait(WAIT_MS / 1000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
    release.set()
    assert finished.wait(WAIT_MS / 1000)
    qtbot.wait(100)  # the key arrives, and must open nothing
    assert dialog.store is None
    Store.open(closed_store, PASSPHRASE).close()  # not locked by a store nobody holds


def _damage_header(folder: Path) -> None:
    for name in ("keyheader", "keyheader.spare"):
        raw = bytearray((folder / name).read_bytes())
        raw[40] ^= 0x01
        (folder / name).write_bytes(bytes(raw))


def _empty_database(folder: Path) -> None:
    (folder / "case.db").write_bytes(b"")


def _newer_schema(folder: Path) -> None:
    with Store.open(folder, PASSPHRASE) as store:
        assert store.engine is not None
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")


def _newer_header(folder: Path) -> None:
    import hashlib as h

    for name in ("keyheader", "keyheader.spare"):
        body = json.loads((folder / name).read_text())
        del body["checksum"]
        body["version"] = 99
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()
        body["checksum"] = h.sha256(canonical).hexdigest()
        (folder / name).write_text(json.dumps(body, indent=2))


@pytest.mark.parametrize(("damage", "error"), [
    (_damage_header, DamagedHeader),
    (_empty_database, DamagedDatabase),
    (_newer_schema, NewerStore),
    (_newer_header, NewerStore),
], ids=["damaged-header", "empty-database", "newer-schema", "newer-header"])
def test_each_failure_gets_its_own_dialog_and_changes_nothing(
        qtbot: QtBot, closed_store: Path, recorded_alerts: AlertRecorder,
        damage: Callable[[Path], None], error: type[Exception]) -> None:
    damage(closed_store)
    before = snapshot(closed_store)
    dialog = show(qtbot, UnlockDialog(closed_store))
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.store is None
    assert recorded_alerts.errors_for() == [error]
    assert recorded_alerts.kinds() == ["error_for"]
    assert snapshot(closed_store) == before
    assert not (closed_store / "pre-migration").exists()


def test_locked_store_gets_its_own_dialog(qtbot: QtBot, store: Store, recorded_alerts: AlertRecorder,
                                          when_shown: Driver) -> None:
    folder = store.paths.root
    before = snapshot(folder)

    def type_and_unlock(dialog: UnlockDialog) -> None:
        qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
        click_ok(qtbot, dialog)

    when_shown(UnlockDialog, type_and_unlock)
    assert UnlockDialog.get_store(None, folder) == (None, False)
    assert recorded_alerts.errors_for() == [StoreLocked]
    assert snapshot(folder) == before
    with store.session():  # the first holder is untouched
        pass


def test_unreadable_store_folder_is_reported_not_crashed(qtbot: QtBot, closed_store: Path,
                                                         recorded_alerts: AlertRecorder,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(folder: Path, passphrase: str) -> tuple[KeyHeader, bytes]:
        raise PermissionError(13, "Permission denied", str(folder / "keyheader"))

    monkeypatch.setattr(unlock_module, "unlock", denied)
    dialog = show(qtbot, UnlockDialog(closed_store))
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert recorded_alerts.kinds() == ["error"]
    assert recorded_alerts.calls[0].details == "Permission denied"


def test_unlock_get_store_returns_the_open_store(qtbot: QtBot, closed_store: Path, when_shown: Driver) -> None:
    def type_and_unlock(dialog: UnlockDialog) -> None:
        qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
        click_ok(qtbot, dialog)

    when_shown(UnlockDialog, type_and_unlock)
    store, ok = UnlockDialog.get_store(None, closed_store)
    assert ok and isinstance(store, Store)
    store.close()


def test_unlock_get_store_cancelled(qtbot: QtBot, closed_store: Path, when_shown: Driver) -> None:
    when_shown(UnlockDialog, lambda dialog: qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton))
    assert UnlockDialog.get_store(None, closed_store) == (None, False)


def test_unlock_with_the_immediate_runner(qtbot: QtBot, closed_store: Path) -> None:
    dialog = show(qtbot, UnlockDialog(closed_store, runner=ImmediateRunner()))
    qtbot.keyClicks(dialog.passphrase, "wrong passphrase")
    click_ok(qtbot, dialog)
    assert dialog.problem.isVisible()
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    click_ok(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.store is not None
    dialog.store.close()


def test_the_dialog_shows_the_store_folder(qtbot: QtBot, tmp_path: Path) -> None:
    folder = make_store(tmp_path / ("a-very-long-folder-name-" * 6) / "store")
    dialog = show(qtbot, UnlockDialog(folder))
    labels = [w for w in dialog.findChildren(type(dialog.busy.label)) if w.toolTip() == str(folder)]
    assert len(labels) == 1
    assert "…" in labels[0].text()  # elided in the middle; the tooltip has it whole


def test_the_passphrase_is_never_written_to_settings_or_logs(qtbot: QtBot, closed_store: Path,
                                                             private_folders: Path) -> None:
    dialog = show(qtbot, UnlockDialog(closed_store))
    qtbot.keyClicks(dialog.passphrase, "a wrong guess of mine")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(dialog.problem.isVisible, timeout=WAIT_MS)
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.store is not None, timeout=WAIT_MS)
    assert dialog.store is not None
    dialog.store.close()
    for folder in (private_folders / "config", private_folders / "logs", closed_store):
        for path in folder.rglob("*") if folder.exists() else []:
            if path.is_file():
                data = path.read_bytes()
                assert PASSPHRASE.encode() not in data and b"a wrong guess" not in data, path
