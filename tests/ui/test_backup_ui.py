"""Backups in the window (now, on close, cancelled, failing) and the offer of a backup for a damaged store."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from lawyer_desk.core import models as m
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.core.store import autobackup as core_autobackup
from lawyer_desk.core.store.autobackup import BackupSettings, automatic_backups, backup_now
from lawyer_desk.core.store.backup import check_backup
from lawyer_desk.ui import backup_ui, tasks
from lawyer_desk.ui.app import open_or_create_store
from lawyer_desk.ui.recovery_dialog import RecoveryDialog
from lawyer_desk.ui.unlock import UnlockDialog
from tests.conftest import PASSPHRASE
from tests.ui.case_view.demo_case import import_demo
from tests.ui.conftest import AlertRecorder, Driver
from tests.ui.safety_helpers import NAMES, add_evidence, demo_desk

WAIT = 20_000


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "lock"}


# --- Back Up Now ---------------------------------------------------------------------------------
def test_back_up_now_writes_a_checked_backup_and_says_where(qtbot, store: Store, tmp_path: Path,
                                                            recorded_alerts: AlertRecorder) -> None:
    window, ids = demo_desk(qtbot, store)
    add_evidence(store, ids[0], tmp_path / "files")
    menus = [a.menu() for a in window.menuBar().actions() if a.menu()]
    assert window.safety.backups.action in next(m for m in menus if window.quit_action in m.actions()).actions()
    done = window.safety.backups.back_up_now()
    assert done is not None and done.info.path.parent == store.paths.backups
    checked = check_backup(done.info.path, PASSPHRASE)  # opens, passes every check, holds the cases
    assert checked.summary.cases == len(ids) and checked.summary.vault_objects == 1
    assert recorded_alerts.kinds() == ["info"]
    assert str(done.info.path) in recorded_alerts.calls[0].text
    assert not any(name in recorded_alerts.calls[0].text for name in NAMES)


def test_back_up_now_copies_to_the_second_folder_or_warns_that_it_is_missing(
        qtbot, store: Store, tmp_path: Path, recorded_alerts: AlertRecorder) -> None:
    window, _ids = demo_desk(qtbot, store)
    usb = tmp_path / "usb"
    usb.mkdir()
    BackupSettings(second_folder=usb).save(store.paths.root)
    done = window.safety.backups.back_up_now()
    assert done is not None and done.second_copy == usb / done.info.path.name
    assert done.second_copy.read_bytes() == done.info.path.read_bytes()
    assert "second folder" in recorded_alerts.calls[-1].text

    BackupSettings(second_folder=tmp_path / "unplugged").save(store.paths.root)
    done = window.safety.backups.back_up_now()
    assert done is not None and done.second_copy is None
    assert recorded_alerts.calls[-1].kind == "warning"
    assert "plugged in" in (recorded_alerts.calls[-1].details or "")


def test_a_backup_that_cannot_be_written_is_said_and_leaves_nothing(qtbot, store: Store,
                                                                   recorded_alerts: AlertRecorder) -> None:
    window, _ids = demo_desk(qtbot, store)
    store.paths.backups.write_text("a file where the backups folder should be")
    assert window.safety.backups.back_up_now() is None
    assert recorded_alerts.kinds() == ["error"]
    assert recorded_alerts.calls[0].title == "No backup was made"


# --- on close ------------------------------------------------------------------------------------------
def test_closing_makes_the_days_backup_once(qtbot, store: Store) -> None:
    window, _ids = demo_desk(qtbot, store)
    window.safety.backups.backup_on_close = True
    assert window.close()
    made = automatic_backups(store.paths.backups, store.header.store_id)
    assert len(made) == 1
    check_backup(made[0][1], PASSPHRASE)

    again, _ = demo_desk(qtbot, store)  # the same day: nothing more
    again.safety.backups.backup_on_close = True
    assert again.close()
    assert len(automatic_backups(store.paths.backups, store.header.store_id)) == 1


def test_a_window_the_program_did_not_open_makes_no_backup_on_close(qtbot, store: Store) -> None:
    window, _ids = demo_desk(qtbot, store)
    assert window.close()
    assert not store.paths.backups.exists() or files_in(store.paths.backups) == []


def test_a_backup_cancelled_while_closing_leaves_no_file_and_the_window_closes(
        qtbot, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    real = core_autobackup.backup_if_due
    reached: list[str] = []

    class PressCancel:
        """The lawyer presses Cancel once the backup file is written and being read back."""

        def __init__(self, progress: tasks.Progress) -> None:
            self.progress = progress

        def report(self, done: int, total: int = 0, label: str = "") -> None:
            self.progress.report(done, total, label)
            if label == "Checking the backup":
                reached.append(label)
                self.progress.cancel()

        def check(self) -> None:
            self.progress.check()

    def cancelled_midway(store: Store, now: Any = None, *, progress: tasks.Progress) -> Any:
        return real(store, now, progress=PressCancel(progress))

    monkeypatch.setattr(backup_ui, "backup_if_due", cancelled_midway)
    window, _ids = demo_desk(qtbot, store)
    window.safety.backups.backup_on_close = True
    assert window.close()
    assert reached  # the file had been written when the backup was cancelled
    assert files_in(store.paths.backups) == []  # no backup, no temporary file, no work folder


def test_a_failed_backup_on_close_is_said_and_the_window_still_closes(qtbot, store: Store,
                                                                     recorded_alerts: AlertRecorder) -> None:
    window, _ids = demo_desk(qtbot, store)
    window.safety.backups.backup_on_close = True
    store.paths.backups.write_text("not a folder")
    assert window.close()
    assert recorded_alerts.kinds() == ["error"]


# --- a damaged store at unlock --------------------------------------------------------------------------
@pytest.fixture
def backed_up_store(store_dir: Path) -> Path:
    """A closed store with the demo cases and one automatic backup of them; then one more case."""
    with Store.create(store_dir, PASSPHRASE, KdfParams.cheap()) as store:
        import_demo(store)
        backup_now(store)
        with store.session() as session:
            session.add(m.Client(display_name="Added after the backup"))
    return store_dir


def type_passphrase(dialog: UnlockDialog) -> None:
    dialog.passphrase.setText(PASSPHRASE)
    dialog.ok_button.click()


def ruin_headers(root: Path) -> None:
    for name in ("keyheader", "keyheader.spare"):
        (root / name).write_bytes(b"\0" * (root / name).stat().st_size)


def ruin_first_page(root: Path) -> None:
    data = bytearray((root / "case.db").read_bytes())
    data[100:4096] = bytes(4096 - 100)  # nothing of the database opens
    (root / "case.db").write_bytes(bytes(data))


DAMAGE = {"key header": ruin_headers, "database": ruin_first_page}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_store_is_replaced_by_its_newest_good_backup_with_consent(
        qtbot, backed_up_store: Path, when_shown: Driver, recorded_alerts: AlertRecorder, damage: str) -> None:
    root = backed_up_store
    DAMAGE[damage](root)
    damaged = {name: (root / name).read_bytes() for name in ("keyheader", "keyheader.spare", "case.db")}
    shown: list[RecoveryDialog] = []

    def consent(dialog: RecoveryDialog) -> None:
        shown.append(dialog)
        assert dialog.list.count() == 1 and dialog.restore_button.isEnabled()
        assert "quarantine" in " ".join(label.text() for label in dialog.findChildren(type(dialog.problem)))
        dialog.restore_button.click()

    when_shown(UnlockDialog, type_passphrase)
    when_shown(RecoveryDialog, consent)
    store = open_or_create_store(root)
    assert shown and store is not None
    try:
        with store.session() as session:
            names = set(session.execute(select(m.Client.display_name)).scalars())
        assert set(NAMES) <= names and "Added after the backup" not in names  # the backup's data
        assert store.integrity_problems() == [] and store.audit_report().intact
    finally:
        store.close()
    quarantine = [p for p in (root / "quarantine").iterdir() if p.is_dir()]
    assert len(quarantine) == 1
    for name, content in damaged.items():
        assert (quarantine[0] / name).read_bytes() == content  # kept byte for byte
    assert recorded_alerts.calls[-1].kind == "info" and str(quarantine[0]) in recorded_alerts.calls[-1].text


def test_refusing_the_backup_leaves_everything_untouched(qtbot, backed_up_store: Path, when_shown: Driver,
                                                        recorded_alerts: AlertRecorder) -> None:
    root = backed_up_store
    ruin_headers(root)
    before = digests(root)
    when_shown(UnlockDialog, type_passphrase)
    when_shown(RecoveryDialog, lambda dialog: dialog.leave_button.click())
    assert open_or_create_store(root) is None
    assert digests(root) == before and not (root / "quarantine").exists()
    assert recorded_alerts.calls == []  # the recovery dialog said it all


def test_a_damaged_database_without_any_backup_is_reported_as_before(qtbot, store_dir: Path, when_shown: Driver,
                                                                    recorded_alerts: AlertRecorder) -> None:
    Store.create(store_dir, PASSPHRASE, KdfParams.cheap()).close()
    ruin_first_page(store_dir)
    when_shown(UnlockDialog, type_passphrase)
    assert open_or_create_store(store_dir) is None
    assert [c.__name__ for c in recorded_alerts.errors_for()] == ["DamagedDatabase"]


def test_the_dialog_lists_unreadable_backups_but_does_not_offer_them(qtbot, backed_up_store: Path) -> None:
    from lawyer_desk.core.store.recovery import list_backups

    (backed_up_store / "backups" / "broken.ldbackup").write_bytes(b"not a backup")
    listings = list_backups(backed_up_store)
    dialog = RecoveryDialog("damaged", listings, backed_up_store / "backups")
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 2
    broken = next(dialog.list.item(i) for i in range(2) if "cannot be read" in dialog.list.item(i).text())
    assert not broken.flags() & Qt.ItemFlag.ItemIsEnabled
    assert dialog.chosen() is None  # the newest good one
    assert dialog.leave_button.isDefault()
