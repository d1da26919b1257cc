"""Where stores live.

A store is one folder. Its location comes, in order, from ``--data-dir``, the
``LAWYER_DESK_HOME`` environment variable, or the per-user data folder of the platform.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "lawyer-desk"
ENV_HOME = "LAWYER_DESK_HOME"


def default_store_dir() -> Path:
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "store"


def resources_dir() -> Path:
    """The ``resources/`` folder, beside the package in a checkout or a PyInstaller build."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "resources", here / "resources"):
        if candidate.is_dir():
            return candidate
    return here.parent / "resources"


@dataclass(frozen=True)
class StorePaths:
    """The files of one store folder."""

    root: Path

    @property
    def keyheader(self) -> Path:
        return self.root / "keyheader"

    @property
    def keyheader_spare(self) -> Path:
        return self.root / "keyheader.spare"

    @property
    def database(self) -> Path:
        return self.root / "case.db"

    @property
    def lock(self) -> Path:
        return self.root / "lock"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def premigration(self) -> Path:
        return self.root / "pre-migration"

    @property
    def vault(self) -> Path:
        return self.root / "vault"

    @property
    def backups(self) -> Path:
        return self.root / "backups"
