"""The Proceedings tab: demo data, add/edit/delete through the dialog, undo, and the alert link."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from sqlalchemy import select

from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store
from lawyer_desk.ui.case_view.proceedings import ProceedingDialog, ProceedingsTab
from lawyer_desk.ui.case_view.specs_more import CCF_FIELDS
from tests.ui.case_view.demo_case import answer_dialog, cells, header_column, import_demo, make_tab


@pytest.fixture
def ids(store: Store) -> list[int]:
    return import_demo(store)


def _alert_of(store: Store, client_id: int) -> int:
    with store.session() as session:
        return session.get(m.Client, client_id).alerts[0].id


def test_shows_the_proceedings_of_the_uyghur_client(qtbot, store, ids) -> None:
    tab, _events, _undo = make_tab(qtbot, ProceedingsTab, store)
    tab.show_case(ids[0])
    assert tab.isEnabled()
    forums = cells(tab.view, header_column(tab.view, "Forum"))
    assert sorted(forums) == ["CCF", "ECtHR", "Extradition court"]
    assert forums[-1] == "ECtHR"  # not yet opened: after the dated ones
    ccf_row = forums.index("CCF")
    ccf = cells(tab.view, header_column(tab.view, "CCF"))[ccf_row]
    assert ccf.startswith("Deletion request") and "received" in ccf
    alerts = cells(tab.view, header_column(tab.view, "Alert"))
    assert alerts[ccf_row] == "2017/71234 (CN)"
    assert alerts[forums.index("ECtHR")] == ""
    assert "Sąd Okręgowy w Warszawie" in cells(tab.view, header_column(tab.view, "Court or authority"))


def test_no_case_means_an_empty_disabled_tab(qtbot, store, ids) -> None:
    tab, _events, _undo = make_tab(qtbot, ProceedingsTab, store)
    tab.show_case(ids[0])
    tab.show_case(None)
    assert not tab.isEnabled()
    assert tab.list_model.rowCount() == 0


def test_adding_a_proceeding_persists_appears_and_undoes(qtbot, store, ids, monkeypatch) -> None:
    tab, _events, undo = make_tab(qtbot, ProceedingsTab, store)
    tab.show_case(ids[0])
    alert_id = _alert_of(store, ids[0])
    calls = answer_dialog(monkeypatch, {"forum": "asylum", "country": "NL", "authority": "Raad van State",
                                        "reference": "202601234/1/V2", "status": "pending",
                                        "opened": date(2026, 1, 5), "alert_id": alert_id})
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    link = next(spec for spec in calls[0]["specs"] if spec.name == "alert_id")
    assert [choice for _text, choice in link.extra["choices"]] == [alert_id]  # the case's own alerts
    with store.session() as session:
        added = session.execute(select(m.Proceeding).where(m.Proceeding.reference == "202601234/1/V2")).scalar_one()
        assert (added.client_id, added.alert_id, added.forum) == (ids[0], alert_id, "asylum")
        added_id = added.id
    assert "Raad van State" in cells(tab.view, header_column(tab.view, "Court or authority"))
    assert tab.selected()["id"] == added_id
    undo.undo()
    with store.session() as session:
        assert session.get(m.Proceeding, added_id) is None
    assert tab.list_model.rowCount() == 3
    undo.redo()
    with store.session() as session:
        assert session.get(m.Proceeding, added_id).alert_id == alert_id


def test_editing_changes_fields_and_the_alert_link_and_undo_reverts(qtbot, store, ids, monkeypatch) -> None:
    tab, _events, undo = make_tab(qtbot, ProceedingsTab, store)
    tab.show_case(ids[0])
    row = cells(tab.view, header_column(tab.view, "Forum")).index("CCF")
    tab.view.selectRow(row)
    proceeding_id = tab.selected()["id"]
    answer_dialog(monkeypatch, {"stage": "decision", "ccf_admissibility": date(2026, 2, 1), "alert_id": None})
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    with store.session() as session:
        changed = session.get(m.Proceeding, proceeding_id)
        assert (changed.stage, changed.ccf_admissibility, changed.alert_id) == ("decision", date(2026, 2, 1), None)
    assert "admissible 2026-02-01" in cells(tab.view, header_column(tab.view, "CCF"))[row]
    undo.undo()
    with store.session() as session:
        back = session.get(m.Proceeding, proceeding_id)
        assert (back.stage, back.ccf_admissibility, back.alert_id) == ("admissibility", None,
                                                                      _alert_of(store, ids[0]))


def test_deleting_asks_and_undo_restores_with_the_same_id(qtbot, store, ids, recorded_alerts) -> None:
    tab, _events, undo = make_tab(qtbot, ProceedingsTab, store)
    tab.show_case(ids[0])
    tab.view.selectRow(0)
    proceeding_id = tab.selected()["id"]
    recorded_alerts.confirm_answer = False
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert tab.list_model.rowCount() == 3
    recorded_alerts.confirm_answer = True
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert recorded_alerts.kinds() == ["confirm", "confirm"]
    with store.session() as session:
        assert session.get(m.Proceeding, proceeding_id) is None
    assert tab.list_model.rowCount() == 2
    undo.undo()
    with store.session() as session:
        assert session.get(m.Proceeding, proceeding_id) is not None
    assert tab.list_model.rowCount() == 3


def test_an_alert_of_another_case_is_refused(qtbot, store, ids, recorded_alerts) -> None:
    from lawyer_desk.ui.undo import EditRecord, push

    tab, events, undo = make_tab(qtbot, ProceedingsTab, store)
    tab.show_case(ids[0])
    tab.view.selectRow(0)
    proceeding_id = tab.selected()["id"]
    foreign = _alert_of(store, ids[1])
    ok = push(undo, EditRecord(store, events, m.Proceeding, proceeding_id, {"alert_id": foreign}, "Edit", ids[0]))
    assert not ok and recorded_alerts.kinds() == ["error"]
    with store.session() as session:
        assert session.get(m.Proceeding, proceeding_id).alert_id == _alert_of(store, ids[0])


def test_the_dialog_offers_the_alerts_and_shows_ccf_fields_for_the_ccf(qtbot, store, ids) -> None:
    tab, _events, _undo = make_tab(qtbot, ProceedingsTab, store)
    tab.show_case(ids[0])
    row = cells(tab.view, header_column(tab.view, "Forum")).index("Extradition court")
    tab.view.selectRow(row)
    dialog = ProceedingDialog("Edit proceeding", m.Proceeding, tab.dialog_specs(), tab.selected(), tab)
    qtbot.addWidget(dialog)
    combo = dialog.link_combos["alert_id"]
    assert [combo.itemText(i) for i in range(combo.count())] == ["— none —", "2017/71234 (CN)"]
    assert combo.currentData() == _alert_of(store, ids[0])
    layout = dialog.form.layout()
    assert not any(layout.isRowVisible(dialog.form.widgets[name].parentWidget()) for name in CCF_FIELDS)
    forum = dialog.form.widgets["forum"]
    assert isinstance(forum, QComboBox)
    forum.setCurrentIndex(forum.findData("ccf"))
    assert all(layout.isRowVisible(dialog.form.widgets[name].parentWidget()) for name in CCF_FIELDS)
    combo.setCurrentIndex(0)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.result_values["alert_id"] is None and dialog.result_values["forum"] == "ccf"
