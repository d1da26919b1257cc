"""The client list model without any widget: rows, lazy pages, sort role, data changes, filters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from sqlalchemy import select, update

from lawyer_desk.core import cases, client_list
from lawyer_desk.core import models as m
from lawyer_desk.core.client_list import ClientFilter, ClientRow, SortColumn, SortKey
from lawyer_desk.core.demo import demo_cases
from lawyer_desk.core.interchange import case_json as cj
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import CaseStatus, CustodyStatus
from lawyer_desk.ui.client_list_model import (
    CASE_ID_ROLE,
    COL_CUSTODY,
    COL_DEADLINE,
    COL_MATCH,
    COL_NAME,
    COL_NATIONALITY,
    COL_OTHER_NAMES,
    COL_REQUESTING,
    COL_STATUS,
    OBJECT_ROLE,
    SORT_ROLE,
    ClientListModel,
)

TODAY = date(2026, 3, 10)
DISPLAY, TOOLTIP, FOREGROUND = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                                Qt.ItemDataRole.ForegroundRole)
BIDI_CONTROLS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@pytest.fixture
def demo(store: Store) -> dict[str, int]:
    """The four demo cases, their deadlines around TODAY; ids by surname."""
    with store.session() as session:
        ids = cases.import_cases(session, demo_cases(TODAY))
        names = dict(session.execute(select(m.Client.id, m.Client.display_name).where(m.Client.id.in_(ids))).all())
    return {names[i].split()[-1]: i for i in ids}


def _model(store: Store, **kwargs: object) -> ClientListModel:
    return ClientListModel(store.session, today=lambda: TODAY, **kwargs)  # type: ignore[arg-type]


def _cell(model: ClientListModel, row: int, column: int, role: int = DISPLAY) -> object:
    return model.data(model.index(row, column), role)


def _column(model: ClientListModel, column: int, role: int = DISPLAY) -> list[object]:
    return [_cell(model, row, column, role) for row in range(model.rowCount())]


def _import_many(store: Store, n: int, name: str = "Client") -> None:
    files = [cj.CaseFileV1.model_validate({"format": cj.FORMAT, "version": cj.VERSION,
                                           "client": {"display_name": f"{name} {i:05d}"}}) for i in range(n)]
    with store.session() as session:
        cases.import_cases(session, files)


def test_rows_and_columns(store: Store, demo: dict[str, int]) -> None:
    model = _model(store)
    assert (model.rowCount(), model.columnCount()) == (4, 8)
    assert model.rowCount(model.index(0, 0)) == 0  # a table: no children
    assert _column(model, COL_NAME) == ["Aleksei Vetrov", "Ayşe Yıldırım", "Idris Mamut", "Rustam Nazarov"]
    assert [model.case_id_at(r) for r in range(4)] == [demo["Vetrov"], demo["Yıldırım"], demo["Mamut"],
                                                       demo["Nazarov"]]
    assert model.case_id_at(4) is None
    assert model.row_of(demo["Mamut"]) == 2
    assert model.row_of(123456) is None
    assert _cell(model, 2, COL_NAME, CASE_ID_ROLE) == demo["Mamut"]
    assert model.headerData(COL_DEADLINE, Qt.Orientation.Horizontal) == "Next deadline"
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.data(QModelIndex()) is None


def test_cells_say_urgency_in_words_and_in_colour(qapp: QApplication, store: Store, demo: dict[str, int]) -> None:
    model = _model(store)
    idris, nazarov = model.row_of(demo["Mamut"]), model.row_of(demo["Nazarov"])
    assert idris is not None and nazarov is not None
    assert _cell(model, idris, COL_CUSTODY) == "Detained — Areszt Śledczy Warszawa-Białołęka"
    assert str(_cell(model, idris, COL_DEADLINE)).startswith("⚠ Overdue · ")
    assert isinstance(_cell(model, idris, COL_CUSTODY, FOREGROUND), QColor)
    assert isinstance(_cell(model, idris, COL_DEADLINE, FOREGROUND), QColor)
    assert _cell(model, nazarov, COL_CUSTODY) == "Free"
    assert _cell(model, nazarov, COL_CUSTODY, FOREGROUND) is None
    assert _cell(model, nazarov, COL_NAME, FOREGROUND) is None
    row = _cell(model, idris, COL_NAME, OBJECT_ROLE)
    assert isinstance(row, ClientRow)
    assert _cell(model, idris, COL_DEADLINE) == model.deadline_text(row)
    assert _cell(model, idris, COL_STATUS) == "Open"
    assert _cell(model, idris, COL_REQUESTING) == "CN"
    assert "China" in str(_cell(model, idris, COL_REQUESTING, TOOLTIP))
    assert "Challenged" in str(_cell(model, idris, COL_REQUESTING, TOOLTIP))


def test_every_spelling_shows_and_right_to_left_names_carry_no_direction_marks(store: Store,
                                                                               demo: dict[str, int]) -> None:
    model = _model(store)
    idris = model.row_of(demo["Mamut"])
    assert idris is not None
    others = str(_cell(model, idris, COL_OTHER_NAMES))
    assert others.split(" · ", maxsplit=1)[0] == "ئىدرىس مامۇت"
    assert "伊德日斯·买买提" in others
    tooltip = str(_cell(model, idris, COL_NAME, TOOLTIP))
    assert tooltip.splitlines()[0] == "Idris Mamut"
    assert "ئىدرىس مامۇت" in tooltip.splitlines()
    for column in range(model.columnCount()):
        for role in (DISPLAY, TOOLTIP):
            assert not set(str(_cell(model, idris, column, role))) & BIDI_CONTROLS


def test_the_sort_role_gives_raw_values(store: Store, demo: dict[str, int]) -> None:
    model = _model(store)
    idris = model.row_of(demo["Mamut"])
    assert idris is not None
    deadline = _cell(model, idris, COL_DEADLINE, SORT_ROLE)
    assert isinstance(deadline, date) and deadline < TODAY
    assert _cell(model, idris, COL_NATIONALITY, SORT_ROLE) == ("CN",)
    assert _cell(model, idris, COL_CUSTODY, SORT_ROLE) == CustodyStatus.detained
    assert _cell(model, idris, COL_STATUS, SORT_ROLE) == CaseStatus.open
    assert _cell(model, idris, COL_REQUESTING, SORT_ROLE) == ("CN",)
    assert _cell(model, idris, COL_NAME, SORT_ROLE) == "Idris Mamut"
    assert _cell(model, idris, COL_MATCH, SORT_ROLE) is None  # no search


def test_rows_are_fetched_a_page_at_a_time_and_cached(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _import_many(store, 5000)
    fetched: list[int] = []
    real = client_list.client_rows

    def counting(session: object, ids: list[int], *args: object) -> dict[int, ClientRow]:
        fetched.append(len(ids))
        return real(session, ids, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(client_list, "client_rows", counting)
    model = _model(store, page_size=200, cache_rows=400)
    assert model.rowCount() == 5000
    assert fetched == []  # the ids alone: no row data yet
    assert [_cell(model, r, COL_NAME) for r in range(10)] == [f"Client {i:05d}" for i in range(10)]
    assert fetched == [200]  # ten rows, one page
    for column in range(model.columnCount()):
        _cell(model, 5, column)
    assert _cell(model, 4999, COL_NAME) == "Client 04999"
    assert fetched == [200, 200]
    assert model.page_fetches == 2
    _cell(model, 199, COL_NAME)
    assert model.page_fetches == 2  # row 199 was in the first page
    _cell(model, 2500, COL_NAME)  # a third page: the cache holds two, the first goes
    _cell(model, 0, COL_NAME)
    assert model.page_fetches == 4


def test_sorting_requeries_and_the_selection_follows(store: Store, demo: dict[str, int]) -> None:
    model = _model(store)
    with store.session() as session:
        by_deadline = client_list.client_ids(session, ClientFilter(), SortKey(SortColumn.next_deadline, True)).ids
    selected = QPersistentModelIndex(model.index(model.row_of(demo["Mamut"]) or 0, COL_NAME))
    model.sort(COL_DEADLINE, Qt.SortOrder.DescendingOrder)
    assert [model.case_id_at(r) for r in range(4)] == by_deadline
    assert selected.row() == model.row_of(demo["Mamut"])
    assert model.sort_section() == (COL_DEADLINE, Qt.SortOrder.DescendingOrder)
    dates = _column(model, COL_DEADLINE, SORT_ROLE)
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    model.sort(COL_OTHER_NAMES, Qt.SortOrder.AscendingOrder)  # not a sort column: nothing happens
    assert [model.case_id_at(r) for r in range(4)] == by_deadline
    model.sort(-1)  # no column: back to names
    assert _column(model, COL_NAME) == sorted(_column(model, COL_NAME))  # type: ignore[type-var]
    assert model.current_sort() == client_list.DEFAULT_SORT


def test_filters_change_the_row_count(store: Store, demo: dict[str, int]) -> None:
    with store.session() as session:
        session.execute(update(m.Client).where(m.Client.id == demo["Nazarov"]).values(status=CaseStatus.closed))
    model = _model(store)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    assert model.rowCount() == 3
    model.set_filter(ClientFilter(status=None))
    assert model.rowCount() == 4
    model.set_filter(ClientFilter(custody=CustodyStatus.detained))
    assert _column(model, COL_NAME) == ["Idris Mamut"]
    model.set_filter(ClientFilter(requesting_country="RU"))
    assert _column(model, COL_NAME) == ["Aleksei Vetrov"]
    model.set_filter(ClientFilter(status=frozenset({CaseStatus.closed})))
    assert _column(model, COL_NAME) == ["Rustam Nazarov"]
    assert len(resets) == 4


def test_a_first_letter_does_not_query_again(store: Store, demo: dict[str, int]) -> None:
    model = _model(store)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.set_filter(ClientFilter(text="I"))
    assert resets == [] and not model.searching and model.rowCount() == 4
    assert model.filter.text == "I"
    model.set_filter(ClientFilter(text="Id"))
    assert resets == [True] and model.searching
    model.set_filter(ClientFilter(text="Id"), requery=True)
    assert len(resets) == 2


def test_a_search_shows_snippets_in_rank_order_until_a_column_is_chosen(store: Store,
                                                                        demo: dict[str, int]) -> None:
    model = _model(store)
    model.set_filter(ClientFilter(text="伊德"))
    assert model.searching and not model.capped
    assert _column(model, COL_NAME) == ["Idris Mamut"]
    assert "[伊德" in str(_cell(model, 0, COL_MATCH))
    assert model.current_sort() is None and model.sort_section()[0] == -1
    model.set_filter(ClientFilter(text="arrest"))
    ranked = _column(model, COL_NAME)
    assert len(ranked) >= 2
    model.sort(COL_NAME, Qt.SortOrder.DescendingOrder)
    assert _column(model, COL_NAME) == sorted(ranked, reverse=True)  # type: ignore[type-var]
    model.sort(COL_MATCH)  # the match column is the ranking
    assert _column(model, COL_NAME) == ranked
    model.sort(COL_NAME, Qt.SortOrder.DescendingOrder)
    model.set_filter(ClientFilter(text="arres"))  # new text: ranking again
    assert model.current_sort() is None
    model.set_filter(ClientFilter())  # search cleared: the list order from before
    assert not model.searching
    assert model.current_sort() == client_list.DEFAULT_SORT
    assert _cell(model, 0, COL_MATCH) == ""


def test_refresh_rows_reads_the_store_again_and_says_which_rows_changed(store: Store,
                                                                       demo: dict[str, int]) -> None:
    model = _model(store)
    row = model.row_of(demo["Nazarov"])
    assert row is not None
    assert _cell(model, row, COL_CUSTODY) == "Free"
    with store.session() as session:
        session.execute(update(m.Client).where(m.Client.id == demo["Nazarov"])
                        .values(custody_status=CustodyStatus.detained))
    assert _cell(model, row, COL_CUSTODY) == "Free"  # cached until told
    changed: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda a, b, _roles: changed.append((a.row(), a.column(), b.row(), b.column())))
    model.refresh_rows([demo["Nazarov"], 987654])
    assert changed == [(row, 0, row, model.columnCount() - 1)]
    assert _cell(model, row, COL_CUSTODY) == "Detained"

    removed: list[int] = []
    model.rowsRemoved.connect(lambda _parent, first, _last: removed.append(first))
    with store.session() as session:
        session.delete(session.get(m.Client, demo["Vetrov"]))
    vetrov = model.row_of(demo["Vetrov"])
    model.refresh_rows([demo["Vetrov"]])
    assert removed == [vetrov]
    assert model.rowCount() == 3
    assert model.row_of(demo["Vetrov"]) is None


def test_refresh_forgets_cached_rows(store: Store, demo: dict[str, int]) -> None:
    model = _model(store)
    assert model.rowCount() == 4
    _import_many(store, 3, name="Zz")
    with store.session() as session:
        session.execute(update(m.Client).where(m.Client.id == demo["Mamut"]).values(display_name="Idris M."))
    model.refresh()
    assert model.rowCount() == 7
    assert "Idris M." in _column(model, COL_NAME)


def test_a_deadline_becomes_overdue_when_the_day_passes(store: Store, demo: dict[str, int]) -> None:
    day = [TODAY]
    model = ClientListModel(store.session, today=lambda: day[0])
    vetrov = model.row_of(demo["Vetrov"])
    assert vetrov is not None
    assert not str(_cell(model, vetrov, COL_DEADLINE)).startswith("⚠")
    day[0] = TODAY + timedelta(days=400)
    model.refresh()
    assert str(_cell(model, model.row_of(demo["Vetrov"]) or 0, COL_DEADLINE)).startswith("⚠ Overdue")
