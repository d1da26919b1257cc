"""Benchmarks of the core: import, open, search. Not part of the test suite.

    cd /work/main && uv run python tests/benchmarks/run.py [--quick] [--keep] [--dir DIR]

Builds synthetic stores in a temporary folder and prints ONE JSON object of figures on
stdout; progress goes to stderr. Figures are wall-clock seconds (``_s``) or milliseconds
(``_ms``) on this machine unless named ``_cpu_s`` (CPU time of this process, which other
load on the machine does not inflate); figures computed rather than measured say so in
their name (``..._extrapolated_s``). Searches go through ``search.search_results``, on a
store whose index was merged with ``search.optimize`` after the bulk insert, as the program
does after a large import.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # synthetic.py

import synthetic as syn
from sqlalchemy import func, insert, select, text

from lawyer_desk.core import cases, search
from lawyer_desk.core import models as m
from lawyer_desk.core.interchange import case_json as cj
from lawyer_desk.core.store import KdfParams, Store, unlock

PASSPHRASE = "benchmark passphrase, not a secret"
TARGETS = {"import_10k_cases_s": 10.0, "search_p95_ms": 5.0}
_STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


class Timer:
    """Wall and CPU time of a block: ``with Timer() as t: ...; t.wall, t.cpu``."""

    def __enter__(self) -> Timer:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0-100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(1, min(len(ordered), -(-len(ordered) * p // 100))) - 1]


def size_mb(root: Path) -> float:
    return round(sum(p.stat().st_size for p in root.iterdir() if p.is_file()) / 2**20, 1)


def r(value: float, digits: int = 3) -> float:
    return round(value, digits)


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- data --------------------------------------------------------------------------------
def make_case_files(n: int, seed: int, words: syn.TextMaker) -> list[bytes]:
    rng = random.Random(seed)
    today = date.today()
    return [json.dumps(syn.case_dict(i, rng, words, today), ensure_ascii=False).encode() for i in range(n)]


def parse_case_files(raws: list[bytes]) -> list[cj.CaseFileV1]:
    return [cj.parse(raw, f"case-{i}.json") for i, raw in enumerate(raws)]


def count_rows(store: Store) -> dict[str, int]:
    with store.session() as session:
        counts = {t.__tablename__: session.execute(select(func.count()).select_from(t)).scalar_one()
                  for t in m.CASE_TABLES}
        counts["search_index"] = session.execute(text("SELECT count(*) FROM search_index")).scalar_one()
        counts["audit_entry"] = session.execute(select(func.count()).select_from(m.AuditEntry)).scalar_one()
    return counts


# --- import ------------------------------------------------------------------------------
def import_batched(store: Store, case_files: list[cj.CaseFileV1], batch: int) -> Timer:
    with Timer() as t:
        for start in range(0, len(case_files), batch):
            with store.session() as session:
                cases.import_cases(session, case_files[start:start + batch])
    return t


def import_one_per_transaction(store: Store, case_files: list[cj.CaseFileV1]) -> Timer:
    with Timer() as t:
        for case in case_files:
            with store.session() as session:
                cases.import_cases(session, [case])
    return t


def timed_import(root: Path, case_files: list[cj.CaseFileV1], batch: int,
                 kdf: KdfParams | None = None) -> tuple[Timer, Store]:
    """Create a store, import into it, return the timing and the (still open) store."""
    store = Store.create(root, PASSPHRASE, kdf or KdfParams.cheap())
    try:
        return import_batched(store, case_files, batch), store
    except BaseException:
        store.close()
        raise


# --- search ------------------------------------------------------------------------------
def build_search_store(root: Path, n_clients: int, n_notes: int, seed: int, chunk: int = 10_000) -> dict[str, Any]:
    """A store with ``n_clients`` imported cases and ``n_notes`` more notes bulk-inserted."""
    words = syn.TextMaker(random.Random(seed))
    case_files = parse_case_files(make_case_files(n_clients, seed + 1, words))
    store = Store.create(root, PASSPHRASE, KdfParams.cheap())
    try:
        import_batched(store, case_files, 1000)
        with store.session() as session:
            client_ids = list(session.execute(select(m.Client.id)).scalars())
        log(f"  {n_clients} clients imported; inserting {n_notes} notes ({chunk} per transaction)")
        rng = random.Random(seed + 2)
        now = datetime.now(UTC)
        generate_s, build = 0.0, Timer()
        build.wall = build.cpu = 0.0
        done = 0
        while done < n_notes:
            started = time.perf_counter()
            n = min(chunk, n_notes - done)
            rows = [{"client_id": client_ids[(done + i) % len(client_ids)], "title": title, "body": body,
                     "format": "markdown", "argument_section": rng.choice([None, None, None, "grounds", "facts"]),
                     "created_at": now, "updated_at": now}
                    for i, (title, body) in enumerate(words.note_texts(n))]
            generate_s += time.perf_counter() - started
            with Timer() as t, store.session() as session:
                session.execute(insert(m.Note), rows)
            build.wall += t.wall
            build.cpu += t.cpu
            done += n
            log(f"    {done} notes ({build.wall:.1f}s wall, {build.cpu:.1f}s CPU in inserts)")
        store_mb_before = size_mb(root)
        log("  search.optimize (FTS5 'optimize': merge the index into one segment)")
        with Timer() as optimized, store.session() as session:
            search.optimize(session)
        log(f"    {optimized.wall:.1f}s wall, {optimized.cpu:.1f}s CPU")
        counts = count_rows(store)
    finally:
        store.close()
    return {"search_index_build_s": r(build.wall, 2), "search_index_build_cpu_s": r(build.cpu, 2),
            "notes_generate_s": r(generate_s, 2), "fts_optimize_s": r(optimized.wall, 2),
            "fts_optimize_cpu_s": r(optimized.cpu, 2), "search_store_mb_before_optimize": store_mb_before,
            "search_store_mb": size_mb(root), "search_store_rows": counts,
            "_words": words, "_case_files": case_files}


def make_queries(case_files: list[cj.CaseFileV1], words: syn.TextMaker, per_kind: int,
                 seed: int) -> list[tuple[str, str]]:
    """``per_kind`` queries of each of eight kinds, shuffled: (kind, query)."""
    rng = random.Random(seed)
    people = [(c.client.display_name.split()[0], c.client.display_name.split()[-1]) for c in case_files]
    vocab = words.vocabulary
    mid = vocab[60:1500]  # neither the commonest words nor the rarest
    queries: list[tuple[str, str]] = []
    for _ in range(per_kind):
        given, surname = rng.choice(people)
        queries.append(("full_name_word", rng.choice([given, surname])))
        source = rng.choice([rng.choice(mid), rng.choice([given, surname]).lower()])
        queries.append(("prefix_3_letters", source[:3]))
        queries.append(("two_words", rng.choice([f"{given} {surname}", f"{rng.choice(mid)} {rng.choice(mid)}"])))
        queries.append(("cyrillic_word", syn.cyrillic(rng.choice([given, surname]))))
        queries.append(("arabic_script_word", syn.arabic(rng.choice([given, surname]))))
        queries.append(("han_prefix", syn.han(rng.choice([given, surname]))[: rng.randint(1, 2)]))
        queries.append(("many_rows_word", rng.choice(vocab[:40])))
        queries.append(("no_match_word", "qxj" + "".join(rng.choice("wvzqkj") for _ in range(rng.randint(3, 6)))))
    rng.shuffle(queries)
    return queries


def query_plan(store: Store, query: str) -> list[str]:
    """The plans of the queries ``search.search_results`` runs: the first pass (newest
    matches), then the ranked one below the cap."""
    with store.session() as session:
        params = {"q": search.match_expression(query), "limit": 50, "lo": 0, "hi": 2**62}
        return [str(row[-1]) for statement in (search._NEWEST, search._RANKED[True])
                for row in session.execute(text(f"EXPLAIN QUERY PLAN {statement.text}"), params)]


def run_searches(store: Store, queries: list[tuple[str, str]], limit: int = 50) -> dict[str, Any]:
    """Each query once through ``search.search_results``, in its own session as the program does; ms."""
    with store.session() as session:  # first connection and statements, not measured
        for q in ("warmup", "zzwarm", "idr", "court"):
            search.search_results(session, q, limit)
    in_session: list[float] = []
    with_session: list[float] = []
    by_kind: dict[str, list[float]] = {}
    hits_by_kind: dict[str, list[int]] = {}
    capped_by_kind: dict[str, list[bool]] = {}
    for kind, q in queries:
        t0 = time.perf_counter()
        with store.session() as session:
            t1 = time.perf_counter()
            results = search.search_results(session, q, limit)
            t2 = time.perf_counter()
        t3 = time.perf_counter()
        in_session.append((t2 - t1) * 1000)
        with_session.append((t3 - t0) * 1000)
        by_kind.setdefault(kind, []).append((t2 - t1) * 1000)
        hits_by_kind.setdefault(kind, []).append(len(results.hits))
        capped_by_kind.setdefault(kind, []).append(results.capped)
    capped = [c for v in capped_by_kind.values() for c in v]
    return {
        "p50_ms": r(percentile(in_session, 50)), "p95_ms": r(percentile(in_session, 95)),
        "max_ms": r(max(in_session)), "mean_ms": r(statistics.mean(in_session)),
        "with_session_p50_ms": r(percentile(with_session, 50)), "with_session_p95_ms": r(percentile(with_session, 95)),
        "capped_share": r(sum(capped) / len(capped)),
        "by_kind": {k: {"n": len(v), "p50_ms": r(percentile(v, 50)), "p95_ms": r(percentile(v, 95)),
                        "max_ms": r(max(v)), "mean_hits_returned": r(statistics.mean(hits_by_kind[k]), 1),
                        "capped_share": r(sum(capped_by_kind[k]) / len(v), 2)}
                    for k, v in sorted(by_kind.items())},
    }


def matching_rows(store: Store, queries: list[tuple[str, str]]) -> dict[str, float]:
    """How many index rows each kind of query matches (mean), to read the timings by."""
    totals: dict[str, list[int]] = {}
    with store.session() as session:
        for kind, q in queries:
            expression = search.match_expression(q)
            n = session.execute(text("SELECT count(*) FROM search_index WHERE search_index MATCH :q"),
                                {"q": expression}).scalar_one() if expression else 0
            totals.setdefault(kind, []).append(n)
    return {k: r(statistics.mean(v), 1) for k, v in sorted(totals.items())}


# --- main --------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, help="work folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the stores afterwards")
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the script itself")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--batch-sizes", default="500,1000")
    parser.add_argument("--batch-trial-cases", type=int, default=2_000,
                        help="cases imported with each batch size to pick one")
    parser.add_argument("--per-case-sample", type=int, default=500)
    parser.add_argument("--search-clients", type=int, default=2_000)
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--queries-per-kind", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()
    if args.quick:
        args.cases, args.batch_trial_cases, args.per_case_sample = 1000, 500, 50
        args.search_clients, args.notes, args.queries_per_kind = 200, 5000, 10
    work = args.dir or Path(tempfile.mkdtemp(prefix="lawyer-desk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {}
    try:
        bench(args, work, out)
    finally:
        if args.keep:
            log(f"stores kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    out["rss_mb"] = r(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["load_average_end"] = load()
    out["total_run_s"] = r(time.perf_counter() - _STARTED, 1)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def bench(args: argparse.Namespace, work: Path, out: dict[str, Any]) -> None:
    out.update({
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "load_average_start": load(),
        "quick": bool(args.quick),
    })
    scale = 10_000 / args.cases

    # 1. Case files ----------------------------------------------------------------------
    words = syn.TextMaker(random.Random(args.seed))
    log(f"generating {args.cases} case files")
    with Timer() as t:
        raws = make_case_files(args.cases, args.seed, words)
    log(f"  {t.wall:.1f}s; parsing them (case_json.parse: JSON + validation)")
    with Timer() as t:
        case_files = parse_case_files(raws)
    out["cases"] = args.cases
    out["case_json_mb"] = r(sum(map(len, raws)) / 2**20, 1)
    out["parse_10k_case_files_s"] = r(t.wall * scale, 2)
    out["parse_10k_case_files_cpu_s"] = r(t.cpu * scale, 2)
    rows_per_case = {k: statistics.mean(len(getattr(c, k)) for c in case_files)
                     for k in ("names", "alerts", "proceedings", "deadlines", "notes", "events", "contacts")}
    rows_per_case["warrants"] = statistics.mean(len(c.alerts[0].warrants) for c in case_files)
    rows_per_case["status_history"] = statistics.mean(len(c.alerts[0].history) for c in case_files)
    out["rows_per_case_mean"] = {k: r(v, 2) for k, v in rows_per_case.items()}
    del raws

    # 2. Import in batches: pick the batch size on a sample, then the full import ---------
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    trial = case_files[: args.batch_trial_cases]
    trial_s: dict[int, Timer] = {}
    for batch in batch_sizes:
        log(f"batch-size trial: {len(trial)} cases in batches of {batch}")
        t, store = timed_import(work / f"trial-{batch}", trial, batch)
        store.close()
        trial_s[batch] = t
        shutil.rmtree(work / f"trial-{batch}", ignore_errors=True)
        log(f"  {t.wall:.2f}s wall, {t.cpu:.2f}s CPU")
    best = min(batch_sizes, key=lambda b: trial_s[b].cpu)
    out["import_batch_trial"] = {"cases": len(trial), "picked_by": "CPU time",
                                 **{str(b): {"wall_s": r(t.wall, 2), "cpu_s": r(t.cpu, 2)}
                                    for b, t in trial_s.items()}}
    out["import_batch_size"] = best

    log("calibrating Argon2id (KdfParams.calibrated(), what Store.create uses by default)")
    with Timer() as t:
        params = KdfParams.calibrated()
    out["kdf_calibration_s"] = r(t.wall, 2)
    out["kdf_params"] = {"time_cost": params.time_cost, "memory_cost_kib": params.memory_cost_kib,
                         "parallelism": params.parallelism}
    open_root = work / "import"
    log(f"importing {args.cases} cases in batches of {best} (store made with the calibrated KDF)")
    t, store = timed_import(open_root, case_files, best, params)
    try:
        out["import_10k_cases_s"] = r(t.wall * scale, 2)
        out["import_10k_cases_cpu_s"] = r(t.cpu * scale, 2)
        log(f"  {t.wall:.2f}s wall, {t.cpu:.2f}s CPU")
        out["import_store_rows"] = count_rows(store)
        with store.session() as session:
            conn = session.connection()
            out["sqlcipher_version"] = conn.exec_driver_sql("PRAGMA cipher_version").scalar()
            out["sqlcipher_provider"] = (f"{conn.exec_driver_sql('PRAGMA cipher_provider').scalar()} "
                                         f"{conn.exec_driver_sql('PRAGMA cipher_provider_version').scalar()}")
            out["sqlite_version"] = conn.exec_driver_sql("SELECT sqlite_version()").scalar()
    finally:
        store.close()
    out["import_store_mb"] = size_mb(open_root)

    # 3. One transaction per case, on a sample -----------------------------------------
    sample = case_files[: args.per_case_sample]
    root = work / "per-case"
    store = Store.create(root, PASSPHRASE, KdfParams.cheap())
    try:
        log(f"importing {len(sample)} cases, one transaction each")
        t = import_one_per_transaction(store, sample)
    finally:
        store.close()
    shutil.rmtree(root, ignore_errors=True)
    out["import_per_case_tx_sample"] = {"cases": len(sample), "wall_s": r(t.wall, 2), "cpu_s": r(t.cpu, 2)}
    out["import_10k_cases_per_case_tx_extrapolated_s"] = r(t.wall * 10_000 / len(sample), 1)

    # 4. Opening -----------------------------------------------------------------------
    log(f"opening the {args.cases}-case store")
    kdf_runs, with_key_runs, full_runs = [], [], []
    header = data_key = None
    for _ in range(3):
        with Timer() as t:
            header, data_key = unlock(open_root, PASSPHRASE)
        kdf_runs.append(t.wall)
    for _ in range(5):
        with Timer() as t:
            store = Store.open_with_key(open_root, header, data_key)
        with_key_runs.append(t.wall)
        store.close()
    for _ in range(3):
        with Timer() as t:
            store = Store.open(open_root, PASSPHRASE)
        full_runs.append(t.wall)
        store.close()
    store = Store.open_with_key(open_root, header, data_key)
    try:
        with Timer() as t, store.session() as session:
            listed = cases.list_cases(session)
        out["list_cases_10k_s"] = r(t.wall * scale, 3)
        assert len(listed) == args.cases
    finally:
        store.close()
    out["kdf_s"] = r(statistics.median(kdf_runs))
    out["open_store_kdf_excluded_s"] = r(statistics.median(with_key_runs))
    out["open_store_kdf_included_s"] = r(statistics.median(full_runs))
    out["open_runs"] = {"unlock": len(kdf_runs), "open_with_key": len(with_key_runs), "open": len(full_runs),
                        "statistic": "median", "note": "OS file cache warm (store just written)"}

    del case_files
    shutil.rmtree(open_root, ignore_errors=True)

    # 5. Search ------------------------------------------------------------------------
    root = work / "search"
    log(f"building the search store: {args.search_clients} clients, {args.notes} notes")
    built = build_search_store(root, args.search_clients, args.notes, args.seed + 10)
    search_words: syn.TextMaker = built.pop("_words")
    search_cases: list[cj.CaseFileV1] = built.pop("_case_files")
    out["search_notes_inserted"] = args.notes
    out.update(built)
    queries = make_queries(search_cases, search_words, args.queries_per_kind, args.seed + 20)
    header, data_key = unlock(root, PASSPHRASE)
    store = Store.open_with_key(root, header, data_key)
    try:
        out["search_query_plan"] = query_plan(store, "court")
        log(f"running {len(queries)} searches (search.search_results, limit 50, rank cap {search.RANK_CAP})")
        with Timer() as t:
            figures = run_searches(store, queries)
        out["search_queries"] = len(queries)
        out["search_p50_ms"] = figures["p50_ms"]
        out["search_p95_ms"] = figures["p95_ms"]
        out["search_capped_share"] = figures.pop("capped_share")
        out["search_rank_cap"] = search.RANK_CAP
        out["search_run_cpu_s"] = r(t.cpu, 2)
        out["search_run_wall_s"] = r(t.wall, 2)
        out["search_detail"] = figures
        out["search_matching_rows_mean"] = matching_rows(store, queries)
    finally:
        store.close()

    out["targets"] = {name: {"target": limit, "value": out[name], "met": out[name] <= limit}
                      for name, limit in TARGETS.items()}


if __name__ == "__main__":
    main()
