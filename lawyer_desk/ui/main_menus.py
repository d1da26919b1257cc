"""The main window's menus and toolbar: every action with its platform shortcut and icon.

``build(window)`` makes the actions as attributes of the window (``window.new_client_action``…),
each connected to the window's command of the same name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence

from lawyer_desk.core.vocab import CaseStatus
from lawyer_desk.ui.icons import icon

if TYPE_CHECKING:
    from lawyer_desk.ui.main_window import MainWindow


def tr(text: str) -> str:
    return QCoreApplication.translate("main_menus", text)


def _action(window: MainWindow, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
            slot: Any, menu: Any, icon_name: str | None = None) -> QAction:
    action = QAction(icon(icon_name) if icon_name else QIcon(), text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    menu.addAction(action)
    window.addAction(action)
    return action


def build(window: MainWindow) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu(tr("&File"))
    window.new_client_action = _action(window, tr("&New Client…"), QKeySequence.StandardKey.New,
                                       window.new_client, file_menu, "user-plus")
    window.import_action = _action(window, tr("&Import Case or Notice…"), QKeySequence.StandardKey.Open,
                                   window.import_dialog, file_menu, "file-input")
    window.export_action = _action(window, tr("&Export Case…"), "Ctrl+E", window.export_case, file_menu,
                                   "file-output")
    window.calendar_action = _action(window, tr("Export &Calendar (.ics)…"), None, window.export_calendar,
                                     file_menu, "calendar-arrow-down")
    file_menu.addSeparator()
    window.save_action = _action(window, tr("&Save"), QKeySequence.StandardKey.Save, window.save_current, file_menu,
                                 "save")
    file_menu.addSeparator()
    # Some platforms (Windows, offscreen) define no standard Quit key; Ctrl+Q is what people expect.
    quit_key = QKeySequence(QKeySequence.StandardKey.Quit)
    window.quit_action = _action(window, tr("&Quit"), quit_key if not quit_key.isEmpty() else "Ctrl+Q",
                                 window.close, file_menu)
    window.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

    edit_menu = bar.addMenu(tr("&Edit"))
    window.undo_action = window.undo.createUndoAction(window, tr("&Undo"))
    window.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
    window.redo_action = window.undo.createRedoAction(window, tr("&Redo"))
    window.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
    window.undo_action.setIcon(icon("undo-2"))
    window.redo_action.setIcon(icon("redo-2"))
    edit_menu.addAction(window.undo_action)
    edit_menu.addAction(window.redo_action)
    edit_menu.addSeparator()
    edit_menu.addAction(window.client_list.find_action)

    view_menu = bar.addMenu(tr("&View"))
    window.dashboard_action = _action(window, tr("&Deadlines"), "Ctrl+Shift+D", window.show_dashboard, view_menu,
                                      "layout-dashboard")
    window.dashboard_action.setToolTip(tr("The deadlines of all cases, most pressing first (Ctrl+Shift+D)"))
    window.cases_action = _action(window, tr("&Cases"), "Ctrl+Shift+C", window.show_cases, view_menu, "briefcase")
    window.cases_action.setToolTip(tr("The client list and the selected case (Ctrl+Shift+C)"))
    modes = QActionGroup(window)
    for action in (window.dashboard_action, window.cases_action):
        action.setCheckable(True)
        modes.addAction(action)

    case_menu = bar.addMenu(tr("&Case"))
    window.close_case_action = _action(window, tr("&Close Case"), None,
                                       lambda: window.set_case_status(CaseStatus.closed), case_menu)
    window.archive_action = _action(window, tr("&Archive Case"), None,
                                    lambda: window.set_case_status(CaseStatus.archived), case_menu,
                                    "archive")
    window.reopen_action = _action(window, tr("&Reopen Case"), None,
                                   lambda: window.set_case_status(CaseStatus.open), case_menu)
    case_menu.addSeparator()
    window.add_evidence_action = _action(window, tr("Add &Evidence…"), "Ctrl+Shift+E", window.choose_evidence,
                                         case_menu, "file-plus")
    case_menu.addSeparator()
    window.brief_action = _action(window, tr("&Brief…"), "Ctrl+Shift+B", window.make_brief, case_menu)
    window.bundle_action = _action(window, tr("&Hearing Bundle…"), "Ctrl+Shift+H", window.make_bundle, case_menu)
    case_menu.addSeparator()
    window.delete_client_action = _action(window, tr("&Delete Client…"), "Ctrl+Shift+Del",
                                          window.delete_client, case_menu, "trash-2")

    toolbar = window.addToolBar(tr("Main"))
    toolbar.setObjectName("main_toolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for action in (window.dashboard_action, window.cases_action):
        toolbar.addAction(action)
    toolbar.addSeparator()
    for action in (window.new_client_action, window.import_action, window.export_action, window.save_action,
                   window.undo_action, window.redo_action):
        toolbar.addAction(action)

    help_menu = bar.addMenu(tr("&Help"))
    window.about_action = _action(window, tr("&About lawyer_desk"), None, window.show_about, help_menu, "info")
    window.about_action.setMenuRole(QAction.MenuRole.AboutRole)
