"""The evidence vault's file format: round trips, tampering of every kind, failures that leave nothing."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import resource
import shutil
import time
import tracemalloc
from pathlib import Path

import pytest

from lawyer_desk.core import vault as vault_module
from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.vault import (
    CHUNK_SIZE,
    HEADER_SIZE,
    TAG,
    Cancelled,
    ObjectDamaged,
    ObjectState,
    Vault,
    VaultError,
    object_length,
)
from tests.core.evidence_files import PatternStream

KEY = bytes(range(32))
STORED_CHUNK = CHUNK_SIZE + TAG


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(tmp_path / "vault", KEY)


def _content(size: int, seed: int = 1) -> bytes:
    return hashlib.shake_256(f"{seed}:{size}".encode()).digest(size) if size else b""


def _store(vault: Vault, data: bytes) -> vault_module.StoredObject:
    return vault.write(io.BytesIO(data), total=len(data))


def _check(vault: Vault, stored: vault_module.StoredObject) -> vault_module.ObjectCheck:
    return vault.check(stored.name, sha256=stored.sha256, size=stored.size)


# --- round trips -----------------------------------------------------------------------------
@pytest.mark.parametrize("size", [0, 1, 1000, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE,
                                  3 * CHUNK_SIZE + 17])
def test_round_trip(vault: Vault, size: int, tmp_path: Path) -> None:
    data = _content(size)
    stored = _store(vault, data)
    assert stored.size == size
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (vault.folder / stored.name).stat().st_size == object_length(size)
    assert b"".join(vault.read(stored.name)) == data
    assert _check(vault, stored).state is ObjectState.intact
    copy = tmp_path / "copy.bin"
    vault.export(stored.name, copy, sha256=stored.sha256, size=size)
    assert copy.read_bytes() == data
    with vault.open(stored.name) as reader:  # random access, as pypdf reads
        buffered = io.BufferedReader(reader)
        for offset in {0, max(0, size - 3), size // 2, CHUNK_SIZE - 2}:
            buffered.seek(offset)
            assert buffered.read(5) == data[offset:offset + 5]
        buffered.seek(0, io.SEEK_END)
        assert buffered.tell() == size


def test_chunks_have_the_promised_layout(vault: Vault) -> None:
    """Every chunk but the last is full; an empty file is one empty last chunk."""
    assert object_length(0) == HEADER_SIZE + TAG
    assert object_length(CHUNK_SIZE) == HEADER_SIZE + STORED_CHUNK
    assert object_length(CHUNK_SIZE + 1) == HEADER_SIZE + STORED_CHUNK + 1 + TAG
    stored = _store(vault, b"")
    assert list(vault.read(stored.name)) == [b""]


def test_names_are_random_and_never_derived_from_content(vault: Vault) -> None:
    data = b"the same warrant twice"
    first, second = _store(vault, data), _store(vault, data)
    assert first.name != second.name and first.sha256 == second.sha256
    assert first.sha256 not in (first.name, second.name) and first.name not in first.sha256
    a, b = (vault.folder / first.name).read_bytes(), (vault.folder / second.name).read_bytes()
    assert a[HEADER_SIZE:] != b[HEADER_SIZE:], "each object has its own key: same content, different ciphertext"
    assert data not in a
    assert oct((vault.folder / first.name).stat().st_mode & 0o777) == "0o600"


def test_write_file_from_disk_and_progress(vault: Vault, tmp_path: Path) -> None:
    data = _content(2 * CHUNK_SIZE + 5)
    source = tmp_path / "ruling.pdf"
    source.write_bytes(data)
    seen: list[tuple[int, int]] = []
    stored = vault.write_file(source, progress=lambda done, total: seen.append((done, total)))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert seen == [(CHUNK_SIZE, len(data)), (2 * CHUNK_SIZE, len(data)), (len(data), len(data))]


def test_a_wrong_key_opens_nothing(vault: Vault) -> None:
    stored = _store(vault, b"secret")
    other = Vault(vault.folder, bytes(32))
    check = _check(other, stored)
    assert (check.state, check.chunk) == (ObjectState.altered, 1)


# --- tampering -------------------------------------------------------------------------------
FOUR_CHUNKS = 3 * CHUNK_SIZE + 1000  # chunks 1-3 full, chunk 4 partial


def _flip(path: Path, offset: int) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0x01]))


def _chunk_offset(index: int) -> int:
    """Where chunk ``index`` (counted from 1) starts in the object."""
    return HEADER_SIZE + (index - 1) * STORED_CHUNK


@pytest.mark.parametrize("chunk", [1, 3, 4])
def test_one_flipped_byte_names_its_chunk(vault: Vault, chunk: int) -> None:
    stored = _store(vault, _content(FOUR_CHUNKS))
    _flip(vault.folder / stored.name, _chunk_offset(chunk) + 500)
    check = _check(vault, stored)
    assert check.state is ObjectState.altered
    assert check.chunk == chunk
    assert check.detail == f"altered: chunk {chunk} of 4 failed authentication"
    with pytest.raises(ObjectDamaged, match=f"chunk {chunk} of 4") as caught:
        b"".join(vault.read(stored.name))
    assert caught.value.chunk == chunk


def test_a_flipped_tag_byte_and_header_bytes(vault: Vault) -> None:
    stored = _store(vault, _content(FOUR_CHUNKS))
    path = vault.folder / stored.name
    _flip(path, _chunk_offset(2) + STORED_CHUNK - 1)  # the last byte of chunk 2's tag
    assert _check(vault, stored).chunk == 2
    for offset, expected in ((0, "not that of a vault object"), (14, "chunk 1 of 1 failed")):  # magic; file id
        other = _store(vault, _content(100))
        _flip(vault.folder / other.name, offset)
        check = _check(vault, other)
        assert check.state is ObjectState.altered and expected in check.detail, check


def test_truncated_last_chunk(vault: Vault) -> None:
    stored = _store(vault, _content(FOUR_CHUNKS))
    path = vault.folder / stored.name
    os.truncate(path, path.stat().st_size - 7)
    check = _check(vault, stored)
    assert check.state is ObjectState.altered
    assert check.detail == "altered: truncated, 7 bytes short; chunk 4 of 4 is incomplete"
    assert check.chunk == 4
    with pytest.raises(ObjectDamaged, match="chunk 4 of 4 failed authentication"):
        b"".join(vault.read(stored.name))  # without the expected size, GCM still catches it


def test_truncated_at_a_chunk_boundary_is_caught_by_the_last_chunk_flag(vault: Vault) -> None:
    """A whole last chunk cut off leaves a well-formed file; the flag in the nonce gives it away."""
    stored = _store(vault, _content(FOUR_CHUNKS))
    path = vault.folder / stored.name
    os.truncate(path, _chunk_offset(4))
    assert "chunk 4 of 4 is incomplete" in _check(vault, stored).detail
    with pytest.raises(ObjectDamaged, match="chunk 3 of 3 failed authentication"):
        b"".join(vault.read(stored.name))


def test_bytes_appended(vault: Vault) -> None:
    stored = _store(vault, _content(FOUR_CHUNKS))
    with open(vault.folder / stored.name, "ab") as f:
        f.write(b"\x00" * 20)
    assert _check(vault, stored).detail == "altered: 20 unexpected bytes after the last chunk (4)"


def test_chunks_swapped_between_two_files(vault: Vault) -> None:
    first, second = _store(vault, _content(FOUR_CHUNKS, 1)), _store(vault, _content(FOUR_CHUNKS, 2))
    a, b = vault.folder / first.name, vault.folder / second.name
    raw_a, raw_b = bytearray(a.read_bytes()), bytearray(b.read_bytes())
    where = slice(_chunk_offset(2), _chunk_offset(3))
    raw_a[where], raw_b[where] = raw_b[where], raw_a[where]
    a.write_bytes(raw_a)
    b.write_bytes(raw_b)
    for stored in (first, second):
        check = _check(vault, stored)
        assert (check.state, check.chunk, check.detail) == (
            ObjectState.altered, 2, "altered: chunk 2 of 4 failed authentication")


def test_chunks_reordered_within_a_file(vault: Vault) -> None:
    stored = _store(vault, _content(FOUR_CHUNKS))
    path = vault.folder / stored.name
    raw = bytearray(path.read_bytes())
    two, three = slice(_chunk_offset(2), _chunk_offset(3)), slice(_chunk_offset(3), _chunk_offset(4))
    raw[two], raw[three] = raw[three], raw[two]
    path.write_bytes(raw)
    assert _check(vault, stored).detail == "altered: chunk 2 of 4 failed authentication"


def test_a_whole_object_moved_under_another_name_still_opens_but_is_not_the_recorded_file(vault: Vault) -> None:
    first, second = _store(vault, b"warrant!"), _store(vault, b"decision")
    shutil.copyfile(vault.folder / second.name, vault.folder / first.name)
    check = _check(vault, first)
    assert check.state is ObjectState.altered and "differs from the recorded SHA-256" in check.detail


def test_deleted_object_is_missing(vault: Vault) -> None:
    stored = _store(vault, b"x" * 10)
    (vault.folder / stored.name).unlink()
    assert _check(vault, stored).state is ObjectState.missing
    with pytest.raises(ObjectDamaged, match="missing"):
        list(vault.read(stored.name))


def test_scan_sorts_objects_partial_writes_and_strays(vault: Vault) -> None:
    stored = _store(vault, b"x")
    (vault.folder / ("ab" * 16 + ".partial")).write_bytes(b"half")
    (vault.folder / "notes.txt").write_bytes(b"stray")
    (vault.folder / ("cd" * 16)).mkdir()
    listing = vault.scan()
    assert listing.objects == {stored.name}
    assert listing.partial == ("ab" * 16 + ".partial",)
    assert set(listing.strays) == {"notes.txt", "cd" * 16}


# --- failures leave nothing ------------------------------------------------------------------
def test_cancel_removes_the_unfinished_file(vault: Vault) -> None:
    calls = iter(range(100))
    with pytest.raises(Cancelled):
        vault.write(io.BytesIO(_content(3 * CHUNK_SIZE)), cancel=lambda: next(calls) >= 2)
    listing = vault.scan()
    assert not listing.objects and not listing.partial and not listing.strays


def test_a_cancel_that_raises_its_own_exception_also_cleans_up(vault: Vault) -> None:
    class Stop(Exception):
        pass

    def cancel() -> bool:
        raise Stop

    with pytest.raises(Stop):
        vault.write(io.BytesIO(b"abc"), cancel=cancel)
    assert not any(vault.folder.iterdir())


def test_source_failing_mid_read_is_invalid_input(vault: Vault) -> None:
    class Failing(io.RawIOBase):
        def __init__(self) -> None:
            super().__init__()
            self.calls = 0

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            self.calls += 1
            if self.calls > 2:
                raise OSError(errno.EIO, "Input/output error")
            buffer[:CHUNK_SIZE] = b"\x01" * len(buffer[:CHUNK_SIZE])
            return len(buffer[:CHUNK_SIZE])

    with pytest.raises(InvalidInput, match=r"could not be read \(Input/output error\); nothing was stored"):
        vault.write(Failing())
    assert not any(vault.folder.iterdir())


def test_disk_full_is_a_clear_error_and_leaves_nothing(vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    real = vault_module._write_all
    calls = iter(range(100))

    def write_all(fd: int, data: bytes | memoryview) -> None:
        if next(calls) == 2:  # the header and one chunk went, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, data)

    monkeypatch.setattr(vault_module, "_write_all", write_all)
    with pytest.raises(VaultError, match=r"the disk is full\); nothing was stored"):
        vault.write(io.BytesIO(_content(3 * CHUNK_SIZE)))
    assert not any(vault.folder.iterdir())


def test_file_that_changes_while_read_is_refused(vault: Vault, tmp_path: Path) -> None:
    source = tmp_path / "growing.log"
    source.write_bytes(_content(3 * CHUNK_SIZE))

    def grow(_done: int, _total: int) -> None:
        with open(source, "ab") as f:
            f.write(b"more")

    with pytest.raises(InvalidInput, match="changed while it was being read; nothing was stored"):
        vault.write_file(source, progress=grow)
    assert not any(vault.folder.iterdir())


def test_file_that_vanishes_while_read_is_refused(vault: Vault, tmp_path: Path) -> None:
    source = tmp_path / "on-a-stick.pdf"
    source.write_bytes(_content(2 * CHUNK_SIZE))
    with pytest.raises(InvalidInput, match="vanished while it was being read"):
        vault.write_file(source, progress=lambda _d, _t: source.unlink(missing_ok=True))
    assert not any(vault.folder.iterdir())


@pytest.mark.parametrize("make", ["folder", "missing", "fifo"])
def test_not_a_file(vault: Vault, tmp_path: Path, make: str) -> None:
    path = tmp_path / "thing"
    if make == "folder":
        path.mkdir()
    elif make == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        os.mkfifo(path)
    message = {"folder": "is a folder, not a file", "missing": "no such file", "fifo": "is not a regular file"}[make]
    with pytest.raises(InvalidInput, match=message):
        vault.write_file(path)


def test_export_refuses_a_damaged_object_and_leaves_no_copy(vault: Vault, tmp_path: Path) -> None:
    stored = _store(vault, _content(2 * CHUNK_SIZE))
    _flip(vault.folder / stored.name, _chunk_offset(2) + 10)
    target = tmp_path / "out" / "copy.pdf"
    target.parent.mkdir()
    with pytest.raises(ObjectDamaged, match="chunk 2 of 2"):
        vault.export(stored.name, target, sha256=stored.sha256, size=stored.size)
    assert list(target.parent.iterdir()) == []


# --- any size, flat memory -------------------------------------------------------------------
BIG = (2 << 30) + (100 << 20) + 12345  # 2.1 GiB and a bit: past every 32-bit boundary


@pytest.mark.slow
def test_a_file_over_2_gib_streams_in_flat_memory(vault: Vault, tmp_path: Path) -> None:
    """A sparse 2.1 GiB file in and checked back out, with Python's allocations staying under 8 MiB."""
    if shutil.disk_usage(tmp_path).free < 3 * BIG:
        pytest.skip("not enough free disk for a 2 GiB object")
    source = tmp_path / "huge.iso"
    with open(source, "wb") as f:
        f.truncate(BIG)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    try:
        started = time.perf_counter()
        stored = vault.write_file(source)
        ingest_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        check = _check(vault, stored)
        check_peak = tracemalloc.get_traced_memory()[1]
        elapsed = time.perf_counter() - started
    finally:
        tracemalloc.stop()
    rss_growth_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    print(f"2.1 GiB: ingest + verify {elapsed:.1f} s, peak traced {ingest_peak >> 20} / {check_peak >> 20} MiB, "
          f"max RSS growth {rss_growth_mib:.0f} MiB")
    assert stored.size == BIG
    assert (vault.folder / stored.name).stat().st_size == object_length(BIG)
    assert check.state is ObjectState.intact
    zeros = hashlib.sha256()
    block = bytes(CHUNK_SIZE)
    for _ in range(BIG // CHUNK_SIZE):
        zeros.update(block)
    zeros.update(block[:BIG % CHUNK_SIZE])
    assert stored.sha256 == zeros.hexdigest()
    assert ingest_peak < 8 << 20 and check_peak < 8 << 20
    assert rss_growth_mib < 100


def test_a_stream_without_a_size_is_fine(vault: Vault) -> None:
    stored = vault.write(PatternStream(5 * CHUNK_SIZE // 2))
    assert stored.size == 5 * CHUNK_SIZE // 2
    assert _check(vault, stored).intact
