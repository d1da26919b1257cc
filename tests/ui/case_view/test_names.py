"""The Names tab: variants in several scripts, the script read from a new name, delete and undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionViewItem
from sqlalchemy import select

from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import Script
from lawyer_desk.ui.case_view.names import BidiDelegate, NamesTab, text_direction
from tests.ui.case_view.demo_case import cells, import_demo, make_tab
from tests.ui.case_view.fill_dialog import fill_dialogs
from tests.ui.conftest import AlertRecorder

UYGHUR = "دولقۇن ئەيسا"  # a Uyghur name in Arabic script


@pytest.fixture
def demo(store: Store) -> list[int]:
    return import_demo(store)


@pytest.fixture
def tab(qtbot, store: Store, demo: list[int]) -> NamesTab:
    names, _events, _undo = make_tab(qtbot, NamesTab, store)
    names.show_case(demo[0])
    names.show()
    qtbot.waitExposed(names)
    return names


def stored_names(store: Store, client_id: int) -> list[tuple[str, str]]:
    with store.session() as session:
        rows = session.execute(select(m.NameVariant).where(m.NameVariant.client_id == client_id)
                               .order_by(m.NameVariant.id)).scalars()
        return [(row.text, row.script) for row in rows]


def test_the_demo_names_are_listed_in_every_script(tab: NamesTab) -> None:
    assert cells(tab.view, 0) == ["Idris Mamut", "ئىدرىس مامۇت", "Yidiresi Maimaiti", "伊德日斯·买买提"]
    assert cells(tab.view, 1) == ["Latin", "Arabic", "Latin", "Han (Chinese)"]
    assert cells(tab.view, 3)[2] == "Hanyu Pinyin"
    assert cells(tab.view, 5)[3] == "PRC arrest warrant"


def test_each_name_is_laid_out_in_its_own_direction_in_a_wide_coverage_font(tab: NamesTab) -> None:
    delegate = tab.view.itemDelegateForColumn(0)
    assert isinstance(delegate, BidiDelegate)
    directions = []
    for row in range(tab.list_model.rowCount()):
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, tab.list_model.index(row, 0))
        directions.append(option.direction)
        assert option.displayAlignment & Qt.AlignmentFlag.AlignLeading
        assert "Noto Naskh Arabic" in option.font.families()
    assert directions == [Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft,
                          Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.LeftToRight]


def test_text_direction_follows_the_first_strong_letter() -> None:
    assert text_direction(UYGHUR) == Qt.LayoutDirection.RightToLeft
    assert text_direction("123 " + UYGHUR) == Qt.LayoutDirection.RightToLeft  # digits are weak
    assert text_direction("Алексей") == Qt.LayoutDirection.LeftToRight
    assert text_direction("") == Qt.LayoutDirection.LeftToRight


def test_adding_a_uyghur_name_detects_its_script(qtbot, tab: NamesTab, store: Store, demo: list[int],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    answers = fill_dialogs(monkeypatch, {"text": UYGHUR, "language": "ug", "kind": "alias",
                                         "source": "Statement of the client"})
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)

    assert answers.titles == ["New name"]
    assert answers.last.form.values()["script"] == "Latin"  # left at the default in the dialog
    assert cells(tab.view, 0)[-1] == UYGHUR
    assert cells(tab.view, 1)[-1] == "Arabic"
    assert stored_names(store, demo[0])[-1] == (UYGHUR, Script.arabic)
    with store.session() as session:
        added = session.execute(select(m.NameVariant).where(m.NameVariant.text == UYGHUR)).scalar_one()
        assert (added.language, added.kind, added.source) == ("uig", "alias", "Statement of the client")


def test_a_script_chosen_by_the_user_is_kept(qtbot, tab: NamesTab, store: Store, demo: list[int],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    fill_dialogs(monkeypatch, {"text": "Ilham Tohti", "script": "other"})
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert stored_names(store, demo[0])[-1] == ("Ilham Tohti", Script.other)


def test_a_wrong_language_code_is_marked_in_the_dialog(qtbot, tab: NamesTab, store: Store, demo: list[int],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    answers = fill_dialogs(monkeypatch, {"text": "Dolkun Isa", "language": "uyghur"})
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert "not an ISO 639 language code" in answers.last.form.error_labels["language"].text()
    assert len(stored_names(store, demo[0])) == 4


def test_deleting_a_name_asks_and_undo_brings_it_back(qtbot, tab: NamesTab, store: Store, demo: list[int],
                                                      recorded_alerts: AlertRecorder) -> None:
    before = stored_names(store, demo[0])
    tab.view.selectRow(1)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)

    assert recorded_alerts.kinds() == ["confirm"]
    assert "ئىدرىس مامۇت" not in cells(tab.view, 0)
    assert stored_names(store, demo[0]) == [before[0], *before[2:]]

    tab.undo.undo()
    assert stored_names(store, demo[0]) == before
    assert cells(tab.view, 0)[1] == "ئىدرىس مامۇت"


def test_no_case_means_an_empty_disabled_tab(tab: NamesTab) -> None:
    tab.show_case(None)
    assert not tab.isEnabled()
    assert tab.list_model.rowCount() == 0
    assert not tab.add_button.isEnabled()
