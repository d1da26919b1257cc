"""Tools ▸ Verify Store…: every check the store has, off the GUI thread, and a report a lawyer can read.

The checks, in this order (``check_store``): the database — SQLCipher's page check
(``cipher_integrity_check``: every page's HMAC), SQLite's ``integrity_check`` and the search
index (``Store.integrity_problems``); the audit chain (``Store.audit_report``: each entry's
HMAC and link); the evidence — every exhibit's file decrypted and its SHA-256 compared, and
the vault folder's orphans (``exhibit_checks.verify``). The outcome of each exhibit's check is
recorded in its custody history when the database and the chain are sound (a check recorded
in a damaged database would make matters worse). Cancel stops the evidence check where it is;
the report then says how far it got.

"Check anchor": the audit head hash printed at the foot of an earlier brief is looked up in
the chain. Found: the store still holds everything up to that brief. Not found: the store was
rolled back to an earlier state, or altered, since that brief was printed — or the hash was
mistyped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.exc import DatabaseError as SADatabaseError

from lawyer_desk.core import audit, exhibit_checks
from lawyer_desk.core import models as m
from lawyer_desk.core.references import case_reference
from lawyer_desk.ui import tasks

if TYPE_CHECKING:
    from lawyer_desk.core.audit import ChainReport
    from lawyer_desk.core.exhibit_checks import VaultReport
    from lawyer_desk.core.store import Store
    from lawyer_desk.ui.undo import CaseEvents

ANCHOR = re.compile(r"^[0-9a-f]{64}$")


def tr(text: str) -> str:
    return QCoreApplication.translate("verify_report", text)


@dataclass(frozen=True)
class StoreCheck:
    database: list[str]  # empty: sound
    chain: ChainReport | None  # None: the chain could not be read
    vault: VaultReport | None  # None: not checked (the database could not be read)
    cases: dict[int, str]  # client id → case reference, for the report
    recorded: bool  # the evidence checks were recorded in the custody histories

    @property
    def ok(self) -> bool:
        return (not self.database and self.chain is not None and self.chain.intact
                and self.vault is not None and self.vault.ok)


def check_store(store: Store, progress: tasks.Progress) -> StoreCheck:
    """Run every check (off the GUI thread); see the module's description."""
    progress.report(0, 0, tr("Checking the database (every page)…"))
    problems = store.integrity_problems()
    progress.check()
    progress.report(0, 0, tr("Checking the audit chain…"))
    chain: ChainReport | None = None
    try:
        chain = store.audit_report()
    except SADatabaseError:
        if not problems:
            raise
    progress.check()
    cases: dict[int, str] = {}
    vault = None
    try:
        with store.session() as session:
            cases = {row.id: case_reference(row.uid) for row in session.execute(select(m.Client.id, m.Client.uid))}
    except SADatabaseError:
        pass  # the damage reported above: exhibits are named by case number
    record = store.writable and not problems and chain is not None and chain.intact
    label = tr("Checking the evidence files…")
    try:
        vault = exhibit_checks.verify(store, record=record, progress=lambda done, total: progress.report(
            done, total, label), cancel=lambda: progress.cancelled)
    except SADatabaseError:
        if not problems:
            raise
    return StoreCheck(problems, chain, vault, cases, record and vault is not None)


def _line(ok: bool, title: str, text: str) -> str:
    mark = "✔" if ok else "✘"
    colour = "#1b6e20" if ok else "#a4161a"
    return (f'<p><span style="color:{colour}; font-weight:bold">{mark} {html.escape(title)}</span>'
            f"<br>{html.escape(text)}</p>")


def report_html(result: StoreCheck) -> str:
    """The report: a headline, then one paragraph per check, problems listed under it."""
    parts = [f"<h3>{html.escape(tr('Every check passed') if result.ok else tr('Problems were found'))}</h3>"]
    if result.database:
        parts.append(_line(False, tr("Database: damaged"),
                           tr("These pages or structures fail their checks. Restore the store from a backup; "
                              "the damaged files are kept in quarantine.")))
        parts.append(_items(result.database))
    else:
        parts.append(_line(True, tr("Database: sound"),
                           tr("Every page decrypts and passes its authentication check; the structure and "
                              "the search index are consistent.")))
    chain = result.chain
    if chain is None:
        parts.append(_line(False, tr("Audit chain: cannot be read"),
                           tr("It lies in the damaged part of the database.")))
    elif chain.intact:
        parts.append(_line(True, tr("Audit chain: intact"),
                           tr("%1 entries, each sealed and linked to the one before. Head: %2")
                           .replace("%1", str(chain.entries)).replace("%2", chain.head)))
    else:
        parts.append(_line(False, tr("Audit chain: broken at entry %1").replace("%1", str(chain.first_broken)),
                           tr("Entry %1 was altered, removed or inserted outside the program; the %2 entries "
                              "before it are intact.").replace("%1", str(chain.first_broken))
                           .replace("%2", str(chain.entries))))
    parts.append(_vault_html(result))
    if result.recorded:
        parts.append(f"<p><i>{html.escape(tr('Each exhibit check is recorded in its custody history.'))}</i></p>")
    return "\n".join(parts)


def _vault_html(result: StoreCheck) -> str:
    vault = result.vault
    if vault is None:
        return _line(False, tr("Evidence: not checked"), tr("The list of exhibits is in the damaged database."))
    checked = len(vault.checks)
    problems = vault.problems
    if not vault.complete:
        title, ok = tr("Evidence: stopped after %1 files").replace("%1", str(checked)), False
    elif problems:
        title, ok = tr("Evidence: %1 of %2 files fail their check").replace("%1", str(len(problems))).replace(
            "%2", str(checked)), False
    else:
        title, ok = tr("Evidence: intact"), True
    text = tr("%1 files decrypted and compared with the SHA-256 recorded when they were added.").replace(
        "%1", str(checked))
    lines = [tr("Exhibit %1 of %2: %3").replace("%1", c.number).replace(
        "%2", result.cases.get(c.client_id, tr("case %1").replace("%1", str(c.client_id)))).replace("%3", c.detail)
        for c in problems]
    out = _line(ok, title, text) + _items(lines)
    if vault.orphans:
        out += _line(False, tr("Vault folder: %1 files no exhibit accounts for").replace("%1", str(len(vault.orphans))),
                     tr("They are reported, never deleted."))
        out += _items([f"{o.name}: {o.detail}" for o in vault.orphans])
    return out


def _items(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>" if lines else ""


def normalise_anchor(text: str) -> str | None:
    """The hash as the chain stores it (spaces and line breaks of a copy from a PDF removed), or None."""
    digest = re.sub(r"\s+", "", text).lower()
    return digest if ANCHOR.match(digest) else None


class VerifyDialog(QDialog):
    """Runs the checks when shown; the report, then the anchor field."""

    def __init__(self, store: Store, parent: QWidget | None = None, *, runner: tasks.TaskRunner | None = None,
                 events: CaseEvents | None = None) -> None:
        super().__init__(parent)
        self.store, self.events, self._runner = store, events, runner
        self.result: StoreCheck | None = None
        self.anchor_found: bool | None = None
        self._task: tasks.Task | None = None
        self.setWindowTitle(tr("Verify the store — lawyer_desk"))
        self.resize(640, 560)
        self.status = QLabel(tr("Checking…"), self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        self.report = QTextBrowser(self)
        self.report.setOpenLinks(False)
        self.report.setAccessibleName(tr("Verification report"))
        anchor_label = QLabel(tr("Check an &anchor: the audit head hash printed at the foot of an earlier brief"),
                              self)
        anchor_label.setWordWrap(True)
        self.anchor = QLineEdit(self)
        self.anchor.setPlaceholderText(tr("64 hexadecimal characters"))
        anchor_label.setBuddy(self.anchor)
        self.anchor_button = QPushButton(tr("&Check Anchor"), self)
        self.anchor_result = QLabel(self)
        self.anchor_result.setWordWrap(True)
        self.anchor_result.setTextFormat(Qt.TextFormat.PlainText)
        self.anchor_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.anchor, 1)
        row.addWidget(self.anchor_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        layout.addWidget(self.report, 1)
        layout.addWidget(anchor_label)
        layout.addLayout(row)
        layout.addWidget(self.anchor_result)
        layout.addWidget(self.buttons)
        self.anchor_button.clicked.connect(self.check_anchor)
        self.anchor.returnPressed.connect(self.check_anchor)

    @classmethod
    def show_for(cls, parent: QWidget | None, store: Store, *, runner: tasks.TaskRunner | None = None,
                 events: CaseEvents | None = None) -> StoreCheck | None:
        dialog = cls(store, parent, runner=runner, events=events)
        dialog.start()
        dialog.exec()
        result = dialog.result
        dialog.deleteLater()
        return result

    def _tasks(self) -> tasks.TaskRunner:
        return self._runner or tasks.current_runner()

    @property
    def working(self) -> bool:
        return self._task is not None and self._task.running

    def start(self) -> None:
        store = self.store
        self._task = self._tasks().run(lambda progress: check_store(store, progress), on_done=self._done,
                                       on_error=self._failed, on_progress=self._progress,
                                       on_cancelled=self._cancelled)

    def _progress(self, done: int, total: int, label: str) -> None:
        if label:
            self.status.setText(label)
        if total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(1000 * min(done, total) / total))
        else:
            self.bar.setRange(0, 0)

    def _finished(self, status: str) -> None:
        self.status.setText(status)
        self.bar.hide()
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)

    def _done(self, result: StoreCheck) -> None:
        self.result = result
        self.report.setHtml(report_html(result))
        self._finished(tr("The checks are done."))
        if result.recorded and self.events is not None:
            self.events.changed.emit("exhibit", -1)  # the evidence tabs show the new verification dates

    def _failed(self, exc: BaseException) -> None:
        self._finished(tr("The checks could not be completed."))
        self.report.setPlainText(tr("The store could not be read to the end: %1").replace("%1", str(exc)))

    def _cancelled(self) -> None:
        self._finished(tr("Stopped before the end; nothing was changed."))

    def check_anchor(self) -> bool | None:
        digest = normalise_anchor(self.anchor.text())
        if digest is None:
            self.anchor_found = None
            self.anchor_result.setText(tr("An anchor is the 64-character head hash (0–9, a–f) printed at the "
                                          "foot of a brief; this is not one."))
            return None
        store = self.store

        def look(_progress: tasks.Progress) -> bool:
            with store.session() as session:
                return audit.contains(session, digest)

        self.anchor_button.setEnabled(False)
        self._tasks().run(look, on_done=self._anchor_done, on_error=self._anchor_failed)
        return self.anchor_found

    def _anchor_done(self, found: bool) -> None:
        self.anchor_button.setEnabled(True)
        self.anchor_found = found
        self.anchor_result.setText(
            tr("Found in the chain: the store still holds everything recorded up to that brief.") if found else
            tr("NOT in the chain: the store was rolled back to an earlier state, or altered, since that brief "
               "was printed — or the hash was mistyped. Compare it character by character."))

    def _anchor_failed(self, exc: BaseException) -> None:
        self.anchor_button.setEnabled(True)
        self.anchor_found = None
        self.anchor_result.setText(tr("The chain could not be read: %1").replace("%1", str(exc)))

    def reject(self) -> None:
        if self.working:
            assert self._task is not None
            self._task.cancel()  # the evidence check stops where it is; the report says how far it got
            self.status.setText(tr("Stopping…"))
            return
        super().reject()
