"""The Alerts tab: the case's notices and diffusions, each with its history, warrants and notices of deletion.

Deletion at INTERPOL does not clean the copies held by national police and border databases:
each country that received the alert has to be told, and the defence tracks who was told
and who confirmed. That table therefore says "outstanding" in words and in colour.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPalette, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select
from sqlmodel import col

from lawyer_desk.core import models as m
from lawyer_desk.core import records
from lawyer_desk.core.codes import country_name, format_partial_date
from lawyer_desk.core.store import Store
from lawyer_desk.ui import alerts
from lawyer_desk.ui.case_view.record_table import OBJECT_ROLE, Column, RecordListModel, RecordTable
from lawyer_desk.ui.case_view.specs import alert_specs, notification_specs, status_change_specs, warrant_specs
from lawyer_desk.ui.forms import RecordDialog
from lawyer_desk.ui.labels import label, plural
from lawyer_desk.ui.undo import CaseEvents, CreateRecord, DeleteRecord, EditRecord, push, table_name

# Changes that alter the list or the selected alert ("client": a restored or re-imported case).
RELOAD_TABLES = {table_name(t) for t in (m.Client, m.Alert, m.ArrestWarrant, m.AlertStatusChange,
                                          m.AlertNotification)}
STATE_COLOURS = {"outstanding": "#c62828", "sent": "#a15c00", "confirmed": "#2e7d32"}


def notification_state(row: dict[str, Any]) -> str:
    """'confirmed', 'sent' or 'outstanding', as ``AlertNotification.state`` says for a stored row."""
    if row.get("date_confirmed"):
        return "confirmed"
    return "sent" if row.get("date_sent") else "outstanding"


def _country(code: str | None) -> str:
    return f"{country_name(code)} ({code})" if code else ""


def _one_line(text: str | None) -> str:
    """Multi-line text (charges come with CRLF) in one table cell; the dialog shows the lines."""
    return " / ".join(line.strip() for line in (text or "").splitlines() if line.strip())


class StateDelegate(QStyledItemDelegate):
    """Colours a notification's state; the words already say it, the colour makes it quick to spot."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        row = index.data(OBJECT_ROLE)
        if not row:
            return
        state = notification_state(row)
        palette = QPalette(option.palette)
        palette.setColor(QPalette.ColorRole.Text, QColor(STATE_COLOURS[state]))
        option.palette = palette
        if state == "outstanding":
            font = QFont(option.font)
            font.setBold(True)
            option.font = font


class AlertsTab(QWidget):
    """The list of the case's alerts; below it, the selected alert in full."""

    def __init__(self, store: Store, events: CaseEvents, undo: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alerts_tab")
        self.store, self.events, self.undo = store, events, undo
        self.client_id: int | None = None

        # -- the list --------------------------------------------------------------------
        self.list_model = RecordListModel([
            Column(self.tr("Type"), lambda r: label(r["type"])),
            Column(self.tr("Reference"), lambda r: r["reference"] or self.tr("not known")),
            Column(self.tr("Requesting country"), lambda r: _country(r["requesting_country"])),
            Column(self.tr("Issued"), lambda r: format_partial_date(r["issue_date"])),
            Column(self.tr("Status"), lambda r: label(r["status"])),
        ], self)
        self.alert_view = QTableView(self)
        self.alert_view.setObjectName("alert_list")
        self.alert_view.setModel(self.list_model)
        self.alert_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.alert_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.alert_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.alert_view.verticalHeader().hide()
        self.alert_view.horizontalHeader().setStretchLastSection(True)
        self.alert_view.doubleClicked.connect(lambda _index: self.edit_alert())
        self.alert_view.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())

        self.add_button = QPushButton(self.tr("Add alert…"), self)
        self.edit_button = QPushButton(self.tr("Edit alert…"), self)
        self.delete_button = QPushButton(self.tr("Delete alert"), self)
        self.add_button.clicked.connect(self.add_alert)
        self.edit_button.clicked.connect(self.edit_alert)
        self.delete_button.clicked.connect(self.delete_alert)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.alert_view)

        # -- the selected alert ----------------------------------------------------------
        self.details = QWidget(self)
        self.details.setObjectName("alert_details")
        form = QFormLayout(self.details)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.detail_labels: dict[str, QLabel] = {}
        for spec in alert_specs():
            value = QLabel(self.details)
            value.setObjectName(f"detail_{spec.name}")
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setWordWrap(True)
            value.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignTop)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(spec.label + ":", value)
            self.detail_labels[spec.name] = value
        details_scroll = QScrollArea(self)
        details_scroll.setWidgetResizable(True)
        details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        details_scroll.setWidget(self.details)

        self.history = RecordTable(store, events, undo, m.AlertStatusChange, self.tr("status change"),
                                   status_change_specs(), [
                                       Column(self.tr("Date"), self._timeline_date),
                                       Column(self.tr("Status"), lambda r: label(r["status"])),
                                       Column(self.tr("Note"), lambda r: _one_line(r["note"])),
                                   ], parent_key="alert_id", order_by="date", parent=self)
        self.history.setObjectName("status_history")
        self.warrants = RecordTable(store, events, undo, m.ArrestWarrant, self.tr("warrant"), warrant_specs(), [
            Column(self.tr("Issued"), lambda r: format_partial_date(r["issue_date"])),
            Column(self.tr("Issuing country"), lambda r: _country(r["issuing_country"])),
            Column(self.tr("Charges"), lambda r: _one_line(r["charge"])),
            Column(self.tr("Authority"), lambda r: r["authority"] or ""),
            Column(self.tr("Reference"), lambda r: r["reference"] or ""),
        ], parent_key="alert_id", parent=self)
        self.warrants.setObjectName("warrants")
        self.notifications = RecordTable(
            store, events, undo, m.AlertNotification, self.tr("notification"), notification_specs(), [
                Column(self.tr("State"), self._state_text),
                Column(self.tr("Country"), lambda r: _country(r["country"])),
                Column(self.tr("Authority"), lambda r: r["authority"]),
                Column(self.tr("Sent"), lambda r: r["date_sent"].isoformat() if r["date_sent"] else ""),
                Column(self.tr("Confirmed"), lambda r: r["date_confirmed"].isoformat() if r["date_confirmed"] else ""),
                Column(self.tr("Reference"), lambda r: r["reference"] or ""),
            ], parent_key="alert_id", parent=self)
        self.notifications.setObjectName("notifications")
        for table in (self.history, self.warrants, self.notifications):
            table.view.setWordWrap(False)  # long charges and authorities end in "…"; the tooltip has them whole
            table.view.horizontalHeader().setMaximumSectionSize(320)
            table.list_model.modelReset.connect(self._update_tab_titles)
        self.notifications.view.setItemDelegateForColumn(0, StateDelegate(self.notifications.view))

        self.parts = QTabWidget(self)
        self.parts.setObjectName("alert_parts")
        self.parts.addTab(self.history, "")
        self.parts.addTab(self.warrants, "")
        self.parts.addTab(self.notifications, "")
        self._update_tab_titles()

        bottom = QSplitter(Qt.Orientation.Horizontal, self)
        bottom.addWidget(details_scroll)
        bottom.addWidget(self.parts)
        bottom.setStretchFactor(0, 2)
        bottom.setStretchFactor(1, 3)
        bottom.setSizes([340, 660])
        bottom.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([160, 540])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

        events.changed.connect(self._on_changed)
        self.show_case(None)

    # -- cells --------------------------------------------------------------------------
    def _timeline_date(self, row: dict[str, Any]) -> str:
        return format_partial_date(row["date"]) or self.tr("date not known")

    def _state_text(self, row: dict[str, Any]) -> str:
        return {
            "confirmed": self.tr("Confirmed"),
            "sent": self.tr("Sent"),
            "outstanding": self.tr("⚠ Outstanding"),
        }[notification_state(row)]

    def _update_tab_titles(self) -> None:
        rows = self.notifications.list_model.rows
        confirmed = sum(1 for row in rows if notification_state(row) == "confirmed")
        self.parts.setTabText(0, self.tr("Status history (%1)").replace("%1", str(len(self.history.list_model.rows))))
        self.parts.setTabText(1, self.tr("Arrest warrants (%1)").replace("%1", str(len(self.warrants.list_model.rows))))
        notified = self.tr("Notified of deletion")
        if rows:
            notified += " " + self.tr("(%1 of %2 confirmed)").replace("%1", str(confirmed)).replace(
                "%2", str(len(rows)))
        self.parts.setTabText(2, notified)

    # -- loading ------------------------------------------------------------------------
    def show_case(self, client_id: int | None) -> None:
        self.client_id = client_id
        self.setEnabled(client_id is not None)
        self.reload(select_id=None)

    def reload(self, select_id: int | None = None) -> None:
        """Reload the list; keep the selected alert (or select ``select_id``, or the first)."""
        keep = select_id if select_id is not None else self.selected_id()
        rows: list[dict[str, Any]] = []
        if self.client_id is not None:
            query = (select(m.Alert).where(col(m.Alert.client_id) == self.client_id)
                     .order_by(col(m.Alert.issue_date), col(m.Alert.id)))
            with self.store.session() as session:
                rows = [{"id": a.id, **records.fields_of(a)} for a in session.execute(query).scalars()]
        self.list_model.set_rows(rows)
        self.alert_view.resizeColumnsToContents()
        ids = [row["id"] for row in rows]
        if rows:
            self.select_alert(keep if keep is not None and keep in ids else ids[0])
        else:
            self._show_selected()

    def _on_changed(self, table: str, client_id: int) -> None:
        if self.client_id is not None and client_id in (-1, self.client_id) and table in RELOAD_TABLES:
            self.reload()

    def select_alert(self, alert_id: int) -> None:
        for row_number, row in enumerate(self.list_model.rows):
            if row["id"] == alert_id:
                # Not QTableView.selectRow: under a right-to-left interface it picks the column at the
                # viewport's right edge, and selects nothing while the view is not laid out yet.
                flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
                self.alert_view.selectionModel().setCurrentIndex(self.list_model.index(row_number, 0), flags)
                break
        self._show_selected()

    def selected(self) -> dict[str, Any] | None:
        indexes = self.alert_view.selectionModel().selectedRows()
        return indexes[0].data(OBJECT_ROLE) if indexes else None

    def selected_id(self) -> int | None:
        row = self.selected()
        return row["id"] if row else None

    def _show_selected(self) -> None:
        row = self.selected()
        alert_id = row["id"] if row else None
        for table in (self.history, self.warrants, self.notifications):
            if table.parent_id != alert_id or alert_id is None:
                table.show_parent(alert_id, self.client_id)
        self.details.setEnabled(row is not None)
        self.parts.setEnabled(row is not None)
        self.edit_button.setEnabled(row is not None)
        self.delete_button.setEnabled(row is not None)
        self.add_button.setEnabled(self.client_id is not None)
        self._show_details(row)

    def _show_details(self, row: dict[str, Any] | None) -> None:
        row = row or {}
        texts = {
            "type": label(row.get("type")),
            "reference": row.get("reference") or ("" if not row else self.tr("not known")),
            "control_number": row.get("control_number") or "",
            "requesting_country": _country(row.get("requesting_country")),
            "publicity": label(row.get("publicity")),
            "issue_date": format_partial_date(row.get("issue_date")),
            "status": label(row.get("status")),
            "grounds": "\n".join("• " + label(ground) for ground in row.get("grounds") or []),
            "summary": row.get("summary") or "",
        }
        for name, value in self.detail_labels.items():
            value.setText(texts.get(name) or ("—" if row else ""))  # a dash: known to be empty, not forgotten

    # -- actions ------------------------------------------------------------------------
    def add_alert(self) -> None:
        if self.client_id is None:
            return
        values, ok = RecordDialog.edit(self, self.tr("New alert"), m.Alert, alert_specs(), {})
        if not ok:
            return
        command = CreateRecord(self.store, self.events, m.Alert, values, self.tr("Add alert"), self,
                               client_id=self.client_id)
        if push(self.undo, command) and command.record_id is not None:
            self.select_alert(command.record_id)

    def edit_alert(self) -> None:
        row = self.selected()
        if row is None:
            return
        values, ok = RecordDialog.edit(self, self.tr("Edit alert"), m.Alert, alert_specs(), row)
        changes = {name: value for name, value in values.items() if row.get(name) != value} if ok else {}
        if changes:
            push(self.undo, EditRecord(self.store, self.events, m.Alert, row["id"], changes, self.tr("Edit alert"),
                                       self.client_id, self))

    def deletion_text(self, alert_id: int) -> str:
        """What the confirmation says goes with the alert, and what stays."""
        with self.store.session() as session:
            counts = records.describe_deletion(session, m.Alert, alert_id)
            linked = session.execute(select(func.count()).select_from(m.Proceeding)
                                     .where(col(m.Proceeding.alert_id) == alert_id)).scalar_one()
        warrants = counts.get(table_name(m.ArrestWarrant), 0)
        changes = counts.get(table_name(m.AlertStatusChange), 0)
        notified = counts.get(table_name(m.AlertNotification), 0)
        parts = [
            plural(self.tr("%n arrest warrant(s)", None, warrants), warrants),
            plural(self.tr("%n status change(s)", None, changes), changes),
            plural(self.tr("%n notice(s) of deletion sent to national authorities", None, notified), notified),
        ]
        text = self.tr("Delete this alert? With it go %1.").replace("%1", ", ".join(parts))
        if linked:
            text += " " + plural(self.tr("%n proceeding(s) linked to it will stay in the case, no longer linked.",
                                         None, linked), linked)
        return text + "\n\n" + self.tr("You can undo this with Ctrl+Z.")

    def delete_alert(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not alerts.confirm(self, self.tr("Delete alert?"), self.deletion_text(row["id"]), destructive=True):
            return
        push(self.undo, DeleteRecord(self.store, self.events, m.Alert, row["id"], self.tr("Delete alert"),
                                     self.client_id, self))
