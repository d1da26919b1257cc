"""The deadline dashboard: the landing page, urgency in words, colour and icon, filters, mark done, undo.

Real window, real encrypted store with the demo cases (their dates are relative to today).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox
from sqlalchemy import select

from lawyer_desk.core import models as m
from lawyer_desk.core.deadlines.agenda import AgendaFilter, Urgency, agenda, mark_done
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.ui import local_time, tasks
from lawyer_desk.ui.agenda_model import (
    DEADLINE_ID_ROLE,
    OBJECT_ROLE,
    PAGE_SIZE,
    SORT_ROLE,
    AgendaModel,
    Column,
    urgency_words,
)
from lawyer_desk.ui.calendar_export import CalendarExportDialog
from lawyer_desk.ui.case_view.deadlines import COLOURS
from lawyer_desk.ui.dashboard import DeadlineDashboard
from lawyer_desk.ui.main_window import MainWindow
from lawyer_desk.ui.undo import CaseEvents
from tests.conftest import PASSPHRASE
from tests.ui.case_view.demo_case import import_demo
from tests.ui.conftest import AlertRecorder, Driver

VIENNA = "Chase NCB Vienna for confirmation of deletion"  # overdue by 5 days, Rustam Nazarov
TRANSLATION = "Translation of the IND refugee decision into Polish"  # overdue by 2 days, Idris Mamut


@pytest.fixture
def ids(store: Store) -> list[int]:
    return import_demo(store)


@pytest.fixture
def immediate() -> None:
    tasks.set_runner(tasks.ImmediateRunner())


def _window(qtbot, store: Store) -> MainWindow:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    return window


def _column(dashboard: DeadlineDashboard, column: Column) -> list[str]:
    model = dashboard.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _choose(qtbot, combo: QComboBox, value: object) -> None:
    """Choose a filter's value once the choices have been read (just after the list is shown)."""
    qtbot.waitUntil(lambda: combo.count() > 1)
    index = combo.findData(value)
    assert index > 0, f"{value!r} is not offered"
    combo.setCurrentIndex(index)


def _status(store: Store, title: str) -> m.Deadline:
    with store.session() as session:
        return session.execute(select(m.Deadline).where(m.Deadline.title == title)).scalar_one()


def test_the_model_marks_urgency_in_words_colour_and_icon_without_a_view(qapp, store: Store, ids) -> None:
    with store.session() as session:
        items = agenda(session, date.today(), AgendaFilter(include_done=True))
    model = AgendaModel(store.session)
    model.load(AgendaFilter(include_done=True))
    assert model.rowCount() == len(items) == 9
    first = model.index(0, Column.URGENCY)
    assert first.data() == "Overdue by 5 days"
    assert first.data(Qt.ItemDataRole.BackgroundRole) == COLOURS[Urgency.overdue][0]
    assert first.data(Qt.ItemDataRole.ForegroundRole) == COLOURS[Urgency.overdue][1]
    assert not first.data(Qt.ItemDataRole.DecorationRole).isNull()
    assert first.data(Qt.ItemDataRole.FontRole).bold()
    urgencies = [model.item(row).urgency for row in range(model.rowCount())]
    ranks = [list(Urgency).index(level) for level in urgencies]
    assert ranks == sorted(ranks)  # overdue, today, this week, later: grouped in that order
    later = next(row for row, level in enumerate(urgencies) if level is Urgency.later)
    assert model.index(later, Column.URGENCY).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(later, Column.URGENCY).data().startswith("In ")
    assert model.index(0, Column.DAYS_LEFT).data() == "-5"
    assert model.index(0, Column.CASE).data().startswith("LD-")
    # A header click sorts in SQL, by the raw value (the sort role), not by the text.
    model.sort(Column.CLIENT, Qt.SortOrder.AscendingOrder)
    clients = [model.index(row, Column.CLIENT).data() for row in range(model.rowCount())]
    assert clients == sorted(clients, key=str.casefold)
    model.sort(Column.DAYS_LEFT, Qt.SortOrder.DescendingOrder)
    days = [int(model.index(row, Column.DAYS_LEFT).data()) for row in range(model.rowCount())]
    assert days == sorted(days, reverse=True)
    assert model.index(0, Column.DUE).data(SORT_ROLE)[0] == items[-1].due_date
    assert model.index(0, 0).parent() == QModelIndex() and model.rowCount(model.index(0, 0)) == 0


def test_the_window_opens_on_the_dashboard_and_switches_with_shortcuts(qtbot, store: Store, ids) -> None:
    window = _window(qtbot, store)
    assert window.modes.currentWidget() is window.dashboard
    dashboard = window.dashboard
    assert _column(dashboard, Column.DEADLINE)[:2] == [VIENNA, TRANSLATION]
    assert "2 overdue" in dashboard.summary.accessibleName()
    assert "Overdue by 2 days" in _column(dashboard, Column.URGENCY)
    assert window.dashboard_action.shortcut().toString() == "Ctrl+Shift+D"
    window.cases_action.trigger()
    assert window.modes.currentWidget() is window.splitter
    window.dashboard_action.trigger()
    assert window.modes.currentWidget() is window.dashboard and window.dashboard_action.isChecked()
    # The cut-off is shown in the forum's zone and, when it reads differently, in the lawyer's own.
    row = _column(dashboard, Column.DEADLINE).index("Written observations to the Regional Court")
    cutoff = dashboard.model.index(row, Column.CUTOFF).data()
    assert cutoff.startswith("15:00")
    assert "Europe/Warsaw" in cutoff or cutoff == "15:00"


def test_filters_narrow_the_dashboard(qtbot, store: Store, ids) -> None:
    window = _window(qtbot, store)
    dashboard = window.dashboard
    everything = dashboard.model.rowCount()
    _choose(qtbot, dashboard.lawyer_filter, "A. Kowalska")
    assert set(_column(dashboard, Column.LAWYER)) == {"A. Kowalska"}
    assert 0 < dashboard.model.rowCount() < everything
    dashboard.lawyer_filter.setCurrentIndex(0)
    _choose(qtbot, dashboard.forum_filter, "ccf")
    assert set(_column(dashboard, Column.FORUM)) == {"CCF"}
    dashboard.forum_filter.setCurrentIndex(0)
    _choose(qtbot, dashboard.country_filter, "RS")
    assert set(_column(dashboard, Column.CLIENT)) == {"Aleksei Vetrov"}
    dashboard.country_filter.setCurrentIndex(0)
    assert dashboard.model.rowCount() == everything

    assert not dashboard.case_only.isEnabled()
    window.show_case(ids[0])  # Idris Mamut's case chosen in the case list
    window.show_dashboard()
    dashboard.case_only.setChecked(True)
    assert set(_column(dashboard, Column.CLIENT)) == {"Idris Mamut"}
    dashboard.case_only.setChecked(False)
    assert dashboard.model.rowCount() == everything


def test_mark_done_is_one_action_undoable_and_persists(qtbot, store_dir: Path) -> None:
    store = Store.create(store_dir, PASSPHRASE, KdfParams.cheap())
    import_demo(store)
    window = _window(qtbot, store)
    dashboard = window.dashboard
    assert not dashboard.done_button.isEnabled()
    dashboard.select_deadline(_status(store, VIENNA).id)
    assert dashboard.done_button.isEnabled()
    assert dashboard.done_action.shortcut().toString() == "Ctrl+Return"
    qtbot.mouseClick(dashboard.done_button, Qt.MouseButton.LeftButton)
    done = _status(store, VIENNA)
    assert done.status == "done" and done.done_at is not None
    assert VIENNA not in _column(dashboard, Column.DEADLINE)
    assert window.undo.undoText() == "Mark deadline done"
    window.undo_action.trigger()
    assert _status(store, VIENNA).status == "open" and _status(store, VIENNA).done_at is None
    assert _column(dashboard, Column.DEADLINE)[0] == VIENNA

    dashboard.show_done.setChecked(True)
    dashboard.select_deadline(_status(store, TRANSLATION).id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    dashboard.view.setFocus()
    qtbot.keyClick(dashboard.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    row = _column(dashboard, Column.DEADLINE).index(TRANSLATION)
    assert dashboard.model.index(row, Column.URGENCY).data() == "Done"  # still listed, with "Done" in words
    assert row == dashboard.model.rowCount() - 1  # done ones go last
    window.close()
    store.close()

    reopened = Store.open(store_dir, PASSPHRASE)
    try:
        again = _window(qtbot, reopened)
        assert TRANSLATION not in _column(again.dashboard, Column.DEADLINE)
        assert VIENNA in _column(again.dashboard, Column.DEADLINE)
        again.close()
    finally:
        reopened.close()


def test_double_click_opens_the_case_at_its_deadlines_tab(qtbot, store: Store, ids) -> None:
    window = _window(qtbot, store)
    dashboard = window.dashboard
    deadline_id = _status(store, TRANSLATION).id
    row = _column(dashboard, Column.DEADLINE).index(TRANSLATION)
    rect = dashboard.view.visualRect(dashboard.model.index(row, Column.DEADLINE))
    qtbot.mouseClick(dashboard.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dashboard.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.modes.currentWidget() is window.splitter
    assert window.client_id == ids[0]
    deadlines = window.case_tabs["deadlines"]
    assert window.tabs.currentWidget() is deadlines
    assert deadlines.selected()["id"] == deadline_id

    window.dashboard_action.trigger()  # and with the keyboard: Enter opens the selected deadline's case
    vienna = _status(store, VIENNA)
    assert dashboard.select_deadline(vienna.id)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    dashboard.view.setFocus()
    qtbot.keyClick(dashboard.view, Qt.Key.Key_Return)
    assert window.modes.currentWidget() is window.splitter and window.client_id == vienna.client_id
    assert deadlines.selected()["id"] == vienna.id


def test_the_dashboard_follows_changes_made_in_the_case(qtbot, store: Store, ids) -> None:
    window = _window(qtbot, store)
    window.show_case(ids[0])
    deadlines = window.case_tabs["deadlines"]
    deadlines.select_id(_status(store, TRANSLATION).id)
    deadlines.mark_done()
    window.dashboard_action.trigger()
    assert TRANSLATION not in _column(window.dashboard, Column.DEADLINE)
    window.undo_action.trigger()
    assert TRANSLATION in _column(window.dashboard, Column.DEADLINE)


def test_urgency_words_do_not_depend_on_colour(qapp, store: Store, ids) -> None:
    with store.session() as session:
        items = agenda(session, date.today())
    words = {item.urgency: urgency_words(item) for item in items}
    assert words[Urgency.overdue].startswith("Overdue by")
    assert words[Urgency.this_week] in ("Due tomorrow",) or words[Urgency.this_week].startswith("This week")
    assert words[Urgency.later].startswith("In ")


def test_the_calendar_action_writes_a_file_that_parses(qtbot, store: Store, ids, tmp_path: Path,
                                                         when_shown: Driver, recorded_alerts: AlertRecorder,
                                                         immediate) -> None:
    window = _window(qtbot, store)
    target = tmp_path / "deadlines"

    def fill(dialog: CalendarExportDialog) -> None:
        assert not dialog.client_names.isChecked()  # no client name unless the lawyer asks for it
        assert not dialog.this_case.isEnabled()  # no case chosen
        dialog.path_edit.setText(str(target))
        dialog.export_button.click()

    when_shown(CalendarExportDialog, fill)
    window.calendar_action.trigger()
    written = tmp_path / "deadlines.ics"
    calendar = icalendar.Calendar.from_ical(written.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 9
    summaries = [str(event["SUMMARY"]) for event in events]
    assert any(VIENNA in summary for summary in summaries)
    assert not any("Idris" in summary or "Nazarov" in summary for summary in summaries)
    info = [call for call in recorded_alerts.calls if call.kind == "info"]
    assert info and "9 deadlines" in info[-1].text

    window.show_case(ids[0])
    one_case = tmp_path / "one-case.ics"

    def this_case(dialog: CalendarExportDialog) -> None:
        assert dialog.this_case.isEnabled()
        dialog.this_case.setChecked(True)
        dialog.client_names.setChecked(True)
        dialog.path_edit.setText(str(one_case))
        dialog.export_button.click()

    when_shown(CalendarExportDialog, this_case)
    window.calendar_action.trigger()
    events = list(icalendar.Calendar.from_ical(one_case.read_bytes()).walk("VEVENT"))
    assert len(events) == 4 and all("Idris Mamut" in str(event["SUMMARY"]) for event in events)


def test_the_calendar_dialog_refuses_a_missing_folder(qtbot, tmp_path: Path) -> None:
    dialog = CalendarExportDialog(tmp_path / "x.ics", None)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "no such folder" / "x.ics"))
    dialog.accept()
    assert dialog.result_value is None and "does not exist" in dialog.path_error.text()
    dialog.path_edit.setText(str(tmp_path / "plain"))
    dialog.accept()
    assert dialog.result_value is not None and dialog.result_value.path == tmp_path / "plain.ics"


# --- the lazy list ------------------------------------------------------------------------------
def _many(store: Store, count: int, first_due: date) -> list[int]:
    """``count`` open deadlines one day apart (so their order is known), across a few cases."""
    with store.session() as session:
        clients = [m.Client(display_name=f"Client {n}", responsible_lawyer="A. Kowalska") for n in range(4)]
        session.add_all(clients)
        session.flush()
        deadlines = [m.Deadline(client_id=clients[n % 4].id, title=f"Deadline {n:03d}",
                                due_date=first_due + timedelta(days=n), reminder_days=[]) for n in range(count)]
        session.add_all(deadlines)
        session.flush()
        return [d.id for d in deadlines]


def test_rows_are_read_a_page_at_a_time_when_asked_for(qapp, store: Store) -> None:
    today = date.today()
    ids = _many(store, 120, today - timedelta(days=3))
    model = AgendaModel(store.session, page_size=10, cache_rows=30)
    model.load()
    assert model.rowCount() == 120 and model.page_fetches == 0 and model.cached_rows == 0  # ids only
    assert model.counts() == {Urgency.overdue: 3, Urgency.today: 1, Urgency.this_week: 7, Urgency.later: 109,
                              Urgency.done: 0}
    assert model.deadline_id_at(0) == ids[0] and model.row_of(ids[57]) == 57 and model.is_open(57)
    assert model.index(57, Column.DEADLINE).data(DEADLINE_ID_ROLE) == ids[57]
    assert model.page_fetches == 0  # none of that read a row

    assert model.index(0, Column.DEADLINE).data() == "Deadline 000"
    assert (model.page_fetches, model.cached_rows) == (1, 10)
    assert model.index(9, Column.URGENCY).data() == "This week: in 6 days"
    assert model.page_fetches == 1  # the same page
    assert model.index(115, Column.DEADLINE).data() == "Deadline 115"
    assert (model.page_fetches, model.cached_rows) == (2, 20)
    for row in range(20, 60, 10):  # four more pages: the cache keeps 30 rows at most
        model.index(row, Column.DEADLINE).data()
    assert model.cached_rows == 30 and model.page_fetches == 6
    assert model.index(0, Column.DEADLINE).data() == "Deadline 000"  # fell out of the cache: read again
    assert model.page_fetches == 7
    assert model.index(0, Column.DEADLINE).data(OBJECT_ROLE).deadline_id == ids[0]
    assert model.item(120) is None and model.deadline_id_at(-1) is None
    # A selection of every row (Ctrl+A, then Mark done) reads them at once, whatever the cache keeps.
    assert [item.deadline_id for item in model.items(range(120))] == ids and model.cached_rows == 30


def test_the_view_reads_only_the_rows_it_shows(qtbot, store: Store) -> None:
    _many(store, 300, date.today())
    dashboard = DeadlineDashboard(store, CaseEvents(), QUndoStack())
    qtbot.addWidget(dashboard)
    dashboard.resize(1200, 500)
    dashboard.show()
    qtbot.waitExposed(dashboard)
    dashboard.grab()
    assert dashboard.model.rowCount() == 300
    assert 0 < dashboard.model.cached_rows <= PAGE_SIZE and dashboard.model.page_fetches == 1
    assert "300 deadlines shown" in dashboard.count_label.text()
    dashboard.view.scrollToBottom()
    dashboard.grab()
    assert dashboard.model.page_fetches == 2 and dashboard.model.cached_rows <= 2 * PAGE_SIZE


def test_a_change_in_the_store_reads_the_list_again(qtbot, store: Store) -> None:
    ids = _many(store, 30, date.today() + timedelta(days=1))
    events = CaseEvents()
    dashboard = DeadlineDashboard(store, events, QUndoStack())
    qtbot.addWidget(dashboard)
    dashboard.show()
    assert _column(dashboard, Column.DEADLINE)[:2] == ["Deadline 000", "Deadline 001"]
    assert "7 this week" in dashboard.summary.accessibleName()
    dashboard.select_deadline(ids[5])
    with store.session() as session:
        first = session.get(m.Deadline, ids[0])
        first.title = "Renamed in the case"
        mark_done(session, ids[1], datetime.now(UTC))
        client_id = first.client_id
    events.changed.emit("deadline", client_id)
    assert _column(dashboard, Column.DEADLINE)[:2] == ["Renamed in the case", "Deadline 002"]  # no stale row
    assert "6 this week" in dashboard.summary.accessibleName() and dashboard.model.rowCount() == 29
    assert dashboard.selected_ids() == [ids[5]]  # the selection follows its deadline
    dashboard.show_done.setChecked(True)
    assert dashboard.model.rowCount() == 30 and not dashboard.model.is_open(dashboard.model.row_of(ids[1]))


def test_a_header_click_sorts_in_the_store_and_keeps_the_selection_and_the_rows(qtbot, store: Store, ids) -> None:
    dashboard = DeadlineDashboard(store, CaseEvents(), QUndoStack())
    qtbot.addWidget(dashboard)
    dashboard.show()
    vienna = _status(store, VIENNA).id
    dashboard.select_deadline(vienna)
    _column(dashboard, Column.DEADLINE)
    fetches = dashboard.model.page_fetches
    dashboard.view.sortByColumn(Column.CLIENT, Qt.SortOrder.AscendingOrder)
    clients = _column(dashboard, Column.CLIENT)
    assert clients == sorted(clients, key=str.casefold)
    assert dashboard.selected_ids() == [vienna]
    assert dashboard.model.page_fetches == fetches  # the rows were read already: only the order is new
    dashboard.view.sortByColumn(Column.CLIENT, Qt.SortOrder.DescendingOrder)
    assert _column(dashboard, Column.CLIENT) == sorted(clients, key=str.casefold, reverse=True)
    dashboard.view.sortByColumn(Column.LAWYER, Qt.SortOrder.AscendingOrder)
    lawyers = [name for name in _column(dashboard, Column.LAWYER) if name]
    assert lawyers == sorted(lawyers, key=str.casefold)


def test_a_deadline_deleted_since_the_list_was_read_shows_nothing(qapp, store: Store, ids) -> None:
    model = AgendaModel(store.session)
    model.load()
    gone = model.deadline_id_at(0)
    with store.session() as session:
        session.delete(session.get(m.Deadline, gone))
    assert model.index(0, Column.DEADLINE).data() is None and model.item(0) is None
    assert model.index(1, Column.DEADLINE).data()  # the others are there
    assert model.items([0, 1]) == [model.item(1)]


def test_the_filters_choices_are_read_after_the_first_paint(qtbot, store: Store, ids) -> None:
    dashboard = DeadlineDashboard(store, CaseEvents(), QUndoStack())
    qtbot.addWidget(dashboard)
    assert dashboard.lawyer_filter.count() == 1  # "All lawyers" alone while the list is built
    dashboard.show()
    everything = dashboard.model.rowCount()
    qtbot.waitUntil(lambda: dashboard.lawyer_filter.count() > 1)
    assert dashboard.lawyer_filter.findData("A. Kowalska") > 0
    # A value gone from the store goes back to "All", and the list follows.
    with store.session() as session:
        for client in session.execute(select(m.Client)).scalars():
            if client.responsible_lawyer == "A. Kowalska":
                client.responsible_lawyer = "B. Nowak"
    _choose(qtbot, dashboard.lawyer_filter, "A. Kowalska")
    assert dashboard.model.rowCount() == 0
    dashboard.refresh_choices()
    dashboard.lawyer_filter.showPopup()  # opening a filter reads its choices first
    dashboard.lawyer_filter.hidePopup()
    assert dashboard.lawyer_filter.findData("A. Kowalska") == -1 and dashboard.lawyer_filter.currentIndex() == 0
    assert dashboard.model.rowCount() == everything


# --- the cut-off: the forum's place and the lawyer's own zone -----------------------------------
def test_the_cutoff_names_the_rules_place_and_the_lawyers_time(qtbot, store: Store,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_time, "system_zone_id", lambda: "Europe/London")
    with store.session() as session:
        client = m.Client(display_name="Idris Mamut")
        session.add(client)
        session.flush()
        for title, rule in (("Rule 39 request", "echr-application"), ("CCF revision", "ccf-revision"),
                            ("By hand", None)):
            session.add(m.Deadline(client_id=client.id, title=title, due_date=date(2027, 1, 6), rule_id=rule,
                                   due_time=time(16, 0), time_zone="Europe/Paris", reminder_days=[]))
    dashboard = DeadlineDashboard(store, CaseEvents(), QUndoStack(), today=lambda: date(2027, 1, 4))
    qtbot.addWidget(dashboard)
    dashboard.show()
    cutoffs = dict(zip(_column(dashboard, Column.DEADLINE), _column(dashboard, Column.CUTOFF), strict=True))
    assert cutoffs == {"Rule 39 request": "16:00 Strasbourg time (Europe/Paris) — 15:00 your time",
                       "CCF revision": "16:00 Lyon time (Europe/Paris) — 15:00 your time",
                       "By hand": "16:00 Paris time (Europe/Paris) — 15:00 your time"}
    monkeypatch.setattr(local_time, "system_zone_id", lambda: "Asia/Tokyo")  # the laptop travelled
    dashboard.reload()
    assert _column(dashboard, Column.CUTOFF)[0] == \
        "16:00 Strasbourg time (Europe/Paris) — 00:00 Thu 7 Jan 2027 your time"
