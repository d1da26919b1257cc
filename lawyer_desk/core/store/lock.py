"""One writer per store: an operating-system lock on ``lock`` in the store folder.

The lock is an ``flock``/``LockFileEx`` lock (through filelock), which the operating system
releases when the holding process dies, so a lock left by a killed process is reclaimed on
the next open without any clean-up.
"""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from lawyer_desk.core.errors import StoreError, StoreLocked


class WriterLock:
    def __init__(self, path: Path) -> None:
        self._lock = FileLock(path, timeout=0)

    def acquire(self) -> None:
        try:
            self._lock.acquire()
        except Timeout:
            raise StoreLocked("The store is in use by another lawyer_desk window or command; "
                              "close it and try again.") from None
        except OSError as exc:  # a read-only folder or medium: the lock file cannot be opened for writing
            raise StoreError(f"The store folder cannot be written ({(exc.strerror or '').lower()}): is it "
                             "read-only? Nothing was changed.") from None

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)

    @property
    def held(self) -> bool:
        return self._lock.is_locked
