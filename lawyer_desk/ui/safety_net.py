"""The window's safety net: lock, guarded clipboard, passphrase change, backups, verification, preferences.

``SafetyNet(window)`` is made by the main window and puts its actions where a lawyer looks
for them: File ▸ Lock (Ctrl+L, also on the tool bar), Change Passphrase…, Back Up Now,
Preferences…; Tools ▸ Verify Store…; a Copy entry (Ctrl+C, context menu) on the client list
and the Names table whose copies are cleared from the clipboard after 30 seconds.
``before_close`` is the window's last word before it closes: the day's backup if due (only
when the program turned ``backups.backup_on_close`` on), and the clipboard cleared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

from lawyer_desk.core.errors import LawyerDeskError
from lawyer_desk.ui import alerts, clipboard_guard, tasks
from lawyer_desk.ui.backup_ui import DeskBackups
from lawyer_desk.ui.icons import icon
from lawyer_desk.ui.session_lock import SessionLock

if TYPE_CHECKING:
    from lawyer_desk.ui.main_window import MainWindow


def tr(text: str) -> str:
    return QCoreApplication.translate("safety_net", text)


class SafetyNet(QObject):
    def __init__(self, window: MainWindow, *, runner: tasks.TaskRunner | None = None,
                 watch_system: bool = True) -> None:
        super().__init__(window)
        self.window = window
        self._runner = runner
        self.lock = SessionLock(window, runner=runner)
        self.lock.action.setIcon(icon("lock"))
        self.backups = DeskBackups(window, runner=runner)
        self.passphrase_action = self._action(tr("Change &Passphrase…"), self.change_passphrase, "key-round")
        self.preferences_action = self._action(tr("Pre&ferences…"), self.edit_preferences, "settings")
        self.preferences_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Preferences))
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.verify_action = self._action(tr("&Verify Store…"), self.verify_store, "shield-check")
        self.verify_action.setToolTip(tr("Check the database, the audit chain and every evidence file"))
        self._place_actions()
        clipboard_guard.guard()  # watches copies made with Ctrl+C too
        self.copy_actions = [clipboard_guard.add_copy_action(window.client_list.table),
                             clipboard_guard.add_copy_action(window.case_tabs["names"].view)]
        if watch_system:
            self.lock.system.connect_system(window)

    @property
    def locked(self) -> bool:
        return self.lock.is_locked

    def _action(self, text: str, slot: object, icon_name: str) -> QAction:
        action = QAction(icon(icon_name), text, self.window)
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    def _place_actions(self) -> None:
        window = self.window
        bar = window.menuBar()
        menus = [action.menu() for action in bar.actions() if isinstance(action.menu(), QMenu)]
        file_menu = next((menu for menu in menus if window.quit_action in menu.actions()), None)
        if file_menu is not None:
            for action in (self.lock.action, self.passphrase_action, self.backups.action, self.preferences_action):
                file_menu.insertAction(window.quit_action, action)
            file_menu.insertSeparator(window.quit_action)
        tools = next((menu for menu in menus if menu.title().replace("&", "") == "Tools"), None)
        if tools is None:
            tools = QMenu(tr("&Tools"), bar)
            help_menu = next((menu for menu in menus if window.about_action in menu.actions()), None)
            if help_menu is not None:
                bar.insertMenu(help_menu.menuAction(), tools)
            else:
                bar.addMenu(tools)
        tools.addAction(self.verify_action)
        toolbar = window.findChild(QToolBar, "main_toolbar")
        if toolbar is not None:
            toolbar.addSeparator()
            toolbar.addAction(self.lock.action)

    # -- commands -------------------------------------------------------------------------
    def change_passphrase(self) -> bool:
        from lawyer_desk.ui.passphrase_dialog import ChangePassphraseDialog

        _header, ok = ChangePassphraseDialog.change(self.window, self.window.store, runner=self._runner)
        if ok:
            self.window.statusBar().showMessage(tr("The passphrase was changed."), 10_000)
        return ok

    def edit_preferences(self) -> bool:
        from lawyer_desk.ui import preferences

        root = self.window.store.paths.root
        choices, ok = preferences.PreferencesDialog.edit(self.window, root)
        if not ok or choices is None:
            return False
        try:
            prefs = preferences.apply(choices, root)
        except LawyerDeskError as exc:
            alerts.error_for(self.window, exc)
            return False
        self.lock.apply(prefs)
        return True

    def verify_store(self) -> None:
        from lawyer_desk.ui.verify_report import VerifyDialog

        VerifyDialog.show_for(self.window, self.window.store, runner=self._runner, events=self.window.events)

    # -- closing --------------------------------------------------------------------------
    def before_close(self) -> bool:
        """True when the window may close: the day's backup made (if due), the clipboard cleared."""
        if self.locked:
            if self.lock.kept and not alerts.confirm(
                    self.window, tr("Quit without the unsaved changes?"),
                    tr("Changes you had not saved were kept while the desk is locked. Quitting now loses "
                       "them; unlock first to save them."), destructive=True, action=tr("Quit")):
                return False
        else:
            self.lock.idle.stop()  # no lock in the middle of the last backup
            self.backups.on_close()
        self.lock.idle.stop()
        clipboard_guard.clear_if_ours()
        return True
