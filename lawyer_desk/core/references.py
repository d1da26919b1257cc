"""How a case is referred to outside the store: on calendars, in PDF headers, in file names.

The reference names no one: it is drawn from the client's random uid, so a calendar entry
or a printed running header seen at a border reveals nothing about who the client is.
"""

from __future__ import annotations


def case_reference(uid: str) -> str:
    """``LD-`` and the first eight characters of the uid, upper case, e.g. ``LD-3F9A02C1``."""
    return "LD-" + uid[:8].upper()
