"""Faults: SIGKILL at every durable step and at random moments, a full disk, a read-only store folder.

SIGKILL: a server process imports the program once and forks a worker per round, which
runs one operation (passphrase change, backup, restore into a new folder, recovery of a
damaged store, migration of an old store). The worker is killed either by itself at the
N-th *durable step* — just before or just after an ``os.fsync``, ``os.replace`` or
``os.rename`` call, counted by wrappers the worker installs (the program has no test
hooks) — or by the test at a random moment. After every kill the test checks the promises:
the store opens, its checks pass, every acknowledged change is there, nothing is partial.
(Killing case imports is ``test_crash.py``; killing evidence ingest is the vault's tests.)

Disk full: the command runs with a file-size limit (``RLIMIT_FSIZE``, ``SIGXFSZ`` ignored,
so a write past the limit fails with EFBIG as on a full disk). Read-only folder: the store
folder and its files lose their write permission; as root the command runs without the
capabilities that bypass permissions (``setpriv``).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import resource
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lawyer_desk.core.errors import StoreError, WrongPassphrase
from lawyer_desk.core.store import Store
from lawyer_desk.core.store.backup import check_backup, write_backup
from lawyer_desk.core.store.recovery import diagnose, recover, restore
from tests.conftest import PASSPHRASE
from tests.core.store.backup_helpers import contents, digests, make_filled_store
from tests.e2e.helpers import REPO, assert_error, case_document, cli_env, counts

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and rlimits are POSIX")]

NEW = "the passphrase after the change"
TIMEOUT = 120.0
FIXTURE_STORE = REPO / "tests" / "data" / "stores" / "rev0001"
FIXTURE_PASSPHRASE = "fixture passphrase 0001"

SERVER = textwrap.dedent(
    """
    import json, os, signal, sys, traceback
    from pathlib import Path
    from lawyer_desk.core import cases, exhibit_checks
    from lawyer_desk.core.store import KdfParams, Store
    from lawyer_desk.core.store.backup import write_backup
    from lawyer_desk.core.store.passphrase import change_passphrase
    from lawyer_desk.core.store.recovery import recover, restore
    import alembic.command, alembic.script  # what a migration imports, loaded before the fork

    def arm(kill_at):
        count = [0]
        def point():
            count[0] += 1
            if count[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
        for name in ("fsync", "replace", "rename"):
            real = getattr(os, name)
            def hooked(*args, _real=real, **kwargs):
                point()
                result = _real(*args, **kwargs)
                point()
                return result
            setattr(os, name, hooked)
        return count

    def run(job):
        op, root = job["op"], Path(job["root"])
        if op == "passwd":
            with Store.open(root, job["old"]) as store:
                count = arm(job["kill_at"])
                change_passphrase(store, job["old"], job["new"], kdf=KdfParams.cheap())
                print("acknowledged", flush=True)
        elif op == "backup":
            with Store.open(root, job["passphrase"]) as store:
                count = arm(job["kill_at"])
                write_backup(store, Path(job["out"]))
                print("acknowledged", flush=True)
        elif op == "restore":
            count = arm(job["kill_at"])
            restore(Path(job["backup"]), root, job["passphrase"])
            print("acknowledged", flush=True)
        elif op == "recover":
            count = arm(job["kill_at"])
            recover(root, job["passphrase"])
            print("acknowledged", flush=True)
        elif op == "migrate":
            count = arm(job["kill_at"])
            Store.open(root, job["passphrase"]).close()
            print("acknowledged", flush=True)
        print("points", count[0], flush=True)

    print("loaded", flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            try:
                print("started", os.getpid(), flush=True)
                run(job)
            except BaseException:
                traceback.print_exc()
                sys.stderr.flush()
                os._exit(1)
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        print("ended", -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status), flush=True)
    """
)


class Outcome:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.acknowledged = "acknowledged" in lines
        self.killed = lines[-1] == f"ended {-int(signal.SIGKILL)}"
        self.points = next((int(line.split()[1]) for line in lines if line.startswith("points ")), None)


class Workers:
    """The server process and its line protocol."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", SERVER], cwd=REPO, env=cli_env(),
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        assert self._line() == "loaded"

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.kill()
            _, err = self.process.communicate(timeout=TIMEOUT)
            pytest.fail(f"the server ended; stderr:\n{err}")
        return line.strip()

    def run(self, job: dict[str, Any], kill_after: float | None = None) -> Outcome:
        """Run one job; ``kill_after`` seconds: the test kills the worker (if still running)."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"kill_at": 0, **job}) + "\n")
        self.process.stdin.flush()
        started = self._line()
        assert started.startswith("started "), started
        if kill_after is not None:
            time.sleep(kill_after)
            # Not yet reaped by the server even if it finished first, so the id is still its own.
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(started.split()[1]), signal.SIGKILL)
        lines = [started]
        while not lines[-1].startswith("ended"):
            lines.append(self._line())
        outcome = Outcome(lines)
        if not outcome.killed and lines[-1] != "ended 0":
            self.process.kill()
            _, err = self.process.communicate(timeout=TIMEOUT)
            pytest.fail(f"the worker failed: {lines}\n{err}")
        return outcome

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=TIMEOUT)


@pytest.fixture(scope="module")
def workers() -> Iterator[Workers]:
    server = Workers()
    yield server
    server.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A closed store with cases and evidence, and what it holds."""
    base = tmp_path_factory.mktemp("template")
    root = make_filled_store(base / "store", base / "evidence")
    return root, contents(root)


@pytest.fixture
def rng() -> random.Random:
    seed = random.randrange(2**32)
    print(f"random seed {seed}")  # shown with a failure
    return random.Random(seed)


def _rounds(workers: Workers, make_job: Callable[[int], dict[str, Any]], rng: random.Random,
            check: Callable[[int, Outcome], None], *, step_kills: int, timed_kills: int, tail: int = 0) -> None:
    """Kill at ``step_kills`` durable steps — three quarters of them among the last ``tail`` (where
    the result takes its place), the others before — then at random moments; check after each."""
    dry = workers.run(make_job(0))
    assert dry.acknowledged and dry.points, dry.lines
    check(0, dry)
    points = list(range(1, dry.points + 1))
    if len(points) <= step_kills:
        chosen = points
    else:
        last = points[-tail:] if tail else []
        in_last = min(len(last), step_kills * 3 // 4)
        before = points[:len(points) - len(last)]
        chosen = sorted({*rng.sample(last, in_last), *rng.sample(before, min(len(before), step_kills - in_last))})
    started = time.perf_counter()
    timing = workers.run(make_job(-1))
    duration = time.perf_counter() - started
    check(-1, timing)
    round_ = 1
    killed = 0
    for kill_at in chosen:
        outcome = workers.run({**make_job(round_), "kill_at": kill_at})
        assert outcome.killed, f"step {kill_at} of {dry.points} was never reached: {outcome.lines}"
        killed += 1
        check(round_, outcome)
        round_ += 1
    # Kills at random moments: a run may go faster than the timed one (a busy machine), so a
    # moment can fall after the end; keep trying, up to three times as many rounds, until at
    # least a third of them have landed.
    timed = 0
    for attempt in range(3 * timed_kills):
        if attempt >= timed_kills and timed >= max(1, timed_kills // 3):
            break
        outcome = workers.run(make_job(round_), kill_after=rng.uniform(0, duration * 1.1))
        killed += outcome.killed
        timed += outcome.killed
        check(round_, outcome)
        round_ += 1
    print(f"{dry.points} durable steps, killed at {chosen}; {killed} of {round_ - 1} rounds killed "
          f"(an uninterrupted run took {duration:.2f} s)")
    assert killed >= len(chosen) + timed_kills // 3, "too few rounds were killed to mean anything"


def _opens(root: Path, passphrase: str) -> bool:
    try:
        with Store.open(root, passphrase, write=False):
            return True
    except WrongPassphrase:
        return False


# --- SIGKILL -------------------------------------------------------------------------------
def test_killed_passphrase_change(workers: Workers, template: tuple[Path, dict[str, Any]], tmp_path: Path,
                                  rng: random.Random) -> None:
    """At every step the store opens with the old or the new passphrase; once acknowledged, the new only."""
    source, expected = template
    seen: set[tuple[bool, bool]] = set()

    def job(round_: int) -> dict[str, Any]:
        root = tmp_path / f"store-{round_ + 1}"
        shutil.copytree(source, root)
        return {"op": "passwd", "root": str(root), "old": PASSPHRASE, "new": NEW}

    def check(round_: int, outcome: Outcome) -> None:
        root = tmp_path / f"store-{round_ + 1}"
        state = (_opens(root, PASSPHRASE), _opens(root, NEW))
        seen.add(state)
        assert any(state), f"neither passphrase opens the store: {outcome.lines}"
        if outcome.acknowledged:
            assert state == (False, True)
        assert contents(root, NEW if state[1] else PASSPHRASE) == expected
        if state == (True, True):  # primary new, spare old: a writable open with the new one settles it
            Store.open(root, NEW).close()
            assert (_opens(root, PASSPHRASE), _opens(root, NEW)) == (False, True)
        shutil.rmtree(root)

    _rounds(workers, job, rng, check, step_kills=16, timed_kills=4)
    assert seen >= {(True, False), (True, True), (False, True)}, seen  # every state between was met


def test_killed_backup(workers: Workers, template: tuple[Path, dict[str, Any]], tmp_path: Path,
                       rng: random.Random) -> None:
    """A backup under its final name is always whole; the store is never touched; leftovers are swept."""
    source, expected = template
    root = tmp_path / "store"
    shutil.copytree(source, root)
    out = tmp_path / "out"
    out.mkdir()

    def job(round_: int) -> dict[str, Any]:
        return {"op": "backup", "root": str(root), "passphrase": PASSPHRASE, "out": str(out / f"b{round_}.ldbackup")}

    def check(round_: int, outcome: Outcome) -> None:
        backup = out / f"b{round_}.ldbackup"
        assert contents(root) == expected
        if outcome.acknowledged:
            assert backup.exists()
        if backup.exists():
            assert check_backup(backup, PASSPHRASE).summary.cases == len(expected["names"])
        else:
            with Store.open(root, PASSPHRASE) as store:
                write_backup(store, backup)  # the next backup to the same name sweeps what was left
        assert not [p.name for p in out.iterdir() if p.name.startswith(".")]
        backup.unlink()

    _rounds(workers, job, rng, check, step_kills=8, timed_kills=4, tail=4)


def test_killed_restore(workers: Workers, template: tuple[Path, dict[str, Any]], tmp_path: Path,
                        rng: random.Random) -> None:
    """The target folder holds nothing or the whole restored store, never part of one."""
    source, expected = template
    backup = tmp_path / "b.ldbackup"
    with Store.open(source, PASSPHRASE) as store:
        write_backup(store, backup)

    def job(round_: int) -> dict[str, Any]:
        return {"op": "restore", "root": str(tmp_path / f"new-{round_ + 1}"), "backup": str(backup),
                "passphrase": PASSPHRASE}

    def check(round_: int, outcome: Outcome) -> None:
        target = tmp_path / f"new-{round_ + 1}"
        if outcome.acknowledged:
            assert target.exists()
        if not target.exists():
            restore(backup, target, PASSPHRASE)  # and the next restore removes what the killed one left
        assert contents(target) == expected
        assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
        shutil.rmtree(target)

    _rounds(workers, job, rng, check, step_kills=8, timed_kills=4, tail=3)


def test_killed_recovery(workers: Workers, template: tuple[Path, dict[str, Any]], tmp_path: Path,
                         rng: random.Random) -> None:
    """A recovery cut short is finished by the next; the damaged files all end up in quarantine, unchanged."""
    source, expected = template
    damaged = tmp_path / "damaged"
    shutil.copytree(source, damaged)
    (damaged / "backups").mkdir()
    with Store.open(damaged, PASSPHRASE) as store:
        write_backup(store, damaged / "backups" / "good.ldbackup")
    data = bytearray((damaged / "case.db").read_bytes())
    data[6 * 4096 + 500] ^= 0x01
    (damaged / "case.db").write_bytes(bytes(data))
    originals = {digest for name, digest in digests(damaged).items()
                 if name.split("/")[0] in ("case.db", "keyheader", "keyheader.spare", "vault")}

    def job(round_: int) -> dict[str, Any]:
        root = tmp_path / f"store-{round_ + 1}"
        shutil.copytree(damaged, root)
        return {"op": "recover", "root": str(root), "passphrase": PASSPHRASE}

    def check(round_: int, outcome: Outcome) -> None:
        root = tmp_path / f"store-{round_ + 1}"
        if not outcome.acknowledged:
            try:
                recover(root, PASSPHRASE)
            except StoreError as exc:
                assert "passes its checks" in str(exc)  # the killed one had finished all its moves
        assert diagnose(root, PASSPHRASE).ok
        assert contents(root) == expected
        kept = set(digests(root / "quarantine").values())
        assert originals <= kept, "a damaged file is missing from quarantine/"
        assert not [p.name for p in root.iterdir() if p.name.startswith(".restore-")]
        shutil.rmtree(root)

    _rounds(workers, job, rng, check, step_kills=16, timed_kills=3, tail=44)


def test_killed_migration(workers: Workers, tmp_path: Path, rng: random.Random) -> None:
    """An upgrade killed anywhere resumes at the next open; pre-migration/ never holds a partial copy."""
    from sqlalchemy import text

    from lawyer_desk.core.store import database, migrate
    from lawyer_desk.core.store.keyheader import subkey
    from lawyer_desk.core.store.store import unlock

    _, data_key = unlock(FIXTURE_STORE, FIXTURE_PASSPHRASE)
    db_key = subkey(data_key, "database")

    def job(round_: int) -> dict[str, Any]:
        root = tmp_path / f"store-{round_ + 1}"
        shutil.copytree(FIXTURE_STORE, root)
        return {"op": "migrate", "root": str(root), "passphrase": FIXTURE_PASSPHRASE}

    def check(round_: int, outcome: Outcome) -> None:
        root = tmp_path / f"store-{round_ + 1}"
        for copy in sorted((root / "pre-migration").glob("*")) if (root / "pre-migration").exists() else []:
            if copy.name.startswith("."):
                continue  # a temporary copy cut short: swept by the next migration
            conn = database.connect(copy, db_key)
            try:
                assert conn.execute("SELECT count(*) FROM client").fetchone() == (4,)
                assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
            finally:
                conn.close()
        with Store.open(root, FIXTURE_PASSPHRASE) as store:
            assert store.engine is not None
            with store.engine.connect() as conn:
                assert migrate.current_revision(conn) == migrate.HEAD_REVISION
                assert conn.execute(text("SELECT count(*) FROM client")).scalar() == 4
            assert store.integrity_problems() == []
            assert store.audit_report().intact
        assert not [p for p in (root / "pre-migration").glob(".*")] if (root / "pre-migration").exists() else True
        shutil.rmtree(root)

    _rounds(workers, job, rng, check, step_kills=6, timed_kills=10)


# --- a full disk ---------------------------------------------------------------------------
def _limited(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def _run(*args: str | Path, env: dict[str, str] | None = None, limit: int | None = None,
         unprivileged: bool = False) -> subprocess.CompletedProcess[str]:
    """The command line in a real process, with a file-size limit or without write permission overrides."""
    command = [sys.executable, "-m", "lawyer_desk", *map(str, args)]
    if unprivileged and os.geteuid() == 0:
        command = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]
    # No byte-code is written: a limited process would leave truncated .pyc files behind.
    return subprocess.run(command, cwd=REPO, env={**(env or cli_env()), "PYTHONDONTWRITEBYTECODE": "1"},
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT, check=False,
                          preexec_fn=None if limit is None else _limited(limit))


@pytest.fixture
def copied(template: tuple[Path, dict[str, Any]], tmp_path: Path) -> Path:
    root = tmp_path / "store"
    shutil.copytree(template[0], root)
    return root


def _store_files(root: Path) -> dict[str, str]:
    """The files that make the store, as they are (a read-only open may add an empty log and its index)."""
    return {name: digest for name, digest in digests(root).items()
            if name.split("/")[0] in ("case.db", "keyheader", "keyheader.spare", "vault")}


def test_disk_full(copied: Path, template: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    _, expected = template
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(case_document(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    database_size = (copied / "case.db").stat().st_size
    before = _store_files(copied)
    rows = counts(copied)

    # A case import whose write-ahead log cannot grow: refused whole, the store as it was.
    result = _run("import-case", case_file, "--data-dir", copied, limit=40_000)
    assert_error(result, 1, "the disk refused a write", "Nothing was half-written")
    assert counts(copied) == rows

    # A backup that cannot copy the database, and one that cannot write the file: nothing left.
    for limit in (100_000, database_size + 100_000):
        result = _run("backup", "--out", out / "b.ldbackup", "--data-dir", copied, limit=limit)
        assert_error(result, 1, "The backup cannot be written", "no backup file was left behind")
        assert list(out.iterdir()) == []
    result = _run("backup", "--data-dir", copied, limit=database_size + 100_000)
    assert_error(result, 1, "The backup cannot be written")
    assert not [p for p in (copied / "backups").iterdir()]

    # A restore that cannot write the store: no target, nothing beside it.
    with Store.open(copied, PASSPHRASE) as store:
        write_backup(store, out / "good.ldbackup")
    result = _run("restore", out / "good.ldbackup", "--data-dir", tmp_path / "restored", limit=database_size // 2)
    assert_error(result, 1, "nothing was restored")
    assert not (tmp_path / "restored").exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]

    # A passphrase change on a disk that takes nothing more: refused, the old passphrase still opens it.
    result = _run("passwd", "--data-dir", copied, env=cli_env(LAWYER_DESK_NEW_PASSPHRASE=NEW), limit=1000)
    assert_error(result, 1, "is the disk full")
    after = _store_files(copied)
    assert {k: after[k] for k in ("keyheader", "keyheader.spare")} == {k: before[k] for k in ("keyheader",
                                                                                               "keyheader.spare")}
    assert {k: v for k, v in after.items() if k.startswith("vault/")} == {
        k: v for k, v in before.items() if k.startswith("vault/")}
    assert contents(copied) == expected


# --- a read-only store folder ---------------------------------------------------------------
def _freeze(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)


def _thaw(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(stat.S_IMODE(path.stat().st_mode) | 0o200)


@pytest.mark.skipif(os.geteuid() == 0 and shutil.which("setpriv") is None,
                    reason="as root, a read-only folder needs setpriv to drop the permission overrides")
def test_read_only_store_folder(copied: Path, template: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    _, expected = template
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(case_document(), ensure_ascii=False), encoding="utf-8")
    for index in ("case.db-wal", "case.db-shm"):  # as the program leaves a store it closed
        (copied / index).unlink(missing_ok=True)
    before = digests(copied)
    _freeze(copied)
    try:
        new_passphrase = cli_env(LAWYER_DESK_NEW_PASSPHRASE=NEW)
        for args, env in [(("import-case", case_file), None), (("backup",), None),
                          (("backup", "--out", tmp_path / "b.ldbackup"), None), (("passwd",), new_passphrase),
                          (("restore", "--latest"), None)]:
            result = _run(*args, "--data-dir", copied, env=env, unprivileged=True)
            assert_error(result, 1, "cannot be written", "read-only", "Nothing was changed")
        # Even reading needs to create the log's index beside the database: a clear refusal too.
        result = _run("cases", "--data-dir", copied, unprivileged=True)
        assert_error(result, 1, "cannot be read or written", "read-only")
    finally:
        _thaw(copied)
    assert digests(copied) == before
    assert not (tmp_path / "b.ldbackup").exists()
    assert contents(copied) == expected
