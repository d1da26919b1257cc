"""A whole desk session leaves no client data in the clear anywhere, and opens no network socket.

``gui_workflow_child`` runs the session in a process of its own, so that Qt, fontconfig, the
platform plugins and Python write their caches, settings and logs for real, with every folder
a program may write to (home, the XDG config, cache, data, state and runtime folders, the
temporary folder, the desk's config folder and its store) inside one folder of this test.
Afterwards every file in that folder is read as bytes: no canary may appear in it as UTF-8,
UTF-16, lower-cased or folded. Only the lawyer's own evidence files, kept in a folder outside,
hold the canaries. An audit hook in the child records each socket made, connected or bound,
and each name lookup: none may be for the internet.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.e2e import gui_workflow_child as child
from tests.e2e.helpers import REPO, canary_needles, cli_env

NEEDLES = canary_needles(child.CANARIES)
CHILD_TIMEOUT = 120
INTERNET = {int(socket.AF_INET), int(socket.AF_INET6)}
CONTROL = "positive-control.txt"


def scan(root: Path) -> tuple[list[Path], list[str]]:
    """Every regular file under ``root`` (links not followed), and each canary form found in one."""
    files: list[Path] = []
    found: list[str] = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            files.append(path)
            data = path.read_bytes()
            found += [f"{path.relative_to(root)}: {canary!r} as {needle!r}"
                      for needle, canary in NEEDLES.items() if needle in data]
    return files, found


def session_env(scanned: Path) -> dict[str, str]:
    """Every folder a program may write to, inside ``scanned``; offscreen Qt, no session bus."""
    folders = {"HOME": "home", "XDG_CONFIG_HOME": "home/.config", "XDG_CACHE_HOME": "home/.cache",
               "XDG_DATA_HOME": "home/.local/share", "XDG_STATE_HOME": "home/.local/state",
               "XDG_RUNTIME_DIR": "run", "TMPDIR": "tmp", "LAWYER_DESK_CONFIG_DIR": "desk-config"}
    env = cli_env(passphrase=None, LAWYER_DESK_HOME=str(scanned / "store"), LAWYER_DESK_NO_CRASH_DIALOG="1")
    for key in ("DBUS_SESSION_BUS_ADDRESS", "LAWYER_DESK_LANG", "LAWYER_DESK_LOG_DIR", "PYTHONPYCACHEPREFIX",
                "XDG_CONFIG_DIRS", "XDG_DATA_DIRS"):
        env.pop(key, None)
    for key, relative in folders.items():
        folder = scanned / relative
        folder.mkdir(parents=True, exist_ok=True)
        env[key] = str(folder)
    (scanned / "run").chmod(0o700)
    return env


def test_a_whole_desk_session_leaves_no_plaintext_and_opens_no_network_socket(tmp_path: Path) -> None:
    scanned, outside, record = tmp_path / "scanned", tmp_path / "outside", tmp_path / "network.jsonl"
    record.write_text("", encoding="utf-8")
    env = session_env(scanned)
    store = scanned / "store"
    result = subprocess.run(
        [sys.executable, "-m", "tests.e2e.gui_workflow_child", str(store), str(outside), str(record)],
        cwd=REPO, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, encoding="utf-8",
        errors="replace", timeout=CHILD_TIMEOUT, check=False)
    assert result.returncode == 0, f"exit {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    summary = json.loads(result.stdout.strip().splitlines()[-1])

    # The session did what the scan relies on.
    assert summary["steps"] == ["started", "client", "evidence", "brief", "lock", "backup", "closed"], summary
    assert summary["brief_pages"] >= 1
    assert summary["copy_wiped_on_lock"] and not summary["copy_exists_after_close"]
    assert summary["copies_after_close"] == []
    assert not any(icon == "Critical" for icon, _title in summary["alerts"]), summary["alerts"]
    originals = sorted(p.name for p in outside.iterdir())
    assert len(originals) == 2 and all(child.FILE_NAME in name for name in originals)
    assert any(canary in (outside / name).read_bytes() for name in originals
               for canary in (child.TEXT.encode(), child.PDF.encode()))

    # Positive control: a file in the clear in the scanned folder is found, in each encoding.
    control = scanned / "tmp" / CONTROL
    control.write_bytes(child.LATIN.lower().encode("utf-8") + b"\0" + child.HAN.encode("utf-16-le"))
    files, found = scan(scanned)
    control_hits = [hit for hit in found if hit.startswith(f"tmp/{CONTROL}:")]
    assert any(repr(child.LATIN) in hit for hit in control_hits), control_hits
    assert any(repr(child.HAN) in hit for hit in control_hits), control_hits
    leaks = [hit for hit in found if hit not in control_hits]

    # The scan covered what the session wrote: the store, its log and backups, settings, the copies' folder.
    names = {path.relative_to(scanned).as_posix() for path in files}
    assert {"store/case.db", "store/keyheader"} <= names, sorted(names)
    assert any(name.startswith("store/vault/") for name in names), sorted(names)
    assert any(name.startswith("store/logs/") for name in names), sorted(names)
    assert sum(name.startswith("store/backups/") for name in names) >= 1, sorted(names)
    assert any(name.startswith("desk-config/") for name in names), sorted(names)
    assert Path(summary["copy"]).is_relative_to(scanned / "run")  # the decrypted copy was made in the tree

    assert leaks == [], "client data in the clear:\n" + "\n".join(leaks)

    events = [json.loads(line) for line in record.read_text("utf-8").splitlines()]
    internet = [e for e in events if e["family"] in INTERNET or e["event"] in child.LOOKUPS]
    assert internet == [], f"network activity: {internet}"
    assert summary["inet_sockets"] == []
