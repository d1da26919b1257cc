"""Running the real command line against real stores on disk, and making those stores."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from lawyer_desk.core import cases
from lawyer_desk.core import models as m
from lawyer_desk.core.interchange import case_json as cj
from lawyer_desk.core.search_fold import fold
from lawyer_desk.core.store import KdfParams, Store
from tests.conftest import PASSPHRASE

REPO = Path(__file__).resolve().parents[2]
ENV_PASSPHRASE = "LAWYER_DESK_PASSPHRASE"
ERROR_PREFIX = "lawyer-desk: error:"
CHEAP = KdfParams.cheap()
CLI_TIMEOUT = 120

type Result = subprocess.CompletedProcess[str]


def cli_env(passphrase: str | None = PASSPHRASE, **extra: str) -> dict[str, str]:
    """The environment of a command: offscreen Qt, the passphrase (or none), no default store.

    ``PYTHONDONTWRITEBYTECODE`` is dropped so that the first command compiles the package
    once and every later one starts from the byte-code cache.
    """
    drop = {ENV_PASSPHRASE, "LAWYER_DESK_HOME", "PYTHONDONTWRITEBYTECODE"}
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONIOENCODING"] = "utf-8"
    if passphrase is not None:
        env[ENV_PASSPHRASE] = passphrase
    env.update(extra)
    return env


def run_cli(*args: str | Path, passphrase: str | None = PASSPHRASE, env: dict[str, str] | None = None,
            timeout: float = CLI_TIMEOUT, no_stdin: bool = False) -> Result:
    """``python -m lawyer_desk ARGS`` in a real process, standard input empty (``/dev/null``).

    ``no_stdin``: standard input is not even open, as for some services and schedulers.
    """
    command = [sys.executable, "-m", "lawyer_desk", *map(str, args)]
    if no_stdin:
        command = ["/bin/sh", "-c", 'exec "$0" "$@" <&-', *command]
    return subprocess.run(
        command,
        cwd=REPO, env=env if env is not None else cli_env(passphrase), stdin=subprocess.DEVNULL,
        capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=timeout, check=False,
    )


def run_many(calls: Sequence[Sequence[str | Path]], *,
             env: dict[str, str] | Sequence[dict[str, str]] | None = None) -> list[Result]:
    """Independent commands run side by side (the machine has more than one core).

    ``env`` is one environment for all the commands, or a list of one per command.
    """
    envs = list(env) if isinstance(env, Sequence) else [env or cli_env()] * len(calls)
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return list(pool.map(lambda args, e: run_cli(*args, env=e), calls, envs))


def assert_ok(result: Result) -> None:
    assert result.returncode == 0, f"exit {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    assert "Traceback" not in result.stderr


def assert_error(result: Result, code: int, *fragments: str) -> str:
    """The command failed with ``code`` and said so in exactly one line; returns that line."""
    assert result.returncode == code, f"exit {result.returncode}, expected {code}\n" \
                                      f"stdout: {result.stdout}\nstderr: {result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    if code == 2 and lines and lines[0].startswith("usage:"):
        assert lines[-1].startswith("lawyer-desk"), result.stderr  # argparse: usage, then one error line
        line = lines[-1]
    else:
        assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
        line = lines[0]
        assert line.startswith(ERROR_PREFIX), line
    for fragment in fragments:
        assert fragment in line, f"{fragment!r} not in {line!r}"
    return line


# --- stores ------------------------------------------------------------------------------
def make_store(root: Path, documents: Sequence[cj.CaseFileV1] = ()) -> Path:
    """A closed store with cheap key derivation, holding ``documents``."""
    with Store.create(root, PASSPHRASE, CHEAP) as store:
        if documents:
            with store.session() as session:
                cases.import_cases(session, documents)
    return root


def counts(root: Path) -> dict[str, int]:
    """Rows per table, the audit trail included."""
    with Store.open(root, PASSPHRASE, write=False) as store, store.session() as session:
        return {table.__tablename__: session.execute(select(func.count()).select_from(table)).scalar_one()  # type: ignore[attr-defined]
                for table in (*m.CASE_TABLES, m.AuditEntry)}


# --- a generated case --------------------------------------------------------------------
# A case of a fixed shape, so that a test can tell a whole case from part of one.
CASE_NAMES = 3
CASE_ALERTS = 2
CASE_WARRANTS = (2, 1)  # per alert
CASE_NOTES = 2

_CASE: dict[str, Any] = {
    "format": cj.FORMAT,
    "version": cj.VERSION,
    "client": {"display_name": "Timur Generated", "date_of_birth": "1980-02", "nationalities": ["UZ"],
               "custody_status": "free", "languages": ["uzb", "rus"]},
    "names": [
        {"text": "Timur Generated", "script": "Latin", "kind": "legal"},
        {"text": "Тимур Сгенерированный", "script": "Cyrillic", "language": "rus", "kind": "transliteration"},
        {"text": "تيمور", "script": "Arabic", "kind": "alias"},
    ],
    "alerts": [
        {"key": "alert-1", "type": "red_notice", "reference": "2019/12345", "requesting_country": "UZ",
         "status": "published",
         "warrants": [{"issuing_country": "UZ", "charge": "Membership of a banned religious group"},
                      {"issuing_country": "UZ", "charge": "Illegal border crossing"}],
         "history": [{"status": "published", "date": "2019-04"}]},
        {"key": "alert-2", "type": "wanted_person_diffusion", "requesting_country": "TJ", "status": "challenged",
         "warrants": [{"issuing_country": "TJ", "charge": "Fraud on a large scale"}]},
    ],
    "proceedings": [{"key": "proceeding-1", "alert": "alert-1", "forum": "ccf", "ccf_request_type": "deletion"}],
    "deadlines": [{"title": "Reply to the CCF", "due_date": "2030-01-15", "proceeding": "proceeding-1"}],
    "notes": [
        {"title": "Grounds", "body": "The charge is the practice of a religion.", "argument_section": "grounds"},
        {"title": "Family", "body": "Wife and two children in Tashkent."},
    ],
}


def case_document(**client: Any) -> dict[str, Any]:
    """The generated case as interchange JSON data; ``client`` overrides client fields."""
    document = copy.deepcopy(_CASE)
    document["client"].update(client)
    return document


# --- canaries: client data that must never be found in the clear -------------------------
def canary_forms(canary: str) -> set[str]:
    """The canary and its words (those long enough to be telling), as written, lower-cased, folded."""
    texts = {canary} | {word for word in canary.split() if (len(word) >= 5 and not word.isascii()) or "CANARY" in word}
    forms: set[str] = set()
    for text in texts:
        forms |= {text, text.lower(), text.casefold(), fold(text), fold(text).replace(" ", "")}
    return {form for form in forms if len(form) >= 4}


def canary_needles(canaries: Sequence[str]) -> dict[bytes, str]:
    """Every form of every canary, as UTF-8 and as UTF-16 (little-endian) bytes → the canary."""
    needles: dict[bytes, str] = {}
    for canary in canaries:
        for form in canary_forms(canary):
            needles[form.encode("utf-8")] = canary
            needles[form.encode("utf-16-le")] = canary
    return needles
