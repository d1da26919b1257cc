"""Reminders against a real store and a simulated clock: fired while closed, once, one per deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from lawyer_desk.core import models as m
from lawyer_desk.core.deadlines import (
    DEFAULT_OFFSETS,
    MORNING,
    Catalogue,
    acknowledge,
    deadline_from_rule,
    due_reminders,
    mark_done,
    next_reminder_at,
)
from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.references import case_reference
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import CaseStatus, DeadlineStatus
from tests.conftest import PASSPHRASE
from tests.core.deadlines.factories import add_client, add_deadline, audit_summaries

LONDON = ZoneInfo("Europe/London")
TOKYO = ZoneInfo("Asia/Tokyo")
DUE = date(2026, 12, 10)  # a Thursday


def at(day: int, hour: int, minute: int = 0, tz: ZoneInfo = LONDON) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=tz)


@pytest.fixture
def deadline_id(store: Store) -> int:
    with store.session() as s:
        client = add_client(s, "Идрис Мамут")
        return add_deadline(s, client, DUE, "Written observations", due_time=time(16, 30),
                            time_zone="Europe/London", reminder_days=list(DEFAULT_OFFSETS)).id


def reminders(store: Store, now: datetime) -> list[tuple[int, int]]:
    with store.session() as s:
        return [(r.deadline_id, r.offset_days) for r in due_reminders(s, now)]


def test_defaults() -> None:
    assert DEFAULT_OFFSETS == (7, 1, 0)
    assert (MORNING.hour, MORNING.minute) == (8, 0)


def test_rule_deadlines_get_the_default_offsets(catalogue: Catalogue) -> None:
    made = deadline_from_rule(catalogue, "echr-application", date(2026, 5, 31), client_id=1, proceeding_id=None)
    assert made.reminder_days == [7, 1, 0]
    chosen = deadline_from_rule(catalogue, "echr-application", date(2026, 5, 31), client_id=1, proceeding_id=None,
                                reminder_days=[14, 3, 3])
    assert chosen.reminder_days == [14, 3]
    with pytest.raises(InvalidInput, match="reminder offset"):
        deadline_from_rule(catalogue, "echr-application", date(2026, 5, 31), client_id=1, proceeding_id=None,
                           reminder_days=[-1])


def test_nothing_before_the_first_reminder_fires(store: Store, deadline_id: int) -> None:
    assert reminders(store, at(3, 7, 59)) == []
    with store.session() as s:
        assert next_reminder_at(s, at(2, 12)) == at(3, 8)  # 7 days before, 08:00 local
    assert reminders(store, at(3, 8)) == [(deadline_id, 7)]


def test_a_reminder_has_everything_the_notification_shows(store: Store, deadline_id: int) -> None:
    with store.session() as s:
        (reminder,) = due_reminders(s, at(3, 9))
        uid = s.get(m.Client, reminder.client_id).uid
    assert reminder.case_reference == case_reference(uid)
    assert (reminder.client_name, reminder.title, reminder.due_date, reminder.due_time, reminder.time_zone) == (
        "Идрис Мамут", "Written observations", DUE, time(16, 30), "Europe/London")
    assert reminder.fires_at == at(3, 8)


def test_fired_while_closed_shown_at_the_next_unlock_once(store_dir: Path, store: Store, deadline_id: int) -> None:
    store.close()
    # The program was closed from the 2nd to the 9th: the 7-day and 1-day reminders both fired.
    with Store.open(store_dir, PASSPHRASE) as reopened:
        with reopened.session() as s:
            due = due_reminders(s, at(9, 10))
            assert [(r.deadline_id, r.offset_days) for r in due] == [(deadline_id, 1)]  # one, the latest
            acknowledge(s, due)
        assert reminders(reopened, at(9, 10, 1)) == []
    with Store.open(store_dir, PASSPHRASE) as reopened:
        assert reminders(reopened, at(9, 23)) == []  # seen is stored, not remembered in memory
        with reopened.session() as s:
            assert s.get(m.Deadline, deadline_id).reminders_seen == [7, 1]
            assert next_reminder_at(s, at(9, 23)) == at(10, 8)
        assert reminders(reopened, at(10, 8)) == [(deadline_id, 0)]  # the morning of the due day


def test_acknowledging_the_7_day_reminder_leaves_the_later_ones(store: Store, deadline_id: int) -> None:
    with store.session() as s:
        acknowledge(s, due_reminders(s, at(3, 9)))
    assert reminders(store, at(8, 9)) == []
    assert reminders(store, at(9, 8)) == [(deadline_id, 1)]


def test_overdue_deadlines_still_remind_until_seen(store: Store, deadline_id: int) -> None:
    assert reminders(store, at(20, 9)) == [(deadline_id, 0)]
    with store.session() as s:
        acknowledge(s, due_reminders(s, at(20, 9)))
        assert next_reminder_at(s, at(20, 9)) is None
    assert reminders(store, at(25, 9)) == []


def test_acknowledging_is_audited(store: Store, deadline_id: int) -> None:
    with store.session() as s:
        acknowledge(s, due_reminders(s, at(9, 10)))
    with store.session() as s:
        assert "reminders_seen: [] → [7, 1]" in audit_summaries(s, entity_id=deadline_id)[-1]
    assert store.audit_report().intact


def test_reminders_fire_at_eight_where_the_lawyer_is(store: Store, deadline_id: int) -> None:
    assert reminders(store, datetime(2026, 12, 3, 7, 59, tzinfo=TOKYO)) == []
    assert reminders(store, datetime(2026, 12, 3, 8, 0, tzinfo=TOKYO)) == [(deadline_id, 7)]
    with pytest.raises(ValueError, match="aware"):
        reminders(store, datetime(2026, 12, 3, 8, 0))


def test_one_reminder_per_deadline_and_none_for_done_closed_or_unset(store: Store, deadline_id: int) -> None:
    with store.session() as s:
        client = add_client(s, "Ayşe Yıldırım")
        other = add_deadline(s, client, date(2026, 12, 4), reminder_days=[3, 1]).id
        add_deadline(s, client, date(2026, 12, 4), "No reminders wanted", reminder_days=[])
        add_deadline(s, client, date(2026, 12, 4), "Done", reminder_days=[1], status=DeadlineStatus.done)
        closed = add_client(s, "Closed", status=CaseStatus.closed)
        add_deadline(s, closed, date(2026, 12, 4), "Of a closed case", reminder_days=[1])
    assert sorted(reminders(store, at(9, 10))) == sorted([(deadline_id, 1), (other, 1)])
    with store.session() as s:
        mark_done(s, deadline_id, at(9, 11))
    assert reminders(store, at(9, 12)) == [(other, 1)]


def test_a_reminder_for_a_deleted_deadline_is_skipped(store: Store, deadline_id: int) -> None:
    with store.session() as s:
        due = due_reminders(s, at(9, 10))
        s.delete(s.get(m.Deadline, deadline_id))
    with store.session() as s:
        acknowledge(s, due)  # no error: the deadline is gone


def test_offsets_that_are_not_day_counts_are_ignored(store: Store) -> None:
    with store.session() as s:
        client = add_client(s, "Imported Case")
        odd = add_deadline(s, client, DUE, reminder_days=[True, "2", -1, 2.5, 3]).id  # type: ignore[list-item]
        s.get(m.Deadline, odd).reminders_seen = ["3", None]
    assert reminders(store, at(9, 10)) == [(odd, 3)]
    with store.session() as s:
        assert next_reminder_at(s, at(6, 10)) == at(7, 8)


PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(("now", "due", "fires", "utc_hour"), [
    # Clocks go forward on 29 March 2026: a reminder computed in winter time fires in summer time.
    (datetime(2026, 3, 26, 9, 0, tzinfo=PARIS), date(2026, 4, 2), datetime(2026, 4, 1, 8, 0), 6),
    # And back on 25 October 2026.
    (datetime(2026, 10, 22, 9, 0, tzinfo=PARIS), date(2026, 10, 29), datetime(2026, 10, 28, 8, 0), 7),
])
def test_a_reminder_across_a_clock_change_fires_at_eight_local_time(
        store: Store, now: datetime, due: date, fires: datetime, utc_hour: int) -> None:
    with store.session() as s:
        deadline = add_deadline(s, add_client(s, "Idris Mamut"), due, reminder_days=[7, 1, 0]).id
        assert [(r.deadline_id, r.offset_days) for r in due_reminders(s, now)] == [(deadline, 7)]
        acknowledge(s, due_reminders(s, now))
        upcoming = next_reminder_at(s, now)
    assert upcoming is not None
    # 08:00 on the clock of the lawyer's named zone, whatever offset that day has…
    assert (upcoming.date(), upcoming.time()) == (fires.date(), fires.time())
    assert upcoming.astimezone(UTC).hour == utc_hour
    # …where a fixed offset taken on the day of computing would have been an hour off.
    fixed = now.astimezone(timezone(now.utcoffset() or timedelta()))
    with store.session() as s:
        wrong = next_reminder_at(s, fixed)
    assert wrong is not None and wrong.astimezone(UTC).hour != utc_hour
