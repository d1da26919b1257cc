"""The tabs of the selected case, each made the first time it is needed.

Making all ten tabs (and importing their modules) took a quarter of a second before the main
window could paint, although the window opens on the deadlines and the lawyer sees one tab
at a time. ``CaseTabs`` puts an empty page in each tab's place (so the order, the titles and
their Alt shortcuts are there from the start) and makes the real tab when it becomes the
current one, or when code asks for it by key (``tabs["notes"]``); the real tab then takes
the empty page's place, so ``tab_widget.currentWidget() is tabs[key]`` holds as before.
A tab made while a case is open is shown that case.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from PySide6.QtWidgets import QTabWidget, QWidget


class CaseTabs(Mapping[str, Any]):
    """The case's tabs by key, in ``tab_widget``; ``make(cls)`` makes the tab of a class.

    ``entries`` are ``(key, "module:Class", title)`` in tab order. Iterating gives every key;
    ``made()`` gives only the tabs made so far (a tab not yet made holds nothing to save,
    to forget or to refresh).
    """

    def __init__(self, tab_widget: QTabWidget, entries: list[tuple[str, str, str]],
                 make: Callable[[type], QWidget], current_case: Callable[[], int | None]) -> None:
        self.tab_widget = tab_widget
        self._where = {key: target for key, target, _title in entries}
        self._order = [key for key, _target, _title in entries]
        self._make = make
        self._current_case = current_case
        self._tabs: dict[str, Any] = {}
        for key, _target, title in entries:
            page = QWidget(tab_widget)
            page.setObjectName(f"unmade_{key}_tab")
            tab_widget.addTab(page, title)
        tab_widget.currentChanged.connect(self._current_changed)

    # -- Mapping --------------------------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        tab = self._tabs.get(key)
        if tab is None:
            if key not in self._where:
                raise KeyError(key)
            tab = self._build(key)
        return tab

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def made(self) -> list[Any]:
        """The tabs made so far, in tab order."""
        return [self._tabs[key] for key in self._order if key in self._tabs]

    def is_made(self, key: str) -> bool:
        return key in self._tabs

    def make_current(self) -> None:
        """Make the current tab, if it is still an empty page (before the tabs are shown)."""
        self._current_changed(self.tab_widget.currentIndex())

    # -- making a tab ---------------------------------------------------------------------
    def _current_changed(self, index: int) -> None:
        if 0 <= index < len(self._order) and self._order[index] not in self._tabs:
            self._build(self._order[index])

    def _build(self, key: str) -> Any:
        module, _colon, name = self._where[key].partition(":")
        tab = self._make(getattr(importlib.import_module(module), name))
        self._tabs[key] = tab
        widgets = self.tab_widget
        index = self._order.index(key)
        page = widgets.widget(index)
        was_current = widgets.currentIndex() == index
        widgets.insertTab(index, tab, widgets.tabIcon(index), widgets.tabText(index))
        if was_current:
            widgets.setCurrentIndex(index)  # the real tab in the empty page's place
        widgets.removeTab(index + 1)
        page.deleteLater()
        client_id = self._current_case()
        if client_id is not None:
            tab.show_case(client_id)
        return tab
