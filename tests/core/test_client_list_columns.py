"""The client list's stored columns (``list_*``, migration 0003) follow every change.

Each test changes the store the way the program does (ORM, records, bulk import, undo,
upgrade) and then compares every client's stored columns with what its names, alerts and
deadlines say, worked out here in Python.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from lawyer_desk.core import cases, list_columns, records, search
from lawyer_desk.core import models as m
from lawyer_desk.core.client_list import ClientFilter, SortColumn, SortKey, _listed_ids
from lawyer_desk.core.demo import demo_cases
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import AlertStatus, CaseStatus, DeadlineStatus, Script

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "stores"
DAY = date(2026, 3, 10)


def _stored(session: Any) -> dict[int, tuple[Any, ...]]:
    rows = session.execute(text(
        "SELECT id, list_names, list_alerts, list_nationality, list_requesting, list_next_due, list_next_title "
        "FROM client ORDER BY id"))
    return {row[0]: (json.loads(row[1]), json.loads(row[2]), *row[3:]) for row in rows}


def _expected(session: Any) -> dict[int, tuple[Any, ...]]:
    """The same columns, from the client's own rows."""
    out = {}
    for cid, nationalities in session.execute(text("SELECT id, nationalities FROM client ORDER BY id")):
        names = list(session.execute(text("SELECT text FROM name_variant WHERE client_id = :c ORDER BY id"),
                                     {"c": cid}).scalars())
        alerts = [list(row) for row in session.execute(text(
            "SELECT requesting_country, status FROM alert WHERE client_id = :c ORDER BY id"), {"c": cid})]
        deadlines = sorted(session.execute(text(
            "SELECT due_date, id, title FROM deadline WHERE client_id = :c AND status = 'open'"), {"c": cid}).all())
        first = json.loads(nationalities)
        out[cid] = (names, alerts, first[0] if first else None, min((c for c, _ in alerts if c), default=None),
                    deadlines[0][0] if deadlines else None, deadlines[0][2] if deadlines else None)
    return out


def _check(store: Store) -> dict[int, tuple[Any, ...]]:
    with store.session() as session:
        stored = _stored(session)
        assert stored == _expected(session)
    return stored


@pytest.fixture
def idris(store: Store) -> int:
    with store.session() as session:
        client = m.Client(display_name="Idris Mamut", nationalities=["CN", "TR"])
        client.names = [m.NameVariant(text="Idris Mamut"), m.NameVariant(text="ئىدرىس مامۇت", script=Script.arabic)]
        client.alerts = [m.Alert(requesting_country="CN", status=AlertStatus.published)]
        client.deadlines = [m.Deadline(title="Observations", due_date=DAY),
                            m.Deadline(title="Done long ago", due_date=DAY - timedelta(days=30),
                                       status=DeadlineStatus.done)]
        session.add(client)
        session.add(m.Client(display_name="Rustam Nazarov"))  # a neighbour that must stay as it is
        session.flush()
        assert client.id is not None
        return client.id


def test_a_new_client_has_its_columns(store: Store, idris: int) -> None:
    stored = _check(store)
    assert stored[idris] == (["Idris Mamut", "ئىدرىس مامۇت"], [["CN", "published"]], "CN", "CN",
                             DAY.isoformat(), "Observations")
    assert stored[idris + 1] == ([], [], None, None, None, None)


def test_deadlines_added_changed_done_and_deleted(store: Store, idris: int) -> None:
    with store.session() as session:
        earlier = records.create(session, m.Deadline, {"title": "Reply", "due_date": DAY - timedelta(days=1)},
                                 client_id=idris)
    assert _check(store)[idris][4:] == ((DAY - timedelta(days=1)).isoformat(), "Reply")
    with store.session() as session:
        records.update(session, m.Deadline, earlier, {"due_date": DAY + timedelta(days=5)})
    assert _check(store)[idris][4:] == (DAY.isoformat(), "Observations")
    with store.session() as session:
        first = session.exec(select(m.Deadline).where(m.Deadline.title == "Observations")).one()
        first.status = DeadlineStatus.done
    assert _check(store)[idris][4:] == ((DAY + timedelta(days=5)).isoformat(), "Reply")
    with store.session() as session:
        records.update(session, m.Deadline, earlier, {"title": "Reply to the NCB"})
    assert _check(store)[idris][5] == "Reply to the NCB"
    with store.session() as session:
        records.delete(session, m.Deadline, earlier)
    assert _check(store)[idris][4:] == (None, None)  # only done deadlines left


def test_alerts_added_changed_and_deleted(store: Store, idris: int) -> None:
    with store.session() as session:
        added = records.create(session, m.Alert, {"requesting_country": "BY", "status": "requested"},
                               client_id=idris)
    assert _check(store)[idris][1:4] == ([["CN", "published"], ["BY", "requested"]], "CN", "BY")
    with store.session() as session:
        records.update(session, m.Alert, added, {"requesting_country": "RU", "status": "challenged"})
    assert _check(store)[idris][1:4] == ([["CN", "published"], ["RU", "challenged"]], "CN", "CN")
    with store.session() as session:
        records.delete(session, m.Alert, added)
        session.exec(select(m.Alert)).one().requesting_country = None
    assert _check(store)[idris][1:4] == ([[None, "published"]], "CN", None)


def test_names_added_changed_and_deleted(store: Store, idris: int) -> None:
    with store.session() as session:
        added = records.create(session, m.NameVariant, {"text": "Идрис Мамут", "script": Script.cyrillic},
                               client_id=idris)
        records.update(session, m.NameVariant, added, {"text": "Идрис Мамутов"})
    assert _check(store)[idris][0] == ["Idris Mamut", "ئىدرىس مامۇت", "Идрис Мамутов"]
    with store.session() as session:
        records.delete(session, m.NameVariant, added)
    assert _check(store)[idris][0] == ["Idris Mamut", "ئىدرىس مامۇت"]


def test_nationality_and_status_edits(store: Store, idris: int) -> None:
    with store.session() as session:
        records.update(session, m.Client, idris, {"nationalities": ["TR"]})
    assert _check(store)[idris][2] == "TR"
    with store.session() as session:
        records.update(session, m.Client, idris, {"nationalities": [], "status": CaseStatus.closed})
    assert _check(store)[idris][2] is None
    with store.session() as session:
        assert _listed_ids(session, ClientFilter(status=frozenset({CaseStatus.closed})),
                           SortKey(SortColumn.next_deadline)) == [idris]


def test_a_renamed_client_is_searched_by_the_new_name_and_other_edits_leave_the_index_alone(
        store: Store, idris: int) -> None:
    def index_row() -> Any:
        with store.session() as session:
            return session.execute(text("SELECT rowid, text FROM search_index WHERE rowid = :r"),
                                   {"r": idris * 16 + 6}).one()

    before = index_row()
    with store.session() as session:
        records.create(session, m.Deadline, {"title": "Hearing", "due_date": DAY}, client_id=idris)
        records.update(session, m.Client, idris, {"status": CaseStatus.closed})
    assert index_row() == before
    with store.session() as session:
        records.update(session, m.Client, idris, {"display_name": "Idris Mamutov"})
    assert index_row()[1] == "Idris Mamutov"
    assert store.integrity_problems() == []


def test_undo_of_a_delete_puts_the_columns_back(store: Store, idris: int) -> None:
    expected = _check(store)
    with store.session() as session:
        deadline = session.exec(select(m.Deadline).where(m.Deadline.title == "Observations")).one()
        gone_deadline = records.delete(session, m.Deadline, deadline.id)
    with store.session() as session:
        gone_client = records.delete(session, m.Client, idris)
    assert idris not in _check(store)
    with store.session() as session:
        records.restore(session, gone_client)
    with store.session() as session:
        records.restore(session, gone_deadline)
    assert _check(store) == expected


def test_bulk_import_fills_the_columns(store: Store) -> None:
    """The insert triggers stand aside during the import; ``search.index_clients`` does their work."""
    with store.session() as session:
        ids = cases.import_cases(session, demo_cases(DAY))
    stored = _check(store)
    assert all(stored[cid][0] and stored[cid][1] for cid in ids)  # every demo case has names and alerts
    assert all(stored[cid][2] and stored[cid][3] and stored[cid][4] for cid in ids)
    with store.session() as session:  # and the triggers work again afterwards
        records.create(session, m.NameVariant, {"text": "Added later"}, client_id=ids[0])
    assert _check(store)[ids[0]][0][-1] == "Added later"


def test_a_refresh_repairs_the_columns(store: Store, idris: int) -> None:
    expected = _check(store)
    with store.session() as session:
        session.execute(text("UPDATE client SET list_names = '[]', list_alerts = '[]', list_nationality = NULL, "
                             "list_requesting = NULL, list_next_due = NULL, list_next_title = NULL"))
        list_columns.refresh(session, range(idris, idris + 2))
    assert _check(store) == expected


def test_the_upgrade_from_the_first_schema_fills_the_columns(tmp_path: Path) -> None:
    copy = tmp_path / "rev0001"
    shutil.copytree(FIXTURES / "rev0001", copy)
    with Store.open(copy, "fixture passphrase 0001") as store:
        stored = _check(store)
        assert len(stored) == 4 and all(names for names, *_ in stored.values())
        assert {nationality for _, _, nationality, *_ in stored.values()} >= {"CN", "RU"}
        assert any(due for *_, due, _title in stored.values())
        with store.engine.connect() as conn:  # type: ignore[union-attr]
            assert search.missing_triggers(conn) == []


def test_a_lost_list_trigger_is_reported(store: Store) -> None:
    with store.session() as session:
        session.execute(text("DROP TRIGGER deadline_list_update"))
        assert search.missing_triggers(session) == ["deadline_list_update"]
