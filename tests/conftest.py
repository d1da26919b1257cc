"""Test harness: offscreen Qt, a fresh store per test, cheap key derivation."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from lawyer_desk.core.store import KdfParams, Store

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store(store_dir: Path) -> Iterator[Store]:
    """A new, open, writable store made with cheap Argon2id parameters."""
    opened = Store.create(store_dir, PASSPHRASE, KdfParams.cheap())
    yield opened
    opened.close()
