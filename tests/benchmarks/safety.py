"""Benchmark of the safety net: backup, restore and verify of a large store. Not part of the test suite.

    cd /work/main && uv run python tests/benchmarks/safety.py [--quick] [--keep] [--dir DIR]

Builds a store with 10,000 synthetic cases (``synthetic.py``, imported 1,000 per
transaction) and 1 GiB of evidence ingested through the vault (``exhibits.add_files``: 64
files of 16 MiB of random bytes, encrypted in 1 MiB chunks), then measures, wall-clock:

- ``backup_s``: ``backup.write_backup`` to a file beside the store — the SQLite backup API
  copy, its checks (page HMACs, integrity, audit chain), packing with SHA-256 of every
  member, fsync, reading the whole file back against the manifest, and the evidence sample
  taken back out and decrypted (target 30 s);
- ``restore_s``: ``recovery.restore`` of that file into a new folder — unpacking with
  SHA-256 of every member, fsync, opening the restored store, every check again including
  the search index, the sealed counts, and the evidence sample (target 30 s);
- ``verify_s``: the command ``lawyer-desk verify`` on the restored store, in its own
  process — SQLCipher's page check, ``integrity_check``, the search index, the audit chain,
  and every evidence file decrypted and re-hashed (target 20 s).

Prints ONE JSON object on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # synthetic.py, run.py

import synthetic as syn
from run import import_batched, make_case_files, parse_case_files

from lawyer_desk.core import exhibits
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.core.store.backup import write_backup
from lawyer_desk.core.store.recovery import restore

PASSPHRASE = "benchmark passphrase, not a secret"
TARGETS = {"backup_s": 30.0, "restore_s": 30.0, "verify_s": 20.0}
REPO = Path(__file__).resolve().parents[2]
_STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def build(root: Path, cases: int, files: int, file_mib: int, scratch: Path) -> dict[str, Any]:
    words = syn.TextMaker(random.Random(7))
    case_files = parse_case_files(make_case_files(cases, 8, words))
    started = time.perf_counter()
    store = Store.create(root, PASSPHRASE, KdfParams.cheap())
    try:
        import_batched(store, case_files, 1000)
        log(f"  {cases} cases imported in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        scratch.mkdir(exist_ok=True)
        for i in range(files):
            path = scratch / f"evidence-{i:03d}.bin"
            path.write_bytes(os.urandom(file_mib * 2**20))
            results = exhibits.add_files(store, 1 + i % cases, [path])
            assert results[0].ok, results[0].error
            path.unlink()
        ingest_s = time.perf_counter() - started
        log(f"  {files} x {file_mib} MiB of evidence ingested in {ingest_s:.1f} s")
    finally:
        store.close()
    return {"cases": cases, "evidence_files": files, "evidence_mib": files * file_mib,
            "ingest_mib_s": round(files * file_mib / ingest_s, 1)}


def size_mib(path: Path) -> float:
    if path.is_file():
        return round(path.stat().st_size / 2**20, 1)
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, help="work folder (default: a new temporary folder beside /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the stores afterwards")
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the script itself")
    args = parser.parse_args()
    cases, files, file_mib = (200, 4, 2) if args.quick else (10_000, 64, 16)
    work = args.dir or Path(tempfile.mkdtemp(prefix="ld-safety-", dir=os.environ.get("TMPDIR", "/var/tmp")))
    work.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {}
    try:
        log(f"building a store with {cases} cases and {files * file_mib} MiB of evidence in {work}")
        figures.update(build(work / "store", cases, files, file_mib, work / "scratch"))
        figures["store_mib"] = size_mib(work / "store")

        log("backup")
        with Store.open(work / "store", PASSPHRASE) as store:
            started = time.perf_counter()
            written = write_backup(store, work / "store.ldbackup")
            figures["backup_s"] = round(time.perf_counter() - started, 2)
        assert not written.warnings, written.warnings
        figures["backup_mib"] = size_mib(work / "store.ldbackup")

        log("restore")
        started = time.perf_counter()
        restored = restore(work / "store.ldbackup", work / "restored", PASSPHRASE)
        figures["restore_s"] = round(time.perf_counter() - started, 2)
        assert restored.summary is not None and restored.summary.cases == cases

        log("verify (the command, in its own process)")
        env = {**os.environ, "LAWYER_DESK_PASSPHRASE": PASSPHRASE}
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "lawyer_desk", "verify", "--json", "--data-dir",
                                 str(work / "restored")], cwd=REPO, env=env, capture_output=True, text=True,
                                check=False)
        figures["verify_s"] = round(time.perf_counter() - started, 2)
        report = json.loads(result.stdout)
        assert result.returncode == 0 and report["ok"], result.stderr
        figures["verified_exhibits"] = report["vault"]["intact"]
        assert figures["verified_exhibits"] == files
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    figures["targets"] = TARGETS
    figures["within_targets"] = all(figures[k] <= v for k, v in TARGETS.items())
    figures["cpus"] = os.cpu_count()
    figures["load"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
