"""The Contacts tab: the demo contacts, and add, edit, delete with undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store
from lawyer_desk.ui.case_view.contacts import ContactsTab
from tests.ui.case_view.demo_case import answer_dialog, cells, header_column, import_demo, make_tab

NAME = "عبد الرحمن الأمين"


@pytest.fixture
def ids(store: Store) -> list[int]:
    return import_demo(store)


@pytest.fixture
def tab(qtbot, store: Store, ids: list[int]) -> ContactsTab:
    contacts, _events, _undo = make_tab(qtbot, ContactsTab, store)
    contacts.show_case(ids[0])
    return contacts


def _names(tab: ContactsTab) -> list[str]:
    return cells(tab.view, header_column(tab.view, "Name"))


def test_shows_the_contacts_of_the_uyghur_client(tab: ContactsTab) -> None:
    names = _names(tab)
    assert sorted(names) == ["Anna Kowalska", "Mehmet Tursun", "Uyghur rights desk"]
    row = names.index("Anna Kowalska")
    assert cells(tab.view, header_column(tab.view, "Role"))[row] == "Co counsel"
    assert cells(tab.view, header_column(tab.view, "Country"))[row] == "PL – Poland"
    assert cells(tab.view, header_column(tab.view, "Email"))[row] == "a.kowalska@example.invalid"
    assert cells(tab.view, header_column(tab.view, "Note"))[names.index("Mehmet Tursun")] == "Uyghur–Polish, sworn"


def test_adding_a_contact_persists_and_undo_removes_it(qtbot, tab: ContactsTab, store: Store, monkeypatch) -> None:
    answer_dialog(monkeypatch, {"role": "embassy", "name": NAME, "organisation": "Embassy of the Netherlands",
                                "country": "ma", "phone": "+212 537 000 000",
                                "address": "Rabat\nAvenue Mohammed VI"})
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    with store.session() as session:
        added = session.execute(select(m.Contact).where(m.Contact.name == NAME)).scalar_one()
        assert (added.country, added.role, added.client_id) == ("MA", "embassy", tab.client_id)
        added_id = added.id
    row = _names(tab).index(NAME)
    assert cells(tab.view, header_column(tab.view, "Address"))[row] == "Rabat Avenue Mohammed VI"
    assert tab.selected()["id"] == added_id
    tab.undo.undo()
    assert NAME not in _names(tab)
    with store.session() as session:
        assert session.get(m.Contact, added_id) is None


def test_editing_and_deleting_with_undo(qtbot, tab: ContactsTab, store: Store, monkeypatch, recorded_alerts) -> None:
    tab.view.selectRow(_names(tab).index("Mehmet Tursun"))
    contact_id = tab.selected()["id"]
    answer_dialog(monkeypatch, {"email": "m.tursun@example.invalid", "note": None})
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    with store.session() as session:
        edited = session.get(m.Contact, contact_id)
        assert (edited.email, edited.note) == ("m.tursun@example.invalid", None)
    tab.undo.undo()
    with store.session() as session:
        assert session.get(m.Contact, contact_id).note == "Uyghur–Polish, sworn"
    tab.view.selectRow(_names(tab).index("Mehmet Tursun"))
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert recorded_alerts.kinds() == ["confirm"]
    assert "Mehmet Tursun" not in _names(tab)
    tab.undo.undo()
    assert "Mehmet Tursun" in _names(tab)
    with store.session() as session:
        assert session.get(m.Contact, contact_id).name == "Mehmet Tursun"


def test_other_cases_do_not_leak_in(tab: ContactsTab, ids: list[int]) -> None:
    tab.show_case(ids[1])
    assert _names(tab) == ["Milan Petrović"]
    tab.show_case(ids[3])
    assert _names(tab) == [] and tab.add_button.isEnabled()
