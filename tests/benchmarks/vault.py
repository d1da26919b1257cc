"""Benchmark of the evidence vault: ingest, plain hashing, verification, export, memory.

    cd /work/main && uv run python tests/benchmarks/vault.py [--size-mib 1024] [--dir DIR] [--keep]

Not collected by pytest. Prints ONE JSON object on stdout; progress goes to stderr. A file of
``--size-mib`` MiB (random 16 MiB blocks, repeated) is written first, so every figure reads it
from the page cache alike.

* ``ingest_mib_s``: ``Vault.write_file`` — read, SHA-256, AES-256-GCM, write, fsync, rename.
  Target: at least 300 MiB/s on a 2-core machine.
* ``sha256_mib_s``: plain ``hashlib.sha256`` over the same file in 1 MiB reads; and
  ``ingest_to_sha256_ratio``, the share of bare hashing speed that ingest keeps.
* ``verify_1gib_s`` (scaled to 1 GiB when ``--size-mib`` differs) and ``verify_mib_s``:
  ``Vault.check`` — decrypt every chunk and re-hash.
* ``export_mib_s``: ``Vault.export`` — decrypt, hash, write a plaintext copy, fsync.
* ``add_exhibit_s``: ``exhibits.add_files`` of the same file into a real store (ingest, the
  duplicate check, text extraction attempt, the row and its audit entry).
* ``ingest_peak_traced_mib``: Python allocations at their peak during ingest (tracemalloc);
  ``ingest_rss_growth_mib``: growth of the process's peak resident memory over the whole
  ingest (ru_maxrss). Target: at most 100 MB extra.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from lawyer_desk.core import exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.core.vault import CHUNK_SIZE, Vault

PASSPHRASE = "benchmark passphrase, not a secret"
TARGETS = {"ingest_mib_s": 300.0, "ingest_rss_growth_mib": 100.0}
_STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def _make_file(path: Path, size: int) -> None:
    block = os.urandom(16 << 20)
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, len(block))
            f.write(block[:n])
            left -= n


def _rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1 << 20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="leave the work folder")
    args = parser.parse_args()
    work = Path(args.dir or tempfile.mkdtemp(prefix="vault-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    size = args.size_mib << 20
    mib = size / (1 << 20)
    figures: dict[str, float | int | str] = {"size_mib": args.size_mib, "cpus": os.cpu_count() or 0,
                                             "load_average_1m": round(os.getloadavg()[0], 2)}
    try:
        source = work / "evidence.bin"
        log(f"writing a {args.size_mib} MiB file")
        _make_file(source, size)

        log("plain SHA-256")
        started = time.perf_counter()
        digest = hashlib.sha256()
        with open(source, "rb", buffering=0) as f:
            while block := f.read(CHUNK_SIZE):
                digest.update(block)
        figures["sha256_mib_s"] = round(mib / (time.perf_counter() - started), 1)

        vault = Vault(work / "vault", os.urandom(32))
        log("ingest")
        rss_before = _rss_mib()
        tracemalloc.start()
        started = time.perf_counter()
        stored = vault.write_file(source)
        elapsed = time.perf_counter() - started
        figures["ingest_peak_traced_mib"] = round(tracemalloc.get_traced_memory()[1] / (1 << 20), 1)
        tracemalloc.stop()
        figures["ingest_rss_growth_mib"] = round(_rss_mib() - rss_before, 1)
        figures["ingest_mib_s"] = round(mib / elapsed, 1)
        figures["ingest_to_sha256_ratio"] = round(float(figures["ingest_mib_s"]) / float(figures["sha256_mib_s"]), 2)
        assert stored.sha256 == digest.hexdigest()

        log("verify")
        started = time.perf_counter()
        check = vault.check(stored.name, sha256=stored.sha256, size=stored.size)
        elapsed = time.perf_counter() - started
        assert check.intact, check
        figures["verify_mib_s"] = round(mib / elapsed, 1)
        figures["verify_1gib_s"] = round(elapsed * 1024 / mib, 2)

        log("export")
        started = time.perf_counter()
        vault.export(stored.name, work / "copy.bin", sha256=stored.sha256, size=stored.size)
        figures["export_mib_s"] = round(mib / (time.perf_counter() - started), 1)
        (work / "copy.bin").unlink()
        vault.remove(stored.name)

        log("add_files into a store")
        with Store.create(work / "store", PASSPHRASE, KdfParams.cheap()) as store:
            with store.session() as session:
                client = m.Client(display_name="Benchmark Client")
                session.add(client)
                session.flush()
                client_id = client.id
            started = time.perf_counter()
            (result,) = exhibits.add_files(store, client_id or 0, [source])
            figures["add_exhibit_s"] = round(time.perf_counter() - started, 2)
            assert result.ok, result.error
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    figures["targets"] = json.dumps(TARGETS)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
