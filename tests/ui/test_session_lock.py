"""Locking the desk: idle time, Lock now, the system's lock signals; unlocking back to where the lawyer was."""

from __future__ import annotations

import ast
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolBar
from sqlalchemy import select

from lawyer_desk.core import models as m
from lawyer_desk.core.errors import StoreLocked
from lawyer_desk.core.store import Store
from lawyer_desk.ui import clipboard_guard, plaintext_copies, settings, tasks
from lawyer_desk.ui.alerts import UnsavedChoice
from lawyer_desk.ui.forms import RecordDialog
from lawyer_desk.ui.lock_screen import LockScreen
from lawyer_desk.ui.main_window import MainWindow
from lawyer_desk.ui.system_lock import (
    PBT_APMSUSPEND,
    WM_POWERBROADCAST,
    WM_WTSSESSION_CHANGE,
    WTS_SESSION_LOCK,
    _Msg,
    windows_lock_reason,
)
from tests.conftest import PASSPHRASE
from tests.ui.case_view.demo_case import cells
from tests.ui.case_view.fill_dialog import set_field
from tests.ui.conftest import Driver
from tests.ui.safety_helpers import NAMES, add_evidence, demo_desk, open_case, visible_texts

WAIT = 10_000


def locked_and_closed(window: MainWindow) -> bool:
    lock = window.safety.lock
    return lock.is_locked and lock.store_closed


def unlock_with(qtbot, window: MainWindow, passphrase: str = PASSPHRASE) -> None:
    screen = window.safety.lock.screen
    assert isinstance(screen, LockScreen)
    screen.passphrase.setText(passphrase)
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)


# --- the idle timeout ---------------------------------------------------------------------------
def test_idle_time_locks_everything_and_unlocking_returns_to_the_same_client_and_tab(
        qtbot, store: Store, store_dir: Path, tmp_path: Path) -> None:
    window, ids = demo_desk(qtbot, store)
    client = ids[1]  # Aleksei Vetrov
    exhibit = add_evidence(store, client, tmp_path / "files")
    open_case(qtbot, window, client, "names")
    names_before = cells(window.case_tabs["names"].view, 0)
    assert names_before
    copy = plaintext_copies.write_copy(store, exhibit)
    assert copy.exists()
    clipboard_guard.copy_sensitive("Aleksei Vetrov")
    title = window.windowTitle()
    lock = window.safety.lock

    lock.set_idle_interval_ms(300)
    qtbot.waitUntil(lambda: locked_and_closed(window), timeout=WAIT)

    assert lock.reason == "idle"
    assert store.engine is None
    key_parts = ("_keys", "_data_key", "_db_key", "_audit_key")
    assert not any(getattr(store, name) for name in key_parts)  # no key is left in the store object
    assert isinstance(window.centralWidget(), LockScreen)
    assert not window.client_list.isVisible() and not window.tabs.isVisible()
    texts = visible_texts(window)
    assert not any(name in texts for name in NAMES), texts
    assert window.windowTitle() == "lawyer_desk — locked"
    assert not copy.exists() and plaintext_copies.copies() == []
    assert QApplication.clipboard().text() == ""
    assert not window.new_client_action.isEnabled() and not window.undo_action.isEnabled()
    assert not window.safety.backups.action.isEnabled()
    assert window.quit_action.isEnabled()
    assert not window.dashboard.day_timer.isActive()  # the views' timers wait for the unlock
    assert window.case_tabs["names"].list_model.rowCount() == 0  # the tabs forgot the case
    Store.open(store_dir, PASSPHRASE).close()  # the writer lock was released with the store

    unlock_with(qtbot, window, "not the passphrase")
    qtbot.waitUntil(lambda: lock.screen is not None and lock.screen.problem.isVisible(), timeout=WAIT)
    assert lock.is_locked and store.engine is None

    unlock_with(qtbot, window)
    qtbot.waitUntil(lambda: not lock.is_locked, timeout=WAIT)
    assert window.store is store and store.engine is not None
    assert window.client_id == client
    assert window.modes.currentWidget() is window.splitter
    assert window.tabs.currentWidget() is window.case_tabs["names"]
    assert cells(window.case_tabs["names"].view, 0) == names_before
    assert window.windowTitle() == title
    assert window.new_client_action.isEnabled() and window.dashboard.day_timer.isActive()
    with pytest.raises(StoreLocked):
        Store.open(store_dir, PASSPHRASE)  # the desk holds the store again
    with store.session() as session:  # and writes to it
        session.add(m.Client(display_name="Added after unlocking"))
    assert lock.idle.watching


def test_the_dashboard_is_where_the_lawyer_returns_when_it_was_showing(qtbot, store: Store) -> None:
    window, ids = demo_desk(qtbot, store)
    open_case(qtbot, window, ids[0], "alerts")
    window.show_dashboard()
    assert window.safety.lock.lock("screen")
    qtbot.waitUntil(lambda: locked_and_closed(window), timeout=WAIT)
    unlock_with(qtbot, window)
    qtbot.waitUntil(lambda: not window.safety.lock.is_locked, timeout=WAIT)
    assert window.modes.currentWidget() is window.dashboard
    assert window.client_id == ids[0]
    assert window.tabs.currentWidget() is window.case_tabs["alerts"]


def test_input_keeps_the_desk_unlocked(qtbot, store: Store) -> None:
    window, _ids = demo_desk(qtbot, store)
    lock = window.safety.lock
    lock.set_idle_interval_ms(600)
    for _ in range(6):
        qtbot.wait(200)
        qtbot.mouseMove(window.client_list.table.viewport())
        qtbot.keyClick(window.client_list.search_box, Qt.Key.Key_Shift)
    assert not lock.is_locked
    qtbot.waitUntil(lambda: lock.is_locked, timeout=WAIT)


def test_an_idle_time_of_zero_never_locks(qtbot, store: Store) -> None:
    settings.update(idle_lock_minutes=0)
    window, _ids = demo_desk(qtbot, store)
    assert window.safety.lock.idle.deadline is None and not window.safety.lock.idle.timer.isActive()


def test_the_lock_after_a_suspend_is_noticed_when_the_machine_wakes(qtbot, store: Store,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    window, _ids = demo_desk(qtbot, store)
    watch = window.safety.lock.idle
    wall, steady = watch._clocks
    watch._clocks = (wall - 3600, steady)  # an hour of wall time passed while the monotonic clock stood
    watch._beat()
    assert locked_and_closed(window) and window.safety.lock.reason == "suspend"


# --- Lock now ---------------------------------------------------------------------------------------
def test_lock_now_has_a_shortcut_a_menu_entry_and_a_tool_button(qtbot, store: Store) -> None:
    window, _ids = demo_desk(qtbot, store)
    action = window.safety.lock.action
    assert action.shortcut().toString() == "Ctrl+L"
    menus = [a.menu() for a in window.menuBar().actions() if a.menu()]
    assert action in next(menu for menu in menus if window.quit_action in menu.actions()).actions()
    assert action in window.findChild(QToolBar, "main_toolbar").actions()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.client_list.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: locked_and_closed(window), timeout=WAIT)
    assert window.safety.lock.reason == "manual"


def test_lock_now_asks_about_unsaved_edits_and_cancel_keeps_it_unlocked(qtbot, store: Store, recorded_alerts) -> None:
    window, ids = demo_desk(qtbot, store)
    open_case(qtbot, window, ids[0])
    overview = window.case_tabs["overview"]
    set_field(overview.form, "display_name", "Idris Mamut (edited)")
    recorded_alerts.unsaved_answer = UnsavedChoice.cancel
    assert not window.safety.lock.lock("manual")
    assert not window.safety.lock.is_locked and recorded_alerts.kinds() == ["unsaved"]
    recorded_alerts.unsaved_answer = UnsavedChoice.save
    assert window.safety.lock.lock("manual")
    qtbot.waitUntil(lambda: locked_and_closed(window), timeout=WAIT)
    assert _names_on_disk(store.paths.root)[0] == "Idris Mamut (edited)"


def _names_on_disk(root: Path) -> list[str]:
    with Store.open(root, PASSPHRASE, write=False) as again, again.session() as session:
        return list(session.execute(select(m.Client.display_name).order_by(m.Client.id)).scalars())


# --- unsaved input ------------------------------------------------------------------------------------
def test_an_automatic_lock_saves_a_valid_edit_which_undo_takes_back(qtbot, store: Store) -> None:
    window, ids = demo_desk(qtbot, store)
    open_case(qtbot, window, ids[0])
    set_field(window.case_tabs["overview"].form, "display_name", "Idris Mamut (typed before the lock)")
    window.safety.lock.lock("idle")
    qtbot.waitUntil(lambda: locked_and_closed(window), timeout=WAIT)
    assert window.safety.lock.settled == (1, 0)
    assert "saved before locking" in window.safety.lock.screen.note.text.text()
    assert _names_on_disk(store.paths.root)[0] == "Idris Mamut (typed before the lock)"
    unlock_with(qtbot, window)
    qtbot.waitUntil(lambda: not window.safety.lock.is_locked, timeout=WAIT)
    window.undo_action.trigger()
    with store.session() as session:
        assert session.get(m.Client, ids[0]).display_name == "Idris Mamut"


def test_an_automatic_lock_discards_an_edit_that_cannot_be_saved(qtbot, store: Store) -> None:
    window, ids = demo_desk(qtbot, store)
    open_case(qtbot, window, ids[0])
    set_field(window.case_tabs["overview"].form, "display_name", "")  # a client needs a name
    window.safety.lock.lock("screen")
    qtbot.waitUntil(lambda: locked_and_closed(window), timeout=WAIT)
    assert window.safety.lock.settled == (0, 1)
    assert _names_on_disk(store.paths.root)[0] == "Idris Mamut"


def test_unsaved_input_is_kept_in_memory_when_the_lawyer_chose_so(qtbot, store: Store) -> None:
    settings.update(keep_unsaved_while_locked=True)
    window, ids = demo_desk(qtbot, store)
    open_case(qtbot, window, ids[0], "notes")
    notes = window.case_tabs["notes"]
    notes.new_note()
    notes.body_edit.setPlainText("Argument typed but not saved")
    assert notes.has_unsaved_changes()
    window.safety.lock.lock("idle")
    qtbot.waitUntil(lambda: locked_and_closed(window), timeout=WAIT)
    assert "kept until you unlock" in window.safety.lock.screen.note.text.text()
    unlock_with(qtbot, window)
    qtbot.waitUntil(lambda: not window.safety.lock.is_locked, timeout=WAIT)
    assert notes.body_edit.toPlainText() == "Argument typed but not saved" and notes.has_unsaved_changes()
    assert window.tabs.currentWidget() is notes
    assert notes.save()


# --- what else is open at the lock ---------------------------------------------------------------
def test_a_dialog_open_at_the_lock_is_closed_and_nothing_it_held_is_saved(qtbot, store: Store,
                                                                         when_shown: Driver) -> None:
    window, _ids = demo_desk(qtbot, store)
    with store.session() as session:
        before = len(session.execute(select(m.Client.id)).all())
    closed_at_once: list[bool] = []

    def lock_now(_dialog: RecordDialog) -> None:
        window.safety.lock.lock("screen")
        closed_at_once.append(window.safety.lock.store_closed)

    when_shown(RecordDialog, lock_now)
    window.new_client_action.trigger()  # returns once the lock has closed the dialog
    qtbot.waitUntil(lambda: locked_and_closed(window), timeout=WAIT)
    assert closed_at_once == [False]  # the store waited for the dialog's caller to go on
    assert not any(isinstance(w, RecordDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
    unlock_with(qtbot, window)
    qtbot.waitUntil(lambda: not window.safety.lock.is_locked, timeout=WAIT)
    with store.session() as session:
        assert len(session.execute(select(m.Client.id)).all()) == before


def test_background_work_is_cancelled_and_the_store_closes_once_it_has_stopped(qtbot, store: Store) -> None:
    window, _ids = demo_desk(qtbot, store)
    started, stop_seen = [], []

    def work(progress: tasks.Progress) -> None:
        started.append(True)
        while not progress.cancelled:
            with store.session() as session:
                session.execute(select(m.Client.id)).all()
            time.sleep(0.01)
        time.sleep(0.2)  # a unit of work that finishes after the cancel
        stop_seen.append(store.engine is not None)
        progress.check()

    task = tasks.run_task(work)
    qtbot.waitUntil(lambda: bool(started), timeout=WAIT)
    window.safety.lock.lock("suspend")
    assert window.safety.lock.is_locked and isinstance(window.centralWidget(), LockScreen)  # hidden at once
    qtbot.waitUntil(lambda: locked_and_closed(window), timeout=WAIT)
    assert stop_seen == [True]  # the store was still open while the task finished its unit
    assert task.state is tasks.TaskState.CANCELLED


# --- the system's lock signals ---------------------------------------------------------------------
@pytest.mark.parametrize(("signal", "argument", "locks"), [
    ("session_locked", None, True), ("prepare_for_sleep", True, True), ("prepare_for_sleep", False, False),
    ("screen_saver_active", True, True), ("screen_saver_active", False, False)])
def test_a_system_lock_signal_locks(qtbot, store: Store, signal: str, argument: bool | None, locks: bool) -> None:
    window, _ids = demo_desk(qtbot, store)
    slot = getattr(window.safety.lock.system, signal)
    slot() if argument is None else slot(argument)
    assert window.safety.lock.is_locked is locks
    if locks:
        assert window.safety.lock.reason in ("screen", "suspend")
        qtbot.waitUntil(lambda: locked_and_closed(window), timeout=WAIT)


@pytest.fixture
def private_bus() -> Iterator[str]:
    """A D-Bus daemon of this test's own, its address."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip("dbus-daemon is not installed")
    process = subprocess.Popen([daemon, "--session", "--nofork", "--nopidfile", "--print-address=1"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        address = process.stdout.readline().strip() if process.stdout else ""
        if not address:
            pytest.skip("dbus-daemon did not start")
        yield address
    finally:
        process.terminate()
        process.wait(5)


def test_the_lock_signals_arrive_over_d_bus(qtbot, store: Store, private_bus: str) -> None:
    from PySide6.QtDBus import QDBusConnection, QDBusMessage

    window, _ids = demo_desk(qtbot, store)
    listening = QDBusConnection.connectToBus(private_bus, "lawyer_desk-test-listen")
    sending = QDBusConnection.connectToBus(private_bus, "lawyer_desk-test-send")
    try:
        watched = window.safety.lock.system.connect_dbus(system=listening, session=listening)
        assert {"org.freedesktop.login1.Manager.PrepareForSleep", "org.freedesktop.login1.Session.Lock",
                "org.gnome.ScreenSaver.ActiveChanged"} <= set(watched)
        message = QDBusMessage.createSignal("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged")
        message.setArguments([True])
        assert sending.send(message)
        qtbot.waitUntil(lambda: locked_and_closed(window), timeout=WAIT)
        assert window.safety.lock.reason == "screen"
    finally:
        QDBusConnection.disconnectFromBus("lawyer_desk-test-listen")
        QDBusConnection.disconnectFromBus("lawyer_desk-test-send")


def test_without_a_bus_nothing_is_connected_and_nothing_fails(qtbot, store: Store,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", "tcp:host=example.org,port=1")  # not local: never used
    window, _ids = demo_desk(qtbot, store)
    from lawyer_desk.ui.system_lock import SystemLockSignals

    assert SystemLockSignals(window).connect_dbus() == []


@pytest.mark.parametrize(("message", "wparam", "reason"), [
    (WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK, "screen"), (WM_WTSSESSION_CHANGE, 0x8, None),
    (WM_POWERBROADCAST, PBT_APMSUSPEND, "suspend"), (WM_POWERBROADCAST, 0x12, None), (0x0100, 0, None)])
def test_windows_messages_that_mean_a_lock(message: int, wparam: int, reason: str | None) -> None:
    msg = _Msg(None, message, wparam, 0)
    from ctypes import addressof

    assert windows_lock_reason(b"windows_generic_MSG", addressof(msg)) == reason
    assert windows_lock_reason(b"xcb_generic_event_t", addressof(msg)) is None


def test_the_bundle_keeps_qtdbus() -> None:
    spec = Path(__file__).resolve().parents[2] / "build.spec"
    tree = ast.parse(spec.read_text(encoding="utf-8"))
    keep = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "QT_KEEP" for t in node.targets))
    assert "QtDBus" in ast.literal_eval(keep)


# --- preferences and closing ---------------------------------------------------------------------
def test_preferences_set_the_idle_time_the_unsaved_input_choice_and_the_second_backup_folder(
        qtbot, store: Store, tmp_path: Path, when_shown: Driver) -> None:
    from lawyer_desk.core.store.autobackup import BackupSettings
    from lawyer_desk.ui.preferences import PreferencesDialog

    window, _ids = demo_desk(qtbot, store)
    usb = tmp_path / "usb"

    def choose(dialog: PreferencesDialog) -> None:
        assert dialog.idle.value() == 5 and not dialog.keep.isChecked() and dialog.folder.text() == ""
        dialog.idle.setValue(15)
        dialog.keep.setChecked(True)
        dialog.folder.setText(str(usb))
        dialog.accept()

    when_shown(PreferencesDialog, choose)
    assert window.safety.edit_preferences()
    prefs = settings.load()
    assert (prefs.idle_lock_minutes, prefs.keep_unsaved_while_locked) == (15, True)
    assert BackupSettings.load(store.paths.root).second_folder == usb
    lock = window.safety.lock
    assert lock.idle.interval_ms == 15 * 60_000 and lock.keep_unsaved
    assert lock.idle.deadline is not None and lock.idle.deadline - time.perf_counter() > 14 * 60


def test_quitting_while_locked_with_kept_input_asks_first(qtbot, store: Store, recorded_alerts) -> None:
    settings.update(keep_unsaved_while_locked=True)
    window, ids = demo_desk(qtbot, store)
    open_case(qtbot, window, ids[0])
    set_field(window.case_tabs["overview"].form, "display_name", "Kept while locked")
    window.safety.lock.lock("manual")  # keeps it: nothing is asked
    qtbot.waitUntil(lambda: locked_and_closed(window), timeout=WAIT)
    assert recorded_alerts.calls == []
    recorded_alerts.confirm_answer = False
    assert not window.close() and window.isVisible()
    recorded_alerts.confirm_answer = True
    assert window.close()
    assert [call.kind for call in recorded_alerts.calls] == ["confirm", "confirm"]
    assert _names_on_disk(store.paths.root)[0] == "Idris Mamut"


def _a_pdf() -> bytes:
    from io import BytesIO

    from reportlab.pdfgen import canvas

    out = BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "A brief held in memory")
    page.save()
    return out.getvalue()


@pytest.mark.parametrize("closed_first", [False, True], ids=["preview open", "preview closed just before"])
def test_locking_with_a_brief_preview_and_unlocking_again(qtbot, store: Store, closed_first: bool) -> None:
    """The preview is a child window with its own actions and tool bars; Qt deletes them when it closes."""
    from lawyer_desk.ui.pdf_preview import show_preview

    window, _ids = demo_desk(qtbot, store)
    preview = show_preview(window, _a_pdf(), "Brief", "brief.pdf")
    assert preview is not None and preview.findChildren(QToolBar)
    if closed_first:
        preview.close()  # and the lock comes in the same turn of the event loop
    window.safety.lock.action.trigger()
    qtbot.waitUntil(lambda: locked_and_closed(window), timeout=WAIT)
    unlock_with(qtbot, window)
    qtbot.waitUntil(lambda: not window.safety.lock.is_locked, timeout=WAIT)
    assert window.store.engine is not None
    assert all(bar.isVisible() for bar in window.findChildren(QToolBar) if bar.parent() is window)
