"""Deadlines from the forum's rules, through the real dialogs: add one, move its trigger, see the dashboard.

The dialogs are driven as a lawyer would (``when_shown``: fields set, buttons clicked) in a
real window on a real encrypted store, which is closed and opened again to see what stayed.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import func, select

from lawyer_desk.core import models as m
from lawyer_desk.core.deadlines import compute, deadline_from_rule, load_catalogue
from lawyer_desk.core.deadlines.engine import fmt_date
from lawyer_desk.core.deadlines.rules import Catalogue
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.ui import local_time
from lawyer_desk.ui.dashboard import Column
from lawyer_desk.ui.deadline_rule_dialog import (
    RULE_ROLE,
    DeadlineFromRuleDialog,
    TriggerChangeDialog,
    trigger_problem,
)
from lawyer_desk.ui.main_window import MainWindow
from tests.conftest import PASSPHRASE
from tests.ui.case_view.demo_case import import_demo
from tests.ui.conftest import AlertRecorder, Driver

S103 = "uk-ea2003-s103-leave-to-appeal"


@pytest.fixture
def catalogue():
    return load_catalogue()


def _window(qtbot, store: Store) -> MainWindow:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    return window


def _titles(window: MainWindow) -> list[str]:
    model = window.dashboard.model
    return [model.index(row, Column.DEADLINE).data() for row in range(model.rowCount())]


def _deadline(store: Store, rule_id: str) -> m.Deadline:
    with store.session() as session:
        return session.execute(select(m.Deadline).where(m.Deadline.rule_id == rule_id)).scalar_one()


def _audit_count(store: Store) -> int:
    with store.session() as session:
        return session.execute(select(func.count()).select_from(m.AuditEntry)
                               .where(m.AuditEntry.entity == "deadline")).scalar_one()


def _visible_rules(dialog: DeadlineFromRuleDialog) -> list[str]:
    items = [dialog.rule_list.item(row) for row in range(dialog.rule_list.count())]
    return [item.data(RULE_ROLE) for item in items if not item.isHidden()]


def _save(dialog: DeadlineFromRuleDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_a_deadline_from_a_rule_is_added_moved_marked_done_and_kept(
        qtbot, store_dir: Path, when_shown: Driver, catalogue) -> None:
    store = Store.create(store_dir, PASSPHRASE, KdfParams.cheap())
    ids = import_demo(store)
    window = _window(qtbot, store)
    window.show_case(ids[0])
    tab = window.case_tabs["deadlines"]
    court = next(choice for text, choice in tab.choices if text.startswith("Extradition court"))
    trigger = date.today() - timedelta(days=3)
    expected = compute(catalogue.get(S103), trigger)

    def fill(dialog: DeadlineFromRuleDialog) -> None:
        dialog.filter_edit.setText("s103")
        assert _visible_rules(dialog) == [S103]
        dialog.proceeding_combo.setCurrentIndex(dialog.proceeding_combo.findData(court))
        dialog.set_trigger(trigger)
        assert fmt_date(expected.due) in dialog.due_label.text() and "16:30" in dialog.due_label.text()
        assert dialog.explanation.toPlainText() == "\n".join(expected.explanation)
        assert "s.103" in dialog.sources.toPlainText()
        assert dialog.reminders_edit.text() == "7, 1, 0"
        dialog.reminders_edit.setText("3, 1")
        _save(dialog)

    when_shown(DeadlineFromRuleDialog, fill)
    tab.rule_button.click()
    added = _deadline(store, S103)
    assert (added.due_date, added.due_time, added.time_zone) == (expected.due, time(16, 30), "Europe/London")
    assert (added.trigger_date, added.proceeding_id, added.reminder_days) == (trigger, court, [3, 1])
    assert added.statutory_date == expected.due and added.note == "\n".join(expected.explanation)
    assert tab.selected()["id"] == added.id
    window.dashboard_action.trigger()
    assert added.title in _titles(window)

    # The trigger was a day later than noted: the dialog shows old → new, Accept saves it.
    window.show_case(ids[0])
    tab.select_id(added.id)
    assert tab.trigger_button.isEnabled()
    later = trigger + timedelta(days=1)
    moved = compute(catalogue.get(S103), later)
    audited = _audit_count(store)

    def accept(dialog: TriggerChangeDialog) -> None:
        dialog.set_trigger(later)
        assert dialog.table.rowCount() == 1
        assert dialog.table.item(0, 1).text() == f"{trigger.isoformat()} → {later.isoformat()}"
        assert dialog.table.item(0, 3).text().startswith(fmt_date(moved.due))
        assert "\n".join(moved.explanation) in dialog.explanation.toPlainText()
        dialog.apply_button.click()

    when_shown(TriggerChangeDialog, accept)
    tab.trigger_button.click()
    assert (_deadline(store, S103).trigger_date, _deadline(store, S103).due_date) == (later, moved.due)
    assert _audit_count(store) > audited  # the core audits the change

    # Mark it done on the dashboard, undo, do it again: the lawyer's last word is kept.
    window.dashboard_action.trigger()
    dashboard = window.dashboard
    assert dashboard.select_deadline(added.id)
    dashboard.done_action.trigger()
    assert _deadline(store, S103).status == "done"
    window.undo_action.trigger()
    assert _deadline(store, S103).status == "open"
    window.undo_action.trigger()  # the trigger change, undone
    assert (_deadline(store, S103).trigger_date, _deadline(store, S103).due_date) == (trigger, expected.due)
    window.redo_action.trigger()
    assert _deadline(store, S103).trigger_date == later
    window.close()
    store.close()

    reopened = Store.open(store_dir, PASSPHRASE)
    try:
        kept = _deadline(reopened, S103)
        assert (kept.trigger_date, kept.due_date, kept.status, kept.reminder_days) == (later, moved.due, "open", [3, 1])
        again = _window(qtbot, reopened)
        assert added.title in _titles(again)
        again.close()
    finally:
        reopened.close()


@pytest.fixture
def two_ccf_deadlines(store: Store, catalogue) -> tuple[list[int], int, date]:
    """Two CCF decision deadlines hanging on the same admissibility date, and a hand-made one."""
    ids = import_demo(store)
    admissible = date.today() - timedelta(days=40)
    with store.session() as session:
        proceeding = session.execute(select(m.Proceeding).where(m.Proceeding.client_id == ids[0],
                                                                 m.Proceeding.forum == "ccf")).scalar_one()
        made = [deadline_from_rule(catalogue, rule, admissible, client_id=ids[0], proceeding_id=proceeding.id)
                for rule in ("ccf-access-decision", "ccf-deletion-decision")]
        session.add_all(made)
        session.flush()
        return [d.id for d in made], ids[0], admissible


def test_changing_a_trigger_shows_every_dependant_and_cancel_changes_nothing(
        qtbot, store: Store, two_ccf_deadlines, when_shown: Driver) -> None:
    (access, deletion), client_id, admissible = two_ccf_deadlines
    window = _window(qtbot, store)
    window.show_case(client_id)
    tab = window.case_tabs["deadlines"]
    tab.select_id(next(r["id"] for r in tab.list_model.rows if r["title"] == "Extradition hearing"))
    assert not tab.trigger_button.isEnabled()  # typed by hand: no rule to recompute it with
    tab.select_id(access)
    before = {i: _by_id(store, i) for i in (access, deletion)}
    audited = _audit_count(store)
    shown: list[int] = []

    def cancel(dialog: TriggerChangeDialog) -> None:
        dialog.set_trigger(admissible + timedelta(days=7))
        shown.append(dialog.table.rowCount())
        assert all(" → " in dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount()))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()

    when_shown(TriggerChangeDialog, cancel)
    tab.trigger_button.click()
    assert shown == [2]  # both deadlines on that admissibility date
    assert {i: _by_id(store, i) for i in (access, deletion)} == before
    assert _audit_count(store) == audited and window.undo.count() == 0

    new = admissible + timedelta(days=7)

    def accept(dialog: TriggerChangeDialog) -> None:
        dialog.set_trigger(new)
        dialog.apply_button.click()

    when_shown(TriggerChangeDialog, accept)
    tab.trigger_button.click()
    after = {i: _by_id(store, i) for i in (access, deletion)}
    assert all(row[0] == new for row in after.values())
    assert after[access][1] == compute(load_catalogue().get("ccf-access-decision"), new).due
    assert after[deletion][1] == compute(load_catalogue().get("ccf-deletion-decision"), new).due
    window.undo_action.trigger()
    assert {i: _by_id(store, i) for i in (access, deletion)} == before


def _by_id(store: Store, deadline_id: int) -> tuple[object, ...]:
    with store.session() as session:
        d = session.get(m.Deadline, deadline_id)
        return (d.trigger_date, d.due_date, d.due_time, d.statutory_date, d.note)


def test_the_same_trigger_date_cannot_be_applied(qtbot, store: Store, two_ccf_deadlines) -> None:
    (access, _deletion), _client, admissible = two_ccf_deadlines
    dialog = TriggerChangeDialog(store, load_catalogue(), access, admissible)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2 and not dialog.apply_button.isEnabled()
    dialog.set_trigger(date.today() + timedelta(days=400))
    assert "more than a year" in dialog.error.text() and not dialog.apply_button.isEnabled()
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted


def test_a_trigger_far_in_the_future_or_past_is_refused(qtbot, catalogue) -> None:
    today = date(2026, 12, 2)
    assert trigger_problem(today, today) is None
    assert "more than a year" in (trigger_problem(date(2028, 1, 1), today) or "")
    assert "too far in the past" in (trigger_problem(date(1901, 1, 1), today) or "")
    dialog = DeadlineFromRuleDialog(catalogue, [], today=lambda: today)
    qtbot.addWidget(dialog)
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert save.isEnabled()
    dialog.set_trigger(date(2028, 1, 1))
    assert dialog.trigger_error.isVisibleTo(dialog) and "more than a year" in dialog.trigger_error.text()
    assert not save.isEnabled() and dialog.due_label.text() == ""
    dialog.accept()
    assert dialog.result_value is None
    dialog.set_trigger(date(2026, 11, 30))
    assert save.isEnabled()
    for wrong, words in (("7, soon", "whole numbers"), ("400", "366"), ("-1", "from 0")):
        dialog.reminders_edit.setText(wrong)
        assert words in dialog.reminders_error.text() and not save.isEnabled()
    dialog.reminders_edit.setText("0; 14")
    dialog.accept()
    assert dialog.result_value is not None and dialog.result_value.reminder_days == [14, 0]


def test_the_preview_shows_the_cutoff_at_the_rules_place_and_in_the_lawyers_zone(
        qtbot, catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_time, "system_zone_id", lambda: "Asia/Tokyo")  # the lawyer's named zone
    rule = catalogue.get(S103).model_copy(update={"place": "Westminster"})
    dialog = DeadlineFromRuleDialog(Catalogue({S103: rule}, {S103: Path("uk.toml")}), [],
                                    today=lambda: date(2026, 12, 2))
    qtbot.addWidget(dialog)
    dialog.select_rule(S103)
    dialog.set_trigger(date(2026, 11, 30))
    due = compute(rule, date(2026, 11, 30)).due  # in winter: London is UTC, Tokyo nine hours ahead
    assert f"16:30 Westminster time (Europe/London) — 01:30 {fmt_date(due + timedelta(days=1))} your time" \
        in dialog.due_label.text()


def test_the_rule_list_filters_as_you_type(qtbot, catalogue) -> None:
    dialog = DeadlineFromRuleDialog(catalogue, [("CCF – CCF/R/2026/0981", 5)], proceeding_id=5)
    qtbot.addWidget(dialog)
    assert dialog.proceeding_combo.currentData() == 5
    assert len(_visible_rules(dialog)) == len(catalogue)
    dialog.filter_edit.setText("ccf")
    assert _visible_rules(dialog) and all(rule.startswith("ccf-") for rule in _visible_rules(dialog))
    dialog.filter_edit.setText("human rights")  # the forum's name
    assert _visible_rules(dialog) == ["echr-application"] and dialog.rule().id == "echr-application"
    assert "end of the day" in dialog.due_label.text()  # no cut-off time: the whole day, in Strasbourg's zone
    dialog.filter_edit.setText("no such rule")
    assert _visible_rules(dialog) == [] and dialog.rule() is None
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    dialog.filter_edit.clear()
    assert dialog.select_rule(S103) and dialog.rule().id == S103


def test_a_bad_rule_file_of_the_lawyer_is_explained_and_nothing_is_saved(
        qtbot, store: Store, store_dir: Path, recorded_alerts: AlertRecorder) -> None:
    ids = import_demo(store)
    rules = store_dir / "rules"
    rules.mkdir()
    (rules / "mine.toml").write_text('[[rule]]\nid = "my-rule"\ntitle = "Mine"\n', encoding="utf-8")
    window = _window(qtbot, store)
    window.show_case(ids[0])
    tab = window.case_tabs["deadlines"]
    count = len(tab.list_model.rows)
    tab.rule_button.click()  # no dialog opens: the error comes first
    errors = [call for call in recorded_alerts.calls if call.kind == "error"]
    assert len(errors) == 1 and "mine.toml" in (errors[0].details or "") and "my-rule" in (errors[0].details or "")
    assert len(tab.list_model.rows) == count and window.undo.count() == 0
