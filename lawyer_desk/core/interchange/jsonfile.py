"""Reading JSON input files with messages a person can act on.

Every problem becomes one ``InvalidInput`` line naming the file and, for structure
problems, the JSON path (``$.alerts[0].issue_date``) and what is wrong there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lawyer_desk.core.errors import InvalidInput

MAX_JSON_BYTES = 64 * 1024 * 1024


def read_bytes(path: Path, max_bytes: int = MAX_JSON_BYTES) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InvalidInput(f"{path}: the file is too large ({size // (1024 * 1024)} MB) for this kind of import.")
        return path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a folder, not a file.") from None
    except PermissionError:
        raise InvalidInput(f"{path}: permission denied.") from None


def parse_json(raw: bytes, source: str) -> Any:
    if not raw.strip():
        raise InvalidInput(f"{source}: the file is empty.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{source}: not a text file in UTF-8 (is it a JSON file?).") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).") from None
    except RecursionError:
        raise InvalidInput(f"{source}: the JSON is nested too deeply.") from None


_FRIENDLY = {
    "extra_forbidden": "unknown field (not part of this format)",
    "missing": "required field is missing",
}


def json_path(loc: tuple[int | str, ...]) -> str:
    path = "$"
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def describe(source: str, error: ValidationError) -> InvalidInput:
    """One line: the first problem with its JSON path, and how many more there are."""
    problems = error.errors(include_url=False)
    first = problems[0]
    # A union reports one branch per type; the path up to the branch name is what matters.
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p[:1].islower() and "[" in p))
    message = _FRIENDLY.get(first["type"], first["msg"])
    if first["type"] == "value_error" and message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    located = re.match(r"^([A-Za-z_][\w.\[\]]*): (.*)$", message)
    if not loc and located:  # a whole-file check that names its own path
        return InvalidInput(f"{source}: $.{located.group(1)}: {located.group(2)}")
    more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
    return InvalidInput(f"{source}: {json_path(loc)}: {message}{more}")
