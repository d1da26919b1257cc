"""Deadline reminders in the window: at unlock, and whenever the next one falls due.

Which reminders are due, and which the lawyer has seen, is the core's business
(``core.deadlines.reminders``, stored with each deadline), so a reminder that fell due while
the program was closed appears at the next unlock, and a dismissed one never comes back.
This module shows them: a message from the system tray where there is one, and always a
banner at the top of the window with "Dismiss" (which records them as seen) and "Show
deadlines". The next check is a timer set to when the next reminder fires.

What a reminder says is the case reference and the deadline's title, never the client's
name: a tray message can be read over the lawyer's shoulder.

The clock is injectable (``ReminderService(clock=...)``, default ``now``) so a test can open
the store "later" and see what fell due in between. ``now`` is in the lawyer's named zone
(``ui.local_time``), not a fixed offset, so that a reminder computed across a clock change
still fires at 08:00 local time.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from lawyer_desk.core.deadlines.engine import fmt_date
from lawyer_desk.core.deadlines.reminders import Reminder, acknowledge, due_reminders, next_reminder_at
from lawyer_desk.core.errors import LawyerDeskError
from lawyer_desk.core.store import Store
from lawyer_desk.ui import alerts
from lawyer_desk.ui.icons import icon
from lawyer_desk.ui.local_time import local_now
from lawyer_desk.ui.undo import CaseEvents

MAX_WAIT_MS = 60 * 60 * 1000  # look again at least hourly: the machine may have slept, the clock moved
MIN_WAIT_MS = 1000
RECHECK_AFTER_CHANGE_MS = 500  # a deadline added or moved may bring a reminder due now
TRAY_LINES = 5
BANNER_LINES = 5  # then "and N more": after a long absence there may be hundreds, and the list is one click away
TRAY_SHOW_MS = 15_000
BANNER_STYLE = ("QFrame#reminder_banner { background-color: #fff3cd; border: 1px solid #c9a227; border-radius: 4px; }"
                " QFrame#reminder_banner QLabel { color: #4e3b00; }")


def now() -> datetime:
    """The program's clock for reminders (and the dashboard's "today"): aware, in the lawyer's named zone."""
    return local_now()


def tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("reminders", text, None, n)


def reminder_text(reminder: Reminder, at: datetime) -> str:
    """'LD-7QK2M9XD · Appeal to the High Court — due tomorrow, Tue 15 Dec 2026 16:30'. No client name."""
    days = (reminder.due_date - at.date()).days
    when = fmt_date(reminder.due_date)
    if reminder.due_time is not None:
        when += f" {reminder.due_time:%H:%M}"
    if days < 0:
        timing = (tr("overdue by 1 day") if days == -1 else tr("overdue by %n days", -days)) + f", {when}"
    elif days == 0:
        timing = tr("due today") + (f", {reminder.due_time:%H:%M}" if reminder.due_time else "")
    elif days == 1:
        timing = tr("due tomorrow") + f", {when}"
    else:
        timing = tr("due in %n days", days) + f", {when}"
    return f"{reminder.case_reference} · {reminder.title} — {timing}"


class ReminderBanner(QFrame):
    """The reminders due, at the top of the window, until the lawyer dismisses them."""

    dismissRequested = Signal()
    deadlinesRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reminder_banner")
        self.setStyleSheet(BANNER_STYLE)
        self.setAccessibleName(self.tr("Deadline reminders"))
        bell = QLabel(self)
        bell.setPixmap(icon("bell-ring").pixmap(22, 22))
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.lines = QLabel(self)
        self.lines.setObjectName("reminder_lines")
        self.lines.setTextFormat(Qt.TextFormat.RichText)
        self.lines.setWordWrap(True)
        self.lines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_button = QPushButton(self.tr("Show deadlines"), self)
        self.show_button.clicked.connect(self.deadlinesRequested)
        self.dismiss_button = QPushButton(self.tr("Dismiss"), self)
        self.dismiss_button.setObjectName("dismiss_reminders")
        self.dismiss_button.setToolTip(self.tr("Mark these reminders as seen; the deadlines stay open"))
        self.dismiss_button.clicked.connect(self.dismissRequested)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.heading)
        text.addWidget(self.lines)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(bell, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 1)
        layout.addWidget(self.show_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)
        self.texts: list[str] = []
        self.count = 0
        self.hide()

    def set_reminders(self, reminders: list[Reminder], at: datetime) -> None:
        """Show the first ``BANNER_LINES`` reminders (the most pressing: they come by due date) and how
        many more there are; ``texts`` are the lines shown, ``count`` all the reminders."""
        self.count = len(reminders)
        self.texts = [reminder_text(reminder, at) for reminder in reminders[:BANNER_LINES]]
        lines = [html.escape(line) for line in self.texts]
        if self.count > BANNER_LINES:
            lines.append(html.escape(tr("and %1 more").replace("%1", str(self.count - BANNER_LINES))))
        self.heading.setText(self.tr("Deadline reminder") if self.count == 1
                             else self.tr("%1 deadline reminders").replace("%1", str(self.count)))
        self.lines.setText("<br>".join(lines))
        self.setVisible(bool(self.count))


class ReminderService(QObject):
    """Checks for due reminders at start, at the next reminder's time, and after deadlines change."""

    shown = Signal(list)  # the reminders now shown (list[Reminder])

    def __init__(self, store: Store, events: CaseEvents, banner: ReminderBanner, parent: QWidget | None = None, *,
                 clock: Callable[[], datetime] | None = None,
                 tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable) -> None:
        super().__init__(parent)
        self.store, self.events, self.banner = store, events, banner
        self.clock = clock or now
        self.tray_available = tray_available
        self._window = parent
        self.current: list[Reminder] = []
        self.last_check: datetime | None = None
        self._first_paint: QWidget | None = None
        self._notified: set[tuple[int, int]] = set()  # (deadline, offset) already sent to the tray
        self.tray: QSystemTrayIcon | None = None
        self.last_tray_message: tuple[str, str] | None = None
        self.next_check: datetime | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check)
        self._after_change = QTimer(self)
        self._after_change.setSingleShot(True)
        self._after_change.setInterval(RECHECK_AFTER_CHANGE_MS)
        self._after_change.timeout.connect(self.check)
        banner.dismissRequested.connect(self.dismiss)
        events.changed.connect(self._on_changed)

    def _on_changed(self, table: str, _client_id: int) -> None:
        if table in ("deadline", "client"):
            self._after_change.start()

    def check_after_paint(self, window: QWidget) -> None:
        """Check as soon as ``window`` has first been painted: the lawyer sees the window without
        waiting for the reminders (a quarter of a second at 20,000 deadlines)."""
        self._first_paint = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._first_paint and event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._first_paint = None
            self.timer.start(0)  # the check, once this paint is done
        return False

    def check(self) -> list[Reminder]:
        """Show the reminders due now and set the timer for the next one; returns those shown."""
        at = self.clock()
        self.last_check = at
        try:
            with self.store.session() as session:
                due = due_reminders(session, at)
                upcoming = next_reminder_at(session, at)
        except LawyerDeskError:
            # A store that cannot be read now will say so at the lawyer's next action; try again later.
            self._schedule(None, at)
            return self.current
        self.current = due
        self.banner.set_reminders(due, at)
        fresh = [r for r in due if (r.deadline_id, r.offset_days) not in self._notified]
        if fresh and self.tray_available():
            self._tray_message(fresh, at)
        self._notified.update((r.deadline_id, r.offset_days) for r in fresh)
        self._schedule(upcoming, at)
        self.shown.emit(due)
        return due

    def _schedule(self, upcoming: datetime | None, at: datetime) -> None:
        self.next_check = upcoming
        wait = MAX_WAIT_MS
        if upcoming is not None:
            # Timestamps, not ``upcoming - at``: two datetimes of one ZoneInfo subtract as wall
            # clock times, an hour off across a clock change.
            wait = int((upcoming.timestamp() - at.timestamp()) * 1000) + MIN_WAIT_MS
        self.timer.start(max(MIN_WAIT_MS, min(wait, MAX_WAIT_MS)))

    def _tray_message(self, reminders: list[Reminder], at: datetime) -> None:
        if self.tray is None:
            self.tray = QSystemTrayIcon(icon("bell-ring"), self)
            self.tray.setToolTip("lawyer_desk")
            self.tray.messageClicked.connect(self.banner.deadlinesRequested)
        lines = [reminder_text(reminder, at) for reminder in reminders[:TRAY_LINES]]
        if len(reminders) > TRAY_LINES:
            lines.append(tr("and %1 more").replace("%1", str(len(reminders) - TRAY_LINES)))
        title = (tr("Deadline reminder") if len(reminders) == 1
                 else tr("%1 deadline reminders").replace("%1", str(len(reminders))))
        self.tray.show()
        self.tray.showMessage(title, "\n".join(lines), QSystemTrayIcon.MessageIcon.Warning, TRAY_SHOW_MS)
        self.last_tray_message = (title, "\n".join(lines))

    def dismiss(self) -> None:
        """Record the reminders shown as seen (audited); they do not come back."""
        shown = list(self.current)
        if not shown:
            self.banner.hide()
            return
        try:
            with self.store.session() as session:
                acknowledge(session, shown)
        except LawyerDeskError as exc:
            alerts.error_for(self._window, exc)
            return
        self.current = []
        self.banner.set_reminders([], self.clock())
        if self.tray is not None:
            self.tray.hide()
        for client_id in sorted({r.client_id for r in shown}):
            self.events.changed.emit("audit_entry", client_id)  # the case's history shows the change
