"""Opening, creating and closing a store; sessions, one transaction per user action."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlmodel import Session

from lawyer_desk.core import audit
from lawyer_desk.core.errors import (
    DamagedDatabase,
    DamagedHeader,
    NoStore,
    StoreError,
    StoreExists,
    WrongPassphrase,
)
from lawyer_desk.core.paths import StorePaths
from lawyer_desk.core.store import database, migrate, write_ahead_log
from lawyer_desk.core.store.fileio import fsync_dir, write_atomic
from lawyer_desk.core.store.keyheader import (
    KdfParams,
    KeyHeader,
    new_data_key,
    read_headers,
    subkey,
    write_header,
)
from lawyer_desk.core.store.lock import WriterLock


class CaseSession(Session):
    """A session that records every change in the audit chain."""


audit.install(CaseSession)


def unlock(root: Path, passphrase: str) -> tuple[KeyHeader, bytes]:
    """Read the key header and unwrap the data key (the slow, Argon2id step)."""
    return next(_unlocked(root, passphrase))


def _unlocked(root: Path, passphrase: str) -> Iterator[tuple[KeyHeader, bytes]]:
    """Each copy of the header that the passphrase unwraps, primary first (``WrongPassphrase`` if none).

    Lazy: a second copy costs a second Argon2id derivation only if the first one's key does
    not open the database (a copy taken from another store sealed with the same passphrase).
    """
    paths = StorePaths(Path(root))
    if not paths.keyheader.exists() and not paths.keyheader_spare.exists():
        if paths.database.exists():
            raise database.DamagedDatabase("The key header of this store is missing; "
                                           "without it the database cannot be decrypted.")
        raise NoStore(f"There is no store in {paths.root}. Create one with 'lawyer-desk init'.")
    headers = read_headers(paths.keyheader, paths.keyheader_spare)
    unwrapped = False
    for header in headers[:-1]:
        with contextlib.suppress(StoreError):
            key = header.unwrap(passphrase)
            unwrapped = True
            yield header, key
    try:
        yield headers[-1], headers[-1].unwrap(passphrase)
    except WrongPassphrase:
        if not unwrapped:
            raise


# Keys other parts of the program derive from the data key, each for one purpose only:
# ``vault`` encrypts evidence files, ``calendar`` makes stable, non-revealing calendar UIDs,
# ``backup`` seals the manifest of a backup file.
KEY_PURPOSES = ("vault", "calendar", "backup")


class Store:
    """An unlocked store. Use ``Store.open`` or ``Store.create``; close when done."""

    def __init__(self, paths: StorePaths, header: KeyHeader, data_key: bytes, *, write: bool,
                 held_lock: WriterLock | None = None) -> None:
        self.paths = paths
        self.header = header
        self.writable = write
        self._audit_key = subkey(data_key, "audit")
        self._db_key = subkey(data_key, "database")
        self._keys = {purpose: subkey(data_key, purpose) for purpose in KEY_PURPOSES}
        self._data_key = data_key  # only to open copies of this store (backups being checked)
        self._lock = held_lock or WriterLock(paths.lock)
        self.engine: Engine | None = None
        if write and not self._lock.held:
            self._lock.acquire()
        try:
            self._start()
        except BaseException:
            self._lock.release()
            raise
        if write:
            self._repair_header()

    # -- opening ------------------------------------------------------------------------
    @classmethod
    def open(cls, root: Path, passphrase: str, *, write: bool = True) -> Store:
        first_error: DamagedDatabase | None = None
        for header, data_key in _unlocked(root, passphrase):
            try:
                return cls(StorePaths(Path(root)), header, data_key, write=write)
            except DamagedDatabase as exc:  # perhaps the other copy of the header holds the right key
                first_error = first_error or exc
        assert first_error is not None
        raise first_error

    @classmethod
    def open_with_key(cls, root: Path, header: KeyHeader, data_key: bytes, *, write: bool = True) -> Store:
        return cls(StorePaths(Path(root)), header, data_key, write=write)

    @classmethod
    def create(cls, root: Path, passphrase: str, kdf: KdfParams | None = None) -> Store:
        """Make a new store in ``root`` (which may exist but must hold no store)."""
        paths = StorePaths(Path(root))
        for existing in (paths.keyheader, paths.keyheader_spare, paths.database):
            if existing.exists():
                raise StoreExists(f"{paths.root} already holds a store; nothing was changed.")
        if not passphrase:
            raise StoreError("The passphrase must not be empty.")
        created_dir = not paths.root.exists()
        try:
            paths.root.mkdir(parents=True, exist_ok=True)
            if created_dir and os.name == "posix":
                paths.root.chmod(0o700)  # other local users may not even list the files
        except OSError as exc:
            raise StoreError(f"Cannot create the store folder {paths.root}: {exc.strerror}.") from None
        lock = WriterLock(paths.lock)
        try:
            lock.acquire()
        except StoreError:
            if created_dir:
                shutil.rmtree(paths.root, ignore_errors=True)
            raise
        data_key = new_data_key()
        header = KeyHeader.seal(data_key, passphrase, kdf or KdfParams.calibrated())
        try:
            conn = database.connect(paths.database, subkey(data_key, "database"), create=True)
            try:
                database.mark_new_database(conn)
            finally:
                conn.close()
            write_header(header, paths.keyheader, paths.keyheader_spare)
            return cls(paths, header, data_key, write=True, held_lock=lock)
        except BaseException:
            for made in (paths.keyheader, paths.keyheader_spare, paths.database,
                         paths.database.with_name("case.db-wal"), paths.database.with_name("case.db-shm")):
                made.unlink(missing_ok=True)
            lock.release()
            if created_dir:
                shutil.rmtree(paths.root, ignore_errors=True)
            raise

    def _start(self) -> None:
        # SQLite would silently drop committed changes after a damaged frame of the log.
        damaged_log = write_ahead_log.problems(self.paths.database)
        if damaged_log:
            raise DamagedDatabase(f"The case database's write-ahead log is damaged ({damaged_log[0]}). Nothing was "
                                  "changed; restore from a backup ('lawyer-desk restore --latest' keeps the damaged "
                                  "files in quarantine/).")
        self.engine = database.make_engine(self.paths.database, self._db_key, readonly=not self.writable)
        try:
            with self.engine.connect() as conn:
                due = migrate.check_known(conn)
            if due:
                if not self.writable:
                    raise StoreError("This store needs an upgrade; run any command that writes "
                                     "(or the program) while no other window has it open.")
                self._migrate()
        except SADatabaseError as exc:
            self.engine.dispose()
            raise database.unusable(exc.orig) from None
        except BaseException:
            self.engine.dispose()
            raise

    def _repair_header(self) -> None:
        """Rewrite a damaged or missing copy of the key header from the one that opened the store.

        Runs under the writer lock, after the database opened with the key. A copy that reads
        but differs is left alone (it may hold a passphrase change), except that the spare is
        brought in line with a primary that unlocked (the primary is always written first).
        """
        good = self.header.to_bytes()
        primary, spare = self.paths.keyheader, self.paths.keyheader_spare

        def readable(path: Path) -> KeyHeader | None:
            try:
                return KeyHeader.from_bytes(path.read_bytes(), path.name)
            except (OSError, DamagedHeader):
                return None

        try:
            on_primary = readable(primary)
            if on_primary is None or on_primary.store_id != self.header.store_id:  # another store's is junk here
                write_atomic(primary, good)
                on_primary = self.header
            if on_primary == self.header and readable(spare) != self.header:
                write_atomic(spare, good)
        except (OSError, StoreError):
            pass  # a newer or unwritable copy is left alone; the good copy still opens the store

    def _migrate(self) -> None:
        assert self.engine is not None
        with self.engine.connect() as conn:
            current = migrate.current_revision(conn)
            if current is not None:
                self._copy_before_migration(conn, current)
            migrate.upgrade(conn)
            conn.commit()

    def _copy_before_migration(self, conn: Any, revision: str) -> None:
        folder = self.paths.premigration
        folder.mkdir(exist_ok=True)
        for leftover in folder.glob(".case-*.tmp*"):  # of a copy killed half-way; we hold the lock
            leftover.unlink(missing_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        self._copy_database_to(conn.connection.dbapi_connection, folder / f"case-{revision}-{stamp}.db")

    def _copy_database_to(self, source: Any, target: Path) -> None:
        """Copy with the SQLite backup API (one consistent snapshot) into a temporary file
        that is synced and renamed to ``target``: a crash never leaves a partial copy under
        the final name."""
        temp = target.with_name(f".{target.name}.tmp")
        for leftover in (temp, temp.with_name(temp.name + "-wal"), temp.with_name(temp.name + "-shm")):
            leftover.unlink(missing_ok=True)
        try:
            copy = database.connect(temp, self._db_key, create=True)
            try:
                source.backup(copy)
                copy.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            finally:
                copy.close()
            with open(temp, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(temp, target)
        except BaseException:
            for leftover in (temp, temp.with_name(temp.name + "-wal"), temp.with_name(temp.name + "-shm")):
                leftover.unlink(missing_ok=True)
            raise
        fsync_dir(target.parent)

    # -- working ------------------------------------------------------------------------
    @contextlib.contextmanager
    def session(self) -> Iterator[CaseSession]:
        """One user action: commits at the end, rolls back everything on any error."""
        if self.engine is None:
            raise StoreError("The store is closed.")
        session = CaseSession(self.engine, expire_on_commit=False)
        if self.writable:
            session.info[audit.SESSION_KEY] = self._audit_key
        try:
            yield session
            if self.writable:
                session.commit()
            else:
                unsaved = session.new or session.deleted or any(session.is_modified(o) for o in session.dirty)
                session.rollback()
                if unsaved:
                    raise StoreError("The store is open read-only; the change was not saved.")
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def audit_report(self) -> audit.ChainReport:
        with self.session() as session:
            return audit.verify(session, self._audit_key)

    def integrity_problems(self) -> list[str]:
        """SQLCipher page HMACs, SQLite structure and the search index; empty when sound."""
        problems: list[str] = []
        if self.engine is None:
            raise StoreError("The store is closed.")
        with self.engine.connect() as conn:
            # A damaged page makes the checks raise rather than report: each is caught, so
            # the answer is always a list.
            try:
                for row in conn.exec_driver_sql("PRAGMA cipher_integrity_check"):
                    problems.append(f"encryption: {row[0]}")
            except SADatabaseError as exc:
                problems.append(f"encryption: {exc.orig}")
            try:
                for row in conn.exec_driver_sql("PRAGMA integrity_check"):
                    if row[0] != "ok":
                        problems.append(f"database: {row[0]}")
            except SADatabaseError as exc:
                problems.append(f"database: {exc.orig}")
            conn.rollback()
            # The FTS5 check is an INSERT: refused on a read-only connection, and after a
            # decryption error it would only repeat that error.
            if self.writable and not problems:
                try:
                    conn.execute(text("INSERT INTO search_index(search_index, rank) VALUES ('integrity-check', 1)"))
                except SADatabaseError as exc:
                    problems.append(f"search index: {exc.orig}")
                finally:
                    conn.rollback()
            if problems:
                # SQLCipher keeps a page's decryption error on the connection; do not reuse it.
                conn.invalidate()
        return problems

    def copy_database(self, target: Path) -> None:
        """A consistent, encrypted copy of the database in ``target`` (SQLite backup API)."""
        if self.engine is None:
            raise StoreError("The store is closed.")
        with self.engine.connect() as conn:
            self._copy_database_to(conn.connection.dbapi_connection, Path(target))
            conn.rollback()

    def open_copy(self, root: Path, *, write: bool = False) -> Store:
        """Open a copy of this store kept in another folder (a backup being checked or
        restored) with this store's keys; the copy must hold ``case.db``."""
        if not self._data_key:
            raise StoreError("The store is closed.")
        return Store(StorePaths(Path(root)), self.header, self._data_key, write=write)

    def key_for(self, purpose: str) -> bytes:
        """The 256-bit key for one of ``KEY_PURPOSES`` (KeyError for any other)."""
        return self._keys[purpose]

    def close(self) -> None:
        self._keys.clear()
        self._data_key = b""
        if self.engine is not None:
            if self.writable:
                with contextlib.suppress(SADatabaseError), self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            self.engine.dispose()
            self.engine = None
        self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
