"""The About dialog: version, the versions of what the program runs on, and their licences.

The licence of each bundled library is declared in ``COMPONENTS`` rather than read from
package metadata at run time: a PyInstaller build may not carry the metadata, and a few
components (SQLCipher and OpenSSL, compiled into ``sqlcipher3``) have none. A test checks
the declaration against the installed metadata and against the program's runtime
dependencies, so a new or relicensed library cannot go unlisted.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lawyer_desk import __version__

PROGRAM_LICENCE = "GPL-3.0-or-later"


def tr(text: str) -> str:
    return QCoreApplication.translate("about", text)


@dataclass(frozen=True)
class Component:
    name: str
    distribution: str | None  # the installed package that carries it; None: compiled into another
    licence: str  # SPDX expression, as the package states it
    note: str = ""  # why it is there, or the licence under which we use a dual-licensed library


COMPONENTS: tuple[Component, ...] = (
    Component("Python", None, "PSF-2.0", "the language runtime"),
    Component("PySide6 (Qt for Python)", "pyside6-essentials", "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only",
              "used under LGPL-3.0"),
    Component("PySide6 PDF module", "pyside6-pdf", "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only",
              "used under LGPL-3.0"),
    Component("Shiboken6", "shiboken6", "LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only", "used under LGPL-3.0"),
    Component("SQLCipher", None, "BSD-3-Clause", "compiled into sqlcipher3"),
    Component("OpenSSL", None, "Apache-2.0", "compiled into sqlcipher3"),
    Component("sqlcipher3", "sqlcipher3", "Zlib", "derived from pysqlite"),
    Component("SQLAlchemy", "sqlalchemy", "MIT"),
    Component("SQLModel", "sqlmodel", "MIT"),
    Component("Alembic", "alembic", "MIT"),
    Component("Mako", "mako", "MIT"),
    Component("MarkupSafe", "markupsafe", "BSD-3-Clause"),
    Component("pydantic", "pydantic", "MIT"),
    Component("pydantic-core", "pydantic-core", "MIT"),
    Component("annotated-types", "annotated-types", "MIT"),
    Component("typing-inspection", "typing-inspection", "MIT"),
    Component("typing-extensions", "typing-extensions", "PSF-2.0"),
    Component("cryptography", "cryptography", "Apache-2.0 OR BSD-3-Clause"),
    Component("argon2-cffi", "argon2-cffi", "MIT"),
    Component("argon2-cffi-bindings", "argon2-cffi-bindings", "MIT"),
    Component("cffi", "cffi", "MIT-0"),
    Component("pycparser", "pycparser", "BSD-3-Clause"),
    Component("pycountry", "pycountry", "LGPL-2.1-only"),
    Component("anyascii", "anyascii", "ISC"),
    Component("platformdirs", "platformdirs", "MIT"),
    Component("filelock", "filelock", "MIT"),
    Component("tqdm", "tqdm", "MPL-2.0 AND MIT"),
    Component("python-dateutil", "python-dateutil", "BSD-3-Clause"),
    Component("tzdata", "tzdata", "Apache-2.0"),
    Component("holidays", "holidays", "MIT", "court calendars for deadline rules"),
    Component("icalendar", "icalendar", "BSD-2-Clause", "calendar export"),
    Component("pypdf", "pypdf", "BSD-3-Clause", "PDF text extraction and bundles"),
    Component("python-docx", "python-docx", "MIT", "text of Word documents for search"),
    Component("lxml", "lxml", "BSD-3-Clause", "bundles libxml2 and libxslt (MIT)"),
    Component("ReportLab", "reportlab", "BSD-3-Clause", "PDF briefs"),
    Component("rl-accel", "rl-accel", "BSD-3-Clause", "ReportLab's C accelerator"),
    Component("uharfbuzz", "uharfbuzz", "Apache-2.0", "bundles HarfBuzz (MIT); shapes Arabic script in PDFs"),
    Component("python-bidi", "python-bidi", "LGPL-3.0-or-later", "right-to-left order in PDFs"),
    Component("Pillow", "pillow", "MIT-CMU"),
    Component("charset-normalizer", "charset-normalizer", "MIT"),
)


def installed_version(distribution: str | None) -> str:
    if distribution is None:
        return ""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


def sqlcipher_version() -> str:
    """The SQLCipher library's version, from a throwaway in-memory connection (it holds no data)."""
    try:
        import sqlcipher3

        conn = sqlcipher3.connect(":memory:")
        try:
            row = conn.execute("PRAGMA cipher_version").fetchone()
        finally:
            conn.close()
        return f"{row[0]} (SQLite {sqlcipher3.sqlite_version})" if row and row[0] else ""
    except Exception:  # an About box must open whatever the library says
        return ""


def runtime_versions() -> list[tuple[str, str]]:
    """What the program runs on: (name, version) for the About box and for support."""
    return [
        ("lawyer_desk", __version__),
        ("Python", platform.python_version()),
        ("Qt", qVersion()),
        ("PySide6", pyside_version),
        ("SQLCipher", sqlcipher_version() or "?"),
        (tr("System"), f"{platform.system()} {platform.release()} ({platform.machine()})"),
    ]


def _component_version(component: Component) -> str:
    if component.name == "Python":
        return platform.python_version()
    if component.name == "SQLCipher":
        return sqlcipher_version().split(" ")[0]
    return installed_version(component.distribution)


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("About lawyer_desk"))
        title = QLabel("lawyer_desk", self)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        self.version_label = QLabel(tr("Version {version}").replace("{version}", __version__), self)
        summary = QLabel(tr("Encrypted, offline case files for lawyers defending people wanted through "
                            "INTERPOL alerts. It never opens a network connection."), self)
        summary.setWordWrap(True)
        licence = QLabel(tr("Free software under the GNU General Public License, version 3 or later."), self)
        licence.setWordWrap(True)

        versions = QFormLayout()
        versions.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, version in runtime_versions()[1:]:
            value = QLabel(version, self)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            versions.addRow(f"{name}:", value)

        self.licences = QTableWidget(len(COMPONENTS), 4, self)
        self.licences.setHorizontalHeaderLabels([tr("Component"), tr("Version"), tr("Licence"), tr("Note")])
        for row, component in enumerate(COMPONENTS):
            for column, text in enumerate((component.name, _component_version(component), component.licence,
                                           component.note)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.licences.setItem(row, column, item)
        self.licences.verticalHeader().hide()
        self.licences.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.licences.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.licences.setWordWrap(False)
        self.licences.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.licences.setCurrentCell(-1, -1)
        header = self.licences.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter)
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.licences.setMinimumHeight(220)

        fonts = QLabel(tr("Fonts: none are bundled yet; the system's fonts are used. Bundled fonts and their "
                          "licences will be listed here."), self)
        fonts.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton(tr("&Copy versions"), self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_versions)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.version_label)
        layout.addWidget(summary)
        layout.addWidget(licence)
        layout.addSpacing(6)
        layout.addLayout(versions)
        layout.addSpacing(6)
        layout.addWidget(QLabel(tr("Libraries bundled with the program:"), self))
        layout.addWidget(self.licences, 1)
        layout.addWidget(fonts)
        layout.addWidget(buttons)
        self.resize(720, 600)

    def versions_text(self) -> str:
        return "\n".join(f"{name}: {version}" for name, version in runtime_versions())

    def copy_versions(self) -> None:
        QGuiApplication.clipboard().setText(self.versions_text())

    @classmethod
    def show_about(cls, parent: QWidget | None = None) -> None:
        dialog = cls(parent)
        dialog.exec()
        dialog.deleteLater()
