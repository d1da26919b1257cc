"""Automatic backups: when one is due, rotation (7 daily, 4 weekly), the second folder, the settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lawyer_desk.core import models as m
from lawyer_desk.core.errors import StoreError
from lawyer_desk.core.store import Store
from lawyer_desk.core.store.autobackup import (
    SETTINGS_FILE,
    BackupSettings,
    automatic_backups,
    automatic_name,
    backup_if_due,
    backup_now,
    backups_to_keep,
    rotate,
)
from lawyer_desk.core.store.backup import check_backup
from tests.conftest import PASSPHRASE
from tests.core.store.backup_helpers import digests, fill

NOON = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def small(store: Store, tmp_path: Path) -> Store:
    fill(store, tmp_path / "evidence", files=1, size=20_000)
    return store


def _add_case(store: Store, name: str) -> None:
    with store.session() as session:
        session.add(m.Client(display_name=name))


# --- rotation ----------------------------------------------------------------------------
def test_keep_seven_days_then_four_weeks() -> None:
    stamps = [NOON - timedelta(days=d, hours=h) for d in range(60) for h in (0, 5)]  # two a day for 60 days
    kept = backups_to_keep(stamps, 7, 4, UTC)
    days = sorted({s.date() for s in kept}, reverse=True)
    assert len(kept) == 11
    assert days[:7] == [(NOON - timedelta(days=d)).date() for d in range(7)]  # the newest of each of 7 days
    assert all(s.hour == 12 for s in kept)  # the newest of its day
    weekly = days[7:]
    assert [d.isocalendar().week for d in weekly] == [45, 44, 43, 42]  # then one per earlier week, newest first
    assert all(d.weekday() == 6 for d in weekly)  # Sunday: the newest day of each of those weeks


def test_keep_everything_while_few() -> None:
    stamps = [NOON - timedelta(days=d) for d in (0, 1, 3, 20)]
    assert backups_to_keep(stamps, 7, 4, UTC) == set(stamps)
    assert backups_to_keep([], 7, 4, UTC) == set()


def test_rotate_touches_only_this_stores_automatic_backups(tmp_path: Path) -> None:
    store_id = "0123456789ab" + "c" * 20
    other_id = "ffffffffffff" + "0" * 20
    for d in range(20):
        (tmp_path / automatic_name(store_id, NOON - timedelta(days=d))).write_bytes(b"x")
        (tmp_path / automatic_name(other_id, NOON - timedelta(days=d))).write_bytes(b"y")
    (tmp_path / "before-the-trip.ldbackup").write_bytes(b"manual")
    removed = rotate(tmp_path, store_id, BackupSettings(), UTC)
    assert len(removed) == 20 - 7 - 2  # 7 days, and 2 more weeks hold backups (4 allowed)
    assert len(automatic_backups(tmp_path, store_id)) == 9
    assert len(automatic_backups(tmp_path, other_id)) == 20
    assert (tmp_path / "before-the-trip.ldbackup").exists()


# --- when a backup is due ----------------------------------------------------------------
def test_backup_if_due(small: Store) -> None:
    first = backup_if_due(small, NOON)
    assert first is not None and first.info.path.parent == small.paths.backups
    assert first.info.path.name == automatic_name(small.header.store_id, NOON)
    assert backup_if_due(small, NOON + timedelta(hours=6)) is None  # the same day
    assert backup_if_due(small, NOON + timedelta(days=1)) is None  # a new day, but nothing changed
    _add_case(small, "New client")
    second = backup_if_due(small, NOON + timedelta(days=1))
    assert second is not None and second.summary.cases == first.summary.cases + 1
    assert backup_if_due(small, NOON + timedelta(days=8)) is not None  # unchanged for a week: made anyway
    assert len(automatic_backups(small.paths.backups, small.header.store_id)) == 3
    assert check_backup(second.info.path, PASSPHRASE).summary.cases == second.summary.cases


def test_evidence_added_makes_a_backup_due(small: Store, tmp_path: Path) -> None:
    assert backup_if_due(small, NOON)
    (tmp_path / "new.txt").write_bytes(b"a new exhibit")
    from lawyer_desk.core import exhibits

    assert exhibits.add_files(small, 1, [tmp_path / "new.txt"])[0].ok
    again = backup_if_due(small, NOON + timedelta(days=1))
    assert again is not None and again.summary.vault_objects == 2


def test_thirty_days_of_backups_are_rotated(small: Store) -> None:
    for day in range(30):
        _add_case(small, f"Client of day {day}")
        made = backup_if_due(small, NOON + timedelta(days=day))
        assert made is not None
    left = automatic_backups(small.paths.backups, small.header.store_id)
    # 16 Nov - 15 Dec: the 7 days 9-15 Dec, then the Sundays of the 3 earlier weeks (the week of
    # 9 Dec already holds kept backups, and there is no fifth week).
    assert [stamp.date().isoformat() for stamp, _ in left] == [
        *[f"2026-12-{day:02d}" for day in range(15, 8, -1)], "2026-12-06", "2026-11-29", "2026-11-22"]
    assert not [p for p in small.paths.backups.iterdir() if p.name.startswith(".")]


def test_automatic_backups_need_a_writable_store(small: Store) -> None:
    small.close()
    with Store.open(small.paths.root, PASSPHRASE, write=False) as reader, pytest.raises(StoreError):
        backup_now(reader)


# --- the second folder -------------------------------------------------------------------
def test_copy_in_the_second_folder(small: Store, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    BackupSettings(second_folder=usb).save(small.paths.root)
    made = backup_now(small, NOON)
    assert made.warnings == [] and made.second_copy == usb / made.info.path.name
    assert made.second_copy.read_bytes() == made.info.path.read_bytes()
    assert [p.name for p in usb.iterdir()] == [made.info.path.name]
    for day in range(1, 12):
        _add_case(small, f"day {day}")
        backup_now(small, NOON + timedelta(days=day))
    here = [p.name for _, p in automatic_backups(small.paths.backups, small.header.store_id)]
    assert len(here) == 7  # 16-27 Nov: the 7 days 21-27 Nov, and the week before holds one of them
    assert [p.name for _, p in automatic_backups(usb, small.header.store_id)] == here  # rotated there too


def test_missing_second_folder_is_a_warning(small: Store, tmp_path: Path) -> None:
    BackupSettings(second_folder=tmp_path / "stick-not-plugged-in").save(small.paths.root)
    made = backup_now(small, NOON)
    assert made.info.path.exists() and made.second_copy is None
    assert len(made.warnings) == 1 and "is not there" in made.warnings[0]
    assert not (tmp_path / "stick-not-plugged-in").exists()


def test_leftovers_of_killed_backups_are_swept(small: Store) -> None:
    small.paths.backups.mkdir()
    prefix = small.header.store_id[:12]
    (small.paths.backups / f".{prefix}-20261101T000000Z.ldbackup.abc.tmp").write_bytes(b"half")
    (small.paths.backups / f".{prefix}-20261101T000000Z.ldbackup.abc.work").mkdir()
    (small.paths.backups / ".someone-elses.tmp").write_bytes(b"not ours")
    backup_now(small, NOON)
    assert sorted(p.name for p in small.paths.backups.iterdir() if p.name.startswith(".")) == [".someone-elses.tmp"]


# --- settings ----------------------------------------------------------------------------
def test_settings_round_trip_and_defaults(tmp_path: Path) -> None:
    assert BackupSettings.load(tmp_path) == BackupSettings()
    BackupSettings(Path("/media/usb/desk"), 10, 2).save(tmp_path)
    assert BackupSettings.load(tmp_path) == BackupSettings(Path("/media/usb/desk"), 10, 2)
    for text in ("not json", "[1, 2]", '{"keep_daily": -3, "keep_weekly": "four", "second_folder": 7}',
                 '{"keep_daily": true}'):
        (tmp_path / SETTINGS_FILE).write_text(text)
        assert BackupSettings.load(tmp_path) == BackupSettings()
    before = digests(tmp_path)
    assert before  # loading never writes


def test_two_backups_in_the_same_second_keep_the_one_just_made(small: Store) -> None:
    """Back Up Now clicked twice: the second file (``-2``) is the newest and survives rotation."""
    backup_now(small, NOON)
    _add_case(small, "Added between the clicks")
    second = backup_now(small, NOON)
    assert second.info.path.exists(), "rotation removed the backup it had just written"
    (newest, *_) = automatic_backups(small.paths.backups, small.header.store_id)
    assert newest[1] == second.info.path
    assert check_backup(second.info.path, PASSPHRASE).summary.cases == second.summary.cases
