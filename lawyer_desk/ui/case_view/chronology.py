"""The Chronology tab: the facts of the case in date order, dates only as precise as they are known.

Dates are partial ('2016', '2016-06', '2016-06-02') and sort correctly as text, so the
database orders them; '2016' comes before anything within 2016.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from lawyer_desk.core import models as m
from lawyer_desk.core.codes import format_partial_date
from lawyer_desk.core.store import Store
from lawyer_desk.ui.case_view.linked import CaseRecordTable
from lawyer_desk.ui.case_view.record_table import Column
from lawyer_desk.ui.case_view.specs_more import event_specs
from lawyer_desk.ui.undo import CaseEvents


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class ChronologyTab(CaseRecordTable):
    """The events of one case, oldest first."""

    wide_columns = (1,)  # what happened

    def __init__(self, store: Store, events: CaseEvents, undo: QUndoStack, parent: QWidget | None = None) -> None:
        columns = [
            Column(self.tr("Date"), self.date_text),
            Column(self.tr("What happened"), lambda r: r["title"]),
            Column(self.tr("Place"), lambda r: _text(r["place"])),
            Column(self.tr("Source"), lambda r: _text(r["source"])),
            Column(self.tr("Details"), lambda r: _text(r["description"]).replace("\n", " ")),
        ]
        super().__init__(store, events, undo, m.Event, self.tr("event"), event_specs(), columns,
                         order_by="date", parent=parent)
        self.setObjectName("chronology_tab")

    def date_text(self, row: dict[str, Any]) -> str:
        """'2 June 1979', 'June 1979' or '2016 (approx.)'."""
        shown = format_partial_date(row["date"])
        return self.tr("%1 (approx.)").replace("%1", shown) if row.get("approximate") else shown
