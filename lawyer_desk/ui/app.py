"""Starting the desk: the application object, translations, the crash path, the store, the window.

``run_gui(folder)`` is what ``lawyer-desk`` without a command runs. Its steps are separate
functions so that tests run each one: ``make_application``, ``interface_locale``,
``install_translations``, ``open_or_create_store`` (first start: create; later: unlock) and
``show_main_window``.

Interface language: ``$LAWYER_DESK_LANG`` (for testing), else the ``language`` setting, else
the system's locale. Translations are ``resources/i18n/lawyer_desk_<locale>.qm``. The layout is
mirrored for a right-to-left language when a translation for it is loaded or when the
language was chosen explicitly; a system locale without a translation keeps the English
interface left-to-right, as English text laid out right-to-left would read badly.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

from lawyer_desk import __version__
from lawyer_desk.core import logs
from lawyer_desk.core.paths import StorePaths, resources_dir
from lawyer_desk.core.store import Store
from lawyer_desk.ui import crash, settings, tasks
from lawyer_desk.ui.main_window import MainWindow
from lawyer_desk.ui.unlock import CreateStoreDialog, UnlockDialog

ENV_LANG = "LAWYER_DESK_LANG"
TRANSLATION_NAME = "lawyer_desk"
ORGANIZATION = "lawyer_desk"
APPLICATION = "lawyer-desk"
SHUTDOWN_WAIT_MS = 10_000


def i18n_dir() -> Path:
    return resources_dir() / "i18n"


def make_application(argv: list[str] | None = None) -> QApplication:
    """The application object, named and versioned (made once; later calls return it)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or [sys.argv[0]])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("lawyer_desk")
    app.setApplicationVersion(__version__)
    app.setQuitOnLastWindowClosed(True)
    return app


def interface_locale(preference: str = "") -> tuple[QLocale, bool]:
    """The interface language, and whether it was chosen explicitly (not the system's)."""
    chosen = os.environ.get(ENV_LANG) or preference
    if chosen:
        return QLocale(chosen), True
    return QLocale.system(), False


def install_translations(app: QApplication, locale: QLocale, *, explicit: bool = False) -> list[QTranslator]:
    """Load our translation for ``locale`` (and then Qt's own, for its standard buttons), set the
    default locale and the layout direction. Returns the translators installed."""
    installed: list[QTranslator] = []
    ours = QTranslator(app)
    if ours.load(locale, TRANSLATION_NAME, "_", str(i18n_dir())):
        app.installTranslator(ours)
        installed.append(ours)
        # Qt's translation only with ours: Arabic buttons under English text would be worse than none.
        qt_own = QTranslator(app)
        if qt_own.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            app.installTranslator(qt_own)
            installed.append(qt_own)
    QLocale.setDefault(locale)
    right_to_left = locale.textDirection() == Qt.LayoutDirection.RightToLeft and (bool(installed) or explicit)
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if right_to_left else Qt.LayoutDirection.LeftToRight)
    return installed


def store_exists(folder: Path) -> bool:
    """Any part of a store is there: then it is unlocked (and a damaged one reported), never replaced."""
    paths = StorePaths(Path(folder))
    return any(p.exists() for p in (paths.keyheader, paths.keyheader_spare, paths.database))


def open_or_create_store(folder: Path, parent: QWidget | None = None, *,
                         runner: tasks.TaskRunner | None = None) -> Store | None:
    """First start: create a store in ``folder``; afterwards: unlock it. None when the lawyer gave up."""
    if store_exists(folder):
        store, ok = UnlockDialog.get_store(parent, folder, runner=runner)
    else:
        store, ok = CreateStoreDialog.get_store(parent, folder, runner=runner)
    return store if ok else None


def show_main_window(store: Store) -> MainWindow:
    window = MainWindow(store)
    window.show()
    return window


def shut_down(store: Store) -> None:
    """Stop background work, then close the store (its lock belongs to this, the GUI, thread)."""
    runner = tasks.current_runner()
    runner.cancel_all()
    runner.wait(SHUTDOWN_WAIT_MS)
    store.close()


def run_gui(store_folder: Path) -> int:
    """The desk, from start to exit; the exit code."""
    app = make_application()
    preferences = settings.load()
    locale, explicit = interface_locale(preferences.language)
    install_translations(app, locale, explicit=explicit)
    crash.install()
    store = open_or_create_store(Path(store_folder))
    if store is None:
        return 0
    settings.update(last_store_folder=str(Path(store_folder).resolve()))
    logs.to_store(store.paths.logs)
    try:
        window = show_main_window(store)
        code = app.exec()
        del window
        return code
    finally:
        shut_down(store)
