"""Decrypted copies of exhibits for "Open with system viewer", and their wiping.

The one place where the desk writes an exhibit's plaintext to disk of its own accord: when
the lawyer explicitly asks to open an exhibit in another program. The copy goes into a
private folder (mode 0700, made by ``tempfile.mkdtemp``) under the user's runtime folder —
``$XDG_RUNTIME_DIR``, memory-backed on most Linux systems — or else the temp folder, one
sub-folder per copy so that the file keeps its own name. Every copy is recorded as an export
in the exhibit's custody history (``exhibits.export_copy``).

``wipe_all()`` overwrites each copy with zeros, flushes it to disk, and unlinks it, then
removes the folder. It runs when the main window closes, at exit (``atexit``), and is what
the automatic lock calls. Overwriting is best effort: on SSDs and copy-on-write file
systems old blocks may survive, which is why the lawyer is warned before the first copy and
why the copies go to the runtime folder where there is one. Folders left by a process that
died (a crash, a power cut) are wiped the next time a copy is made.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any

from lawyer_desk.core import exhibits
from lawyer_desk.core.vault import Cancel, Progress

PREFIX = "lawyer-desk-copies-"
_OURS = re.compile(rf"^{re.escape(PREFIX)}(\d+)-")
_BLOCK = 1 << 20
_lock = threading.Lock()
_folder: Path | None = None
_atexit_registered = False


def base_dir() -> Path:
    """Where the private folder goes: the runtime folder if there is a usable one, else temp."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime) and os.access(runtime, os.W_OK | os.X_OK):
        return Path(runtime)
    return Path(tempfile.gettempdir())


def private_folder() -> Path:
    """The private folder of this process (made on first use, mode 0700)."""
    global _folder, _atexit_registered  # noqa: PLW0603 (one folder per process is the point)
    with _lock:
        if _folder is None or not _folder.is_dir():
            sweep_leftovers()
            _folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base_dir()))
            os.chmod(_folder, stat.S_IRWXU)  # mkdtemp does this already; said again for clarity
            if not _atexit_registered:
                atexit.register(wipe_all)
                _atexit_registered = True
        return _folder


def write_copy(store: Any, exhibit_id: int, *, progress: Progress | None = None,
               cancel: Cancel | None = None) -> Path:
    """A decrypted copy of the exhibit in the private folder (recorded as an export); its path."""
    place = Path(tempfile.mkdtemp(dir=private_folder()))
    try:
        copy = exhibits.export_copy(store, exhibit_id, place, progress=progress, cancel=cancel)
    except BaseException:
        _remove_tree(place)
        raise
    with contextlib.suppress(OSError):
        os.chmod(copy, stat.S_IRUSR)  # read-only: a viewer should not save changes into it
    return copy


def copies() -> list[Path]:
    """The copies there are now."""
    folder = _folder
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file())


def wipe_all() -> int:
    """Overwrite and delete every copy, and the folder; the number of files wiped."""
    global _folder
    with _lock:
        folder, _folder = _folder, None
    return _wipe_folder(folder) if folder is not None else 0


def sweep_leftovers() -> int:
    """Wipe the folders of copies left by processes of this program that no longer run."""
    wiped = 0
    try:
        entries = list(os.scandir(base_dir()))
    except OSError:
        return 0
    for entry in entries:
        found = _OURS.match(entry.name)
        if found and entry.is_dir(follow_symlinks=False) and not _running(int(found.group(1))):
            wiped += _wipe_folder(Path(entry.path))
    return wiped


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill on Windows would end the process: never sweep there by guess
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists (someone else's), or we cannot tell: leave it
    return True


def _wipe_folder(folder: Path) -> int:
    wiped = 0
    for root, _dirs, files in os.walk(folder, topdown=False):
        for name in files:
            if _wipe_file(Path(root) / name):
                wiped += 1
    _remove_tree(folder)
    return wiped


def _wipe_file(path: Path) -> bool:
    """Zeros over the whole file, flushed to the disk, then unlink. False when it could not be done."""
    try:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        size = path.stat().st_size
        with open(path, "r+b", buffering=0) as out:
            zeros = bytes(min(size, _BLOCK))
            left = size
            while left > 0:
                left -= out.write(zeros[:min(left, _BLOCK)])
            os.fsync(out.fileno())
        path.unlink()
    except OSError:
        with contextlib.suppress(OSError):
            path.unlink()  # still open in a viewer on Windows: at least try to remove it
        return not path.exists()
    return True


def _remove_tree(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
