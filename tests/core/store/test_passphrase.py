"""Changing the passphrase: the data key is rewrapped, both header copies replaced, nothing else."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlmodel import select

from lawyer_desk.core import models as m
from lawyer_desk.core.errors import InvalidInput, StoreError, WrongPassphrase
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.core.store.passphrase import change_passphrase
from tests.conftest import PASSPHRASE

CHEAP = KdfParams.cheap()
NEW = "a new passphrase, four words"
STRONGER = KdfParams(time_cost=2, memory_cost_kib=16 * 1024, parallelism=1)


def _names(store: Store) -> list[str]:
    with store.session() as session:
        return sorted(c.display_name for c in session.exec(select(m.Client)))


def _digests(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.iterdir()) if p.is_file()}


@pytest.fixture
def filled(store: Store) -> Store:
    with store.session() as session:
        session.add(m.Client(display_name="Idris Mamut"))
    return store


class Recorder:
    def __init__(self, stop_at: str | None = None) -> None:
        self.labels: list[str] = []
        self.stop_at = stop_at

    def report(self, done: int, total: int = 0, label: str = "") -> None:
        self.labels.append(label)

    def check(self) -> None:
        if self.stop_at and self.labels and self.labels[-1] == self.stop_at:
            raise KeyboardInterrupt("stopped by the person")


def test_change_rewraps_and_keeps_everything(filled: Store) -> None:
    root = filled.paths.root
    old_header = filled.header
    recorder = Recorder()
    new_header = change_passphrase(filled, PASSPHRASE, NEW, kdf=STRONGER, progress=recorder)
    assert recorder.labels[0] == "Checking the old passphrase" and recorder.labels[-1] == "Passphrase changed"
    assert filled.header == new_header
    assert new_header.store_id == old_header.store_id and new_header.salt != old_header.salt
    assert new_header.kdf == STRONGER
    with filled.session() as session:  # the open store goes on working: the data key is the same
        session.add(m.Client(display_name="Added after the change"))
    filled.close()
    for name in ("keyheader", "keyheader.spare"):
        assert (root / name).read_bytes() == new_header.to_bytes()
        assert json.loads((root / name).read_bytes())["kdf"]["time_cost"] == 2
    with pytest.raises(WrongPassphrase):
        Store.open(root, PASSPHRASE)
    with Store.open(root, NEW) as reopened:
        assert _names(reopened) == ["Added after the change", "Idris Mamut"]
        assert reopened.integrity_problems() == []
        assert reopened.audit_report().intact
    assert not list(root.glob(".keyheader*"))


def test_database_is_not_rewritten(filled: Store) -> None:
    """Only the header changes: the database file is byte for byte the same."""
    filled.close()
    root = filled.paths.root
    with Store.open(root, PASSPHRASE) as store:
        before = _digests(root)
        change_passphrase(store, PASSPHRASE, NEW, kdf=CHEAP)
        after = _digests(root)
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed == {"keyheader", "keyheader.spare"}


def test_wrong_old_passphrase_changes_nothing(filled: Store) -> None:
    before = _digests(filled.paths.root)
    with pytest.raises(WrongPassphrase):
        change_passphrase(filled, "not the passphrase", NEW, kdf=CHEAP)
    assert _digests(filled.paths.root) == before


@pytest.mark.parametrize(("old", "new"), [(PASSPHRASE, ""), (PASSPHRASE, PASSPHRASE)])
def test_empty_or_same_passphrase_is_refused(filled: Store, old: str, new: str) -> None:
    before = _digests(filled.paths.root)
    with pytest.raises(InvalidInput):
        change_passphrase(filled, old, new, kdf=CHEAP)
    assert _digests(filled.paths.root) == before


def test_read_only_store_is_refused(filled: Store) -> None:
    filled.close()
    with Store.open(filled.paths.root, PASSPHRASE, write=False) as reader, pytest.raises(StoreError, match="writing"):
        change_passphrase(reader, PASSPHRASE, NEW, kdf=CHEAP)


@pytest.mark.parametrize("stop_at", ["Checking the old passphrase", "Measuring this computer", "Sealing the data key"])
def test_cancelled_before_writing_changes_nothing(filled: Store, stop_at: str) -> None:
    before = _digests(filled.paths.root)
    with pytest.raises(KeyboardInterrupt):
        change_passphrase(filled, PASSPHRASE, NEW, kdf=CHEAP, progress=Recorder(stop_at))
    assert _digests(filled.paths.root) == before
    assert filled.header.unwrap(PASSPHRASE)


def test_header_of_another_store_is_refused(filled: Store, tmp_path: Path) -> None:
    """Someone swapped the key header on disk for another store's: never rewrap that one."""
    with Store.create(tmp_path / "other", PASSPHRASE, CHEAP):
        pass
    root = filled.paths.root
    for name in ("keyheader", "keyheader.spare"):
        (root / name).write_bytes((tmp_path / "other" / name).read_bytes())
    before = _digests(root)
    with pytest.raises(StoreError, match="does not belong"):
        change_passphrase(filled, PASSPHRASE, NEW, kdf=CHEAP)
    assert _digests(root) == before


def test_unwritable_primary_changes_nothing(filled: Store) -> None:
    """The primary cannot be replaced (here a folder stands in its place): the change is refused whole."""
    root = filled.paths.root
    spare = (root / "keyheader.spare").read_bytes()
    (root / "keyheader").unlink()
    (root / "keyheader").mkdir()
    (root / "keyheader" / "blocker").write_text("x")
    with pytest.raises(StoreError, match="was not changed"):
        change_passphrase(filled, PASSPHRASE, NEW, kdf=CHEAP)
    assert (root / "keyheader.spare").read_bytes() == spare
    assert not list(root.glob(".keyheader*"))


def test_unwritable_spare_rolls_the_primary_back(filled: Store) -> None:
    root = filled.paths.root
    primary = (root / "keyheader").read_bytes()
    (root / "keyheader.spare").unlink()
    (root / "keyheader.spare").mkdir()
    (root / "keyheader.spare" / "blocker").write_text("x")
    with pytest.raises(StoreError, match="was not changed"):
        change_passphrase(filled, PASSPHRASE, NEW, kdf=CHEAP)
    assert (root / "keyheader").read_bytes() == primary
    filled.close()
    with Store.open(root, PASSPHRASE, write=False) as store:
        assert _names(store) == ["Idris Mamut"]
    with pytest.raises(WrongPassphrase):
        Store.open(root, NEW, write=False)


def test_leftover_temporary_headers_are_swept(filled: Store) -> None:
    """A killed change can leave a temporary header; the next change removes it."""
    root = filled.paths.root
    (root / ".keyheader.abc123.tmp").write_bytes(b'{"half": "written')
    change_passphrase(filled, PASSPHRASE, NEW, kdf=CHEAP)
    assert not list(root.glob(".keyheader*"))


def test_change_after_an_interrupted_change(filled: Store) -> None:
    """Primary new, spare old (a crash between the renames): the old passphrase still changes it."""
    root = filled.paths.root
    half = filled.header.rewrap(filled.header.unwrap(PASSPHRASE), "half-way passphrase", CHEAP)
    (root / "keyheader").write_bytes(half.to_bytes())
    filled.close()
    with Store.open(root, PASSPHRASE) as store:
        change_passphrase(store, PASSPHRASE, NEW, kdf=CHEAP)
    for old in (PASSPHRASE, "half-way passphrase"):
        with pytest.raises(WrongPassphrase):
            Store.open(root, old, write=False)
    with Store.open(root, NEW, write=False) as store:
        assert _names(store) == ["Idris Mamut"]
