"""Benchmarks of the deadlines: the engine, the dashboard's data, reminders, calendar export.

    cd /work/main && uv run python tests/benchmarks/deadlines.py [--cases N] [--dir DIR] [--keep]

Not collected by pytest. Prints ONE JSON object on stdout; progress goes to stderr. Times are
wall-clock seconds on this machine; ``..._cpu_s`` is this process's CPU time for the same
action (other load on the machine does not inflate it).

* ``deadline_compute_10k_s``: 10,000 computations over every shipped rule and triggers spread
  over 30 years, holiday cache cleared first (so building each year's calendars is included).
  Target: at most 0.5 s.
* ``dashboard_open_s``: what the dashboard reads after unlock, over a store of 10,000 open
  cases with 20,000 open deadlines, in the first session of a freshly opened store (cold:
  every page decrypted from disk): ``agenda_index()`` (the ordered ids and urgency counts of
  all 20,000), the rule places (``cutoff_places``) and the first page of rows
  (``agenda_rows()``, 50 rows); ``dashboard_open_warm_s`` is the median of five more runs.
  Target: at most 0.3 s. ``dashboard_sort_s``: the ids again in another order (a header
  click), warm. ``agenda_all_s``: every row at once (``agenda()``, as ``lawyer-desk
  deadlines`` and the calendar read them), warm.
* ``reminders_check_s``: ``due_reminders()`` and ``next_reminder_at()`` over the same store
  (they also run at unlock).
* ``python_loop_10m_s``: a bare loop of ten million additions, with the load average: a
  yardstick to compare runs and machines (the other figures scale with it).
* ``ics_export_20k_s``: ``export_calendar()`` of the 20,000 deadlines (3 alarms each) to a
  file, audit entry and atomic write included. Target: at most 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # synthetic.py

import synthetic as syn

from lawyer_desk.core import cases
from lawyer_desk.core.deadlines import agenda, agenda_choices, compute, due_reminders, load_catalogue, next_reminder_at
from lawyer_desk.core.deadlines.agenda import AgendaFilter, AgendaOrder, AgendaSort, agenda_index, agenda_rows
from lawyer_desk.core.deadlines.engine import _holidays
from lawyer_desk.core.deadlines.rules import cutoff_places
from lawyer_desk.core.interchange import case_json as cj
from lawyer_desk.core.interchange.ics import export_calendar
from lawyer_desk.core.store import KdfParams, Store, unlock

PASSPHRASE = "benchmark passphrase, not a secret"
TARGETS = {"deadline_compute_10k_s": 0.5, "dashboard_open_s": 0.3, "ics_export_20k_s": 2.0}
COMPUTATIONS = 10_000
DEADLINES_PER_CASE = 2
PAGE = 50  # the dashboard's first page of rows (ui.agenda_model.PAGE_SIZE)
_STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def timed[T](action: Callable[[], T]) -> tuple[T, float, float]:
    """(result, wall seconds, CPU seconds)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def compute_benchmark() -> dict[str, Any]:
    catalogue = load_catalogue()
    rules = list(catalogue)
    rng = random.Random(4)
    start = date(2010, 1, 1)
    jobs = [(rng.choice(rules), start + timedelta(days=rng.randrange(30 * 365))) for _ in range(COMPUTATIONS)]
    _holidays.cache_clear()
    _, wall, cpu = timed(lambda: [compute(rule, trigger) for rule, trigger in jobs])
    return {"deadline_compute_10k_s": round(wall, 4), "deadline_compute_10k_cpu_s": round(cpu, 4), "rules": len(rules)}


def machine_speed() -> dict[str, Any]:
    """A yardstick to read the other figures by: a bare Python loop, and the load on the machine."""
    def loop() -> int:
        total = 0
        for i in range(10_000_000):
            total += i
        return total

    _, wall, cpu = timed(loop)
    return {"python_loop_10m_s": round(wall, 2), "python_loop_10m_cpu_s": round(cpu, 2),
            "load_average": [round(x, 2) for x in os.getloadavg()], "cpu_count": os.cpu_count()}


def build_store(root: Path, n_cases: int, seed: int = 11, batch: int = 2000) -> int:
    """``n_cases`` open synthetic cases with two open deadlines each, as real ones look."""
    words = syn.TextMaker(random.Random(seed))
    rng = random.Random(seed + 1)
    today = date.today()
    zones = [(None, None), (None, None), ("16:00", "Europe/Paris"), ("16:30", "Europe/London"),
             ("15:00", "Europe/Warsaw")]
    store = Store.create(root, PASSPHRASE, KdfParams.cheap())
    total = 0
    try:
        for start in range(0, n_cases, batch):
            dicts = [syn.case_dict(i, rng, words, today) for i in range(start, min(start + batch, n_cases))]
            for case in dicts:
                case["client"]["status"] = "open"
                case["format"] = cj.FORMAT
                deadlines = []
                for _ in range(DEADLINES_PER_CASE):
                    cutoff, zone = rng.choice(zones)
                    deadlines.append({"title": rng.choice(syn.DEADLINE_TITLES),
                                      "due_date": (today + timedelta(days=rng.randint(-30, 300))).isoformat(),
                                      "due_time": cutoff, "time_zone": zone,
                                      "kind": rng.choice(["statutory", "practice", "possible"]),
                                      "proceeding": "proceeding-1" if rng.random() < 0.8 else None,
                                      "reminder_days": [7, 1, 0]})
                case["deadlines"] = deadlines
                total += len(deadlines)
            parsed = [cj.CaseFileV1.model_validate(case) for case in dicts]
            with store.session() as session:
                cases.import_cases(session, parsed)
            log(f"  {start + len(dicts)} cases")
    finally:
        store.close()
    return total


def store_benchmark(root: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    header, data_key = unlock(root, PASSPHRASE)
    today = date.today()
    store = Store.open_with_key(root, header, data_key)  # the KDF is not part of opening the dashboard
    try:
        def first_open() -> int:
            with store.session() as session:
                index = agenda_index(session, today)
                rows = agenda_rows(session, today, index.ids[:PAGE], places=cutoff_places())
                assert len(rows) == min(PAGE, len(index))
                return len(index)

        shown, wall, cpu = timed(first_open)
        out.update({"dashboard_open_s": round(wall, 3), "dashboard_open_cpu_s": round(cpu, 3),
                    "dashboard_rows": shown})
        warm, warm_cpu = [], []
        for _ in range(5):
            _, wall, cpu = timed(first_open)
            warm.append(wall)
            warm_cpu.append(cpu)
        out["dashboard_open_warm_s"] = round(statistics.median(warm), 3)
        out["dashboard_open_warm_cpu_s"] = round(statistics.median(warm_cpu), 3)

        def sort_by_client() -> int:
            with store.session() as session:
                return len(agenda_index(session, today, AgendaFilter(), AgendaSort(AgendaOrder.client)))

        _, wall, cpu = timed(sort_by_client)
        out.update({"dashboard_sort_s": round(wall, 3), "dashboard_sort_cpu_s": round(cpu, 3)})

        def every_row() -> int:
            with store.session() as session:
                return len(agenda(session, today))

        _, wall, cpu = timed(every_row)
        out.update({"agenda_all_s": round(wall, 3), "agenda_all_cpu_s": round(cpu, 3)})

        def choices() -> Any:
            with store.session() as session:
                return agenda_choices(session)

        _, wall, cpu = timed(choices)
        out.update({"dashboard_choices_s": round(wall, 3), "dashboard_choices_cpu_s": round(cpu, 3)})
        now = datetime.now().astimezone()

        def reminders() -> int:
            with store.session() as session:
                found = due_reminders(session, now)
                next_reminder_at(session, now)
                return len(found)

        fired, wall, cpu = timed(reminders)
        out.update({"reminders_check_s": round(wall, 3), "reminders_check_cpu_s": round(cpu, 3),
                    "reminders_due": fired})

        target = root.parent / "deadlines.ics"

        def export() -> int:
            with store.session() as session:
                return export_calendar(session, target, store.key_for("calendar"), now=datetime.now(UTC))

        events, wall, cpu = timed(export)
        out.update({"ics_export_20k_s": round(wall, 3), "ics_export_cpu_s": round(cpu, 3), "ics_events": events,
                    "ics_mb": round(target.stat().st_size / 2**20, 1)})
    finally:
        store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000, help="cases of two deadlines each (default 10,000)")
    parser.add_argument("--dir", type=Path, help="work folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the store; a later --dir run reuses it")
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="lawyer-desk-deadlines-"))
    work.mkdir(parents=True, exist_ok=True)
    root = work / "store"
    out: dict[str, Any] = {"date": datetime.now(UTC).isoformat(timespec="seconds")}
    try:
        out.update(machine_speed())
        log("deadline_compute_10k_s")
        out.update(compute_benchmark())
        if not root.exists():
            log(f"building a store of {args.cases} cases with {DEADLINES_PER_CASE} deadlines each")
            out["deadlines"], wall, _ = timed(lambda: build_store(root, args.cases))
            out["store_build_s"] = round(wall, 1)
        log("dashboard, reminders, calendar export")
        out.update(store_benchmark(root))
    finally:
        if args.keep:
            log(f"store kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    out["targets"] = {name: {"target": limit, "value": out[name], "met": out[name] <= limit}
                      for name, limit in TARGETS.items() if name in out}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
