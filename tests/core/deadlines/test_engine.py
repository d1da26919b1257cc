"""Worked examples per shipped rule: weekend, forum holiday, year end, month-end clamp, rolls."""

from __future__ import annotations

from datetime import date, time

import pytest

from lawyer_desk.core.deadlines import Catalogue, Rule, compute
from lawyer_desk.core.deadlines.engine import add_months, check_trigger, fmt_date, is_business_day
from lawyer_desk.core.errors import InvalidInput

from .conftest import VALID_RULE

D = date


@pytest.mark.parametrize(("rule_id", "trigger", "due", "says"), [
    # CCF: months after the trigger, corresponding date, clamped; never rolled.
    ("ccf-admissibility", D(2026, 12, 15), D(2027, 1, 15), "not a weekend day"),          # across year end
    ("ccf-admissibility", D(2027, 1, 31), D(2027, 2, 28), "has no day 31"),              # clamp + Sunday
    ("ccf-access-decision", D(2026, 9, 1), D(2027, 1, 1), "public holiday in France"),   # New Year, not moved
    ("ccf-access-decision", D(2026, 10, 31), D(2027, 2, 28), "weekend day; NOT moved"),
    ("ccf-deletion-decision", D(2026, 5, 31), D(2027, 2, 28), "has no day 31"),          # 9 months from 31 May
    ("ccf-deletion-decision", D(2027, 5, 31), D(2028, 2, 29), "has no day 31"),          # leap year
    ("ccf-revision", D(2026, 12, 2), D(2027, 6, 1), "day before the corresponding date"),
    ("ccf-revision", D(2026, 1, 15), D(2026, 7, 14), "public holiday in France"),        # 14 July
    ("ccf-revision", D(2026, 8, 15), D(2027, 2, 14), "weekend day; NOT moved"),
    # ECHR: from the day after, corresponding date, never extended (Sabri Güneş).
    ("echr-application", D(2026, 8, 25), D(2026, 12, 25), "Christmas Day); NOT moved"),
    ("echr-application", D(2026, 8, 26), D(2026, 12, 26), "weekend day and a public holiday"),
    ("echr-application", D(2026, 10, 15), D(2027, 2, 15), "not a weekend day"),          # across year end
    ("echr-application", D(2026, 10, 31), D(2027, 2, 28), "has no day 31"),
    # UK Extradition Act: "starting with" the trigger day, not rolled.
    ("uk-ea2003-s74-request", D(2026, 11, 1), D(2026, 12, 15), "45 days starting with"),
    ("uk-ea2003-s74-request", D(2026, 11, 11), D(2026, 12, 25), "Christmas Day"),
    ("uk-ea2003-s74-request", D(2026, 12, 1), D(2027, 1, 14), "not a weekend day"),
    ("uk-ea2003-s93-representations", D(2026, 12, 1), D(2026, 12, 28), "Boxing Day (observed)"),
    ("uk-ea2003-s93-representations", D(2026, 12, 2), D(2026, 12, 29), "4 weeks (28 days)"),
    ("uk-ea2003-s103-leave-to-appeal", D(2026, 12, 2), D(2026, 12, 15), "not a weekend day or a public holiday in "
                                                                         "England and Wales"),
    ("uk-ea2003-s103-leave-to-appeal", D(2026, 12, 13), D(2026, 12, 26), "weekend day and a public holiday"),
    ("uk-ea2003-s103-leave-to-appeal", D(2026, 12, 19), D(2027, 1, 1), "New Year's Day"),
    ("uk-ea2003-s114-supreme-court-leave", D(2026, 3, 20), D(2026, 4, 2), "not a weekend day"),
    ("uk-ea2003-s114-supreme-court-leave", D(2026, 3, 21), D(2026, 4, 3), "Good Friday"),
    ("uk-ea2003-s117-removal", D(2026, 12, 6), D(2027, 1, 2), "weekend day; NOT moved"),
    ("uk-ea2003-s117-removal", D(2026, 12, 1), D(2026, 12, 28), "Boxing Day (observed)"),
    # CrimPR: business days after service, England and Wales holidays incl. substitutes.
    ("uk-crimpr-50.20-amend-appeal", D(2026, 12, 18), D(2027, 1, 6), "Mon 28 Dec 2026 (a public holiday"),
    ("uk-crimpr-50.20-amend-appeal", D(2026, 12, 19), D(2027, 1, 6), "Sun 20 Dec 2026 (a weekend day)"),
    ("uk-crimpr-50.20-amend-appeal", D(2026, 3, 30), D(2026, 4, 15), "Easter Monday"),
    # ECE Art. 16(4): days after the arrest, no holiday calendar.
    ("ece-art16-provisional-arrest-request", D(2026, 12, 14), D(2027, 1, 1), "no holiday calendar"),
    ("ece-art16-provisional-arrest-request", D(2026, 12, 1), D(2026, 12, 19), "weekend day; NOT moved"),
    ("ece-art16-provisional-arrest-max", D(2026, 11, 22), D(2027, 1, 1), "40 days after"),
    ("ece-art16-provisional-arrest-max", D(2026, 12, 1), D(2027, 1, 10), "weekend day; NOT moved"),
])
def test_worked_example(catalogue: Catalogue, rule_id: str, trigger: date, due: date, says: str) -> None:
    result = compute(catalogue.get(rule_id), trigger)
    text = "\n".join(result.explanation)
    assert result.due == due, text
    assert says in text, text
    assert fmt_date(due) in result.explanation[-1]
    assert result.explanation[0].startswith("Trigger:")


def test_the_issue_example_reads_as_promised(catalogue: Catalogue) -> None:
    result = compute(catalogue.get("uk-ea2003-s103-leave-to-appeal"), D(2026, 12, 2))
    assert "14 days starting with Wed 2 Dec 2026 (that day is day 1) → Tue 15 Dec 2026." in result.explanation
    assert result.time == time(16, 30)
    assert result.tz == "Europe/London"
    assert result.statutory
    assert result.explanation[-1] == "Due: Tue 15 Dec 2026 at 16:30 (Europe/London)."


def test_unrolled_weekend_suggests_the_business_day_before(catalogue: Catalogue) -> None:
    result = compute(catalogue.get("uk-ea2003-s103-leave-to-appeal"), D(2026, 12, 13))
    assert result.due == result.end_of_period == D(2026, 12, 26)
    assert "To be safe, act by the last business day before it: Thu 24 Dec 2026." in result.explanation


def test_possible_deadline_is_flagged(catalogue: Catalogue) -> None:
    result = compute(catalogue.get("uk-crimpr-50.20-amend-appeal"), D(2026, 6, 1))
    assert not result.statutory
    assert "possible deadline" in result.explanation[-1]


def _rule(**changes: str) -> Rule:
    import tomllib
    text = VALID_RULE
    for key, value in changes.items():
        text = "\n".join(f"{key} = {value}" if line.startswith(f"{key} =") else line for line in text.splitlines())
    return Rule.model_validate(tomllib.loads(text)["rule"][0])


def test_roll_forward_skips_weekend_and_substitute_holiday() -> None:
    result = compute(_rule(roll='"forward"'), D(2026, 12, 13))
    assert result.end_of_period == D(2026, 12, 26)
    assert result.due == D(2026, 12, 29)
    line = result.explanation[2]
    assert line.startswith("Sat 26 Dec 2026 is a weekend day and a public holiday in England and Wales (Boxing Day); "
                           "rolled forward to Tue 29 Dec 2026")
    assert "Mon 28 Dec 2026 is a public holiday in England and Wales (Boxing Day (observed))" in line


def test_roll_backward_goes_to_the_business_day_before() -> None:
    result = compute(_rule(roll='"backward"'), D(2026, 12, 13))
    assert result.due == D(2026, 12, 24)
    assert "rolled back to Thu 24 Dec 2026" in result.explanation[2]


def test_roll_backward_never_goes_before_the_trigger() -> None:
    result = compute(_rule(roll='"backward"', period="1"), D(2026, 12, 26))
    assert result.due == D(2026, 12, 26)


def test_business_days_starting_with_a_weekend_start_on_monday() -> None:
    rule = _rule(unit='"business_days"', period="3")
    assert compute(rule, D(2026, 12, 5)).due == D(2026, 12, 9)   # Sat → day 1 Mon 7, day 3 Wed 9
    assert compute(rule, D(2026, 12, 7)).due == D(2026, 12, 9)   # Mon is day 1


def test_months_starting_with_end_the_day_before_the_corresponding_date() -> None:
    rule = _rule(unit='"months"', period="1")
    assert compute(rule, D(2026, 12, 2)).due == D(2027, 1, 1)
    assert compute(rule, D(2027, 1, 31)).due == D(2027, 2, 27)   # the earlier reading: clamp, then the day before


def test_no_cutoff_means_end_of_day() -> None:
    text = VALID_RULE.replace('cutoff_time = "16:30"\n', "")
    import tomllib
    rule = Rule.model_validate(tomllib.loads(text)["rule"][0])
    result = compute(rule, D(2026, 12, 2))
    assert result.time is None
    assert result.explanation[-1] == "Due: Tue 15 Dec 2026 (end of the day, Europe/London)."


@pytest.mark.parametrize(("start", "months", "expected", "clamped"), [
    (D(2026, 5, 31), 9, D(2027, 2, 28), True),
    (D(2027, 5, 31), 9, D(2028, 2, 29), True),
    (D(2026, 1, 31), 3, D(2026, 4, 30), True),
    (D(2026, 12, 15), 1, D(2027, 1, 15), False),
    (D(2026, 2, 28), 12, D(2027, 2, 28), False),
])
def test_add_months_clamps(start: date, months: int, expected: date, clamped: bool) -> None:
    assert add_months(start, months) == (expected, clamped)


def test_business_day_knows_substitute_days() -> None:
    from lawyer_desk.core.deadlines.rules import HolidayCalendar
    england = HolidayCalendar(country="GB", subdivision="ENG")
    assert not is_business_day(D(2026, 12, 28), england)   # Boxing Day substitute
    assert not is_business_day(D(2026, 12, 26), england)
    assert is_business_day(D(2026, 12, 29), england)
    assert is_business_day(D(2026, 12, 28), None)           # no calendar: only weekends


# --- the trigger date a lawyer enters (command line and GUI alike) ----------------------------
def test_a_trigger_date_is_an_event_that_happened_or_is_about_to() -> None:
    today = D(2026, 12, 2)
    for fine in (D(1950, 1, 1), D(2001, 2, 28), today, D(2027, 12, 3)):  # up to 366 days ahead
        assert check_trigger(fine, today) == fine
    with pytest.raises(InvalidInput, match=r"^1949-12-31 is too far in the past to be a trigger date; check the"):
        check_trigger(D(1949, 12, 31), today)
    with pytest.raises(InvalidInput, match=r"^2027-12-04 is more than a year from today; a trigger is an event "
                                           r"that happened or is about to\. Check the year\.$"):
        check_trigger(D(2027, 12, 4), today)
