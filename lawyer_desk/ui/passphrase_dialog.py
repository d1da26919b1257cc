"""File ▸ Change Passphrase…: the current passphrase, the new one twice, and a strength hint.

The change (``core.store.passphrase.change_passphrase``) runs off the GUI thread: it derives
the key from the current passphrase (which must open the store: whoever finds the desk
unlocked cannot change it), measures this computer, seals the data key under the new one and
writes both copies of the key header. Only the data key is rewrapped; the database and the
evidence are not touched, and a crash at any moment leaves a store that opens with the old or
the new passphrase. Cancel stops the change until the key header is being written.

A wrong current passphrase is said under its field, and the dialog stays open. Backups made
before the change keep opening with the passphrase of their time; the dialog says so.
``ChangePassphraseDialog.change(parent, store)`` returns ``(header, ok)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from lawyer_desk.core.errors import InvalidInput, WrongPassphrase
from lawyer_desk.core.store import KdfParams
from lawyer_desk.ui import tasks
from lawyer_desk.ui.unlock import (
    DIALOG_WIDTH_PX,
    MIN_PASSPHRASE,
    STRENGTH_NAMES,
    _BusyRow,
    _Notice,
    _passphrase_field,
    _report_failure,
    passphrase_strength,
)

if TYPE_CHECKING:
    from lawyer_desk.core.store import Store
    from lawyer_desk.core.store.keyheader import KeyHeader


def tr(text: str) -> str:
    return QCoreApplication.translate("passphrase_dialog", text)


class ChangePassphraseDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None, *, runner: tasks.TaskRunner | None = None,
                 kdf: KdfParams | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.header: KeyHeader | None = None
        self._runner, self._kdf = runner, kdf
        self._task: tasks.Task | None = None
        self.setWindowTitle(tr("Change the passphrase — lawyer_desk"))
        self.setMinimumWidth(DIALOG_WIDTH_PX)
        intro = QLabel(tr("The new passphrase will open this store from now on. Backups made before the change "
                          "still open with the passphrase of their time."), self)
        intro.setWordWrap(True)
        self.current = _passphrase_field(self)
        self.new = _passphrase_field(self)
        self.repeat = _passphrase_field(self)
        self.show_text = QCheckBox(tr("Show the passphrases"), self)
        self.strength = _Notice(self, QStyle.StandardPixmap.SP_MessageBoxInformation)
        self.mismatch = _Notice(self, QStyle.StandardPixmap.SP_MessageBoxWarning, tr("The two new passphrases differ."))
        self.problem = _Notice(self, QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.problem.hide()
        self.warning = _Notice(self, QStyle.StandardPixmap.SP_MessageBoxWarning, tr(
            "A lost passphrase cannot be recovered, by anyone. Write the new one down and keep it somewhere "
            "safe, away from this computer."))
        self.busy = _BusyRow(self)
        form = QFormLayout()
        form.addRow(tr("&Current passphrase:"), self.current)
        form.addRow(tr("&New passphrase:"), self.new)
        form.addRow(tr("&Repeat the new one:"), self.repeat)
        form.addRow("", self.show_text)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("&Change Passphrase"))
        self.buttons.accepted.connect(self._start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.strength)
        layout.addWidget(self.mismatch)
        layout.addWidget(self.problem)
        layout.addWidget(self.warning)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        for field in (self.current, self.new, self.repeat):
            field.textChanged.connect(self._check)
        self.show_text.toggled.connect(self._show_text)
        self._check()
        self.current.setFocus()

    @classmethod
    def change(cls, parent: QWidget | None, store: Store, *, runner: tasks.TaskRunner | None = None,
               kdf: KdfParams | None = None) -> tuple[KeyHeader | None, bool]:
        dialog = cls(store, parent, runner=runner, kdf=kdf)
        ok = dialog.exec() == QDialog.DialogCode.Accepted and dialog.header is not None
        header = dialog.header if ok else None
        dialog.deleteLater()
        return header, ok

    @property
    def working(self) -> bool:
        return self._task is not None and self._task.running

    def acceptable(self) -> bool:
        new = self.new.text()
        return bool(self.current.text()) and len(new) >= MIN_PASSPHRASE and new == self.repeat.text()

    def _check(self) -> None:
        new, again = self.new.text(), self.repeat.text()
        level, hint = passphrase_strength(new)
        self.strength.text.setText(hint if new else tr("At least {n} characters; a few unrelated words are best.")
                                   .replace("{n}", str(MIN_PASSPHRASE)))
        self.strength.text.setAccessibleDescription(STRENGTH_NAMES[level])
        self.mismatch.setVisible(bool(again) and new != again and not new.startswith(again))
        self.ok_button.setEnabled(self.acceptable() and not self.working)

    def _show_text(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        for field in (self.current, self.new, self.repeat):
            field.setEchoMode(mode)

    def _inputs(self) -> list[QWidget]:
        return [self.current, self.new, self.repeat, self.show_text]

    def _start(self) -> None:
        if not self.acceptable() or self.working:
            return
        from lawyer_desk.core.store.passphrase import change_passphrase

        store, old, new, kdf = self.store, self.current.text(), self.new.text(), self._kdf
        labels = {"Checking the old passphrase": tr("Checking the current passphrase…"),
                  "Measuring this computer": tr("Measuring this computer to set the key strength…"),
                  "Sealing the data key": tr("Sealing the key under the new passphrase…"),
                  "Writing the key header": tr("Writing the key header…")}
        self.problem.hide()
        for widget in self._inputs():
            widget.setEnabled(False)
        self.ok_button.setEnabled(False)
        self.busy.label.setText(labels["Checking the old passphrase"])
        self.busy.show()

        def show(done: int, total: int, label: str) -> None:
            self.busy.show_progress(done, total, labels.get(label, ""))

        self._task = (self._runner or tasks.current_runner()).run(
            lambda progress: change_passphrase(store, old, new, kdf=kdf, progress=progress),
            on_done=self._changed, on_error=self._failed, on_progress=show, on_cancelled=self._stopped)

    def _stop_working(self) -> None:
        self.busy.hide()
        for widget in self._inputs():
            widget.setEnabled(True)
        self._check()

    def _changed(self, header: KeyHeader) -> None:
        self.header = header
        self.busy.hide()
        self.accept()

    def _stopped(self) -> None:
        self._stop_working()
        super().reject()

    def _failed(self, exc: BaseException) -> None:
        self._stop_working()
        if isinstance(exc, WrongPassphrase):
            self._say(tr("The current passphrase is wrong. Nothing was changed; type it again."), self.current)
        elif isinstance(exc, InvalidInput):
            self._say(tr("The new passphrase is the same as the current one. Nothing was changed."), self.new)
        else:  # a header that cannot be written (nothing changed), or a bug: its own dialog
            _report_failure(self, exc)

    def _say(self, text: str, field: QLineEdit) -> None:
        self.problem.text.setText(text)
        self.problem.show()
        field.clear()
        field.setFocus()

    def reject(self) -> None:
        if self.working:
            assert self._task is not None
            self._task.cancel()  # the dialog closes when the worker has stopped (or finished)
            self.busy.label.setText(tr("Stopping…"))
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.working:
            event.ignore()
            self.reject()
            return
        super().closeEvent(event)
