"""Compute a due date from a rule and a trigger date, and say how, step by step.

The explanation matters as much as the date: a lawyer must be able to check each step
against the source before relying on it. Every step that moves the date (counting, a
month-end clamp, a skipped holiday, a roll) is written down, and the last line always names
the date that is returned.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import lru_cache

import holidays as holidays_lib

from lawyer_desk.core.deadlines.rules import Counting, HolidayCalendar, Roll, Rule, Unit
from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.vocab import DeadlineKind

__all__ = [
    "EARLIEST_TRIGGER_YEAR",
    "LATEST_TRIGGER_DAYS",
    "Computation",
    "add_months",
    "check_trigger",
    "compute",
    "fmt_date",
    "holiday_name",
    "is_business_day",
    "non_business_reason",
]

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SATURDAY = 5
_ROLL_LIMIT = 31  # no calendar has a month of consecutive non-business days
# A trigger is an event that happened or is about to: a date outside these limits is a typo
# in the year, which would otherwise give a due date decades away that looks plausible.
EARLIEST_TRIGGER_YEAR = 1950
LATEST_TRIGGER_DAYS = 366


@dataclass(frozen=True, slots=True)
class Computation:
    """The result of applying a rule to a trigger date."""

    rule_id: str
    trigger: date
    due: date
    time: time | None
    tz: str
    kind: DeadlineKind
    explanation: list[str]
    end_of_period: date
    """The last day of the period before any roll; equals ``due`` when nothing moved it."""

    @property
    def statutory(self) -> bool:
        return self.kind is DeadlineKind.statutory


def fmt_date(day: date) -> str:
    """'Wed 2 Dec 2026': English, unambiguous across locales, the form lawyers write."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


# --- holidays -----------------------------------------------------------------------------
@lru_cache(maxsize=1024)
def _holidays(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    """The forum's holidays of one year, looked up once: building a calendar is the slow part."""
    try:
        found = holidays_lib.country_holidays(country, subdiv=subdivision, years=year, language="en_US")
    except NotImplementedError:  # the country has no English names
        found = holidays_lib.country_holidays(country, subdiv=subdivision, years=year)
    return dict(found.items())


def holiday_name(day: date, cal: HolidayCalendar | None) -> str | None:
    if cal is None:
        return None
    return _holidays(cal.country, cal.subdivision, day.year).get(day)


def non_business_reason(day: date, cal: HolidayCalendar | None) -> str | None:
    """Why ``day`` is not a business day of the forum, or None if it is one."""
    weekend = day.weekday() >= _SATURDAY
    name = holiday_name(day, cal)
    if name is None:
        return "a weekend day" if weekend else None
    holiday = f"a public holiday in {cal.label if cal else ''} ({name})"
    return f"a weekend day and {holiday}" if weekend else holiday


def is_business_day(day: date, cal: HolidayCalendar | None) -> bool:
    """Monday to Friday and not a public holiday (substitute days included) of the forum."""
    return day.weekday() < _SATURDAY and holiday_name(day, cal) is None


# --- arithmetic ---------------------------------------------------------------------------
def add_months(day: date, months: int) -> tuple[date, bool]:
    """The corresponding date ``months`` later, clamped to the month's last day; and whether it was."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last)), day.day > last


def _step_business(day: date, count: int, cal: HolidayCalendar | None, skipped: list[str]) -> date:
    """Move forward ``count`` business days from ``day``, noting each day skipped."""
    while count > 0:
        day += timedelta(days=1)
        reason = non_business_reason(day, cal)
        if reason is None:
            count -= 1
        else:
            skipped.append(f"{fmt_date(day)} ({reason})")
    return day


def _count(rule: Rule, trigger: date, lines: list[str]) -> date:
    """The last day of the period, before any roll, with the counting written down."""
    n, unit = rule.period, rule.unit
    after = rule.counting is Counting.after
    if unit in (Unit.calendar_days, Unit.weeks):
        days = n * 7 if unit is Unit.weeks else n
        label = f"{n} week{'s' * (n != 1)} ({days} days)" if unit is Unit.weeks else f"{n} day{'s' * (n != 1)}"
        end = trigger + timedelta(days=days if after else days - 1)
        how = (f"after {fmt_date(trigger)} (the period runs from the next day)" if after
               else f"starting with {fmt_date(trigger)} (that day is day 1)")
        lines.append(f"{label} {how} → {fmt_date(end)}.")
        return end
    if unit is Unit.months:
        corresponding, clamped = add_months(trigger, n)
        label = f"{n} month{'s' * (n != 1)}"
        if clamped:
            lines.append(f"{label} from {fmt_date(trigger)}: {_MONTHS[corresponding.month - 1]} {corresponding.year} "
                         f"has no day {trigger.day}, so the corresponding date is the last day of that month, "
                         f"{fmt_date(corresponding)}.")
        if after:
            lines.append(f"{label} after {fmt_date(trigger)} (the period runs from the next day and ends on "
                         f"the corresponding date) → {fmt_date(corresponding)}.")
            return corresponding
        end = corresponding - timedelta(days=1)
        lines.append(f"{label} starting with {fmt_date(trigger)} (that day is day 1, so the period ends the day "
                     f"before the corresponding date {fmt_date(corresponding)}) → {fmt_date(end)}.")
        return end
    # business days
    skipped: list[str] = []
    where = rule.holidays.label if rule.holidays else "no holiday calendar"
    if after:
        end = _step_business(trigger, n, rule.holidays, skipped)
        how = f"after {fmt_date(trigger)}"
    else:
        first = trigger
        reason = non_business_reason(first, rule.holidays)
        if reason is not None:
            skipped.append(f"{fmt_date(first)} ({reason})")
            first = _step_business(first, 1, rule.holidays, skipped)
        end = _step_business(first, n - 1, rule.holidays, skipped)
        how = f"starting with {fmt_date(trigger)} (day 1 is {fmt_date(first)})"
    lines.append(f"{n} business day{'s' * (n != 1)} {how}, skipping weekends and public holidays "
                 f"({where}) → {fmt_date(end)}.")
    if skipped:
        lines.append("Days not counted: " + "; ".join(skipped) + ".")
    return end


def _roll(rule: Rule, end: date, trigger: date, lines: list[str]) -> date:
    """Apply the forum's roll convention to a period that ends on a non-business day."""
    cal = rule.holidays
    reason = non_business_reason(end, cal)
    scope = f"a public holiday in {cal.label}" if cal else "a public holiday (no holiday calendar for this forum)"
    if reason is None:
        lines.append(f"{fmt_date(end)} is not a weekend day or {scope}.")
        return end
    head = f"{fmt_date(end)} is {reason}"
    if rule.roll is Roll.none:
        lines.append(f"{head}; NOT moved: a period ending on a non-working day is not extended under this "
                     f"rule ({rule.roll_source.cite().rstrip('.')}).")
        earlier = end - timedelta(days=1)
        while earlier > trigger and non_business_reason(earlier, cal) is not None:
            earlier -= timedelta(days=1)
        if earlier >= trigger and non_business_reason(earlier, cal) is None:
            lines.append(f"To be safe, act by the last business day before it: {fmt_date(earlier)}.")
        return end
    step = timedelta(days=1 if rule.roll is Roll.forward else -1)
    day, passed = end, []
    for _ in range(_ROLL_LIMIT):
        day += step
        if rule.roll is Roll.backward and day < trigger:
            day = trigger
            break
        why = non_business_reason(day, cal)
        if why is None:
            break
        passed.append(f"{fmt_date(day)} is {why}")
    direction = "forward" if rule.roll is Roll.forward else "back"
    extra = f" ({'; '.join(passed)})" if passed else ""
    lines.append(f"{head}; rolled {direction} to {fmt_date(day)}{extra} ({rule.roll_source.cite().rstrip('.')}).")
    return day


def check_trigger(day: date, today: date) -> date:
    """``day`` when it can be the trigger date a lawyer enters (command line and GUI alike);
    ``InvalidInput`` saying why not: before 1950, or more than a year after ``today``."""
    if day.year < EARLIEST_TRIGGER_YEAR:
        raise InvalidInput(f"{day.isoformat()} is too far in the past to be a trigger date; check the year.")
    if day > today + timedelta(days=LATEST_TRIGGER_DAYS):
        raise InvalidInput(f"{day.isoformat()} is more than a year from today; a trigger is an event that "
                           "happened or is about to. Check the year.")
    return day


def compute(rule: Rule, trigger: date) -> Computation:
    """Apply ``rule`` to ``trigger``: the due date, time of day, zone, kind, and the explanation."""
    lines = [f"Trigger: {rule.trigger_event} on {fmt_date(trigger)}."]
    end = _count(rule, trigger, lines)
    due = end if rule.unit is Unit.business_days else _roll(rule, end, trigger, lines)
    if rule.cutoff_time is not None:
        when = f" at {rule.cutoff_time:%H:%M} ({rule.time_zone})"
    else:
        when = f" (end of the day, {rule.time_zone})"
    kind = "" if rule.statutory else f" [{rule.kind.value} deadline — check before relying on it]"
    lines.append(f"Due: {fmt_date(due)}{when}.{kind}")
    return Computation(rule_id=rule.id, trigger=trigger, due=due, time=rule.cutoff_time, tz=rule.time_zone,
                       kind=rule.kind, explanation=lines, end_of_period=end)
