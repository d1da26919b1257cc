"""``passwd``, ``backup`` and ``restore`` as a script sees them: real processes, exit codes, one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lawyer_desk.core.store import Store
from tests.conftest import PASSPHRASE
from tests.core.store.backup_helpers import contents, digests, make_filled_store, member_offset
from tests.e2e.helpers import assert_error, assert_ok, cli_env, run_cli, run_many

NEW = "a brand new passphrase"


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with cases and evidence that the tests copy before changing."""
    base = tmp_path_factory.mktemp("filled")
    return make_filled_store(base / "store", base / "evidence")


@pytest.fixture
def store(filled: Path, tmp_path: Path) -> Path:
    shutil.copytree(filled, tmp_path / "store")
    return tmp_path / "store"


# --- passwd ------------------------------------------------------------------------------
@pytest.mark.slow
def test_passwd_changes_the_passphrase(store: Path, tmp_path: Path) -> None:
    before = contents(store)
    result = run_cli("passwd", "--data-dir", store, env=cli_env(LAWYER_DESK_NEW_PASSPHRASE=NEW))
    assert_ok(result)
    assert "Changed the passphrase" in result.stdout
    assert "still open with the old passphrase" in result.stderr
    header = json.loads((store / "keyheader").read_text())
    assert header["kdf"]["memory_cost_kib"] == 128 * 1024  # calibrated here, not the cheap test cost
    old, new = run_many([("cases", "--data-dir", store)] * 2, env=[cli_env(), cli_env(NEW)])
    assert_error(old, 3, "passphrase is wrong")
    assert_ok(new)
    assert contents(store, NEW) == before
    # and back, with the passphrases from files
    (tmp_path / "old.txt").write_text(NEW + "\n")
    (tmp_path / "new.txt").write_text(PASSPHRASE + "\nsecond line ignored\n")
    assert_ok(run_cli("passwd", "--data-dir", store, "--passphrase-file", tmp_path / "old.txt",
                      "--new-passphrase-file", tmp_path / "new.txt", passphrase=None))
    assert contents(store) == before


def test_passwd_refusals(store: Path, tmp_path: Path) -> None:
    before = digests(store)
    results = run_many([
        ("passwd", "--data-dir", store),
        ("passwd", "--data-dir", store),
        ("passwd", "--data-dir", store),
        ("passwd", "--data-dir", store),
        ("passwd", "--data-dir", store, "--new-passphrase-file", tmp_path / "missing.txt"),
    ], env=[cli_env(LAWYER_DESK_NEW_PASSPHRASE="short"), cli_env(LAWYER_DESK_NEW_PASSPHRASE=PASSPHRASE),
            cli_env("wrong passphrase", LAWYER_DESK_NEW_PASSPHRASE=NEW), cli_env(), cli_env()])
    assert_error(results[0], 1, "too short", "nothing was changed")
    assert_error(results[1], 1, "same as the old one")
    assert_error(results[2], 3, "passphrase is wrong")
    assert_error(results[3], 2, "No new passphrase", "LAWYER_DESK_NEW_PASSPHRASE")
    assert_error(results[4], 1, "Cannot read the new passphrase file")
    assert digests(store) == before


# --- backup and restore ------------------------------------------------------------------
def test_backup_out_and_restore(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "trip.ldbackup"
    result = run_cli("backup", "--data-dir", store, "--out", out, "--json")
    assert_ok(result)
    report = json.loads(result.stdout)
    assert report["backup"] == str(out) and report["cases"] == 5 and report["evidence_files"] == 2
    assert report["warnings"] == [] and report["removed"] == []
    again, restored, dry = run_many([
        ("backup", "--data-dir", store, "--out", out),
        ("restore", out, "--data-dir", tmp_path / "new", "--json"),
        ("restore", out, "--dry-run", "--data-dir", tmp_path / "unused"),
    ])
    assert_error(again, 1, "already exists", "never replaces")
    assert_ok(restored)
    assert json.loads(restored.stdout)["cases"] == 5 and json.loads(restored.stdout)["quarantine"] is None
    assert_ok(dry)
    assert "is whole and opens: 5 cases, 2 evidence files" in dry.stdout
    assert not (tmp_path / "unused").exists()
    assert contents(tmp_path / "new") == contents(store)


def test_restore_refusals(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.ldbackup"
    assert_ok(run_cli("backup", "--data-dir", store, "--out", out))
    damaged = tmp_path / "damaged.ldbackup"
    data = bytearray(out.read_bytes())
    offset, size = member_offset(out, "case.db")
    data[offset + size // 3] ^= 0x01
    damaged.write_bytes(bytes(data))
    before = digests(store)
    results = run_many([
        ("restore", out, "--data-dir", store),
        ("restore", out, "--data-dir", tmp_path / "new1"),
        ("restore", damaged, "--data-dir", tmp_path / "new2"),
        ("restore", tmp_path / "nothing.ldbackup", "--data-dir", tmp_path / "new3"),
        ("restore", "--data-dir", tmp_path / "new4"),
        ("restore", out, "--latest", "--data-dir", store),
    ], env=[cli_env(), cli_env("wrong passphrase"), cli_env(), cli_env(), cli_env(), cli_env()])
    assert_error(results[0], 4, "already holds a store", "never replaces")
    assert_error(results[1], 3, "does not open the backup b.ldbackup")
    assert_error(results[2], 6, "damaged.ldbackup: case.db does not match its SHA-256")
    assert_error(results[3], 1, "Cannot read the backup")
    assert_error(results[4], 2, "--latest")
    assert_error(results[5], 2, "--latest")
    assert digests(store) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.ldbackup", "damaged.ldbackup", "store"]


def test_automatic_backups_list_and_second_folder(store: Path, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    set_folder = run_cli("backup", "--data-dir", store, "--second-folder", usb, passphrase=None)
    assert_ok(set_folder)
    assert f"copied to {usb}" in set_folder.stdout
    made = run_cli("backup", "--data-dir", store, "--json")
    assert_ok(made)
    report = json.loads(made.stdout)
    assert Path(report["backup"]).parent == store / "backups"
    assert report["second_copy"] == str(usb / Path(report["backup"]).name)
    due, listed, missing_folder = run_many([
        ("backup", "--data-dir", store, "--if-due", "--json"),
        ("backup", "--list", "--data-dir", store, "--json"),
        ("backup", "--data-dir", store, "--second-folder", tmp_path / "not-there"),
    ], env=[cli_env(), cli_env(None), cli_env(None)])
    assert_ok(due)
    assert json.loads(due.stdout) == {"backup": None}
    assert_ok(listed)
    assert [b["path"] for b in json.loads(listed.stdout)["backups"]] == [report["backup"], report["second_copy"]]
    assert_error(missing_folder, 1, "is not a folder")
    assert_ok(run_cli("backup", "--data-dir", store, "--no-second-folder", passphrase=None))
    assert json.loads((store / "backup-settings.json").read_text())["second_folder"] is None


@pytest.mark.slow
def test_restore_latest_replaces_a_damaged_store(store: Path) -> None:
    assert_ok(run_cli("backup", "--data-dir", store))
    expected = contents(store)
    healthy = run_cli("restore", "--latest", "--data-dir", store)
    assert_error(healthy, 1, "passes its checks", "--force")
    with Store.open(store, PASSPHRASE, write=False) as opened:
        assert opened.engine is not None
        with opened.engine.connect() as conn:
            page = int(conn.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'client'").scalar())
    data = bytearray((store / "case.db").read_bytes())
    data[(page - 1) * 4096 + 3000] ^= 0x01
    (store / "case.db").write_bytes(bytes(data))
    damaged = (store / "case.db").read_bytes()
    assert_error(run_cli("cases", "--data-dir", store), 6, "damaged")
    result = run_cli("restore", "--latest", "--data-dir", store, "--json")
    assert_ok(result)
    report = json.loads(result.stdout)
    assert Path(report["quarantine"]).parent == store / "quarantine"
    assert (Path(report["quarantine"]) / "case.db").read_bytes() == damaged
    assert contents(store) == expected
    assert_ok(run_cli("verify", "--data-dir", store))


def test_verify_names_the_damaged_page_and_log(store: Path, tmp_path: Path) -> None:
    """``verify`` runs SQLCipher's page check; a damaged write-ahead log is refused in one line."""
    with Store.open(store, PASSPHRASE) as opened:
        assert opened.engine is not None
        with opened.engine.connect() as conn:
            page = int(conn.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'note'").scalar())
    log_store = tmp_path / "log"
    shutil.copytree(store, log_store)
    data = bytearray((store / "case.db").read_bytes())
    data[(page - 1) * 4096 + 2222] ^= 0x01
    (store / "case.db").write_bytes(bytes(data))
    # A log with committed frames, then one of its frames damaged.
    with Store.open(log_store, PASSPHRASE) as opened:
        from lawyer_desk.core import models as m

        for i in range(3):
            with opened.session() as session:
                session.add(m.Client(display_name=f"late {i}"))
        shutil.copytree(log_store, tmp_path / "crashed", ignore=shutil.ignore_patterns("lock"))
    wal = tmp_path / "crashed" / "case.db-wal"
    data = bytearray(wal.read_bytes())
    data[32 + 24 + 100] ^= 0x01  # inside the first frame
    wal.write_bytes(bytes(data))
    page_check, log_check = run_many([("verify", "--data-dir", store, "--json"),
                                      ("cases", "--data-dir", tmp_path / "crashed")])
    assert page_check.returncode == 1, page_check.stderr
    report = json.loads(page_check.stdout)
    assert report["ok"] is False
    assert f"encryption: HMAC verification failed for page {page}" in report["database"]
    assert_error(log_check, 6, "write-ahead log is damaged", "case.db-wal is damaged at frame 1")
