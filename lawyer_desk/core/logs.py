"""Logging that never holds client data.

Messages name actions, counts, ids and exception types, never names, charges, notes or
file paths (a file name can be a client's name). A crash records the stack of code
locations only, without the exception's message.
"""

from __future__ import annotations

import logging
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

_log = logging.getLogger("lawyer_desk")
_log.addHandler(logging.NullHandler())  # nothing on stderr: the CLI prints its own one-line errors


def to_store(folder: Path) -> None:
    """Send the program's log to ``folder/lawyer-desk.log`` (rotated, 3 × 1 MB)."""
    if any(isinstance(h, RotatingFileHandler) for h in _log.handlers):
        return
    try:
        folder.mkdir(exist_ok=True)
        handler = RotatingFileHandler(folder / "lawyer-desk.log", maxBytes=1_000_000, backupCount=3,
                                      encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _log.addHandler(handler)
    _log.setLevel(logging.INFO)


def record_crash(exc: BaseException) -> None:
    frames = traceback.extract_tb(exc.__traceback__)
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    _log.error("unexpected %s at %s", type(exc).__name__, where)
