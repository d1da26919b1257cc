"""Deleting and restoring records that hold evidence: a client with exhibits, a single exhibit,
and removing the vault files that no exhibit needs any more — on a real store with real files."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawyer_desk.core import case_evidence, cases, exhibit_checks, exhibits, records
from lawyer_desk.core import models as m
from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.search import search
from lawyer_desk.core.store import Store
from lawyer_desk.core.vault import Vault
from tests.core.evidence_files import text_pdf

PHRASE = "the warrant was issued for political reasons"


@pytest.fixture
def case_id(store: Store) -> int:
    with store.session() as session:
        return records.create(session, m.Client, {"display_name": "Adil Evidence"})


@pytest.fixture
def two_exhibits(store: Store, case_id: int, tmp_path: Path) -> list[exhibits.AddResult]:
    """A ruling with text and its translation (a link between the two), as the lawyer adds them."""
    (tmp_path / "ruling.pdf").write_bytes(text_pdf("Regional Court", PHRASE.capitalize() + "."))
    (tmp_path / "translation.txt").write_text("Перевод решения суда", encoding="utf-8")
    results = exhibits.add_files(store, case_id, [tmp_path / "ruling.pdf", tmp_path / "translation.txt"])
    assert all(r.ok for r in results)
    with store.session() as session:
        exhibits.update_exhibit(session, results[1].exhibit_id or 0, translation_of_id=results[0].exhibit_id,
                                confidential=True)
    return results


def _count(store: Store, table: type) -> int:
    with store.session() as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def _object_names(store: Store) -> set[str]:
    return {p.name for p in store.paths.vault.iterdir()} if store.paths.vault.exists() else set()


def _rows(store: Store, case_id: int) -> list[tuple[object, ...]]:
    with store.session() as session:
        return [(r.id, r.number, r.title, r.sha256, r.translation_of_id, r.confidential, r.text_status)
                for r in exhibits.rows(session, case_id)]


# --- a client with exhibits ---------------------------------------------------------------------
def test_the_deletion_of_a_client_names_its_exhibits_but_not_their_text(
        store: Store, case_id: int, two_exhibits: list[exhibits.AddResult]) -> None:
    with store.session() as session:
        going = records.describe_deletion(session, m.Client, case_id)
    assert going == {"exhibit": 2}
    assert _count(store, m.ExhibitText) == 2  # the text is part of its exhibit, not counted on its own


def test_a_deleted_client_comes_back_with_its_exhibits_pointing_at_the_same_files(
        store: Store, case_id: int, two_exhibits: list[exhibits.AddResult]) -> None:
    before = _rows(store, case_id)
    files = _object_names(store)
    with store.session() as session:
        snapshot = records.delete(session, m.Client, case_id)
    assert sorted(snapshot.vault_objects) == sorted(files)
    assert _count(store, m.Exhibit) == 0 and _count(store, m.ExhibitText) == 0
    assert _object_names(store) == files, "the files wait in the vault for an undo"
    with store.session() as session:
        assert search(session, "political reasons") == []
        records.restore(session, snapshot)

    assert _rows(store, case_id) == before  # same ids, numbers, link, flags
    with store.session() as session:
        assert [h.source_id for h in search(session, "political reasons")] == [two_exhibits[0].exhibit_id]
        assert exhibits.text_of(session, two_exhibits[1].exhibit_id or 0) == "Перевод решения суда"
        custody = [e.event for e in exhibits.custody(session, two_exhibits[0].exhibit_id or 0)]
    assert custody[-2:] == ["removed", "restored"]
    preview = exhibits.read_for_preview(store, two_exhibits[0].exhibit_id or 0)
    assert PHRASE.capitalize().encode() in preview.content
    report = exhibit_checks.verify(store)
    assert report.ok and len(report.checks) == 2 and report.orphans == []
    assert store.audit_report().intact and store.integrity_problems() == []


def test_the_files_of_a_deletion_that_stays_are_removed_and_nothing_else(
        store: Store, case_id: int, two_exhibits: list[exhibits.AddResult], tmp_path: Path) -> None:
    with store.session() as session:
        other = records.create(session, m.Client, {"display_name": "Other Client"})
    (tmp_path / "kept.txt").write_text("another case's letter", encoding="utf-8")
    (kept,) = exhibits.add_files(store, other, [tmp_path / "kept.txt"])
    with store.session() as session:
        kept_name = session.execute(select(m.Exhibit.object_name).where(m.Exhibit.id == kept.exhibit_id)).scalar_one()
    (store.paths.vault / "notes.txt").write_text("not ours", encoding="utf-8")
    with store.session() as session:
        snapshot = records.delete(session, m.Client, case_id)
    entries = store.audit_report().entries

    removed = exhibit_checks.remove_unreferenced(store, [*snapshot.vault_objects, kept_name, "notes.txt", "../x"])
    assert sorted(removed) == sorted(snapshot.vault_objects)
    assert _object_names(store) == {kept_name, "notes.txt"}
    assert store.audit_report().entries == entries + 1  # one entry for the whole removal
    assert exhibit_checks.remove_unreferenced(store, snapshot.vault_objects) == []  # nothing left to do
    assert store.audit_report().entries == entries + 1
    report = exhibit_checks.verify(store)
    assert [o.name for o in report.orphans] == ["notes.txt"]
    assert [c.exhibit_id for c in report.checks] == [kept.exhibit_id] and report.checks[0].ok


def test_a_file_that_an_exhibit_points_at_again_is_never_removed(
        store: Store, case_id: int, two_exhibits: list[exhibits.AddResult]) -> None:
    with store.session() as session:
        snapshot = records.delete(session, m.Client, case_id)
    with store.session() as session:
        records.restore(session, snapshot)
    assert exhibit_checks.remove_unreferenced(store, snapshot.vault_objects) == []
    assert exhibit_checks.verify(store).ok


# --- a single exhibit -------------------------------------------------------------------------
def test_a_deleted_exhibit_comes_back_with_its_text_and_the_translation_pointing_at_it(
        store: Store, case_id: int, two_exhibits: list[exhibits.AddResult]) -> None:
    original, translation = (r.exhibit_id or 0 for r in two_exhibits)
    before = _rows(store, case_id)
    with store.session() as session:
        snapshot = records.delete(session, m.Exhibit, original)
    assert len(snapshot.vault_objects) == 1
    with store.session() as session:
        assert exhibits.row(session, translation).translation_of_id is None  # the database cleared the link
        records.restore(session, snapshot)
    assert _rows(store, case_id) == before
    with store.session() as session:
        assert [e.event for e in exhibits.custody(session, original)][-2:] == ["removed", "restored"]
    assert exhibit_checks.verify(store).ok


def test_a_translation_comes_back_without_its_original_when_that_is_gone(
        store: Store, case_id: int, two_exhibits: list[exhibits.AddResult]) -> None:
    original, translation = (r.exhibit_id or 0 for r in two_exhibits)
    with store.session() as session:
        snapshot = records.delete(session, m.Exhibit, translation)
    exhibits.delete_exhibit(store, original)
    with store.session() as session:
        records.restore(session, snapshot)
    with store.session() as session:
        assert exhibits.row(session, translation).translation_of_id is None


def _last_restore_entry(session: Session) -> m.AuditEntry:
    entry = session.execute(select(m.AuditEntry).where(m.AuditEntry.action == "restore")
                            .order_by(m.AuditEntry.seq.desc())).scalars().first()
    assert entry is not None
    return entry


def test_an_exhibit_whose_number_was_taken_meanwhile_comes_back_under_its_id_and_a_new_number(
        store: Store, case_id: int, two_exhibits: list[exhibits.AddResult], tmp_path: Path) -> None:
    first, second = (r.exhibit_id or 0 for r in two_exhibits)
    with store.session() as session:
        snapshot = records.delete(session, m.Exhibit, second)
    (tmp_path / "new.txt").write_text("a new letter", encoding="utf-8")
    (new,) = exhibits.add_files(store, case_id, [tmp_path / "new.txt"])  # not on the undo history
    assert new.number == "2", "the deleted exhibit's number went to the newcomer"
    assert (new.exhibit_id or 0) > second, "but never its id (AUTOINCREMENT), nor with it its custody entries"
    with store.session() as session:
        assert [e.event for e in exhibits.custody(session, new.exhibit_id or 0)] == ["added"]
        back = records.restore(session, snapshot)  # no new id needed
    assert back == second
    with store.session() as session:
        restored = exhibits.row(session, second)
        assert (restored.number, restored.translation_of_id, restored.sha256) == ("3", first, two_exhibits[1].sha256)
        assert exhibits.text_of(session, second) == "Перевод решения суда"
        newcomer = exhibits.row(session, new.exhibit_id or 0)
        assert (newcomer.number, newcomer.filename) == ("2", "new.txt")  # the newcomer is untouched
        assert [e.event for e in exhibits.custody(session, second)][-2:] == ["removed", "restored"]
        entry = _last_restore_entry(session)
    assert entry.entity_id == second
    assert "number 2 is now another exhibit's; restored as 3" in entry.summary
    assert "taken meanwhile" not in entry.summary
    assert exhibit_checks.verify(store).ok


def _alert_with_warrant_and_proceeding(session: Session, client_id: int) -> int:
    alert = records.create(session, m.Alert, {"reference": "2026/70001", "requesting_country": "RU"},
                           client_id=client_id)
    records.create(session, m.ArrestWarrant, {"charge": "fraud"}, alert_id=alert)
    records.create(session, m.Proceeding, {"forum": "ccf"}, client_id=client_id, alert_id=alert)
    return alert


def test_after_an_import_a_deleted_client_comes_back_under_its_own_ids_and_moves_only_what_was_taken(
        store: Store, case_id: int, two_exhibits: list[exhibits.AddResult], tmp_path: Path) -> None:
    with store.session() as session:
        records.create(session, m.NameVariant, {"text": "Адиль"}, client_id=case_id)
        alert = _alert_with_warrant_and_proceeding(session, case_id)
    before = _rows(store, case_id)
    with store.session() as session:  # the same case, exported with its files, comes in again as a new one
        case = cases.export_case(session, case_id).model_copy(update={"uid": None, "evidence_dir": "evidence"})
        case_evidence.export_evidence(session, Vault.of(store), case_id, case, tmp_path / "evidence")
    with store.session() as session:
        snapshot = records.delete(session, m.Client, case_id)
    newcomer = case_evidence.import_case(store, case, tmp_path / "case.json")  # not on the undo history
    with store.session() as session:
        theirs = exhibits.rows(session, newcomer)
        their_alert = records.get(session, m.Client, newcomer).alerts[0].id
        # The import picks ids itself: never a deleted client's or exhibit's (AUTOINCREMENT) ...
        assert newcomer > case_id and min(r.id for r in theirs) > max(r[0] for r in before)
        assert [e.event for e in exhibits.custody(session, theirs[0].id)] == ["added"]
        assert session.execute(select(func.count()).select_from(m.AuditEntry).where(
            m.AuditEntry.client_id == newcomer, m.AuditEntry.action == "delete")).scalar_one() == 0
    assert their_alert == alert, "... but the alert table still gives the highest id again"

    with store.session() as session:
        back = records.restore(session, snapshot)  # the client's own id is free: no new id needed
    assert back == case_id
    assert _rows(store, case_id) == before  # the exhibits under their ids, numbers, link, flags
    with store.session() as session:
        client = records.get(session, m.Client, case_id)
        (moved,) = client.alerts
        assert moved.id not in (alert, their_alert) and moved.reference == "2026/70001"
        assert [w.charge for w in moved.warrants] == ["fraud"], "the warrant follows its alert to the new id"
        assert [p.alert_id for p in client.proceedings] == [moved.id]
        assert [n.text for n in client.names] == ["Адиль"]
        assert records.get(session, m.Alert, their_alert).client_id == newcomer  # the newcomer's is untouched
        assert {h.client_id for h in search(session, "political reasons")} == {case_id, newcomer}
        assert "taken meanwhile" not in _last_restore_entry(session).summary
    report = exhibit_checks.verify(store)
    assert report.ok and len(report.checks) == 4
    assert store.integrity_problems() == [] and store.audit_report().intact


def test_a_record_whose_own_id_was_taken_meanwhile_comes_back_only_under_a_new_one(
        store: Store, case_id: int) -> None:
    """Alerts (like names, notes…) are not AUTOINCREMENT: an alert added later takes a deleted one's id."""
    with store.session() as session:
        alert = _alert_with_warrant_and_proceeding(session, case_id)
    with store.session() as session:
        snapshot = records.delete(session, m.Alert, alert)
    with store.session() as session:
        newcomer = records.create(session, m.Alert, {"reference": "2026/70002"}, client_id=case_id)
    assert newcomer == alert
    with pytest.raises(InvalidInput, match="cannot be brought back"), store.session() as session:
        records.restore(session, snapshot)
    assert _count(store, m.Alert) == 1 and _count(store, m.ArrestWarrant) == 0, "a refused restore leaves nothing"

    with store.session() as session:
        back = records.restore(session, snapshot, new_id_allowed=True)
    assert back not in (alert, newcomer)
    with store.session() as session:
        restored = records.get(session, m.Alert, back)
        assert (restored.reference, [w.charge for w in restored.warrants]) == ("2026/70001", ["fraud"])
        assert [p.alert_id for p in records.get(session, m.Client, case_id).proceedings] == [back]
        assert records.get(session, m.Alert, newcomer).reference == "2026/70002"  # the newcomer is untouched
        entry = _last_restore_entry(session)
    assert entry.entity_id == back and f"id {alert} was taken meanwhile; restored as {back}" in entry.summary
    assert store.integrity_problems() == [] and store.audit_report().intact


def test_a_row_that_must_move_gets_an_id_above_every_id_its_table_gave(
        store: Store, case_id: int, two_exhibits: list[exhibits.AddResult], tmp_path: Path) -> None:
    """Should an exhibit's id be taken all the same, the new one is not that of an exhibit deleted for good."""
    first, second = (r.exhibit_id or 0 for r in two_exhibits)
    with store.session() as session:
        snapshot = records.delete(session, m.Client, case_id)
        other = records.create(session, m.Client, {"display_name": "Other Client"})
    (tmp_path / "gone.txt").write_text("deleted for good", encoding="utf-8")
    (gone,) = exhibits.add_files(store, other, [tmp_path / "gone.txt"])
    exhibits.delete_exhibit(store, gone.exhibit_id or 0)
    with store.session() as session:
        assert records.highest_id_given(session, m.Exhibit.__table__) == gone.exhibit_id  # type: ignore[attr-defined]
        session.add(m.Exhibit(id=second, client_id=other, number="1", title="put in by hand", filename="x.txt",
                              media_type="text/plain", size=1, sha256="0" * 64, object_name="0" * 32))
    with store.session() as session:
        assert records.restore(session, snapshot) == case_id
    with store.session() as session:
        ids = [r.id for r in exhibits.rows(session, case_id)]
        assert ids == [first, (gone.exhibit_id or 0) + 1]
        assert exhibits.row(session, ids[1]).translation_of_id == first
        assert [e.event for e in exhibits.custody(session, ids[1])] == ["restored"]  # no one else's history


# --- orphans, removed on request --------------------------------------------------------------
def test_remove_orphans_takes_objects_without_an_exhibit_and_unfinished_writes_only(
        store: Store, case_id: int, two_exhibits: list[exhibits.AddResult], tmp_path: Path) -> None:
    (tmp_path / "lost.txt").write_text("left behind", encoding="utf-8")
    vault = Vault.of(store)
    lost = vault.write_file(tmp_path / "lost.txt").name  # as a crash between the file and its row leaves it
    held = vault.write_file(tmp_path / "lost.txt").name  # one an undo still needs
    (store.paths.vault / f"{'ab' * 16}.partial").write_bytes(b"half")
    (store.paths.vault / "stray.txt").write_text("not ours", encoding="utf-8")
    entries = store.audit_report().entries
    kinds = sorted(o.kind for o in exhibit_checks.orphans(store))
    assert kinds == ["no exhibit", "no exhibit", "not a vault object", "unfinished write"]

    removed = exhibit_checks.remove_orphans(store, keep=[held])
    assert sorted((o.name, o.kind) for o in removed) == sorted([(lost, "no exhibit"),
                                                                (f"{'ab' * 16}.partial", "unfinished write")])
    assert {o.name for o in exhibit_checks.orphans(store)} == {held, "stray.txt"}
    assert store.audit_report().entries == entries + 1
    with store.session() as session:
        entry = session.execute(select(m.AuditEntry).order_by(m.AuditEntry.seq.desc())).scalars().first()
    assert entry is not None and entry.action == "removed_files" and lost in entry.summary
    assert exhibit_checks.remove_orphans(store, keep=[held]) == []
    assert store.audit_report().entries == entries + 1
    assert exhibit_checks.remove_orphans(store, only=["stray.txt"]) == []  # never a file that is not ours
    assert [o.name for o in exhibit_checks.remove_orphans(store, only=[held])] == [held]
    assert {o.name for o in exhibit_checks.orphans(store)} == {"stray.txt"}
    assert exhibit_checks.verify(store, client_id=case_id).ok  # the exhibits' own files were not touched
