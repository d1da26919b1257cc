"""The table of a case's exhibits: a small in-memory model, sorted and filtered by a proxy.

A case holds tens, at most a few thousand exhibits, all loaded at once (``exhibits.rows``),
so a ``QSortFilterProxyModel`` is the right tool here (STYLE.md 6: a proxy for small
in-memory lists). The sort role gives raw values: numbers in natural order (2 before 10),
sizes in bytes, dates as written (partial dates sort by their text, which is ISO order).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QFontDatabase, QGuiApplication, QPalette

from lawyer_desk.core.exhibits import ExhibitRow, number_key
from lawyer_desk.core.search_fold import fold
from lawyer_desk.core.vocab import VerifiedState
from lawyer_desk.ui.labels import label

SORT_ROLE = Qt.ItemDataRole.UserRole + 2
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
_PROBLEMS = (VerifiedState.altered, VerifiedState.missing)


def tr(text: str) -> str:
    return QCoreApplication.translate("evidence", text)


class Column(IntEnum):
    NUMBER = 0
    TITLE = 1
    KIND = 2
    DATE = 3
    LANGUAGE = 4
    CONFIDENTIAL = 5
    SIZE = 6
    HASH = 7
    VERIFIED = 8


def headers() -> dict[Column, str]:
    return {Column.NUMBER: tr("No."), Column.TITLE: tr("Title"), Column.KIND: tr("Kind"), Column.DATE: tr("Date"),
            Column.LANGUAGE: tr("Language"), Column.CONFIDENTIAL: tr("Confidential"), Column.SIZE: tr("Size"),
            Column.HASH: tr("SHA-256"), Column.VERIFIED: tr("Verified")}


def size_text(size: int) -> str:
    """'1.2 MiB', '840 bytes', in the interface's locale."""
    return QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeIecFormat)


def local_time(at: datetime) -> str:
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


def verified_text(row: ExhibitRow) -> str:
    """'Intact', 'Altered', 'Missing' or 'Not checked', in words (the colour only repeats it)."""
    if row.verified_state is None:
        return tr("Not checked")
    return {VerifiedState.intact: tr("Intact"), VerifiedState.altered: tr("Altered"),
            VerifiedState.missing: tr("Missing")}.get(row.verified_state, label(row.verified_state))


def _problem_colours() -> tuple[QColor, QColor]:
    """Background and text for an altered or missing file, readable in light and dark themes."""
    app = QGuiApplication.instance()
    dark = app is not None and app.palette().color(QPalette.ColorRole.Window).lightness() < 128  # type: ignore[attr-defined]
    return (QColor("#5c1a1a"), QColor("#ffdada")) if dark else (QColor("#fde0e0"), QColor("#8b0000"))


class ExhibitTableModel(QAbstractTableModel):
    """Rows of ``ExhibitRow``; no database access of its own."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[ExhibitRow] = []
        self._headers = headers()

    def set_rows(self, rows: list[ExhibitRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == SORT_ROLE:
            return self.sort_value(row, column)
        if role == OBJECT_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and column is Column.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        colour_roles = (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole)
        if role in colour_roles and column is Column.VERIFIED and row.verified_state in _PROBLEMS:
            background, text = _problem_colours()
            return background if role == Qt.ItemDataRole.BackgroundRole else text
        if role == Qt.ItemDataRole.FontRole and column is Column.HASH:
            return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        return None

    @staticmethod
    def display(row: ExhibitRow, column: Column) -> str:
        if column is Column.NUMBER:
            return row.number
        if column is Column.TITLE:
            return row.title
        if column is Column.KIND:
            return label(row.kind)
        if column is Column.DATE:
            return row.date or ""
        if column is Column.LANGUAGE:
            return row.language or ""
        if column is Column.CONFIDENTIAL:
            return tr("Confidential") if row.confidential else ""
        if column is Column.SIZE:
            return size_text(row.size)
        if column is Column.HASH:
            return row.short_hash
        return verified_text(row)

    @staticmethod
    def tooltip(row: ExhibitRow, column: Column) -> str:
        if column is Column.HASH:
            return tr("SHA-256 of the original file:\n%1").replace("%1", row.sha256)
        if column is Column.CONFIDENTIAL and row.confidential:
            return tr("Never disclose to the requesting state")
        if column is Column.VERIFIED and row.verified_at is not None:
            return tr("%1 when checked on %2").replace("%1", verified_text(row)).replace(
                "%2", local_time(row.verified_at))
        if column is Column.TITLE:
            return f"{row.title}\n{row.filename}"
        return ExhibitTableModel.display(row, column)

    @staticmethod
    def sort_value(row: ExhibitRow, column: Column) -> Any:
        if column is Column.NUMBER:
            return number_key(row.number)
        if column is Column.SIZE:
            return row.size
        if column is Column.CONFIDENTIAL:
            return int(row.confidential)
        if column is Column.HASH:
            return row.sha256
        if column in (Column.TITLE, Column.KIND, Column.LANGUAGE, Column.VERIFIED):
            return ExhibitTableModel.display(row, column).casefold()
        return row.date or ""

    def row_of(self, exhibit_id: int) -> int | None:
        return next((i for i, row in enumerate(self.rows) if row.id == exhibit_id), None)


class ExhibitFilter(QSortFilterProxyModel):
    """Keeps the exhibits whose words contain the filter text (any script, accents ignored) and,
    when one is chosen, of one kind."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._text = ""
        self._folded = ""
        self._kind: str | None = None

    def set_text(self, text: str) -> None:
        self._text, self._folded = text.strip().casefold(), fold(text.strip())
        self.invalidate()

    def set_kind(self, kind: str | None) -> None:
        self._kind = kind or None
        self.invalidate()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ExhibitTableModel)
        row = model.rows[source_row]
        if self._kind is not None and row.kind != self._kind:
            return False
        if not self._text:
            return True
        words = " ".join((row.number, row.title, label(row.kind), row.filename, row.date or "", row.source or "",
                          row.language or "", row.notes or "", row.sha256))
        return self._text in words.casefold() or bool(self._folded and self._folded in fold(words))

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:  # natural number keys of different shapes ("2" against "A-3")
            return str(a) < str(b)
