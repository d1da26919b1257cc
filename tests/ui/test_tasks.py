"""The background-task helper, with real threads: results, errors, cancel and progress reach the GUI thread."""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThread, QThreadPool
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lawyer_desk.ui import tasks
from lawyer_desk.ui.tasks import Cancelled, ImmediateRunner, Progress, ProgressDialog, TaskRunner, TaskState
from tests.ui.conftest import WAIT_MS, Driver


def on_gui_thread() -> bool:
    app = QApplication.instance()
    assert app is not None
    return QThread.currentThread() is app.thread()


@pytest.fixture
def runner(qapp: QApplication) -> Any:
    made = TaskRunner()
    yield made
    made.cancel_all()
    assert made.wait(WAIT_MS)


def test_result_arrives_on_the_gui_thread(qtbot: QtBot, runner: TaskRunner) -> None:
    seen: list[tuple[Any, bool]] = []
    gui_thread = threading.get_ident()

    def work(progress: Progress) -> int:
        return threading.get_ident()

    task = runner.run(work, on_done=lambda result: seen.append((result, on_gui_thread())))
    with qtbot.waitSignal(task.succeeded, timeout=WAIT_MS) as blocker:
        pass
    worker_thread = blocker.args[0]
    assert worker_thread != gui_thread
    assert seen == [(worker_thread, True)]
    assert task.state is TaskState.DONE and task.result == worker_thread
    assert runner.active() == []


def test_error_arrives_as_an_exception_not_a_traceback(qtbot: QtBot, runner: TaskRunner,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    errors: list[tuple[BaseException, bool]] = []

    def work(progress: Progress) -> None:
        raise ValueError("Idris Mamut")

    task = runner.run(work, on_done=lambda _: pytest.fail("no result expected"),
                      on_error=lambda exc: errors.append((exc, on_gui_thread())))
    with qtbot.waitSignal(task.ended, timeout=WAIT_MS):
        pass
    assert len(errors) == 1
    exc, gui = errors[0]
    assert isinstance(exc, ValueError) and gui
    assert task.state is TaskState.FAILED and task.error is exc
    assert capsys.readouterr().err == ""


def test_unhandled_error_goes_to_the_excepthook(qtbot: QtBot, runner: TaskRunner,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    hooked: list[type[BaseException]] = []

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        hooked.append(kind)

    monkeypatch.setattr(sys, "excepthook", hook)
    task = runner.run(lambda progress: 1 / 0)
    with qtbot.waitSignal(task.failed, timeout=WAIT_MS):
        pass
    assert hooked == [ZeroDivisionError]


def test_cancel_stops_the_work(qtbot: QtBot, runner: TaskRunner) -> None:
    started = threading.Event()
    steps: list[int] = []
    cancelled: list[bool] = []

    def work(progress: Progress) -> str:
        started.set()
        for step in range(10_000):
            progress.check()
            steps.append(step)
            time.sleep(0.002)
        return "finished"

    task = runner.run(work, on_done=lambda _: pytest.fail("the work should have stopped"),
                      on_cancelled=lambda: cancelled.append(on_gui_thread()))
    assert started.wait(WAIT_MS / 1000)
    with qtbot.waitSignal(task.was_cancelled, timeout=WAIT_MS):
        task.cancel()
    assert cancelled == [True]
    assert task.state is TaskState.CANCELLED
    stopped_at = len(steps)
    assert 0 < stopped_at < 10_000
    time.sleep(0.05)
    assert len(steps) == stopped_at  # nothing runs after the task ended


def test_cancel_before_a_thread_is_free_never_runs_the_work(qtbot: QtBot, qapp: QApplication) -> None:
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    runner = TaskRunner(pool)
    release = threading.Event()
    ran: list[str] = []
    first = runner.run(lambda progress: release.wait(WAIT_MS / 1000))
    second = runner.run(lambda progress: ran.append("second"))
    with qtbot.waitSignal(second.was_cancelled, timeout=WAIT_MS):
        second.cancel()
    release.set()
    with qtbot.waitSignal(first.succeeded, timeout=WAIT_MS):
        pass
    assert runner.wait(WAIT_MS)
    assert ran == []


def test_progress_updates_arrive_on_the_gui_thread(qtbot: QtBot, runner: TaskRunner) -> None:
    updates: list[tuple[int, int, str, bool]] = []

    def work(progress: Progress) -> None:
        progress.report(0, 3, "Hashing")
        for done in range(1, 4):
            time.sleep(0.08)  # longer than the throttle interval: every step gets through
            progress.report(done, 3, "Hashing")

    task = runner.run(work, on_progress=lambda d, t, label: updates.append((d, t, label, on_gui_thread())))
    with qtbot.waitSignal(task.ended, timeout=WAIT_MS):
        pass
    assert updates == [(0, 3, "Hashing", True), (1, 3, "Hashing", True), (2, 3, "Hashing", True),
                       (3, 3, "Hashing", True)]


def test_progress_is_throttled_but_keeps_the_last_step_and_new_labels() -> None:
    sent: list[tuple[int, int, str]] = []
    progress = Progress(lambda d, t, label: sent.append((d, t, label)), interval_s=60)
    for done in range(1000):
        progress.report(done, 1000, "Importing")
    progress.report(0, 2, "Indexing")
    progress.report(1, 2, "Indexing")
    progress.report(2, 2, "Indexing")
    assert sent == [(0, 1000, "Importing"), (0, 2, "Indexing"), (2, 2, "Indexing")]


def test_progress_check_raises_only_after_cancel() -> None:
    progress = Progress(lambda d, t, label: None)
    progress.check()
    assert not progress.cancelled
    progress.cancel()
    assert progress.cancelled
    with pytest.raises(Cancelled):
        progress.check()


def test_a_huge_total_passes_the_signal(qtbot: QtBot, runner: TaskRunner) -> None:
    updates: list[tuple[int, int]] = []
    size = 5 * 2**31  # bytes of a large exhibit
    task = runner.run(lambda progress: progress.report(size, size), on_progress=lambda d, t, _: updates.append((d, t)))
    with qtbot.waitSignal(task.ended, timeout=WAIT_MS):
        pass
    assert updates == [(size, size)]


# --- the runner the tests use ---------------------------------------------------------------------
def test_immediate_runner_runs_at_once_on_the_calling_thread(qapp: QApplication) -> None:
    runner = ImmediateRunner()
    seen: list[Any] = []
    def work(progress: Progress) -> int:
        progress.report(1, 2, "half")
        return threading.get_ident()

    task = runner.run(work, on_done=seen.append, on_progress=lambda d, t, label: seen.append((d, t, label)))
    assert seen == [(1, 2, "half"), threading.get_ident()]
    assert task.state is TaskState.DONE

    errors: list[BaseException] = []
    runner.run(lambda progress: int("x"), on_error=errors.append)
    assert isinstance(errors[0], ValueError)

    cancelled: list[bool] = []

    def stops(progress: Progress) -> None:
        raise Cancelled

    assert runner.run(stops, on_cancelled=lambda: cancelled.append(True)).state is TaskState.CANCELLED
    assert cancelled == [True]


def test_set_runner_swaps_the_programs_runner(immediate_tasks: ImmediateRunner) -> None:
    assert tasks.current_runner() is immediate_tasks
    results: list[int] = []
    tasks.run_task(lambda progress: 42, on_done=results.append)
    assert results == [42]
    previous = tasks.set_runner(None)
    assert previous is immediate_tasks
    assert type(tasks.current_runner()) is TaskRunner


# --- the progress dialog ------------------------------------------------------------------------
def test_progress_dialog_returns_a_quick_result_without_showing(qapp: QApplication, runner: TaskRunner) -> None:
    shown: list[bool] = []
    result = ProgressDialog.run(None, "Import", "Importing…", lambda progress: "done", runner=runner)
    shown.extend(w.isVisible() for w in QApplication.topLevelWidgets() if isinstance(w, ProgressDialog))
    assert result == ("done", True)
    assert not any(shown)


def test_progress_dialog_shows_after_a_moment_and_cancel_stops_the_work(
        qtbot: QtBot, runner: TaskRunner, when_shown: Driver) -> None:
    stopped = threading.Event()
    seen: dict[str, Any] = {}

    def work(progress: Progress) -> str:
        for step in range(100_000):
            progress.report(step, 100_000, "Hashing exhibits")
            try:
                progress.check()
            except Cancelled:
                stopped.set()
                raise
            time.sleep(0.001)
        return "finished"

    def cancel(dialog: ProgressDialog) -> None:
        seen["label"] = dialog.labelText()
        seen["visible_before"] = dialog.isVisible()
        assert dialog.cancel_button is not None
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        seen["visible_after_click"] = dialog.isVisible()

    when_shown(ProgressDialog, cancel)
    started = time.monotonic()
    result = ProgressDialog.run(None, "Hashing", "Hashing…", work, runner=runner, show_after_ms=200)
    assert result == (None, False)
    assert stopped.is_set()
    assert time.monotonic() - started >= 0.2
    assert seen["visible_before"] and seen["visible_after_click"]  # stays up until the worker stopped
    assert seen["label"] in ("Hashing…", "Hashing exhibits")


def test_progress_dialog_raises_the_tasks_error_on_the_gui_thread(qapp: QApplication, runner: TaskRunner) -> None:
    def work(progress: Progress) -> None:
        time.sleep(0.05)
        raise KeyError("case 12")

    with pytest.raises(KeyError):
        ProgressDialog.run(None, "Export", "Exporting…", work, runner=runner)


def test_progress_dialog_escape_asks_to_cancel_and_does_not_close(qtbot: QtBot, qapp: QApplication) -> None:
    dialog = ProgressDialog(None, "Import", "Importing…")
    qtbot.addWidget(dialog)
    dialog.show()
    asked: list[bool] = []
    dialog.cancel_requested.connect(lambda: asked.append(True))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    dialog.close()
    assert asked == [True]
    assert dialog.isVisible()
    assert dialog.labelText() == "Cancelling…"
    dialog.finish()
    assert not dialog.isVisible()


def test_progress_dialog_with_immediate_runner(immediate_tasks: ImmediateRunner, qapp: QApplication) -> None:
    assert ProgressDialog.run(None, "Import", "Importing…", lambda progress: 7) == (7, True)
