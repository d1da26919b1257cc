"""Starting the desk: the application object, translations, the crash path, the store, the window.

``run_gui(folder)`` is what ``lawyer-desk`` without a command runs. Its steps are separate
functions so that tests run each one: ``make_application``, ``interface_locale``,
``install_translations``, ``open_or_create_store`` (first start: create; later: unlock) and
``show_main_window``.

Start-up order: the unlock (or create) dialog is painted first, before SQLAlchemy, the
models and the main window are imported (over a second on a 2-core machine); a ``Preload``
thread imports them while the person types the passphrase and the key is derived, and the
main window waits for it. This module therefore imports nothing heavy at its top.

Interface language: ``$LAWYER_DESK_LANG`` (for testing), else the ``language`` setting, else
the system's locale. Translations are ``resources/i18n/lawyer_desk_<locale>.qm``. The layout is
mirrored for a right-to-left language when a translation for it is loaded or when the
language was chosen explicitly; a system locale without a translation keeps the English
interface left-to-right, as English text laid out right-to-left would read badly.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, Qt, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

from lawyer_desk import __version__
from lawyer_desk.core import logs
from lawyer_desk.core.paths import StorePaths, resources_dir
from lawyer_desk.ui import crash, settings, tasks
from lawyer_desk.ui.unlock import CreateStoreDialog, UnlockDialog

if TYPE_CHECKING:
    from lawyer_desk.core.store import Store
    from lawyer_desk.ui.main_window import MainWindow

ENV_LANG = "LAWYER_DESK_LANG"
TRANSLATION_NAME = "lawyer_desk"
ORGANIZATION = "lawyer_desk"
APPLICATION = "lawyer-desk"
SHUTDOWN_WAIT_MS = 10_000
# What the main window needs, imported while the passphrase is typed (it imports the rest).
PRELOAD = ("lawyer_desk.core.store.store", "lawyer_desk.ui.main_window")


class Preload:
    """Imports ``modules`` on a thread of its own, started once the first window is painted.

    The core never creates Qt objects, and the ui modules only define classes at import, so
    importing them off the GUI thread is safe; ``wait`` is called before the GUI thread
    uses them. A failed import is left for the GUI thread to repeat, where it is reported.
    """

    def __init__(self, modules: Sequence[str] = PRELOAD) -> None:
        self.modules = tuple(modules)
        self._thread = threading.Thread(target=self._run, name="lawyer_desk-preload", daemon=True)

    def _run(self) -> None:
        for name in self.modules:
            try:
                importlib.import_module(name)
            except Exception:  # the GUI thread imports it again, and reports what fails
                return

    def start(self) -> None:
        if not self._thread.is_alive() and self._thread.ident is None:
            self._thread.start()

    def start_after_first_paint(self, app: QApplication) -> None:
        """Start when any window has painted for the first time (the unlock dialog)."""
        _AfterFirstPaint(app, self.start)

    def wait(self) -> None:
        if self._thread.ident is not None:
            self._thread.join()


class _AfterFirstPaint(QObject):
    """Calls ``then`` once, after the first paint of any widget has finished."""

    def __init__(self, app: QApplication, then: Callable[[], None]) -> None:
        super().__init__(app)
        self._app, self._then = app, then
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self._app.removeEventFilter(self)
            QTimer.singleShot(0, self._then)  # after this paint pass
        return False


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


def show_main_window(store: Store, preload: Preload | None = None) -> MainWindow:
    if preload is not None:
        preload.wait()
    from lawyer_desk.ui.main_window import MainWindow

    window = MainWindow(store)
    window.safety.backups.backup_on_close = True  # the day's backup when the desk closes (not in tests' windows)
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
    preload = Preload()
    preload.start_after_first_paint(app)
    store = open_or_create_store(Path(store_folder))
    if store is None:
        preload.wait()  # no import may be left running while the interpreter shuts down
        return 0
    settings.update(last_store_folder=str(Path(store_folder).resolve()))
    logs.to_store(store.paths.logs)
    try:
        window = show_main_window(store, preload)
        code = app.exec()
        del window
        return code
    finally:
        shut_down(store)
