"""When the lawyer has stopped using the desk: idle time, and a machine that was asleep.

``IdleWatch`` sees every keyboard, mouse, wheel, touch and tablet event of the application
(an application-wide event filter that only notes the time: it runs for every event, so it
does nothing else) and emits ``expired`` once no input has come for ``interval_ms``. A
single timer is set for the moment the idle time would end; when it fires it looks at the
last input and either sets itself again for the rest or expires. ``deadline`` is that moment
on ``time.perf_counter``'s clock, so the lock's latency can be measured from it.

It also notices a machine that was suspended, after the fact, on every platform: the timers
of Qt (and ``time.monotonic``) stand still during a suspend on Linux and macOS while the wall
clock runs on, so a heartbeat that finds the wall clock ``SLEPT_AFTER_S`` further on than
the monotonic clock emits ``resumed``. A clock set forward by hand looks the same, and also
locks, which does no harm.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

HEARTBEAT_MS = 2_000
SLEPT_AFTER_S = 20.0
INPUT = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate, QEvent.Type.TabletPress, QEvent.Type.TabletMove, QEvent.Type.InputMethod,
    QEvent.Type.Shortcut, QEvent.Type.ContextMenu,
})


class IdleWatch(QObject):
    expired = Signal()  # no input for interval_ms
    resumed = Signal()  # the machine was asleep (or the clock jumped forward)

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = 0) -> None:
        super().__init__(parent)
        self.interval_ms = 0
        self.last_input = time.perf_counter()
        self.deadline: float | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._check)
        self.heartbeat = QTimer(self)
        self.heartbeat.setInterval(HEARTBEAT_MS)
        self.heartbeat.timeout.connect(self._beat)
        self._clocks = (time.time(), time.monotonic())
        self._watching = False
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.set_interval(interval_ms)

    def set_interval(self, interval_ms: int) -> None:
        """Idle time before ``expired`` (0: never); counted from the last input."""
        self.interval_ms = max(0, int(interval_ms))
        if self._watching:
            self._arm()

    def start(self) -> None:
        """Watch from now (the desk unlocked, or just opened)."""
        self._watching = True
        self.last_input = time.perf_counter()
        self._clocks = (time.time(), time.monotonic())
        self.heartbeat.start()
        self._arm()

    def stop(self) -> None:
        """Stop watching (the desk is locked)."""
        self._watching = False
        self.timer.stop()
        self.heartbeat.stop()  # ``deadline`` stays: when the idle time ended, if that was why

    @property
    def watching(self) -> bool:
        return self._watching

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT:
            self.last_input = time.perf_counter()
        return False

    def _arm(self) -> None:
        if not self.interval_ms:
            self.timer.stop()
            self.deadline = None
            return
        self.deadline = self.last_input + self.interval_ms / 1000
        self.timer.start(max(0, round((self.deadline - time.perf_counter()) * 1000)))

    def _check(self) -> None:
        if not self._watching or not self.interval_ms:
            return
        self.deadline = self.last_input + self.interval_ms / 1000
        left = self.deadline - time.perf_counter()
        if left > 0.001:
            self.timer.start(max(1, round(left * 1000)))
            return
        self.expired.emit()

    def _beat(self) -> None:
        wall, steady = time.time(), time.monotonic()
        before_wall, before_steady = self._clocks
        self._clocks = (wall, steady)
        if (wall - before_wall) - (steady - before_steady) > SLEPT_AFTER_S and self._watching:
            self.resumed.emit()
