"""The desk end to end, as a lawyer uses it: build a case in the window, close, reopen, undo.

Record dialogs are answered through ``fill_dialog`` (the real dialog, its fields filled in,
Save pressed); everything else is the real window on a real encrypted store on disk.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from sqlalchemy import func, select

from lawyer_desk.core import models as m
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.ui import tasks
from lawyer_desk.ui.main_window import MainWindow
from tests.conftest import PASSPHRASE
from tests.ui.case_view.demo_case import cells, header_column
from tests.ui.case_view.fill_dialog import fill_dialogs

UYGHUR, HAN, CYRILLIC = "ئىدرىس مامۇت", "伊德日斯·买买提", "Идрис Мамут"


@pytest.fixture
def immediate() -> None:
    tasks.set_runner(tasks.ImmediateRunner())


def _window(qtbot, store: Store) -> MainWindow:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_case_built_in_the_window_is_all_there_after_reopening(
        qtbot, store_dir: Path, monkeypatch: pytest.MonkeyPatch, recorded_alerts, immediate) -> None:
    store = Store.create(store_dir, PASSPHRASE, KdfParams.cheap())
    window = _window(qtbot, store)
    answers = fill_dialogs(monkeypatch, {"display_name": "Idris Mamut", "date_of_birth": "1984-03",
                                         "nationalities": "CN"})
    window.new_client_action.trigger()
    assert window.client_id is not None

    names = window.case_tabs["names"]
    for text, script in ((UYGHUR, "Arabic"), (HAN, "Han"), (CYRILLIC, "Cyrillic")):
        answers.fields = {"text": text, "script": script}
        names.add_button.click()
    assert cells(names.view, 0) == [UYGHUR, HAN, CYRILLIC]

    alerts_tab = window.case_tabs["alerts"]
    answers.fields = {"type": "red_notice", "reference": "2017/71234", "requesting_country": "CN",
                      "status": "challenged"}
    alerts_tab.add_button.click()
    for status, when in (("published", "2017-09"), ("challenged", "2026-11-19")):
        answers.fields = {"status": status, "date": when}
        alerts_tab.history.add_button.click()
    answers.fields = {"country": "DE", "authority": "Bundeskriminalamt", "date_sent": "2026-11-20"}
    alerts_tab.notifications.add_button.click()

    answers.fields = {"forum": "ccf", "reference": "CCF/R/2026/0981", "ccf_request_type": "deletion"}
    window.case_tabs["proceedings"].add_button.click()

    notes = window.case_tabs["notes"]
    notes.new_note()
    notes.title_edit.setText("Art. 3: predominance")
    notes.body_edit.setPlainText("The charge repeats the statute and names no act.")
    assert notes.save()
    client_id = window.client_id
    assert window.close()
    store.close()

    reopened = Store.open(store_dir, PASSPHRASE)
    try:
        second = _window(qtbot, reopened)
        assert second.client_list.select_case(client_id)
        qtbot.waitUntil(lambda: second.client_id == client_id)
        assert cells(second.case_tabs["names"].view, 0) == [UYGHUR, HAN, CYRILLIC]
        alerts_again = second.case_tabs["alerts"]
        assert cells(alerts_again.history.view, 1) == ["Published", "Challenged"]
        authority = header_column(alerts_again.notifications.view, "Authority")
        assert cells(alerts_again.notifications.view, authority) == ["Bundeskriminalamt"]
        assert "CCF/R/2026/0981" in " ".join(cells(second.case_tabs["proceedings"].view, 3))
        assert cells(second.case_tabs["notes"].list_view, 0) == ["Art. 3: predominance"]
        assert reopened.audit_report().intact

        second.delete_client()  # confirmed by the recorder
        assert [c.kind for c in recorded_alerts.calls][-1] == "confirm"
        assert "3 name variants" in recorded_alerts.calls[-1].text
        with reopened.session() as session:
            assert session.execute(select(func.count()).select_from(m.Client)).scalar_one() == 0
        assert second.client_id is None
        second.undo_action.trigger()
        with reopened.session() as session:
            assert session.execute(select(func.count()).select_from(m.NameVariant)).scalar_one() == 3
            assert session.execute(select(func.count()).select_from(m.AlertNotification)).scalar_one() == 1
        assert second.client_list.select_case(client_id)
        second.close()
    finally:
        reopened.close()


def test_dropping_files_imports_them_and_reports_the_bad_one(
        qtbot, store: Store, tmp_path: Path, recorded_alerts, immediate) -> None:
    window = _window(qtbot, store)
    notice = Path(__file__).resolve().parents[1] / "data" / "notices" / "red-notice-detail.json"
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(notice)), QUrl.fromLocalFile(str(bad))])
    drop = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    errors = [c for c in recorded_alerts.calls if c.kind == "error"]
    assert len(errors) == 1 and "broken.json" in (errors[0].details or "")
    with store.session() as session:
        assert session.execute(select(func.count()).select_from(m.Client)).scalar_one() == 1
    assert window.client_id is not None


def test_shortcuts_follow_the_platform(qtbot, store: Store) -> None:
    window = _window(qtbot, store)
    shortcuts = {action.shortcut().toString() for action in window.findChildren(type(window.undo_action))}
    assert {"Ctrl+N", "Ctrl+O", "Ctrl+S", "Ctrl+Z", "Ctrl+Q", "Ctrl+F", "Ctrl+E"} <= shortcuts


def test_actions_carry_the_bundled_icons(qtbot, store: Store) -> None:
    window = _window(qtbot, store)
    for action in (window.new_client_action, window.import_action, window.undo_action, window.delete_client_action):
        assert not action.icon().isNull(), action.text()
    licence = Path(__file__).resolve().parents[2] / "resources" / "icons" / "LICENSE-lucide.txt"
    assert "ISC License" in licence.read_text(encoding="utf-8")


def test_tab_order_runs_from_search_through_filters_and_list_to_the_case(qtbot, store: Store) -> None:
    from lawyer_desk.core import cases
    from lawyer_desk.core.demo import demo_cases

    with store.session() as session:
        (first, *_) = cases.import_cases(session, demo_cases())
    window = _window(qtbot, store)
    window.client_list.refresh()
    assert window.client_list.select_case(first)
    window.show_case(first)
    panel = window.client_list
    expected = [panel.search_box, panel.status_filter, panel.custody_filter, panel.country_filter,
                panel.alert_filter, panel.table]
    widget, order = panel.search_box, []
    while len(order) < len(expected) + 2:
        order.append(widget)
        widget = widget.nextInFocusChain()
        while not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or not widget.isVisible():
            widget = widget.nextInFocusChain()
    assert order == [*expected, window.tabs, window.tabs.tabBar()]
