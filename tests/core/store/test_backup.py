"""Backup files: what they hold, that nothing in them is plaintext, and that no damage slips through."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from lawyer_desk.core import exhibit_checks
from lawyer_desk.core.errors import DamagedDatabase, StoreError, WrongPassphrase
from lawyer_desk.core.store import Store
from lawyer_desk.core.store.backup import DamagedBackup, check_backup, read_info, write_backup
from lawyer_desk.core.store.passphrase import change_passphrase
from tests.conftest import PASSPHRASE
from tests.core.store.backup_helpers import (
    CANARY,
    CHEAP,
    EVIDENCE_CANARY,
    contents,
    make_filled_store,
    member_offset,
    members,
    rebuild,
)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed store with the demo cases, a canary client and two evidence files (read only here)."""
    base = tmp_path_factory.mktemp("source")
    return make_filled_store(base / "store", base / "evidence")


@pytest.fixture(scope="module")
def made(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A backup of ``source``, made once for the tests that only read it."""
    out = tmp_path_factory.mktemp("backups") / "made.ldbackup"
    with Store.open(source, PASSPHRASE) as store:
        written = write_backup(store, out)
    assert written.warnings == []
    return out


def _backup(root: Path, out: Path, passphrase: str = PASSPHRASE) -> Path:
    with Store.open(root, passphrase) as store:
        write_backup(store, out)
    return out


# --- what a backup holds -----------------------------------------------------------------
def test_backup_holds_header_database_evidence_and_manifest(source: Path, made: Path) -> None:
    names = members(made)
    objects = sorted(p.name for p in (source / "vault").iterdir())
    assert names == ["backup.json", "keyheader", "case.db", *[f"vault/{o}" for o in objects], "manifest.json"]
    assert len(objects) == 2
    with tarfile.open(made) as tar:
        handle = tar.extractfile("keyheader")
        assert handle is not None
        assert handle.read() == (source / "keyheader").read_bytes()
        for name in objects:
            handle = tar.extractfile(f"vault/{name}")
            assert handle is not None
            assert handle.read() == (source / "vault" / name).read_bytes()  # the vault's own encryption, as is
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert [f["name"] for f in manifest["files"]] == names[:-1]
    assert set(manifest["sealed"]) == {"alg", "nonce", "ciphertext"}
    info = read_info(made)
    with Store.open(source, PASSPHRASE, write=False) as store:
        assert info.store_id == store.header.store_id


def test_nothing_in_a_backup_is_plaintext(made: Path) -> None:
    raw = made.read_bytes()
    for plain in (CANARY.encode(), EVIDENCE_CANARY, b"Idris Mamut", "ئىدرىس".encode(), b"CREATE TABLE",
                  b"SQLite format 3", b"audit_entry", b"cases\""):
        assert plain not in raw, plain
    with tarfile.open(made) as tar:
        info = json.loads(tar.extractfile("backup.json").read())  # type: ignore[union-attr]
    assert set(info) == {"format", "version", "created", "store_id", "program"}


def test_check_opens_everything_and_keeps_nothing(source: Path, made: Path) -> None:
    before = sorted(made.parent.iterdir())
    checked = check_backup(made, PASSPHRASE)
    assert checked.warnings == []
    expected = contents(source)
    assert checked.summary.cases == len(expected["names"])
    assert (checked.summary.audit_entries, checked.summary.audit_head) == expected["audit"][:2]
    assert checked.summary.vault_objects == 2
    assert sorted(made.parent.iterdir()) == before


def test_backup_is_a_snapshot_of_the_live_store(source: Path, tmp_path: Path) -> None:
    """Made while the store is open and written to: the backup holds the state at its start."""
    from tests.core.store.backup_helpers import fill

    root = tmp_path / "live"
    with Store.create(root, PASSPHRASE, CHEAP) as store:
        fill(store, tmp_path / "ev", files=1)
        out = tmp_path / "live.ldbackup"
        write_backup(store, out)
        with store.session() as session:
            from lawyer_desk.core import models as m

            session.add(m.Client(display_name="After the backup"))
    checked = check_backup(out, PASSPHRASE)
    assert checked.summary.cases == len(contents(root)["names"]) - 1


# --- refusing ------------------------------------------------------------------------------
def test_backup_never_replaces_a_file(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "exists.ldbackup"
    out.write_bytes(b"something precious")
    with Store.open(source, PASSPHRASE) as store, pytest.raises(StoreError, match="already exists"):
        write_backup(store, out)
    assert out.read_bytes() == b"something precious"
    with Store.open(source, PASSPHRASE) as store, pytest.raises(StoreError, match="does not exist"):
        write_backup(store, tmp_path / "no-such-folder" / "b.ldbackup")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exists.ldbackup"]


def test_backup_of_a_damaged_database_is_refused(tmp_path: Path) -> None:
    root = make_filled_store(tmp_path / "store", tmp_path / "ev", files=0)
    with Store.open(root, PASSPHRASE) as store:
        assert store.engine is not None
        with store.engine.connect() as conn:
            page = conn.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'note'").scalar()
    data = bytearray((root / "case.db").read_bytes())
    data[(int(page) - 1) * 4096 + 2000] ^= 0x01
    (root / "case.db").write_bytes(bytes(data))
    out = tmp_path / "out" / "b.ldbackup"
    out.parent.mkdir()
    with Store.open(root, PASSPHRASE) as store, pytest.raises(DamagedDatabase, match="no backup was made"):
        write_backup(store, out)
    assert list(out.parent.iterdir()) == []


def test_damaged_evidence_is_carried_and_named(tmp_path: Path) -> None:
    root = make_filled_store(tmp_path / "store", tmp_path / "ev")
    damaged = sorted((root / "vault").iterdir())[0]
    data = bytearray(damaged.read_bytes())
    data[-100] ^= 0x01
    damaged.write_bytes(bytes(data))
    with Store.open(root, PASSPHRASE) as store:
        written = write_backup(store, tmp_path / "b.ldbackup")
        problem = next(c for c in exhibit_checks.verify(store, record=False).checks if not c.ok)
    assert len(written.warnings) == 1
    assert f"exhibit {problem.number} of case 1" in written.warnings[0] and "altered" in written.warnings[0]
    checked = check_backup(tmp_path / "b.ldbackup", PASSPHRASE)
    assert checked.summary.vault_objects == 2
    assert any("altered" in w for w in checked.warnings)


def test_cancelled_backup_leaves_nothing(source: Path, tmp_path: Path) -> None:
    class StopHalfWay:
        def __init__(self) -> None:
            self.seen: list[tuple[int, int, str]] = []

        def report(self, done: int, total: int = 0, label: str = "") -> None:
            self.seen.append((done, total, label))

        def check(self) -> None:
            if any(label == "Copying evidence" for _, _, label in self.seen):
                raise KeyboardInterrupt

    progress = StopHalfWay()
    with Store.open(source, PASSPHRASE) as store, pytest.raises(KeyboardInterrupt):
        write_backup(store, tmp_path / "b.ldbackup", progress=progress)
    assert list(tmp_path.iterdir()) == []
    assert progress.seen[0][2] == "Copying the database"


def test_progress_counts_bytes_to_the_end(source: Path, tmp_path: Path) -> None:
    class Seen:
        def __init__(self) -> None:
            self.reports: list[tuple[int, int, str]] = []

        def report(self, done: int, total: int = 0, label: str = "") -> None:
            self.reports.append((done, total, label))

        def check(self) -> None:
            pass

    seen = Seen()
    with Store.open(source, PASSPHRASE) as store:
        write_backup(store, tmp_path / "b.ldbackup", progress=seen)
    labels = [label for _, _, label in seen.reports]
    assert {"Copying the database", "Copying evidence", "Checking the backup", "Backup written"} <= set(labels)
    done, total, _ = seen.reports[-1]
    assert done == total > 600_000


def test_old_backup_keeps_the_old_passphrase(tmp_path: Path) -> None:
    root = make_filled_store(tmp_path / "store", tmp_path / "ev", files=0)
    before = _backup(root, tmp_path / "before.ldbackup")
    with Store.open(root, PASSPHRASE) as store:
        change_passphrase(store, PASSPHRASE, "the new passphrase", kdf=CHEAP)
    after = _backup(root, tmp_path / "after.ldbackup", "the new passphrase")
    assert check_backup(before, PASSPHRASE).summary.cases == 5
    with pytest.raises(WrongPassphrase, match="when the backup was made"):
        check_backup(before, "the new passphrase")
    assert check_backup(after, "the new passphrase").summary.cases == 5
    with pytest.raises(WrongPassphrase):
        check_backup(after, PASSPHRASE)


# --- damage matrix of the backup file -------------------------------------------------------
def _damage(made: Path, out: Path, how: str, member: str) -> Path:
    data = bytearray(made.read_bytes())
    offset, size = member_offset(made, member)
    if how == "flip":
        data[offset + size // 2] ^= 0x01
    elif how == "zero":
        data[offset:offset + size] = bytes(size)
    elif how == "truncate":
        data = data[:offset + size // 2]
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize("how", ["flip", "zero", "truncate"])
@pytest.mark.parametrize("member", ["case.db", "vault", "keyheader", "manifest.json", "backup.json"])
def test_damaged_member_is_named(made: Path, tmp_path: Path, how: str, member: str) -> None:
    name = next(n for n in members(made) if n.startswith(member))
    bad = _damage(made, tmp_path / "bad.ldbackup", how, name)
    with pytest.raises(DamagedBackup) as info:
        check_backup(bad, PASSPHRASE)
    message = str(info.value)
    assert message.startswith("bad.ldbackup:"), message
    if how == "flip" and member in ("case.db", "vault"):
        assert f"{name} does not match its SHA-256" in message
    if how == "flip" and member == "keyheader":
        assert "key header is damaged" in message
    assert info.value.exit_code == 6
    assert list(tmp_path.iterdir()) == [bad]  # nothing unpacked was left behind


@pytest.mark.parametrize("raw", [b"", b"\x00" * 10240, b"not a backup at all", b"PK\x03\x04 a zip file"])
def test_not_a_backup(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "x.ldbackup"
    path.write_bytes(raw)
    for call in (lambda: read_info(path), lambda: check_backup(path, PASSPHRASE)):
        with pytest.raises(DamagedBackup, match="not a lawyer_desk backup"):
            call()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DamagedBackup, match="cannot be read"):
        read_info(tmp_path / "gone.ldbackup")
    with pytest.raises(StoreError, match="Cannot read the backup"):
        check_backup(tmp_path / "gone.ldbackup", PASSPHRASE)


def test_forged_members_are_caught(made: Path, source: Path, tmp_path: Path) -> None:
    """Replacing, dropping or adding a member, or editing the manifest, is seen."""
    other = tmp_path / "other"
    with Store.create(other, PASSPHRASE, CHEAP):
        pass
    object_name = next(n for n in members(made) if n.startswith("vault/"))
    with tarfile.open(made) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    edited = json.loads(json.dumps(manifest))
    edited["files"][2]["sha256"] = "0" * 64
    _, db_size = member_offset(made, "case.db")
    same_size = ((other / "case.db").read_bytes() + bytes(db_size))[:db_size]
    forged = {
        "older database": ({"case.db": (other / "case.db").read_bytes()}, set(), {}),
        "database of the same size": ({"case.db": same_size}, set(), {}),
        "object dropped": ({}, {object_name}, {}),
        "object added": ({}, set(), {"vault/0123456789abcdef0123456789abcdef": b"x" * 64}),
        "manifest edited": ({"manifest.json": json.dumps(edited).encode()}, set(), {}),
        "path escape": ({}, set(), {"vault/../../escape": b"x"}),
        "another store's header": ({"keyheader": (other / "keyheader").read_bytes()}, set(), {}),
    }
    messages = {}
    for what, (replace, drop, add) in forged.items():
        bad = rebuild(made, tmp_path / "forged.ldbackup", replace, drop, add)
        with pytest.raises(DamagedBackup) as info:
            check_backup(bad, PASSPHRASE)
        messages[what] = str(info.value)
        bad.unlink()
    assert "case.db of another size" in messages["older database"]
    assert "case.db does not match its SHA-256" in messages["database of the same size"]
    assert f"{object_name} missing" in messages["object dropped"]
    assert "vault/0123456789abcdef0123456789abcdef not listed" in messages["object added"]
    assert "fails its seal" in messages["manifest edited"]
    assert "unexpected entry" in messages["path escape"]
    assert "another store" in messages["another store's header"]
    assert not (tmp_path.parent / "escape").exists()
