"""The evidence vault: files kept encrypted in chunks (AES-256-GCM) under random names.

An object is one file in ``vault/``, named by 128 random bits (a name derived from the
content would let anyone holding a document confirm that the lawyer has it); its format is
described in ``vault_format``: every chunk is authenticated with its place in the file and
in the vault, so an altered, moved or missing chunk is found and named.

Writing streams: the plaintext is read, hashed (SHA-256) and encrypted in one pass into
``NAME.partial``, which is fsynced and renamed, and the folder fsynced; only then does the
caller commit the database row that points at the object. A crash leaves at worst a
``.partial`` file or an object without a row: both are reported (``scan``), never deleted
silently. Memory stays flat for any size: a few chunk buffers, reused.

Chunks are counted from 1 in every message and report ("chunk 3 of 5").
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lawyer_desk.core.errors import InvalidInput, LawyerDeskError
from lawyer_desk.core.store.fileio import fsync_dir
from lawyer_desk.core.vault_format import (
    CHUNK_SIZE,
    FORMAT_VERSION,
    HEADER,
    HEADER_SIZE,
    MAGIC,
    MAX_CHUNK,
    MIN_CHUNK,
    TAG,
    BackgroundHash,
    ObjectDamaged,
    ObjectReader,
    aad,
    fill_from,
    nonce,
    object_cipher,
    object_length,
)
from lawyer_desk.core.vocab import VerifiedState as ObjectState

__all__ = ["CHUNK_SIZE", "HEADER_SIZE", "TAG", "Cancelled", "ObjectCheck", "ObjectDamaged", "ObjectReader",
           "ObjectState", "StoredObject", "Vault", "VaultError", "VaultListing", "object_length"]

_NAME = re.compile(r"^[0-9a-f]{32}$")
PARTIAL = ".partial"

Progress = Callable[[int, int], None]  # (bytes done, bytes in all; 0 when unknown)
Cancel = Callable[[], bool]  # True to stop; it may also raise its own exception to stop


class Cancelled(LawyerDeskError):
    """The person stopped the work; nothing of it was kept."""

    exit_code = 130


class VaultError(LawyerDeskError):
    """The vault folder could not be written or read (disk full, permissions)."""


@dataclass(frozen=True)
class StoredObject:
    """What a write produced: the object's name, the plaintext size and its SHA-256 (hex)."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ObjectCheck:
    """The outcome of checking one object against its recorded size and SHA-256."""

    name: str
    state: ObjectState
    detail: str = ""
    chunk: int | None = None  # the failing chunk, counted from 1

    @property
    def intact(self) -> bool:
        return self.state is ObjectState.intact


@dataclass(frozen=True)
class VaultListing:
    """The files of the vault folder: objects, unfinished writes and anything else."""

    objects: frozenset[str]
    partial: tuple[str, ...]
    strays: tuple[str, ...]


def _stop_if(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise Cancelled("Cancelled; nothing was kept.")


class _SourceError(Exception):
    """Reading the plaintext failed (as opposed to writing the vault)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error)
        self.error = error


class Vault:
    """The ``vault/`` folder of one store, with the key that opens its objects."""

    def __init__(self, folder: Path, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the vault key must be 32 bytes")
        self.folder = Path(folder)
        self._key = key

    @classmethod
    def of(cls, store: object) -> Vault:
        """The vault of an open ``Store``."""
        return cls(store.paths.vault, store.key_for("vault"))  # type: ignore[attr-defined]

    def path(self, name: str) -> Path:
        if not _NAME.match(name):
            raise ValueError("not a vault object name")
        return self.folder / name

    def _cipher(self, file_id: bytes) -> AESGCM:
        return object_cipher(self._key, file_id)

    # -- writing --------------------------------------------------------------------------
    def write(self, source: BinaryIO, *, total: int = 0, progress: Progress | None = None,
              cancel: Cancel | None = None, chunk_size: int = CHUNK_SIZE) -> StoredObject:
        """Encrypt everything ``source`` yields into a new object; returns its name, size, hash.

        On any failure or cancellation the unfinished file is removed and nothing is left.
        Errors of the source come out as ``InvalidInput``, of the vault folder as ``VaultError``.
        """
        if not MIN_CHUNK <= chunk_size <= MAX_CHUNK:
            raise ValueError("chunk size out of range")
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise VaultError(f"The vault folder cannot be created: {exc.strerror}.") from None
        name = secrets.token_hex(16)
        file_id = secrets.token_bytes(16)
        header = HEADER.pack(MAGIC, FORMAT_VERSION, 0, file_id, chunk_size)
        cipher = self._cipher(file_id)
        partial = self.folder / (name + PARTIAL)
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        except OSError as exc:
            raise VaultError(f"The vault folder cannot be written: {exc.strerror}; nothing was stored.") from None
        try:
            try:
                _write_all(fd, header)
                with BackgroundHash() as digest:
                    size = self._encrypt_stream(source, fd, cipher, header, digest, chunk_size, total, progress,
                                                cancel)
                    sha256 = digest.hexdigest()
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(partial, self.folder / name)
            fsync_dir(self.folder)
        except _SourceError as exc:
            partial.unlink(missing_ok=True)
            raise InvalidInput(f"The file could not be read ({exc.error.strerror or exc.error}); "
                               "nothing was stored.") from None
        except OSError as exc:
            partial.unlink(missing_ok=True)
            reason = "the disk is full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else exc.strerror
            raise VaultError(f"The vault could not be written ({reason}); nothing was stored.") from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return StoredObject(name, size, sha256)

    def _encrypt_stream(self, source: BinaryIO, fd: int, cipher: AESGCM, header: bytes, digest: BackgroundHash,
                        chunk_size: int, total: int, progress: Progress | None, cancel: Cancel | None) -> int:
        # Two plaintext buffers: a chunk is known to be the last only once the next read is empty.
        current, ahead = memoryview(bytearray(chunk_size)), memoryview(bytearray(chunk_size))
        sealed = memoryview(bytearray(chunk_size + TAG))
        read = source.readinto  # type: ignore[attr-defined]

        def fill(view: memoryview) -> int:
            try:
                return fill_from(read, view)
            except OSError as exc:
                raise _SourceError(exc) from None

        have = fill(current)
        index = done = 0
        while True:
            _stop_if(cancel)
            plain = current[:have]
            digest.update(plain)  # on the other thread, while this one reads ahead, encrypts and writes
            following = fill(ahead) if have == chunk_size else 0
            last = following == 0
            cipher.encrypt_into(nonce(index, last), plain, aad(header, index, last), sealed[:have + TAG])
            _write_all(fd, sealed[:have + TAG])
            digest.wait()  # ``current`` is refilled next
            done += have
            if progress is not None:
                progress(done, total)
            if last:
                return done
            current, ahead, have = ahead, current, following
            index += 1

    def write_file(self, path: Path, *, progress: Progress | None = None, cancel: Cancel | None = None,
                   chunk_size: int = CHUNK_SIZE) -> StoredObject:
        """Store a file from disk; refuses folders and special files, and a file that changes
        or vanishes while it is read."""
        path = Path(path)
        source, before = open_regular_file(path)
        with source:
            stored = self.write(source, total=before.st_size, progress=progress, cancel=cancel,
                                chunk_size=chunk_size)
            try:
                after, now = os.fstat(source.fileno()), os.stat(path)
            except OSError:
                after = now = None
        changed = (after is None or now is None or stored.size != before.st_size
                   or (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns)
                   or (now.st_ino, now.st_dev) != (before.st_ino, before.st_dev))
        if changed:
            self.remove(stored.name)
            what = "vanished" if now is None else "changed"
            raise InvalidInput(f"{path.name}: the file {what} while it was being read; nothing was stored.")
        return stored

    # -- reading --------------------------------------------------------------------------
    def open(self, name: str) -> ObjectReader:
        """A seekable, read-only file object over the plaintext (decrypts chunk by chunk)."""
        try:
            raw = open(self.path(name), "rb", buffering=0)  # noqa: SIM115 (owned by the reader)
        except FileNotFoundError:
            raise ObjectDamaged("missing: the vault object is not there") from None
        except OSError as exc:
            raise VaultError(f"The vault object cannot be read: {exc.strerror}.") from None
        try:
            return ObjectReader(raw, self._cipher)
        except BaseException:
            raw.close()
            raise

    def read(self, name: str, cancel: Cancel | None = None) -> Iterator[bytes]:
        """The plaintext as a stream of chunks; ``ObjectDamaged`` names a chunk that fails."""
        with self.open(name) as reader:
            for index in range(reader.chunks):
                _stop_if(cancel)
                yield bytes(reader.chunk(index))

    def export(self, name: str, target: Path, *, sha256: str, size: int, progress: Progress | None = None,
               cancel: Cancel | None = None) -> None:
        """Write a decrypted copy to ``target`` (temp, fsync, rename), checked against ``sha256``.

        A copy that fails any check is removed; ``target`` is then left as it was.
        """
        target = Path(target)
        partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}{PARTIAL}")
        digest = hashlib.sha256()
        try:
            with open(partial, "xb") as out:
                done = 0
                for piece in self.read(name, cancel):
                    digest.update(piece)
                    out.write(piece)
                    done += len(piece)
                    if progress is not None:
                        progress(done, size)
                out.flush()
                os.fsync(out.fileno())
            if done != size or digest.hexdigest() != sha256:
                raise ObjectDamaged("altered: the content differs from the recorded SHA-256")
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise InvalidInput(f"Cannot write {target}: {exc.strerror}; nothing was exported.") from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        with contextlib.suppress(OSError):
            fsync_dir(target.parent)

    def check(self, name: str, *, sha256: str, size: int, progress: Progress | None = None,
              cancel: Cancel | None = None) -> ObjectCheck:
        """Decrypt the whole object and compare it with the recorded size and SHA-256."""
        path = self.path(name)
        try:
            length = path.stat().st_size
        except FileNotFoundError:
            return ObjectCheck(name, ObjectState.missing, "missing: the vault object is not there")
        except OSError as exc:
            return ObjectCheck(name, ObjectState.missing, f"unreadable: {exc.strerror}")
        done = 0
        try:
            with self.open(name) as reader, BackgroundHash() as digest:
                expected = object_length(size, reader.chunk_size)
                if length != expected:
                    return _wrong_length(name, length, expected, size, reader.chunk_size)
                # Two buffers in turn: one is hashed while the next chunk is decrypted into the other.
                buffers = (memoryview(bytearray(reader.chunk_size)), memoryview(bytearray(reader.chunk_size)))
                for index in range(reader.chunks):
                    _stop_if(cancel)
                    buffer = buffers[index % 2]
                    n = reader.chunk_into(index, buffer)
                    digest.update(buffer[:n])
                    done += n
                    if progress is not None:
                        progress(done, size)
                sha_found = digest.hexdigest()
        except ObjectDamaged as exc:
            return ObjectCheck(name, ObjectState.altered, str(exc), exc.chunk)
        except VaultError as exc:
            return ObjectCheck(name, ObjectState.missing, f"unreadable: {exc}")
        if sha_found != sha256:
            return ObjectCheck(name, ObjectState.altered,
                               "altered: every chunk authenticates but the content differs from the recorded SHA-256")
        return ObjectCheck(name, ObjectState.intact)

    # -- the folder -----------------------------------------------------------------------
    def scan(self) -> VaultListing:
        """Every file in the vault folder, sorted into objects, unfinished writes and strays."""
        objects, partial, strays = set(), [], []
        try:
            entries = sorted(os.scandir(self.folder), key=lambda e: e.name)
        except FileNotFoundError:
            return VaultListing(frozenset(), (), ())
        for entry in entries:
            if _NAME.match(entry.name) and entry.is_file(follow_symlinks=False):
                objects.add(entry.name)
            elif entry.name.endswith(PARTIAL) and _NAME.match(entry.name[: -len(PARTIAL)]):
                partial.append(entry.name)
            else:
                strays.append(entry.name)
        return VaultListing(frozenset(objects), tuple(partial), tuple(strays))

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def remove(self, name: str) -> None:
        """Delete one object (used when its row was not committed, or was deleted)."""
        with contextlib.suppress(FileNotFoundError):
            self.path(name).unlink()
        with contextlib.suppress(OSError):
            fsync_dir(self.folder)


def _wrong_length(name: str, length: int, expected: int, size: int, chunk_size: int) -> ObjectCheck:
    chunks = max(1, -(-size // chunk_size))
    if length < expected:
        stored = max(0, length - HEADER_SIZE)
        broken = min(chunks, stored // (chunk_size + TAG) + 1)
        return ObjectCheck(name, ObjectState.altered,
                           f"altered: truncated, {expected - length} bytes short; chunk {broken} of {chunks} "
                           "is incomplete", broken)
    return ObjectCheck(name, ObjectState.altered,
                       f"altered: {length - expected} unexpected bytes after the last chunk ({chunks})", chunks)


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def open_regular_file(path: Path) -> tuple[BinaryIO, os.stat_result]:
    """Open a file for reading, refusing folders and special files with a clear message."""
    try:
        path.stat()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file.") from None
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror}).") from None
    if path.is_dir():
        raise InvalidInput(f"{path}: is a folder, not a file.")
    if not path.is_file():
        raise InvalidInput(f"{path}: is not a regular file.")
    try:
        source = open(path, "rb", buffering=0)  # noqa: SIM115 (the caller closes it)
    except PermissionError:
        raise InvalidInput(f"{path}: cannot be read (permission denied).") from None
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror}).") from None
    return source, os.fstat(source.fileno())
