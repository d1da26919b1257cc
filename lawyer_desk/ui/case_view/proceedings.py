"""The Proceedings tab: CCF requests, extradition and asylum cases, applications to courts and UN bodies."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox, QFormLayout, QWidget
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from lawyer_desk.core import models as m
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import Forum
from lawyer_desk.ui.case_view.linked import CaseRecordDialog, CaseRecordTable
from lawyer_desk.ui.case_view.record_table import Column
from lawyer_desk.ui.case_view.specs_more import CCF_FIELDS, proceeding_specs
from lawyer_desk.ui.forms import FieldSpec
from lawyer_desk.ui.labels import label
from lawyer_desk.ui.undo import CaseEvents


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class ProceedingDialog(CaseRecordDialog):
    """Shows the CCF fields only for a proceeding before the CCF (or one that already has them)."""

    def __init__(self, title: str, model: type[SQLModel], specs: list[FieldSpec], values: dict[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(title, model, specs, values, parent)
        self._keep_ccf = any(values.get(name) not in (None, "") for name in CCF_FIELDS)
        forum = self.form.widgets.get("forum")
        if isinstance(forum, QComboBox):
            forum.currentIndexChanged.connect(self._show_ccf_fields)
        self._show_ccf_fields()

    def _show_ccf_fields(self, *_: object) -> None:
        forum = self.form.widgets.get("forum")
        visible = self._keep_ccf or (isinstance(forum, QComboBox) and forum.currentData() == Forum.ccf.value)
        layout = self.form.layout()
        assert isinstance(layout, QFormLayout)
        for name in CCF_FIELDS:
            if name in self.form.widgets:
                layout.setRowVisible(self.form.widgets[name].parentWidget(), visible)


class ProceedingsTab(CaseRecordTable):
    """The proceedings of one case, each linked (or not) to the alert it concerns."""

    dialog_class = ProceedingDialog
    link = "alert_id"

    def __init__(self, store: Store, events: CaseEvents, undo: QUndoStack, parent: QWidget | None = None) -> None:
        self.link_label = self.tr("Alert concerned")
        self.link_help = self.tr("The notice or diffusion this proceeding challenges or answers, if any")
        self.link_after = "forum"
        columns = [
            Column(self.tr("Forum"), lambda r: label(r["forum"])),
            Column(self.tr("Country"), lambda r: _text(r["country"])),
            Column(self.tr("Court or authority"), lambda r: _text(r["authority"])),
            Column(self.tr("Reference"), lambda r: _text(r["reference"])),
            Column(self.tr("Alert"), lambda r: self.choice_label(r.get("alert_id"))),
            Column(self.tr("Stage"), lambda r: _text(r["stage"])),
            Column(self.tr("Status"), lambda r: label(r["status"])),
            Column(self.tr("CCF"), self.ccf_summary),
            Column(self.tr("Opened"), lambda r: _text(r["opened"])),
            Column(self.tr("Decided"), lambda r: _text(r["decided"])),
            Column(self.tr("Outcome"), lambda r: _text(r["outcome"])),
        ]
        super().__init__(store, events, undo, m.Proceeding, self.tr("proceeding"), proceeding_specs(), columns,
                         order_by="opened", parent=parent)
        self.setObjectName("proceedings_tab")

    def load_choices(self, session: Session) -> list[tuple[str, int]]:
        query = select(m.Alert).where(m.Alert.client_id == self.parent_id).order_by(m.Alert.id)
        return [(self.alert_label(alert), alert.id) for alert in session.execute(query).scalars()
                if alert.id is not None]

    def alert_label(self, alert: m.Alert) -> str:
        """'2017/71234 (CN)'; the kind of alert when it has no INTERPOL reference: 'Red notice (TR)'."""
        text = alert.reference or label(alert.type)
        if alert.requesting_country:
            text = self.tr("%1 (%2)").replace("%1", text).replace("%2", alert.requesting_country)
        return text

    def ccf_summary(self, row: dict[str, Any]) -> str:
        """'Deletion · received 2026-05-01 · admissible 2026-05-20 · Not compliant', or empty."""
        parts = []
        if row.get("ccf_request_type"):
            parts.append(self.tr("%1 request").replace("%1", label(row["ccf_request_type"])))
        if row.get("ccf_received"):
            parts.append(self.tr("received %1").replace("%1", str(row["ccf_received"])))
        if row.get("ccf_admissibility"):
            parts.append(self.tr("admissible %1").replace("%1", str(row["ccf_admissibility"])))
        if row.get("ccf_decision"):
            parts.append(label(row["ccf_decision"]))
        return " · ".join(parts)
