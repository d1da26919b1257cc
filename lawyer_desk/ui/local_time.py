"""The lawyer's own clock: the system's IANA time zone, as Qt reports it.

Reminders fire at 08:00 in the zone of the moment they are computed from, and the dashboard
shows each cut-off "in your time". A fixed offset (what ``datetime.now().astimezone()``
gives) is right today only: a reminder a week away, across the March or October clock
change, would come an hour early or late. So the zone is the system's named zone (Qt reads
it on every platform; on Windows it maps the Windows zone to its IANA name) as a
``zoneinfo.ZoneInfo``, and only when zoneinfo does not know that name, the offset of now.

Qt lives here, in the interface; the core takes the zone or an aware ``datetime`` as given.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QTimeZone


def system_zone_id() -> str:
    """The system's time zone as Qt names it, e.g. 'Europe/Paris' (may be '' or a non-IANA name)."""
    return bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")


def fixed_offset_now() -> tzinfo:
    """The zone of now as a fixed offset: the fallback when the system's zone has no IANA name."""
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None  # astimezone() always sets one
    return zone


def local_zone() -> tzinfo:
    """The lawyer's zone now: the system's named zone, or the fixed offset of now if it has no
    name zoneinfo knows. Read on every call (about 10 µs), since a laptop travels."""
    name = system_zone_id().strip()
    if name:
        try:
            return ZoneInfo(name)  # zoneinfo keeps one instance per name
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return fixed_offset_now()


def local_now() -> datetime:
    """Now, aware, in the lawyer's named zone."""
    return datetime.now(local_zone())
