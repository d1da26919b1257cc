"""Case data copied to the clipboard: cleared after its time if still there, at the lock and at exit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from lawyer_desk.core.store import Store
from lawyer_desk.ui import clipboard_guard
from lawyer_desk.ui.clipboard_guard import ClipboardGuard, copy_sensitive
from tests.ui.safety_helpers import demo_desk, open_case

SHORT_MS = 150


@pytest.fixture
def guard(qapp: QApplication) -> Iterator[ClipboardGuard]:
    """The program's guard with a short time; the clipboard empty before and after."""
    qapp.clipboard().clear()
    made = clipboard_guard.guard()
    made.clear_after_ms = SHORT_MS
    yield made
    made.timer.stop()
    made.guarded = None
    made.clear_after_ms = clipboard_guard.CLEAR_AFTER_MS
    qapp.clipboard().clear()


def test_the_time_is_thirty_seconds() -> None:
    assert clipboard_guard.CLEAR_AFTER_MS == 30_000


def test_a_copy_is_cleared_after_its_time(qtbot, guard: ClipboardGuard, qapp: QApplication) -> None:
    copy_sensitive("Idris Mamut")
    assert qapp.clipboard().text() == "Idris Mamut"
    assert bytes(qapp.clipboard().mimeData().data("x-kde-passwordManagerHint")) == b"secret"
    qtbot.wait(SHORT_MS // 3)
    assert qapp.clipboard().text() == "Idris Mamut"  # not before its time
    qtbot.waitUntil(lambda: qapp.clipboard().text() == "", timeout=3000)
    assert guard.guarded is None


def test_what_was_copied_since_is_left_alone(qtbot, guard: ClipboardGuard, qapp: QApplication) -> None:
    copy_sensitive("2017/71234")
    qapp.clipboard().setText("a shopping list from another program")
    qtbot.wait(SHORT_MS * 3)
    assert qapp.clipboard().text() == "a shopping list from another program"
    assert not clipboard_guard.clear_if_ours()


def test_a_second_copy_restarts_the_time(qtbot, guard: ClipboardGuard, qapp: QApplication) -> None:
    copy_sensitive("first")
    qtbot.wait(SHORT_MS // 2)
    copy_sensitive("second")
    qtbot.wait(SHORT_MS // 2 + 30)
    assert qapp.clipboard().text() == "second"
    qtbot.waitUntil(lambda: qapp.clipboard().text() == "", timeout=3000)


def test_a_copy_made_by_a_field_is_guarded_where_the_clipboard_is_ours(qtbot, qapp: QApplication) -> None:
    qapp.clipboard().clear()
    guard = ClipboardGuard(qapp.clipboard(), clear_after_ms=SHORT_MS, owns=lambda: True)
    try:
        field = QLineEdit("Aleksei Vetrov")
        qtbot.addWidget(field)
        field.selectAll()
        field.copy()
        assert guard.guarded == "Aleksei Vetrov"
        qtbot.waitUntil(lambda: qapp.clipboard().text() == "", timeout=3000)
    finally:
        shiboken6.delete(guard)  # at once: a guard left to the event loop would still listen


def test_a_copy_by_another_program_is_not_ours(qtbot, qapp: QApplication) -> None:
    guard = ClipboardGuard(qapp.clipboard(), clear_after_ms=SHORT_MS, owns=lambda: False)
    try:
        qapp.clipboard().setText("someone else's text")
        assert guard.guarded is None
        qtbot.wait(SHORT_MS * 2)
        assert qapp.clipboard().text() == "someone else's text"
    finally:
        shiboken6.delete(guard)  # at once: a guard left to the event loop would still listen
        qapp.clipboard().clear()


def test_copy_on_the_names_table_and_the_client_list(qtbot, store: Store, guard: ClipboardGuard,
                                                    qapp: QApplication) -> None:
    window, ids = demo_desk(qtbot, store)
    open_case(qtbot, window, ids[0], "names")
    view = window.case_tabs["names"].view
    view.setCurrentIndex(view.model().index(0, 0))
    expected = view.model().index(0, 0).data()
    copy = next(a for a in view.actions() if a.text().replace("&", "") == "Copy")
    assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    copy.trigger()
    assert qapp.clipboard().text() == expected and guard.guarded == expected

    table = window.client_list.table
    index = table.currentIndex()
    assert index.isValid()
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert qapp.clipboard().text() == index.data() and guard.guarded == index.data()
    qtbot.waitUntil(lambda: qapp.clipboard().text() == "", timeout=3000)


def test_the_lock_and_closing_the_window_clear_the_clipboard(qtbot, store: Store, guard: ClipboardGuard,
                                                            qapp: QApplication) -> None:
    guard.clear_after_ms = 60_000
    window, _ids = demo_desk(qtbot, store)
    copy_sensitive("Rustam Nazarov")
    window.safety.lock.lock("manual")
    assert qapp.clipboard().text() == ""
    qtbot.waitUntil(lambda: window.safety.lock.store_closed, timeout=10_000)

    copy_sensitive("Rustam Nazarov")  # copied again (by the test): closing clears it too
    assert window.close()
    assert qapp.clipboard().text() == ""
