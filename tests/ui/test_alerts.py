"""The alerts module: one plain-language dialog per store error, every string translatable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from lawyer_desk.core.errors import (
    DamagedDatabase,
    DamagedHeader,
    InvalidInput,
    LawyerDeskError,
    NewerStore,
    NoStore,
    NotFound,
    StoreError,
    StoreExists,
    StoreLocked,
    WrongPassphrase,
)
from lawyer_desk.ui import alerts
from tests.ui.conftest import AlertRecorder, BoxRecorder

STORE_ERRORS = [WrongPassphrase, NoStore, StoreExists, DamagedHeader, DamagedDatabase, NewerStore, StoreLocked]


def test_each_store_error_has_its_own_title_and_text(qapp: QApplication) -> None:
    described = {cls: alerts.describe(cls("core message")) for cls in STORE_ERRORS}
    titles = [title for title, _ in described.values()]
    assert len(set(titles)) == len(STORE_ERRORS)
    for title, text in described.values():
        assert title and text
        assert "core message" not in text


def test_wording_of_the_store_errors(qapp: QApplication) -> None:
    title, text = alerts.describe(WrongPassphrase("x"))
    assert title == "The passphrase is wrong"
    assert "nothing in it was changed" in text
    assert "backup" in alerts.describe(DamagedDatabase("x"))[1]
    assert "Update the program" in alerts.describe(NewerStore("x"))[1]
    assert "another lawyer_desk window or command" in alerts.describe(StoreLocked("x"))[1]
    assert "cannot be read" in alerts.describe(DamagedHeader("x"))[1]
    assert "no lawyer_desk store" in alerts.describe(NoStore("x"))[1]


def test_a_subclass_takes_its_nearest_parents_wording(qapp: QApplication) -> None:
    class LockTimeout(StoreLocked):
        pass

    class Unforeseen(StoreError):
        pass

    class Other(LawyerDeskError):
        pass

    assert alerts.describe(LockTimeout("x")) == alerts.describe(StoreLocked("x"))
    assert alerts.describe(Unforeseen("x")) == alerts.describe(StoreError("x"))
    assert alerts.describe(Other("x"))[0] == "The action failed"
    assert alerts.describe(InvalidInput("x"))[0] != alerts.describe(NotFound("x"))[0]


def test_error_for_goes_through_error_so_one_patch_catches_it(qapp: QApplication,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str, str | None]] = []
    monkeypatch.setattr(alerts, "error", lambda parent, title, text, details=None: calls.append((title, text, details)))
    alerts.error_for(None, DamagedDatabase("The case database is damaged (file is not a database)."))
    alerts.error_for(None, WrongPassphrase("The passphrase is wrong."))
    assert [c[0] for c in calls] == ["The case database is damaged", "The passphrase is wrong"]
    assert calls[0][2] == "The case database is damaged (file is not a database)."  # the core's words as details
    assert calls[1][2] is None


def test_error_box_is_critical_with_copyable_details(qapp: QApplication, shown_boxes: BoxRecorder) -> None:
    alerts.error_for(None, NewerStore("schema 9999"))
    (box,) = shown_boxes.boxes
    assert box.icon is QMessageBox.Icon.Critical
    assert box.title == "This store was made by a newer version"
    assert box.details == "schema 9999"


def test_the_box_shows_the_title_as_headline_and_escapes_typed_text(qapp: QApplication,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    boxes: list[QMessageBox] = []

    def keep(box: QMessageBox) -> QMessageBox.StandardButton:
        boxes.append(box)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(alerts, "present", keep)
    alerts.error(None, "Cannot import <b>x</b>", "The name <i>Ali</i> & co\nsecond line", "details")
    (box,) = boxes
    assert box.windowTitle() == "Cannot import <b>x</b>"
    assert box.text() == "<b>Cannot import &lt;b&gt;x&lt;/b&gt;</b>"
    assert box.informativeText() == "<p>The name &lt;i&gt;Ali&lt;/i&gt; &amp; co<br>second line</p>"
    assert box.detailedText() == "details"
    assert box.property("alert_text") == "The name <i>Ali</i> & co\nsecond line"


def test_warning_and_info_boxes(qapp: QApplication, shown_boxes: BoxRecorder) -> None:
    alerts.warning(None, "Careful", "Something to know")
    alerts.info(None, "Done", "Exported 3 cases", "details")
    assert [(b.icon, b.title, b.text, b.details) for b in shown_boxes.boxes] == [
        (QMessageBox.Icon.Warning, "Careful", "Something to know", ""),
        (QMessageBox.Icon.Information, "Done", "Exported 3 cases", "details"),
    ]


def test_destructive_confirm_defaults_to_cancel(qapp: QApplication, shown_boxes: BoxRecorder) -> None:
    shown_boxes.answer = QMessageBox.StandardButton.Ok
    assert alerts.confirm(None, "Delete client", "Delete Idris Mamut and 3 alerts?", destructive=True,
                          action="Delete client")
    assert shown_boxes.boxes[-1].default is QMessageBox.StandardButton.Cancel
    assert shown_boxes.boxes[-1].icon is QMessageBox.Icon.Warning
    shown_boxes.answer = QMessageBox.StandardButton.Cancel
    assert not alerts.confirm(None, "Close", "Close the case?")
    assert shown_boxes.boxes[-1].default is QMessageBox.StandardButton.Ok


def test_the_recorded_alerts_fixture_replaces_the_public_functions(qapp: QApplication,
                                                                   recorded_alerts: AlertRecorder) -> None:
    alerts.error_for(None, StoreLocked("x"))
    recorded_alerts.confirm_answer = False
    assert alerts.confirm(None, "t", "x") is False
    assert recorded_alerts.kinds() == ["error_for", "confirm"]
    assert recorded_alerts.errors_for() == [StoreLocked]


class Marking(QTranslator):
    """A translator that marks every string it is asked for: what went through tr() shows it."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return f"«{source}»"


@pytest.fixture
def marking_translator(qapp: QApplication) -> Iterator[None]:
    translator = Marking()
    qapp.installTranslator(translator)
    yield
    qapp.removeTranslator(translator)


@pytest.mark.usefixtures("marking_translator")
@pytest.mark.parametrize("error", [*STORE_ERRORS, StoreError, InvalidInput, NotFound, LawyerDeskError])
def test_every_error_text_is_translatable(error: type[LawyerDeskError]) -> None:
    title, text = alerts.describe(error("x"))
    assert title.startswith("«") and title.endswith("»")
    assert text.startswith("«") and text.endswith("»")
