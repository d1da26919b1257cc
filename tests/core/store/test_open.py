"""Opening, creating and refusing stores: real SQLCipher files, real locks, real processes."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from lawyer_desk.core import models as m
from lawyer_desk.core.errors import (
    DamagedDatabase,
    DamagedHeader,
    LawyerDeskError,
    NewerStore,
    NoStore,
    StoreError,
    StoreExists,
    StoreLocked,
    WrongPassphrase,
)
from lawyer_desk.core.store import KdfParams, Store
from tests.conftest import PASSPHRASE

CHEAP = KdfParams.cheap()
REPO = Path(__file__).resolve().parents[3]
CHILD_TIMEOUT = 60

# A second program working on the same store: it opens it for writing and either holds it
# (printing "ready" once it has written a client) or reports how opening failed.
CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from lawyer_desk.core import models as m
    from lawyer_desk.core.errors import LawyerDeskError
    from lawyer_desk.core.store import Store

    root, passphrase, mode = sys.argv[1:4]
    try:
        store = Store.open(Path(root), passphrase)
    except LawyerDeskError as exc:
        print(type(exc).__name__, flush=True)
        sys.exit(exc.exit_code)
    with store.session() as session:
        session.add(m.Client(display_name="Written by the child"))
    print("ready", flush=True)
    if mode == "hold":
        time.sleep(120)
    store.close()
    """
)


def _child(store_dir: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(store_dir), PASSPHRASE, mode], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def closed_store(store_dir: Path) -> Path:
    """A closed store holding one client with a name variant and a note."""
    with Store.create(store_dir, PASSPHRASE, CHEAP) as store, store.session() as session:
        client = m.Client(display_name="Idris Mamut", date_of_birth="1979-06", nationalities=["CN"],
                          languages=["uig", "rus"], intake_date=date(2024, 3, 1))
        client.names = [m.NameVariant(text="ئىدرىس مامۇت", language="uig")]
        client.notes = [m.Note(title="First meeting", body="Arrested at the airport in 2023.")]
        session.add(client)
    return store_dir


@pytest.fixture
def holder(closed_store: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process that has the store open for writing."""
    child = _child(closed_store, "hold")
    try:
        assert child.stdout is not None
        line = child.stdout.readline().strip()
        assert line == "ready", (line, child.stderr.read() if child.poll() is not None and child.stderr else "")
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate(timeout=CHILD_TIMEOUT)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: _digest(p) for p in sorted(folder.iterdir()) if p.is_file()}


# --- the happy path ------------------------------------------------------------------------
def test_create_close_open_keeps_data(closed_store: Path) -> None:
    with Store.open(closed_store, PASSPHRASE) as store, store.session() as session:
        client = session.exec(select(m.Client)).one()
        assert client.display_name == "Idris Mamut"
        assert client.date_of_birth == "1979-06"
        assert client.nationalities == ["CN"]
        assert client.languages == ["uig", "rus"]
        assert client.intake_date == date(2024, 3, 1)
        assert [n.text for n in client.names] == ["ئىدرىس مامۇت"]
        assert [n.body for n in client.notes] == ["Arrested at the airport in 2023."]
    assert sorted(p.name for p in closed_store.iterdir()) == ["case.db", "keyheader", "keyheader.spare", "lock"]


def test_store_folder_is_private(tmp_path: Path) -> None:
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    with Store.create(tmp_path / "new", PASSPHRASE, CHEAP):
        pass
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700


def test_closed_store_refuses_sessions(store: Store) -> None:
    store.close()
    with pytest.raises(StoreError), store.session():
        pass
    store.close()  # closing twice is harmless


# --- refusing ------------------------------------------------------------------------------
def test_no_store(tmp_path: Path) -> None:
    for folder in (tmp_path, tmp_path / "does-not-exist"):
        with pytest.raises(NoStore) as info:
            Store.open(folder, PASSPHRASE)
        assert info.value.exit_code == 4
    assert list(tmp_path.iterdir()) == []


def test_create_on_existing_store_changes_nothing(closed_store: Path) -> None:
    before = _snapshot(closed_store)
    with pytest.raises(StoreExists):
        Store.create(closed_store, "another passphrase", CHEAP)
    assert _snapshot(closed_store) == before
    with Store.open(closed_store, PASSPHRASE, write=False):
        pass


@pytest.mark.parametrize("leftover", ["case.db", "keyheader", "keyheader.spare"])
def test_create_refuses_any_part_of_a_store(tmp_path: Path, leftover: str) -> None:
    (tmp_path / leftover).write_bytes(b"something")
    with pytest.raises(StoreExists):
        Store.create(tmp_path, PASSPHRASE, CHEAP)
    assert [p.name for p in tmp_path.iterdir()] == [leftover]
    assert (tmp_path / leftover).read_bytes() == b"something"


@pytest.mark.parametrize("write", [True, False])
def test_missing_database_is_damage_and_not_recreated(closed_store: Path, write: bool) -> None:
    (closed_store / "case.db").unlink()
    with pytest.raises(DamagedDatabase) as info:
        Store.open(closed_store, PASSPHRASE, write=write)
    assert info.value.exit_code == 6
    assert "missing" in str(info.value)
    assert not (closed_store / "case.db").exists()
    assert not (closed_store / "case.db-wal").exists()


@pytest.mark.parametrize("write", [True, False])
def test_empty_database_is_damage_and_stays_empty(closed_store: Path, write: bool) -> None:
    (closed_store / "case.db").write_bytes(b"")
    with pytest.raises(DamagedDatabase):
        Store.open(closed_store, PASSPHRASE, write=write)
    assert (closed_store / "case.db").read_bytes() == b""


@pytest.mark.parametrize("cut", ["half", "last-page", "one-byte", "first-page-only"])
@pytest.mark.parametrize("write", [True, False])
def test_truncated_database_is_damage_and_unchanged(closed_store: Path, cut: str, write: bool) -> None:
    database = closed_store / "case.db"
    data = database.read_bytes()
    assert len(data) % 4096 == 0 and len(data) >= 10 * 4096
    keep = {"half": len(data) // 2, "last-page": len(data) - 4096, "one-byte": len(data) - 1,
            "first-page-only": 4096}[cut]
    database.write_bytes(data[:keep])
    with pytest.raises(DamagedDatabase):
        Store.open(closed_store, PASSPHRASE, write=write)
    assert database.read_bytes() == data[:keep]


def test_missing_key_header_is_damage(closed_store: Path) -> None:
    (closed_store / "keyheader").unlink()
    (closed_store / "keyheader.spare").unlink()
    before = _snapshot(closed_store)
    with pytest.raises(DamagedDatabase) as info:
        Store.open(closed_store, PASSPHRASE)
    assert "key header" in str(info.value) and "missing" in str(info.value)
    assert _snapshot(closed_store) == before


def test_database_of_another_store_is_damage(tmp_path: Path) -> None:
    """A header that unwraps while the database does not decrypt is damage, not a wrong passphrase."""
    for name in ("a", "b"):
        with Store.create(tmp_path / name, PASSPHRASE, CHEAP):
            pass
    (tmp_path / "b" / "case.db").write_bytes((tmp_path / "a" / "case.db").read_bytes())
    with pytest.raises(DamagedDatabase):
        Store.open(tmp_path / "b", PASSPHRASE)


def test_database_is_encrypted(closed_store: Path) -> None:
    database = closed_store / "case.db"
    raw = database.read_bytes()
    assert not raw.startswith(b"SQLite format 3\x00")
    for plain in ("Idris Mamut", "ئىدرىس", "airport", "CREATE TABLE", "alembic_version"):
        assert plain.encode() not in raw
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
    finally:
        conn.close()
    with Store.open(closed_store, PASSPHRASE, write=False) as store:
        assert store.engine is not None
        with store.engine.connect() as conn2:
            version = conn2.exec_driver_sql("PRAGMA cipher_version").scalar()
            assert isinstance(version, str) and int(version.split(".")[0]) >= 4


@pytest.mark.parametrize("write", [True, False])
def test_unknown_schema_revision_is_newer_store(closed_store: Path, write: bool) -> None:
    with Store.open(closed_store, PASSPHRASE) as store:
        assert store.engine is not None
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    database = closed_store / "case.db"
    before = database.read_bytes()
    with pytest.raises(NewerStore) as info:
        Store.open(closed_store, PASSPHRASE, write=write)
    assert info.value.exit_code == 7
    assert "9999" in str(info.value)
    assert database.read_bytes() == before
    assert not (closed_store / "pre-migration").exists()


def test_failed_open_releases_the_lock(closed_store: Path) -> None:
    (closed_store / "case.db").write_bytes(b"")
    with pytest.raises(DamagedDatabase):
        Store.open(closed_store, PASSPHRASE)
    (closed_store / "case.db").unlink()
    with pytest.raises(DamagedDatabase):
        Store.open(closed_store, PASSPHRASE)  # DamagedDatabase again, not StoreLocked


# --- one writer ----------------------------------------------------------------------------
def test_second_writer_in_same_process_is_locked(store: Store) -> None:
    with pytest.raises(StoreLocked):
        Store.open(store.paths.root, PASSPHRASE)


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_second_writer_in_another_process_is_locked(store: Store) -> None:
    child = _child(store.paths.root, "once")
    out, err = child.communicate(timeout=CHILD_TIMEOUT)
    assert child.returncode == 8, (out, err)
    assert out.strip() == "StoreLocked"
    store.close()
    child = _child(store.paths.root, "once")  # and once the first writer is gone, it may write
    out, err = child.communicate(timeout=CHILD_TIMEOUT)
    assert child.returncode == 0, (out, err)
    assert out.strip() == "ready"


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_lock_of_killed_writer_is_reclaimed(closed_store: Path, holder: subprocess.Popen[str]) -> None:
    with pytest.raises(StoreLocked):
        Store.open(closed_store, PASSPHRASE)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=CHILD_TIMEOUT)
    assert holder.returncode == -signal.SIGKILL
    with Store.open(closed_store, PASSPHRASE) as store:
        with store.session() as session:
            names = sorted(c.display_name for c in session.exec(select(m.Client)))
        assert names == ["Idris Mamut", "Written by the child"]  # the child's commit survived
        assert store.integrity_problems() == []
        assert store.audit_report().intact


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_read_only_open_beside_a_writer_in_another_process(closed_store: Path,
                                                           holder: subprocess.Popen[str]) -> None:
    with Store.open(closed_store, PASSPHRASE, write=False) as reader:
        assert not reader.writable
        with reader.session() as session:
            names = sorted(c.display_name for c in session.exec(select(m.Client)))
        assert names == ["Idris Mamut", "Written by the child"]
    assert holder.poll() is None


def test_read_only_store_cannot_write(store: Store) -> None:
    with store.session() as session:
        session.add(m.Client(display_name="Before"))
    with Store.open(store.paths.root, PASSPHRASE, write=False) as reader:
        # an ORM change is refused, not silently dropped
        with pytest.raises(StoreError, match="read-only"), reader.session() as session:
            session.add(m.Client(display_name="Not saved"))
        with pytest.raises(StoreError, match="read-only"), reader.session() as session:
            session.exec(select(m.Client)).one().display_name = "Renamed"
        # a flush or a raw statement fails in the database itself
        with pytest.raises(OperationalError), reader.session() as session:
            session.add(m.Client(display_name="Not saved"))
            session.flush()
        assert reader.engine is not None
        with pytest.raises(OperationalError), reader.engine.begin() as conn:
            conn.execute(text("DELETE FROM client"))
        # reading still works, and the writer's later commits are seen
        with store.session() as session:
            session.add(m.Client(display_name="After"))
        with reader.session() as session:
            assert sorted(c.display_name for c in session.exec(select(m.Client))) == ["After", "Before"]
            assert session.exec(select(m.AuditEntry)).all()[-1].summary.startswith("display_name=After")


# --- exit codes ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("error", "code"),
    [(WrongPassphrase, 3), (NoStore, 4), (StoreExists, 4), (DamagedHeader, 5), (DamagedDatabase, 6),
     (NewerStore, 7), (StoreLocked, 8)],
)
def test_exit_codes(error: type[LawyerDeskError], code: int) -> None:
    assert error.exit_code == code
    assert error("message").exit_code == code
    assert issubclass(error, StoreError)
