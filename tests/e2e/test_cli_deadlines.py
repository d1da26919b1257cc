"""`rules` and `deadline` on the command line: no passphrase needed, reasoning printed, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.helpers import assert_error, run_cli

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
