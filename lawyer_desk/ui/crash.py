"""The crash path: an unexpected exception is written to a file and shown, without client data.

``install()`` sets ``sys.excepthook`` and ``threading.excepthook``. On an exception nobody
handled, the hook writes a report to the log folder (per-user, or ``$LAWYER_DESK_LOG_DIR``)
and shows it in a dialog through ``alerts.error``, with the report as copyable details.

The report holds code locations only: file, line and function of each frame (the version
at the top finds the source), and the exception's type. Never the exception's message and never local variables — both
can hold a client's name, charges or a file name (see ``core.logs``). An exception raised
on another thread is shown on the GUI thread. ``LAWYER_DESK_NO_CRASH_DIALOG=1`` (or
``install(show_dialog=False)``) writes the report without the dialog: for tests and scripted
runs.
"""

from __future__ import annotations

import errno
import logging
import os
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot, qVersion

from lawyer_desk import __version__
from lawyer_desk.core import logs
from lawyer_desk.core.paths import APP_NAME
from lawyer_desk.ui import alerts

ENV_LOG_DIR = "LAWYER_DESK_LOG_DIR"
ENV_NO_DIALOG = "LAWYER_DESK_NO_CRASH_DIALOG"
KEEP_REPORTS = 20
_log = logging.getLogger("lawyer_desk.crash")
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]

type ExcHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def tr(text: str) -> str:
    return QCoreApplication.translate("crash", text)


def log_dir() -> Path:
    env = os.environ.get(ENV_LOG_DIR)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def _short_path(filename: str) -> str:
    """The file's path from its package on, so the report does not name the user's folders."""
    path = Path(filename)
    parts = path.parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            return "/".join(parts[parts.index(marker) + 1:])
    try:
        return path.resolve().relative_to(_PACKAGE_ROOT).as_posix()
    except (ValueError, OSError):
        return path.name


def _type_name(exc: BaseException) -> str:
    cls = type(exc)
    name = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    code = getattr(exc, "errno", None)
    if isinstance(code, int) and code in errno.errorcode:
        name += f" [{errno.errorcode[code]}]"  # the error code, not the message (which names the file)
    return name


def sanitised_report(exc: BaseException) -> str:
    """The crash report: versions, then each exception of the chain as type and code locations."""
    lines = [
        f"lawyer_desk {__version__}; Python {platform.python_version()}; Qt {qVersion()}; "
        f"PySide6 {pyside_version}; {platform.system()} {platform.release()} {platform.machine()}",
        f"time: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"thread: {'GUI' if _on_gui_thread() else threading.current_thread().name}",
        "",
    ]
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    for index, item in enumerate(reversed(chain)):
        if index:
            lines.append("")
            lines.append("which led to:")
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(item.__traceback__):
            lines.append(f'  File "{_short_path(frame.filename)}", line {frame.lineno}, in {frame.name}')
        lines.append(_type_name(item) + " (message left out: it may hold client data)")
    return "\n".join(lines) + "\n"


def write_report(text: str) -> Path | None:
    """Write a report to the log folder (keeping the newest few); None when it cannot be written."""
    folder = log_dir()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{stamp}-{os.getpid()}.txt"
        path.write_text(text, encoding="utf-8")
        for old in sorted(folder.glob("crash-*.txt"))[:-KEEP_REPORTS]:
            old.unlink(missing_ok=True)
    except OSError:
        return None
    return path


def _on_gui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


def dialog_enabled() -> bool:
    return _show_dialog and os.environ.get(ENV_NO_DIALOG, "") not in ("1", "true", "yes")


def show_report(report: str, path: Path | None) -> None:
    """The crash dialog (through ``alerts``, so tests patch it like every other box)."""
    where = str(path) if path else tr("(the report could not be written to the log folder)")
    alerts.error(
        None,
        tr("lawyer_desk met an unexpected error"),
        tr("Something went wrong inside the program. Every action you completed before this point is "
           "saved in the store; the one in progress may not have been.\n\n"
           "A report was written to:\n{path}\n\n"
           "It holds only where in the program the error happened, no client data. You can copy it "
           "from the details below and send it to whoever supports your installation. If the program "
           "behaves strangely now, close it and open it again.").replace("{path}", where),
        report,
    )


class _GuiThreadRelay(QObject):
    """Carries a report from any thread to the GUI thread, where the dialog may be shown."""

    reported = Signal(str, str)

    def __init__(self) -> None:
        super().__init__()
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    @Slot(str, str)
    def _show(self, report: str, path: str) -> None:
        _show_guarded(report, Path(path) if path else None)


_show_dialog = True
_showing = False
_relay: _GuiThreadRelay | None = None
_previous: tuple[ExcHook, Callable[[threading.ExceptHookArgs], object]] | None = None


def _show_guarded(report: str, path: Path | None) -> None:
    global _showing  # noqa: PLW0603
    if _showing:  # an error while the crash dialog is up: the report is written, one dialog is enough
        return
    _showing = True
    try:
        show_report(report, path)
    except Exception:  # the dialog itself failed: the report on disk has to do
        _log.exception("the crash dialog failed")
    finally:
        _showing = False


def handle(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """The excepthook: report an exception nobody handled."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    try:
        report = sanitised_report(exc)
    except Exception:  # never let the crash path crash
        report = f"lawyer_desk {__version__}: {exc_type.__name__} (the report could not be made)\n"
    path = write_report(report)
    logs.record_crash(exc)
    if not dialog_enabled() or QCoreApplication.instance() is None:
        return
    if _on_gui_thread():
        _show_guarded(report, path)
    elif _relay is not None:
        _relay.reported.emit(report, str(path) if path else "")


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        handle(args.exc_type, args.exc_value, args.exc_traceback)


def install(*, show_dialog: bool = True) -> None:
    """Route every unhandled exception here; call after the QApplication exists."""
    global _previous, _relay, _show_dialog  # noqa: PLW0603
    _show_dialog = show_dialog
    if _previous is None:
        _previous = (sys.excepthook, threading.excepthook)
    if _relay is None and QCoreApplication.instance() is not None:
        _relay = _GuiThreadRelay()
    sys.excepthook = handle
    threading.excepthook = _thread_hook


def uninstall() -> None:
    """Put back the hooks that were there before ``install``."""
    global _previous, _relay  # noqa: PLW0603
    if _previous is not None:
        sys.excepthook, threading.excepthook = _previous
        _previous = None
    if _relay is not None:
        _relay.deleteLater()
        _relay = None
