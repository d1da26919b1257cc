"""What the locked window shows: why it is locked, and the passphrase field that unlocks it.

Nothing of the cases: no name, no reference, no count. The store folder is named (it is the
lawyer's folder, and says which store the passphrase is for). The passphrase field, the
busy row and the inline message are those of the unlock dialog (``ui.unlock``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QPushButton, QStyle, QVBoxLayout, QWidget

from lawyer_desk.ui.icons import icon
from lawyer_desk.ui.unlock import _BusyRow, _folder_label, _Notice, _passphrase_field

PANEL_WIDTH_PX = 460


def tr(text: str) -> str:
    return QCoreApplication.translate("lock_screen", text)


def reason_text(reason: str, idle_minutes: int = 0) -> str:
    if reason == "idle":
        return (tr("Locked after 1 minute without use.") if idle_minutes == 1
                else tr("Locked after %1 minutes without use.").replace("%1", str(idle_minutes)))
    return {"screen": tr("Locked because the screen was locked."),
            "suspend": tr("Locked because the computer went to sleep."),
            }.get(reason, tr("Locked on request."))


class LockScreen(QWidget):
    """The central widget of the locked window. ``unlock_requested`` carries the passphrase typed."""

    unlock_requested = Signal(str)

    def __init__(self, folder: Path, reason: str, parent: QWidget | None = None, *, idle_minutes: int = 0) -> None:
        super().__init__(parent)
        self.setObjectName("lock_screen")
        panel = QFrame(self)
        panel.setObjectName("lock_panel")
        panel.setFixedWidth(PANEL_WIDTH_PX)
        emblem = QLabel(panel)
        emblem.setPixmap(icon("lock").pixmap(48, 48))
        emblem.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.headline = QLabel(tr("The desk is locked"), panel)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.reason = QLabel(reason_text(reason, idle_minutes), panel)
        self.reason.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.reason.setWordWrap(True)
        self.note = _Notice(panel, QStyle.StandardPixmap.SP_MessageBoxInformation)
        self.note.hide()
        self.passphrase = _passphrase_field(panel)
        self.passphrase.setAccessibleName(tr("Passphrase"))
        self.unlock_button = QPushButton(tr("&Unlock"), panel)
        self.unlock_button.setDefault(True)
        self.problem = _Notice(panel, QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.problem.hide()
        self.busy = _BusyRow(panel)
        form = QFormLayout()
        form.addRow(tr("Store folder:"), _folder_label(folder, panel))
        form.addRow(tr("&Passphrase:"), self.passphrase)
        column = QVBoxLayout(panel)
        column.addWidget(emblem)
        column.addWidget(self.headline)
        column.addWidget(self.reason)
        column.addSpacing(8)
        column.addWidget(self.note)
        column.addLayout(form)
        column.addWidget(self.problem)
        column.addWidget(self.busy)
        column.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignRight)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self._ready = False
        self._working = False
        self.passphrase.textChanged.connect(self._update)
        self.passphrase.returnPressed.connect(self._request)
        self.unlock_button.clicked.connect(self._request)
        self.set_ready(False)

    def set_note(self, text: str) -> None:
        """A line about what the lock did (edits saved or kept); empty hides it."""
        self.note.text.setText(text)
        self.note.setVisible(bool(text))

    def set_ready(self, ready: bool) -> None:
        """Unlocking is possible once the store is closed (background work may delay it)."""
        self._ready = ready
        if not ready:
            self.busy.label.setText(tr("Finishing background work…"))
            self.busy.bar.setRange(0, 0)
        self.busy.setVisible(not ready)
        self._update()

    def set_working(self, working: bool) -> None:
        """While the key is derived: the field and button wait, a busy bar shows."""
        self._working = working
        self.passphrase.setEnabled(not working)
        if working:
            self.problem.hide()
            self.busy.label.setText(tr("Unlocking… (this takes about a second)"))
            self.busy.bar.setRange(0, 0)
        self.busy.setVisible(working or not self._ready)
        self._update()

    def show_problem(self, text: str) -> None:
        self.problem.text.setText(text)
        self.problem.show()
        self.passphrase.clear()
        self.passphrase.setFocus()

    def _update(self, *_: object) -> None:
        self.unlock_button.setEnabled(self._ready and not self._working and bool(self.passphrase.text()))

    def _request(self) -> None:
        if self.unlock_button.isEnabled():
            self.unlock_requested.emit(self.passphrase.text())
