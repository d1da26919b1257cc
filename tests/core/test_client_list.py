"""The client list in SQL: filters, every sort key both ways (empty values last), search, pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, text

from lawyer_desk.core import client_list
from lawyer_desk.core import models as m
from lawyer_desk.core.client_list import ClientFilter, SortColumn, SortKey, client_ids, client_rows, filter_choices
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import AlertStatus, CaseStatus, CustodyStatus, DeadlineStatus, Script

TODAY = date(2026, 3, 10)
ALL = ClientFilter(status=None)


def _deadline(offset: int, status: DeadlineStatus = DeadlineStatus.open, title: str = "File") -> m.Deadline:
    return m.Deadline(title=title, due_date=TODAY + timedelta(days=offset), status=status)


@pytest.fixture
def clients(store: Store) -> dict[str, int]:
    """Five clients that differ in every column; ids by first name."""
    idris = m.Client(display_name="Idris Mamut", nationalities=["CN"], custody_status=CustodyStatus.detained,
                     custody_facility="Areszt Śledczy Warszawa-Białołęka")
    idris.names = [m.NameVariant(text="Idris Mamut"), m.NameVariant(text="ئىدرىس مامۇت", script=Script.arabic),
                   m.NameVariant(text="伊德日斯·买买提", script=Script.han),
                   m.NameVariant(text="Идрис Мамут", script=Script.cyrillic)]
    idris.alerts = [m.Alert(requesting_country="CN", status=AlertStatus.challenged, reference="2017/71234")]
    idris.deadlines = [_deadline(-2, title="Observations"), _deadline(-10, DeadlineStatus.done)]

    aleksei = m.Client(display_name="Aleksei Vetrov", nationalities=["RU"], custody_status=CustodyStatus.bail)
    aleksei.names = [m.NameVariant(text="Алексей Ветров", script=Script.cyrillic)]
    aleksei.alerts = [m.Alert(requesting_country="RU", status=AlertStatus.published),
                      m.Alert(requesting_country="BY", status=AlertStatus.requested)]
    aleksei.deadlines = [_deadline(3, title="Reply to the NCB"), _deadline(40)]
    aleksei.notes = [m.Note(title="Family", body="His cousin shared a cell with Idris in 2019.")]

    rustam = m.Client(display_name="Rustam Nazarov", nationalities=[], custody_status=CustodyStatus.free,
                      status=CaseStatus.closed)

    ayse = m.Client(display_name="ayse yildirim", nationalities=["TR"], status=CaseStatus.archived)
    ayse.alerts = [m.Alert(requesting_country="TR", status=AlertStatus.deleted)]
    ayse.deadlines = [_deadline(60)]

    zhou = m.Client(display_name="Zhou Wei", nationalities=["CN", "TR"], custody_status=CustodyStatus.house_arrest)
    zhou.alerts = [m.Alert(requesting_country="CN", status=AlertStatus.published)]
    zhou.deadlines = [_deadline(30)]

    people = {"idris": idris, "aleksei": aleksei, "rustam": rustam, "ayse": ayse, "zhou": zhou}
    with store.session() as session:
        session.add_all(people.values())
        session.flush()
        return {key: client.id for key, client in people.items()}  # type: ignore[misc]


def _ids(store: Store, flt: ClientFilter = ALL, sort: SortKey | None = None) -> list[int]:
    with store.session() as session:
        return client_ids(session, flt, sort).ids


def _names(clients: dict[str, int], ids: list[int]) -> list[str]:
    by_id = {v: k for k, v in clients.items()}
    return [by_id[i] for i in ids]


def test_the_default_shows_open_cases_by_name(store: Store, clients: dict[str, int]) -> None:
    assert _names(clients, _ids(store, ClientFilter())) == ["aleksei", "idris", "zhou"]
    assert _names(clients, _ids(store)) == ["aleksei", "ayse", "idris", "rustam", "zhou"]  # case-insensitive


@pytest.mark.parametrize(("column", "ascending", "descending"), [
    (SortColumn.display_name, ["aleksei", "ayse", "idris", "rustam", "zhou"],
     ["zhou", "rustam", "idris", "ayse", "aleksei"]),
    # By the first nationality; ties by name; Rustam has none and comes last both ways.
    # Descending is the ascending order reversed, ties too (Zhou before Idris), empty values last.
    (SortColumn.nationality, ["idris", "zhou", "aleksei", "ayse", "rustam"],
     ["ayse", "aleksei", "zhou", "idris", "rustam"]),
    # Custody by urgency: detained, house arrest, bail, free, unknown.
    (SortColumn.custody, ["idris", "zhou", "aleksei", "rustam", "ayse"],
     ["ayse", "rustam", "aleksei", "zhou", "idris"]),
    # By the first requesting country (BY < CN < TR); Rustam has no alert.
    (SortColumn.requesting_countries, ["aleksei", "idris", "zhou", "ayse", "rustam"],
     ["ayse", "zhou", "idris", "aleksei", "rustam"]),
    # The nearest OPEN deadline (Idris's done one, 10 days ago, does not count); Rustam has none.
    (SortColumn.next_deadline, ["idris", "aleksei", "zhou", "ayse", "rustam"],
     ["ayse", "zhou", "aleksei", "idris", "rustam"]),
    # Open, closed, archived.
    (SortColumn.status, ["aleksei", "idris", "zhou", "rustam", "ayse"],
     ["ayse", "rustam", "zhou", "idris", "aleksei"]),
])
def test_every_sort_key_both_ways_with_empty_values_last(store: Store, clients: dict[str, int], column: SortColumn,
                                                          ascending: list[str], descending: list[str]) -> None:
    assert _names(clients, _ids(store, ALL, SortKey(column))) == ascending
    assert _names(clients, _ids(store, ALL, SortKey(column, descending=True))) == descending


@pytest.mark.parametrize(("flt", "expected"), [
    (ClientFilter(status=frozenset({CaseStatus.closed})), ["rustam"]),
    (ClientFilter(status=frozenset({CaseStatus.closed, CaseStatus.archived})), ["ayse", "rustam"]),
    (ClientFilter(status=None, custody=CustodyStatus.detained), ["idris"]),
    (ClientFilter(custody=CustodyStatus.unknown), []),  # Ayşe is unknown, but archived
    (ClientFilter(status=None, custody=CustodyStatus.unknown), ["ayse"]),
    (ClientFilter(requesting_country="CN"), ["idris", "zhou"]),
    (ClientFilter(status=None, alert_status=AlertStatus.published), ["aleksei", "zhou"]),
    # Country and alert status must hold for the same alert.
    (ClientFilter(requesting_country="RU", alert_status=AlertStatus.requested), []),
    (ClientFilter(requesting_country="BY", alert_status=AlertStatus.requested), ["aleksei"]),
    (ClientFilter(requesting_country="CN", custody=CustodyStatus.house_arrest), ["zhou"]),
])
def test_filters(store: Store, clients: dict[str, int], flt: ClientFilter, expected: list[str]) -> None:
    assert _names(clients, _ids(store, flt)) == expected


@pytest.mark.parametrize("query", ["Idris", "idr", "ئىدرىس", "伊德", "Идрис", "2017/71234"])
def test_search_finds_the_client_by_any_spelling(store: Store, clients: dict[str, int], query: str) -> None:
    with store.session() as session:
        found = client_ids(session, ClientFilter(text=query))
        assert found.snippets_for(session, found.ids[:1])[clients["idris"]]
    assert found.searching
    assert found.ids[0] == clients["idris"]


def test_search_ranks_names_above_notes_and_keeps_a_snippet_per_client(store: Store,
                                                                        clients: dict[str, int]) -> None:
    with store.session() as session:
        found = client_ids(session, ClientFilter(text="Idris"))
        rows = client_rows(session, found.ids, TODAY, found.snippets_for(session, found.ids))
    assert _names(clients, found.ids) == ["idris", "aleksei"]
    assert not found.capped
    assert "[Idris]" in rows[clients["idris"]].snippet  # type: ignore[operator]
    assert rows[clients["aleksei"]].snippet == found.snippets[clients["aleksei"]]
    assert "cell with [Idris]" in found.snippets[clients["aleksei"]]


def test_search_obeys_the_filters_and_a_chosen_sort(store: Store, clients: dict[str, int]) -> None:
    assert _ids(store, ClientFilter(text="Idris", status=frozenset({CaseStatus.closed}))) == []
    assert _ids(store, ClientFilter(text="Idris", custody=CustodyStatus.bail)) == [clients["aleksei"]]
    by_name_desc = _ids(store, ClientFilter(text="Idris"), SortKey(SortColumn.display_name, descending=True))
    assert _names(clients, by_name_desc) == ["idris", "aleksei"]
    by_deadline = _ids(store, ClientFilter(text="Idris"), SortKey(SortColumn.next_deadline))
    assert _names(clients, by_deadline) == ["idris", "aleksei"]
    assert _ids(store, ClientFilter(text="   ")) == _ids(store, ClientFilter())  # blank is no search


def test_a_search_keeps_the_rank_or_the_chosen_sort(store: Store, clients: dict[str, int]) -> None:
    with store.session() as session:
        extra = [m.Client(display_name=f"Client {i}", notes=[m.Note(body=f"Met Idris, {'again ' * i}")])
                 for i in range(7)]
        session.add_all(extra)
        session.flush()
        extra_ids = [client.id for client in extra]
    ranked = _ids(store, ClientFilter(text="Idris"))
    assert len(ranked) == 9
    assert [cid for cid in ranked if cid in extra_ids] == extra_ids  # a shorter note ranks higher
    by_name_desc = _ids(store, ClientFilter(text="Idris"), SortKey(SortColumn.display_name, descending=True))
    assert by_name_desc == [clients["idris"], *sorted(extra_ids, reverse=True), clients["aleksei"]]


def test_a_page_holds_exactly_the_requested_ids(store: Store, clients: dict[str, int]) -> None:
    wanted = [clients["zhou"], clients["idris"], 999_999, clients["zhou"]]
    with store.session() as session:
        rows = client_rows(session, wanted, TODAY)
    assert list(rows) == [clients["zhou"], clients["idris"]]  # in the order asked, gone ids left out


def test_a_row_holds_what_the_list_shows(store: Store, clients: dict[str, int]) -> None:
    with store.session() as session:
        rows = client_rows(session, clients.values(), TODAY)
    idris, aleksei, rustam = rows[clients["idris"]], rows[clients["aleksei"]], rows[clients["rustam"]]
    assert idris.names == ("Idris Mamut", "ئىدرىس مامۇت", "伊德日斯·买买提", "Идрис Мамут")  # no duplicate
    assert idris.other_names == ("ئىدرىس مامۇت", "伊德日斯·买买提", "Идрис Мамут")
    assert idris.nationalities == ("CN",)
    assert (idris.custody_status, idris.custody_facility, idris.detained) == (
        CustodyStatus.detained, "Areszt Śledczy Warszawa-Białołęka", True)
    assert (idris.next_deadline, idris.next_deadline_title) == (TODAY - timedelta(days=2), "Observations")
    assert (idris.overdue, idris.due_soon) == (True, False)
    assert (aleksei.next_deadline_title, aleksei.overdue, aleksei.due_soon) == ("Reply to the NCB", False, True)
    assert aleksei.requesting_countries == ("BY", "RU")
    assert aleksei.alert_statuses == (AlertStatus.published, AlertStatus.requested)
    assert aleksei.snippet is None
    assert (rustam.next_deadline, rustam.overdue, rustam.due_soon, rustam.requesting_countries) == (
        None, False, False, ())
    assert (rustam.status, rustam.nationalities, rustam.other_names) == (CaseStatus.closed, (), ())
    assert rows[clients["zhou"]].detained  # house arrest counts as detained


def test_deadline_marks_follow_the_given_day(store: Store, clients: dict[str, int]) -> None:
    with store.session() as session:
        later = client_rows(session, [clients["aleksei"]], TODAY + timedelta(days=3))[clients["aleksei"]]
        after = client_rows(session, [clients["aleksei"]], TODAY + timedelta(days=4))[clients["aleksei"]]
    assert (later.overdue, later.due_soon) == (False, True)  # due today is due soon, not overdue
    assert (after.overdue, after.due_soon) == (True, False)


def test_filter_choices_come_from_the_data(store: Store, clients: dict[str, int]) -> None:
    with store.session() as session:
        choices = filter_choices(session)
    assert choices.custody == [CustodyStatus.detained, CustodyStatus.house_arrest, CustodyStatus.bail,
                               CustodyStatus.free, CustodyStatus.unknown]
    assert choices.requesting_countries == ["BY", "CN", "RU", "TR"]
    assert choices.alert_statuses == [AlertStatus.requested, AlertStatus.published, AlertStatus.challenged,
                                      AlertStatus.deleted]


@pytest.mark.parametrize(("typed", "searched"), [
    ("", ""), ("I", ""), ("  I ", ""), ("Id", "Id"), ("Idris M", "Idris"), ("Idris Ma", "Idris Ma"),
    ("伊", "伊"), ("Идрис М", "Идрис"), ("2", ""), ("2017/7", "2017/"), ("2017/71", "2017/71"),
])
def test_a_last_word_of_one_letter_waits_for_the_next_keystroke(typed: str, searched: str) -> None:
    assert ClientFilter(text=typed).search_text == searched


def test_one_letter_lists_instead_of_searching(store: Store, clients: dict[str, int]) -> None:
    with store.session() as session:
        found = client_ids(session, ClientFilter(text="z"))
    assert not found.searching
    assert found.ids == _ids(store, ClientFilter())


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize(("column", "flt"), [
    (SortColumn.display_name, ClientFilter()),
    (SortColumn.nationality, ClientFilter()),
    (SortColumn.requesting_countries, ClientFilter()),
    (SortColumn.next_deadline, ClientFilter()),
    (SortColumn.display_name, ClientFilter(custody=CustodyStatus.detained)),  # one run of the custody sort
])
def test_the_usual_orders_come_from_an_index_without_a_sort(store: Store, column: SortColumn, flt: ClientFilter,
                                                             descending: bool) -> None:
    """What keeps sorting 100k clients fast: SQLite reads the order from an index (migration 0003)."""
    query = select(m.Client.id).where(*client_list._conditions(flt)).order_by(
        *client_list._order_by(SortKey(column, descending)))
    with store.session() as session:
        sql = str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
        plan = " / ".join(row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    assert "COVERING INDEX ix_client_list_" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_a_search_looks_its_clients_up_by_id(store: Store, clients: dict[str, int]) -> None:
    """Without statistics SQLite would take "status = 'open'" for rare and read the status index,
    every open client at 100k, to filter a hundred hits."""
    seen: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "json_each" in statement and "client.status" in statement:
            seen.append((statement, parameters))

    assert store.engine is not None
    event.listen(store.engine, "before_cursor_execute", remember)
    try:
        assert _ids(store, ClientFilter(text="Idris")) == [clients["idris"], clients["aleksei"]]
    finally:
        event.remove(store.engine, "before_cursor_execute", remember)
    ((statement, parameters),) = seen
    with store.engine.connect() as conn:
        plan = " / ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters))
    assert "INTEGER PRIMARY KEY" in plan and "ix_client_list" not in plan, plan
