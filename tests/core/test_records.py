"""Single-record operations: validation per field, update, delete and restore for undo."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from lawyer_desk.core import cases, records
from lawyer_desk.core import models as m
from lawyer_desk.core.demo import demo_cases
from lawyer_desk.core.search import search
from lawyer_desk.core.store import Store


def _counts(store: Store) -> dict[str, int]:
    with store.session() as session:
        return {t.__tablename__: session.execute(select(func.count()).select_from(t)).scalar_one()
                for t in m.CASE_TABLES}


def test_create_validates_and_normalises(store: Store) -> None:
    with store.session() as session:
        cid = records.create(session, m.Client, {"display_name": "Ayşe", "nationalities": ["tr"]})
        nid = records.create(session, m.NameVariant, {"text": "Айше", "script": "Cyrillic"}, client_id=cid)
    with store.session() as session:
        assert records.get(session, m.Client, cid).nationalities == ["TR"]
        assert records.get(session, m.NameVariant, nid).client_id == cid


def test_field_errors_name_every_bad_field(store: Store) -> None:
    with pytest.raises(records.FieldErrors) as caught, store.session() as session:
        records.create(session, m.Client, {"display_name": "", "date_of_birth": "1980-13", "nationalities": ["XX"]})
    assert set(caught.value.errors) == {"display_name", "date_of_birth", "nationalities"}
    assert "not a date" in caught.value.errors["date_of_birth"]
    assert _counts(store)["client"] == 0


def test_update_returns_previous_values_and_is_audited(store: Store) -> None:
    with store.session() as session:
        cid = records.create(session, m.Client, {"display_name": "Old Name"})
    with store.session() as session:
        previous = records.update(session, m.Client, cid, {"display_name": "New Name", "custody_status": "unknown"})
    assert previous == {"display_name": "Old Name"}
    with store.session() as session:
        entry = session.execute(select(m.AuditEntry).order_by(m.AuditEntry.seq.desc())).scalars().first()
        assert entry is not None and entry.action == "update" and "Old Name → New Name" in entry.summary


def test_a_bad_update_changes_nothing(store: Store) -> None:
    with store.session() as session:
        cid = records.create(session, m.Client, {"display_name": "Kept", "date_of_birth": "1980"})
    with pytest.raises(records.FieldErrors), store.session() as session:
        records.update(session, m.Client, cid, {"date_of_birth": "yesterday"})
    with store.session() as session:
        assert records.get(session, m.Client, cid).date_of_birth == "1980"


def test_deleting_a_client_and_restoring_it_brings_everything_back(store: Store) -> None:
    with store.session() as session:
        (cid, *_) = cases.import_cases(session, demo_cases())
    before = _counts(store)
    with store.session() as session:
        gone = records.describe_deletion(session, m.Client, cid)
    assert gone["name_variant"] == 4 and gone["alert"] == 1 and gone["arrest_warrant"] == 1
    with store.session() as session:
        snapshot = records.delete(session, m.Client, cid)
    assert _counts(store)["client"] == before["client"] - 1
    with store.session() as session:
        assert not [h for h in search(session, "Idris") if h.client_id == cid]
        records.restore(session, snapshot)
    assert _counts(store) == before
    with store.session() as session:
        assert {h.client_id for h in search(session, "ئىدرىس")} == {cid}
        client = records.get(session, m.Client, cid)
        ccf = next(p for p in client.proceedings if p.forum == "ccf")
        assert ccf.alert_id == client.alerts[0].id
    assert store.audit_report().intact
    assert store.integrity_problems() == []


def test_deleting_an_alert_and_undoing_relinks_its_proceedings(store: Store) -> None:
    with store.session() as session:
        (cid, *_) = cases.import_cases(session, demo_cases())
    with store.session() as session:
        alert_id = records.get(session, m.Client, cid).alerts[0].id
        snapshot = records.delete(session, m.Alert, alert_id)
    with store.session() as session:
        linked = session.execute(text("SELECT count(*) FROM proceeding WHERE alert_id = :a"), {"a": alert_id}).scalar()
        assert linked == 0
        records.restore(session, snapshot)
    with store.session() as session:
        linked = session.execute(text("SELECT count(*) FROM proceeding WHERE alert_id = :a"), {"a": alert_id}).scalar()
        assert linked == 2
        assert len(records.get(session, m.Alert, alert_id).warrants) == 1


def test_a_proceedings_alert_and_a_deadlines_proceeding_can_change_within_the_case(store: Store) -> None:
    with store.session() as session:
        uyghur, russian, *_ = cases.import_cases(session, demo_cases())
    with store.session() as session:
        client = records.get(session, m.Client, uyghur)
        proceeding = next(p for p in client.proceedings if p.forum == "echr")
        deadline = client.deadlines[0]
        alert_id, other_proceeding = client.alerts[0].id, client.proceedings[0].id
        foreign_alert = records.get(session, m.Client, russian).alerts[0].id
    with store.session() as session:
        previous = records.update(session, m.Proceeding, proceeding.id, {"alert_id": alert_id, "stage": "filed"})
        assert previous == {"alert_id": None, "stage": "Rule 39 request prepared"}
        records.update(session, m.Deadline, deadline.id, {"proceeding_id": other_proceeding})
    with store.session() as session:
        assert records.get(session, m.Proceeding, proceeding.id).alert_id == alert_id
        assert records.get(session, m.Deadline, deadline.id).proceeding_id == other_proceeding
    with pytest.raises(records.FieldErrors) as caught, store.session() as session:
        records.update(session, m.Proceeding, proceeding.id, {"alert_id": foreign_alert})
    assert set(caught.value.errors) == {"alert_id"}
    with pytest.raises(records.FieldErrors), store.session() as session:
        records.create(session, m.Proceeding, {"forum": "ccf"}, client_id=uyghur, alert_id=foreign_alert)
    with store.session() as session:
        assert records.get(session, m.Proceeding, proceeding.id).alert_id == alert_id
