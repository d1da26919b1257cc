"""Backups from the window: Back Up Now, the backup when the desk closes, and one while it stays open.

Each runs ``core.store.autobackup`` off the GUI thread. Back Up Now and the backup on close
show a progress dialog with Cancel; a cancelled backup leaves no file behind (the core writes
under a temporary name and removes it). The backup on close is made only when one is due
(``backup_if_due``: at most one a day, none if nothing changed since the last), and never
keeps the desk from closing: a failure is said, then the window closes. While the desk stays
open, ``CHECK_EVERY_MS`` a due backup is made in the background, said in the status bar.

Each backup is checked before it gets its name (``write_backup`` reads it back whole and
decrypts a sample of evidence); the summary names the file, and the copy in the second
folder when one is set (Preferences).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QTimer
from PySide6.QtGui import QAction

from lawyer_desk.core.errors import DamagedDatabase, LawyerDeskError
from lawyer_desk.core.store.autobackup import AutomaticBackup, backup_if_due, backup_now
from lawyer_desk.ui import alerts, tasks
from lawyer_desk.ui.icons import icon

if TYPE_CHECKING:
    from lawyer_desk.core.store import Store
    from lawyer_desk.ui.main_window import MainWindow

CHECK_EVERY_MS = 3 * 60 * 60 * 1000
STATUS_MS = 15_000


def tr(text: str) -> str:
    return QCoreApplication.translate("backup_ui", text)


def describe(done: AutomaticBackup) -> str:
    """What a backup holds and where it went, for the lawyer (no client data)."""
    size = QLocale().formattedDataSize(done.info.size)
    lines = [tr("Written and checked: %1 (%2).").replace("%1", str(done.info.path)).replace("%2", size),
             tr("It holds %1 cases and %2 evidence files.").replace("%1", str(done.summary.cases))
             .replace("%2", str(done.summary.vault_objects))]
    if done.second_copy is not None:
        lines.append(tr("Copied to the second folder: %1.").replace("%1", str(done.second_copy)))
    if done.removed:
        lines.append(tr("%1 older backups were removed by the rotation.").replace("%1", str(len(done.removed))))
    return "\n".join(lines)


class DeskBackups(QObject):
    """The window's backups; ``backup_on_close`` is turned on by the program (``app``), not by tests."""

    def __init__(self, window: MainWindow, *, runner: tasks.TaskRunner | None = None) -> None:
        super().__init__(window)
        self.window = window
        self._runner = runner
        self.backup_on_close = False
        self.last: AutomaticBackup | None = None
        self.action = QAction(icon("database-backup"), tr("Back Up &Now"), window)
        self.action.setToolTip(tr("Make a checked, encrypted backup of the store now"))
        self.action.triggered.connect(self.back_up_now)
        window.addAction(self.action)
        self._background: tasks.Task | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.back_up_in_background)
        self.timer.start()

    @property
    def store(self) -> Store:
        return self.window.store

    def back_up_now(self) -> AutomaticBackup | None:
        store = self.store
        try:
            done, finished = tasks.ProgressDialog.run(
                self.window, tr("Backing up"), tr("Making a backup of the store…"),
                lambda progress: backup_now(store, progress=progress), runner=self._runner)
        except LawyerDeskError as exc:
            self._failed(exc)
            return None
        if not finished or done is None:
            self.window.statusBar().showMessage(tr("The backup was cancelled; no file was left behind."), STATUS_MS)
            return None
        self.last = done
        if done.warnings:
            alerts.warning(self.window, tr("Backup made, with warnings"), describe(done), "\n".join(done.warnings))
        else:
            alerts.info(self.window, tr("Backup made"), describe(done))
        return done

    def on_close(self) -> AutomaticBackup | None:
        """The day's backup, if due, before the window closes; never stops the closing."""
        if not self.backup_on_close or self.store.engine is None:
            return None
        store = self.store
        try:
            done, finished = tasks.ProgressDialog.run(
                self.window, tr("Backing up before closing"),
                tr("Making today's backup of the store… Cancel closes without it."),
                lambda progress: backup_if_due(store, progress=progress), runner=self._runner)
        except LawyerDeskError as exc:
            self._failed(exc)
            return None
        if finished and done is not None:
            self.last = done
            if done.warnings:
                alerts.warning(self.window, tr("Backup made, with warnings"), describe(done),
                               "\n".join(done.warnings))
        return done if finished else None

    def back_up_in_background(self) -> None:
        if self.store.engine is None or (self._background is not None and self._background.running):
            return
        store = self.store
        self._background = (self._runner or tasks.current_runner()).run(
            lambda progress: backup_if_due(store, progress=progress),
            on_done=self._background_done, on_error=self._background_failed)

    def _background_done(self, done: AutomaticBackup | None) -> None:
        if done is not None:
            self.last = done
            self.window.statusBar().showMessage(tr("Backup made: %1").replace("%1", done.info.path.name), STATUS_MS)

    def _background_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, LawyerDeskError):
            sys.excepthook(type(exc), exc, exc.__traceback__)  # a bug: the crash path
            return
        self.window.statusBar().showMessage(tr("The automatic backup failed: %1").replace("%1", str(exc)), STATUS_MS)

    def _failed(self, exc: LawyerDeskError) -> None:
        if isinstance(exc, DamagedDatabase):
            alerts.error(self.window, tr("No backup was made: the store fails its checks"),
                         tr("A backup is made only of a store that passes its checks, so that it never "
                            "replaces a good one. Run Tools ▸ Verify Store to see what is wrong."), str(exc))
        else:
            alerts.error(self.window, tr("No backup was made"),
                         tr("The backup could not be written. No file was left behind."), str(exc))
