"""Fuzzing the key header reader: damage or a newer version, never a crash, a hang, or a repair from junk."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawyer_desk.core.errors import DamagedDatabase, DamagedHeader, NewerStore, WrongPassphrase
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.core.store.keyheader import KeyHeader, _canonical, new_data_key
from tests.conftest import PASSPHRASE
from tests.core.fuzz_helpers import bent

CHEAP = KdfParams.cheap()
SEALED = KeyHeader.seal(new_data_key(), PASSPHRASE, CHEAP)
BODY = json.loads(SEALED.to_bytes())


def _with_checksum(body: Any) -> bytes:
    """As the program writes a header, so that the reader gets past the checksum to the fields."""
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k != "checksum"}
        body["checksum"] = hashlib.sha256(_canonical(body)).hexdigest()
    return json.dumps(body).encode("ascii")


headers = (st.builds(_with_checksum, bent(BODY)) | st.binary(max_size=700)
           | st.builds(lambda raw, at, byte: raw[:at] + bytes([byte]) + raw[at + 1:], st.just(SEALED.to_bytes()),
                       st.integers(min_value=0, max_value=len(SEALED.to_bytes()) - 1),
                       st.integers(min_value=0, max_value=255))
           | st.sampled_from([b"[" * 60000, b"{" * 60000, b'{"a":' * 20000]))


def _cheap_enough(header: KeyHeader) -> bool:
    return header.kdf.time_cost <= 3 and header.kdf.memory_cost_kib <= 64 * 1024


@settings(max_examples=400, deadline=None)
@given(raw=headers)
def test_reader_says_damaged_or_newer(raw: bytes) -> None:
    try:
        header = KeyHeader.from_bytes(raw)
    except (DamagedHeader, NewerStore):
        return
    assert KeyHeader.from_bytes(header.to_bytes()) == header  # what reads, writes back the same
    if _cheap_enough(header):
        with pytest.raises(WrongPassphrase):
            header.unwrap("some passphrase")


@pytest.mark.parametrize(("field", "value"), [("time_cost", 10**9), ("memory_cost_kib", 2**40),
                                              ("parallelism", 10**6), ("salt", "AAAA")])
def test_costs_nobody_calibrated_are_damage(field: str, value: object) -> None:
    """A header asking Argon2id for years of work, terabytes or a 3-byte salt: damage, not a hang."""
    body = json.loads(SEALED.to_bytes())
    body["kdf"][field] = value
    with pytest.raises(DamagedHeader):
        KeyHeader.from_bytes(_with_checksum(body))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template") / "store"
    with Store.create(root, PASSPHRASE, CHEAP):
        pass
    return root


REAL = b"<the store's own header>"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(primary=headers | st.just(REAL), spare=headers | st.just(REAL))
def test_store_with_junk_headers_is_never_repaired_from_junk(template: Path, tmp_path_factory: pytest.TempPathFactory,
                                                             primary: bytes, spare: bytes) -> None:
    """Opening refuses, or opens from the good copy; a copy is only ever rewritten from the one that unlocked."""
    real = (template / "keyheader").read_bytes()
    primary, spare = (real if raw == REAL else raw for raw in (primary, spare))
    root = tmp_path_factory.mktemp("junk") / "store"
    shutil.copytree(template, root)
    (root / "keyheader").write_bytes(primary)
    (root / "keyheader.spare").write_bytes(spare)
    try:
        with Store.open(root, PASSPHRASE):
            pass
    except (DamagedHeader, DamagedDatabase, NewerStore, WrongPassphrase):
        assert real not in (primary, spare)
        assert (root / "keyheader").read_bytes() == primary
        assert (root / "keyheader.spare").read_bytes() == spare
    else:
        assert real in (primary, spare)
        assert (root / "keyheader").read_bytes() in (real, primary)
        assert (root / "keyheader.spare").read_bytes() in (real, spare)
    shutil.rmtree(root)
