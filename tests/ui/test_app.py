"""Starting the desk: application object, language and layout direction, store, main window, exit."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import PySide6
import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lawyer_desk import __version__, cli
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.ui import app as app_module
from lawyer_desk.ui import crash, settings
from lawyer_desk.ui.app import (
    install_translations,
    interface_locale,
    make_application,
    open_or_create_store,
    run_gui,
    show_main_window,
    store_exists,
)
from lawyer_desk.ui.main_window import MainWindow
from lawyer_desk.ui.unlock import CreateStoreDialog, UnlockDialog
from tests.conftest import PASSPHRASE
from tests.ui.conftest import WAIT_MS, AlertRecorder, Driver

CHEAP = KdfParams.cheap()


@pytest.fixture
def closed_store(store_dir: Path) -> Path:
    Store.create(store_dir, PASSPHRASE, CHEAP).close()
    return store_dir


def type_and_unlock(qtbot: QtBot) -> Any:
    def act(dialog: UnlockDialog) -> None:
        qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    return act


def test_make_application_names_the_program(qapp: QApplication) -> None:
    assert make_application() is qapp
    assert QCoreApplication.applicationName() == "lawyer-desk"
    assert QCoreApplication.organizationName() == "lawyer_desk"
    assert QCoreApplication.applicationVersion() == __version__
    assert qapp.quitOnLastWindowClosed()


# --- language and direction -----------------------------------------------------------------------
def test_interface_locale_env_then_setting_then_system(monkeypatch: pytest.MonkeyPatch) -> None:
    assert interface_locale("") == (QLocale.system(), False)
    locale, explicit = interface_locale("fr")
    assert locale.language() == QLocale.Language.French and explicit
    monkeypatch.setenv(app_module.ENV_LANG, "ar")
    locale, explicit = interface_locale("fr")
    assert locale.language() == QLocale.Language.Arabic and explicit


@pytest.mark.parametrize(("name", "direction"), [
    ("ar", Qt.LayoutDirection.RightToLeft), ("ug", Qt.LayoutDirection.RightToLeft),
    ("fr", Qt.LayoutDirection.LeftToRight), ("ru", Qt.LayoutDirection.LeftToRight),
])
def test_a_chosen_right_to_left_language_mirrors_the_layout(qapp: QApplication, monkeypatch: pytest.MonkeyPatch,
                                                            name: str, direction: Qt.LayoutDirection) -> None:
    monkeypatch.setenv(app_module.ENV_LANG, name)
    locale, explicit = interface_locale()
    assert install_translations(qapp, locale, explicit=explicit) == []  # no .qm shipped yet
    assert qapp.layoutDirection() == direction
    assert QLocale().name().startswith(name)


def test_a_right_to_left_system_locale_without_translation_stays_left_to_right(qapp: QApplication) -> None:
    install_translations(qapp, QLocale("ar_EG"), explicit=False)
    assert qapp.layoutDirection() == Qt.LayoutDirection.LeftToRight


def _lrelease() -> str | None:
    bundled = Path(PySide6.__file__).parent / "lrelease"
    return str(bundled) if bundled.exists() else shutil.which("pyside6-lrelease")


@pytest.mark.skipif(_lrelease() is None, reason="Qt's lrelease is not installed")
def test_a_translation_in_resources_is_loaded(qapp: QApplication, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    i18n = tmp_path / "i18n"
    i18n.mkdir()
    (i18n / "lawyer_desk_ar.ts").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="ar">\n'
        '<context><name>alerts</name><message><source>The passphrase is wrong</source>'
        '<translation>عبارة المرور خاطئة</translation></message></context>\n</TS>\n', encoding="utf-8")
    lrelease = _lrelease()
    assert lrelease is not None
    subprocess.run([lrelease, str(i18n / "lawyer_desk_ar.ts"), "-qm", str(i18n / "lawyer_desk_ar.qm")],
                   check=True, capture_output=True, timeout=60)
    monkeypatch.setattr(app_module, "i18n_dir", lambda: i18n)
    installed = install_translations(qapp, QLocale("ar_EG"), explicit=False)
    try:
        assert installed  # ours, and Qt's own Arabic for the standard buttons
        assert QCoreApplication.translate("alerts", "The passphrase is wrong") == "عبارة المرور خاطئة"
        assert qapp.layoutDirection() == Qt.LayoutDirection.RightToLeft
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)


# --- the store, then the window ---------------------------------------------------------------------
def test_store_exists_for_any_part_of_a_store(tmp_path: Path) -> None:
    assert not store_exists(tmp_path / "nothing")
    for name in ("keyheader", "keyheader.spare", "case.db"):
        folder = tmp_path / name.replace(".", "-")
        folder.mkdir()
        (folder / name).write_bytes(b"")
        assert store_exists(folder)


def test_first_start_creates_a_store(qtbot: QtBot, store_dir: Path, when_shown: Driver,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    real_get_store = CreateStoreDialog.get_store.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(CreateStoreDialog, "get_store",
                        classmethod(lambda cls, parent, folder, runner=None: real_get_store(
                            cls, parent, folder, runner=runner, kdf=CHEAP)))

    def create(dialog: CreateStoreDialog) -> None:
        qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
        qtbot.keyClicks(dialog.repeat, PASSPHRASE)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_shown(CreateStoreDialog, create)
    store = open_or_create_store(store_dir)
    assert store is not None
    store.close()
    assert store_exists(store_dir)


def test_later_start_unlocks(qtbot: QtBot, closed_store: Path, when_shown: Driver) -> None:
    when_shown(UnlockDialog, type_and_unlock(qtbot))
    store = open_or_create_store(closed_store)
    assert store is not None
    window = show_main_window(store)
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow) and window.isVisible()
    assert window.store is store
    window.close()
    store.close()


def test_a_damaged_store_is_never_offered_for_creation(qtbot: QtBot, closed_store: Path, when_shown: Driver,
                                                       recorded_alerts: AlertRecorder) -> None:
    (closed_store / "keyheader").unlink()
    (closed_store / "keyheader.spare").unlink()
    when_shown(UnlockDialog, type_and_unlock(qtbot))
    assert open_or_create_store(closed_store) is None
    assert [c.__name__ for c in recorded_alerts.errors_for()] == ["DamagedDatabase"]


def test_giving_up_opens_nothing(closed_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(UnlockDialog, "get_store", classmethod(lambda cls, parent, folder, runner=None: (None, False)))
    assert open_or_create_store(closed_store) is None


# --- the whole run ----------------------------------------------------------------------------------
def test_run_gui_unlocks_shows_the_window_and_closes_the_store(qtbot: QtBot, qapp: QApplication, closed_store: Path,
                                                               when_shown: Driver) -> None:
    seen: dict[str, Any] = {}

    def close_window(window: MainWindow) -> None:
        seen["store"] = window.store
        seen["title"] = window.windowTitle()
        seen["hooked"] = sys.excepthook is crash.handle
        window.close()

    when_shown(UnlockDialog, type_and_unlock(qtbot))
    when_shown(MainWindow, close_window)
    safety = QTimer(singleShot=True, interval=WAIT_MS)
    safety.timeout.connect(qapp.quit)
    safety.start()
    try:
        code = run_gui(closed_store)
    finally:
        safety.stop()
    assert code == 0
    assert isinstance(seen["store"], Store)
    assert seen["hooked"]  # the crash path was installed before the window opened
    assert seen["store"].engine is None  # closed at exit
    Store.open(closed_store, PASSPHRASE).close()  # and its lock released
    assert settings.load().last_store_folder == str(closed_store.resolve())
    assert (closed_store / "logs").is_dir()


def test_run_gui_returns_when_the_lawyer_gives_up(qapp: QApplication, closed_store: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(UnlockDialog, "get_store", classmethod(lambda cls, parent, folder, runner=None: (None, False)))
    assert run_gui(closed_store) == 0
    assert settings.load().last_store_folder == ""


def test_the_command_line_without_a_command_starts_the_desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Path] = []

    def fake_run_gui(folder: Path) -> int:
        started.append(folder)
        return 7

    monkeypatch.setattr(app_module, "run_gui", fake_run_gui)
    assert cli.run(["--data-dir", str(tmp_path / "s")]) == 7
    assert started == [tmp_path / "s"]


def test_a_failure_starting_the_desk_is_one_line_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    def broken(folder: Path) -> int:
        raise RuntimeError("could not connect to display")

    monkeypatch.setattr(app_module, "run_gui", broken)
    assert cli.run(["--data-dir", str(tmp_path / "s")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("lawyer-desk: error: unexpected failure (RuntimeError)")
    assert "Traceback" not in err
