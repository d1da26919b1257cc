"""The History tab: the case's audit trail, newest first, filtered, outliving deleted records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt

from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store
from lawyer_desk.ui.case_view.contacts import ContactsTab
from lawyer_desk.ui.case_view.history import HistoryTab, local_time
from lawyer_desk.ui.case_view.proceedings import ProceedingsTab
from lawyer_desk.ui.undo import CaseEvents
from tests.ui.case_view.demo_case import answer_dialog, cells, import_demo, make_tab

NAME = "ئىدرىس ھەسەن"


@pytest.fixture
def ids(store: Store) -> list[int]:
    return import_demo(store)


@pytest.fixture
def history(qtbot, store: Store, ids: list[int]) -> HistoryTab:
    tab, _events, _undo = make_tab(qtbot, HistoryTab, store)
    tab.show_case(ids[0])
    return tab


def _share(qtbot, tab_class: type[ContactsTab | ProceedingsTab], store: Store, history: HistoryTab) -> Any:
    """Another tab of the same case view: same events, same undo stack."""
    events, undo = history._test_keep
    other = tab_class(store, events, undo)
    qtbot.addWidget(other)
    other.show_case(history.client_id)
    return other


def test_shows_the_import_of_this_case_only(history: HistoryTab, ids: list[int]) -> None:
    assert cells(history.view, 1) == ["Imported"]
    assert cells(history.view, 2) == [f"Client #{ids[0]}"]
    assert "3 proceedings" in cells(history.view, 3)[0]
    assert history.count.text() == "1 entry"


def test_edits_appear_newest_first_and_outlive_the_deleted_record(qtbot, history: HistoryTab, store: Store,
                                                                  monkeypatch, recorded_alerts) -> None:
    proceedings = _share(qtbot, ProceedingsTab, store, history)
    contacts = _share(qtbot, ContactsTab, store, history)
    proceedings.view.selectRow(0)
    answer_dialog(monkeypatch, {"stage": "appeal hearing"})
    qtbot.mouseClick(proceedings.edit_button, Qt.MouseButton.LeftButton)
    answer_dialog(monkeypatch, {"role": "family", "name": NAME})
    qtbot.mouseClick(contacts.add_button, Qt.MouseButton.LeftButton)
    contact_id = contacts.selected()["id"]
    qtbot.mouseClick(contacts.delete_button, Qt.MouseButton.LeftButton)
    with store.session() as session:
        assert session.get(m.Contact, contact_id) is None
    assert cells(history.view, 1) == ["Deleted", "Created", "Changed", "Imported"]
    assert cells(history.view, 2)[:2] == [f"Contact #{contact_id}"] * 2
    assert NAME in cells(history.view, 3)[0]
    assert "stage: first instance → appeal hearing" in cells(history.view, 3)[2]
    times = cells(history.view, 0)
    assert times == sorted(times, reverse=True)
    history._test_keep[1].undo()  # the deletion
    assert cells(history.view, 1)[0] == "Restored"


def test_the_filter_matches_words_in_any_script(qtbot, history: HistoryTab, store: Store, monkeypatch) -> None:
    contacts = _share(qtbot, ContactsTab, store, history)
    answer_dialog(monkeypatch, {"role": "family", "name": NAME})
    qtbot.mouseClick(contacts.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(history.filter, "family")
    assert cells(history.view, 1) == ["Created"]
    assert history.count.text() == "1 of 2 entries"
    history.filter.setText("idris")  # folded: finds the Uyghur spelling
    assert cells(history.view, 1) == ["Created"]
    history.filter.setText("ھەسەن")
    assert cells(history.view, 1) == ["Created"]
    history.filter.setText("IMPORTED")
    assert cells(history.view, 1) == ["Imported"]
    history.filter.setText("nothing like this")
    assert cells(history.view, 1) == []
    history.filter.clear()
    assert len(cells(history.view, 1)) == 2


def test_changes_to_other_cases_do_not_show(qtbot, history: HistoryTab, store: Store, ids: list[int],
                                            monkeypatch) -> None:
    events, undo = history._test_keep
    contacts = ContactsTab(store, events, undo)
    qtbot.addWidget(contacts)
    contacts.show_case(ids[1])
    answer_dialog(monkeypatch, {"name": "Someone else"})
    qtbot.mouseClick(contacts.add_button, Qt.MouseButton.LeftButton)
    assert cells(history.view, 1) == ["Imported"]


def test_no_case_and_time_shown_in_local_time(qtbot, store: Store) -> None:
    tab = HistoryTab(store, CaseEvents())
    qtbot.addWidget(tab)
    tab.show_case(None)
    assert not tab.isEnabled() and tab.model.rowCount() == 0
    at = datetime(2026, 1, 2, 3, 4, 5)  # stored in UTC, read back without a zone
    assert local_time(at) == at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")
