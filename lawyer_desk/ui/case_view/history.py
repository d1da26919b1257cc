"""The History tab: the audit trail of one case, newest first, read-only.

Entries outlive the records they describe: a deleted proceeding is gone from its tab but
its creation, changes and deletion stay here, as the chained audit trail requires.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from lawyer_desk.core.models import AuditEntry
from lawyer_desk.core.search_fold import fold
from lawyer_desk.core.store import Store
from lawyer_desk.ui.case_view.record_table import Column, RecordListModel
from lawyer_desk.ui.labels import label
from lawyer_desk.ui.undo import CaseEvents

# A case edited daily for years has thousands of entries; the table shows the latest ones.
MAX_ENTRIES = 5000


def local_time(at: datetime) -> str:
    """Entries are stored in UTC (read back without a zone); people read their own clock."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M:%S")


class HistoryTab(QWidget):
    """Read-only list of the audit entries of one case with a filter box."""

    def __init__(self, store: Store, events: CaseEvents, undo: QUndoStack | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history_tab")
        self.store, self.events, self.undo = store, events, undo
        self.client_id: int | None = None
        self.entries: list[dict[str, Any]] = []
        self.filter = QLineEdit(self)
        self.filter.setObjectName("history_filter")
        self.filter.setPlaceholderText(self.tr("Filter by action, record or text…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.apply_filter)
        self.count = QLabel(self)
        self.model = RecordListModel([
            Column(self.tr("Time"), lambda r: r["time"]),
            Column(self.tr("Action"), lambda r: r["action_text"]),
            Column(self.tr("What"), lambda r: r["what"]),
            Column(self.tr("Details"), lambda r: r["summary"]),
        ], self)
        self.view = QTableView(self)
        self.view.setObjectName("history_view")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        explanation = QLabel(self.tr("Every change to this case, newest first. Entries stay after the records "
                                     "they describe are deleted, and cannot be edited."), self)
        explanation.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(top)
        layout.addWidget(self.view)
        events.changed.connect(self._on_changed)
        self.setEnabled(False)

    def show_case(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.setEnabled(client_id is not None)
        self.reload()

    def _on_changed(self, _table: str, client_id: int) -> None:
        if self.client_id is not None and client_id in (-1, self.client_id):
            self.reload()

    def reload(self) -> None:
        self.entries = []
        if self.client_id is not None:
            query = (select(AuditEntry).where(AuditEntry.client_id == self.client_id)
                     .order_by(AuditEntry.seq.desc()).limit(MAX_ENTRIES))  # type: ignore[attr-defined]
            with self.store.session() as session:
                self.entries = [self._row(entry) for entry in session.execute(query).scalars()]
        self.apply_filter()

    def _row(self, entry: AuditEntry) -> dict[str, Any]:
        what = label(entry.entity)
        if entry.entity_id is not None:
            what = self.tr("%1 #%2").replace("%1", what).replace("%2", str(entry.entity_id))
        row = {"seq": entry.seq, "time": local_time(entry.at), "action": entry.action,
               "action_text": self.action_text(entry.action), "what": what,
               "summary": " ".join(entry.summary.split())}
        row["folded"] = fold(" ".join(str(row[k]) for k in ("time", "action_text", "what", "summary")))
        return row

    def action_text(self, action: str) -> str:
        return {
            "create": self.tr("Created"), "update": self.tr("Changed"), "delete": self.tr("Deleted"),
            "restore": self.tr("Restored"), "import": self.tr("Imported"),
        }.get(action, action)

    def apply_filter(self, *_: object) -> None:
        """Keep the entries whose words contain the filter text, ignoring case, accents and script."""
        text = self.filter.text().strip()
        rows = self.entries
        if text:
            plain, folded = text.casefold(), fold(text)
            rows = [row for row in rows
                    if plain in " ".join((row["time"], row["action_text"], row["what"], row["summary"])).casefold()
                    or (folded and folded in row["folded"])]
        self.model.set_rows(rows)
        for column in range(3):  # the details are long: they take the rest of the width
            self.view.resizeColumnToContents(column)
        total = len(self.entries)
        if text:
            self.count.setText(self.tr("%1 of %n entries", "", total).replace("%1", str(len(rows))))
        else:
            self.count.setText(self.tr("1 entry") if total == 1 else self.tr("%n entries", "", total))
