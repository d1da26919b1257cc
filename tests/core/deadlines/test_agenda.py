"""The dashboard's data against a real store: sections, order, filters, marking done, cut-offs across zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from lawyer_desk.core import models as m
from lawyer_desk.core.deadlines import (
    AgendaFilter,
    Urgency,
    agenda,
    agenda_choices,
    cutoff_text,
    mark_done,
    reopen,
    urgency_of,
)
from lawyer_desk.core.errors import NotFound
from lawyer_desk.core.references import case_reference
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import DeadlineStatus, Forum
from tests.core.deadlines.factories import TODAY, add_client, add_deadline, audit_summaries, day


@pytest.mark.parametrize(("offset", "status", "expected"), [
    (-30, DeadlineStatus.open, Urgency.overdue),
    (-1, DeadlineStatus.open, Urgency.overdue),
    (0, DeadlineStatus.open, Urgency.today),
    (1, DeadlineStatus.open, Urgency.this_week),
    (7, DeadlineStatus.open, Urgency.this_week),
    (8, DeadlineStatus.open, Urgency.later),
    (-3, DeadlineStatus.done, Urgency.done),
    (5, DeadlineStatus.done, Urgency.done),
    (-3, DeadlineStatus.missed, Urgency.overdue),  # never met: still overdue, not "done"
])
def test_urgency_buckets(offset: int, status: DeadlineStatus, expected: Urgency) -> None:
    assert urgency_of(day(offset), TODAY, status) is expected


def test_open_deadlines_of_open_cases_in_date_time_name_order(store: Store, desk: dict[str, int]) -> None:
    with store.session() as s:
        items = agenda(s, TODAY)
    assert [i.deadline_id for i in items] == [desk[k] for k in (
        "overdue", "today_early", "today_idris", "today_late", "no_proceeding", "week", "later")]
    assert [i.urgency for i in items] == [Urgency.overdue, Urgency.today, Urgency.today, Urgency.today,
                                          Urgency.this_week, Urgency.this_week, Urgency.later]
    assert [i.days_left for i in items] == [-3, 0, 0, 0, 2, 7, 40]
    first = items[0]
    assert (first.client_name, first.title, first.forum, first.country, first.lawyer) == (
        "Idris Mamut", "Reply to the CCF", Forum.ccf, "FR", "A. Kowalska")
    with store.session() as s:
        uid = s.get(m.Client, desk["idris"]).uid
    assert first.case_reference == case_reference(uid)
    early = items[1]
    assert (early.due_time, early.time_zone) == (time(10, 0), "Europe/Amsterdam")
    assert items[4].proceeding_id is None and items[4].forum is None


def test_same_day_without_time_sorts_by_client_name(store: Store, desk: dict[str, int]) -> None:
    with store.session() as s:
        today = [i for i in agenda(s, TODAY) if i.urgency is Urgency.today and i.due_time is None]
    assert [i.client_name for i in today] == ["Idris Mamut", "Алексей Ветров"]
    with store.session() as s:
        add_deadline(s, add_client(s, "adam Early"), TODAY, "Lower-case name")
        names = [i.client_name for i in agenda(s, TODAY) if i.urgency is Urgency.today and i.due_time is None]
    assert names == ["adam Early", "Idris Mamut", "Алексей Ветров"]  # case does not decide the order


def test_include_done_adds_done_and_missed(store: Store, desk: dict[str, int]) -> None:
    with store.session() as s:
        items = {i.deadline_id: i for i in agenda(s, TODAY, AgendaFilter(include_done=True))}
    assert items[desk["done"]].urgency is Urgency.done
    assert items[desk["missed"]].urgency is Urgency.overdue
    assert items[desk["missed"]].status is DeadlineStatus.missed
    assert desk["closed_case"] not in items


@pytest.mark.parametrize(("flt", "expected"), [
    (AgendaFilter(lawyer="A. Kowalska"), {"overdue", "today_early", "today_idris", "no_proceeding", "later"}),
    (AgendaFilter(lawyer="Nobody"), set()),
    (AgendaFilter(forum=Forum.ccf), {"overdue", "today_idris"}),
    (AgendaFilter(forum=Forum.asylum), {"today_early", "later"}),
    (AgendaFilter(country="PL"), {"today_late", "week"}),  # the proceeding's country
    (AgendaFilter(country="CN"), {"overdue", "today_idris"}),  # the requesting country of the case's alert
    (AgendaFilter(country="FR"), {"overdue", "today_idris"}),
    (AgendaFilter(within_days=0), {"overdue", "today_early", "today_late", "today_idris"}),
    (AgendaFilter(within_days=7), {"overdue", "today_early", "today_late", "today_idris", "no_proceeding", "week"}),
    (AgendaFilter(within_days=6), {"overdue", "today_early", "today_late", "today_idris", "no_proceeding"}),
    (AgendaFilter(lawyer="A. Kowalska", forum=Forum.asylum, within_days=30), {"today_early"}),
])
def test_filters(store: Store, desk: dict[str, int], flt: AgendaFilter, expected: set[str]) -> None:
    with store.session() as s:
        found = {i.deadline_id for i in agenda(s, TODAY, flt)}
    assert found == {desk[k] for k in expected}


def test_filter_by_client(store: Store, desk: dict[str, int]) -> None:
    with store.session() as s:
        items = agenda(s, TODAY, AgendaFilter(client_id=desk["ayse"]))
    assert {i.deadline_id for i in items} == {desk["today_early"], desk["no_proceeding"], desk["later"]}


def test_choices_come_from_open_cases(store: Store, desk: dict[str, int]) -> None:
    with store.session() as s:
        choices = agenda_choices(s)
    assert choices.lawyers == ["A. Kowalska", "M. Petrović"]
    assert choices.forums == [Forum.ccf, Forum.extradition_court, Forum.asylum]  # in the vocabulary's order
    assert choices.countries == ["CN", "FR", "NL", "PL", "RU"]


def test_mark_done_and_reopen_are_saved_and_audited(store: Store, desk: dict[str, int]) -> None:
    when = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    target = desk["week"]
    with store.session() as s:
        mark_done(s, target, when)
    with store.session() as s:
        saved = s.get(m.Deadline, target)
        assert saved.status is DeadlineStatus.done
        assert saved.done_at is not None and saved.done_at.replace(tzinfo=UTC) == when
        assert target not in {i.deadline_id for i in agenda(s, TODAY)}
        assert "status: open → done" in audit_summaries(s, entity_id=target)[-1]
    with store.session() as s:
        reopen(s, target)
    with store.session() as s:
        saved = s.get(m.Deadline, target)
        assert (saved.status, saved.done_at) == (DeadlineStatus.open, None)
        last = audit_summaries(s, entity_id=target)[-1]
        assert "status: done → open" in last and "done_at:" in last
        assert target in {i.deadline_id for i in agenda(s, TODAY)}
    assert store.audit_report().intact


def test_marking_done_twice_changes_nothing_more(store: Store, desk: dict[str, int]) -> None:
    with store.session() as s:
        mark_done(s, desk["week"], datetime(2026, 12, 2, tzinfo=UTC))
    with store.session() as s:
        before = len(audit_summaries(s))
        mark_done(s, desk["week"], datetime(2026, 12, 5, tzinfo=UTC))
    with store.session() as s:
        assert len(audit_summaries(s)) == before


def test_unknown_deadline_is_not_found(store: Store) -> None:
    with store.session() as s, pytest.raises(NotFound, match="no deadline 999"):
        mark_done(s, 999, datetime.now(UTC))
    with store.session() as s, pytest.raises(NotFound):
        reopen(s, 999)


def test_slippage_of_a_ccf_decision(store: Store) -> None:
    with store.session() as s:
        client = add_client(s, "Idris Mamut")
        late = add_deadline(s, client, day(5), "CCF decision", statutory_date=date(2026, 10, 1),
                            actual_date=date(2026, 11, 12)).id
        plain = add_deadline(s, client, day(6), "No decision yet", statutory_date=date(2026, 10, 1)).id
        items = {i.deadline_id: i for i in agenda(s, TODAY)}
    assert items[late].slippage_days == 42
    assert (items[late].statutory_date, items[late].actual_date) == (date(2026, 10, 1), date(2026, 11, 12))
    assert items[plain].slippage_days is None


# --- cut-off across zones -----------------------------------------------------------------
PARIS = "Europe/Paris"
STRASBOURG_4PM = time(16, 0)


@pytest.mark.parametrize(("due", "local", "expected"), [
    # Winter: Strasbourg UTC+1, London UTC+0, Tokyo UTC+9 (no summer time): midnight, the next day.
    (date(2026, 12, 2), "Europe/London", "16:00 Strasbourg time (Europe/Paris) — 15:00 your time"),
    (date(2026, 12, 2), "Asia/Tokyo", "16:00 Strasbourg time (Europe/Paris) — 00:00 Thu 3 Dec 2026 your time"),
    # Summer: Strasbourg UTC+2, London UTC+1 (both moved), Tokyo still UTC+9: the same day, 23:00.
    (date(2026, 7, 15), "Europe/London", "16:00 Strasbourg time (Europe/Paris) — 15:00 your time"),
    (date(2026, 7, 15), "Asia/Tokyo", "16:00 Strasbourg time (Europe/Paris) — 23:00 your time"),
    # New York moves its clocks three weeks before Europe: 11:00 then, 10:00 otherwise.
    (date(2026, 3, 16), "America/New_York", "16:00 Strasbourg time (Europe/Paris) — 11:00 your time"),
    (date(2026, 4, 16), "America/New_York", "16:00 Strasbourg time (Europe/Paris) — 10:00 your time"),
    # The same wall-clock time where the lawyer is: the time alone.
    (date(2026, 12, 2), "Europe/Paris", "16:00"),
    (date(2026, 12, 2), "Europe/Berlin", "16:00"),
])
def test_cutoff_seen_from_elsewhere(due: date, local: str, expected: str) -> None:
    assert cutoff_text(due, STRASBOURG_4PM, PARIS, ZoneInfo(local), place="Strasbourg") == expected


def test_cutoff_names_the_zone_city_without_a_place() -> None:
    london = ZoneInfo("Europe/London")
    winter = date(2026, 12, 2)
    assert cutoff_text(winter, time(16, 0), PARIS, london) == "16:00 Paris time (Europe/Paris) — 15:00 your time"
    assert cutoff_text(winter, time(12, 0), "UTC", ZoneInfo("Europe/Warsaw")) == "12:00 UTC — 13:00 your time"
    assert cutoff_text(winter, time(16, 0), "America/New_York", london) == \
        "16:00 New York time (America/New_York) — 21:00 your time"


def test_cutoff_without_a_time_or_zone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    assert cutoff_text(date(2026, 12, 2), None, PARIS, tokyo) == ""
    assert cutoff_text(date(2026, 12, 2), time(9, 5), None, tokyo) == "09:05"
    assert cutoff_text(date(2026, 12, 2), time(9, 5), "Not/A_Zone", tokyo) == "09:05"
