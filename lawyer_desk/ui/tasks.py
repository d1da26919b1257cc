"""The one way to run long work off the GUI thread.

A task is a plain function ``fn(progress) -> result``. It runs on a ``QThreadPool``; it gets
plain data in (through its closure) and must never touch a widget, and if it needs the
database it opens its own session. Its result, its error (an exception object, never a
printed traceback) or its cancellation come back on the GUI thread, through the callbacks
given to ``run`` and through the signals of the ``Task`` handle::

    task = tasks.run_task(lambda progress: hash_files(paths, progress),
                          on_done=self.show_hashes, on_error=self.hashing_failed)
    ...
    task.cancel()          # the worker sees progress.cancelled / progress.check() raises

The worker reports ``progress.report(done, total, label)`` (throttled, so a loop may call it
for every item) and stops by raising ``Cancelled`` — ``progress.check()`` does that once
the user asked to cancel. A task without ``on_error`` that fails goes to ``sys.excepthook``
(the crash dialog), so no error is ever dropped silently.

Tests swap the runner: ``tasks.set_runner(tasks.ImmediateRunner())`` runs every task at once
on the calling thread (``tests/ui/conftest.py`` offers this as the ``immediate_tasks``
fixture), and every dialog that runs tasks also takes a ``runner=`` argument.

``ProgressDialog.run(parent, title, label, fn)`` runs a task modally without freezing: the
window keeps painting, a progress dialog with Cancel appears if the work takes longer than
~300 ms, and the call returns ``(result, ok)`` — ``ok`` False when cancelled — or raises the
task's error on the GUI thread.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from collections.abc import Callable
from enum import Enum
from typing import Any, cast

from PySide6.QtCore import (
    SIGNAL,
    SLOT,
    QCoreApplication,
    QEventLoop,
    QObject,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QProgressBar, QProgressDialog, QPushButton, QWidget

SHOW_AFTER_MS = 300
PROGRESS_INTERVAL_S = 0.05  # at most 20 progress updates a second reach the GUI


def tr(text: str) -> str:
    return QCoreApplication.translate("tasks", text)


class Cancelled(Exception):
    """Raised inside a task to stop it; the task then ends as cancelled, not as failed."""


class Progress:
    """Given to the worker: report how far it got, and learn whether to stop. Thread-safe."""

    def __init__(self, emit: Callable[[int, int, str], None], interval_s: float = PROGRESS_INTERVAL_S) -> None:
        self._emit = emit
        self._interval_s = interval_s
        self._cancel = threading.Event()
        self._last_sent = -interval_s
        self._last_label = ""

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        """Raise ``Cancelled`` if the user asked to stop; call it between units of work."""
        if self._cancel.is_set():
            raise Cancelled

    def report(self, done: int, total: int = 0, label: str = "") -> None:
        """``done`` of ``total`` units (``total`` 0: unknown, shown as busy). Throttled, except for
        a new label and the last unit, which always get through."""
        now = time.monotonic()
        if (now - self._last_sent < self._interval_s and label == self._last_label
                and not (total and done >= total)):
            return
        self._last_sent, self._last_label = now, label
        self._emit(done, total, label)


class TaskState(Enum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class _Claim:
    """Who gets to end a task that has not started: the worker (it runs) or cancel (it never will)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._taken = False

    def take(self) -> bool:
        with self._lock:
            if self._taken:
                return False
            self._taken = True
            return True


class Task(QObject):
    """The GUI thread's handle on one background task. Its signals are emitted on the GUI thread.

    The worker never holds this object (only plain data and the runner's relay), so it is
    always created, used and deleted on the GUI thread.
    """

    progressed = Signal(object, object, str)  # done, total, label (objects: counts of bytes pass 2**31)
    succeeded = Signal(object)  # the result
    failed = Signal(object)  # the exception
    was_cancelled = Signal()
    ended = Signal()  # after any of the three above

    def __init__(self, runner: TaskRunner, key: int, progress: Progress | None, *,
                 on_done: Callable[[Any], object] | None,
                 on_error: Callable[[BaseException], object] | None,
                 on_progress: Callable[[int, int, str], object] | None,
                 on_cancelled: Callable[[], object] | None) -> None:
        super().__init__()
        self._runner, self.key = runner, key
        # No progress given: the work runs on this thread, and reports straight to the callbacks.
        self.progress = progress or Progress(self._deliver_progress, interval_s=0.0)
        self._claim = _Claim()
        self._on_done, self._on_error = on_done, on_error
        self._on_progress, self._on_cancelled = on_progress, on_cancelled
        self.state = TaskState.RUNNING
        self.result: Any = None
        self.error: BaseException | None = None

    @property
    def running(self) -> bool:
        return self.state is TaskState.RUNNING

    def cancel(self) -> None:
        """Ask the worker to stop. A task still waiting for a thread ends without running (the
        cancellation is delivered by the event loop, like every other ending)."""
        if self.running:
            self.progress.cancel()
            if self._claim.take():
                self._runner._relay.ended.emit(self.key, "cancelled", None)

    # -- delivery, on the GUI thread ---------------------------------------------------------
    def _deliver_progress(self, done: int, total: int, label: str) -> None:
        if not self.running:
            return
        if self._on_progress is not None:
            self._on_progress(done, total, label)
        self.progressed.emit(done, total, label)

    def _deliver_end(self, outcome: str, payload: Any) -> None:
        if not self.running:
            return
        try:
            if outcome == "done":
                self.state, self.result = TaskState.DONE, payload
                if self._on_done is not None:
                    self._on_done(payload)
                self.succeeded.emit(payload)
            elif outcome == "failed":
                self.state, self.error = TaskState.FAILED, payload
                if self._on_error is not None:
                    self._on_error(payload)
                else:
                    sys.excepthook(type(payload), payload, payload.__traceback__)
                self.failed.emit(payload)
            else:
                self.state = TaskState.CANCELLED
                if self._on_cancelled is not None:
                    self._on_cancelled()
                self.was_cancelled.emit()
        finally:
            self.ended.emit()


def _execute(fn: Callable[[Progress], Any], progress: Progress) -> tuple[str, Any]:
    """Run the work; the outcome as data. Nothing escapes: a worker thread has nobody to tell."""
    if progress.cancelled:
        return "cancelled", None
    try:
        return "done", fn(progress)
    except Cancelled:
        return "cancelled", None
    except BaseException as exc:  # even SystemExit in a worker is the task's failure, not the program's
        return "failed", exc


class _Relay(QObject):
    """Lives on the runner's (GUI) thread; workers emit its signals, which Qt queues to it."""

    progressed = Signal(int, object, object, str)  # task key, done, total, label
    ended = Signal(int, str, object)  # task key, outcome, payload


class TaskRunner(QObject):
    """Runs tasks on a thread pool of its own, so that ``wait`` waits for its tasks only."""

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool(self)
        self._active: dict[int, Task] = {}
        self._keys = itertools.count(1)
        self._relay = _Relay(self)
        self._relay.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)
        self._relay.ended.connect(self._ended, Qt.ConnectionType.QueuedConnection)

    def run[T](self, fn: Callable[[Progress], T], *, on_done: Callable[[T], object] | None = None,
               on_error: Callable[[BaseException], object] | None = None,
               on_progress: Callable[[int, int, str], object] | None = None,
               on_cancelled: Callable[[], object] | None = None) -> Task:
        """Start ``fn`` on the pool; the callbacks run on the GUI thread (this runner's thread)."""
        key, relay = next(self._keys), self._relay
        progress = Progress(lambda done, total, label: relay.progressed.emit(key, done, total, label))
        task = Task(self, key, progress, on_done=on_done, on_error=on_error, on_progress=on_progress,
                    on_cancelled=on_cancelled)
        claim = task._claim

        def work() -> None:  # holds plain data and the relay only: never the Task
            if not claim.take():
                return  # cancelled while waiting for a thread; already reported
            outcome, payload = _execute(fn, progress)
            relay.ended.emit(key, outcome, payload)

        self._active[key] = task
        self.pool.start(work)
        return task

    def active(self) -> list[Task]:
        return list(self._active.values())

    def cancel_all(self) -> None:
        for task in list(self._active.values()):
            task.cancel()

    def wait(self, timeout_ms: int = -1) -> bool:
        """Block until every started worker has returned (their results are delivered later,
        by the event loop). True when all returned within ``timeout_ms``."""
        return self.pool.waitForDone(timeout_ms)

    @Slot(int, object, object, str)
    def _progressed(self, key: int, done: int, total: int, label: str) -> None:
        task = self._active.get(key)
        if task is not None:
            task._deliver_progress(done, total, label)

    @Slot(int, str, object)
    def _ended(self, key: int, outcome: str, payload: Any) -> None:
        task = self._active.pop(key, None)
        if task is not None:
            task._deliver_end(outcome, payload)


class ImmediateRunner(TaskRunner):
    """Runs each task at once, on the calling thread; for tests.

    Every callback has run, and the task has ended, when ``run`` returns — so signals of the
    returned ``Task`` connected afterwards never fire; use the callbacks.
    """

    def run[T](self, fn: Callable[[Progress], T], *, on_done: Callable[[T], object] | None = None,
               on_error: Callable[[BaseException], object] | None = None,
               on_progress: Callable[[int, int, str], object] | None = None,
               on_cancelled: Callable[[], object] | None = None) -> Task:
        task = Task(self, next(self._keys), None, on_done=on_done, on_error=on_error, on_progress=on_progress,
                    on_cancelled=on_cancelled)
        task._claim.take()
        outcome, payload = _execute(cast(Callable[[Progress], Any], fn), task.progress)
        task._deliver_end(outcome, payload)
        return task


_runner: TaskRunner | None = None


def current_runner() -> TaskRunner:
    """The runner the program uses (made on first use)."""
    global _runner  # noqa: PLW0603 (the one swappable runner is the point of this module)
    if _runner is None:
        _runner = TaskRunner()
    return _runner


def set_runner(new: TaskRunner | None) -> TaskRunner | None:
    """Make ``new`` the program's runner (None: a fresh pool on next use); returns the previous one."""
    global _runner
    previous, _runner = _runner, new
    return previous


def run_task[T](fn: Callable[[Progress], T], *, on_done: Callable[[T], object] | None = None,
                on_error: Callable[[BaseException], object] | None = None,
                on_progress: Callable[[int, int, str], object] | None = None,
                on_cancelled: Callable[[], object] | None = None) -> Task:
    return current_runner().run(fn, on_done=on_done, on_error=on_error, on_progress=on_progress,
                                on_cancelled=on_cancelled)


class ProgressDialog(QProgressDialog):
    """A progress dialog for one task: Cancel asks the worker to stop and waits for it.

    Cancel (the button, Escape, or closing the window) never closes the dialog by itself: it
    says "Cancelling…" until the worker has stopped, so the program is never left working on
    something the lawyer no longer sees.
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None, title: str, label: str, *, cancellable: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setLabelText(label)
        self.setWindowModality(Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumDuration(24 * 3600 * 1000)  # shown by ``run``, never by QProgressDialog's own guess
        self.setMinimumWidth(380)
        # Our own bar: QProgressDialog.setValue would spin a nested event loop on every update.
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        self.setBar(self.bar)
        self.cancellable = cancellable
        self._finished = False
        self._cancel_asked = False
        self.cancel_button: QPushButton | None = None
        if cancellable:
            self.cancel_button = QPushButton(tr("Cancel"), self)
            self.setCancelButton(self.cancel_button)
        else:
            self.setCancelButton(None)
        # The built-in cancel() would hide the dialog while the worker still runs.
        QObject.disconnect(self, SIGNAL("canceled()"), self, SLOT("cancel()"))
        self.canceled.connect(self._request_cancel)

    def show_progress(self, done: int, total: int, label: str) -> None:
        if total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(1000 * min(max(done, 0), total) / total))
        else:
            self.bar.setRange(0, 0)
        if label:
            self.setLabelText(label)

    def _request_cancel(self) -> None:
        if not self.cancellable or self._finished or self._cancel_asked:
            return
        self._cancel_asked = True
        if self.cancel_button is not None:
            self.cancel_button.setEnabled(False)
        self.setLabelText(tr("Cancelling…"))
        self.cancel_requested.emit()

    def reject(self) -> None:  # Escape
        if self._finished:
            super().reject()
        elif self.cancellable:
            self.canceled.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._finished:
            super().closeEvent(event)
            return
        event.ignore()
        if self.cancellable:
            self.canceled.emit()

    def finish(self) -> None:
        self._finished = True
        self.hide()

    @classmethod
    def run[T](cls, parent: QWidget | None, title: str, label: str, fn: Callable[[Progress], T], *,
               cancellable: bool = True, show_after_ms: int = SHOW_AFTER_MS,
               runner: TaskRunner | None = None) -> tuple[T | None, bool]:
        """Run ``fn`` as a task and wait for it, keeping the GUI painted.

        Returns ``(result, True)``, or ``(None, False)`` when the user cancelled; raises the
        task's exception here, on the GUI thread. Until the dialog appears, keyboard and mouse
        input to the program's windows is held back (and then blocked by the modal dialog).
        """
        dialog = cls(parent, title, label, cancellable=cancellable)
        loop = QEventLoop()
        task = (runner or current_runner()).run(fn, on_progress=dialog.show_progress, on_error=lambda _: None)
        task.ended.connect(loop.quit)
        dialog.cancel_requested.connect(task.cancel)
        show_timer = QTimer(dialog, singleShot=True, interval=show_after_ms)
        show_timer.timeout.connect(loop.quit)
        try:
            if task.running:
                show_timer.start()
                loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
            if task.running:
                dialog.show()
                loop.exec()
        finally:
            show_timer.stop()
            dialog.finish()
            dialog.deleteLater()
        if task.state is TaskState.FAILED:
            assert task.error is not None
            raise task.error
        if task.state is TaskState.DONE:
            return cast(T, task.result), True
        return None, False
