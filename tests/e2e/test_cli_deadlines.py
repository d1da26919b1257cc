"""Deadline commands on the command line, in real processes.

`rules` and `deadline` need no passphrase and print the reasoning; `deadlines` lists the open
deadlines of a real store and `ics` exports them; bad input gets one clear line.
"""

from __future__ import annotations

import json
import os
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import icalendar

from lawyer_desk.core.references import case_reference
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import CaseStatus, DeadlineKind, DeadlineStatus
from tests.conftest import PASSPHRASE
from tests.core.deadlines.factories import add_client, add_deadline
from tests.e2e.helpers import CHEAP, assert_error, assert_ok, run_cli, run_many

RULE = """
[[rule]]
id = "my-court-appeal"
title = "Appeal to my court"
forum = "Regional court"
jurisdiction = "DE"
trigger_event = "service of the judgment"
period = 2
unit = "weeks"
counting = "after"
roll = "forward"
holidays = { country = "DE", name = "Germany" }
time_zone = "Europe/Berlin"
kind = "statutory"
source = { instrument = "Code of procedure", article = "§ 1" }
counting_source = { note = "period runs from the day after service" }
roll_source = { note = "a period ending on a holiday ends on the next working day" }
"""


def test_rules_lists_the_catalogue_without_a_passphrase(tmp_path: Path) -> None:
    result = run_cli("rules", "--json", "--data-dir", tmp_path / "store", passphrase=None)
    assert result.returncode == 0, result.stderr
    ids = {rule["id"] for rule in json.loads(result.stdout)["rules"]}
    assert {"ccf-admissibility", "echr-application", "uk-ea2003-s103-leave-to-appeal",
            "ece-art16-provisional-arrest-max"} <= ids


def test_deadline_prints_the_due_date_and_the_reasoning(tmp_path: Path) -> None:
    result = run_cli("deadline", "echr-application", "2026-05-31", "--json", "--data-dir", tmp_path, passphrase=None)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"rule", "trigger", "due", "time", "tz", "explanation"} <= set(data)
    assert data["due"] == "2026-09-30"  # four months, clamped to the last day of September
    assert data["explanation"][-1].startswith("Due: Wed 30 Sep 2026")
    plain = run_cli("deadline", "uk-ea2003-s103-leave-to-appeal", "2026-12-14", "--data-dir", tmp_path,
                    passphrase=None)
    assert "14 days starting with Mon 14 Dec 2026" in plain.stdout


def test_a_lawyers_own_rule_file_is_used(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mine.toml").write_text(RULE, encoding="utf-8")
    result = run_cli("deadline", "my-court-appeal", "2026-12-11", "--json", "--data-dir", tmp_path, passphrase=None)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["due"] == "2026-12-28"  # 25 and 26 Dec are holidays in Germany


def test_bad_input_gets_one_clear_line(tmp_path: Path) -> None:
    assert_error(run_cli("deadline", "no-such-rule", "2026-01-01", "--data-dir", tmp_path, passphrase=None),
                 1, "no deadline rule with id 'no-such-rule'")
    assert_error(run_cli("deadline", "ccf-admissibility", "2026-13-01", "--data-dir", tmp_path, passphrase=None),
                 1, "is not a date")
    assert_error(run_cli("deadline", "ccf-admissibility", "2099-01-01", "--data-dir", tmp_path, passphrase=None),
                 1, "more than a year from today")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "broken.toml").write_text(RULE.replace('unit = "weeks"', 'unit = "fortnights"'),
                                                    encoding="utf-8")
    result = run_cli("rules", "--data-dir", tmp_path, passphrase=None)
    assert_error(result, 1, "broken.toml")
    assert "my-court-appeal" in result.stderr and "unit" in result.stderr


# --- deadlines and ics: against a real store ------------------------------------------------
def deadline_store(root: Path) -> dict[str, Any]:
    """Two open cases and a closed one; deadlines overdue, today, in two days (with a cut-off), in 40 days."""
    today = date.today()
    with Store.create(root, PASSPHRASE, CHEAP) as store, store.session() as s:
        idris = add_client(s, "Идрис Мамут")
        ayse = add_client(s, "Ayşe Yıldırım")
        closed = add_client(s, "Closed Client", status=CaseStatus.closed)
        ids = {
            "overdue": add_deadline(s, idris, today - timedelta(days=3), "Reply to the CCF", reminder_days=[1]).id,
            "today": add_deadline(s, ayse, today, "Grounds of appeal", kind=DeadlineKind.practice).id,
            "soon": add_deadline(s, idris, today + timedelta(days=2), "Rule 39 request", due_time=time(16, 0),
                                 time_zone="Europe/Paris", reminder_days=[7, 1, 0], rule_id="echr-application").id,
            "later": add_deadline(s, ayse, today + timedelta(days=40), "Asylum interview").id,
        }
        add_deadline(s, idris, today + timedelta(days=1), "Done already", status=DeadlineStatus.done)
        add_deadline(s, closed, today + timedelta(days=1), "Of a closed case")
        return {**ids, "idris": idris.id, "ayse": ayse.id, "idris_ref": case_reference(idris.uid),
                "ayse_ref": case_reference(ayse.uid)}


def test_deadlines_lists_open_deadlines_soonest_first(tmp_path: Path) -> None:
    made = deadline_store(tmp_path / "store")
    plain, week, json_all, one_case = run_many([
        ("deadlines", "--data-dir", tmp_path / "store"),
        ("deadlines", "--within", "7", "--data-dir", tmp_path / "store"),
        ("deadlines", "--json", "--data-dir", tmp_path / "store"),
        ("deadlines", "--case", str(made["ayse"]), "--json", "--data-dir", tmp_path / "store"),
    ])
    for result in (plain, week, json_all, one_case):
        assert_ok(result)
    lines = plain.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("OVERDUE by 3 days") and made["idris_ref"] in lines[0]
    assert "Идрис Мамут" in lines[0] and "Reply to the CCF" in lines[0]
    assert lines[1].startswith("today") and "Ayşe Yıldırım" in lines[1] and "[practice]" in lines[1]
    assert lines[2].startswith("in 2 days") and "16:00 Europe/Paris" in lines[2] and "Rule 39 request" in lines[2]
    assert lines[3].startswith("in 40 days")
    assert "Done already" not in plain.stdout and "closed case" not in plain.stdout
    assert len(week.stdout.splitlines()) == 3 and "Asylum interview" not in week.stdout

    rows = json.loads(json_all.stdout)["deadlines"]
    assert [r["deadline_id"] for r in rows] == [made[k] for k in ("overdue", "today", "soon", "later")]
    soon = rows[2]
    assert soon == {"deadline_id": made["soon"], "case_id": made["idris"], "case_reference": made["idris_ref"],
                    "client": "Идрис Мамут", "title": "Rule 39 request",
                    "due": (date.today() + timedelta(days=2)).isoformat(), "time": "16:00", "tz": "Europe/Paris",
                    "kind": "statutory", "status": "open", "urgency": "this_week", "days_left": 2,
                    "rule": "echr-application"}
    assert [r["urgency"] for r in rows] == ["overdue", "today", "this_week", "later"]
    assert [r["title"] for r in json.loads(one_case.stdout)["deadlines"]] == ["Grounds of appeal", "Asylum interview"]


def test_deadlines_bad_input_gets_one_clear_line(tmp_path: Path) -> None:
    deadline_store(tmp_path / "store")
    negative, word, unknown, no_store = run_many([
        ("deadlines", "--within", "-1", "--data-dir", tmp_path / "store"),
        ("deadlines", "--within", "soon", "--data-dir", tmp_path / "store"),
        ("deadlines", "--case", "999", "--data-dir", tmp_path / "store"),
        ("deadlines", "--data-dir", tmp_path / "nothing-here"),
    ])
    assert_error(negative, 2, "--within", "-1")
    assert_error(word, 2, "--within", "whole number", "'soon'")
    assert_error(unknown, 1, "no case 999")
    assert_error(no_store, 4, "no store")


def test_ics_writes_a_calendar_without_client_names(tmp_path: Path) -> None:
    made = deadline_store(tmp_path / "store")
    out = tmp_path / "deadlines.ics"
    result = run_cli("ics", "--out", out, "--data-dir", tmp_path / "store")
    assert_ok(result)
    assert result.stdout.strip() == f"Wrote 4 events to {out}"
    first = icalendar.Calendar.from_ical(out.read_bytes())
    summaries = sorted(str(e["summary"]) for e in first.events)
    assert f"{made['idris_ref']} · Rule 39 request" in summaries
    text = out.read_text(encoding="utf-8")
    assert "Идрис" not in text and "Ayşe" not in text
    assert len(next(e for e in first.events if "Rule 39" in str(e["summary"])).subcomponents) == 3  # 3 alarms

    # Re-export to the same file (the normal use): the same events, replaced whole; names only when asked.
    # One at a time: an export is recorded in the audit trail, so it takes the store's writer lock.
    again, named, one_case = [run_cli(*args) for args in (
        ("ics", "--out", out, "--data-dir", tmp_path / "store"),
        ("ics", "--out", tmp_path / "named.ics", "--with-client-names", "--data-dir", tmp_path / "store"),
        ("ics", "--out", tmp_path / "one.ics", "--case", str(made["ayse"]), "--data-dir", tmp_path / "store"),
    )]
    for r in (again, named, one_case):
        assert_ok(r)
    second = icalendar.Calendar.from_ical(out.read_bytes())
    assert {str(e["uid"]) for e in second.events} == {str(e["uid"]) for e in first.events}
    assert "Идрис Мамут" in (tmp_path / "named.ics").read_text(encoding="utf-8")
    assert one_case.stdout.strip() == f"Wrote 2 events to {tmp_path / 'one.ics'}"


def test_ics_bad_input_gets_one_clear_line(tmp_path: Path) -> None:
    deadline_store(tmp_path / "store")
    (tmp_path / "keep.ics").write_text("old calendar", encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked").chmod(0o500)
    try:
        missing_dir, folder, unknown, locked = [run_cli(*args) for args in (
            ("ics", "--out", tmp_path / "no-such-folder" / "d.ics", "--data-dir", tmp_path / "store"),
            ("ics", "--out", tmp_path, "--data-dir", tmp_path / "store"),
            ("ics", "--out", tmp_path / "keep.ics", "--case", "999", "--data-dir", tmp_path / "store"),
            ("ics", "--out", tmp_path / "locked" / "d.ics", "--data-dir", tmp_path / "store"),
        )]
    finally:
        (tmp_path / "locked").chmod(0o700)
    assert_error(missing_dir, 1, "Cannot write the calendar", "no-such-folder")
    assert_error(folder, 1, "is a folder")
    assert_error(unknown, 1, "no case 999")
    assert (tmp_path / "keep.ics").read_text(encoding="utf-8") == "old calendar"
    if os.geteuid() != 0:  # root writes anywhere
        assert_error(locked, 1, "Cannot write the calendar", "Permission denied")
    assert list((tmp_path / "locked").iterdir()) in ([], [tmp_path / "locked" / "d.ics"])
