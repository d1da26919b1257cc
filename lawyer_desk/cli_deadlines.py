"""Deadline commands: ``rules``, ``deadline``, ``deadlines`` and the calendar export ``ics``.

Registered by ``cli.build_parser`` through ``add_parsers`` and run through ``COMMANDS``. The
shared helpers of ``cli`` (store opening, JSON output, errors) are imported when a command
runs, which keeps the two modules free of an import cycle.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from lawyer_desk.core.errors import InvalidInput

type AddCommand = Callable[[str, str], argparse.ArgumentParser]
MAX_WITHIN_DAYS = 3660


def add_parsers(command: AddCommand) -> None:
    """The deadline commands' arguments; ``command(name, help)`` makes one sub-parser."""
    p = command("rules", "list the deadline rules (shipped, and your own in DIR/rules/)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = command("deadline", "compute a due date from a rule and a trigger date, with the reasoning")
    p.add_argument("rule_id", metavar="RULE")
    p.add_argument("trigger", metavar="DATE", help="the trigger date, YYYY-MM-DD")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = command("deadlines", "list the open deadlines of open cases, soonest first")
    p.add_argument("--within", metavar="DAYS", help="only those due within DAYS days (overdue ones always)")
    p.add_argument("--case", type=str, metavar="ID", help="only this case's deadlines")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = command("ics", "export the open deadlines to an iCalendar file (re-export updates the same events)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.ics", help="the file to write (replaced whole)")
    p.add_argument("--case", type=str, metavar="ID", help="only this case's deadlines")
    p.add_argument("--with-client-names", action="store_true",
                   help="put the client's name in each event (default: case reference and deadline title only)")


# --- rules and one computation (no passphrase: rules are law, not client data) -----------------
def _catalogue(args: argparse.Namespace) -> Any:
    """The shipped rules and the lawyer's own (``DIR/rules/*.toml``)."""
    from lawyer_desk.cli import store_dir
    from lawyer_desk.core.deadlines import load_catalogue

    return load_catalogue(store_dir(args) / "rules")


def cmd_rules(args: argparse.Namespace) -> int:
    from lawyer_desk.cli import emit

    catalogue = _catalogue(args)
    if args.json:
        emit({"rules": [{"id": r.id, "title": r.title, "forum": r.forum, "jurisdiction": r.jurisdiction,
                         "trigger_event": r.trigger_event, "period": r.period, "unit": str(r.unit),
                         "counting": str(r.counting), "roll": str(r.roll), "kind": str(r.kind),
                         "time_zone": r.time_zone, "place": r.place, "source": r.source.model_dump(mode="json")}
                        for r in catalogue]})
        return 0
    width = max((len(r.id) for r in catalogue), default=4)
    for r in catalogue:
        print(f"{r.id:<{width}}  {r.period} {str(r.unit).replace('_', ' '):<14} {r.title}")
    return 0


def parse_trigger(text: str) -> date:
    from lawyer_desk.core.deadlines.engine import check_trigger

    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date: use YYYY-MM-DD, e.g. 2026-12-02.") from None
    return check_trigger(day, date.today())


def cmd_deadline(args: argparse.Namespace) -> int:
    from lawyer_desk.cli import emit
    from lawyer_desk.core.deadlines import compute

    rule = _catalogue(args).get(args.rule_id)
    result = compute(rule, parse_trigger(args.trigger))
    if args.json:
        emit({"rule": rule.id, "title": rule.title, "trigger": result.trigger.isoformat(),
              "due": result.due.isoformat(), "time": result.time.strftime("%H:%M") if result.time else None,
              "tz": result.tz, "kind": str(result.kind), "statutory": result.statutory,
              "explanation": result.explanation})
        return 0
    print(f"{rule.title} ({rule.id})")
    for line in result.explanation:
        print(f"  {line}")
    return 0


# --- the open deadlines and the calendar --------------------------------------------------
def _whole_number(text: str | None, option: str, upper: int) -> int | None:
    """An option's value as a whole number from 0 to ``upper`` (None when not given)."""
    from lawyer_desk.cli import UsageError

    if text is None:
        return None
    try:
        value = int(text.strip())
    except ValueError:
        raise UsageError(f"{option} takes a whole number, not {text!r}.") from None
    if not 0 <= value <= upper:
        raise UsageError(f"{option} must be from 0 to {upper}, not {value}.")
    return value


def _check_case(session: Any, case_id: int | None) -> None:
    from lawyer_desk.core import models as m
    from lawyer_desk.core.errors import NotFound

    if case_id is not None and session.get(m.Client, case_id) is None:
        raise NotFound(f"There is no case {case_id} in this store.")


def urgency_words(days_left: int) -> str:
    """'OVERDUE by 3 days', 'today', 'tomorrow', 'in 5 days'."""
    if days_left < 0:
        return f"OVERDUE by {-days_left} day{'s' * (days_left != -1)}"
    if days_left == 0:
        return "today"
    return "tomorrow" if days_left == 1 else f"in {days_left} days"


def _when(item: Any) -> str:
    from lawyer_desk.core.deadlines.engine import fmt_date

    text = fmt_date(item.due_date)
    if item.due_time is not None:
        text += f" {item.due_time:%H:%M}" + (f" {item.time_zone}" if item.time_zone else "")
    return text


def cmd_deadlines(args: argparse.Namespace) -> int:
    from lawyer_desk.cli import emit, open_store
    from lawyer_desk.core.deadlines import AgendaFilter, agenda

    within = _whole_number(args.within, "--within", MAX_WITHIN_DAYS)
    case_id = _whole_number(args.case, "--case", 2**62)
    today = date.today()
    with open_store(args, write=False) as store, store.session() as session:
        _check_case(session, case_id)
        items = agenda(session, today, AgendaFilter(client_id=case_id, within_days=within))
    if args.json:
        emit({"today": today.isoformat(), "deadlines": [
            {"deadline_id": i.deadline_id, "case_id": i.client_id, "case_reference": i.case_reference,
             "client": i.client_name, "title": i.title, "due": i.due_date.isoformat(),
             "time": i.due_time.strftime("%H:%M") if i.due_time else None, "tz": i.time_zone,
             "kind": str(i.kind), "status": str(i.status), "urgency": str(i.urgency), "days_left": i.days_left,
             "rule": i.rule_id}
            for i in items]})
        return 0
    if not items:
        print("No open deadlines" + (f" within {within} days." if within is not None else "."), file=sys.stderr)
    urgency = [urgency_words(i.days_left) for i in items]
    widths = [max((len(x) for x in column), default=0)
              for column in (urgency, [i.case_reference for i in items], [i.client_name for i in items])]
    for words, i in zip(urgency, items, strict=True):
        print(f"{words:<{widths[0]}}  {i.case_reference:<{widths[1]}}  {i.client_name:<{widths[2]}}  "
              f"{_when(i)}  {i.title}" + ("" if i.kind == "statutory" else f" [{i.kind}]"))
    return 0


def cmd_ics(args: argparse.Namespace) -> int:
    from lawyer_desk.cli import open_store
    from lawyer_desk.core.interchange.ics import CalendarOptions, export_calendar

    case_id = _whole_number(args.case, "--case", 2**62)
    out = Path(args.out)
    if out.is_dir():
        raise InvalidInput(f"{out} is a folder; give the calendar file's name, e.g. {out / 'deadlines.ics'}.")
    with open_store(args, write=True) as store, store.session() as session:
        _check_case(session, case_id)
        count = export_calendar(session, out, store.key_for("calendar"),
                                CalendarOptions(client_id=case_id, include_client_name=args.with_client_names),
                                now=datetime.now(UTC))
    print(f"Wrote {count} event{'s' * (count != 1)} to {out}")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "rules": cmd_rules, "deadline": cmd_deadline, "deadlines": cmd_deadlines, "ics": cmd_ics,
}
