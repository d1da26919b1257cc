"""The program's preferences: typed, with declared defaults, in one JSON file per user.

``Settings`` lists every preference there is; ``load()`` never fails (a missing, unreadable
or hand-edited file gives the defaults for whatever it got wrong) and ``save()`` writes the
file atomically. The file lives in the per-user config folder
(``platformdirs.user_config_dir("lawyer-desk")``), or in ``$LAWYER_DESK_CONFIG_DIR`` (tests).

``QSettings`` is used only for window geometry and splitter positions, through the helpers
at the end, in ``window.ini`` beside the JSON file.

Never put client data here: the config folder is not encrypted. A store folder path is
allowed (it names the lawyer's folder, not a client); a passphrase never is.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter, QWidget

from lawyer_desk.core.paths import APP_NAME
from lawyer_desk.core.store.fileio import write_atomic

ENV_CONFIG_DIR = "LAWYER_DESK_CONFIG_DIR"
SETTINGS_FILE = "settings.json"
WINDOW_FILE = "window.ini"
_LANGUAGE = re.compile(r"^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})*$")


@dataclass
class Settings:
    """Every preference of the program, with its default."""

    # Interface language as a locale name ("fr", "ar", "zh_CN"); "" follows the system.
    language: str = ""
    # The store folder opened last ("" if none yet).
    last_store_folder: str = ""
    # Lock the desk after this many idle minutes (0: never; ui.session_lock).
    idle_lock_minutes: int = 5
    # While locked, keep edits not yet saved in memory (else they are settled at the lock).
    keep_unsaved_while_locked: bool = False
    # The warning before the first decrypted copy for "Open with system viewer" was shown.
    system_viewer_warned: bool = False

    def checked(self) -> Settings:
        """A copy in which every value that breaks its rule is back at its default."""
        default = Settings()
        language = self.language if isinstance(self.language, str) and (
            self.language == "" or _LANGUAGE.match(self.language)) else default.language
        folder = self.last_store_folder if isinstance(self.last_store_folder, str) else default.last_store_folder
        minutes = self.idle_lock_minutes
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= 24 * 60:
            minutes = default.idle_lock_minutes
        return Settings(language=language, last_store_folder=folder, idle_lock_minutes=minutes,
                        keep_unsaved_while_locked=self.keep_unsaved_while_locked is True,
                        system_viewer_warned=self.system_viewer_warned is True)


def config_dir() -> Path:
    env = os.environ.get(ENV_CONFIG_DIR)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


def load() -> Settings:
    """The saved settings; defaults for anything missing, unreadable or out of range."""
    try:
        raw: Any = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in raw.items() if k in known}).checked()


def save(settings: Settings) -> bool:
    """Write the settings; False (and nothing half-written) when the folder is not writable."""
    path = settings_path()
    data = (json.dumps(asdict(settings.checked()), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except OSError:
        return False
    return True


def update(**changes: Any) -> Settings:
    """Load, change the named preferences, save; the settings as saved."""
    current = asdict(load())
    unknown = set(changes) - set(current)
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    new = Settings(**(current | changes)).checked()
    save(new)
    return new


# --- window geometry (QSettings) ---------------------------------------------------------------
def window_settings() -> QSettings:
    return QSettings(str(config_dir() / WINDOW_FILE), QSettings.Format.IniFormat)


def save_geometry(widget: QWidget, key: str) -> None:
    window_settings().setValue(f"{key}/geometry", widget.saveGeometry())


def restore_geometry(widget: QWidget, key: str) -> bool:
    value = window_settings().value(f"{key}/geometry")
    return isinstance(value, QByteArray) and widget.restoreGeometry(value)


def save_splitter(splitter: QSplitter, key: str) -> None:
    window_settings().setValue(f"{key}/splitter", splitter.saveState())


def restore_splitter(splitter: QSplitter, key: str) -> bool:
    value = window_settings().value(f"{key}/splitter")
    return isinstance(value, QByteArray) and splitter.restoreState(value)
