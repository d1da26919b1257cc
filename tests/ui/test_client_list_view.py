"""The client list panel driven the way a person uses it: typing, filters, clicks on rows and headers."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from lawyer_desk.core import cases, search
from lawyer_desk.core import models as m
from lawyer_desk.core.demo import demo_cases
from lawyer_desk.core.interchange import case_json as cj
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import CaseStatus
from lawyer_desk.ui.client_list_model import COL_DEADLINE, COL_MATCH, COL_NAME, COL_OTHER_NAMES, SORT_ROLE
from lawyer_desk.ui.client_list_view import ClientListPanel

TODAY = date(2026, 3, 10)


@pytest.fixture
def demo(store: Store) -> dict[str, int]:
    """The demo cases, Rustam Nazarov's closed; ids by surname."""
    with store.session() as session:
        ids = cases.import_cases(session, demo_cases(TODAY))
        names = dict(session.execute(select(m.Client.id, m.Client.display_name).where(m.Client.id.in_(ids))).all())
        session.execute(update(m.Client).where(m.Client.display_name == "Rustam Nazarov")
                        .values(status=CaseStatus.closed))
    return {names[i].split()[-1]: i for i in ids}


@pytest.fixture
def panel(store: Store, demo: dict[str, int], qtbot: QtBot) -> ClientListPanel:
    widget = ClientListPanel(store.session, today=lambda: TODAY)
    qtbot.addWidget(widget)
    widget.resize(1000, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _names(panel: ClientListPanel) -> list[str]:
    model = panel.model
    return [model.data(model.index(row, COL_NAME)) for row in range(model.rowCount())]


def _type(qtbot: QtBot, panel: ClientListPanel, text: str) -> None:
    """Put text in the search box as typing would, and wait for the debounced search."""
    with qtbot.waitSignal(panel.model.modelReset, timeout=2000):
        if text.isascii():
            panel.search_box.clear()
            qtbot.keyClicks(panel.search_box, text)
        else:  # keyClicks aborts the process on non-ASCII text (Qt's key table)
            panel.search_box.setText(text)


def _choose(qtbot: QtBot, combo: QComboBox, value: object) -> None:
    combo.showPopup()  # opening the list brings its choices up to date
    index = combo.findData(value)
    assert index > 0, f"{value!r} is not offered"
    combo.setCurrentIndex(index)
    combo.hidePopup()


def _click_row(qtbot: QtBot, panel: ClientListPanel, row: int) -> None:
    rect = panel.table.visualRect(panel.model.index(row, COL_NAME))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _click_header(qtbot: QtBot, panel: ClientListPanel, column: int) -> None:
    header = panel.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_the_panel_opens_on_the_open_cases_by_name(panel: ClientListPanel) -> None:
    assert _names(panel) == ["Aleksei Vetrov", "Ayşe Yıldırım", "Idris Mamut"]
    assert panel.count_label.text() == "3 clients"
    assert panel.table.isColumnHidden(COL_MATCH)
    assert "Search names in any script" in panel.search_box.placeholderText()
    assert panel.search_box.isClearButtonEnabled()


def test_typing_narrows_the_list_as_you_type(qtbot: QtBot, panel: ClientListPanel) -> None:
    _type(qtbot, panel, "idr")
    assert _names(panel) == ["Idris Mamut"]
    assert not panel.table.isColumnHidden(COL_MATCH)
    assert "[Idr" in panel.model.data(panel.model.index(0, COL_MATCH))
    assert panel.count_label.text() == "1 client found"
    _type(qtbot, panel, "qqqzz")
    assert _names(panel) == []
    assert panel.count_label.text() == "No client matches"


def test_one_letter_asks_for_more(qtbot: QtBot, panel: ClientListPanel) -> None:
    qtbot.keyClicks(panel.search_box, "I")
    qtbot.waitUntil(lambda: "type more" in panel.count_label.text(), timeout=2000)
    assert panel.count_label.text() == "3 clients — type more to search"
    assert len(_names(panel)) == 3


@pytest.mark.parametrize("text", ["yidiresi", "Idris", "ئىدرىس", "伊德", "Идрис"])
def test_every_script_finds_the_same_client(qtbot: QtBot, panel: ClientListPanel, text: str) -> None:
    _type(qtbot, panel, text)
    assert _names(panel) == ["Idris Mamut"]


def test_a_fast_typist_triggers_one_search(qtbot: QtBot, panel: ClientListPanel) -> None:
    resets: list[bool] = []
    panel.model.modelReset.connect(lambda: resets.append(True))
    qtbot.keyClicks(panel.search_box, "Vetrov")
    qtbot.waitUntil(lambda: bool(resets), timeout=2000)
    qtbot.wait(200)
    assert resets == [True]
    assert _names(panel) == ["Aleksei Vetrov"]


def test_escape_clears_the_search_and_down_goes_to_the_list(qtbot: QtBot, panel: ClientListPanel,
                                                            demo: dict[str, int]) -> None:
    _type(qtbot, panel, "Mamut")
    with qtbot.waitSignal(panel.caseSelected) as selected:
        qtbot.keyClick(panel.search_box, Qt.Key.Key_Down)
    assert selected.args == [demo["Mamut"]]
    assert panel.table.hasFocus()
    panel.search_box.setFocus()
    qtbot.keyClick(panel.search_box, Qt.Key.Key_Escape)
    assert panel.search_box.text() == ""
    assert _names(panel) == ["Aleksei Vetrov", "Ayşe Yıldırım", "Idris Mamut"]
    assert panel.table.selectionModel().isRowSelected(panel.model.row_of(demo["Mamut"]) or 0)  # still selected


def test_filter_choices_are_read_just_after_the_first_paint(qtbot: QtBot, store: Store,
                                                           demo: dict[str, int]) -> None:
    panel = ClientListPanel(store.session, today=lambda: TODAY)
    qtbot.addWidget(panel)
    assert panel.country_filter.count() == 1  # "Any requesting country" only, for now
    panel.show()
    qtbot.waitUntil(lambda: panel.country_filter.count() > 1)
    assert [panel.country_filter.itemData(i) for i in range(panel.country_filter.count())] == [
        None, "CN", "RU", "TJ", "TR"]
    assert panel.custody_filter.itemText(1) == "Detained"  # by urgency
    assert panel.alert_filter.findData("challenged") > 0


def test_each_filter_narrows_the_list(qtbot: QtBot, panel: ClientListPanel) -> None:
    _choose(qtbot, panel.custody_filter, "detained")
    assert _names(panel) == ["Idris Mamut"]
    panel.custody_filter.setCurrentIndex(0)
    _choose(qtbot, panel.country_filter, "RU")
    assert _names(panel) == ["Aleksei Vetrov"]
    assert panel.country_filter.currentText() == "Russian Federation (RU)"
    panel.country_filter.setCurrentIndex(0)
    _choose(qtbot, panel.alert_filter, "challenged")
    assert _names(panel) == ["Idris Mamut"]
    _choose(qtbot, panel.alert_filter, "deleted")
    assert _names(panel) == []  # Nazarov's alert was deleted, but his case is closed
    panel.status_filter.setCurrentIndex(panel.status_filter.findText("Closed cases"))
    assert _names(panel) == ["Rustam Nazarov"]
    panel.alert_filter.setCurrentIndex(0)
    panel.status_filter.setCurrentIndex(panel.status_filter.findText("All cases"))
    assert len(_names(panel)) == 4


def test_filters_and_search_combine(qtbot: QtBot, panel: ClientListPanel) -> None:
    _choose(qtbot, panel.country_filter, "CN")
    _type(qtbot, panel, "arrest")  # in Vetrov's and Mamut's files
    assert _names(panel) == ["Idris Mamut"]


def test_clicking_a_row_selects_that_case(qtbot: QtBot, panel: ClientListPanel, demo: dict[str, int]) -> None:
    row = panel.model.row_of(demo["Mamut"])
    assert row is not None
    with qtbot.waitSignal(panel.caseSelected) as selected:
        _click_row(qtbot, panel, row)
    assert selected.args == [demo["Mamut"]]
    with qtbot.assertNotEmitted(panel.caseSelected):
        _click_row(qtbot, panel, row)  # the same case again: nothing new
    with qtbot.waitSignal(panel.caseSelected) as selected:
        qtbot.keyClick(panel.table, Qt.Key.Key_Up)
    assert selected.args == [panel.model.case_id_at(row - 1)]


def test_clicking_a_header_sorts_in_sql(qtbot: QtBot, panel: ClientListPanel, demo: dict[str, int]) -> None:
    _click_row(qtbot, panel, panel.model.row_of(demo["Mamut"]) or 0)
    _click_header(qtbot, panel, COL_DEADLINE)
    model = panel.model
    dates = [model.data(model.index(r, COL_DEADLINE), SORT_ROLE) for r in range(model.rowCount())]
    assert dates == sorted(dates)
    _click_header(qtbot, panel, COL_DEADLINE)
    assert [model.data(model.index(r, COL_DEADLINE), SORT_ROLE) for r in range(model.rowCount())] == sorted(
        dates, reverse=True)
    header = panel.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COL_DEADLINE,
                                                                            Qt.SortOrder.DescendingOrder)
    assert panel.table.selectionModel().isRowSelected(model.row_of(demo["Mamut"]) or 0)  # the selection follows
    _click_header(qtbot, panel, COL_OTHER_NAMES)  # not sortable: the indicator stays
    assert header.sortIndicatorSection() == COL_DEADLINE
    _click_header(qtbot, panel, COL_NAME)
    assert _names(panel) == ["Aleksei Vetrov", "Ayşe Yıldırım", "Idris Mamut"]


def test_a_search_is_ranked_until_a_header_is_clicked(qtbot: QtBot, panel: ClientListPanel) -> None:
    _type(qtbot, panel, "arrest")
    header = panel.table.horizontalHeader()
    assert header.sortIndicatorSection() == -1 or not header.isSortIndicatorShown()
    ranked = _names(panel)
    _click_header(qtbot, panel, COL_NAME)
    assert _names(panel) == sorted(ranked)
    _type(qtbot, panel, "arrest warrant")
    assert panel.model.current_sort() is None


def test_a_broad_search_says_to_keep_typing(qtbot: QtBot, store: Store, panel: ClientListPanel) -> None:
    files = [cj.CaseFileV1.model_validate({"format": cj.FORMAT, "version": cj.VERSION,
                                           "client": {"display_name": f"Smith {i}"}})
             for i in range(search.RANK_CAP + 20)]
    with store.session() as session:
        cases.import_cases(session, files)
    panel.refresh()
    _type(qtbot, panel, "smi")
    assert panel.model.capped
    assert panel.count_label.text() == f"More than {search.RANK_CAP} matches — keep typing"


def test_select_case_clears_what_hides_it(qtbot: QtBot, panel: ClientListPanel, demo: dict[str, int]) -> None:
    _type(qtbot, panel, "Vetrov")
    with qtbot.waitSignal(panel.caseSelected) as selected:
        assert panel.select_case(demo["Mamut"])
    assert selected.args == [demo["Mamut"]]
    assert panel.search_box.text() == ""
    assert panel.select_case(demo["Nazarov"])  # closed: the status filter opens up to all cases
    assert panel.status_filter.currentText() == "All cases"
    assert panel.model.case_id_at(panel.table.currentIndex().row()) == demo["Nazarov"]
    assert not panel.select_case(999_999)


def test_refresh_shows_changes_and_keeps_the_selection(qtbot: QtBot, store: Store, panel: ClientListPanel,
                                                       demo: dict[str, int]) -> None:
    panel.select_case(demo["Mamut"])
    with store.session() as session:
        session.execute(update(m.Client).where(m.Client.id == demo["Vetrov"]).values(display_name="Zoya Vetrova"))
        cases.import_cases(session, [cj.CaseFileV1.model_validate({
            "format": cj.FORMAT, "version": cj.VERSION, "client": {"display_name": "Abai Kunanbaev"},
            "alerts": [{"key": "a", "requesting_country": "KZ"}]})])
    with qtbot.assertNotEmitted(panel.caseSelected):
        panel.refresh()
    assert _names(panel) == ["Abai Kunanbaev", "Ayşe Yıldırım", "Idris Mamut", "Zoya Vetrova"]
    assert panel.model.case_id_at(panel.table.currentIndex().row()) == demo["Mamut"]
    qtbot.waitUntil(lambda: panel.country_filter.findData("KZ") > 0)  # the new country is offered


def test_column_widths_are_remembered(qtbot: QtBot, store: Store, panel: ClientListPanel) -> None:
    panel.table.horizontalHeader().resizeSection(COL_NAME, 321)
    _click_header(qtbot, panel, COL_DEADLINE)
    saved = panel.state()
    other = ClientListPanel(store.session, today=lambda: TODAY)
    qtbot.addWidget(other)
    assert other.restore_state(saved)
    assert other.table.horizontalHeader().sectionSize(COL_NAME) == 321
    assert other.model.sort_section() == (COL_DEADLINE, Qt.SortOrder.AscendingOrder)
    assert other.table.isColumnHidden(COL_MATCH)
    assert not other.restore_state(b"")
    assert not other.restore_state(b"not a header state")


def test_find_shortcut_focuses_the_search_box(qtbot: QtBot, panel: ClientListPanel) -> None:
    panel.table.setFocus()
    panel.search_box.setText("abc")
    panel.find_action.trigger()
    assert panel.search_box.hasFocus()
    assert panel.search_box.selectedText() == "abc"
