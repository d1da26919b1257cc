"""The Overview tab: the demo client's details, saving, field validation, undo and unsaved changes."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QMessageBox

from lawyer_desk.core import models as m
from lawyer_desk.core import records
from lawyer_desk.core.store import Store
from lawyer_desk.ui.case_view.overview import OverviewTab, load_summary
from lawyer_desk.ui.undo import EditRecord, push
from tests.conftest import PASSPHRASE
from tests.ui.case_view.demo_case import import_demo, make_tab
from tests.ui.conftest import BoxRecorder

UYGHUR_NAME = "ئىدرىس مامۇت"


@pytest.fixture
def demo(store: Store) -> list[int]:
    return import_demo(store)


@pytest.fixture
def tab(qtbot, store: Store, demo: list[int]) -> OverviewTab:
    overview, _events, _undo = make_tab(qtbot, OverviewTab, store)
    overview.show_case(demo[0])
    overview.show()
    qtbot.waitExposed(overview)
    return overview


def line(tab: OverviewTab, name: str) -> QLineEdit:
    widget = tab.form.widgets[name]
    assert isinstance(widget, QLineEdit)
    return widget


def type_into(qtbot, tab: OverviewTab, name: str, text: str) -> None:
    """Replace a field's text with ASCII keystrokes, as a user does."""
    edit = line(tab, name)
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def stored(store: Store, client_id: int) -> m.Client:
    with store.session() as session:
        return records.get(session, m.Client, client_id)


def test_the_demo_client_is_shown_in_the_form_and_the_summary_card(tab: OverviewTab) -> None:
    assert line(tab, "display_name").text() == "Idris Mamut"
    assert line(tab, "date_of_birth").text() == "1984-03"
    assert line(tab, "place_of_birth").text() == "Ghulja"
    assert line(tab, "nationalities").text() == "CN"
    assert line(tab, "languages").text() == "uig, eng, tur"
    assert line(tab, "custody_facility").text() == "Areszt Śledczy Warszawa-Białołęka"
    custody = tab.form.widgets["custody_status"]
    assert isinstance(custody, QComboBox) and custody.currentData() == "detained"
    interpreter = tab.form.widgets["interpreter_needed"]
    assert isinstance(interpreter, QCheckBox) and interpreter.isChecked()
    assert tab.title.text() == "Idris Mamut"
    assert not tab.has_unsaved_changes()
    assert not tab.save_button.isEnabled()

    card = tab.card.text()
    assert "Red notice · 2017/71234 · requested by China · Challenged" in card
    assert "OVERDUE by 2 days" in card  # the translation of the refugee decision, two days late
    assert "due soon: in 3 days" in card
    assert "Custody: Detained (Areszt Śledczy Warszawa-Białołęka) · Asylum: Refugee (Netherlands, 14 May 2019)" in card
    overdue = next(label for label in tab.card.lines if "OVERDUE" in label.text())
    assert "#c62828" in overdue.styleSheet()  # said in words and in colour


def test_a_deleted_alert_shows_how_many_authorities_confirmed(tab: OverviewTab, demo: list[int]) -> None:
    tab.show_case(demo[2])  # Rustam Nazarov: notice deleted, 1 of 4 authorities confirmed
    assert "Red notice · 2015/40987 · requested by Tajikistan · Deleted — notifications: 1 of 4 confirmed" \
        in tab.card.text()


def test_the_summary_lists_the_next_three_open_deadlines_in_date_order(store: Store, demo: list[int]) -> None:
    today = date.today()
    with store.session() as session:
        summary = load_summary(session, demo[0], today)
    assert summary is not None
    assert [d.due_date for d in summary.deadlines] == [today - timedelta(2), today + timedelta(3),
                                                       today + timedelta(12)]
    assert [(d.overdue, d.due_soon) for d in summary.deadlines] == [(True, False), (False, True), (False, False)]


def test_nothing_selected_leaves_the_tab_empty_and_disabled(tab: OverviewTab) -> None:
    tab.show_case(None)
    assert not tab.isEnabled()
    assert line(tab, "display_name").text() == ""
    assert tab.title.text() == ""
    assert tab.card.text() == "No case selected."
    assert not tab.has_unsaved_changes()
    assert tab.maybe_save()


def test_editing_the_whereabouts_and_saving_persists(qtbot, tab: OverviewTab, store: Store, store_dir: Path,
                                                      demo: list[int]) -> None:
    type_into(qtbot, tab, "whereabouts", "Transferred to Poznan remand centre")
    assert tab.has_unsaved_changes()
    assert tab.save_button.isEnabled() and tab.unsaved_label.isVisible()

    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    assert not tab.has_unsaved_changes()
    assert not tab.unsaved_label.isVisible()
    command = tab.undo.command(0)
    assert isinstance(command, EditRecord)
    assert command.changes == {"whereabouts": "Transferred to Poznan remand centre"}  # only what changed
    store.close()
    with Store.open(store_dir, PASSPHRASE) as reopened, reopened.session() as session:
        assert records.get(session, m.Client, demo[0]).whereabouts == "Transferred to Poznan remand centre"


def test_a_wrong_date_is_marked_at_the_field_and_nothing_is_saved(qtbot, tab: OverviewTab, store: Store,
                                                                   demo: list[int]) -> None:
    type_into(qtbot, tab, "intake_date", "2026-02-30")
    qtbot.keyClick(line(tab, "intake_date"), Qt.Key.Key_Tab)  # leaving the field checks it
    error = tab.form.error_labels["intake_date"]
    assert error.isVisible()
    assert "not a date" in error.text()

    assert tab.save() is False
    assert line(tab, "intake_date").text() == "2026-02-30"  # kept for the user to correct, never dropped
    assert tab.undo.count() == 0
    assert stored(store, demo[0]).intake_date == date.today() - timedelta(days=17)
    assert tab.has_unsaved_changes()


def test_a_required_field_left_empty_is_marked(qtbot, tab: OverviewTab, store: Store, demo: list[int]) -> None:
    type_into(qtbot, tab, "display_name", "")
    assert tab.save() is False
    assert tab.form.error_labels["display_name"].text() == "required"
    assert stored(store, demo[0]).display_name == "Idris Mamut"


def test_undo_restores_the_old_value_in_the_store_and_the_form(qtbot, tab: OverviewTab, store: Store,
                                                                demo: list[int]) -> None:
    old = "Detained in Warsaw pending extradition hearing"
    type_into(qtbot, tab, "whereabouts", "Released on bail")
    assert tab.save()
    assert stored(store, demo[0]).whereabouts == "Released on bail"

    tab.undo.undo()
    assert stored(store, demo[0]).whereabouts == old
    assert line(tab, "whereabouts").text() == old
    assert not tab.has_unsaved_changes()

    tab.undo.redo()
    assert line(tab, "whereabouts").text() == "Released on bail"


def test_a_right_to_left_name_is_kept_exactly(tab: OverviewTab, store: Store, demo: list[int]) -> None:
    name = line(tab, "display_name")
    name.setText(UYGHUR_NAME)  # keyClicks cannot type non-ASCII text
    name.textEdited.emit(UYGHUR_NAME)
    assert tab.save()
    assert stored(store, demo[0]).display_name == UYGHUR_NAME
    assert tab.title.text() == UYGHUR_NAME
    assert name.alignment() & Qt.AlignmentFlag.AlignLeading  # the text's own direction decides, never forced LTR
    assert name.layoutDirection() == Qt.LayoutDirection.LeftToRight  # the widget follows the interface


def test_a_change_made_elsewhere_keeps_what_the_user_is_typing(qtbot, tab: OverviewTab, store: Store,
                                                                demo: list[int]) -> None:
    type_into(qtbot, tab, "whereabouts", "Hospital wing")
    push(tab.undo, EditRecord(store, tab.events, m.Client, demo[0], {"custody_status": "bail"}, "Bail granted",
                              demo[0]))
    custody = tab.form.widgets["custody_status"]
    assert isinstance(custody, QComboBox) and custody.currentData() == "bail"
    assert line(tab, "whereabouts").text() == "Hospital wing"
    assert tab.has_unsaved_changes()
    assert "Custody: Bail" in tab.card.text()


@pytest.mark.parametrize(("answer", "went_on", "whereabouts"), [
    (QMessageBox.StandardButton.Save, True, "Hospital wing"),
    (QMessageBox.StandardButton.Discard, True, "Detained in Warsaw pending extradition hearing"),
    (QMessageBox.StandardButton.Cancel, False, "Detained in Warsaw pending extradition hearing"),
])
def test_leaving_with_unsaved_changes_asks_save_discard_or_cancel(
        qtbot, tab: OverviewTab, store: Store, demo: list[int], shown_boxes: BoxRecorder,
        answer: QMessageBox.StandardButton, went_on: bool, whereabouts: str) -> None:
    assert tab.maybe_save() is True and not shown_boxes.boxes  # nothing typed: no question
    type_into(qtbot, tab, "whereabouts", "Hospital wing")
    shown_boxes.answer = answer

    assert tab.maybe_save() is went_on

    (box,) = shown_boxes.boxes
    assert box.title == "Save changes?" and "Idris Mamut" in box.text
    assert box.default == QMessageBox.StandardButton.Save
    assert stored(store, demo[0]).whereabouts == whereabouts
    expected_in_form = "Hospital wing" if answer != QMessageBox.StandardButton.Discard else whereabouts
    assert line(tab, "whereabouts").text() == expected_in_form
    assert tab.has_unsaved_changes() is (answer == QMessageBox.StandardButton.Cancel)


def test_a_wrong_field_makes_save_in_maybe_save_stay(qtbot, tab: OverviewTab, shown_boxes: BoxRecorder) -> None:
    type_into(qtbot, tab, "date_of_birth", "March 1984")
    shown_boxes.answer = QMessageBox.StandardButton.Save
    assert tab.maybe_save() is False  # the field is marked; the main window stays on this case
    assert tab.form.error_labels["date_of_birth"].isVisible()


def test_revert_goes_back_to_the_stored_values(qtbot, tab: OverviewTab) -> None:
    type_into(qtbot, tab, "ethnicity", "Kazakh")
    qtbot.mouseClick(tab.revert_button, Qt.MouseButton.LeftButton)
    assert line(tab, "ethnicity").text() == "Uyghur"
    assert not tab.has_unsaved_changes()


def test_detention_is_coloured_and_user_text_in_the_card_is_escaped(tab: OverviewTab, store: Store,
                                                                    demo: list[int]) -> None:
    with store.session() as session:
        records.update(session, m.Client, demo[0], {"custody_facility": "<b>Block 3</b> & annex"})
    tab.show_case(demo[0])
    assert "Custody: Detained (<b>Block 3</b> & annex) · Asylum: Refugee" in tab.card.text()
    custody = tab.card.lines[-1]
    assert custody.textFormat() == Qt.TextFormat.RichText
    assert "&lt;b&gt;Block 3&lt;/b&gt; &amp; annex" in custody.text()
    assert "color: #c62828" in custody.text()
    assert "Refugee (Netherlands, 14 May 2019)" in custody.text()  # the asylum part is not marked
