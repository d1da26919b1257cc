"""Reminders in the window: shown at unlock (even when they fell due while the program was closed),
never again once dismissed, in the tray where there is one, and timed to the next one due.

The clock is simulated (``reminders.now`` patched, or ``clock=`` given); the store is real and
is closed and unlocked again between "days".
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt, QTimeZone
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from lawyer_desk.core import models as m
from lawyer_desk.core import records
from lawyer_desk.core.references import case_reference
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.ui import local_time, reminders
from lawyer_desk.ui.app import open_or_create_store, show_main_window
from lawyer_desk.ui.main_window import MainWindow
from lawyer_desk.ui.reminders import ReminderBanner, ReminderService, reminder_text
from lawyer_desk.ui.undo import CaseEvents
from lawyer_desk.ui.unlock import UnlockDialog
from tests.conftest import PASSPHRASE
from tests.ui.conftest import Driver

LONDON = ZoneInfo("Europe/London")
DUE = date(2026, 12, 15)
TITLE = "Appeal to the High Court"
CLIENT = "Idris Mamut"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def case_store(store_dir: Path) -> tuple[Path, str, int]:
    """A closed store: one open case with a deadline due 15 Dec 2026 at 16:30, reminders 7, 1 and 0 days before."""
    store = Store.create(store_dir, PASSPHRASE, KdfParams.cheap())
    try:
        with store.session() as session:
            client_id = records.create(session, m.Client, {"display_name": CLIENT})
            deadline_id = records.create(session, m.Deadline, {
                "title": TITLE, "due_date": DUE, "due_time": time(16, 30), "time_zone": "Europe/London",
                "reminder_days": [7, 1, 0]}, client_id=client_id)
            reference = case_reference(session.get(m.Client, client_id).uid)
    finally:
        store.close()
    return store_dir, reference, deadline_id


def unlock_at(qtbot: QtBot, folder: Path, when_shown: Driver, monkeypatch: pytest.MonkeyPatch,
              moment: datetime) -> tuple[Store, MainWindow]:
    """Start the desk as the lawyer does (unlock dialog, then the window) at the simulated ``moment``."""
    monkeypatch.setattr(reminders, "now", lambda: moment)

    def unlock(dialog: UnlockDialog) -> None:
        dialog.passphrase.setText(PASSPHRASE)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_shown(UnlockDialog, unlock)
    store = open_or_create_store(folder)
    assert store is not None
    window = show_main_window(store)
    qtbot.addWidget(window)
    # The reminders are looked up once the window has been painted, not before.
    qtbot.waitUntil(lambda: window.reminders.last_check == moment)
    return store, window


def test_a_reminder_due_while_closed_is_shown_at_the_next_unlock_and_not_after_dismissing(
        qtbot: QtBot, case_store, when_shown: Driver, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, reference, deadline_id = case_store
    store, window = unlock_at(qtbot, folder, when_shown, monkeypatch, at(1, 9))
    assert window.reminder_banner.isHidden()  # nothing due on 1 December
    assert window.reminders.next_check == at(8, 8)  # the 7-day reminder, at 08:00
    window.close()
    store.close()

    # The program stays closed while both the 7-day and the 1-day reminder fall due.
    store, window = unlock_at(qtbot, folder, when_shown, monkeypatch, at(14, 9))
    banner = window.reminder_banner
    assert banner.isVisible()
    assert banner.texts == [f"{reference} · {TITLE} — due tomorrow, Tue 15 Dec 2026 16:30"]
    assert CLIENT not in banner.lines.text() and CLIENT not in banner.heading.text()
    assert [r.offset_days for r in window.reminders.current] == [1]
    assert window.modes.currentWidget() is window.dashboard  # and the deadlines are the landing page
    qtbot.mouseClick(banner.dismiss_button, Qt.MouseButton.LeftButton)
    assert banner.isHidden()
    with store.session() as session:
        assert session.get(m.Deadline, deadline_id).reminders_seen == [7, 1]
    assert window.reminders.next_check == at(15, 8)  # the morning of the due day
    window.close()
    store.close()

    store, window = unlock_at(qtbot, folder, when_shown, monkeypatch, at(14, 18))
    assert window.reminder_banner.isHidden()  # dismissed: not again
    window.close()
    store.close()

    store, window = unlock_at(qtbot, folder, when_shown, monkeypatch, at(15, 8, 30))
    assert window.reminder_banner.texts == [f"{reference} · {TITLE} — due today, 16:30"]
    window.close()
    store.close()


def test_the_tray_message_names_the_case_and_deadline_only_and_comes_once(qtbot: QtBot, case_store) -> None:
    folder, reference, _deadline = case_store
    store = Store.open(folder, PASSPHRASE)
    try:
        banner = ReminderBanner()
        qtbot.addWidget(banner)
        events = CaseEvents()
        service = ReminderService(store, events, banner, clock=lambda: at(13, 12), tray_available=lambda: True)
        shown = service.check()
        assert [r.offset_days for r in shown] == [7]
        assert service.last_tray_message is not None
        title, text = service.last_tray_message
        assert title == "Deadline reminder"
        assert text == f"{reference} · {TITLE} — due in 2 days, Tue 15 Dec 2026 16:30"
        assert CLIENT not in title + text
        service.last_tray_message = None
        service.check()  # still due, already announced: the banner stays, the tray is quiet
        assert service.last_tray_message is None and banner.texts
        # The timer waits for the next reminder (1 day before, 08:00), capped at an hour.
        assert service.next_check == at(14, 8)
        assert service.timer.isActive() and service.timer.interval() == reminders.MAX_WAIT_MS
        service.dismiss()
        assert banner.isHidden() and not service.current
    finally:
        store.close()


def test_without_a_tray_the_banner_alone_shows_them_and_a_timer_brings_the_next(qtbot: QtBot, case_store) -> None:
    folder, _reference, _deadline = case_store
    store = Store.open(folder, PASSPHRASE)
    try:
        banner = ReminderBanner()
        qtbot.addWidget(banner)
        banner.show()
        moments = [at(8, 7, 59), at(8, 8, 0)]
        service = ReminderService(store, CaseEvents(), banner, clock=lambda: moments[0], tray_available=lambda: False)
        assert service.check() == [] and banner.isHidden()
        assert service.timer.interval() == 60 * 1000 + reminders.MIN_WAIT_MS  # one minute to 08:00, and a second
        moments.pop(0)
        service.timer.timeout.emit()  # what the timer does at 08:00
        assert not banner.isHidden() and service.tray is None
        assert "due in 7 days" in banner.texts[0]
    finally:
        store.close()


def test_a_deadline_added_later_is_looked_at_again(qtbot: QtBot, case_store) -> None:
    folder, _reference, _deadline = case_store
    store = Store.open(folder, PASSPHRASE)
    try:
        events = CaseEvents()
        banner = ReminderBanner()
        qtbot.addWidget(banner)
        service = ReminderService(store, events, banner, clock=lambda: at(1, 9), tray_available=lambda: False)
        service.check()
        assert not service.current
        with store.session() as session:
            client_id = session.execute(select(m.Client.id)).scalar_one()
            records.create(session, m.Deadline, {"title": "Chase the NCB", "due_date": date(2026, 12, 2),
                                                 "reminder_days": [1]}, client_id=client_id)
        events.changed.emit("deadline", client_id)
        qtbot.waitUntil(lambda: bool(service.current), timeout=5000)
        assert "Chase the NCB" in banner.texts[0]
    finally:
        store.close()


def test_reminder_texts(qapp) -> None:
    from lawyer_desk.core.deadlines.reminders import Reminder

    def reminder(due: date, due_time: time | None = None) -> Reminder:
        return Reminder(1, 1, "LD-ABCDEFGH", CLIENT, TITLE, due, due_time, None, 0, at(1, 8))

    now = at(10, 9)
    assert reminder_text(reminder(date(2026, 12, 8)), now) == (
        f"LD-ABCDEFGH · {TITLE} — overdue by 2 days, Tue 8 Dec 2026")
    assert reminder_text(reminder(date(2026, 12, 9)), now).endswith("overdue by 1 day, Wed 9 Dec 2026")
    assert reminder_text(reminder(date(2026, 12, 10)), now).endswith("due today")
    assert reminder_text(reminder(date(2026, 12, 17), time(9, 0)), now).endswith("due in 7 days, Thu 17 Dec 2026 09:00")


# --- the lawyer's own clock ----------------------------------------------------------------
PARIS = ZoneInfo("Europe/Paris")


def test_the_local_zone_is_the_systems_named_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    assert local_time.system_zone_id() == bytes(QTimeZone.systemTimeZoneId().data()).decode()
    monkeypatch.setattr(local_time, "system_zone_id", lambda: "Europe/Paris")
    assert local_time.local_zone() is PARIS  # zoneinfo's one instance for the name
    assert reminders.now().tzinfo is PARIS
    # A name zoneinfo does not know (or none): the offset of now, as before.
    for unknown in ("W. Europe Standard Time", "", "../../etc/passwd"):
        monkeypatch.setattr(local_time, "system_zone_id", lambda name=unknown: name)
        zone = local_time.local_zone()
        assert not isinstance(zone, ZoneInfo)
        assert zone.utcoffset(None) == datetime.now().astimezone().utcoffset()


def test_a_reminder_across_the_march_clock_change_is_timed_to_eight_local(
        qtbot: QtBot, case_store, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _reference, _deadline = case_store
    monkeypatch.setattr(local_time, "system_zone_id", lambda: "Europe/Paris")
    monkeypatch.setattr(reminders, "MAX_WAIT_MS", 24 * 3600 * 1000)  # let the timer wait the whole night
    store = Store.open(folder, PASSPHRASE)
    try:
        with store.session() as session:
            client_id = session.execute(select(m.Client.id)).scalar_one()
            records.create(session, m.Deadline, {"title": "Rule 39 request", "due_date": date(2026, 3, 29),
                                                 "reminder_days": [0]}, client_id=client_id)
        banner = ReminderBanner()
        qtbot.addWidget(banner)
        # Saturday 28 March 2026, noon in Paris (UTC+1); the clocks go forward that night.
        moment = datetime(2026, 3, 28, 12, 0, tzinfo=local_time.local_zone())
        service = ReminderService(store, CaseEvents(), banner, clock=lambda: moment, tray_available=lambda: False)
        service.check()
        assert service.next_check == datetime(2026, 3, 29, 8, 0, tzinfo=PARIS)
        assert service.next_check.utcoffset() == timedelta(hours=2)  # summer time by then
        # 19 hours of real time (not the 20 the wall clocks differ by), and a second.
        assert service.timer.interval() == 19 * 3600 * 1000 + reminders.MIN_WAIT_MS
    finally:
        store.close()


def test_many_reminders_show_the_first_five_and_how_many_more(qapp) -> None:
    from lawyer_desk.core.deadlines.reminders import Reminder

    banner = ReminderBanner()
    due = [Reminder(i, 1, f"LD-{i:08d}", CLIENT, f"Deadline {i}", date(2026, 12, 10), None, None, 0, at(10, 8))
           for i in range(1, 301)]
    banner.set_reminders(due, at(10, 9))
    assert banner.count == 300 and len(banner.texts) == reminders.BANNER_LINES
    assert banner.heading.text() == "300 deadline reminders"
    assert banner.texts[0].startswith("LD-00000001 · Deadline 1")
    assert banner.lines.text().endswith("and 295 more")
    banner.set_reminders(due[:1], at(10, 9))
    assert banner.count == 1 and "more" not in banner.lines.text()


def test_reminders_are_looked_up_once_the_window_is_painted(qtbot: QtBot, case_store,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _reference, _deadline = case_store
    monkeypatch.setattr(reminders, "now", lambda: at(14, 9))
    store = Store.open(folder, PASSPHRASE)
    try:
        window = MainWindow(store)
        qtbot.addWidget(window)
        assert window.reminders.last_check is None  # not while the window is being built
        window.show()
        qtbot.waitUntil(lambda: window.reminders.last_check is not None)
        assert window.reminder_banner.isVisible() and window.reminder_banner.count == 1
        window.close()
    finally:
        store.close()
