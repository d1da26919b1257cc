"""Opening the desk: create a store on first start, unlock it afterwards.

Both dialogs derive the key (Argon2id, about a second) on a worker thread through
``ui.tasks``, and open the ``Store`` on the GUI thread: the store's writer lock belongs to
the thread that takes it, and the GUI thread is the one that will close the store.

``UnlockDialog.get_store(parent, folder)`` and ``CreateStoreDialog.get_store(parent, folder)``
return ``(store, True)`` or ``(None, False)``; tests patch these classmethods, or drive the
real dialogs. A wrong passphrase keeps the unlock dialog open with a message under the field;
any other failure is shown through ``alerts.error_for`` and the dialog gives up. Nothing on
disk is modified by a failed attempt. The passphrase is never logged or saved.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QCloseEvent, QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from lawyer_desk.core.errors import DamagedDatabase, DamagedHeader, LawyerDeskError, WrongPassphrase
from lawyer_desk.core.store import KdfParams
from lawyer_desk.core.store.keyheader import KeyHeader
from lawyer_desk.ui import alerts, tasks

if TYPE_CHECKING:
    from lawyer_desk.core.store import Store

MIN_PASSPHRASE = 8  # the command line's minimum too (cli.MIN_PASSPHRASE)
FOLDER_WIDTH_PX = 360
DIALOG_WIDTH_PX = 500


def tr(text: str) -> str:
    return QCoreApplication.translate("unlock", text)


# The store module brings SQLAlchemy and the models: imported when first needed, so that this
# dialog is painted without them (``app`` imports them in the background meanwhile).
def unlock(root: Path, passphrase: str) -> tuple[KeyHeader, bytes]:
    from lawyer_desk.core.store import unlock as unlock_store

    return unlock_store(root, passphrase)


def _store_class() -> type[Store]:
    from lawyer_desk.core.store import Store

    return Store


# --- the strength hint ------------------------------------------------------------------------
def passphrase_strength(text: str) -> tuple[int, str]:
    """A rough, honest hint from length and variety: (0 too short … 3 good, sentence).

    It does not pretend to measure guessability (a dictionary word padded with digits looks
    varied); it nudges towards length, which is what protects a passphrase.
    """
    length = len(text)
    if length < MIN_PASSPHRASE:
        return 0, tr("Too short: use at least {n} characters.").replace("{n}", str(MIN_PASSPHRASE))
    distinct = len(set(text.casefold()))
    kinds = sum((
        any(c.islower() for c in text),
        any(c.isupper() for c in text),
        any(c.isdigit() for c in text),
        any(not c.isalnum() for c in text),
        any(ord(c) > 127 and unicodedata.category(c).startswith("L") for c in text),
    ))
    words = len(text.split())
    if distinct < 5:
        return 1, tr("Weak: too many repeated characters.")
    if length >= 20 or (words >= 4 and length >= 16):
        return 3, tr("Good: a long passphrase is the best protection.")
    if length >= 14 or (length >= 10 and kinds >= 3):
        return 2, tr("Fair: a few more words would make it much harder to guess.")
    return 1, tr("Weak: longer is better. Four or five unrelated words are easy to remember "
                 "and hard to guess.")


STRENGTH_NAMES = ("too short", "weak", "fair", "good")


# --- pieces shared by both dialogs ----------------------------------------------------------
def _folder_label(folder: Path, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    text = str(folder)
    label.setText(QFontMetrics(label.font()).elidedText(text, Qt.TextElideMode.ElideMiddle, FOLDER_WIDTH_PX))
    label.setToolTip(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _icon_label(parent: QWidget, icon: QStyle.StandardPixmap) -> QLabel:
    label = QLabel(parent)
    size = parent.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
    label.setPixmap(parent.style().standardIcon(icon).pixmap(size, size))
    label.setAlignment(Qt.AlignmentFlag.AlignTop)
    return label


class _Notice(QFrame):
    """An icon and a wrapped sentence: the warning about lost passphrases, or the inline error."""

    def __init__(self, parent: QWidget, icon: QStyle.StandardPixmap, text: str = "") -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.icon = _icon_label(self, icon)
        self.text = QLabel(text, self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)


class _BusyRow(QWidget):
    """A label and a progress bar, shown while the key is derived."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.hide()

    def show_progress(self, done: int, total: int, label: str) -> None:
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        if label:
            self.label.setText(label)


def _passphrase_field(parent: QWidget) -> QLineEdit:
    field = QLineEdit(parent)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText
                              | Qt.InputMethodHint.ImhHiddenText)
    field.setMinimumWidth(280)
    return field


def _report_failure(parent: QWidget, exc: BaseException) -> None:
    """A failure other than a wrong passphrase: its own dialog, or the crash path for a bug."""
    if isinstance(exc, LawyerDeskError):
        alerts.error_for(parent, exc)
    elif isinstance(exc, OSError):
        alerts.error(parent, tr("The store cannot be read"),
                     tr("The files of the store cannot be read or written. Nothing was changed. "
                        "Check that the folder is still there (a removed disk?) and that you may use it."),
                     exc.strerror or type(exc).__name__)
    else:
        sys.excepthook(type(exc), exc, exc.__traceback__)


class _KeyDialog(QDialog):
    """Common ground: a task deriving the key, then the store opened on the GUI thread."""

    def __init__(self, folder: Path, parent: QWidget | None, runner: tasks.TaskRunner | None) -> None:
        super().__init__(parent)
        self.folder = Path(folder)
        self.store: Store | None = None
        self._runner = runner
        self._task: tasks.Task | None = None
        self._abandoned = False  # closed while the key was derived: its result opens nothing
        self.busy = _BusyRow(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.cancel_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._start)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(DIALOG_WIDTH_PX)

    @property
    def working(self) -> bool:
        return self._task is not None and self._task.running

    def _inputs(self) -> list[QWidget]:
        raise NotImplementedError

    def _start(self) -> None:
        raise NotImplementedError

    def _run(self, fn: Callable[[tasks.Progress], tuple[KeyHeader, bytes]], label: str) -> None:
        for widget in self._inputs():
            widget.setEnabled(False)
        self.ok_button.setEnabled(False)
        self.busy.label.setText(label)
        self.busy.bar.setRange(0, 0)
        self.busy.show()
        runner = self._runner or tasks.current_runner()
        self._task = runner.run(fn, on_done=self._key_ready, on_error=self._failed,
                                on_progress=self.busy.show_progress)

    def _stop_working(self) -> None:
        self.busy.hide()
        for widget in self._inputs():
            widget.setEnabled(True)

    def _key_ready(self, key: tuple[KeyHeader, bytes]) -> None:
        if self._abandoned:
            return
        header, data_key = key
        try:
            self.store = _store_class().open_with_key(self.folder, header, data_key)
        except Exception as exc:
            self._failed(exc)
            return
        self.busy.hide()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if self._abandoned:
            return
        self._stop_working()
        _report_failure(self, exc)
        self.reject()

    def reject(self) -> None:
        if self._task is not None and self._task.running:
            self._task.cancel()
            self._abandoned = True
        super().reject()


# --- first start: create a store -------------------------------------------------------------
class CreateStoreDialog(_KeyDialog):
    """A new store: the passphrase twice, a strength hint, and the warning that it cannot be recovered."""

    def __init__(self, folder: Path, parent: QWidget | None = None, *, runner: tasks.TaskRunner | None = None,
                 kdf: KdfParams | None = None) -> None:
        super().__init__(folder, parent, runner)
        self._kdf = kdf
        self.setWindowTitle(tr("Create a store — lawyer_desk"))
        intro = QLabel(tr("Your case files will be kept in a new, encrypted store. Choose the passphrase "
                          "that will open it."), self)
        intro.setWordWrap(True)
        self.passphrase = _passphrase_field(self)
        self.repeat = _passphrase_field(self)
        self.show_text = QCheckBox(tr("Show the passphrase"), self)
        self.strength = _Notice(self, QStyle.StandardPixmap.SP_MessageBoxInformation)
        self.mismatch = _Notice(self, QStyle.StandardPixmap.SP_MessageBoxWarning, tr("The two passphrases differ."))
        self.warning = _Notice(self, QStyle.StandardPixmap.SP_MessageBoxWarning, tr(
            "A lost passphrase cannot be recovered. Without it nobody can open this store: not you, "
            "not a colleague, not the makers of this program. Write it down and keep it somewhere safe, "
            "away from this computer."))
        form = QFormLayout()
        form.addRow(tr("Store folder:"), _folder_label(self.folder, self))
        form.addRow(tr("&Passphrase:"), self.passphrase)
        form.addRow(tr("&Repeat it:"), self.repeat)
        form.addRow("", self.show_text)
        self.ok_button.setText(tr("&Create store"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        # Under the form, not in it: QFormLayout sizes a wrapped label for one line too many.
        layout.addWidget(self.strength)
        layout.addWidget(self.mismatch)
        layout.addSpacing(6)
        layout.addWidget(self.warning)
        layout.addWidget(self.busy)
        layout.addStretch(1)  # spare height goes here, not between the lines of text
        layout.addWidget(self.buttons)
        self.passphrase.textChanged.connect(self._check)
        self.repeat.textChanged.connect(self._check)
        self.show_text.toggled.connect(self._show_text)
        self._check()
        self.passphrase.setFocus()

    @classmethod
    def get_store(cls, parent: QWidget | None, folder: Path, *, runner: tasks.TaskRunner | None = None,
                  kdf: KdfParams | None = None) -> tuple[Store | None, bool]:
        dialog = cls(folder, parent, runner=runner, kdf=kdf)
        ok = dialog.exec() == QDialog.DialogCode.Accepted and dialog.store is not None
        store = dialog.store if ok else None
        dialog.deleteLater()
        return store, ok

    def _inputs(self) -> list[QWidget]:
        return [self.passphrase, self.repeat, self.show_text]

    def acceptable(self) -> bool:
        first = self.passphrase.text()
        return len(first) >= MIN_PASSPHRASE and first == self.repeat.text()

    def _check(self) -> None:
        first, second = self.passphrase.text(), self.repeat.text()
        level, hint = passphrase_strength(first)
        self.strength.text.setText(hint if first else tr("At least {n} characters; a few unrelated words are best.")
                                   .replace("{n}", str(MIN_PASSPHRASE)))
        self.strength.text.setAccessibleDescription(STRENGTH_NAMES[level])
        differ = bool(second) and first != second and not first.startswith(second)
        self.mismatch.setVisible(differ)
        self.ok_button.setEnabled(self.acceptable() and not self.working)

    def _show_text(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.passphrase.setEchoMode(mode)
        self.repeat.setEchoMode(mode)

    def _start(self) -> None:
        if not self.acceptable() or self.working:
            return
        passphrase, folder, kdf = self.passphrase.text(), self.folder, self._kdf
        measuring, creating, opening = (tr("Measuring this computer to set the key strength…"),
                                        tr("Creating the encrypted store…"), tr("Opening the store…"))

        def create(progress: tasks.Progress) -> tuple[KeyHeader, bytes]:
            progress.report(0, 3, measuring)
            params = kdf or KdfParams.calibrated()
            progress.report(1, 3, creating)
            # Made and closed on this thread (its lock is this thread's), then opened again on
            # the GUI thread with the key unwrapped here: one more derivation, off the GUI thread.
            _store_class().create(folder, passphrase, params).close()
            progress.report(2, 3, opening)
            return unlock(folder, passphrase)

        self.cancel_button.setEnabled(False)  # once started, the store is made whole or not at all
        self._run(create, measuring)

    def _stop_working(self) -> None:
        super()._stop_working()
        self.cancel_button.setEnabled(True)
        self._check()

    def reject(self) -> None:
        if not self.working:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.working:
            event.ignore()
            return
        super().closeEvent(event)


# --- every later start: unlock ---------------------------------------------------------------
class UnlockDialog(_KeyDialog):
    """The passphrase for an existing store; a wrong one is said under the field, and may be retried."""

    def __init__(self, folder: Path, parent: QWidget | None = None, *,
                 runner: tasks.TaskRunner | None = None) -> None:
        super().__init__(folder, parent, runner)
        self._tried = ""
        self.setWindowTitle(tr("Unlock the store — lawyer_desk"))
        self.passphrase = _passphrase_field(self)
        self.problem = _Notice(self, QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.problem.hide()
        form = QFormLayout()
        form.addRow(tr("Store folder:"), _folder_label(self.folder, self))
        form.addRow(tr("&Passphrase:"), self.passphrase)
        self.ok_button.setText(tr("&Unlock"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.passphrase.textChanged.connect(self._check)
        self._check()
        self.passphrase.setFocus()

    @classmethod
    def get_store(cls, parent: QWidget | None, folder: Path, *,
                  runner: tasks.TaskRunner | None = None) -> tuple[Store | None, bool]:
        dialog = cls(folder, parent, runner=runner)
        ok = dialog.exec() == QDialog.DialogCode.Accepted and dialog.store is not None
        store = dialog.store if ok else None
        dialog.deleteLater()
        return store, ok

    def _inputs(self) -> list[QWidget]:
        return [self.passphrase]

    def _check(self) -> None:
        self.ok_button.setEnabled(bool(self.passphrase.text()) and not self.working)

    def _start(self) -> None:
        passphrase, folder = self.passphrase.text(), self.folder
        if not passphrase or self.working:
            return
        self.problem.hide()
        self._tried = passphrase  # kept only until this attempt ends: a damaged store needs it to recover

        def derive(progress: tasks.Progress) -> tuple[KeyHeader, bytes]:
            return unlock(folder, passphrase)

        self._run(derive, tr("Unlocking… (this takes about a second)"))

    def _stop_working(self) -> None:
        super()._stop_working()
        self._check()

    def _key_ready(self, key: tuple[KeyHeader, bytes]) -> None:
        super()._key_ready(key)
        if self.store is not None:
            self._tried = ""

    def _failed(self, exc: BaseException) -> None:
        tried, self._tried = self._tried, ""
        if isinstance(exc, DamagedHeader | DamagedDatabase) and tried and not self._abandoned:
            # The damaged store's newest good backup is offered (ui.recovery_dialog).
            from lawyer_desk.ui.recovery_dialog import offer

            self._stop_working()
            store, offered = offer(self, self.folder, tried, exc, runner=self._runner)
            if offered:
                self.store = store
                if store is not None:
                    self.accept()
                else:
                    self.reject()
                return
        if isinstance(exc, WrongPassphrase) and not self._abandoned:
            self._stop_working()
            self.passphrase.clear()
            self.problem.text.setText(tr("The passphrase is wrong. Nothing was changed; type it again."))
            self.problem.show()
            self.passphrase.setFocus()
            return
        super()._failed(exc)
