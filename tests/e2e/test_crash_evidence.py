"""Killing a writer while it adds evidence never leaves a row without its whole file, nor a file unreported.

A forked writer adds the same 12 MiB file to a case again and again (duplicates allowed),
printing each exhibit id once its row committed; the parent kills it with SIGKILL at a
random moment — inside the vault write, between the rename and the commit, or in the commit.
After each kill the store is opened and checked: every acknowledged exhibit is there and its
file decrypts to the recorded SHA-256, and every file of the vault folder is either an
exhibit's file or listed among the orphans (unfinished write, object without exhibit).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from lawyer_desk.core import exhibit_checks
from lawyer_desk.core import models as m
from lawyer_desk.core.interchange.case_json import CaseFileV1
from lawyer_desk.core.store import Store
from tests.conftest import PASSPHRASE
from tests.e2e.helpers import REPO, case_document, cli_env, make_store

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")]

KILLS = 10
TIMEOUT = 60.0

CHILD = textwrap.dedent(
    """
    import os, sys, traceback
    from pathlib import Path
    from lawyer_desk.core import exhibits
    from lawyer_desk.core.store import Store

    root, evidence = Path(sys.argv[1]), Path(sys.argv[2])

    def add_forever():
        store = Store.open(root, os.environ["LAWYER_DESK_PASSPHRASE"])
        print("ready", os.getpid(), flush=True)
        while True:
            (result,) = exhibits.add_files(store, 1, [evidence], allow_duplicates=True)
            print(result.exhibit_id if result.ok else f"error {result.error}", flush=True)

    print("loaded", flush=True)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        pid = os.fork()
        if pid == 0:
            try:
                add_forever()
            except BaseException:
                traceback.print_exc()
                sys.stderr.flush()
            os._exit(1)
        _, status = os.waitpid(pid, 0)
        print("ended", os.WTERMSIG(status) if os.WIFSIGNALED(status) else -1, flush=True)
    """
)


def _check(root: Path, acknowledged: set[int]) -> tuple[int, int]:
    """Returns (exhibits, orphans) after checking that they account for every file."""
    with Store.open(root, PASSPHRASE) as store:
        assert store.integrity_problems() == []
        assert store.audit_report().intact
        with store.session() as session:
            rows = dict(session.execute(select(m.Exhibit.id, m.Exhibit.object_name)).all())
        report = exhibit_checks.verify(store, record=False)
        files = {p.name for p in store.paths.vault.iterdir()}
    assert acknowledged <= set(rows), f"acknowledged exhibits lost: {sorted(acknowledged - set(rows))}"
    bad = [(c.exhibit_id, c.detail) for c in report.checks if not c.ok]
    assert bad == [], "a row without its whole file"
    assert files == set(rows.values()) | {o.name for o in report.orphans}, "a file nobody reports"
    assert {o.kind for o in report.orphans} <= {"unfinished write", "no exhibit"}
    return len(rows), len(report.orphans)


def test_killed_ingest_leaves_no_row_without_its_file(tmp_path: Path) -> None:
    root = make_store(tmp_path / "store", [CaseFileV1.model_validate(case_document())])
    evidence = tmp_path / "recording.bin"
    evidence.write_bytes(os.urandom(12 << 20))
    rng = random.Random()
    seed = rng.randrange(2**32)
    rng.seed(seed)
    print(f"random seed {seed}")

    process = subprocess.Popen([sys.executable, "-c", CHILD, str(root), str(evidence)], cwd=REPO, env=cli_env(),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdin is not None and process.stdout is not None

    def line() -> str:
        text = process.stdout.readline()  # type: ignore[union-attr]
        if not text:
            process.kill()
            pytest.fail(f"the child ended; stderr:\n{process.communicate(timeout=TIMEOUT)[1]}")
        return text.strip()

    acknowledged: set[int] = set()
    orphans_seen = 0
    try:
        assert line() == "loaded"
        for _ in range(KILLS):
            process.stdin.write("go\n")
            process.stdin.flush()
            pid = int(line().split()[1])
            time.sleep(rng.uniform(0.05, 0.8))
            os.kill(pid, signal.SIGKILL)
            while not (said := line()).startswith("ended"):
                assert said.isdigit(), said
                acknowledged.add(int(said))
            assert said == f"ended {int(signal.SIGKILL)}"
            _exhibits, orphans = _check(root, acknowledged)
            orphans_seen = max(orphans_seen, orphans)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=TIMEOUT)
    print(f"{len(acknowledged)} exhibits acknowledged, up to {orphans_seen} orphans reported (seed {seed})")
    assert acknowledged, f"no exhibit was ever added (seed {seed})"
