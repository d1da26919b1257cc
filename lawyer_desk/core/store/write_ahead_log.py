"""Checking the write-ahead log (``case.db-wal``) before SQLite reads it.

Committed changes that were not yet copied into ``case.db`` live in the write-ahead log.
When SQLite opens a database it replays the log up to the first frame whose checksum fails
and silently drops everything after it; the next checkpoint then erases the evidence. So the
log is read here first, and damage that loses *committed* changes is reported precisely:

- a log cut short inside its 32-byte header, or whose header is unreadable (zeroed,
  overwritten), while it held frames;
- a frame that fails its checksum (or carries the wrong salt) followed by a later commit
  frame of the same log generation: the changes from that frame on were committed and
  would be lost;
- a missing log while ``case.db-shm`` still records frames in it.

A crash (even SIGKILL) never produces these: SQLite appends frames in order, so a killed
writer leaves at worst an incomplete last transaction, which has no commit frame after a bad
frame and is rightly ignored. The format is SQLite's (https://sqlite.org/fileformat.html,
"The WAL File Format"); SQLCipher writes page contents encrypted but frames the same way.
"""

from __future__ import annotations

import struct
from pathlib import Path

WAL_MAGIC = (0x377F0682, 0x377F0683)  # checksums over little-endian / big-endian words
HEADER = 32
FRAME_HEADER = 24
_MAX_FRAMES = 10_000_000


def _checksum(data: bytes, big_endian: bool, s0: int, s1: int) -> tuple[int, int]:
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    for x0, x1 in zip(words[0::2], words[1::2], strict=True):
        s0 = (s0 + x0 + s1) & 0xFFFFFFFF
        s1 = (s1 + x1 + s0) & 0xFFFFFFFF
    return s0, s1


def problems(database: Path) -> list[str]:
    """What is wrong with the write-ahead log of ``database``; empty when sound or absent."""
    wal = database.with_name(database.name + "-wal")
    index = _index(database)  # read before the log: a live writer only ever adds to it
    try:
        with open(wal, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        if index and index[0]:
            return [f"{wal.name} is missing while {database.name}-shm records {index[0]} committed frames in it: "
                    "the changes since the last checkpoint are lost"]
        return []
    except OSError as exc:
        return [f"{wal.name} cannot be read ({(exc.strerror or '').lower()})"]
    if not data:
        return []
    if len(data) < HEADER:
        return [f"{wal.name} is cut short inside its header ({len(data)} bytes): the changes it held are lost"]
    magic, _version, page_size, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", data[:HEADER])
    valid_size = magic in WAL_MAGIC and 512 <= page_size <= 65536 and not page_size & (page_size - 1)
    damaged_header = (f"{wal.name} has a damaged header: the changes in it (about "
                      f"{(len(data) - HEADER) // (FRAME_HEADER + (page_size if valid_size else 4096))} frames) "
                      "cannot be read")
    if not valid_size:
        return [damaged_header]
    big_endian = magic == WAL_MAGIC[1]
    s0, s1 = _checksum(data[:24], big_endian, 0, 0)
    if (s0, s1) != (c1, c2):
        return [damaged_header] if any(data[HEADER:]) else []  # torn while the log was being reset, and empty
    size = FRAME_HEADER + page_size
    count = min((len(data) - HEADER) // size, _MAX_FRAMES)
    readable: int | None = None  # frames before the first bad one of this generation
    for number in range(count):
        start = HEADER + number * size
        frame = data[start:start + size]
        _page, commit, f_salt1, f_salt2, f_c1, f_c2 = struct.unpack(">6I", frame[:FRAME_HEADER])
        same_generation = (f_salt1, f_salt2) == (salt1, salt2)
        if readable is None:
            if not same_generation:
                readable = number
                break  # an older generation of the log follows, which SQLite rightly ignores
            s0, s1 = _checksum(frame[:8] + frame[FRAME_HEADER:], big_endian, s0, s1)
            if (s0, s1) != (f_c1, f_c2):
                readable = number
        elif commit and same_generation:
            return [f"{wal.name} is damaged at frame {readable + 1} of {count}: changes committed after it "
                    "cannot be read"]
    if index and index[1] == (salt1, salt2) and index[0] > (count if readable is None else readable):
        if readable is None:
            return [f"{wal.name} is cut short: {database.name}-shm records {index[0]} committed frames, "
                    f"only {count} are there"]
        return [f"{wal.name} is damaged at frame {readable + 1}: {database.name}-shm records {index[0]} committed "
                f"frames, only {readable} can be read"]
    return []


def _index(database: Path) -> tuple[int, tuple[int, int]] | None:
    """(committed frames, salts) from the header of ``case.db-shm``, if it holds a settled one.

    The header is kept twice (48 bytes each) in the byte order of the machine that wrote it;
    copies that differ mean a writer was interrupted while updating it, and say nothing.
    """
    try:
        with open(database.with_name(database.name + "-shm"), "rb") as f:
            head = f.read(96)
    except OSError:
        return None
    if len(head) < 96 or head[:48] != head[48:96]:
        return None
    for order in ("<", ">"):
        version, _unused, _change, is_init, _big, _page, max_frame = struct.unpack(f"{order}3IBBHI", head[:20])
        if version == 3007000:
            salts = struct.unpack(f"{order}2I", head[32:40])
            # The salts are kept as the log stores them, big-endian bytes read as native words.
            raw = struct.unpack(">2I", struct.pack(f"{order}2I", *salts))
            return (max_frame, raw) if is_init else None
    return None
