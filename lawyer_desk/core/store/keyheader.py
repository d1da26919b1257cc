"""The key header: the passphrase protects a random data key, and only that.

The header is a small JSON document holding the Argon2id parameters and salt, and the
256-bit data key wrapped with AES-256-GCM under the key derived from the passphrase. A
SHA-256 checksum over the header tells a *damaged* header (checksum fails) from a *wrong
passphrase* (checksum holds, unwrap fails), so the two are never confused. Changing the
passphrase rewraps the data key; the database is never re-encrypted.

Two copies are kept (``keyheader`` and ``keyheader.spare``), each written atomically.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lawyer_desk.core.errors import DamagedHeader, NewerStore, WrongPassphrase
from lawyer_desk.core.store.fileio import write_atomic

HEADER_FORMAT = "lawyer-desk/keyheader"
HEADER_VERSION = 1
KEY_BYTES = 32
SALT_BYTES = 16
MAX_HEADER_BYTES = 64 * 1024
# Bounds on what a header may ask of Argon2id. Calibration picks at most 64 passes over
# 128 MiB with 2 lanes; a header asking for far more was not written by this program.
MIN_SALT_BYTES, MAX_SALT_BYTES = 8, 64
MAX_TIME_COST, MAX_MEMORY_KIB, MAX_PARALLELISM = 256, 4 * 1024 * 1024, 64


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters; they travel in the header, never in a global setting."""

    time_cost: int = 3
    memory_cost_kib: int = 128 * 1024
    parallelism: int = 2

    @classmethod
    def cheap(cls) -> KdfParams:
        """Fast parameters for tests and benchmarks that create many stores."""
        return cls(time_cost=1, memory_cost_kib=8 * 1024, parallelism=1)

    @classmethod
    def calibrated(cls, target_s: float = 0.7, memory_cost_kib: int = 128 * 1024) -> KdfParams:
        """Pick the time cost that makes one derivation take about ``target_s`` here.

        A derivation costs a fixed part (allocating and filling the memory) plus one part per
        pass, so two probes (1 and 3 passes) measure both; a single probe would count the
        fixed part as a pass and pick a time cost well below the target.
        """

        def probe(time_cost: int) -> float:
            started = time.perf_counter()
            derive_kek("calibration", secrets.token_bytes(SALT_BYTES), cls(time_cost, memory_cost_kib, 2))
            return time.perf_counter() - started

        one, three = probe(1), probe(3)
        per_pass = max((three - one) / 2, three / 6, 1e-3)
        fixed = max(one - per_pass, 0.0)
        return cls(max(1, min(64, round((target_s - fixed) / per_pass))), memory_cost_kib, 2)


def derive_kek(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def subkey(data_key: bytes, purpose: str) -> bytes:
    """A key for one purpose (database, audit chain, vault), derived from the data key."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=f"lawyer-desk/{purpose}".encode()).derive(data_key)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


@dataclass(frozen=True)
class KeyHeader:
    store_id: str
    created: str
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped_key: bytes

    # -- building -----------------------------------------------------------------------
    @classmethod
    def seal(cls, data_key: bytes, passphrase: str, params: KdfParams,
             store_id: str | None = None, created: str | None = None) -> KeyHeader:
        salt = secrets.token_bytes(SALT_BYTES)
        nonce = secrets.token_bytes(12)
        store_id = store_id or uuid.uuid4().hex
        created = created or datetime.now(UTC).isoformat(timespec="seconds")
        draft = cls(store_id, created, params, salt, nonce, b"")
        kek = derive_kek(passphrase, salt, params)
        wrapped = AESGCM(kek).encrypt(nonce, data_key, draft._aad())
        return cls(store_id, created, params, salt, nonce, wrapped)

    def unwrap(self, passphrase: str) -> bytes:
        kek = derive_kek(passphrase, self.salt, self.kdf)
        try:
            return AESGCM(kek).decrypt(self.nonce, self.wrapped_key, self._aad())
        except InvalidTag:
            raise WrongPassphrase("The passphrase is wrong.") from None

    def rewrap(self, data_key: bytes, new_passphrase: str, params: KdfParams | None = None) -> KeyHeader:
        return KeyHeader.seal(data_key, new_passphrase, params or self.kdf, self.store_id, self.created)

    # -- serialising --------------------------------------------------------------------
    def _body(self) -> dict[str, Any]:
        return {
            "format": HEADER_FORMAT,
            "version": HEADER_VERSION,
            "store_id": self.store_id,
            "created": self.created,
            "kdf": {
                "name": "argon2id",
                "time_cost": self.kdf.time_cost,
                "memory_cost_kib": self.kdf.memory_cost_kib,
                "parallelism": self.kdf.parallelism,
                "salt": _b64(self.salt),
            },
            "wrap": {"alg": "AES-256-GCM", "nonce": _b64(self.nonce), "ciphertext": _b64(self.wrapped_key)},
        }

    def _aad(self) -> bytes:
        body = self._body()
        del body["wrap"]
        return _canonical(body)

    def to_bytes(self) -> bytes:
        body = self._body()
        body["checksum"] = hashlib.sha256(_canonical(body)).hexdigest()
        return (json.dumps(body, indent=2) + "\n").encode("ascii")

    @classmethod
    def from_bytes(cls, raw: bytes, name: str = "keyheader") -> KeyHeader:
        damaged = DamagedHeader(f"The key header ({name}) is damaged and cannot be read.")
        if len(raw) > MAX_HEADER_BYTES:
            raise damaged
        try:
            body = json.loads(raw.decode("ascii"))
            if not isinstance(body, dict):
                raise ValueError
            checksum = body.pop("checksum")
            if hashlib.sha256(_canonical(body)).hexdigest() != checksum:
                raise ValueError
        except (ValueError, KeyError, UnicodeDecodeError, RecursionError):
            raise damaged from None
        if body.get("format") != HEADER_FORMAT:
            raise damaged
        version = body.get("version")
        if not isinstance(version, int):
            raise damaged
        if version > HEADER_VERSION:
            raise NewerStore("This store was created by a newer version of lawyer_desk; "
                             "update the program to open it.")
        try:
            kdf = body["kdf"]
            if kdf["name"] != "argon2id":
                raise ValueError
            params = KdfParams(int(kdf["time_cost"]), int(kdf["memory_cost_kib"]), int(kdf["parallelism"]))
            wrap = body["wrap"]
            header = cls(str(body["store_id"]), str(body["created"]), params, _unb64(kdf["salt"]),
                         _unb64(wrap["nonce"]), _unb64(wrap["ciphertext"]))
        except (KeyError, TypeError, ValueError):
            raise damaged from None
        if len(header.nonce) != 12 or len(header.wrapped_key) != KEY_BYTES + 16:
            raise damaged
        if not MIN_SALT_BYTES <= len(header.salt) <= MAX_SALT_BYTES:
            raise damaged  # Argon2 refuses a salt under 8 bytes
        if params.time_cost < 1 or params.parallelism < 1 or params.memory_cost_kib < 8 * params.parallelism:
            raise damaged  # Argon2 would refuse these with an error of its own
        if (params.time_cost > MAX_TIME_COST or params.memory_cost_kib > MAX_MEMORY_KIB
                or params.parallelism > MAX_PARALLELISM):
            raise damaged  # far beyond anything calibrated: it would hang the program or exhaust memory
        return header


def write_header(header: KeyHeader, primary: Path, spare: Path) -> None:
    """Write both copies; the primary first, so a crash between leaves one good copy."""
    data = header.to_bytes()
    write_atomic(primary, data)
    write_atomic(spare, data)


def read_headers(primary: Path, spare: Path) -> list[KeyHeader]:
    """The readable copies of the header, primary first. Raises when none can be read."""
    found: list[KeyHeader] = []
    first_error: Exception | None = None
    for path in (primary, spare):
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            continue
        except OSError as exc:
            first_error = first_error or DamagedHeader(f"The key header ({path.name}) cannot be read: {exc.strerror}.")
            continue
        try:
            header = KeyHeader.from_bytes(raw, path.name)
        except DamagedHeader as exc:
            first_error = first_error or exc
            continue
        if header not in found:
            found.append(header)
    if not found:
        if first_error:
            raise first_error
        raise DamagedHeader("The key header of this store is missing.")
    return found


def new_data_key() -> bytes:
    return os.urandom(KEY_BYTES)
