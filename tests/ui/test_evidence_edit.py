"""Editing an exhibit's description: field checks in the real form, the undoable edit, the custody."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QWidget

from lawyer_desk.core import exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store
from lawyer_desk.ui.case_view.evidence import EvidenceTab
from lawyer_desk.ui.case_view.evidence_edit import ExhibitDialog, changes_of
from lawyer_desk.ui.case_view.evidence_model import Column
from tests.ui.case_view.demo_case import cells, make_tab
from tests.ui.case_view.fill_dialog import set_field


@pytest.fixture
def tab(qtbot: Any, store: Store, tmp_path: Path) -> EvidenceTab:
    with store.session() as session:
        client = m.Client(display_name="Adil Evidence")
        session.add(client)
        session.flush()
        client_id = client.id
    for name, text in (("warrant.txt", "Arrest warrant"), ("translation.txt", "Ордер на арест")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    exhibits.add_files(store, client_id, [tmp_path / "warrant.txt", tmp_path / "translation.txt"])
    evidence, _events, _undo = make_tab(qtbot, EvidenceTab, store)
    evidence.show_case(client_id)
    return evidence


def _dialog(tab: EvidenceTab, number: str) -> ExhibitDialog:
    row = next(r for r in tab.rows if r.number == number)
    dialog = ExhibitDialog("Exhibit", row, tab.rows, tab)
    tab._test_dialogs = [*getattr(tab, "_test_dialogs", []), dialog]
    return dialog


def _error(dialog: ExhibitDialog, name: str) -> str:
    label = dialog.form.error_labels[name]
    return label.text() if not label.isHidden() else ""


def test_the_form_marks_each_wrong_field_and_refuses_to_save(tab: EvidenceTab) -> None:
    dialog = _dialog(tab, "2")
    set_field(dialog.form, "date", "2021-13")
    set_field(dialog.form, "language", "xx1")
    set_field(dialog.form, "number", "1")
    set_field(dialog.form, "title", "")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "not a date" in _error(dialog, "date")
    assert "not an ISO 639 language code" in _error(dialog, "language")
    set_field(dialog.form, "date", "2021-03")
    set_field(dialog.form, "language", "ru")
    dialog.accept()
    assert _error(dialog, "date") == "" and _error(dialog, "title") == "required"
    set_field(dialog.form, "title", "Warrant, Russian translation")
    dialog.accept()
    assert "already has the number 1" in _error(dialog, "number")
    set_field(dialog.form, "number", "1a")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.result_values["language"] == "rus" and dialog.result_values["date"] == "2021-03"


def test_an_edit_is_undoable_and_in_the_custody(tab: EvidenceTab, monkeypatch: pytest.MonkeyPatch) -> None:
    warrant = next(r for r in tab.rows if r.number == "1")

    def fill(parent: QWidget | None, row: exhibits.ExhibitRow, others: list[exhibits.ExhibitRow]
             ) -> tuple[dict[str, Any], bool]:
        dialog = ExhibitDialog("Exhibit", row, others, parent)
        set_field(dialog.form, "confidential", True)
        set_field(dialog.form, "kind", "warrant")
        set_field(dialog.form, "date", "2017-09")
        combo = dialog.link_combos["translation_of_id"]
        assert combo.findData(row.id) == -1  # an exhibit cannot translate itself
        combo.setCurrentIndex(combo.findData(warrant.id))
        dialog.accept()
        return changes_of(row, dialog.result_values), dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(ExhibitDialog, "ask", staticmethod(fill))
    tab.select_exhibit(next(r.id for r in tab.rows if r.number == "2"))
    tab.commands.edit.trigger()
    assert cells(tab.view, Column.CONFIDENTIAL) == ["", "Confidential"]
    assert cells(tab.view, Column.KIND) == ["Other", "Warrant"]
    assert tab.details.value("translation_of") == "1 – warrant"
    assert tab.custody.events() == ["added", "changed"]
    tab.undo.undo()
    assert cells(tab.view, Column.CONFIDENTIAL) == ["", ""]
    with tab.store.session() as session:
        again = exhibits.row(session, tab.rows[1].id)
    assert (again.kind, again.date, again.translation_of_id, again.confidential) == ("other", None, None, False)
    tab.undo.redo()
    assert cells(tab.view, Column.DATE) == ["", "2017-09"]
