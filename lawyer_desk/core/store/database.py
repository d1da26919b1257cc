"""The SQLCipher database: the one place that opens connections.

Connections are opened with a raw 256-bit key (no SQLCipher KDF: the key already comes from
Argon2id through the key header), then checked: the SQLCipher library must answer
``cipher_version`` (never a silent fall-back to plain SQLite), and the file must carry our
application id. WAL, ``synchronous=FULL`` and foreign keys are set on every connection.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool, QueuePool

from lawyer_desk.core.errors import DamagedDatabase, StoreError
from lawyer_desk.core.search_fold import folded_extra

APPLICATION_ID = 0x4C445331  # "LDS1"
STORE_FORMAT = 1  # PRAGMA user_version: bumped only for changes Alembic cannot express
DatabaseError = sqlcipher3.DatabaseError


def _damaged(detail: str) -> DamagedDatabase:
    return DamagedDatabase(f"The case database is damaged ({detail}). Nothing was changed; "
                           "restore it from a backup.")


# SQLite result codes that say the disk or the folder refused (permission, read-only, I/O,
# full, cannot open): the file may be sound, so they are never reported as damage.
REFUSED_BY_DISK = {3, 8, 10, 13, 14}
# Their messages, for errors raised without a code (the backup API's).
_REFUSED_MESSAGES = ("disk I/O error", "database or disk is full", "unable to open database file",
                     "attempt to write a readonly database", "access permission denied")


def refused_by_disk(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in REFUSED_BY_DISK
    return isinstance(exc, sqlcipher3.OperationalError) and str(exc) in _REFUSED_MESSAGES


def unusable(exc: BaseException) -> StoreError:
    """The error to show for a failure of the database file: refused by the disk, or damaged."""
    if refused_by_disk(exc):
        return StoreError(f"The case database cannot be read or written ({exc}): is the disk full or the "
                          "folder read-only? Nothing was changed.")
    return _damaged(str(exc))


def connect(path: Path, raw_key: bytes, *, create: bool = False, readonly: bool = False) -> Any:
    """Open one keyed, checked connection. ``create`` alone may make a new file."""
    if not create:
        if not path.exists():
            raise _damaged("case.db is missing")
        if path.stat().st_size == 0:
            raise _damaged("case.db is empty")
    mode = "rwc" if create else ("ro" if readonly else "rw")
    try:
        conn = sqlcipher3.connect(f"file:{path.as_posix()}?mode={mode}", uri=True,
                                  check_same_thread=False, isolation_level=None, timeout=10)
    except sqlcipher3.OperationalError as exc:
        raise StoreError(f"The case database cannot be opened: {exc}.") from None
    try:
        # SQLCipher would print page-check failures on stderr; they surface as errors instead.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{raw_key.hex()}'\"")
        version = conn.execute("PRAGMA cipher_version").fetchone()
        if not version or not version[0]:
            raise StoreError("SQLCipher is not available; refusing to open the store unencrypted.")
        conn.execute("PRAGMA cipher_memory_security = OFF")
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            raise unusable(exc) from None
        if not create and app_id != APPLICATION_ID:
            raise _damaged("not a lawyer_desk database")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        # Every page read from disk is checked and decrypted: a 64 MB cache saves most of it.
        conn.execute("PRAGMA cache_size = -65536")
        if readonly:
            conn.execute("PRAGMA query_only = ON")
        conn.create_function("ld_fold", 1, folded_extra, deterministic=True)
        _add_indexing_switch(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _add_indexing_switch(conn: Any) -> None:
    """``ld_indexing()`` tells the search triggers whether to index rows as they come in.

    Bulk imports turn it off (``ld_set_indexing(0)``) and index their rows in one statement
    per table; every connection starts with it on and is set on again when checked out.
    """
    state = {"on": 1}

    def set_indexing(on: int) -> int:
        state["on"] = 1 if on else 0
        return state["on"]

    conn.create_function("ld_indexing", 0, lambda: state["on"])
    conn.create_function("ld_set_indexing", 1, set_indexing)


def make_engine(path: Path, raw_key: bytes, *, readonly: bool = False) -> Engine:
    engine = create_engine(
        "sqlite://",
        module=sqlcipher3,
        creator=lambda: connect(path, raw_key, readonly=readonly),
        # A file database gets a real pool (one connection per checkout, so background
        # threads never share one); the "sqlite://" URL would otherwise pick a singleton pool.
        poolclass=NullPool if readonly else QueuePool,
    )

    # The driver's own transaction handling is off (isolation_level=None); SQLAlchemy
    # begins every transaction itself so that reads and writes of one action are atomic.
    @event.listens_for(engine, "checkout")
    def _index_by_default(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        dbapi_conn.execute("SELECT ld_set_indexing(1)")

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def mark_new_database(conn: Any) -> None:
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {STORE_FORMAT}")
