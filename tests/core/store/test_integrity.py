"""Integrity checks and the connection settings of the case database."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from lawyer_desk.core import models as m
from lawyer_desk.core.errors import DamagedDatabase
from lawyer_desk.core.store import KdfParams, Store, migrate
from lawyer_desk.core.store.database import APPLICATION_ID, STORE_FORMAT
from tests.conftest import PASSPHRASE


def _fill(store: Store, clients: int = 30) -> None:
    with store.session() as session:
        for i in range(clients):
            client = m.Client(display_name=f"Client {i}")
            client.names = [m.NameVariant(text=f"Клиент {i}")]
            client.notes = [m.Note(title=f"Note {i}", body="A long note about the case. " * 40)]
            alert = m.Alert(reference=f"2020/{i:05d}")
            alert.warrants = [m.ArrestWarrant(charge="Organising a terrorist group")]
            client.alerts = [alert]
            session.add(client)


def _root_page(store: Store, table: str) -> tuple[int, int]:
    assert store.engine is not None
    with store.engine.connect() as conn:
        page = conn.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).scalar()
        size = int(conn.exec_driver_sql("PRAGMA page_size").scalar())
    return int(page), size


def _flip(path: Path, offset: int) -> str:
    data = bytearray(path.read_bytes())
    assert offset < len(data)
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))
    return hashlib.sha256(data).hexdigest()


def test_fresh_store_with_data_has_no_problems(store: Store) -> None:
    assert store.integrity_problems() == []
    _fill(store)
    assert store.integrity_problems() == []
    store.close()
    with Store.open(store.paths.root, PASSPHRASE, write=False) as reader:
        assert reader.integrity_problems() == []  # the read-only check does not report its own refusal


def test_flipped_byte_in_data_page_is_reported(store_dir: Path) -> None:
    """A damaged page that opening does not read: the store opens and the check names the page."""
    with Store.create(store_dir, PASSPHRASE, KdfParams.cheap()) as store:
        _fill(store)
        page, size = _root_page(store, "note")
    offset = (page - 1) * size + size // 2
    assert offset > 4096
    database = store_dir / "case.db"
    damaged = _flip(database, offset)

    with Store.open(store_dir, PASSPHRASE) as store:  # opens: page 1 and the schema revision are sound
        problems = store.integrity_problems()
        assert problems, "a flipped byte in a data page must be reported"
        assert f"HMAC verification failed for page {page}" in "\n".join(problems)
        # the check does not leave the store unusable for pages that are sound
        assert store.engine is not None
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == migrate.HEAD_REVISION
        assert store.integrity_problems()  # and asking again gives the same answer
    assert hashlib.sha256(database.read_bytes()).hexdigest() == damaged  # nothing was written


def test_flipped_byte_in_page_read_at_open_is_damage(store_dir: Path) -> None:
    """A damaged page that opening reads (the schema revision): opening refuses."""
    with Store.create(store_dir, PASSPHRASE, KdfParams.cheap()) as store:
        _fill(store)
        page, size = _root_page(store, "alembic_version")
    offset = (page - 1) * size + size // 2
    assert offset > 4096
    database = store_dir / "case.db"
    damaged = _flip(database, offset)
    for write in (True, False):
        with pytest.raises(DamagedDatabase):
            Store.open(store_dir, PASSPHRASE, write=write)
    assert hashlib.sha256(database.read_bytes()).hexdigest() == damaged


def test_flipped_byte_in_first_page_is_damage(store_dir: Path) -> None:
    with Store.create(store_dir, PASSPHRASE, KdfParams.cheap()) as store:
        _fill(store, 3)
    _flip(store_dir / "case.db", 2048)
    with pytest.raises(DamagedDatabase):
        Store.open(store_dir, PASSPHRASE)


@pytest.mark.parametrize("write", [True, False])
def test_connection_settings(store: Store, write: bool) -> None:
    if not write:
        store.close()
        store = Store.open(store.paths.root, PASSPHRASE, write=False)
    try:
        assert store.engine is not None
        with store.engine.connect() as conn:
            def pragma(name: str) -> object:
                return conn.exec_driver_sql(f"PRAGMA {name}").scalar()

            assert str(pragma("journal_mode")).lower() == "wal"
            assert int(str(pragma("synchronous"))) == 2  # FULL
            assert int(str(pragma("foreign_keys"))) == 1
            assert int(str(pragma("application_id"))) == APPLICATION_ID
            assert int(str(pragma("user_version"))) == STORE_FORMAT
            assert int(str(pragma("query_only"))) == (0 if write else 1)
            assert pragma("cipher_version")
    finally:
        store.close()


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(IntegrityError), store.session() as session:
        session.add(m.Note(client_id=12345, title="orphan"))
    with store.session() as session:
        assert session.get(m.Note, 1) is None
