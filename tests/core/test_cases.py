"""Importing, exporting and listing whole cases in a real encrypted store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lawyer_desk.core import cases
from lawyer_desk.core import models as m
from lawyer_desk.core.demo import demo_cases
from lawyer_desk.core.errors import InvalidInput, NotFound
from lawyer_desk.core.interchange import case_json as cj
from lawyer_desk.core.search import search
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.core.vocab import NameKind, Script
from tests.conftest import PASSPHRASE


def _counts(store: Store) -> dict[str, int]:
    with store.session() as session:
        return {table.__tablename__: session.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (*m.CASE_TABLES, m.AuditEntry)}


def _without_export_time(text: str) -> dict[str, object]:
    data = json.loads(text)
    data.pop("exported_at")
    return data


def test_demo_covers_the_required_cases(store: Store) -> None:
    with store.session() as session:
        ids = cases.import_cases(session, demo_cases())
    assert len(ids) >= 3
    with store.session() as session:
        rows = {row.id: row for row in cases.list_cases(session)}
        uyghur = next(c for c in demo_cases() if c.client.ethnicity == "Uyghur")
        scripts = {n.script for n in uyghur.names}
        assert {"Arabic", "Latin", "Han"} <= scripts
        assert any(n.romanisation == "Hanyu Pinyin" for n in uyghur.names)
        alerts = session.execute(select(m.Alert)).scalars().all()
        assert any(a.type == "wanted_person_diffusion" and a.requesting_country == "RU" for a in alerts)
        deleted = next(a for a in alerts if a.status == "deleted")
        states = {n.state for n in deleted.notifications}
        assert "confirmed" in states and states & {"sent", "outstanding"}
        assert all(row.next_deadline for row in rows.values())
        for query in ("yidiresi", "Idris", "ئىدرىس", "伊德", "Ветров", "yildirim"):
            assert search(session, query), query


def test_export_import_export_is_identical_apart_from_time(store: Store, tmp_path: Path) -> None:
    with store.session() as session:
        (case_id, *_) = cases.import_cases(session, demo_cases())
    with store.session() as session:
        first = cj.dumps(cases.export_case(session, case_id))
    other = Store.create(tmp_path / "other", PASSPHRASE, KdfParams.cheap())
    try:
        with other.session() as session:
            (copy_id,) = cases.import_cases(session, [cj.parse(first.encode(), "first.json")])
        with other.session() as session:
            second = cj.dumps(cases.export_case(session, copy_id))
    finally:
        other.close()
    assert _without_export_time(first) == _without_export_time(second)
    assert first.split('"exported_at"')[0] == second.split('"exported_at"')[0]
    assert "\r\n" in json.loads(first)["alerts"][0]["warrants"][0]["charge"]


def test_links_between_alerts_proceedings_and_deadlines_survive(store: Store) -> None:
    with store.session() as session:
        (case_id, *_) = cases.import_cases(session, demo_cases())
    with store.session() as session:
        client = session.get(m.Client, case_id)
        assert client is not None
        ccf = next(p for p in client.proceedings if p.forum == "ccf")
        assert ccf.alert_id == client.alerts[0].id
        assert any(d.proceeding_id == ccf.id for d in client.deadlines)


def test_import_is_all_or_nothing(store: Store) -> None:
    """A failure on the last table of the last case leaves nothing of any case behind."""
    good, bad = demo_cases()[:2]
    broken_name = cj.NameV1.model_construct(text=None, script=Script.latin, language=None, romanisation=None,
                                            kind=NameKind.legal, source=None)
    bad = bad.model_copy(update={"names": [*bad.names, broken_name]})
    before = _counts(store)
    with pytest.raises(IntegrityError), store.session() as session:
        cases.import_cases(session, [good, bad])
    assert _counts(store) == before
    with store.session() as session:
        assert search(session, "Idris") == []


def test_same_case_twice_is_refused(store: Store) -> None:
    first = demo_cases()[0]
    first.uid = "0" * 32
    with store.session() as session:
        cases.import_cases(session, [first])
    before = _counts(store)
    with pytest.raises(InvalidInput, match="already in the store"), store.session() as session:
        cases.import_cases(session, [first])
    assert _counts(store) == before


def test_import_is_audited_once_per_case(store: Store) -> None:
    with store.session() as session:
        ids = cases.import_cases(session, demo_cases())
    with store.session() as session:
        entries = session.execute(select(m.AuditEntry).where(m.AuditEntry.action == "import")).scalars().all()
    assert sorted(e.client_id for e in entries) == sorted(ids)
    assert store.audit_report().intact


def test_export_of_missing_case(store: Store) -> None:
    with pytest.raises(NotFound), store.session() as session:
        cases.export_case(session, 999)


def test_list_filters_by_status(store: Store) -> None:
    with store.session() as session:
        ids = cases.import_cases(session, demo_cases())
    with store.session() as session:
        client = session.get(m.Client, ids[0])
        assert client is not None
        client.status = m.CaseStatus.closed
    with store.session() as session:
        assert [r.id for r in cases.list_cases(session, "closed")] == [ids[0]]
        assert ids[0] not in [r.id for r in cases.list_cases(session, "open")]
