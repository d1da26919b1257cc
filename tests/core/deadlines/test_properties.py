"""Properties over many dates and rules: the engine's promises hold, not just the worked examples."""

from __future__ import annotations

import tomllib
from datetime import date

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from lawyer_desk.core.deadlines import Rule, compute, load_catalogue
from lawyer_desk.core.deadlines.engine import fmt_date

from .conftest import VALID_RULE

CATALOGUE = load_catalogue()
SHIPPED = [CATALOGUE.get(rule_id) for rule_id in CATALOGUE.ids()]
CALENDARS = [("GB", "ENG"), ("FR", "6AE"), ("FR", None), ("DE", None)]
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


def _make(unit: str, period: int, counting: str, roll: str, country: str, subdiv: str | None) -> Rule:
    data = tomllib.loads(VALID_RULE)["rule"][0]
    data.update(unit=unit, period=period, counting=counting, roll=roll,
                holidays={"country": country, "subdivision": subdiv})
    return Rule.model_validate(data)


rules = st.builds(
    _make,
    unit=st.sampled_from(["calendar_days", "business_days", "weeks", "months"]),
    period=st.integers(min_value=1, max_value=60),
    counting=st.sampled_from(["starting_with", "after"]),
    roll=st.sampled_from(["forward", "backward", "none"]),
    country=st.just("GB"), subdiv=st.just("ENG"),
) | st.sampled_from(SHIPPED)


@settings(max_examples=300, deadline=None)
@given(period=st.integers(min_value=1, max_value=60), counting=st.sampled_from(["starting_with", "after"]),
       calendar=st.sampled_from(CALENDARS), trigger=dates)
def test_business_day_counting_never_lands_on_weekend_or_holiday(period: int, counting: str,
                                                                 calendar: tuple[str, str | None],
                                                                 trigger: date) -> None:
    country, subdiv = calendar
    rule = _make("business_days", period, counting, "none", country, subdiv)
    due = compute(rule, trigger).due
    assert due.weekday() < 5
    assert due not in holidays.country_holidays(country, subdiv=subdiv, years=due.year)
    assert due > trigger or (counting == "starting_with" and period == 1 and due == trigger)


@settings(max_examples=300, deadline=None)
@given(unit=st.sampled_from(["calendar_days", "weeks", "months"]), period=st.integers(min_value=1, max_value=40),
       counting=st.sampled_from(["starting_with", "after"]), trigger=dates)
def test_forward_and_backward_rolls_land_on_business_days(unit: str, period: int, counting: str,
                                                          trigger: date) -> None:
    for roll in ("forward", "backward"):
        result = compute(_make(unit, period, counting, roll, "GB", "ENG"), trigger)
        if result.due != trigger:
            assert result.due.weekday() < 5
            assert result.due not in holidays.country_holidays("GB", subdiv="ENG", years=result.due.year)
        if roll == "forward":
            assert result.due >= result.end_of_period
        else:
            assert result.due <= result.end_of_period


@settings(max_examples=400, deadline=None)
@given(rule=rules, first=dates, second=dates)
def test_a_later_trigger_never_gives_an_earlier_due_date(rule: Rule, first: date, second: date) -> None:
    early, late = sorted((first, second))
    assert compute(rule, early).due <= compute(rule, late).due


@settings(max_examples=300, deadline=None)
@given(rule=rules, trigger=dates)
def test_explanation_agrees_with_the_result(rule: Rule, trigger: date) -> None:
    result = compute(rule, trigger)
    assert result.explanation[-1].startswith(f"Due: {fmt_date(result.due)}")
    assert fmt_date(trigger) in result.explanation[0]
    assert result.due >= trigger
    if result.due != result.end_of_period:
        assert any(f"to {fmt_date(result.due)}" in line for line in result.explanation)
