"""Case tabs are made when first shown: a tab the lawyer never opens costs nothing at start-up."""

from __future__ import annotations

from typing import Any

from lawyer_desk.core.store import Store
from lawyer_desk.ui.main_window import MainWindow


def test_a_tab_is_made_when_it_is_first_shown_and_keeps_its_place(qtbot: Any, store: Store) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    tabs = window.case_tabs
    assert not tabs.is_made("history") and not tabs.is_made("evidence")
    widget = tabs.tab_widget
    titles = [widget.tabText(i) for i in range(widget.count())]
    index = list(tabs).index("history")
    title = widget.tabText(index)
    widget.setCurrentIndex(index)  # the lawyer clicks the History tab
    assert tabs.is_made("history")
    assert widget.currentWidget() is tabs["history"] and widget.tabText(index) == title
    assert not tabs.is_made("evidence")
    assert titles == [widget.tabText(i) for i in range(widget.count())]  # same tabs, same order


def test_asking_for_a_tab_in_code_makes_it(qtbot: Any, store: Store) -> None:
    window = MainWindow(store)
    qtbot.addWidget(window)
    assert not window.case_tabs.is_made("chronology")
    chronology = window.case_tabs["chronology"]
    assert window.case_tabs.is_made("chronology") and chronology in window.case_tabs.made()
    assert window.case_tabs.tab_widget.indexOf(chronology) == list(window.case_tabs).index("chronology")
