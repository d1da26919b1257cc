"""The detail pane of the Evidence tab: what is recorded about the selected exhibit, and its custody.

The custody history comes from the audit chain (``exhibits.custody``): added, changed,
viewed, exported, verified — each with its time, oldest first, read-only.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase, QTextOption
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTextBrowser, QWidget

from lawyer_desk.core.exhibits import CustodyEvent, ExhibitRow
from lawyer_desk.core.vocab import TextStatus
from lawyer_desk.ui.case_view.evidence_model import local_time, size_text, verified_text
from lawyer_desk.ui.case_view.record_table import Column, RecordListModel
from lawyer_desk.ui.labels import label


def tr(text: str) -> str:
    return QCoreApplication.translate("evidence", text)


def text_status_text(status: TextStatus) -> str:
    return {
        TextStatus.text: tr("Text taken out for search"),
        TextStatus.no_text: tr("No text (a scan without a text layer, or empty)"),
        TextStatus.not_extracted: tr("Not read for search yet"),
        TextStatus.unsupported: tr("Not searched (this kind of file holds no text we read)"),
        TextStatus.unreadable: tr("Unreadable: not what its name says, or damaged; stored as it is"),
    }.get(status, label(status))


def event_text(event: str) -> str:
    return {"added": tr("Added"), "changed": tr("Changed"), "viewed": tr("Viewed"), "exported": tr("Exported"),
            "verified": tr("Verified"), "removed": tr("Removed")}.get(event, label(event))


class ExhibitDetails(QTextBrowser):
    """Read-only fields of one exhibit, as a two-column table that wraps to any width; edited
    through the exhibit form (Edit…). ``value(name)`` gives a field's text as shown."""

    FIELDS = ("number", "title", "kind", "date", "source", "language", "translation_of", "confidential", "notes",
              "filename", "media_type", "size", "sha256", "added", "text", "verified")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exhibit_details")
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.setOpenLinks(False)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)  # the hash is one long word
        self.captions = {"number": tr("Number"), "title": tr("Title"), "kind": tr("Kind"), "date": tr("Date"),
                         "source": tr("Source"), "language": tr("Language"), "translation_of": tr("Translation of"),
                         "confidential": tr("Confidential"), "notes": tr("Notes"), "filename": tr("File name"),
                         "media_type": tr("Type"), "size": tr("Size"), "sha256": tr("SHA-256"),
                         "added": tr("Added"), "text": tr("Search text"), "verified": tr("Last check")}
        self.shown: dict[str, str] = {}

    def value(self, name: str) -> str:
        return self.shown.get(name, "")

    def show_row(self, row: ExhibitRow | None, translation_of: str = "") -> None:
        if row is None:
            self.shown = {}
            self.clear()
            return
        self.shown = {
            "number": row.number, "title": row.title, "kind": label(row.kind), "date": row.date or "—",
            "source": row.source or "—", "language": row.language or "—", "translation_of": translation_of or "—",
            "confidential": tr("Yes — never disclose to the requesting state") if row.confidential else tr("No"),
            "notes": row.notes or "—", "filename": row.filename, "media_type": row.media_type,
            "size": size_text(row.size) if row.size < 1024 else tr("%1 (%2 bytes)").replace(
                "%1", size_text(row.size)).replace("%2", f"{row.size:,}"),
            "sha256": row.sha256, "added": local_time(row.added_at), "text": text_status_text(row.text_status),
            "verified": (tr("%1 on %2").replace("%1", verified_text(row)).replace("%2", local_time(row.verified_at))
                         if row.verified_at else verified_text(row)),
        }
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
        lines = []
        for name in self.FIELDS:
            text = html.escape(self.shown[name]).replace("\n", "<br>")
            if name == "sha256":
                text = f'<span style="font-family: \'{html.escape(fixed)}\'">{text}</span>'
            if name == "confidential" and row.confidential:
                text = f"<b>{text}</b>"
            lines.append(f'<tr><td style="padding: 1px 12px 1px 0; white-space: pre">{html.escape(self.captions[name])}'
                         f'</td><td style="padding: 1px 0">{text}</td></tr>')
        self.setHtml(f"<table>{''.join(lines)}</table>")


class CustodyView(QTableView):
    """The chain of custody of one exhibit, oldest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("custody_view")
        self.list_model = RecordListModel([
            Column(tr("Time"), lambda r: r["time"]),
            Column(tr("Event"), lambda r: r["event"]),
            Column(tr("Details"), lambda r: r["summary"]),
        ], self)
        self.setModel(self.list_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)

    def show_events(self, events: list[CustodyEvent]) -> None:
        self.list_model.set_rows([{"seq": e.seq, "time": local_time(e.at), "event": event_text(e.event),
                                   "raw": e.event, "summary": " ".join(e.summary.split())} for e in events])
        for column in range(2):
            self.resizeColumnToContents(column)

    def events(self) -> list[str]:
        """The kinds of event shown ('added', 'viewed'…), oldest first; for tests and the screen reader."""
        return [row["raw"] for row in self.list_model.rows]
