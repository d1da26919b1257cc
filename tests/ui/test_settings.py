"""Typed settings with declared defaults, in a JSON file; window geometry in QSettings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QSplitter, QWidget
from pytestqt.qtbot import QtBot

from lawyer_desk.ui import settings
from lawyer_desk.ui.settings import Settings


def test_defaults_without_a_file(private_folders: Path) -> None:
    assert settings.settings_path() == private_folders / "config" / "settings.json"
    assert settings.load() == Settings(language="", last_store_folder="", idle_lock_minutes=5)


def test_round_trip(private_folders: Path) -> None:
    chosen = Settings(language="ar", last_store_folder="/data/cases", idle_lock_minutes=15)
    assert settings.save(chosen)
    assert settings.load() == chosen
    assert json.loads(settings.settings_path().read_text(encoding="utf-8"))["idle_lock_minutes"] == 15


@pytest.mark.parametrize("content", ["", "{", "[1, 2]", "null", '"text"', "\x00\x01"])
def test_an_unreadable_file_gives_the_defaults(private_folders: Path, content: str) -> None:
    settings.settings_path().parent.mkdir(parents=True)
    settings.settings_path().write_text(content, encoding="utf-8")
    assert settings.load() == Settings()


def test_each_wrong_value_falls_back_alone(private_folders: Path) -> None:
    settings.settings_path().parent.mkdir(parents=True)
    settings.settings_path().write_text(json.dumps({
        "language": "fr_FR", "last_store_folder": 12, "idle_lock_minutes": "ten", "passphrase": "never read"}))
    assert settings.load() == Settings(language="fr_FR", last_store_folder="", idle_lock_minutes=5)


@pytest.mark.parametrize("minutes", [-1, 24 * 60 + 1, True, 2.5, None])
def test_idle_minutes_out_of_range(private_folders: Path, minutes: object) -> None:
    settings.settings_path().parent.mkdir(parents=True)
    settings.settings_path().write_text(json.dumps({"idle_lock_minutes": minutes}))
    assert settings.load().idle_lock_minutes == 5


@pytest.mark.parametrize("language", ["../../etc", "a", "english please", "fr;rm", 7])
def test_a_language_that_is_no_locale_name_is_ignored(private_folders: Path, language: object) -> None:
    settings.settings_path().parent.mkdir(parents=True)
    settings.settings_path().write_text(json.dumps({"language": language}))
    assert settings.load().language == ""


def test_update_changes_only_the_named_settings(private_folders: Path) -> None:
    settings.save(Settings(language="ru"))
    assert settings.update(last_store_folder="/x") == Settings(language="ru", last_store_folder="/x")
    assert settings.load().language == "ru"
    with pytest.raises(TypeError):
        settings.update(passphrase="secret")


def test_an_unwritable_folder_is_no_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(settings.ENV_CONFIG_DIR, str(blocker / "config"))
    assert settings.save(Settings()) is False
    assert settings.load() == Settings()


def test_window_geometry_and_splitter_go_to_the_private_folder(qtbot: QtBot, qapp: QApplication,
                                                                private_folders: Path) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(640, 480)
    window.show()
    splitter = QSplitter(Qt.Orientation.Horizontal, window)
    splitter.addWidget(QLabel("list"))
    splitter.addWidget(QLabel("case"))
    splitter.resize(600, 400)
    splitter.setSizes([150, 450])
    settings.save_geometry(window, "main")
    settings.save_splitter(splitter, "main")
    settings.window_settings().sync()
    assert (private_folders / "config" / "window.ini").exists()

    other = QWidget()
    qtbot.addWidget(other)
    other_splitter = QSplitter(Qt.Orientation.Horizontal, other)
    other_splitter.addWidget(QLabel("list"))
    other_splitter.addWidget(QLabel("case"))
    other_splitter.resize(600, 400)
    assert settings.restore_geometry(other, "main")
    assert settings.restore_splitter(other_splitter, "main")
    assert other.size().width() == 640
    assert abs(other_splitter.sizes()[0] - 150) <= 2  # the handle takes a pixel or two
    assert not settings.restore_geometry(other, "never-saved")
