"""The backup file: an uncompressed tar, its members, its sealed manifest, and reading it safely.

Members, in this order:

``backup.json``
    plain: format, version, creation time (UTC), store id, program version — enough to list
    backups without the passphrase, nothing about any client.
``keyheader``
    the key header that opened the store when the backup was made: the passphrase of that
    moment opens the backup (a later passphrase change does not reach into old backups).
``case.db``
    a copy of the database made with the SQLite backup API, encrypted as the store is.
``vault/…``
    the evidence objects as they lie on disk (already encrypted by the vault).
``manifest.json``
    each member above with its size and SHA-256, and a summary (schema revision, cases,
    audit entries and head, evidence objects) sealed with AES-256-GCM under the store's
    ``backup`` key; the seal's associated data is the rest of the manifest, so whoever lacks
    the key can neither read the summary nor alter the list of members unnoticed.

Nothing in the file is client data in plaintext. Reading takes nothing on trust: only
regular files with expected names (no ``..``, no links), sizes and names must match the
manifest, every byte is hashed; whatever is wrong becomes one ``DamagedBackup`` naming it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import secrets
import tarfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lawyer_desk.core.errors import StoreError
from lawyer_desk.core.store.progress import Progress

SUFFIX = ".ldbackup"
FORMAT = "lawyer-desk/backup"
VERSION = 1
INFO, HEADER, DATABASE, MANIFEST, VAULT = "backup.json", "keyheader", "case.db", "manifest.json", "vault"
INFO, HEADER, DATABASE, MANIFEST, VAULT = "backup.json", "keyheader", "case.db", "manifest.json", "vault"
CHUNK = 1024 * 1024
MAX_SMALL_MEMBER = 1024 * 1024  # backup.json, keyheader and manifest.json are a few kilobytes...
MAX_MANIFEST = 256 * 1024 * 1024  # ...the manifest grows by ~150 bytes per evidence object
_VAULT_NAME = re.compile(r"^[A-Za-z0-9._-]{1,200}$")


class DamagedBackup(StoreError):
    """A backup file that is not whole, not a backup, or does not match its own manifest."""

    exit_code = 6


@dataclass(frozen=True)
class Summary:
    """What the backup holds, sealed inside it and compared after every unpacking."""

    schema: str | None
    cases: int
    audit_entries: int
    audit_head: str
    vault_objects: int
    vault_bytes: int


@dataclass(frozen=True)
class BackupInfo:
    """A backup file as it can be listed without the passphrase."""

    path: Path
    created: datetime
    store_id: str
    size: int


def is_temporary(name: str) -> bool:
    """Names of files that are being written (by us, the vault or another program): never backed up."""
    return name.startswith(".") or name.endswith((".tmp", ".part", ".partial", "-journal"))


def vault_files(vault: Path) -> Iterator[tuple[str, Path, int]]:
    """(member name, path, size) of every evidence object, in a stable order."""
    if not vault.is_dir():
        return
    for path in sorted(vault.rglob("*")):
        relative = path.relative_to(vault)
        if any(is_temporary(part) for part in relative.parts) or not path.is_file() or path.is_symlink():
            continue
        yield f"{VAULT}/{relative.as_posix()}", path, path.stat().st_size


class Meter:
    """Progress in bytes over the whole backup, with a cancel check every chunk."""

    def __init__(self, progress: Progress, total: int) -> None:
        self.progress, self.total, self.done, self.label = progress, total, 0, "Copying"

    def add(self, count: int) -> None:
        self.done += count
        self.progress.report(min(self.done, self.total), self.total, self.label)
        self.progress.check()


class _HashingReader(io.RawIOBase):
    """Hands a file's bytes to tarfile while hashing them and counting progress."""

    def __init__(self, source: IO[bytes], meter: Meter) -> None:
        self.source, self.meter, self.hash, self.count = source, meter, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.hash.update(data)
        self.count += len(data)
        self.meter.add(len(data))
        return data


def _tarinfo(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    member = tarfile.TarInfo(name)
    member.size, member.mode, member.mtime = size, 0o600, int(mtime)
    return member



def pack(raw: IO[bytes], info: dict[str, Any], header: bytes, database_copy: Path,
          objects: list[tuple[str, Path, int]], meter: Meter, summary: Summary, key: bytes) -> dict[str, Any]:
    """Write every member, the sealed manifest last; returns the manifest."""
    files: list[dict[str, Any]] = []
    now = datetime.now(UTC).timestamp()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT, copybufsize=CHUNK) as tar:
        for name, data in ((INFO, _json_bytes(info)), (HEADER, header)):
            tar.addfile(_tarinfo(name, len(data), now), io.BytesIO(data))
            files.append({"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        entries = [(DATABASE, database_copy, database_copy.stat().st_size), *objects]
        for index, (name, path, size) in enumerate(entries):
            meter.label = "Copying the database" if index == 0 else "Copying evidence"
            with open(path, "rb") as source:
                reader = _HashingReader(source, meter)
                tar.addfile(_tarinfo(name, size, path.stat().st_mtime), reader)  # type: ignore[arg-type]
            if reader.count != size or os.stat(path).st_size != size:
                raise StoreError(f"An evidence file changed while it was being backed up ({name}); "
                                 "no backup was made. Try again.")
            files.append({"name": name, "size": size, "sha256": reader.hash.hexdigest()})
        manifest = _seal({"format": f"{FORMAT}-manifest", "version": VERSION, "store_id": info["store_id"],
                          "created": info["created"], "files": files}, summary, key)
        data = _json_bytes(manifest)
        tar.addfile(_tarinfo(MANIFEST, len(data), now), io.BytesIO(data))
    return manifest


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, indent=1, sort_keys=True) + "\n").encode("ascii")


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _seal(manifest: dict[str, Any], summary: Summary, key: bytes) -> dict[str, Any]:
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, _canonical(asdict(summary)), _canonical(manifest))
    return {**manifest, "sealed": {"alg": "AES-256-GCM", "nonce": base64.b64encode(nonce).decode(),
                                   "ciphertext": base64.b64encode(sealed).decode()}}


def unseal(manifest: dict[str, Any], key: bytes, source: Path) -> Summary:
    body = {k: v for k, v in manifest.items() if k != "sealed"}
    try:
        sealed = manifest["sealed"]
        nonce = base64.b64decode(sealed["nonce"], validate=True)
        plain = AESGCM(key).decrypt(nonce, base64.b64decode(sealed["ciphertext"], validate=True), _canonical(body))
        fields = json.loads(plain)
        return Summary(**fields)
    except InvalidTag:
        raise DamagedBackup(f"{source.name}: the manifest fails its seal; the file was altered or damaged.") from None
    except (KeyError, TypeError, ValueError):
        raise DamagedBackup(f"{source.name}: the manifest's seal cannot be read; the file is damaged.") from None


@dataclass
class Structure:
    """The members of a backup file, checked for shape (not yet for content)."""

    tar: tarfile.TarFile
    members: dict[str, tarfile.TarInfo]
    info: dict[str, Any]
    manifest: dict[str, Any]
    source: Path


def damaged(source: Path, what: str) -> DamagedBackup:
    return DamagedBackup(f"{source.name}: {what}; it cannot be used.")


def read_small(tar: tarfile.TarFile, member: tarfile.TarInfo, limit: int = MAX_SMALL_MEMBER) -> bytes:
    if member.size > limit:
        raise ValueError(f"{member.name} is too large")
    handle = tar.extractfile(member)
    if handle is None:
        raise ValueError(f"{member.name} is not a file")
    return handle.read()


def read_structure(f: IO[bytes], source: Path) -> Structure:
    try:
        tar = tarfile.open(fileobj=f, mode="r:")  # noqa: SIM115 (lives as long as the caller's file)
        members: dict[str, tarfile.TarInfo] = {}
        for member in tar:
            if not member.isreg() or not _allowed_name(member.name) or member.name in members:
                raise damaged(source, f"it holds an unexpected entry ({member.name[:80]!r})")
            members[member.name] = member
        if INFO not in members or MANIFEST not in members:
            raise damaged(source, "it is not a lawyer_desk backup or it was cut short")
        info = json.loads(read_small(tar, members[INFO]))
        manifest = json.loads(read_small(tar, members[MANIFEST], MAX_MANIFEST))
    except DamagedBackup:
        raise
    except (tarfile.TarError, EOFError, ValueError, UnicodeDecodeError, RecursionError):
        raise damaged(source, "it is not a lawyer_desk backup or it is damaged") from None
    if not isinstance(info, dict) or info.get("format") != FORMAT or not isinstance(manifest, dict):
        raise damaged(source, "it is not a lawyer_desk backup")
    version = info.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise DamagedBackup(f"{source.name} was made by a newer version of lawyer_desk; update the program to use it.")
    files = manifest.get("files")
    try:
        listed = {entry["name"]: int(entry["size"]) for entry in files}  # type: ignore[union-attr]
        if not all(isinstance(entry["sha256"], str) for entry in files):  # type: ignore[union-attr]
            raise TypeError
    except (KeyError, TypeError, ValueError):
        raise damaged(source, "its manifest is damaged") from None
    present = {name: member.size for name, member in members.items() if name != MANIFEST}
    if listed != present or len(files) != len(listed) or HEADER not in listed or DATABASE not in listed:  # type: ignore[arg-type]
        lacking = [f"{name} missing" for name in sorted(set(listed) - set(present))]
        extra = [f"{name} not listed" for name in sorted(set(present) - set(listed))]
        resized = [f"{name} of another size" for name in sorted(set(listed) & set(present))
                   if listed[name] != present[name]]
        what = ", ".join((lacking + extra + resized)[:3]) or "a member is listed twice"
        raise damaged(source, f"its contents do not match its manifest ({what})")
    return Structure(tar, members, info, manifest, source)


def _allowed_name(name: str) -> bool:
    if name in (INFO, HEADER, DATABASE, MANIFEST):
        return True
    parts = PurePosixPath(name).parts
    return (len(parts) >= 2 and parts[0] == VAULT and name == "/".join(parts)
            and all(_VAULT_NAME.match(part) and part not in (".", "..") for part in parts[1:]))


def check_members(structure: Structure, manifest: dict[str, Any], meter: Meter, into: Path | None = None,
                  only: frozenset[str] | None = None) -> None:
    """Hash every member (or ``only`` these) against ``manifest``; with ``into``, write each one
    there too (but ``backup.json`` and ``keyheader``, which a store folder does not take as they are)."""
    expected = {entry["name"]: entry["sha256"] for entry in manifest["files"]}
    for name, want in expected.items():
        if only is not None and name not in only:
            continue
        member = structure.members[name]
        handle = structure.tar.extractfile(member)
        assert handle is not None  # regular files only (checked in read_structure)
        digest = hashlib.sha256()
        target = None if into is None or name in (INFO, HEADER) else into / name
        out: IO[bytes] | None = None
        try:
            if target is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                out = open(target, "wb")  # noqa: SIM115 (closed below, also on failure)
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                if out is not None:
                    out.write(chunk)
                meter.add(len(chunk))
            if out is not None:
                out.flush()
                os.fsync(out.fileno())
        except (tarfile.TarError, EOFError):
            raise damaged(structure.source, f"{name} is cut short") from None
        finally:
            if out is not None:
                out.close()
        if digest.hexdigest() != want:
            raise damaged(structure.source, f"{name} does not match its SHA-256 in the manifest")


def read_info(path: Path) -> BackupInfo:
    """What can be known of a backup without the passphrase (``DamagedBackup`` if unreadable)."""
    path = Path(path)
    try:
        with open(path, "rb") as f, tarfile.open(fileobj=f, mode="r:") as tar:
            first = tar.next()
            if first is None or first.name != INFO or not first.isreg():
                raise damaged(path, "it is not a lawyer_desk backup")
            info = json.loads(read_small(tar, first))
            created = datetime.fromisoformat(info["created"]).astimezone(UTC)
            store_id = str(info["store_id"])
            if info.get("format") != FORMAT:
                raise damaged(path, "it is not a lawyer_desk backup")
        return BackupInfo(path, created, store_id, path.stat().st_size)
    except DamagedBackup:
        raise
    except OSError as exc:
        raise DamagedBackup(f"{path.name} cannot be read ({(exc.strerror or '').lower()}).") from None
    except (tarfile.TarError, EOFError, ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        raise damaged(path, "it is not a lawyer_desk backup or it is damaged") from None


def read_summary(path: Path, key: bytes) -> Summary:
    """The sealed summary of a backup, with the store's ``backup`` key (no member is hashed)."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            return unseal(read_structure(f, path).manifest, key, path)
    except OSError as exc:
        raise DamagedBackup(f"{path.name} cannot be read ({(exc.strerror or '').lower()}).") from None


