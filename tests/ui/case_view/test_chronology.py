"""The Chronology tab: events in date order, partial and approximate dates shown as such."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store
from lawyer_desk.ui.case_view.chronology import ChronologyTab
from lawyer_desk.ui.case_view.specs_more import event_specs
from lawyer_desk.ui.forms import RecordDialog
from tests.ui.case_view.demo_case import answer_dialog, cells, header_column, import_demo, make_tab


@pytest.fixture
def ids(store: Store) -> list[int]:
    return import_demo(store)


@pytest.fixture
def tab(qtbot, store: Store, ids: list[int]) -> ChronologyTab:
    chronology, _events, _undo = make_tab(qtbot, ChronologyTab, store)
    chronology.show_case(ids[0])
    return chronology


def _dates(tab: ChronologyTab) -> list[str]:
    return [row["date"] for row in tab.list_model.rows]


def test_events_in_date_order_with_partial_dates_as_such(tab: ChronologyTab) -> None:
    dates = _dates(tab)
    assert dates[:4] == ["2016", "2017-08-30", "2019-05-14", "2025-11"]
    assert dates == sorted(dates)
    shown = cells(tab.view, header_column(tab.view, "Date"))
    assert shown[:4] == ["2016 (approx.)", "30 August 2017", "14 May 2019", "November 2025"]
    assert cells(tab.view, header_column(tab.view, "What happened"))[0] == "Leaves Xinjiang for Turkey"
    assert cells(tab.view, header_column(tab.view, "Place"))[2] == "The Hague"


def test_adding_partial_dates_sorts_them_into_place(qtbot, tab: ChronologyTab, store: Store, monkeypatch) -> None:
    answer_dialog(monkeypatch, {"date": "2017", "approximate": False, "title": "Passport confiscated",
                                "place": "Ghulja", "source": "Client's statement"})
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    answer_dialog(monkeypatch, {"date": "2018-06", "approximate": True, "title": "Relatives questioned",
                                "description": "بىر نەچچە قېتىم سوراققا تارتىلغان"})
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert _dates(tab)[:6] == ["2016", "2017", "2017-08-30", "2018-06", "2019-05-14", "2025-11"]
    shown = cells(tab.view, header_column(tab.view, "Date"))
    assert shown[1] == "2017" and shown[3] == "June 2018 (approx.)"
    with store.session() as session:
        stored = session.execute(select(m.Event).where(m.Event.title == "Relatives questioned")).scalar_one()
        assert (stored.date, stored.approximate, stored.client_id) == ("2018-06", True, tab.client_id)
        assert stored.description == "بىر نەچچە قېتىم سوراققا تارتىلغان"
    tab.undo.undo()
    assert _dates(tab)[:4] == ["2016", "2017", "2017-08-30", "2019-05-14"]
    with store.session() as session:
        assert session.execute(select(m.Event).where(m.Event.title == "Relatives questioned")).first() is None


def test_editing_a_date_moves_the_event_and_undo_moves_it_back(qtbot, tab: ChronologyTab, store: Store,
                                                               monkeypatch) -> None:
    tab.view.selectRow(0)
    event_id = tab.selected()["id"]
    answer_dialog(monkeypatch, {"date": "2020-02", "approximate": False})
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    assert _dates(tab)[:4] == ["2017-08-30", "2019-05-14", "2020-02", "2025-11"]
    assert tab.selected()["id"] == event_id  # the selection follows the record
    tab.undo.undo()
    with store.session() as session:
        event = session.get(m.Event, event_id)
        assert (event.date, event.approximate) == ("2016", True)
    assert _dates(tab)[0] == "2016"


def test_deleting_an_event_and_undoing(qtbot, tab: ChronologyTab, store: Store, recorded_alerts) -> None:
    tab.view.selectRow(1)
    event_id = tab.selected()["id"]
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert recorded_alerts.kinds() == ["confirm"]
    with store.session() as session:
        assert session.get(m.Event, event_id) is None
    assert "2017-08-30" not in _dates(tab)
    tab.undo.undo()
    assert "2017-08-30" in _dates(tab)


def test_a_wrong_date_is_marked_at_the_field(qtbot) -> None:
    dialog = RecordDialog("New event", m.Event, event_specs(), {"date": "2017-13", "title": "Something"})
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "not a date" in dialog.form.error_labels["date"].text()


def test_the_add_button_needs_a_case(qtbot, store: Store) -> None:
    chronology, _events, _undo = make_tab(qtbot, ChronologyTab, store)
    chronology.show_case(None)
    assert not chronology.isEnabled() and not chronology.add_button.isEnabled()
    assert chronology.list_model.rowCount() == 0
