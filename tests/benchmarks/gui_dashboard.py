"""Figures of the deadline dashboard at 20,000 deadlines. Not part of the test suite.

    cd /work/main && uv run python tests/benchmarks/gui_dashboard.py [--deadlines N] [--dir DIR] [--keep]

Builds (or, with ``--dir`` of an earlier ``--keep`` run, reuses) a store of synthetic open
cases with four deadlines each, then measures the dashboard widget offscreen and prints ONE
JSON object on stdout; progress goes to stderr. Times are wall-clock on this machine.

* ``dashboard_view_open_s``: the store freshly opened (every page still encrypted on disk),
  then ``DeadlineDashboard`` built, shown, its list (ids and urgency counts) read, and the
  view painted (``grab()``), which reads the rows on screen. Target: at most 0.3 s at 20,000
  deadlines.
* ``dashboard_choices_s``: the filters' choices, which the dashboard reads just after that
  first paint (or when a filter is opened first).
* ``dashboard_reload_s``: the list read again and painted (after a change), warm.
* ``dashboard_filter_s``: choosing a lawyer in the filter until painted.
* ``dashboard_sort_s``: a header sort by client name until painted (in SQL, 20k rows).
* ``dashboard_scroll_end_s``: scrolling to the last row until painted (one more page read).
* ``page_fetches``: pages of rows read in all (the model reads only what is painted).
* ``cpu_s``: CPU time of this process for the same actions.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from lawyer_desk.core import models as m
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.core.vocab import Forum

PASSPHRASE = "benchmark passphrase, not a secret"
TARGETS = {"dashboard_view_open_s": 0.3}
LAWYERS = ["A. Kowalska", "M. Petrović", "J. Becker", "C. Martin", "S. Okafor", "L. Haddad"]
COUNTRIES = ["CN", "RU", "TR", "TJ", "PL", "RS", "GB", "DE", "FR", "MA"]
TITLES = ["Appeal to the High Court", "Written observations", "Representations to the Home Secretary",
          "CCF admissibility decision due", "Application to the ECtHR", "Chase NCB for confirmation of deletion"]
_STARTED = time.perf_counter()
CPU_S: dict[str, float] = {}


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def timed(action: Callable[[], Any], label: str) -> float:
    started, cpu = time.perf_counter(), time.process_time()
    action()
    CPU_S[label] = round(time.process_time() - cpu, 3)
    return round(time.perf_counter() - started, 3)


def build_store(root: Path, n_deadlines: int, per_case: int = 4, batch: int = 500, seed: int = 11) -> None:
    rng = random.Random(seed)
    today = date.today()
    store = Store.create(root, PASSPHRASE, KdfParams.cheap())
    try:
        n_cases = n_deadlines // per_case
        for start in range(0, n_cases, batch):
            with store.session() as session:
                for i in range(start, min(start + batch, n_cases)):
                    client = m.Client(display_name=f"Client {i:05d} {rng.choice('ABCDEFGH')}",
                                      responsible_lawyer=rng.choice(LAWYERS))
                    proceeding = m.Proceeding(forum=rng.choice(list(Forum)), country=rng.choice(COUNTRIES))
                    client.proceedings.append(proceeding)
                    for _ in range(per_case):
                        due = today + timedelta(days=rng.randint(-30, 400))
                        client.deadlines.append(m.Deadline(
                            title=rng.choice(TITLES), due_date=due, proceeding=proceeding,
                            due_time=clock_time(16, 0) if rng.random() < 0.3 else None,
                            time_zone=rng.choice(["Europe/London", "Europe/Paris", None]),
                            statutory_date=due if rng.random() < 0.2 else None, reminder_days=[7, 1, 0]))
                    session.add(client)
            log(f"  {min(start + batch, n_cases) * per_case} deadlines")
    finally:
        store.close()


def measure(root: Path) -> dict[str, Any]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QApplication

    from lawyer_desk.ui.agenda_model import Column
    from lawyer_desk.ui.dashboard import DeadlineDashboard
    from lawyer_desk.ui.undo import CaseEvents

    app = QApplication.instance() or QApplication([])
    out: dict[str, Any] = {}
    store = Store.open(root, PASSPHRASE)
    try:
        events, undo = CaseEvents(), QUndoStack()
        holder: dict[str, DeadlineDashboard] = {}

        def open_view() -> None:
            dashboard = DeadlineDashboard(store, events, undo)
            dashboard.resize(1500, 800)
            dashboard.show()  # reads the agenda and the filter choices
            dashboard.grab()
            holder["view"] = dashboard

        out["dashboard_view_open_s"] = timed(open_view, "dashboard_view_open_s")
        view = holder["view"]
        out["rows"] = view.model.rowCount()
        out["dashboard_choices_s"] = timed(view.ensure_choices, "dashboard_choices_s")
        out["dashboard_reload_s"] = timed(lambda: (view.reload(), view.grab()), "dashboard_reload_s")
        out["dashboard_filter_s"] = timed(lambda: (view.lawyer_filter.setCurrentIndex(1), view.grab()),
                                          "dashboard_filter_s")
        out["rows_one_lawyer"] = view.model.rowCount()
        view.lawyer_filter.setCurrentIndex(0)
        out["dashboard_sort_s"] = timed(
            lambda: (view.view.sortByColumn(Column.CLIENT, Qt.SortOrder.AscendingOrder), view.grab()),
            "dashboard_sort_s")
        out["dashboard_scroll_end_s"] = timed(lambda: (view.view.scrollToBottom(), view.grab()),
                                              "dashboard_scroll_end_s")
        out["page_fetches"] = view.model.page_fetches
        out["rows_read"] = view.model.cached_rows
        view.close()
        app.processEvents()
    finally:
        store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deadlines", type=int, default=20_000)
    parser.add_argument("--dir", type=Path, help="reuse the store kept by an earlier --keep run")
    parser.add_argument("--keep", action="store_true", help="keep the store and print where it is")
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="lawyer-desk-dashboard-"))
    root = work / "store"
    try:
        if not root.exists():
            log(f"building a store with {args.deadlines} deadlines")
            build_store(root, args.deadlines)
        figures = measure(root)
        figures["deadlines"] = args.deadlines
        figures["cpu_s"] = CPU_S
        figures["targets"] = TARGETS
        figures["within_target"] = all(figures[k] <= v for k, v in TARGETS.items())
        print(json.dumps(figures))
    finally:
        if args.keep or args.dir:
            log(f"store kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
