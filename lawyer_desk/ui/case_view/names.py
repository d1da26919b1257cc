"""The Names tab: every spelling of the client's name, with its script, romanisation and source.

Names come in Latin, Uyghur (Arabic script), Chinese and Cyrillic writing. Each cell lays
its text out in the direction of the text itself (an Uyghur name reads right to left even
in an English interface) and in a font chosen for wide script coverage; Qt falls back glyph
by glyph to whatever the system has for the rest.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QUndoStack
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

from lawyer_desk.core import models as m
from lawyer_desk.core.names import detect_script
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import Script
from lawyer_desk.ui.case_view.record_table import Column, RecordTable
from lawyer_desk.ui.case_view.specs import name_variant_specs
from lawyer_desk.ui.labels import label
from lawyer_desk.ui.undo import CaseEvents

# Families with wide coverage of Arabic, Han and Cyrillic on the three desktops; the first
# one installed wins, and Qt still falls back per glyph to any other font on the system.
NAME_FONT_FAMILIES = [
    "Noto Sans", "Noto Naskh Arabic", "Noto Sans Arabic", "Noto Sans CJK SC", "Noto Sans SC",
    "Segoe UI", "Microsoft YaHei", "Arial Unicode MS", "PingFang SC", "Geeza Pro", "DejaVu Sans",
]


def _tr(text: str) -> str:
    # For the words needed before the widget exists (its columns and noun go to the base class).
    return QCoreApplication.translate("NamesTab", text)


def name_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setFamilies(NAME_FONT_FAMILIES)
    font.setPointSizeF(base.pointSizeF() * 1.1)  # Arabic and Han glyphs read small at UI sizes
    return font


def text_direction(text: str) -> Qt.LayoutDirection:
    """The direction of the first strongly directional letter (rules P2–P3 of the bidi algorithm)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return Qt.LayoutDirection.RightToLeft
        if kind == "L":
            return Qt.LayoutDirection.LeftToRight
    return Qt.LayoutDirection.LeftToRight


class BidiDelegate(QStyledItemDelegate):
    """Lays out each cell in its own text's direction, aligned to its leading edge."""

    def __init__(self, font: QFont | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._font = font

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.direction = text_direction(option.text)
        option.displayAlignment = Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
        if self._font is not None:
            option.font = self._font


class NamesTab(RecordTable):
    """The client's name variants; a new name's script is read from its letters."""

    def __init__(self, store: Store, events: CaseEvents, undo: QUndoStack, parent: QWidget | None = None) -> None:
        columns = [
            Column(_tr("Name"), lambda r: r["text"]),
            Column(_tr("Script"), lambda r: label(r["script"])),
            Column(_tr("Language"), lambda r: r["language"] or ""),
            Column(_tr("Romanisation"), lambda r: r["romanisation"] or ""),
            Column(_tr("Kind"), lambda r: label(r["kind"])),
            Column(_tr("Source"), lambda r: r["source"] or ""),
        ]
        super().__init__(store, events, undo, m.NameVariant, _tr("name"), name_variant_specs(), columns,
                         parent=parent)
        self.setObjectName("names_tab")
        self.view.setObjectName("names_view")
        self.text_font = name_font(self.view.font())
        self.view.setItemDelegateForColumn(0, BidiDelegate(self.text_font, self.view))
        self.view.verticalHeader().setDefaultSectionSize(max(self.view.verticalHeader().defaultSectionSize(),
                                                             int(self.view.fontMetrics().height() * 1.9)))
        self.show_case(None)

    def show_case(self, client_id: int | None) -> None:
        self.show_parent(client_id, client_id)
        self.setEnabled(client_id is not None)

    def complete(self, values: dict[str, Any]) -> dict[str, Any]:
        """A script left at the default (Latin) is taken from the name's letters."""
        if values.get("script") in (Script.latin, Script.latin.value) and values.get("text"):
            values = {**values, "script": detect_script(values["text"])}
        return values
