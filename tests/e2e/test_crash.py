"""Killing a writer at random moments never leaves part of a case or a broken store.

A child process imports generated case files in a loop, one transaction per case, and
prints each new case id once its transaction committed. The parent kills it with SIGKILL
at a random moment (0.2-1.5 s after its first commit), then opens the store and checks
that every acknowledged case is there whole, that no case is there in part, and that the
database and the audit chain are sound.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store
from tests.conftest import PASSPHRASE
from tests.e2e.helpers import (
    CASE_ALERTS,
    CASE_NAMES,
    CASE_NOTES,
    CASE_WARRANTS,
    REPO,
    case_document,
    cli_env,
    make_store,
)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")]

KILLS = 12
TIMEOUT = 60.0

# The child: imports once, then for each "go" forks a writer that opens the store, says
# "ready PID" and imports the case file in a loop, printing each case id after its commit.
# The parent kills the writer; the child reports how it ended ("ended SIGNAL") and waits for
# the next "go". Forking spares each round the seconds of Python imports; every writer still
# opens the store afresh, in a process of its own, as the program does.
CHILD = textwrap.dedent(
    """
    import os, sys, traceback
    from pathlib import Path
    from lawyer_desk.core import cases
    from lawyer_desk.core.interchange import case_json
    from lawyer_desk.core.store import Store

    root, case_file = Path(sys.argv[1]), Path(sys.argv[2])

    def write_forever():
        store = Store.open(root, os.environ["LAWYER_DESK_PASSPHRASE"])
        print("ready", os.getpid(), flush=True)
        raw = case_file.read_bytes()
        while True:
            case = case_json.parse(raw, str(case_file))
            with store.session() as session:
                (case_id,) = cases.import_cases(session, [case])
            print(case_id, flush=True)

    print("loaded", flush=True)
    for line in sys.stdin:
        if line.strip() != "go":
            break
        pid = os.fork()
        if pid == 0:
            try:
                write_forever()
            except BaseException:
                traceback.print_exc()
                sys.stderr.flush()
            os._exit(1)
        _, status = os.waitpid(pid, 0)
        print("ended", os.WTERMSIG(status) if os.WIFSIGNALED(status) else -1, flush=True)
    """
)


class Writers:
    """The child process and its line protocol."""

    def __init__(self, root: Path, case_file: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", CHILD, str(root), str(case_file)], cwd=REPO,
                                        env=cli_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        self.expect("loaded")

    def line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.fail("the child ended")
        return line.strip()

    def expect(self, prefix: str) -> str:
        line = self.line()
        if not line.startswith(prefix):
            self.fail(f"the child said {line!r}, expected {prefix!r}")
        return line

    def go(self) -> int:
        """Start a writer; returns its process id once it has opened the store."""
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        return int(self.expect("ready ").split()[1])

    def fail(self, message: str) -> None:
        self.process.kill()
        _, err = self.process.communicate(timeout=TIMEOUT)
        pytest.fail(f"{message}; stderr:\n{err}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate(timeout=TIMEOUT)


def _check_store(root: Path, acknowledged: set[int]) -> int:
    """Every acknowledged case whole, no partial case, database and audit chain sound."""
    with Store.open(root, PASSPHRASE) as store:
        assert store.integrity_problems() == []
        chain = store.audit_report()
        assert chain.intact, f"audit chain broken at entry {chain.first_broken}"
        with store.session() as session:
            clients = set(session.execute(select(m.Client.id)).scalars())

            def per_client(column: object) -> dict[int, int]:
                rows = session.execute(select(column, func.count()).group_by(column))  # type: ignore[call-overload]
                return dict(rows.all())

            names = per_client(m.NameVariant.client_id)
            alerts = per_client(m.Alert.client_id)
            notes = per_client(m.Note.client_id)
            warrants = dict(session.execute(
                select(m.Alert.client_id, func.count(m.ArrestWarrant.id))
                .join(m.ArrestWarrant, m.ArrestWarrant.alert_id == m.Alert.id).group_by(m.Alert.client_id)).all())
            deadlines = per_client(m.Deadline.client_id)
            audited = set(session.execute(
                select(m.AuditEntry.client_id).where(m.AuditEntry.action == "import")).scalars())
            audit_entries = session.execute(select(func.count()).select_from(m.AuditEntry)).scalar_one()

    missing = acknowledged - clients
    assert not missing, f"acknowledged cases lost: {sorted(missing)[:10]}"
    whole = {"names": (names, CASE_NAMES), "alerts": (alerts, CASE_ALERTS), "notes": (notes, CASE_NOTES),
             "warrants": (warrants, sum(CASE_WARRANTS)), "deadlines": (deadlines, 1)}
    for what, (found, expected) in whole.items():
        partial = {cid: found.get(cid, 0) for cid in clients if found.get(cid, 0) != expected}
        assert not partial, f"cases with the wrong number of {what} (expected {expected}): {partial}"
        assert set(found) <= clients, f"{what} without their client"
    assert audited == clients, "every case, and only those, has its import audit entry"
    assert audit_entries == len(clients)
    return len(clients)


def test_killed_writer_never_leaves_part_of_a_case(tmp_path: Path) -> None:
    root = make_store(tmp_path / "store")
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(case_document(), ensure_ascii=False), encoding="utf-8")
    rng = random.Random()
    seed = rng.randrange(2**32)
    rng.seed(seed)
    print(f"random seed {seed}")  # shown with a failure

    acknowledged: set[int] = set()
    writers = Writers(root, case_file)
    try:
        for round_ in range(KILLS):
            pid = writers.go()
            first = writers.line()  # the first commit: the import loop is running
            assert first.isdigit(), first
            time.sleep(rng.uniform(0.2, 1.5))
            os.kill(pid, signal.SIGKILL)
            ids = {int(first)}
            while not (line := writers.line()).startswith("ended"):
                ids.add(int(line))  # each line is one atomic write: a kill cannot cut one short
            assert line == f"ended {int(signal.SIGKILL)}", f"the writer was not killed but {line!r}"
            acknowledged |= ids
            total = _check_store(root, acknowledged)
            assert total <= len(acknowledged) + round_ + 1, "more cases than were imported"
    finally:
        writers.close()
    assert len(acknowledged) >= 2 * KILLS, f"too few imports to mean anything (seed {seed})"
