"""The format of a vault object, and reading one back a chunk at a time.

::

    header   magic "LDVAULT\\0" · format version (u16) · reserved (u16) · file id (16 random
             bytes) · chunk size (u32)                                           32 bytes
    chunk i  AES-256-GCM ciphertext of plaintext bytes [i·size, (i+1)·size) and its 16-byte tag

Every chunk but the last holds exactly ``chunk size`` bytes of plaintext; the last holds
0…chunk size (an empty file is one empty last chunk). Each object has its own key,
HKDF-SHA256 of the vault key salted with the file id. A chunk's nonce is its index and a
last-chunk flag, and its associated data is the whole header plus the same index and flag, so
a chunk that is altered, moved to another place in the file or to another file, or a file
cut short after any chunk, fails authentication — and the error names the chunk (from 1).
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lawyer_desk.core.errors import LawyerDeskError

MAGIC = b"LDVAULT\x00"
FORMAT_VERSION = 1
CHUNK_SIZE = 1 << 20  # 1 MiB
MIN_CHUNK, MAX_CHUNK = 1 << 12, 1 << 26
TAG = 16
HEADER = struct.Struct(">8sHH16sI")
HEADER_SIZE = HEADER.size  # 32
_KEY_INFO = b"lawyer_desk vault object key v1"


class ObjectDamaged(LawyerDeskError):
    """A vault object failed its check; ``chunk`` (from 1) names the chunk when one is to blame."""

    def __init__(self, message: str, chunk: int | None = None) -> None:
        super().__init__(message)
        self.chunk = chunk


def object_cipher(vault_key: bytes, file_id: bytes) -> AESGCM:
    """The AES-256-GCM key of one object: HKDF-SHA256 of the vault key, salted with its file id."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=file_id, info=_KEY_INFO)
    return AESGCM(hkdf.derive(vault_key))


def object_length(size: int, chunk_size: int = CHUNK_SIZE) -> int:
    """The length on disk of an object holding ``size`` bytes of plaintext."""
    chunks = max(1, -(-size // chunk_size))
    return HEADER_SIZE + size + chunks * TAG


def nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def aad(header: bytes, index: int, last: bool) -> bytes:
    return header + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def fill_from(read: Callable[[memoryview], int | None], view: memoryview) -> int:
    """Read until ``view`` is full or the source ends (a pipe may return short reads)."""
    got = 0
    while got < len(view):
        n = read(view[got:])
        if not n:
            break
        got += n
    return got


class BackgroundHash:
    """SHA-256 on a second thread while this one encrypts (or decrypts) and writes.

    hashlib lets go of the interpreter lock for large buffers, the cipher does not: a chunk
    then costs the longer of the two rather than their sum. ``update`` waits for the chunk
    before, so a buffer is never refilled while it is being hashed if the caller alternates two.
    """

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vault-sha256")
        self._pending: Future[None] | None = None

    def update(self, data: memoryview) -> None:
        self.wait()
        self._pending = self._pool.submit(self.digest.update, data)

    def wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def hexdigest(self) -> str:
        self.wait()
        return self.digest.hexdigest()

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def __enter__(self) -> BackgroundHash:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ObjectReader(io.RawIOBase):
    """Random access to the plaintext of one object, one authenticated chunk at a time.

    pypdf and python-docx need to seek; this gives them the file without ever writing the
    plaintext anywhere. One decrypted chunk is cached.
    """

    def __init__(self, raw: io.FileIO, cipher_for: Callable[[bytes], AESGCM]) -> None:
        super().__init__()
        self._raw = raw
        header = raw.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE:
            raise ObjectDamaged("altered: truncated inside the header", 1)
        magic, version, _reserved, file_id, chunk_size = HEADER.unpack(header)
        if magic != MAGIC:
            raise ObjectDamaged("altered: the header is not that of a vault object", 1)
        if version != FORMAT_VERSION:
            raise ObjectDamaged(f"altered or newer: unknown vault format version {version}", 1)
        if not MIN_CHUNK <= chunk_size <= MAX_CHUNK:
            raise ObjectDamaged("altered: the header gives an impossible chunk size", 1)
        self._header, self.chunk_size = header, chunk_size
        self._cipher = cipher_for(file_id)
        body = os.fstat(raw.fileno()).st_size - HEADER_SIZE
        self.chunks = max(1, -(-body // (chunk_size + TAG)))
        last_stored = body - (self.chunks - 1) * (chunk_size + TAG)
        self.size = max(0, (self.chunks - 1) * chunk_size + last_stored - TAG)
        self._sealed = memoryview(bytearray(chunk_size + TAG))
        self._cache = memoryview(bytearray(chunk_size))
        self._cached: int | None = None
        self._cached_len = 0
        self._pos = 0

    def chunk_into(self, index: int, out: memoryview) -> int:
        """Decrypt chunk ``index`` (from 0) into ``out``; returns its plaintext length."""
        last = index == self.chunks - 1
        self._raw.seek(HEADER_SIZE + index * (self.chunk_size + TAG))
        stored = fill_from(self._raw.readinto, self._sealed)
        if stored < TAG or (not last and stored < self.chunk_size + TAG):
            raise ObjectDamaged(f"altered: chunk {index + 1} of {self.chunks} is incomplete (truncated)", index + 1)
        n = stored - TAG
        try:
            self._cipher.decrypt_into(nonce(index, last), self._sealed[:stored], aad(self._header, index, last),
                                      out[:n])
        except InvalidTag:
            raise ObjectDamaged(f"altered: chunk {index + 1} of {self.chunks} failed authentication",
                                index + 1) from None
        return n

    def chunk(self, index: int) -> memoryview:
        if self._cached != index:
            self._cached = None
            self._cached_len = self.chunk_into(index, self._cache)
            self._cached = index
        return self._cache[:self._cached_len]

    # io.RawIOBase
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._pos >= self.size:
            return 0
        index, offset = divmod(self._pos, self.chunk_size)
        piece = self.chunk(index)[offset:offset + len(buffer)]
        n = len(piece)
        memoryview(buffer).cast("B")[:n] = piece
        self._pos += n
        return n

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()
