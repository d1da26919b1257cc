"""Figures of the client list at 100k clients. Not part of the test suite.

    cd /work/main && uv run python tests/benchmarks/gui_list.py [--clients N] [--dir DIR] [--keep]

Builds (or, with ``--dir`` of an earlier ``--keep`` run, reuses) a store of synthetic cases,
then measures the client list panel offscreen and prints ONE JSON object on stdout;
progress goes to stderr. Times are wall-clock on this machine.

* ``client_list_first_paint_s``: panel created (the ids of the open cases queried and
  sorted by name), first screen of rows fetched, the view painted (``grab()``). Cold: the
  first query of a freshly opened store, every page decrypted from disk. (The filter
  choices are read 50 ms after the paint and are not in it.)
* ``client_list_sort_s``: the slower of the header sorts by name (descending) and by next
  deadline (ascending), each until the view is painted; every other sort is listed too.
* ``search_as_you_type_p95_ms``: every keystroke of names typed in four scripts, as the list
  sees it when the debounce fires: the model's filter set (ids in search rank order, or no
  query when the text searches the same as before, e.g. a first letter) and the first
  screen of rows read. ``search_core_p95_ms`` is ``client_ids`` + one page of rows alone,
  ``search_as_you_type_panel_p95_ms`` the same keystrokes through the panel until painted.
* ``cpu_s``: CPU time of this process for the same actions (other load does not inflate it);
  ``search_as_you_type_cpu_p95_ms`` the same for the keystrokes.
* ``list_indexes``: the indexes of the list's tables as the migrations made them (a store
  is built through ``Store.create``, and a reused one is upgraded when opened, so it has the
  schema of the code measured).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))  # synthetic.py

import synthetic as syn
from sqlalchemy import func, select, text

from lawyer_desk.core import client_list
from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store

PASSPHRASE = "benchmark passphrase, not a secret"
TARGETS = {"client_list_first_paint_s": 0.25, "client_list_sort_s": 0.3, "search_as_you_type_p95_ms": 20.0,
           "rss_mb": 400.0}
_STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, min(len(ordered), -(-len(ordered) * p // 100))) - 1]


def rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


CPU_S: dict[str, float] = {}  # CPU time of this process for the same actions: load elsewhere does not inflate it


def timed(action: Callable[[], Any], label: str = "") -> float:
    started, cpu = time.perf_counter(), time.process_time()
    action()
    if label:
        CPU_S[label] = round(time.process_time() - cpu, 3)
    return time.perf_counter() - started


def keystrokes(names: list[str], rng: random.Random, per_script: int) -> list[tuple[str, list[str]]]:
    """(script, every prefix as typed) for a few names in Latin, Cyrillic, Uyghur and Han."""
    chosen = rng.sample(names, per_script * 4)
    out: list[tuple[str, list[str]]] = []
    for i, full in enumerate(chosen):
        given, surname = full.split()[0], full.split()[-1]
        script = ("latin", "cyrillic", "arabic", "han")[i % 4]
        typed = {"latin": full, "cyrillic": f"{syn.cyrillic(given)} {syn.cyrillic(surname)}",
                 "arabic": f"{syn.arabic(given)} {syn.arabic(surname)}",
                 "han": f"{syn.han(given)}{syn.han(surname)}"}[script]
        out.append((script, [typed[:n] for n in range(1, len(typed) + 1) if not typed[:n].endswith(" ")]))
    return out


def list_indexes(session: Any) -> dict[str, str]:
    """The indexes of the tables the list reads, with their SQL: which ones the store really has."""
    rows = session.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('client', 'alert', 'deadline', 'proceeding', 'name_variant') ORDER BY name"))
    return {name: sql for name, sql in rows}


def measure(root: Path, names: list[str]) -> dict[str, Any]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from lawyer_desk.ui.client_list_model import COL_DEADLINE, COL_MATCH, COL_NAME, ClientListModel
    from lawyer_desk.ui.client_list_view import ClientListPanel

    app = QApplication.instance() or QApplication([])
    out: dict[str, Any] = {}
    store = Store.open(root, PASSPHRASE)
    try:
        with store.session() as session:
            out["clients"] = session.execute(select(func.count()).select_from(m.Client)).scalar_one()
            out["clients_open"] = session.execute(
                select(func.count()).select_from(m.Client).where(m.Client.status == "open")).scalar_one()
            out["list_indexes"] = list_indexes(session)
        # A new engine for the cold figure: no page of the database decrypted yet.
        store.close()
        store = Store.open(root, PASSPHRASE)
        panels: list[ClientListPanel] = []

        def first_paint() -> None:
            panel = ClientListPanel(store.session)
            panel.resize(1100, 750)
            panel.show()
            panel.grab()
            panels.append(panel)

        out["client_list_first_paint_s"] = round(timed(first_paint, "first_paint"), 3)
        out["client_list_first_paint_warm_s"] = round(timed(first_paint, "first_paint_warm"), 3)
        panel = panels[-1]
        model, view = panel.model, panel.table
        log(f"  first paint {out['client_list_first_paint_s']} s cold, {out['client_list_first_paint_warm_s']} warm")

        sorts: dict[str, float] = {}
        for label, column, order in [("name_desc", COL_NAME, Qt.SortOrder.DescendingOrder),
                                     ("next_deadline_asc", COL_DEADLINE, Qt.SortOrder.AscendingOrder),
                                     ("next_deadline_desc", COL_DEADLINE, Qt.SortOrder.DescendingOrder)]:
            sorts[label] = round(timed(lambda c=column, o=order: (view.sortByColumn(c, o), view.grab()), label), 3)
        for column in range(model.columnCount()):
            if column in (COL_NAME, COL_DEADLINE, COL_MATCH) or not model.sortable(column):
                continue
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                title = str(model.headerData(column, Qt.Orientation.Horizontal)).lower().replace(" ", "_")
                label = f"{title}_{'desc' if order == Qt.SortOrder.DescendingOrder else 'asc'}"
                sorts[label] = round(timed(lambda c=column, o=order: (view.sortByColumn(c, o), view.grab()), label), 3)
        out["client_list_sort_s"] = max(sorts["name_desc"], sorts["next_deadline_asc"])
        out["client_list_sort_each_s"] = sorts
        log(f"  sorts {sorts}")

        rng = random.Random(11)
        typing = keystrokes(names, rng, per_script=3)
        # Each keystroke as the list sees it once the debounce fires: the model's filter set
        # (ids by search rank, or nothing when the text searches the same as before) and the
        # first screen of rows read, the way the view asks for them.
        searcher = ClientListModel(store.session)
        screen = 40
        times: dict[str, list[float]] = {}
        cpu_ms: list[float] = []
        searched: list[float] = []
        capped = 0
        for script, prefixes in typing:
            for prefix in prefixes:
                flt = client_list.ClientFilter(text=prefix)
                started, cpu_started = time.perf_counter(), time.process_time()
                runs_search = flt.search_text != searcher.filter.search_text
                searcher.set_filter(flt)
                for row in range(min(screen, searcher.rowCount())):
                    for column in range(searcher.columnCount()):
                        searcher.data(searcher.index(row, column))
                elapsed = (time.perf_counter() - started) * 1000
                cpu_ms.append((time.process_time() - cpu_started) * 1000)
                times.setdefault(script, []).append(elapsed)
                if runs_search:
                    searched.append(elapsed)
                    capped += searcher.capped
            searcher.set_filter(client_list.ClientFilter())  # the search box cleared: not a keystroke
        every = [t for values in times.values() for t in values]
        out["search_as_you_type_p95_ms"] = round(percentile(every, 95), 2)
        out["search_as_you_type_median_ms"] = round(statistics.median(every), 2)
        out["search_as_you_type_cpu_p95_ms"] = round(percentile(cpu_ms, 95), 2)
        out["search_as_you_type_max_ms"] = round(max(every), 2)
        out["search_as_you_type_p95_ms_by_script"] = {k: round(percentile(v, 95), 2) for k, v in times.items()}
        out["search_keystrokes"] = len(every)
        out["search_keystrokes_that_searched"] = len(searched)
        out["search_keystrokes_capped"] = capped
        out["search_p95_ms_keystrokes_that_searched"] = round(percentile(searched, 95), 2)

        # The core alone, per searching keystroke: client_ids with the text, then one page of rows.
        core: list[float] = []
        with store.session() as session:
            for _script, prefixes in typing:
                for prefix in prefixes:
                    flt = client_list.ClientFilter(text=prefix)
                    if not flt.search_text:
                        continue
                    started = time.perf_counter()
                    ids = client_list.client_ids(session, flt)
                    client_list.client_rows(
                        session, ids.ids[:model.page_size],
                        snippets=ids.snippets_for(session, ids.ids[:model.page_size]))
                    core.append((time.perf_counter() - started) * 1000)
        out["search_core_p95_ms"] = round(percentile(core, 95), 2)

        # The same keystrokes through the panel, until the view is painted: what the person sees.
        through_panel = []
        for _script, prefixes in typing:
            for prefix in prefixes:
                started = time.perf_counter()
                panel.search_box.setText(prefix)
                panel.apply_search_now()
                view.grab()
                through_panel.append((time.perf_counter() - started) * 1000)
            panel.search_box.clear()
            panel.apply_search_now()
        out["search_as_you_type_panel_p95_ms"] = round(percentile(through_panel, 95), 2)
        log(f"  search p95 {out['search_as_you_type_p95_ms']} ms (searching keystrokes "
            f"{out['search_p95_ms_keystrokes_that_searched']} ms), through the panel "
            f"{out['search_as_you_type_panel_p95_ms']} ms")
        out["rss_mb"] = rss_mb()
        for p in panels:
            p.close()
        del app
    finally:
        store.close()
    out["cpu_s"] = CPU_S
    out["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    out["targets"] = TARGETS
    out["met"] = {k: out[k] <= v for k, v in TARGETS.items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, help="store folder; reused if it holds a store from --keep")
    parser.add_argument("--keep", action="store_true", help="keep the store (and its names) for the next run")
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="ld-gui-bench-"))
    root, names_file = work / "store", work / "names.json"
    out: dict[str, Any] = {"cpus": os.cpu_count(), "load_avg_before": [round(x, 2) for x in os.getloadavg()]}
    try:
        if names_file.exists():
            log(f"reusing the store in {root}")
            names = json.loads(names_file.read_text(encoding="utf-8"))
        else:
            log(f"building a store of {args.clients} clients in {root}")
            started = time.perf_counter()
            names = syn.build_store(root, args.clients, PASSPHRASE, batch=2000, log=log)
            out["build_s"] = round(time.perf_counter() - started, 1)
            names_file.write_text(json.dumps(names), encoding="utf-8")
        out.update(measure(root, names))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
