"""``verify --remove-orphans``: the lawyer's explicit clean-up of the vault, from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from lawyer_desk import cli_evidence
from lawyer_desk.core import exhibits, records
from lawyer_desk.core import models as m
from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.interchange.case_json import CaseFileV1
from lawyer_desk.core.store import Store
from lawyer_desk.core.vault import Vault
from tests.conftest import PASSPHRASE
from tests.e2e.helpers import assert_ok, case_document, make_store, run_cli


def _store_with_orphans(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A store whose case lost a deleted exhibit's file, an interrupted add and a stray file in its vault."""
    root = make_store(tmp_path / "store", [CaseFileV1.model_validate(case_document())])
    (tmp_path / "kept.txt").write_text("the exhibit that stays", encoding="utf-8")
    (tmp_path / "gone.txt").write_text("the exhibit deleted when the program died", encoding="utf-8")
    with Store.open(root, PASSPHRASE) as store:
        kept, gone = exhibits.add_files(store, 1, [tmp_path / "kept.txt", tmp_path / "gone.txt"])
        with store.session() as session:
            names = dict(session.execute(select(m.Exhibit.id, m.Exhibit.object_name)).all())
            records.delete(session, m.Exhibit, gone.exhibit_id or 0)  # its file waits for a clean-up that never came
        crashed = Vault.of(store).write_file(tmp_path / "kept.txt").name  # a row that was never committed
    (root / "vault" / f"{'cd' * 16}.partial").write_bytes(b"half written")
    (root / "vault" / "copied-by-someone.pdf").write_bytes(b"not ours")
    return root, {"kept": names[kept.exhibit_id], "gone": names[gone.exhibit_id], "crashed": crashed}


def test_remove_orphans_removes_ours_keeps_strays_and_is_recorded_once(tmp_path: Path) -> None:
    root, names = _store_with_orphans(tmp_path)
    vault = root / "vault"
    plain = run_cli("verify", "--data-dir", root)
    assert plain.returncode == 1 and "4 orphans" in plain.stdout
    assert (vault / names["gone"]).exists(), "plain verify never deletes"

    removed = run_cli("verify", "--remove-orphans", "--json", "--data-dir", root)
    assert removed.returncode == 1, removed.stderr  # the stray file is still reported
    report = json.loads(removed.stdout)
    assert sorted(o["name"] for o in report["removed_orphans"]) == sorted(
        [names["gone"], names["crashed"], f"{'cd' * 16}.partial"])
    assert report["vault"]["orphans"] == [{"name": "copied-by-someone.pdf", "kind": "not a vault object"}]
    assert report["vault"]["intact"] == 1 and report["audit"]["first_broken"] is None
    assert sorted(p.name for p in vault.iterdir()) == sorted([names["kept"], "copied-by-someone.pdf"])
    with Store.open(root, PASSPHRASE, write=False) as store, store.session() as session:
        entries = session.execute(select(m.AuditEntry.summary).where(
            m.AuditEntry.action == "removed_files")).scalars().all()
    assert len(entries) == 1 and "removed 3 orphan files on request" in entries[0]

    (vault / "copied-by-someone.pdf").unlink()
    again = run_cli("verify", "--remove-orphans", "--data-dir", root)
    assert_ok(again)
    assert "orphan files removed: 0" in again.stdout
    assert "evidence vault: ok (1 of 1 exhibit files intact, 0 orphans)" in again.stdout


def test_orphans_are_not_removed_from_a_damaged_database(store: Store) -> None:
    with pytest.raises(InvalidInput, match="The database is damaged, so no orphan file was removed"):
        cli_evidence.remove_orphans(store, ["page 3: btree broken"])
