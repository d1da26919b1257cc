"""The program never opens a network connection, nor even looks a host name up.

Every command of a whole workflow runs with a ``sitecustomize`` that installs an audit hook
(PEP 578) recording each socket made for the internet (AF_INET, AF_INET6), each connect,
each name lookup and each datagram sent. The record must stay empty. A positive control
proves the hook is installed and records a connection attempt.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lawyer_desk.core.demo import demo_cases
from tests.e2e.helpers import REPO, assert_ok, case_document, cli_env, make_store, run_cli, run_many

SAMPLE_NOTICE = REPO / "tests" / "data" / "notices" / "red-notice-detail.json"

SITECUSTOMIZE = textwrap.dedent(
    """
    import os
    import socket
    import sys

    _RECORD = os.environ["LAWYER_DESK_NETWORK_RECORD"]
    with open(os.environ["LAWYER_DESK_HOOKED"], "a", encoding="utf-8") as hooked:
        hooked.write(f"{os.getpid()}\\n")  # proof that this process runs with the hook
    _INTERNET = {int(socket.AF_INET), int(socket.AF_INET6), -1}
    _ALWAYS = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
               "socket.gethostbyaddr", "socket.getnameinfo", "socket.sendto", "socket.sendmsg"}

    def _hook(event, args):
        if not event.startswith("socket."):
            return
        if event in _ALWAYS or (event == "socket.__new__" and len(args) > 1 and int(args[1]) in _INTERNET) \\
                or (event == "socket.bind" and getattr(args[0], "family", None) in _INTERNET):
            with open(_RECORD, "a", encoding="utf-8") as record:
                record.write(f"{os.getpid()} {sys.argv[1:2]} {event} {args[1:]!r}\\n")

    sys.addaudithook(_hook)
    """
)


@pytest.fixture
def watched_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """The environment of a watched process, and the file its network activity goes to."""
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    record = tmp_path / "network.txt"
    record.write_text("", encoding="utf-8")
    env = cli_env(PYTHONPATH=str(hook_dir), LAWYER_DESK_NETWORK_RECORD=str(record),
                  LAWYER_DESK_HOOKED=str(tmp_path / "hooked.txt"))
    return env, record


def test_the_hook_records_a_connection_attempt(watched_env: tuple[dict[str, str], Path]) -> None:
    env, record = watched_env
    probe = textwrap.dedent(
        """
        import socket
        with socket.socket() as s:  # find a port nothing listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except OSError:
            pass
        """
    )
    result = subprocess.run([sys.executable, "-c", probe], env=env, cwd=REPO, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    events = record.read_text("utf-8")
    assert "socket.connect" in events
    assert "socket.getaddrinfo" in events
    assert "socket.__new__" in events
    assert _hooked(record.parent) == 1


def _hooked(tmp_path: Path) -> int:
    return len((tmp_path / "hooked.txt").read_text("utf-8").splitlines())


def test_a_whole_workflow_stays_offline(watched_env: tuple[dict[str, str], Path], tmp_path: Path) -> None:
    env, record = watched_env
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(case_document(), ensure_ascii=False), encoding="utf-8")
    notice = tmp_path / "notice.json"
    shutil.copyfile(SAMPLE_NOTICE, notice)
    export = tmp_path / "export.json"
    # ``demo`` pays the calibrated key derivation once; the other commands work on a cheap
    # store holding the same cases, the readers side by side.
    store = make_store(tmp_path / "cheap", demo_cases())
    readers = [["demo", "--data-dir", tmp_path / "demo"], ["cases", "--json", "--data-dir", store],
               ["search", "Idris", "--data-dir", store], ["verify", "--data-dir", store]]
    writers = [["export-case", "1", "--out", export], ["import-case", case_file], ["import-notice", notice]]
    results = run_many(readers, env=env)
    results += [run_cli(*args, "--data-dir", store, env=env) for args in writers]

    for args, result in zip(readers + writers, results, strict=True):
        assert_ok(result)
        assert result.stdout or result.stderr, args
    assert _hooked(tmp_path) == len(results), "every command must have run with the hook"
    assert record.read_text("utf-8") == "", f"network activity:\n{record.read_text('utf-8')}"
    assert export.stat().st_size > 0
