"""Locking the desk: after idle time, on the system's screen lock or suspend, or on request (Ctrl+L).

Locking, in this order, all on the GUI thread and at once:

1. the window's contents are taken out of it and replaced by the lock screen; tool bars are
   hidden, every action but Quit and About is disabled, and the title says only that the
   desk is locked;
2. every other window of the desk is closed (dialogs rejected, message boxes answered with
   their escape button, menus closed);
3. edits not yet saved (the Overview form, the Notes editor) are settled — see below —
   and background work is cancelled;
4. the case tabs let go of what they show (the evidence preview's decrypted content with
   them), decrypted copies for other programs are wiped (``plaintext_copies.wipe_all``),
   the clipboard is cleared if it holds what the desk copied;
5. the views' timers are paused and the store is closed: the engine disposed of, the keys
   dropped, the writer lock released. When a dialog was closed in 2 or a task is still
   stopping, this waits until their code has run to its end (so nothing touches a closed
   store), looking again every ``POLL_MS``.

Edits not yet saved: with "keep unsaved input in memory while locked" (off by default) they
stay in their editors, hidden, and are there after unlocking. Otherwise, on Lock now the
usual question is asked (Save / Discard / Cancel, and Cancel does not lock); an automatic lock
cannot ask, so it saves each edit that is valid — an ordinary, audited edit that Undo takes
back after unlocking — and discards one that cannot be saved (a field in error). Losing text
the lawyer typed would be worse than storing it encrypted, which is what the lock protects.
Input in an open dialog (a record being added) is discarded in every case: a dialog cannot
stay open behind the lock.

Unlocking derives the key off the GUI thread (as the unlock dialog does), opens the store
again into the same ``Store`` object — every view holds that object — and puts the window
back: same view, same client, same tab, same note and exhibit; every view reloads, since the
command line may have changed the store meanwhile.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QToolBar, QToolTip, QWidget
from shiboken6 import isValid

from lawyer_desk.core import models as m
from lawyer_desk.core.errors import LawyerDeskError, WrongPassphrase
from lawyer_desk.ui import alerts, clipboard_guard, plaintext_copies, settings, tasks
from lawyer_desk.ui.idle_watch import IdleWatch
from lawyer_desk.ui.lock_screen import LockScreen
from lawyer_desk.ui.system_lock import SystemLockSignals
from lawyer_desk.ui.unlock import _report_failure, unlock

if TYPE_CHECKING:
    from lawyer_desk.core.store import Store
    from lawyer_desk.core.store.keyheader import KeyHeader
    from lawyer_desk.ui.main_window import MainWindow

POLL_MS = 20
GIVE_UP_WAITING_S = 10.0  # a nested event loop that is not ours (a drag): close the store anyway
LOCK_KEY = "Ctrl+L"


def tr(text: str) -> str:
    return QCoreApplication.translate("session_lock", text)


def reopen_store(store: Store, header: KeyHeader, data_key: bytes) -> None:
    """Open the closed ``store`` again in place: every view keeps the object it holds."""
    from lawyer_desk.core.store import Store

    fresh = Store.open_with_key(store.paths.root, header, data_key, write=store.writable)
    vars(store).update(vars(fresh))


def forget_keys(store: Store) -> None:
    """Drop what ``Store.close`` leaves of the keys (the derived database and audit keys; the
    data key and the others it drops itself). Python cannot overwrite the bytes; no reference
    to them is left. To go once the core's ``close`` does it."""
    for name in ("_db_key", "_audit_key"):
        if isinstance(getattr(store, name, None), bytes):
            setattr(store, name, b"")


@dataclass
class Position:
    """Where the lawyer was: restored after unlocking."""

    client_id: int | None
    mode: int
    tab: int
    note_id: int | None
    exhibit_id: int | None


class SessionLock(QObject):
    locked = Signal()
    unlocked = Signal()

    def __init__(self, window: MainWindow, *, runner: tasks.TaskRunner | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.store: Store = window.store
        self._runner = runner
        prefs = settings.load()
        self.keep_unsaved = prefs.keep_unsaved_while_locked
        self.idle_minutes = prefs.idle_lock_minutes
        self.is_locked = False
        self.reason = ""
        self.store_closed = False
        self.hidden_at: float | None = None  # perf_counter: contents hidden
        self.closed_at: float | None = None  # perf_counter: store closed
        self.position: Position | None = None
        self.screen: LockScreen | None = None
        self.kept: list[Any] = []  # editors whose unsaved input is kept while locked
        self.settled = (0, 0)  # (saved, discarded) by the last automatic lock
        self._contents: QWidget | None = None
        self._title = ""
        self._actions: list[tuple[QAction, bool]] = []
        self._toolbars: list[tuple[QToolBar, bool]] = []
        self._timers: list[QTimer] = []
        self._closed_dialogs = False
        self._waiting_since = 0.0
        self._unlock_task: tasks.Task | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._close_store_when_quiet)

        self.action = QAction(tr("&Lock"), window)
        self.action.setShortcut(QKeySequence(LOCK_KEY))
        self.action.setToolTip(tr("Lock the desk now; the passphrase opens it again (Ctrl+L)"))
        self.action.triggered.connect(lambda: self.lock("manual"))
        window.addAction(self.action)

        self.idle = IdleWatch(self, interval_ms=self.idle_minutes * 60_000)
        self.idle.expired.connect(lambda: self.lock("idle"))
        self.idle.resumed.connect(lambda: self.lock("suspend"))
        self.system = SystemLockSignals(self)
        self.system.lock_requested.connect(self.lock)
        self.idle.start()

    # -- settings -----------------------------------------------------------------------
    def apply(self, prefs: settings.Settings) -> None:
        self.keep_unsaved = prefs.keep_unsaved_while_locked
        self.idle_minutes = prefs.idle_lock_minutes
        self.idle.set_interval(prefs.idle_lock_minutes * 60_000)

    def set_idle_interval_ms(self, interval_ms: int) -> None:
        """For tests and the benchmark: an idle time shorter than a minute."""
        self.idle.set_interval(interval_ms)

    # -- locking --------------------------------------------------------------------------
    def lock(self, reason: str = "manual") -> bool:
        """Lock now; False only when the lawyer chose Cancel for unsaved edits (Lock now)."""
        if self.is_locked:
            return True
        window = self.window
        if reason == "manual" and not self.keep_unsaved and not window._editors_allow_leaving():
            return False
        self.reason = reason
        self.position = self._where()
        self.is_locked, self.store_closed, self.closed_at = True, False, None
        self.idle.stop()
        self._hide_contents()
        self.hidden_at = time.perf_counter()
        self._closed_dialogs = self._close_other_windows()
        self.kept, self.settled = self._settle_unsaved()
        assert self.screen is not None
        self.screen.set_note(self._note())
        self._tasks().cancel_all()
        self._let_go_of_contents()
        plaintext_copies.wipe_all()
        clipboard_guard.clear_if_ours()
        self.locked.emit()
        self._waiting_since = time.monotonic()
        if not self._close_store_when_quiet():
            self._poll.start()
        return True

    def _where(self) -> Position:
        window = self.window
        notes, evidence = window.case_tabs["notes"], window.case_tabs["evidence"]
        exhibit = evidence.selected_row()
        return Position(window.client_id, window.modes.currentIndex(), window.tabs.currentIndex(),
                        notes.note_id, exhibit.id if exhibit is not None else None)

    def _editors(self) -> list[Any]:
        return [self.window.case_tabs["overview"], self.window.case_tabs["notes"]]

    def _settle_unsaved(self) -> tuple[list[Any], tuple[int, int]]:
        dirty = [editor for editor in self._editors() if editor.has_unsaved_changes()]
        if self.keep_unsaved:
            return dirty, (0, 0)
        saved = discarded = 0
        for editor in dirty:  # Lock now has asked already; only an automatic lock finds any
            try:
                ok = editor.save()
            except LawyerDeskError:
                ok = False
            if ok:
                saved += 1
            else:
                editor.revert()
                discarded += 1
        return [], (saved, discarded)

    def _close_other_windows(self) -> bool:
        """Close every other window of the desk; True when a modal one was closed (its caller
        goes on once the dialog's event loop has returned)."""
        closed = False
        QToolTip.hideText()
        for _ in range(20):  # nested menus close one at a time
            popup = QApplication.activePopupWidget()
            if popup is None:
                break
            popup.close()
        for widget in QApplication.topLevelWidgets():
            if widget is self.window or widget is self._contents or not widget.isVisible():
                continue
            closed = closed or widget.isModal()
            if isinstance(widget, tasks.ProgressDialog):
                widget.hide()  # its task is cancelled below; it closes itself when the task has stopped
            elif isinstance(widget, QMessageBox):
                button = widget.escapeButton() or widget.button(QMessageBox.StandardButton.Cancel)
                if button is not None:
                    button.click()
                else:
                    widget.reject()
            elif isinstance(widget, QDialog):
                widget.reject()
                widget.hide()
            else:
                widget.close()
        return closed

    def _let_go_of_contents(self) -> None:
        """The case tabs forget the case (unless they keep unsaved input); previews are emptied."""
        tabs = self.window.case_tabs
        for tab in tabs.values():
            if tab not in self.kept:
                tab.show_case(None)
        preview = getattr(tabs["evidence"], "preview", None)
        if preview is not None:
            preview.clear()

    def _hide_contents(self) -> None:
        window = self.window
        self._title = window.windowTitle()
        self._actions = [(a, a.isEnabled()) for a in window.findChildren(QAction)
                         if a.menu() is None and not a.isSeparator()]
        allowed = {window.quit_action, window.about_action}
        for action, _enabled in self._actions:
            if action not in allowed:
                action.setEnabled(False)
        self._toolbars = [(bar, bar.isVisible()) for bar in window.findChildren(QToolBar)]
        for bar, _visible in self._toolbars:
            bar.hide()
        # A brief's preview is a child window: the lock closes it, and Qt deletes it with its
        # own actions and tool bars. Whatever went with it is skipped below (isValid).
        self._contents = window.takeCentralWidget()
        self.screen = LockScreen(self.store.paths.root, self.reason, window, idle_minutes=self.idle_minutes)
        self.screen.unlock_requested.connect(self._start_unlock)
        window.setCentralWidget(self.screen)
        window.setWindowTitle(tr("lawyer_desk — locked"))
        window.statusBar().clearMessage()
        self.screen.passphrase.setFocus()

    def _pause(self) -> None:
        """Just before the store closes: the views' timers wait, and no action was turned on again."""
        window = self.window
        self._timers = [t for t in window.findChildren(QTimer) if t.isActive() and not _within(t, self)]
        if self._contents is not None and not _within(self._contents, window):
            self._timers += [t for t in self._contents.findChildren(QTimer) if t.isActive()]
        for timer in self._timers:
            timer.stop()
        allowed = {window.quit_action, window.about_action}
        self._actions = [(action, enabled) for action, enabled in self._actions if isValid(action)]
        for action, _enabled in self._actions:
            if action not in allowed:
                action.setEnabled(False)

    def _note(self) -> str:
        saved, discarded = self.settled
        if self.kept:
            return tr("Your unsaved changes are kept until you unlock.")
        if discarded:
            return tr("Some unsaved changes could not be saved (a field was not valid) and were discarded.")
        if saved:
            return tr("Your unsaved changes were saved before locking; Undo takes them back after unlocking.")
        return ""

    def _tasks(self) -> tasks.TaskRunner:
        return self._runner or tasks.current_runner()

    def _quiet(self) -> bool:
        if self._tasks().active():
            return False
        if QApplication.activeModalWidget() is not None:
            return False
        if any(isinstance(w, tasks.ProgressDialog) for w in QApplication.topLevelWidgets()):
            return False  # its caller has not gone on yet
        # A dialog closed by the lock: its caller goes on once its event loop has returned, which
        # is before the next tick of the poll (the loop ends with the pass of events it is in).
        return not self._closed_dialogs or self._poll.isActive()

    def _close_store_when_quiet(self) -> bool:
        if not self.is_locked or self.store_closed:
            self._poll.stop()
            return True
        polled = self._poll.isActive()
        if polled and self._close_other_windows():
            return False  # a box opened by code that went on after the lock: its caller goes on first
        waited = time.monotonic() - self._waiting_since
        if not self._quiet() and not (waited > GIVE_UP_WAITING_S and not self._tasks().active()):
            return False
        self._poll.stop()
        if polled:  # code that went on after the lock may have shown a case again
            self._let_go_of_contents()
            self.window.statusBar().clearMessage()
        self._pause()
        self.store.close()
        forget_keys(self.store)
        self.store_closed = True
        self.closed_at = time.perf_counter()
        if self.screen is not None:
            self.screen.set_ready(True)
        return True

    # -- unlocking ------------------------------------------------------------------------
    def _start_unlock(self, passphrase: str) -> None:
        if not self.store_closed or (self._unlock_task is not None and self._unlock_task.running):
            return
        assert self.screen is not None
        self.screen.set_working(True)
        root = self.store.paths.root
        self._unlock_task = self._tasks().run(
            lambda _progress: unlock(root, passphrase), on_done=self._key_ready, on_error=self._unlock_failed)

    def _key_ready(self, key: tuple[KeyHeader, bytes]) -> None:
        header, data_key = key
        if self.screen is None:
            return
        if header.store_id != self.store.header.store_id:
            self.screen.set_working(False)
            self.screen.show_problem(tr("The store folder now holds another store; it was not opened. "
                                        "Quit, and open the store you mean."))
            return
        try:
            reopen_store(self.store, header, data_key)
        except Exception as exc:
            self._unlock_failed(exc)
            return
        self._restore()

    def _unlock_failed(self, exc: BaseException) -> None:
        if self.screen is None:
            return
        self.screen.set_working(False)
        if isinstance(exc, WrongPassphrase):
            self.screen.show_problem(tr("The passphrase is wrong. Nothing was changed; type it again."))
        elif isinstance(exc, LawyerDeskError):
            title, text = alerts.describe(exc)
            self.screen.show_problem(f"{title}.\n{text}")
        else:
            self.screen.show_problem(tr("The store cannot be opened."))
            _report_failure(self.window, exc)

    def _restore(self) -> None:
        window = self.window
        screen = window.takeCentralWidget()
        if screen is not None:
            screen.deleteLater()
        self.screen = None
        assert self._contents is not None
        window.setCentralWidget(self._contents)
        self._contents = None
        for bar, visible in self._toolbars:
            if isValid(bar):
                bar.setVisible(visible)
        for action, enabled in self._actions:
            if isValid(action):
                action.setEnabled(enabled)
        window.undo_action.setEnabled(window.undo.canUndo())  # the lock's own saves are on the stack
        window.redo_action.setEnabled(window.undo.canRedo())
        for timer in self._timers:
            if isValid(timer):  # a one-off timer may have gone with its owner meanwhile
                timer.start()
        self._actions, self._toolbars, self._timers = [], [], []
        window.setWindowTitle(self._title)
        self.is_locked = self.store_closed = False
        self._return_to_position()
        self.kept = []
        self.idle.start()
        self.unlocked.emit()

    def _return_to_position(self) -> None:
        window, where = self.window, self.position
        window.events.changed.emit("client", -1)  # every view reloads: the store may have changed meanwhile
        if where is None:
            return
        client_id = where.client_id
        if client_id is not None:
            with self.store.session() as session:
                if session.get(m.Client, client_id) is None:
                    client_id = None
        if client_id is not None:
            window.client_list.select_case(client_id)
        if not self.kept:
            window.show_case(client_id)
        window._update_actions()
        if client_id is not None:
            window.tabs.setCurrentIndex(where.tab)
            notes, evidence = window.case_tabs["notes"], window.case_tabs["evidence"]
            if where.note_id is not None and notes not in self.kept and notes.note_id != where.note_id:
                notes.select_note(where.note_id)
            if where.exhibit_id is not None:
                evidence.select_exhibit(where.exhibit_id)
        if window.modes.widget(where.mode) is window.dashboard:
            window.show_dashboard()
        else:
            window.show_cases()


def _within(obj: QObject, ancestor: QObject | None) -> bool:
    while obj is not None:
        if obj is ancestor:
            return True
        obj = obj.parent()
    return False
