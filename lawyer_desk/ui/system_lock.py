"""The operating system's screen lock and suspend, where the desk can learn of them.

``SystemLockSignals.lock_requested`` fires when the system locks the screen or is about to
sleep; ``session_lock`` locks the desk on it. What is detected:

* **Linux** (D-Bus, through QtDBus; silently nothing when there is no bus):
  system bus — ``org.freedesktop.login1.Manager.PrepareForSleep(true)`` (suspend, hibernate)
  and ``org.freedesktop.login1.Session.Lock`` (``loginctl lock-session``, most desktops'
  lock); session bus — ``ActiveChanged(true)`` of ``org.freedesktop.ScreenSaver`` (KDE, Xfce,
  LXQt, …) and of ``org.gnome.ScreenSaver`` (GNOME, Cinnamon). Signals are matched from any
  sender and object path: a lock of another session on the machine also locks the desk,
  which errs on the safe side. Only local (``unix:``) bus addresses are used, and a session
  bus is never started for us (no autolaunch).
* **Windows**: ``WM_WTSSESSION_CHANGE`` with ``WTS_SESSION_LOCK`` (Win+L, the lock screen,
  switching user; registered with ``WTSRegisterSessionNotification``) and
  ``WM_POWERBROADCAST`` with ``PBT_APMSUSPEND`` (sleep), through a native event filter.
* **macOS**: nothing — Qt offers no screen-lock or sleep notification, and the desk does not
  bring a bridge to the Objective-C runtime for it. There, as everywhere, the idle timer
  locks, and ``idle_watch`` locks after a suspend as soon as the machine wakes.

``QGuiApplication.applicationStateChanged`` is deliberately not used: another window coming
to the front is not a lock. Each slot can be called directly (tests do).
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

from PySide6.QtCore import SLOT, QAbstractNativeEventFilter, QCoreApplication, QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

LOGIN1_MANAGER = "org.freedesktop.login1.Manager"
LOGIN1_SESSION = "org.freedesktop.login1.Session"
SCREENSAVERS = ("org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver")
SYSTEM_BUS_SOCKETS = (Path("/run/dbus/system_bus_socket"), Path("/var/run/dbus/system_bus_socket"))

# Windows messages
WM_WTSSESSION_CHANGE = 0x02B1
WTS_SESSION_LOCK = 0x7
WM_POWERBROADCAST = 0x0218
PBT_APMSUSPEND = 0x0004
NOTIFY_FOR_THIS_SESSION = 0


class SystemLockSignals(QObject):
    lock_requested = Signal(str)  # "screen" or "suspend"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.watching: list[str] = []  # what is connected, for the log and the tests
        self._native: _WindowsFilter | None = None

    # -- the slots, one per kind of signal -------------------------------------------------
    @Slot(bool)
    def prepare_for_sleep(self, sleeping: bool) -> None:
        if sleeping:
            self.lock_requested.emit("suspend")

    @Slot()
    def session_locked(self) -> None:
        self.lock_requested.emit("screen")

    @Slot(bool)
    def screen_saver_active(self, active: bool) -> None:
        if active:
            self.lock_requested.emit("screen")

    # -- connecting ------------------------------------------------------------------------
    def connect_system(self, window: QWidget | None = None) -> list[str]:
        """Connect whatever this platform offers; the names of what is watched."""
        if sys.platform.startswith("linux") or "bsd" in sys.platform:
            self.connect_dbus()
        elif sys.platform == "win32" and window is not None:
            self._connect_windows(window)
        return self.watching

    def connect_dbus(self, system: object | None = None, session: object | None = None) -> list[str]:
        """Connect to the D-Bus signals (``system``/``session``: QDBusConnection objects, for tests)."""
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:  # a build without QtDBus
            return self.watching
        if system is None and _system_bus_is_local():
            system = QDBusConnection.systemBus()
        if session is None and _session_bus_is_local():
            session = QDBusConnection.sessionBus()
        wanted = [(system, LOGIN1_MANAGER, "PrepareForSleep", SLOT("prepare_for_sleep(bool)")),
                  (system, LOGIN1_SESSION, "Lock", SLOT("session_locked()"))]
        wanted += [(session, name, "ActiveChanged", SLOT("screen_saver_active(bool)")) for name in SCREENSAVERS]
        for bus, interface, member, slot in wanted:
            if bus is not None and bus.isConnected() and bus.connect("", "", interface, member, self, slot):
                self.watching.append(f"{interface}.{member}")
        return self.watching

    def _connect_windows(self, window: QWidget) -> None:
        app = QCoreApplication.instance()
        if app is None:
            return
        self._native = _WindowsFilter(self)
        app.installNativeEventFilter(self._native)
        self.watching.append("WM_POWERBROADCAST")
        try:
            registered = ctypes.windll.wtsapi32.WTSRegisterSessionNotification(  # type: ignore[attr-defined]
                ctypes.c_void_p(int(window.winId())), NOTIFY_FOR_THIS_SESSION)
        except (AttributeError, OSError):
            registered = False
        if registered:
            self.watching.append("WM_WTSSESSION_CHANGE")


def _system_bus_is_local() -> bool:
    address = os.environ.get("DBUS_SYSTEM_BUS_ADDRESS")
    if address:
        return address.startswith("unix:")
    return any(path.exists() for path in SYSTEM_BUS_SOCKETS)


def _session_bus_is_local() -> bool:
    return os.environ.get("DBUS_SESSION_BUS_ADDRESS", "").startswith("unix:")


class _Msg(ctypes.Structure):
    """The head of a Windows ``MSG`` (hwnd, message, wParam, lParam)."""

    _fields_ = (("hwnd", ctypes.c_void_p), ("message", ctypes.c_uint), ("wParam", ctypes.c_size_t),
                ("lParam", ctypes.c_ssize_t))


def windows_lock_reason(event_type: bytes, message: int) -> str | None:
    """"screen" or "suspend" for the Windows messages that mean so; None for any other."""
    if bytes(event_type) != b"windows_generic_MSG" or not message:
        return None
    msg = _Msg.from_address(int(message))
    if msg.message == WM_WTSSESSION_CHANGE and msg.wParam == WTS_SESSION_LOCK:
        return "screen"
    if msg.message == WM_POWERBROADCAST and msg.wParam == PBT_APMSUSPEND:
        return "suspend"
    return None


class _WindowsFilter(QAbstractNativeEventFilter):
    def __init__(self, signals: SystemLockSignals) -> None:
        super().__init__()
        self._signals = signals

    def nativeEventFilter(self, eventType: object, message: int) -> object:
        reason = windows_lock_reason(bytes(eventType), message)  # type: ignore[call-overload]
        if reason is not None:
            self._signals.lock_requested.emit(reason)
        return False, 0
