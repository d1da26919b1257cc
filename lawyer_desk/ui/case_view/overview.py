"""The Overview tab: the client's details in a form, beside a summary card of the case.

The form is saved explicitly (Save / Revert). A save is one undoable ``EditRecord`` holding
only the fields that changed, so an undo puts back exactly what this save altered. The main
window asks ``maybe_save`` before it shows another case or closes, so typed details are
never lost silently.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from lawyer_desk.core import models as m
from lawyer_desk.core import records
from lawyer_desk.core.client_list import DUE_SOON_DAYS
from lawyer_desk.core.codes import country_name, format_partial_date
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import AlertStatus, AlertType, AsylumStatus, CustodyStatus, DeadlineStatus
from lawyer_desk.ui import alerts
from lawyer_desk.ui.case_view.specs import client_specs
from lawyer_desk.ui.forms import RecordForm
from lawyer_desk.ui.labels import label, plural
from lawyer_desk.ui.undo import CaseEvents, EditRecord, push

OVERDUE_COLOUR = "#c62828"
DUE_SOON_COLOUR = "#a15c00"
ATTENTION_COLOUR = "#a15c00"
SUMMARY_DEADLINES = 3


def tr(text: str, n: int | None = None) -> str:
    if n is None:
        return QCoreApplication.translate("OverviewTab", text)
    return plural(QCoreApplication.translate("OverviewTab", text, None, n), n)


# --- what the summary card says, without any widget ----------------------------------------------
@dataclass(frozen=True)
class AlertLine:
    type: AlertType
    reference: str | None
    requesting_country: str | None
    status: AlertStatus
    notified: int
    confirmed: int


@dataclass(frozen=True)
class DeadlineLine:
    title: str
    due_date: date
    due_time: time | None
    time_zone: str | None
    overdue: bool
    due_soon: bool


@dataclass(frozen=True)
class CaseSummary:
    alerts: list[AlertLine]
    deadlines: list[DeadlineLine]
    custody_status: CustodyStatus
    custody_facility: str | None
    asylum_status: AsylumStatus
    asylum_country: str | None
    asylum_date: str | None


def load_summary(session: Session, client_id: int, today: date) -> CaseSummary | None:
    """Alerts, the next open deadlines, custody and asylum of one client; None if it is gone."""
    client = session.get(m.Client, client_id)
    if client is None:
        return None
    n, a, d = m.AlertNotification, m.Alert, m.Deadline
    counts = {row.alert_id: (row.notified, row.confirmed) for row in session.execute(
        select(col(n.alert_id), func.count().label("notified"), func.count(col(n.date_confirmed)).label("confirmed"))
        .join(a, col(a.id) == col(n.alert_id)).where(col(a.client_id) == client_id).group_by(col(n.alert_id)))}
    alert_lines = [
        AlertLine(alert.type, alert.reference, alert.requesting_country, alert.status, *counts.get(alert.id, (0, 0)))
        for alert in session.execute(select(a).where(col(a.client_id) == client_id)
                                     .order_by(col(a.issue_date), col(a.id))).scalars()
    ]
    soon = today + timedelta(days=DUE_SOON_DAYS)
    deadline_lines = [
        DeadlineLine(dl.title, dl.due_date, dl.due_time, dl.time_zone, dl.due_date < today,
                     today <= dl.due_date <= soon)
        for dl in session.execute(
            select(d).where(col(d.client_id) == client_id, col(d.status) == DeadlineStatus.open)
            .order_by(col(d.due_date), col(d.due_time), col(d.id)).limit(SUMMARY_DEADLINES)).scalars()
    ]
    return CaseSummary(alert_lines, deadline_lines, client.custody_status, client.custody_facility,
                       client.asylum_status, client.asylum_country, client.asylum_date)


def alert_text(line: AlertLine) -> str:
    parts = [label(line.type)]
    if line.reference:
        parts.append(line.reference)
    if line.requesting_country:
        parts.append(tr("requested by %1").replace("%1", country_name(line.requesting_country)))
    parts.append(label(line.status))
    text = " · ".join(parts)
    if line.status == AlertStatus.deleted:
        text += " — " + tr("notifications: %1 of %2 confirmed").replace("%1", str(line.confirmed)).replace(
            "%2", str(line.notified))
    return text


def deadline_text(line: DeadlineLine, today: date) -> str:
    when = line.due_date.isoformat()
    if line.due_time is not None:
        when += " " + line.due_time.strftime("%H:%M")
        if line.time_zone:
            when += f" ({line.time_zone})"
    days = (line.due_date - today).days
    if line.overdue:
        state = tr("OVERDUE by %n day(s)", -days)
    elif days == 0:
        state = tr("due TODAY")
    elif line.due_soon:
        state = tr("due soon: in %n day(s)", days)
    else:
        state = tr("in %n day(s)", days)
    return f"{when} — {line.title} ({state})"


def _custody_and_asylum(summary: CaseSummary) -> tuple[str, str]:
    custody = label(summary.custody_status)
    if summary.custody_facility and summary.custody_status in (CustodyStatus.detained, CustodyStatus.house_arrest):
        custody += f" ({summary.custody_facility})"
    asylum = label(summary.asylum_status)
    details = [country_name(summary.asylum_country)] if summary.asylum_country else []
    if summary.asylum_date:
        details.append(format_partial_date(summary.asylum_date))
    if details:
        asylum += f" ({', '.join(details)})"
    return custody, asylum


def custody_asylum_text(summary: CaseSummary) -> str:
    custody, asylum = _custody_and_asylum(summary)
    return tr("Custody: %1 · Asylum: %2").replace("%1", custody).replace("%2", asylum)


def custody_asylum_html(summary: CaseSummary) -> str:
    """The same line with a detention in colour and bold; every part escaped (the facility is user text)."""
    custody, asylum = _custody_and_asylum(summary)
    custody = html.escape(custody)
    if summary.custody_status in (CustodyStatus.detained, CustodyStatus.house_arrest):
        custody = f'<span style="color: {OVERDUE_COLOUR}; font-weight: bold;">{custody}</span>'
    template = html.escape(tr("Custody: %1 · Asylum: %2"))
    return template.replace("%1", custody).replace("%2", html.escape(asylum))


# --- widgets -----------------------------------------------------------------------------------
class SummaryCard(QFrame):
    """Alerts, next deadlines, custody and asylum at a glance; colours repeat what the text says."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summary_card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._layout = QVBoxLayout(self)
        self._layout.setSpacing(4)
        self.lines: list[QLabel] = []
        self.plain: list[str] = []  # what each line says, without markup
        self.show_summary(None, date.today())

    def _clear(self) -> None:
        while (item := self._layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.hide()  # deleteLater alone would leave it painted until the event loop runs
                widget.deleteLater()
        self.lines = []
        self.plain = []

    def _heading(self, text: str) -> None:
        heading = QLabel(text, self)
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        if self._layout.count():
            self._layout.addSpacing(8)
        self._layout.addWidget(heading)

    def _line(self, text: str, colour: str | None = None, bold: bool = False, rich: str | None = None) -> QLabel:
        line = QLabel(rich or text, self)
        # Titles and references are the user's text: plain, unless the caller escaped them into ``rich``.
        line.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        line.setAccessibleName(text)
        line.setWordWrap(True)
        line.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignTop)
        line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        style = []
        if colour:
            style.append(f"color: {colour};")
        if bold:
            style.append("font-weight: bold;")
        line.setStyleSheet(" ".join(style))
        self._layout.addWidget(line)
        self.lines.append(line)
        self.plain.append(text)
        return line

    def show_summary(self, summary: CaseSummary | None, today: date) -> None:
        self._clear()
        if summary is None:
            self._line(self.tr("No case selected."))
            self._layout.addStretch(1)
            return
        self._heading(self.tr("Alerts"))
        for alert in summary.alerts:
            outstanding = alert.status == AlertStatus.deleted and alert.confirmed < alert.notified
            self._line("• " + alert_text(alert), ATTENTION_COLOUR if outstanding else None)
        if not summary.alerts:
            self._line(self.tr("No alert recorded."))
        self._heading(self.tr("Next deadlines"))
        for deadline in summary.deadlines:
            colour = OVERDUE_COLOUR if deadline.overdue else DUE_SOON_COLOUR if deadline.due_soon else None
            self._line("• " + deadline_text(deadline, today), colour, bold=deadline.overdue)
        if not summary.deadlines:
            self._line(self.tr("No open deadline."))
        self._heading(self.tr("Custody and asylum"))
        self._line(custody_asylum_text(summary), rich=custody_asylum_html(summary))
        self._layout.addStretch(1)

    def text(self) -> str:
        """Everything the card says, one line each (for tests and accessibility)."""
        return "\n".join(self.plain)


class OverviewTab(QWidget):
    """The client's details, editable, and a summary card of the case."""

    def __init__(self, store: Store, events: CaseEvents, undo: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overview_tab")
        self.store, self.events, self.undo = store, events, undo
        self.client_id: int | None = None
        self.today = date.today  # replaceable in tests
        self._saved: dict[str, Any] = {}  # the client's fields as stored
        self._raw_saved: dict[str, Any] = {}  # the same, as the form reads them back
        self._saving = False

        self.form = RecordForm(client_specs(), self)
        self.form.setObjectName("client_form")
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.form)

        self.unsaved_label = QLabel(self.tr("Unsaved changes"), self)
        self.unsaved_label.setStyleSheet(f"color: {ATTENTION_COLOUR};")
        self.revert_button = QPushButton(self.tr("Revert"), self)
        self.revert_button.setToolTip(self.tr("Discard the changes typed since the last save"))
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setObjectName("save_client")
        self.save_button.setDefault(True)
        # Ctrl+S is the main window's Save action, which calls ``save``; a second shortcut here
        # would make the key ambiguous and do nothing.
        self.save_button.setToolTip(self.tr("Save the client's details (%1)").replace(
            "%1", QKeySequence(QKeySequence.StandardKey.Save).toString(QKeySequence.SequenceFormat.NativeText)))
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        buttons = QHBoxLayout()
        buttons.addWidget(self.unsaved_label)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        left = QVBoxLayout()
        left.addWidget(scroll, 1)
        left.addLayout(buttons)

        self.title = QLabel(self)
        self.title.setObjectName("client_title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.4)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.card = SummaryCard(self)
        card_scroll = QScrollArea(self)
        card_scroll.setWidgetResizable(True)
        card_scroll.setFrameShape(QFrame.Shape.NoFrame)
        card_scroll.setWidget(self.card)
        right = QVBoxLayout()
        right.addWidget(self.title)
        right.addWidget(card_scroll, 1)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

        self.form.changed.connect(self._update_buttons)
        for widget in self.form.widgets.values():  # typed text counts before the field is left
            if hasattr(widget, "textChanged"):
                widget.textChanged.connect(self._update_buttons)
        events.changed.connect(self._on_changed)
        self.show_case(None)

    # -- loading ------------------------------------------------------------------------
    def show_case(self, client_id: int | None) -> None:
        """Show a client (None: nothing selected). Call ``maybe_save`` first: edits are dropped."""
        self.client_id = client_id
        if not self._load_form():
            self.client_id = None
            self._saved = {}
            self.form.set_values({})
            self._raw_saved = self.form.values()
            self.title.clear()
        self.setEnabled(self.client_id is not None)
        self._load_summary()
        self._update_buttons()

    def _load_form(self) -> bool:
        if self.client_id is None:
            return False
        with self.store.session() as session:
            client = session.get(m.Client, self.client_id)
            values = records.fields_of(client) if client is not None else None
        if values is None:
            return False
        self._saved = values
        self.form.set_values(values)
        self._raw_saved = self.form.values()
        self.title.setText(values["display_name"])
        return True

    def _load_summary(self) -> None:
        summary = None
        if self.client_id is not None:
            with self.store.session() as session:
                summary = load_summary(session, self.client_id, self.today())
        self.card.show_summary(summary, self.today())

    def _on_changed(self, table: str, client_id: int) -> None:
        if self.client_id is None or client_id not in (-1, self.client_id):
            return
        if table == "client" and not self._saving:
            self._reload_keeping_edits()
        self._load_summary()

    def _reload_keeping_edits(self) -> None:
        """Take the stored values (an undo, another window) but keep what the user is typing."""
        edited = {name: value for name, value in self.form.values().items() if value != self._raw_saved.get(name)}
        if not self._load_form():
            self.show_case(None)
            return
        if edited:
            self.form.set_values({**self._saved, **edited})
            for name, problem in self.form.local_errors().items():
                self.form.set_error(name, problem)
        self._update_buttons()

    # -- editing ------------------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        return self.client_id is not None and self.form.values() != self._raw_saved

    def _update_buttons(self, *_: object) -> None:
        dirty = self.has_unsaved_changes()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.unsaved_label.setVisible(dirty)

    def save(self) -> bool:
        """Check every field and store what changed; False (fields marked) when something is wrong."""
        if self.client_id is None:
            return True
        errors = self.form.local_errors()
        checked: dict[str, Any] = {}
        if not errors:
            try:
                checked = records.validate(m.Client, self.form.values())
            except records.FieldErrors as exc:
                errors = exc.errors
        if errors:
            self.form.show_errors(errors)
            return False
        changes = {name: value for name, value in checked.items() if value != self._saved.get(name)}
        if changes:
            self._saving = True
            try:
                ok = push(self.undo, EditRecord(self.store, self.events, m.Client, self.client_id, changes,
                                                self.tr("Edit client details"), self.client_id, self))
            finally:
                self._saving = False
            if not ok:
                return False
        self._load_form()
        self._update_buttons()
        return True

    def revert(self) -> None:
        """Back to the stored values."""
        if not self._load_form():
            self.show_case(None)
        self._update_buttons()

    def maybe_save(self, parent: QWidget | None = None) -> bool:
        """Before leaving this case: True when it is fine to go on (saved, discarded or unchanged)."""
        if not self.has_unsaved_changes():
            return True
        name = self._saved.get("display_name") or ""
        return alerts.settle_unsaved(
            parent or self, self.tr("Save changes?"),
            self.tr("The details of %1 have changed. Save them before going on?").replace("%1", name),
            self.save, self.revert)
