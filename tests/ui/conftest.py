"""GUI test harness: private config and log folders, no real message boxes, a clean task runner.

Every test here gets its own config folder (settings, window geometry), log folder (crash
reports) and no crash dialog. No test can hang on a message box: ``alerts.present`` is
replaced by a recorder (``shown_boxes``) that answers for the user. Tests that care which
error dialog appeared use ``recorded_alerts``, which replaces the public alerts functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt, QThread, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from lawyer_desk.core.errors import LawyerDeskError
from lawyer_desk.ui import alerts, crash, tasks

WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LAWYER_DESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("LAWYER_DESK_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("LAWYER_DESK_NO_CRASH_DIALOG", "1")
    monkeypatch.delenv("LAWYER_DESK_LANG", raising=False)
    return tmp_path


@dataclass
class ShownBox:
    icon: QMessageBox.Icon
    title: str
    text: str
    details: str
    default: QMessageBox.StandardButton


@dataclass
class BoxRecorder:
    boxes: list[ShownBox] = field(default_factory=list)
    answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok


@pytest.fixture(autouse=True)
def shown_boxes(monkeypatch: pytest.MonkeyPatch) -> BoxRecorder:
    """Every message box is recorded and answered with ``recorder.answer`` instead of shown."""
    recorder = BoxRecorder()

    def present(box: QMessageBox) -> QMessageBox.StandardButton:
        default = box.defaultButton()
        recorder.boxes.append(ShownBox(
            box.icon(), box.property("alert_title"), box.property("alert_text"), box.detailedText(),
            box.standardButton(default) if default else QMessageBox.StandardButton.NoButton))
        return recorder.answer

    monkeypatch.setattr(alerts, "present", present)
    return recorder


@dataclass
class AlertCall:
    kind: str
    title: str = ""
    text: str = ""
    details: str | None = None
    exc: LawyerDeskError | None = None
    on_gui_thread: bool = True


@dataclass
class AlertRecorder:
    calls: list[AlertCall] = field(default_factory=list)
    confirm_answer: bool = True
    unsaved_answer: alerts.UnsavedChoice = alerts.UnsavedChoice.save

    def kinds(self) -> list[str]:
        return [call.kind for call in self.calls]

    def errors_for(self) -> list[type[LawyerDeskError]]:
        return [type(call.exc) for call in self.calls if call.exc is not None]


@pytest.fixture
def recorded_alerts(monkeypatch: pytest.MonkeyPatch) -> AlertRecorder:
    """The public alerts functions replaced by recorders, the way a test patches one place."""
    recorder = AlertRecorder()

    def on_gui_thread() -> bool:
        app = QApplication.instance()
        return app is not None and QThread.currentThread() is app.thread()

    def plain(kind: str) -> Callable[..., None]:
        def record(parent: QWidget | None, title: str, text: str, details: str | None = None) -> None:
            recorder.calls.append(AlertCall(kind, title, text, details, on_gui_thread=on_gui_thread()))
        return record

    def confirm(parent: QWidget | None, title: str, text: str, **_: Any) -> bool:
        recorder.calls.append(AlertCall("confirm", title, text))
        return recorder.confirm_answer

    def error_for(parent: QWidget | None, exc: LawyerDeskError) -> None:
        recorder.calls.append(AlertCall("error_for", exc=exc))

    def ask_unsaved_changes(parent: QWidget | None, title: str, text: str) -> alerts.UnsavedChoice:
        recorder.calls.append(AlertCall("unsaved", title, text))
        return recorder.unsaved_answer

    for kind in ("error", "warning", "info"):
        monkeypatch.setattr(alerts, kind, plain(kind))
    monkeypatch.setattr(alerts, "confirm", confirm)
    monkeypatch.setattr(alerts, "error_for", error_for)
    monkeypatch.setattr(alerts, "ask_unsaved_changes", ask_unsaved_changes)
    return recorder


@pytest.fixture(autouse=True)
def clean_task_runner() -> Iterator[None]:
    """Each test starts with a fresh runner, and leaves no worker running behind it."""
    previous = tasks.set_runner(None)
    yield
    current = tasks.set_runner(previous)
    if current is not None:
        current.cancel_all()
        assert current.wait(WAIT_MS), "a background task did not stop"


@pytest.fixture
def immediate_tasks() -> tasks.ImmediateRunner:
    """Every task runs at once, on the calling thread."""
    runner = tasks.ImmediateRunner()
    tasks.set_runner(runner)
    return runner


@pytest.fixture(autouse=True)
def restore_application_state(qapp: QApplication) -> Iterator[None]:
    """Undo what starting the desk changes globally: hooks, locale, layout direction."""
    locale = QLocale()
    yield
    crash.uninstall()
    QLocale.setDefault(locale)
    qapp.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


type Driver = Callable[[type[QWidget], Callable[[Any], object]], None]


@pytest.fixture
def when_shown(qapp: QApplication) -> Iterator[Driver]:
    """``when_shown(Kind, act)``: once a visible ``Kind`` window appears, run ``act`` on it.

    For driving a dialog whose classmethod blocks in ``exec``: arrange the act first, then
    call the classmethod. Each arrangement acts once.
    """
    timers: list[QTimer] = []

    def arrange(kind: type[QWidget], act: Callable[[Any], object]) -> None:
        timer = QTimer()
        timer.setInterval(20)

        def poll() -> None:
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, kind) and widget.isVisible():
                    timer.stop()
                    act(widget)
                    return

        timer.timeout.connect(poll)
        timer.start()
        timers.append(timer)

    yield arrange
    for timer in timers:
        timer.stop()
