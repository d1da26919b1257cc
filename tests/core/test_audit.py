"""The audit trail: one HMAC chain over every change made through the ORM."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlmodel import select

from lawyer_desk.core import audit
from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store
from tests.conftest import PASSPHRASE


def _entries(store: Store) -> list[m.AuditEntry]:
    with store.session() as session:
        return list(session.exec(select(m.AuditEntry).order_by(m.AuditEntry.seq)))  # type: ignore[arg-type]


def _raw(store: Store, sql: str) -> None:
    assert store.engine is not None
    with store.engine.begin() as conn:
        conn.exec_driver_sql(sql)


def _case(store: Store) -> int:
    """One client with a child of each kind that links to the client directly or through an alert."""
    with store.session() as session:
        client = m.Client(display_name="Idris Mamut")
        client.names = [m.NameVariant(text="Идрис Мамут")]
        alert = m.Alert(reference="2019/12345")
        alert.warrants = [m.ArrestWarrant(charge="Separatism")]
        alert.history = [m.AlertStatusChange(status="published", date="2019-05")]
        client.alerts = [alert]
        client.notes = [m.Note(title="Intake", body="First meeting.")]
        client.events = [m.Event(date="2017-04", title="Left the country")]
        client.deadlines = [m.Deadline(title="CCF reply", due_date=date(2025, 1, 31))]
        session.add(client)
        session.flush()
        assert client.id is not None
        return client.id


def test_each_change_is_one_link_with_client(store: Store) -> None:
    client_id = _case(store)
    created = _entries(store)
    assert sorted(e.entity for e in created) == sorted(
        ["client", "name_variant", "alert", "arrest_warrant", "alert_status_change", "note", "event", "deadline"])
    assert {e.action for e in created} == {"create"}
    assert created[0].entity == "client" and created[0].entity_id == client_id

    with store.session() as session:
        client = session.get(m.Client, client_id)
        assert client is not None
        client.display_name = "Idris MAMUT"
        client.alerts[0].warrants[0].charge = "Separatism (art. 103)"
    with store.session() as session:
        session.delete(session.exec(select(m.Note)).one())

    entries = _entries(store)
    assert len(entries) == 11
    assert [e.seq for e in entries] == list(range(1, 12))
    assert entries[0].prev_hash == audit.GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in entries}) == 11
    assert all(e.client_id == client_id for e in entries), [(e.entity, e.client_id) for e in entries]

    updates = [(e.entity, e.summary) for e in entries if e.action == "update"]
    assert ("client", "display_name: Idris Mamut → Idris MAMUT") in updates
    assert ("arrest_warrant", "charge: Separatism → Separatism (art. 103)") in updates
    assert [(e.action, e.entity) for e in entries[-1:]] == [("delete", "note")]
    assert "First meeting." in entries[-1].summary

    report = store.audit_report()
    assert report.intact and report.first_broken is None
    assert report.entries == 11 and report.head == entries[-1].hash


def test_no_change_no_entry(store: Store) -> None:
    client_id = _case(store)
    count = len(_entries(store))
    with store.session() as session:
        client = session.get(m.Client, client_id)
        assert client is not None
        client.display_name = "Idris Mamut"  # same value
        session.exec(select(m.Note)).all()
    assert len(_entries(store)) == count


def test_removing_a_child_from_its_list_is_recorded(store: Store) -> None:
    """A child dropped from a relationship (delete-orphan) is deleted: that is a change too."""
    client_id = _case(store)
    with store.session() as session:
        client = session.get(m.Client, client_id)
        assert client is not None
        client.names.remove(client.names[0])
    last = _entries(store)[-1]
    assert (last.action, last.entity, last.client_id) == ("delete", "name_variant", client_id)
    assert "Идрис Мамут" in last.summary
    with store.session() as session:
        assert session.exec(select(m.NameVariant)).all() == []
    assert store.audit_report().intact


def test_deleting_a_client_is_recorded(store: Store) -> None:
    client_id = _case(store)
    with store.session() as session:
        session.delete(session.get(m.Client, client_id))
    last = _entries(store)[-1]
    assert (last.action, last.entity, last.entity_id, last.client_id) == ("delete", "client", client_id, client_id)
    assert store.audit_report().intact


def test_deleting_a_client_with_loaded_children_names_the_client_everywhere(store: Store) -> None:
    """Children deleted with their client (ORM cascade) still carry the client, even through an alert."""
    client_id = _case(store)
    count = len(_entries(store))
    with store.session() as session:
        client = session.get(m.Client, client_id)
        assert client is not None
        for alert in client.alerts:  # load the grandchildren so the ORM deletes them itself
            assert alert.warrants and alert.history
        session.delete(client)
    deleted = _entries(store)[count:]
    assert {e.entity for e in deleted} >= {"client", "alert", "arrest_warrant", "alert_status_change"}
    assert {e.action for e in deleted} == {"delete"}
    assert all(e.client_id == client_id for e in deleted), [(e.entity, e.client_id) for e in deleted]
    assert store.audit_report().intact


def test_chain_continues_across_reopen(store: Store) -> None:
    _case(store)
    head = store.audit_report().head
    store.close()
    with Store.open(store.paths.root, PASSPHRASE) as again:
        with again.session() as session:
            session.add(m.Client(display_name="Second client"))
        entries = _entries(again)
        assert entries[-2].hash == head and entries[-1].prev_hash == head
        assert again.audit_report().intact


def test_tampered_summary_breaks_at_that_entry(store: Store) -> None:
    _case(store)
    _raw(store, "UPDATE audit_entry SET summary = 'display_name=Someone else' WHERE seq = 3")
    report = store.audit_report()
    assert not report.intact
    assert report.first_broken == 3
    assert report.entries == 2


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_entry SET action = 'update' WHERE seq = 3",
        "UPDATE audit_entry SET client_id = 99 WHERE seq = 3",
        "UPDATE audit_entry SET at = '2001-01-01 00:00:00.000000' WHERE seq = 3",
        "UPDATE audit_entry SET hash = (SELECT hash FROM audit_entry WHERE seq = 4) WHERE seq = 3",
        "UPDATE audit_entry SET prev_hash = (SELECT hash FROM audit_entry WHERE seq = 1) WHERE seq = 3",
        "UPDATE audit_entry SET seq = 30 WHERE seq = 3",
    ],
)
def test_any_tampered_field_breaks_at_that_entry(store: Store, sql: str) -> None:
    _case(store)
    _raw(store, sql)
    assert store.audit_report().first_broken == 3


@pytest.mark.parametrize("seq", [1, 3, 5])
def test_deleted_entry_breaks_at_its_seq(store: Store, seq: int) -> None:
    _case(store)
    _raw(store, f"DELETE FROM audit_entry WHERE seq = {seq}")
    assert store.audit_report().first_broken == seq


def test_wrong_key_breaks_at_first_entry(store: Store) -> None:
    _case(store)
    with store.session() as session:
        report = audit.verify(session, b"\x00" * 32)
    assert report.first_broken == 1 and report.entries == 0


def test_empty_chain_is_intact(store: Store) -> None:
    report = store.audit_report()
    assert (report.entries, report.head, report.first_broken) == (0, audit.GENESIS, None)


def test_contains_finds_the_head(store: Store) -> None:
    _case(store)
    head = store.audit_report().head
    with store.session() as session:
        assert audit.contains(session, head)
        assert audit.contains(session, head.upper())
        assert not audit.contains(session, "f" * 64)
        assert not audit.contains(session, audit.GENESIS)
    first = _entries(store)[0].hash
    with store.session() as session:
        assert audit.contains(session, first)


def test_rolled_back_session_leaves_no_entries(store: Store) -> None:
    _case(store)
    before = _entries(store)

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), store.session() as session:
        session.add(m.Client(display_name="Never saved"))
        session.flush()  # the entry is written inside the transaction ...
        assert len(session.exec(select(m.AuditEntry)).all()) == len(before) + 1
        raise Abandoned  # ... and goes with it
    after = _entries(store)
    assert [e.hash for e in after] == [e.hash for e in before]
    with store.session() as session:
        assert [c.display_name for c in session.exec(select(m.Client))] == ["Idris Mamut"]
    assert store.audit_report().intact


def test_bulk_append_joins_the_chain(store: Store) -> None:
    _case(store)
    with store.session() as session:
        new_head = audit.append(session, [audit.Change("import", "client", 1, 1, "from a file"),
                                          audit.Change("import", "note", 2, 1, "from a file")])
    report = store.audit_report()
    assert report.intact and report.head == new_head and report.entries == 10
