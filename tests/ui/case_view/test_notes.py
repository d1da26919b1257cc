"""The Notes tab: the list, the Markdown editor and preview, right-to-left text, saving and its guards."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextBlock, QTextDocument
from PySide6.QtWidgets import QApplication

from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store
from lawyer_desk.ui import alerts
from lawyer_desk.ui.case_view.notes import NotesTab
from tests.ui.case_view.demo_case import cells, import_demo, make_tab

ARABIC = "هذا المذكرة تشرح أن الطلب ذو طابع سياسي."
UYGHUR = "ئىدرىس مامۇت سىياسىي سەۋەبتىن قوغلىنىۋاتىدۇ."


@pytest.fixture
def ids(store: Store) -> list[int]:
    return import_demo(store)


@pytest.fixture
def tab(qtbot, store: Store, ids: list[int]) -> NotesTab:
    notes, _events, _undo = make_tab(qtbot, NotesTab, store)
    notes.show_case(ids[0])
    notes.resize(1000, 700)
    notes.show()
    qtbot.waitExposed(notes)
    return notes


def _stored(store: Store, note_id: int) -> m.Note:
    with store.session() as session:  # a new session: what is really in the store
        return session.get(m.Note, note_id)


def _block_with(document: QTextDocument, text: str) -> QTextBlock:
    block = document.firstBlock()
    while block.isValid():
        if text in block.text():
            return block
        block = block.next()
    raise AssertionError(f"no paragraph with {text!r}")


def test_lists_the_notes_and_opens_the_first(tab: NotesTab) -> None:
    titles = cells(tab.list_view, 0)
    assert sorted(titles) == ["Art. 3: predominance of the political element", "Hearing logistics", "Refugee policy"]
    sections = dict(zip(titles, cells(tab.list_view, 1), strict=True))
    assert sections["Refugee policy"] == "Grounds" and sections["Hearing logistics"] == ""
    assert all(cells(tab.list_view, 2))  # updated, local time
    assert tab.note_id is not None and tab.title_edit.text() == titles[0]
    assert tab.editor_panel.isEnabled() and not tab.has_unsaved_changes()


def test_selecting_a_note_shows_its_section_and_preview(tab: NotesTab) -> None:
    titles = cells(tab.list_view, 0)
    tab.list_view.selectRow(titles.index("Refugee policy"))
    assert tab.title_edit.text() == "Refugee policy"
    assert tab.section_combo.currentData() == "grounds"
    assert "Recognised refugee" in tab.preview.toPlainText()


def test_arabic_body_saved_is_in_the_store_and_undo_reverts(tab: NotesTab, store: Store) -> None:
    note_id = tab.note_id
    before = _stored(store, note_id).body
    body = f"# المذكرة\n\n{ARABIC}\n\n{UYGHUR}\n\nEnglish paragraph."
    tab.body_edit.setPlainText(body)
    tab.section_combo.setCurrentIndex(tab.section_combo.findData("facts"))
    assert tab.has_unsaved_changes() and tab.save_button.isEnabled()
    assert tab.state_label.text() == "Unsaved changes"
    assert tab.save()
    stored = _stored(store, note_id)
    assert stored.body == body and stored.argument_section == "facts"
    assert not tab.has_unsaved_changes() and tab.state_label.text() == "Saved"
    assert tab.body_edit.toPlainText() == body
    tab.undo.undo()
    assert _stored(store, note_id).body == before
    assert tab.body_edit.toPlainText() == before  # the editor follows the store when nothing is unsaved


def test_right_to_left_paragraphs_render_right_to_left(tab: NotesTab) -> None:
    tab.body_edit.setPlainText(f"English first.\n\n{ARABIC}\n\n## {UYGHUR}")
    tab.render_preview()
    QApplication.processEvents()
    for document in (tab.body_edit.document(), tab.preview.document()):
        english, arabic = _block_with(document, "English"), _block_with(document, ARABIC)
        assert english.textDirection() == Qt.LayoutDirection.LeftToRight
        assert arabic.textDirection() == Qt.LayoutDirection.RightToLeft
        assert _block_with(document, UYGHUR).textDirection() == Qt.LayoutDirection.RightToLeft
        # aligned to the right edge, not only ordered right to left
        assert arabic.layout().lineAt(0).x() + arabic.layout().lineAt(0).naturalTextWidth() > \
            english.layout().lineAt(0).naturalTextWidth() + 100
    assert _block_with(tab.preview.document(), UYGHUR).blockFormat().headingLevel() == 2


def test_revert_throws_the_changes_away(tab: NotesTab, store: Store) -> None:
    original = tab.body_edit.toPlainText()
    tab.title_edit.setText("Changed")
    tab.body_edit.setPlainText(ARABIC)
    assert tab.revert_button.isEnabled()
    tab.revert()
    assert tab.body_edit.toPlainText() == original and not tab.has_unsaved_changes()
    assert _stored(store, tab.note_id).body == original


def test_switching_case_with_unsaved_text_asks_to_save(tab: NotesTab, store: Store, ids, recorded_alerts) -> None:
    note_id = tab.note_id
    tab.body_edit.setPlainText(UYGHUR)
    recorded_alerts.unsaved_answer = alerts.UnsavedChoice.cancel  # stay on the note
    assert tab.show_case(ids[1]) is False
    assert recorded_alerts.kinds() == ["unsaved"]
    assert tab.client_id == ids[0] and tab.body_edit.toPlainText() == UYGHUR
    recorded_alerts.unsaved_answer = alerts.UnsavedChoice.save
    assert tab.show_case(ids[1]) is True
    assert recorded_alerts.kinds() == ["unsaved", "unsaved"]
    assert _stored(store, note_id).body == UYGHUR
    assert tab.client_id == ids[1]
    assert cells(tab.list_view, 0) == ["Grounds: Art. 207.3 is a speech offence"]


def test_choosing_another_note_with_unsaved_text_can_stay(tab: NotesTab, recorded_alerts) -> None:
    note_id = tab.note_id
    tab.body_edit.setPlainText(ARABIC)
    recorded_alerts.unsaved_answer = alerts.UnsavedChoice.cancel
    tab.list_view.selectRow(2)
    assert tab.note_id == note_id and tab.body_edit.toPlainText() == ARABIC
    assert tab.list_view.selectionModel().selectedRows()[0].row() == 0  # the selection went back


def test_ctrl_s_in_the_editor_saves(qtbot, tab: NotesTab, store: Store) -> None:
    tab.body_edit.setFocus()
    tab.body_edit.setPlainText("Draft")
    qtbot.keyClick(tab.body_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert _stored(store, tab.note_id).body == "Draft"


def test_new_and_delete_are_undoable(tab: NotesTab, store: Store, recorded_alerts) -> None:
    tab.new_note()
    new_id = tab.note_id
    assert tab.title_edit.text() == "New note" and _stored(store, new_id) is not None
    assert len(cells(tab.list_view, 0)) == 4
    tab.title_edit.setText("Relief sought")
    tab.section_combo.setCurrentIndex(tab.section_combo.findData("relief"))
    assert tab.save()
    tab.delete_note()
    assert recorded_alerts.kinds() == ["confirm"]
    assert _stored(store, new_id) is None and len(cells(tab.list_view, 0)) == 3
    tab.undo.undo()  # the delete
    assert _stored(store, new_id).argument_section == "relief"
    tab.undo.undo()  # the save
    tab.undo.undo()  # the creation
    assert _stored(store, new_id) is None and len(cells(tab.list_view, 0)) == 3


def test_no_case_means_an_empty_disabled_tab(tab: NotesTab) -> None:
    assert tab.show_case(None)
    assert not tab.isEnabled() and tab.list_model.rowCount() == 0 and tab.note_id is None
    assert tab.title_edit.text() == "" and tab.body_edit.toPlainText() == ""
