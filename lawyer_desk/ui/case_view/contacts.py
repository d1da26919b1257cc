"""The Contacts tab: co-counsel, interpreters, NGOs, embassies and authorities of one case."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store
from lawyer_desk.ui.case_view.linked import CaseRecordTable
from lawyer_desk.ui.case_view.record_table import Column
from lawyer_desk.ui.case_view.specs_more import contact_specs
from lawyer_desk.ui.labels import country_tooltip, label
from lawyer_desk.ui.undo import CaseEvents


def _line(value: Any) -> str:
    """A table cell shows one line; the dialog shows the rest."""
    return "" if value is None else " ".join(str(value).split())


class ContactsTab(CaseRecordTable):
    """The people and offices the lawyer deals with in one case."""

    def __init__(self, store: Store, events: CaseEvents, undo: QUndoStack, parent: QWidget | None = None) -> None:
        columns = [
            Column(self.tr("Role"), lambda r: label(r["role"])),
            Column(self.tr("Name"), lambda r: r["name"]),
            Column(self.tr("Organisation"), lambda r: _line(r["organisation"])),
            Column(self.tr("Country"), lambda r: country_tooltip([r["country"]]) if r["country"] else ""),
            Column(self.tr("Email"), lambda r: _line(r["email"])),
            Column(self.tr("Phone"), lambda r: _line(r["phone"])),
            Column(self.tr("Address"), lambda r: _line(r["address"])),
            Column(self.tr("Note"), lambda r: _line(r["note"])),
        ]
        super().__init__(store, events, undo, m.Contact, self.tr("contact"), contact_specs(), columns,
                         order_by="role", parent=parent)
        self.setObjectName("contacts_tab")
