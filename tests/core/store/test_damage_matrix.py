"""The damage matrix: each file of a store truncated, zeroed, byte-flipped or missing.

Every case is reported for what it is — a damaged key header, a damaged database (naming
the page), a damaged write-ahead log (naming the frame), an altered or missing evidence
file (naming the exhibit and the chunk) — the damaged file is left exactly as it was, and
nothing is ever replaced by a new, empty store. (Single-copy header damage, and damage to
a database without a log, are in ``test_keyheader.py``, ``test_open.py`` and
``test_integrity.py``; the vault's own tamper cases in ``test_vault.py``.)

The stores here were copied while open after their last commits, so the write-ahead log
holds committed changes that are not in ``case.db`` yet — what a crash leaves behind.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from lawyer_desk.core import exhibit_checks
from lawyer_desk.core import models as m
from lawyer_desk.core.errors import DamagedDatabase, DamagedHeader, WrongPassphrase
from lawyer_desk.core.store import Store
from lawyer_desk.core.store.recovery import diagnose
from tests.conftest import PASSPHRASE
from tests.core.store.backup_helpers import CHEAP, fill

DAMAGES = ["truncated", "zeroed", "flipped", "missing"]
LATE_CLIENT = "Committed only to the log"


@pytest.fixture(scope="module")
def crashed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store as a crash leaves it: committed changes in case.db-wal, with its index case.db-shm."""
    base = tmp_path_factory.mktemp("crashed")
    with Store.create(base / "live", PASSPHRASE, CHEAP) as store:
        fill(store, base / "evidence", files=2, size=3 * 1024 * 1024)
        assert store.engine is not None
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        for i in range(3):  # three more transactions, in the log only
            with store.session() as session:
                session.add(m.Client(display_name=f"{LATE_CLIENT} {i}"))
        shutil.copytree(base / "live", base / "crashed", ignore=shutil.ignore_patterns("lock"))
    assert (base / "crashed" / "case.db-wal").stat().st_size > 32
    return base / "crashed"


@pytest.fixture
def store_copy(crashed: Path, tmp_path: Path) -> Path:
    shutil.copytree(crashed, tmp_path / "store")
    return tmp_path / "store"


def _damage(path: Path, how: str, at: float = 0.5) -> bytes | None:
    """Damage ``path``; returns what it now holds (None once removed)."""
    data = bytearray(path.read_bytes())
    if how == "missing":
        path.unlink()
        return None
    if how == "truncated":
        data = data[: int(len(data) * at)]
    elif how == "zeroed":
        data = bytearray(len(data))
    else:
        data[int(len(data) * at)] ^= 0x10
    path.write_bytes(bytes(data))
    return bytes(data)


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def _names(store: Store) -> list[str]:
    with store.session() as session:
        return sorted(session.execute(select(m.Client.display_name)).scalars())


def test_the_crashed_store_is_sound(store_copy: Path) -> None:
    assert diagnose(store_copy, PASSPHRASE).ok
    with Store.open(store_copy, PASSPHRASE, write=False) as store:
        assert [n for n in _names(store) if n.startswith(LATE_CLIENT)] == [f"{LATE_CLIENT} {i}" for i in range(3)]


@pytest.mark.parametrize("how", DAMAGES)
def test_key_header(store_copy: Path, how: str) -> None:
    for name in ("keyheader", "keyheader.spare"):
        _damage(store_copy / name, how)
    kept = {name: _digest(store_copy / name) for name in ("keyheader", "keyheader.spare", "case.db")}
    for write in (False, True):
        for passphrase in (PASSPHRASE, "not the passphrase"):
            with pytest.raises((DamagedHeader, DamagedDatabase)) as info:
                Store.open(store_copy, passphrase, write=write)
            assert not isinstance(info.value, WrongPassphrase)
            if how == "missing":
                assert isinstance(info.value, DamagedDatabase)
                assert "key header of this store is missing" in str(info.value)
            else:
                assert isinstance(info.value, DamagedHeader) and "key header" in str(info.value)
    assert {name: _digest(store_copy / name) for name in kept} == kept  # nothing rewritten, nothing made anew
    assert not diagnose(store_copy, PASSPHRASE).ok


@pytest.mark.parametrize("how", DAMAGES)
def test_database(store_copy: Path, how: str) -> None:
    damaged = _damage(store_copy / "case.db", how, at=0.6)
    # A cut at a page boundary leaves pages that decrypt but a tree that points past the end.
    expected = {"missing": ("case.db is missing",), "zeroed": ("not a database",),
                "truncated": ("encryption: page", "database: *** in database main"),
                "flipped": ("HMAC verification failed for page",)}[how]
    problems: list[str] = []
    for write in (False, True):
        try:
            with Store.open(store_copy, PASSPHRASE, write=write) as store:
                problems = store.integrity_problems()
        except DamagedDatabase as exc:
            problems = [str(exc)]
        assert problems, f"{how} case.db went unnoticed"
        assert any(fragment in "\n".join(problems) for fragment in expected), problems
        if not write:  # a read-only look changes nothing
            assert diagnose(store_copy, PASSPHRASE).problems
            assert (store_copy / "case.db").read_bytes() == damaged if damaged is not None else not (
                store_copy / "case.db").exists()
    # A writable open may only let SQLite copy committed pages from the log into it: never a new database.
    if damaged is None:
        assert not (store_copy / "case.db").exists()
    else:
        assert (store_copy / "case.db").stat().st_size >= len(damaged)


@pytest.mark.parametrize("how", DAMAGES)
def test_write_ahead_log(store_copy: Path, how: str) -> None:
    wal = store_copy / "case.db-wal"
    damaged = _damage(wal, how, at=0.4)
    expected = {"missing": "case.db-wal is missing while case.db-shm records", "zeroed": "damaged header",
                "truncated": "case.db-wal is cut short", "flipped": "case.db-wal is damaged at frame"}[how]
    for write in (False, True):
        with pytest.raises(DamagedDatabase) as info:
            Store.open(store_copy, PASSPHRASE, write=write)
        assert expected in str(info.value) and "Nothing was changed" in str(info.value)
    assert (wal.read_bytes() == damaged) if damaged is not None else not wal.exists()
    health = diagnose(store_copy, PASSPHRASE)
    assert not health.ok and expected in health.problems[0]


@pytest.mark.parametrize("how", DAMAGES)
def test_evidence_file(store_copy: Path, how: str) -> None:
    with Store.open(store_copy, PASSPHRASE, write=False) as store, store.session() as session:
        exhibit = session.execute(select(m.Exhibit).order_by(m.Exhibit.id)).scalars().first()
        assert exhibit is not None
        number, object_name = exhibit.number, exhibit.object_name
    damaged = _damage(store_copy / "vault" / object_name, how, at=0.7)
    with Store.open(store_copy, PASSPHRASE, write=False) as store:  # the database is sound: the store opens
        report = exhibit_checks.verify(store, record=False)
    problems = [c for c in report.checks if not c.ok]
    assert [(c.number, c.state.value) for c in problems] == [(number, "missing" if how == "missing" else "altered")]
    detail = problems[0].detail
    if how == "flipped":
        assert problems[0].chunk == 3 and "chunk 3 of 4" in detail  # 3 MiB and a bit: four 1-MiB chunks
    if how == "truncated":
        assert "truncated" in detail
    path = store_copy / "vault" / object_name
    assert (path.read_bytes() == damaged) if damaged is not None else not path.exists()
    health = diagnose(store_copy, PASSPHRASE)
    assert health.ok == (how != "missing")  # opening checks presence; verify decrypts


def test_primary_header_from_another_store(store_copy: Path, tmp_path: Path) -> None:
    """A primary copied from another store sealed with the same passphrase: opened from the spare, then replaced."""
    with Store.create(tmp_path / "other", PASSPHRASE, CHEAP):
        pass
    (store_copy / "keyheader").write_bytes((tmp_path / "other" / "keyheader").read_bytes())
    with Store.open(store_copy, PASSPHRASE, write=False) as store:
        assert len(_names(store)) == 8
    with Store.open(store_copy, PASSPHRASE):
        pass
    assert (store_copy / "keyheader").read_bytes() == (store_copy / "keyheader.spare").read_bytes()
