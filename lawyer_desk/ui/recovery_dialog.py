"""A damaged store at unlock: offer its newest good backup, with the lawyer's consent only.

``offer(parent, folder, passphrase, damage)`` is called by the unlock dialog when the
passphrase is right (or cannot be checked, the key header being damaged) but the store does
not open (``DamagedHeader``, ``DamagedDatabase``). When backups of the store are found
(``recovery.list_backups``: ``backups/`` and the second folder), ``RecoveryDialog`` lists
them and says what a restore does: the damaged files are moved unchanged into
``quarantine/<time>/`` in the store folder, never deleted, and what was changed after the
backup was made is not in it. Restore runs ``recovery.recover`` off the GUI thread with
progress (Cancel stops it while the backup is being checked; nothing has changed then), and
opens the restored store. Refusing changes nothing on disk.

``offer`` returns ``(store, offered)``: ``offered`` False when no backup was found (the unlock
dialog then reports the damage as before). ``RecoveryDialog.ask`` returns ``(backup, ok)``
(``backup`` None: the newest good one), for tests to patch.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lawyer_desk.core.errors import LawyerDeskError
from lawyer_desk.core.paths import StorePaths
from lawyer_desk.ui import alerts, tasks
from lawyer_desk.ui.unlock import unlock

if TYPE_CHECKING:
    from lawyer_desk.core.store import Store
    from lawyer_desk.core.store.recovery import Listing

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


def tr(text: str) -> str:
    return QCoreApplication.translate("recovery_dialog", text)


def listing_text(listing: Listing, store_backups: Path) -> str:
    where = tr("in backups/") if listing.path.parent == store_backups else \
        tr("in %1").replace("%1", str(listing.path.parent))
    if listing.info is None:
        return tr("%1 — cannot be read (%2)").replace("%1", listing.path.name).replace("%2", listing.problem or "")
    made = QLocale().toString(listing.info.created.astimezone(), QLocale.FormatType.LongFormat)
    return f"{made} — {QLocale().formattedDataSize(listing.info.size)}, {where}"


class RecoveryDialog(QDialog):
    def __init__(self, problem: str, listings: list[Listing], store_backups: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Restore from a backup — lawyer_desk"))
        self.setMinimumWidth(560)
        headline = QLabel(tr("This store is damaged"), self)
        font = headline.font()
        font.setBold(True)
        headline.setFont(font)
        explanation = QLabel(tr(
            "The passphrase is right, but the store cannot be opened. Backups of it were found; the "
            "newest one that passes every check can take its place.\n\n"
            "Nothing is deleted: the damaged files are moved, unchanged, into the folder quarantine/ "
            "in the store folder, where you or an expert can look at them later. What was changed "
            "after the backup was made is not in it."), self)
        explanation.setWordWrap(True)
        self.problem = QLabel(problem, self)
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.setStyleSheet("color: palette(dark);")
        self.list = QListWidget(self)
        self.list.setAccessibleName(tr("Backups of this store, newest first"))
        first = None
        for listing in listings:
            item = QListWidgetItem(listing_text(listing, store_backups), self.list)
            item.setData(PATH_ROLE, str(listing.path))
            if listing.info is None:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled & ~Qt.ItemFlag.ItemIsSelectable)
            elif first is None:
                first = item
        if first is not None:
            self.list.setCurrentItem(first)
        self._first = first
        self.buttons = QDialogButtonBox(self)
        self.restore_button: QPushButton = self.buttons.addButton(tr("&Restore Backup"),
                                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.leave_button: QPushButton = self.buttons.addButton(tr("&Leave Everything as It Is"),
                                                                QDialogButtonBox.ButtonRole.RejectRole)
        self.leave_button.setDefault(True)  # consent is a deliberate click, not a habitual Enter
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.currentItemChanged.connect(lambda *_: self.restore_button.setEnabled(self.chosen_item() is not None))
        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        layout.addWidget(explanation)
        layout.addWidget(self.problem)
        layout.addWidget(QLabel(tr("Backups, newest first:"), self))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self.restore_button.setEnabled(first is not None)

    def chosen_item(self) -> QListWidgetItem | None:
        item = self.list.currentItem()
        return item if item is not None and item.flags() & Qt.ItemFlag.ItemIsEnabled else None

    def chosen(self) -> Path | None:
        """The backup chosen; None for the newest (then older ones are tried if it fails its checks)."""
        item = self.chosen_item()
        if item is None or item is self._first:
            return None
        return Path(item.data(PATH_ROLE))

    @classmethod
    def ask(cls, parent: QWidget | None, problem: str, listings: list[Listing],
            store_backups: Path) -> tuple[Path | None, bool]:
        dialog = cls(problem, listings, store_backups, parent)
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        chosen = dialog.chosen() if ok else None
        dialog.deleteLater()
        return chosen, ok


def offer(parent: QWidget | None, folder: Path, passphrase: str, damage: LawyerDeskError, *,
          runner: tasks.TaskRunner | None = None) -> tuple[Store | None, bool]:
    """Offer the store's backups; the restored store, opened (None if refused or failed), and
    whether anything was offered."""
    from lawyer_desk.core.store import Store
    from lawyer_desk.core.store.recovery import list_backups, recover

    folder = Path(folder)
    listings = list_backups(folder)
    if not any(listing.info for listing in listings):
        return None, False
    choice, ok = RecoveryDialog.ask(parent, str(damage), listings, StorePaths(folder).backups)
    if not ok:
        return None, True

    def work(progress: tasks.Progress) -> tuple[Any, Any, bytes]:
        restored = recover(folder, passphrase, backup=choice, progress=progress)
        header, data_key = unlock(folder, passphrase)
        return restored, header, data_key

    try:
        result, finished = tasks.ProgressDialog.run(parent, tr("Restoring"), tr("Checking and restoring the backup…"),
                                                    work, runner=runner)
    except LawyerDeskError as exc:
        alerts.error_for(parent, exc)
        return None, True
    except OSError as exc:
        alerts.error(parent, tr("The backup was not restored"),
                     tr("The files could not be read or written. The damaged store was left as it was."),
                     exc.strerror or type(exc).__name__)
        return None, True
    if not finished or result is None:
        alerts.info(parent, tr("Nothing was restored"), tr("The restore was stopped; the store was left as it was."))
        return None, True
    restored, header, data_key = result
    try:
        store = Store.open_with_key(folder, header, data_key)
    except LawyerDeskError as exc:
        alerts.error_for(parent, exc)
        return None, True
    lines = [tr("The store was restored from the backup %1.").replace("%1", restored.backup.name)]
    if restored.quarantine is not None:
        lines.append(tr("The damaged files are kept, unchanged, in %1.").replace("%1", str(restored.quarantine)))
    details = "\n".join(f"{path.name}: {reason}" for path, reason in restored.skipped) or None
    if restored.skipped:
        lines.append(tr("Newer backups that failed their checks were skipped (see the details)."))
    alerts.info(parent, tr("The backup was restored"), "\n\n".join(lines), details)
    return store, True
