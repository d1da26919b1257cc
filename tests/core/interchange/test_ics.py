"""The calendar export read back with icalendar: events, alarms, UIDs, what it reveals, updates, atomic writes."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from lawyer_desk.core import models as m
from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.interchange.ics import CalendarOptions, calendar_bytes, event_uid, export_calendar
from lawyer_desk.core.references import case_reference
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import CaseStatus, DeadlineStatus
from tests.core.deadlines.factories import add_client, add_deadline, audit_summaries

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
UYGHUR = "ئىدرىس مامۇت"
UYGHUR_TITLE = "سوتقا يازما پىكىر"  # "written observations to the court"
CYRILLIC_TITLE = "Возражения в суд"


@pytest.fixture
def desk(store: Store) -> dict[str, int]:
    with store.session() as s:
        idris = add_client(s, UYGHUR)
        aleksei = add_client(s, "Алексей Ветров")
        closed = add_client(s, "Closed Client", status=CaseStatus.closed)
        ids = {
            "timed": add_deadline(s, idris, date(2026, 12, 10), UYGHUR_TITLE, due_time=time(16, 0),
                                  time_zone="Europe/Paris", reminder_days=[7, 1, 0], note="Ask Mehmet for the scan").id,
            "all_day": add_deadline(s, aleksei, date(2026, 12, 14), CYRILLIC_TITLE, reminder_days=[7, 1, 0]).id,
            "no_alarm": add_deadline(s, aleksei, date(2027, 1, 20), "Hearing", reminder_days=[]).id,
        }
        add_deadline(s, aleksei, date(2026, 12, 11), "Done already", status=DeadlineStatus.done)
        add_deadline(s, closed, date(2026, 12, 11), "Of a closed case")
        ids |= {"idris": idris.id, "aleksei": aleksei.id}
    return ids


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def export(store: Store, options: CalendarOptions | None = None, now: datetime = NOW) -> bytes:
    with store.session() as s:
        return calendar_bytes(s, store.key_for("calendar"), options or CalendarOptions(), now=now)


def by_uid(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["uid"]): e for e in calendar.events}


def test_one_event_per_open_deadline_of_open_cases(store: Store, desk: dict[str, int]) -> None:
    data = export(store)
    calendar = parse(data)
    assert str(calendar["version"]) == "2.0" and "lawyer-desk" in str(calendar["prodid"])
    events = by_uid(calendar)
    key = store.key_for("calendar")
    assert set(events) == {event_uid(key, desk[k]) for k in ("timed", "all_day", "no_alarm")}
    for uid in events:
        assert re.fullmatch(r"[0-9a-f]{32}@lawyer-desk", uid)
    with store.session() as s:
        ref = case_reference(s.get(m.Client, desk["idris"]).uid)
    timed = events[event_uid(key, desk["timed"])]
    assert str(timed["summary"]) == f"{ref} · {UYGHUR_TITLE}"  # UTF-8 titles survive, right-to-left included
    assert timed.start == datetime(2026, 12, 10, 16, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert timed["dtstart"].params["TZID"] == "Europe/Paris"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert timed["dtstamp"].dt == NOW
    all_day = events[event_uid(key, desk["all_day"])]
    assert CYRILLIC_TITLE in str(all_day["summary"])
    assert all_day.start == date(2026, 12, 14) and all_day.end == date(2026, 12, 15)
    assert str(all_day["transp"]) == "TRANSPARENT"


def test_alarms_at_eight_in_the_morning_of_each_reminder_day(store: Store, desk: dict[str, int]) -> None:
    events = by_uid(parse(export(store)))
    key = store.key_for("calendar")

    def triggers(name: str) -> list[timedelta]:
        event = events[event_uid(key, desk[name])]
        assert all(str(a["action"]) == "DISPLAY" and str(a["description"]) for a in event.subcomponents)
        return [a["trigger"].dt for a in event.subcomponents]

    # 16:00 cut-off: 08:00 seven days and one day before, and 08:00 on the day
    assert triggers("timed") == [-timedelta(days=7, hours=8), -timedelta(days=1, hours=8), -timedelta(hours=8)]
    # all-day event (starts at midnight): 08:00 on each day
    assert triggers("all_day") == [-timedelta(days=7) + timedelta(hours=8), -timedelta(days=1) + timedelta(hours=8),
                                   timedelta(hours=8)]
    assert triggers("no_alarm") == []
    timed = events[event_uid(key, desk["timed"])]
    alarm_times = sorted(t.trigger for t in timed.alarms.times)
    assert alarm_times[0] == datetime(2026, 12, 3, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))


def test_no_client_name_or_note_unless_asked(store: Store, desk: dict[str, int]) -> None:
    plain = export(store).decode("utf-8")
    for secret in (UYGHUR, "Алексей", "Ветров", "Mehmet"):
        assert secret not in plain
    named = parse(export(store, CalendarOptions(include_client_name=True)))
    summaries = {str(e["summary"]) for e in named.events}
    assert any(UYGHUR in s for s in summaries) and any("Алексей Ветров" in s for s in summaries)
    with_notes = export(store, CalendarOptions(include_notes=True)).decode("utf-8")
    assert "Mehmet" in with_notes.replace("\r\n ", "")
    assert UYGHUR not in with_notes


def test_one_case_only(store: Store, desk: dict[str, int]) -> None:
    events = parse(export(store, CalendarOptions(client_id=desk["aleksei"]))).events
    assert sorted(str(e["summary"]).split(" · ")[1] for e in events) == ["Hearing", CYRILLIC_TITLE]


def test_uids_are_stable_and_depend_on_the_store_key(store: Store, desk: dict[str, int]) -> None:
    assert set(by_uid(parse(export(store)))) == set(by_uid(parse(export(store, now=NOW + timedelta(days=3)))))
    assert event_uid(b"\x01" * 32, 1) != event_uid(b"\x02" * 32, 1)
    assert event_uid(b"\x01" * 32, 1) != event_uid(b"\x01" * 32, 2)


def test_a_second_export_after_a_change_updates_rather_than_duplicates(store: Store, desk: dict[str, int]) -> None:
    first = by_uid(parse(export(store)))
    with store.session() as s:
        s.get(m.Deadline, desk["all_day"]).due_date = date(2026, 12, 15)
    later = NOW + timedelta(hours=2)
    second = by_uid(parse(export(store, now=later)))
    assert set(second) == set(first) and len(second) == len(first) == 3
    changed = event_uid(store.key_for("calendar"), desk["all_day"])
    assert second[changed].start == date(2026, 12, 15)
    assert int(second[changed]["sequence"]) > int(first[changed]["sequence"])
    assert second[changed]["last-modified"].dt >= first[changed]["last-modified"].dt  # to the second
    for uid in set(first) - {changed}:
        assert int(second[uid]["sequence"]) == int(first[uid]["sequence"])
    assert {e["dtstamp"].dt for e in second.values()} == {later}


def test_export_writes_the_file_and_records_it(store: Store, desk: dict[str, int], tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "deadlines.ics"
    with store.session() as s:
        assert export_calendar(s, target, store.key_for("calendar"), now=NOW) == 3
    assert len(parse(target.read_bytes()).events) == 3
    with store.session() as s:
        assert export_calendar(s, target, store.key_for("calendar"), CalendarOptions(client_id=desk["aleksei"]),
                               now=NOW) == 2  # re-export replaces the file
        assert audit_summaries(s, entity="calendar") == [
            "calendar exported: 3 deadlines of all open cases, without client names",
            f"calendar exported: 2 deadlines of case {desk['aleksei']}, without client names"]
    assert len(parse(target.read_bytes()).events) == 2
    assert os.listdir(tmp_path / "out") == ["deadlines.ics"]


def test_a_failed_export_leaves_the_old_file_whole(store: Store, desk: dict[str, int], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "deadlines.ics"
    target.write_bytes(b"the previous calendar")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(InvalidInput, match="No space left on device"), store.session() as s:
        export_calendar(s, target, store.key_for("calendar"), now=NOW)
    monkeypatch.undo()
    assert target.read_bytes() == b"the previous calendar"
    assert os.listdir(tmp_path / "out") == ["deadlines.ics"]  # no temporary file left behind
    with store.session() as s:
        assert audit_summaries(s, entity="calendar") == []  # the export was not recorded


def test_an_unwritable_place_is_a_clear_error(store: Store, desk: dict[str, int], tmp_path: Path) -> None:
    with store.session() as s, pytest.raises(InvalidInput, match=r"Cannot write the calendar to .*missing"):
        export_calendar(s, tmp_path / "missing" / "deadlines.ics", store.key_for("calendar"), now=NOW)


def test_long_titles_fold_without_breaking_a_character_and_special_characters_survive(store: Store) -> None:
    long_title = "Возражения на запрос об экстрадиции; копия, перевод \\ заверение\nи приложения " * 3
    uyghur = "ئۇيغۇرچە ئىسىم، " * 12
    with store.session() as s:
        client = add_client(s, uyghur)
        add_deadline(s, client, date(2026, 12, 10), long_title, reminder_days=[1])
        add_deadline(s, client, date(2026, 12, 11), "Tab\there and a bell\x07 too")
    data = export(store, CalendarOptions(include_client_name=True))
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # no line ends inside a character
    assert data.endswith(b"END:VCALENDAR\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    events = sorted(parse(data).events, key=lambda e: e.start)
    summary = str(events[0]["summary"])
    assert summary.endswith(" · " + long_title) and uyghur in summary
    assert str(events[1]["summary"]).endswith("Tab\there and a bell  too")  # control characters are not allowed
    assert str(events[0].subcomponents[0]["description"]) == f"Due tomorrow: {summary}"
