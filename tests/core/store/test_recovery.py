"""Restoring into a new folder, and replacing a damaged store by its newest good backup."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lawyer_desk.core.errors import NotFound, StoreError, StoreExists, StoreLocked, WrongPassphrase
from lawyer_desk.core.store import Store
from lawyer_desk.core.store.autobackup import BackupSettings, backup_now
from lawyer_desk.core.store.backup import DamagedBackup, write_backup
from lawyer_desk.core.store.recovery import diagnose, list_backups, recover, restore
from tests.conftest import PASSPHRASE
from tests.core.store.backup_helpers import contents, digests, make_filled_store, member_offset


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, object]]:
    """A closed store, a backup of it, and what the store held (read only here)."""
    base = tmp_path_factory.mktemp("original")
    root = make_filled_store(base / "store", base / "evidence")
    with Store.open(root, PASSPHRASE) as store:
        write_backup(store, base / "backup.ldbackup")
    return root, base / "backup.ldbackup", contents(root)


@pytest.fixture
def damaged_store(tmp_path: Path) -> Path:
    """A store with two automatic backups (the second has one more case) and a flipped page."""
    root = make_filled_store(tmp_path / "store", tmp_path / "evidence")
    with Store.open(root, PASSPHRASE) as store:
        backup_now(store, datetime.now(UTC) - timedelta(days=1))  # rotation keeps one a day
        from lawyer_desk.core import models as m

        with store.session() as session:
            session.add(m.Client(display_name="Added before the second backup"))
        backup_now(store)
    _flip_page(root)
    return root


def _unchanged(root: Path, before: dict[str, str]) -> bool:
    """Every file as it was; a read-only open may add an empty ``-wal`` and its ``-shm`` index."""
    after = digests(root)
    wal = root / "case.db-wal"
    assert "case.db-wal" in before or not wal.exists() or wal.stat().st_size == 0
    return {k: v for k, v in after.items() if k not in ("case.db-wal", "case.db-shm") or k in before} == before


def _flip_page(root: Path) -> None:
    data = bytearray((root / "case.db").read_bytes())
    data[5 * 4096 + 1000] ^= 0x01
    (root / "case.db").write_bytes(bytes(data))


# --- into a new folder ---------------------------------------------------------------------
@pytest.mark.parametrize("target", ["new", "new/nested/deeper", "empty"])
def test_restore_into_a_new_or_empty_folder(original: tuple[Path, Path, dict[str, object]], tmp_path: Path,
                                            target: str) -> None:
    _, backup, expected = original
    (tmp_path / "empty").mkdir()
    done = restore(backup, tmp_path / target, PASSPHRASE)
    assert done.root == (tmp_path / target).absolute() and done.warnings == []
    assert sorted(p.name for p in (tmp_path / target).iterdir()) == ["case.db", "keyheader", "keyheader.spare",
                                                                    "lock", "vault"]
    assert contents(tmp_path / target) == expected
    assert not [p for p in (tmp_path / target).parent.iterdir() if p.name.startswith(".")]
    if os.name == "posix":
        assert (tmp_path / target).stat().st_mode & 0o777 == 0o700
    with Store.open(tmp_path / target, PASSPHRASE) as store:  # a normal, writable store
        assert store.writable


def test_restore_never_replaces_a_store(original: tuple[Path, Path, dict[str, object]], tmp_path: Path) -> None:
    root, backup, _ = original
    target = tmp_path / "store"
    shutil.copytree(root, target)
    before = digests(target)
    with pytest.raises(StoreExists) as info:
        restore(backup, target, PASSPHRASE)
    assert info.value.exit_code == 4
    assert digests(target) == before
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "letter.txt").write_text("mine")
    with pytest.raises(StoreError, match="not empty"):
        restore(backup, tmp_path / "full", PASSPHRASE)
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["letter.txt"]


@pytest.mark.parametrize("problem", ["wrong passphrase", "damaged"])
def test_failed_restore_leaves_nothing(original: tuple[Path, Path, dict[str, object]], tmp_path: Path,
                                       problem: str) -> None:
    _, backup, _ = original
    if problem == "damaged":
        data = bytearray(backup.read_bytes())
        offset, size = member_offset(backup, "case.db")
        data[offset + size - 10] ^= 0x01
        backup = tmp_path / "damaged.ldbackup"
        backup.write_bytes(bytes(data))
    error = WrongPassphrase if problem == "wrong passphrase" else DamagedBackup
    with pytest.raises(error):
        restore(backup, tmp_path / "new", PASSPHRASE if problem == "damaged" else "wrong")
    assert sorted(p.name for p in tmp_path.iterdir()) == ([backup.name] if problem == "damaged" else [])


def test_leftovers_of_a_killed_restore_are_removed(original: tuple[Path, Path, dict[str, object]],
                                                  tmp_path: Path) -> None:
    _, backup, expected = original
    stale = tmp_path / ".new.restoring-abc123"
    stale.mkdir()
    (stale / "case.db").write_bytes(b"half")
    restore(backup, tmp_path / "new", PASSPHRASE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new"]
    assert contents(tmp_path / "new") == expected


# --- a damaged store -----------------------------------------------------------------------
def test_diagnose(original: tuple[Path, Path, dict[str, object]], damaged_store: Path) -> None:
    root, _, _ = original
    assert diagnose(root, PASSPHRASE).ok
    health = diagnose(damaged_store, PASSPHRASE)
    assert not health.ok and health.store_id
    assert any("HMAC verification failed" in p for p in health.problems)
    with pytest.raises(WrongPassphrase):
        diagnose(damaged_store, "wrong")


def test_recover_quarantines_byte_for_byte_and_restores_the_newest(damaged_store: Path) -> None:
    root = damaged_store
    store_files = {name: digest for name, digest in digests(root).items()
                   if name.split("/")[0] in ("case.db", "keyheader", "keyheader.spare", "vault")}
    newest = list_backups(root)[0]
    done = recover(root, PASSPHRASE)
    assert done.backup == newest.path and not done.skipped and not done.resumed
    assert done.quarantine is not None and done.quarantine.parent == root / "quarantine"
    kept = digests(done.quarantine)
    assert {name: kept[name] for name in store_files} == store_files  # every damaged file, unchanged
    after = contents(root)
    assert "Added before the second backup" in after["names"]
    assert all(state == "intact" for _, state in after["evidence"])
    assert not [p for p in root.iterdir() if p.name.startswith(".restore-")]
    assert diagnose(root, PASSPHRASE).ok


def test_recover_skips_a_bad_backup(damaged_store: Path) -> None:
    newest, older = (listing.path for listing in list_backups(damaged_store))
    newest.write_bytes(newest.read_bytes()[:5000])
    done = recover(damaged_store, PASSPHRASE)
    assert done.backup == older
    assert [path for path, _ in done.skipped] == [newest]
    assert "Added before the second backup" not in contents(damaged_store)["names"]


def test_recover_without_a_good_backup_changes_nothing(damaged_store: Path) -> None:
    for listing in list_backups(damaged_store):
        data = bytearray(listing.path.read_bytes())
        offset, size = member_offset(listing.path, "case.db")
        data[offset + size // 2] ^= 0x01
        listing.path.write_bytes(bytes(data))
    before = digests(damaged_store)
    with pytest.raises(DamagedBackup, match="No good backup") as info:
        recover(damaged_store, PASSPHRASE)
    assert str(info.value).count("does not match its SHA-256") == 2
    assert _unchanged(damaged_store, before)
    assert not (damaged_store / "quarantine").exists()


def test_recover_refuses_a_healthy_store_unless_forced(damaged_store: Path) -> None:
    recover(damaged_store, PASSPHRASE)
    before = digests(damaged_store)
    with pytest.raises(StoreError, match="passes its checks"):
        recover(damaged_store, PASSPHRASE)
    assert _unchanged(damaged_store, before)
    done = recover(damaged_store, PASSPHRASE, force=True)
    assert done.quarantine is not None and (done.quarantine / "case.db").exists()


def test_recover_a_store_whose_files_are_gone(damaged_store: Path) -> None:
    for name in ("case.db", "keyheader", "keyheader.spare"):
        (damaged_store / name).unlink()
    shutil.rmtree(damaged_store / "vault")
    done = recover(damaged_store, PASSPHRASE)
    assert done.quarantine is None
    assert "Added before the second backup" in contents(damaged_store)["names"]


def test_recover_needs_a_backup_and_the_passphrase(damaged_store: Path) -> None:
    with pytest.raises(WrongPassphrase):
        recover(damaged_store, "wrong")
    shutil.rmtree(damaged_store / "backups")
    with pytest.raises(NotFound):
        recover(damaged_store, PASSPHRASE)


def test_recover_refuses_while_the_store_is_open(damaged_store: Path) -> None:
    from lawyer_desk.core.store.lock import WriterLock

    lock = WriterLock(damaged_store / "lock")
    lock.acquire()
    try:
        with pytest.raises(StoreLocked):
            recover(damaged_store, PASSPHRASE)
    finally:
        lock.release()


def test_interrupted_recovery_is_finished_by_the_next(damaged_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The moves stop half-way (as after a crash); the next recovery finishes from the checked copy."""
    from lawyer_desk.core.store import recovery

    original_rename = os.rename
    calls = {"n": 0}

    def rename_then_fail(src: object, dst: object) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(5, "Input/output error")
        original_rename(src, dst)  # type: ignore[arg-type]

    before = {k: v for k, v in digests(damaged_store).items() if k.split("/")[0] in ("case.db", "keyheader")}
    monkeypatch.setattr(recovery.os, "rename", rename_then_fail)
    with pytest.raises(OSError):
        recover(damaged_store, PASSPHRASE)
    monkeypatch.undo()
    assert [p for p in damaged_store.iterdir() if p.name.startswith(".restore-")]
    done = recover(damaged_store, PASSPHRASE)
    assert done.resumed
    assert "Added before the second backup" in contents(damaged_store)["names"]
    kept = digests(damaged_store / "quarantine")
    assert sorted(v for k, v in kept.items() if k.split("/")[1] in ("case.db", "keyheader")) == sorted(before.values())


# --- listing -------------------------------------------------------------------------------
def test_list_backups(damaged_store: Path, tmp_path: Path, original: tuple[Path, Path, dict[str, object]]) -> None:
    second = tmp_path / "usb"
    second.mkdir()
    BackupSettings(second_folder=second).save(damaged_store)
    own = list_backups(damaged_store)
    assert len(own) == 2 and own[0].info and own[1].info and own[0].info.created >= own[1].info.created
    shutil.copy(own[0].path, second / own[0].path.name)  # the copy on the stick: tried after the local one
    shutil.copy(original[1], second / "another-store.ldbackup")  # another store's: not offered
    (damaged_store / "backups" / "broken.ldbackup").write_bytes(b"junk")
    listed = list_backups(damaged_store)
    assert [item.path for item in listed[:3]] == [own[0].path, second / own[0].path.name, own[1].path]
    assert listed[-1].path.name == "broken.ldbackup" and listed[-1].info is None and listed[-1].problem
    assert len(listed) == 4
