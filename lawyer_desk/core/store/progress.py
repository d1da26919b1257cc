"""How long store work (backup, restore, passphrase change) reports progress and is cancelled.

The core never imports Qt: it takes any object with ``report`` and ``check``. The GUI's
``ui.tasks.Progress`` is one (its ``check`` raises ``tasks.Cancelled``); the command line
passes nothing. Work calls ``check`` only where stopping leaves nothing behind, and cleans
up its temporary files whatever ``check`` raises.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def report(self, done: int, total: int = 0, label: str = "") -> None:
        """``done`` of ``total`` units (``total`` 0: unknown)."""

    def check(self) -> None:
        """Raise (any exception) to stop the work; called between units of work."""


class Silent:
    """Progress that nobody watches and nobody cancels."""

    def report(self, done: int, total: int = 0, label: str = "") -> None:
        pass

    def check(self) -> None:
        pass


SILENT = Silent()
