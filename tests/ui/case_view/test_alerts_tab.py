"""The Alerts tab: alerts with their status history, warrants and notifications of deletion."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QStyleOptionViewItem
from sqlalchemy import func, select

from lawyer_desk.core import models as m
from lawyer_desk.core import records
from lawyer_desk.core.store import Store
from lawyer_desk.ui.case_view.alerts_tab import STATE_COLOURS, AlertsTab, notification_state
from tests.ui.case_view.demo_case import cells, import_demo, make_tab
from tests.ui.case_view.fill_dialog import fill_dialogs
from tests.ui.conftest import AlertRecorder


@pytest.fixture
def demo(store: Store) -> list[int]:
    return import_demo(store)


@pytest.fixture
def tab(qtbot, store: Store) -> AlertsTab:
    alerts_tab, _events, _undo = make_tab(qtbot, AlertsTab, store)
    alerts_tab.resize(1000, 700)
    alerts_tab.show()
    qtbot.waitExposed(alerts_tab)
    return alerts_tab


@pytest.fixture
def new_client(store: Store) -> int:
    with store.session() as session:
        return records.create(session, m.Client, {"display_name": "Dilnigar Ilhamjan"})


def count(store: Store, model: type, **where: int) -> int:
    with store.session() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return session.execute(query).scalar_one()


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_demo_alert_is_shown_with_its_history_and_warrant(tab: AlertsTab, demo: list[int]) -> None:
    tab.show_case(demo[0])
    assert cells(tab.alert_view, 1) == ["2017/71234"]
    assert tab.selected() is not None  # the first alert is selected on its own
    assert tab.detail_labels["requesting_country"].text() == "China (CN)"
    assert tab.detail_labels["issue_date"].text() == "September 2017"
    assert tab.detail_labels["grounds"].text().splitlines() == [
        "• Art. 3 – political, military, religious or racial character", "• Refugee policy", "• Due process"]
    assert cells(tab.history.view, 0)[0] == "September 2017"  # a partial date stays partial
    assert cells(tab.history.view, 1) == ["Published", "Challenged"]
    assert cells(tab.warrants.view, 2) == [
        "Organising, leading and participating in a terrorist organisation / (Art. 120 Criminal Law of the PRC)"]
    assert tab.parts.tabText(0) == "Status history (2)"
    assert tab.parts.tabText(2) == "Notified of deletion"


def test_a_deleted_alert_counts_confirmed_notifications(tab: AlertsTab, demo: list[int]) -> None:
    tab.show_case(demo[2])
    assert cells(tab.notifications.view, 0) == ["Confirmed", "Sent", "Sent", "⚠ Outstanding"]
    assert tab.parts.tabText(2) == "Notified of deletion (1 of 4 confirmed)"


def test_add_an_alert_two_status_changes_and_a_notification(qtbot, tab: AlertsTab, store: Store, new_client: int,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    tab.show_case(new_client)
    assert tab.list_model.rowCount() == 0 and not tab.delete_button.isEnabled()
    answers = fill_dialogs(monkeypatch, {"type": "red_notice", "reference": "2019/12345", "requesting_country": "cn",
                                         "issue_date": "2019-03", "status": "published",
                                         "grounds": ["art3_political", "refugee_policy"]})
    click(qtbot, tab.add_button)
    assert answers.titles == ["New alert"]
    assert cells(tab.alert_view, 1) == ["2019/12345"]
    assert tab.detail_labels["requesting_country"].text() == "China (CN)"
    alert_id = tab.selected_id()
    assert alert_id is not None
    with store.session() as session:
        assert records.get(session, m.Alert, alert_id).grounds == ["art3_political", "refugee_policy"]

    # Entered out of order: the later change first. The timeline shows them by date.
    answers.fields = {"status": "challenged", "date": "2024-02-01", "note": "Deletion request filed"}
    click(qtbot, tab.history.add_button)
    answers.fields = {"status": "published", "date": "2019-03"}
    click(qtbot, tab.history.add_button)
    assert cells(tab.history.view, 0) == ["March 2019", "1 February 2024"]
    assert cells(tab.history.view, 1) == ["Published", "Challenged"]
    assert count(store, m.AlertStatusChange, alert_id=alert_id) == 2

    tab.parts.setCurrentWidget(tab.notifications)
    answers.fields = {"country": "de", "authority": "Bundeskriminalamt (NCB Wiesbaden)"}
    click(qtbot, tab.notifications.add_button)
    assert cells(tab.notifications.view, 1) == ["Germany (DE)"]
    assert "outstanding" in cells(tab.notifications.view, 0)[0].lower()
    assert tab.parts.tabText(2) == "Notified of deletion (0 of 1 confirmed)"

    tab.notifications.view.selectRow(0)
    answers.fields = {"date_sent": "2026-01-05", "date_confirmed": "2026-01-20", "reference": "ZD 26-11"}
    click(qtbot, tab.notifications.edit_button)
    assert cells(tab.notifications.view, 0) == ["Confirmed"]
    assert tab.parts.tabText(2) == "Notified of deletion (1 of 1 confirmed)"
    with store.session() as session:
        notification = session.execute(select(m.AlertNotification)).scalar_one()
        assert (notification.date_confirmed, notification.state) == (date(2026, 1, 20), "confirmed")


def test_outstanding_is_said_in_words_and_in_colour(tab: AlertsTab, demo: list[int]) -> None:
    tab.show_case(demo[2])
    delegate = tab.notifications.view.itemDelegateForColumn(0)
    states = []
    for row in range(tab.notifications.list_model.rowCount()):
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, tab.notifications.list_model.index(row, 0))
        state = notification_state(tab.notifications.list_model.rows[row])
        states.append(state)
        assert option.palette.color(QPalette.ColorRole.Text) == QColor(STATE_COLOURS[state])
        assert option.font.bold() is (state == "outstanding")
    assert states == ["confirmed", "sent", "sent", "outstanding"]


def test_a_wrong_date_in_a_status_change_is_marked_and_not_saved(qtbot, tab: AlertsTab, store: Store,
                                                                 demo: list[int],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    tab.show_case(demo[0])
    answers = fill_dialogs(monkeypatch, {"status": "suspended", "date": "2026-14"})
    click(qtbot, tab.history.add_button)
    assert "not a date" in answers.last.form.error_labels["date"].text()
    assert answers.last.form.values()["date"] == "2026-14"  # kept for correction
    assert count(store, m.AlertStatusChange) == 6


def test_editing_the_alert_changes_grounds_through_the_checklist(qtbot, tab: AlertsTab, store: Store,
                                                                 demo: list[int],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    tab.show_case(demo[0])
    answers = fill_dialogs(monkeypatch, {"grounds": ["art3_political", "trial_in_absentia"], "status": "suspended"})
    click(qtbot, tab.edit_button)
    assert answers.titles == ["Edit alert"]
    assert tab.detail_labels["status"].text() == "Suspended"
    assert "• Trial in absentia" in tab.detail_labels["grounds"].text()
    with store.session() as session:
        alert = records.get(session, m.Alert, tab.selected_id())
        assert (alert.grounds, alert.status) == (["art3_political", "trial_in_absentia"], "suspended")
    tab.undo.undo()
    assert tab.detail_labels["status"].text() == "Challenged"


def test_editing_a_warrant_keeps_the_charges_windows_line_ends(qtbot, tab: AlertsTab, store: Store,
                                                               demo: list[int],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    tab.show_case(demo[0])
    tab.parts.setCurrentWidget(tab.warrants)
    tab.warrants.view.selectRow(0)
    fill_dialogs(monkeypatch, {"authority": "Public Security Bureau, Yining"})
    click(qtbot, tab.warrants.edit_button)
    with store.session() as session:
        warrant = session.execute(select(m.ArrestWarrant).where(m.ArrestWarrant.alert_id == tab.selected_id())
                                  ).scalar_one()
        assert warrant.authority == "Public Security Bureau, Yining"
        assert warrant.charge == ("Organising, leading and participating in a terrorist organisation\r\n"
                                  "(Art. 120 Criminal Law of the PRC)")


def test_deleting_an_alert_asks_and_undo_brings_it_back_whole(qtbot, tab: AlertsTab, store: Store, demo: list[int],
                                                              recorded_alerts: AlertRecorder) -> None:
    tab.show_case(demo[0])
    alert_id = tab.selected_id()
    assert alert_id is not None

    recorded_alerts.confirm_answer = False
    click(qtbot, tab.delete_button)
    assert count(store, m.Alert, id=alert_id) == 1  # the lawyer said no

    recorded_alerts.confirm_answer = True
    click(qtbot, tab.delete_button)
    first, second = (call for call in recorded_alerts.calls if call.kind == "confirm")
    assert first.title == "Delete alert?"
    assert "1 arrest warrant, 2 status changes, 0 notices of deletion" in second.text
    assert "2 proceedings linked to it will stay in the case" in second.text
    assert tab.list_model.rowCount() == 0
    assert not tab.details.isEnabled() and tab.history.list_model.rowCount() == 0
    assert count(store, m.Alert, id=alert_id) == 0
    assert count(store, m.ArrestWarrant, alert_id=alert_id) == 0
    assert count(store, m.AlertStatusChange, alert_id=alert_id) == 0

    tab.undo.undo()
    assert cells(tab.alert_view, 1) == ["2017/71234"]
    assert tab.selected_id() == alert_id
    assert count(store, m.ArrestWarrant, alert_id=alert_id) == 1
    assert count(store, m.AlertStatusChange, alert_id=alert_id) == 2
    assert cells(tab.history.view, 1) == ["Published", "Challenged"]
    assert len(cells(tab.warrants.view, 0)) == 1
    assert count(store, m.Proceeding, alert_id=alert_id) == 2  # the links are set again


def test_no_case_means_an_empty_disabled_tab(tab: AlertsTab, demo: list[int]) -> None:
    tab.show_case(demo[0])
    tab.show_case(None)
    assert not tab.isEnabled()
    assert tab.list_model.rowCount() == 0
    assert tab.history.list_model.rowCount() == 0
    assert tab.detail_labels["reference"].text() == ""


def test_changes_to_another_case_leave_the_tab_alone(qtbot, tab: AlertsTab, store: Store, demo: list[int],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    tab.show_case(demo[0])
    calls = []
    monkeypatch.setattr(tab, "reload", lambda *a, **k: calls.append(a))
    tab.events.changed.emit("alert", demo[1])
    tab.events.changed.emit("note", demo[0])
    assert calls == []
    tab.events.changed.emit("alert_notification", demo[0])
    assert len(calls) == 1
