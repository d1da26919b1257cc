"""The Deadlines tab: due-date order, urgency in words and colour, Mark done, time zones, undo."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from sqlalchemy import select

from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store
from lawyer_desk.ui import local_time
from lawyer_desk.ui.case_view.deadlines import COLOURS, DeadlinesTab, Urgency, urgency, urgency_text
from lawyer_desk.ui.case_view.linked import CaseRecordDialog
from lawyer_desk.ui.case_view.specs_more import RULE_FIELDS, deadline_specs, time_zone_problem
from tests.ui.case_view.demo_case import answer_dialog, cells, header_column, import_demo, make_tab


@pytest.fixture
def ids(store: Store) -> list[int]:
    return import_demo(store)


def _row(title: str, tab: DeadlinesTab) -> int:
    return cells(tab.view, header_column(tab.view, "Title")).index(title)


OVERDUE = "Translation of the IND refugee decision into Polish"


def test_shows_the_deadlines_soonest_first_with_urgency_in_words_and_colour(qtbot, store, ids) -> None:
    tab, _events, _undo = make_tab(qtbot, DeadlinesTab, store)
    tab.show_case(ids[0])
    titles = cells(tab.view, header_column(tab.view, "Title"))
    assert titles == [OVERDUE, "Written observations to the Regional Court", "Extradition hearing",
                      "CCF admissibility decision due (Art. 32)"]
    dues = [row["due_date"] for row in tab.list_model.rows]
    assert dues == sorted(dues)
    words = cells(tab.view, header_column(tab.view, "Urgency"))
    assert "overdue" in words[0].lower() and "2 days" in words[0]
    assert words[1].startswith("This week")
    assert not any("overdue" in text.lower() for text in words[1:])
    overdue = tab.list_model.index(0, 0)
    assert overdue.data(Qt.ItemDataRole.BackgroundRole) == COLOURS[Urgency.overdue][0]
    assert overdue.data(Qt.ItemDataRole.ForegroundRole) == COLOURS[Urgency.overdue][1]
    assert tab.list_model.index(1, 3).data(Qt.ItemDataRole.BackgroundRole) == COLOURS[Urgency.this_week][0]
    assert tab.list_model.index(2, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert cells(tab.view, header_column(tab.view, "Time"))[1] == "15:00 Europe/Warsaw"
    assert cells(tab.view, header_column(tab.view, "Proceeding"))[3] == "CCF – CCF/R/2026/0981"
    assert "statutory" in cells(tab.view, header_column(tab.view, "Statutory / actual"))[3]
    assert cells(tab.view, header_column(tab.view, "Reminders"))[3] == "7, 1 days before"


def test_urgency_is_judged_in_the_deadlines_own_time_zone() -> None:
    now = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)  # 16:30 in Strasbourg
    row = {"status": "open", "due_date": date(2026, 3, 10), "due_time": time(16, 0), "time_zone": "Europe/Paris"}
    assert urgency(row, now) is Urgency.overdue
    assert "cut-off" in urgency_text(row, now)
    assert urgency({**row, "due_time": time(17, 0)}, now) is Urgency.today
    assert urgency({**row, "due_date": date(2026, 3, 17)}, now) is Urgency.this_week
    assert urgency({**row, "due_date": date(2026, 3, 18)}, now) is Urgency.later
    assert urgency_text({**row, "due_date": date(2026, 3, 11)}, now) == "Due tomorrow"
    assert urgency_text({**row, "due_date": date(2026, 3, 9)}, now) == "Overdue by 1 day"
    assert urgency({**row, "status": "done", "due_date": date(2020, 1, 1)}, now) is None
    late_evening = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # already the 11th in Tokyo
    assert urgency({**row, "due_time": None, "time_zone": "Asia/Tokyo"}, late_evening) is Urgency.overdue


def test_a_deadline_without_a_zone_is_judged_by_the_lawyers_named_zone(monkeypatch) -> None:
    monkeypatch.setattr(local_time, "system_zone_id", lambda: "Asia/Tokyo")
    row = {"status": "open", "due_date": date(2026, 3, 11), "due_time": time(9, 0), "time_zone": None}
    evening = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # 08:30 on the 11th in Tokyo
    assert urgency(row, evening) is Urgency.today
    assert urgency(row, evening + timedelta(hours=1)) is Urgency.overdue  # 09:30 in Tokyo: past the cut-off
    monkeypatch.setattr(local_time, "system_zone_id", lambda: "America/New_York")  # the laptop travelled
    assert urgency_text(row, evening) == "Due tomorrow"  # 19:30 on the 10th in New York


def test_mark_done_is_one_click_and_undoable(qtbot, store, ids) -> None:
    tab, _events, undo = make_tab(qtbot, DeadlinesTab, store)
    tab.show_case(ids[0])
    assert not tab.done_button.isEnabled()
    tab.view.selectRow(_row(OVERDUE, tab))
    deadline_id = tab.selected()["id"]
    assert tab.done_button.isEnabled()
    qtbot.mouseClick(tab.done_button, Qt.MouseButton.LeftButton)
    with store.session() as session:
        assert session.get(m.Deadline, deadline_id).status == "done"
    row = _row(OVERDUE, tab)
    assert cells(tab.view, header_column(tab.view, "Status"))[row] == "Done"
    assert cells(tab.view, header_column(tab.view, "Urgency"))[row] == ""
    assert tab.list_model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert tab.selected()["id"] == deadline_id and not tab.done_button.isEnabled()
    assert undo.undoText() == "Mark deadline done"
    undo.undo()
    with store.session() as session:
        assert session.get(m.Deadline, deadline_id).status == "open"
    assert "overdue" in cells(tab.view, header_column(tab.view, "Urgency"))[_row(OVERDUE, tab)].lower()


def test_adding_a_deadline_with_time_zone_and_proceeding(qtbot, store, ids, monkeypatch) -> None:
    tab, _events, undo = make_tab(qtbot, DeadlinesTab, store)
    tab.show_case(ids[0])
    proceeding_id = next(text_id for text, text_id in tab.choices if text.startswith("Extradition court"))
    due = date.today() + timedelta(days=5)
    answer_dialog(monkeypatch, {"title": "Rule 39 request to the ECtHR", "due_date": due, "due_time": time(16, 0),
                                "time_zone": "Europe/Paris", "kind": "statutory", "status": "open",
                                "reminder_days": [2], "proceeding_id": proceeding_id})
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    with store.session() as session:
        added = session.execute(select(m.Deadline).where(m.Deadline.title == "Rule 39 request to the ECtHR")
                                ).scalar_one()
        assert (added.due_time, added.time_zone, added.proceeding_id) == (time(16, 0), "Europe/Paris", proceeding_id)
        added_id = added.id
    titles = cells(tab.view, header_column(tab.view, "Title"))
    assert titles.index("Rule 39 request to the ECtHR") == 2  # between day +3 and day +12
    undo.undo()
    with store.session() as session:
        assert session.get(m.Deadline, added_id) is None


def test_editing_and_deleting_are_undoable(qtbot, store, ids, monkeypatch, recorded_alerts) -> None:
    tab, _events, undo = make_tab(qtbot, DeadlinesTab, store)
    tab.show_case(ids[0])
    tab.view.selectRow(_row("Extradition hearing", tab))
    deadline_id = tab.selected()["id"]
    answer_dialog(monkeypatch, {"due_date": date(2030, 1, 2), "actual_date": date(2030, 1, 3), "proceeding_id": None})
    qtbot.mouseClick(tab.edit_button, Qt.MouseButton.LeftButton)
    with store.session() as session:
        edited = session.get(m.Deadline, deadline_id)
        assert (edited.due_date, edited.actual_date, edited.proceeding_id) == (date(2030, 1, 2), date(2030, 1, 3), None)
    assert cells(tab.view, header_column(tab.view, "Title"))[-1] == "Extradition hearing"
    undo.undo()
    with store.session() as session:
        assert session.get(m.Deadline, deadline_id).proceeding_id is not None
    tab.view.selectRow(_row("Extradition hearing", tab))
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    with store.session() as session:
        assert session.get(m.Deadline, deadline_id) is None
    undo.undo()
    with store.session() as session:
        assert session.get(m.Deadline, deadline_id).title == "Extradition hearing"


def test_the_time_zone_is_checked_at_the_field(qtbot, store, ids) -> None:
    assert time_zone_problem("Europe/Warsaw") is None and time_zone_problem("") is None
    assert time_zone_problem("Europe/Warsow") and time_zone_problem("../../etc/passwd")
    values = {"title": "File appeal", "due_date": date(2026, 5, 4), "time_zone": "Mars/Olympus"}
    dialog = CaseRecordDialog("New deadline", m.Deadline, deadline_specs(), values)
    qtbot.addWidget(dialog)
    field = dialog.form.widgets["time_zone"]
    assert isinstance(field, QLineEdit)
    field.editingFinished.emit()
    assert "not a time zone" in dialog.form.error_labels["time_zone"].text()
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted and not dialog.result_values
    field.setText("Europe/London")
    field.editingFinished.emit()
    assert dialog.form.error_labels["time_zone"].isHidden()
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.result_values["time_zone"] == "Europe/London"


def test_rule_fields_are_read_only_and_shown_only_when_set(qtbot, store, ids) -> None:
    manual = {"title": "Chase the NCB", "due_date": date(2026, 5, 4)}
    dialog = CaseRecordDialog("Edit deadline", m.Deadline, deadline_specs(), manual)
    qtbot.addWidget(dialog)
    layout = dialog.form.layout()
    assert not any(layout.isRowVisible(dialog.form.widgets[name].parentWidget()) for name in RULE_FIELDS)
    computed = {**manual, "rule_id": "uk-ea2003-s103", "trigger_event": "decision", "trigger_date": date(2026, 4, 20)}
    dialog = CaseRecordDialog("Edit deadline", m.Deadline, deadline_specs(), computed)
    qtbot.addWidget(dialog)
    layout = dialog.form.layout()
    for name in RULE_FIELDS:
        widget = dialog.form.widgets[name]
        assert layout.isRowVisible(widget.parentWidget())
        assert isinstance(widget, QLineEdit) and widget.isReadOnly()
    dialog.accept()
    assert dialog.result_values["rule_id"] == "uk-ea2003-s103"
