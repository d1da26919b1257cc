"""Icons from the bundled set (``resources/icons``), drawn in the palette's text colour."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QGuiApplication, QIcon, QPalette, QPixmap

from lawyer_desk.core.paths import resources_dir


@cache
def _svg(name: str) -> bytes:
    return (resources_dir() / "icons" / f"{name}.svg").read_bytes()


def icon(name: str) -> QIcon:
    """The icon ``name`` (a file name in resources/icons without .svg); empty if missing."""
    try:
        svg = _svg(name)
    except OSError:
        return QIcon()
    app = QGuiApplication.instance()
    colour = app.palette().color(QPalette.ColorRole.WindowText).name() if app else "#202020"
    pixmap = QPixmap()
    pixmap.loadFromData(QByteArray(svg.replace(b"currentColor", colour.encode())), "SVG")
    return QIcon(pixmap)
