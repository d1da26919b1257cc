"""The Deadlines tab: every time limit of the case, soonest first, with its urgency in words and colour.

A deadline is entered by hand or computed from a rule of the forum ("Add from rule…"); the
fields the rule engine fills (rule, trigger event, trigger date) are shown read-only, and a
rule-based deadline moves only through "Change trigger date…", which shows the recomputed
dates of every deadline hanging on that trigger before saving them. Urgency is judged in the
deadline's own time zone when it has one: a filing due in Strasbourg is late by Strasbourg's clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QCoreApplication, QLocale, QTimer
from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawyer_desk.core import models as m
from lawyer_desk.core import records
from lawyer_desk.core.deadlines.agenda import THIS_WEEK_DAYS, Urgency
from lawyer_desk.core.deadlines.recompute import deadline_from_rule
from lawyer_desk.core.errors import LawyerDeskError
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import DeadlineStatus
from lawyer_desk.ui import alerts
from lawyer_desk.ui.case_view.linked import CaseRecordTable, DecoratedListModel
from lawyer_desk.ui.case_view.record_table import Column
from lawyer_desk.ui.case_view.specs_more import deadline_specs
from lawyer_desk.ui.deadline_commands import ApplyTriggerChange, MarkDeadlinesDone
from lawyer_desk.ui.deadline_rule_dialog import DeadlineFromRuleDialog, TriggerChangeDialog, rule_catalogue
from lawyer_desk.ui.labels import label
from lawyer_desk.ui.local_time import local_now, local_zone
from lawyer_desk.ui.undo import CaseEvents, CreateRecord, push

SOON_DAYS = THIS_WEEK_DAYS  # "this week": due within the next seven days, as on the dashboard


# (background, text) per urgency; the text colour is set too, so a dark theme stays readable.
COLOURS: dict[Urgency, tuple[QColor, QColor]] = {
    Urgency.overdue: (QColor("#ffcdd2"), QColor("#8e0000")),
    Urgency.today: (QColor("#ffe0b2"), QColor("#6d3100")),
    Urgency.this_week: (QColor("#fff9c4"), QColor("#4e3b00")),
}
CLOSED_TEXT = QColor("#757575")


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, ZoneInfoNotFoundError):
        return None


def days_left(row: dict[str, Any], now: datetime) -> int:
    """Days from today (in the deadline's time zone, else the lawyer's) to the due date; negative when past."""
    zone = _zone(row.get("time_zone")) or local_zone()
    today = now.astimezone(zone).date()
    return (row["due_date"] - today).days


def urgency(row: dict[str, Any], now: datetime) -> Urgency | None:
    """How pressing an open deadline is at ``now`` (an aware datetime); None once done or missed."""
    if row.get("status") != DeadlineStatus.open:
        return None
    days = days_left(row, now)
    if days < 0:
        return Urgency.overdue
    if days == 0:
        cutoff: time | None = row.get("due_time")
        if cutoff is not None:
            zone = _zone(row.get("time_zone")) or local_zone()
            moment = datetime.combine(row["due_date"], cutoff, tzinfo=zone)
            if now >= moment:
                return Urgency.overdue
        return Urgency.today
    return Urgency.this_week if days <= SOON_DAYS else Urgency.later


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("DeadlinesTab", text, None, n)


def urgency_text(row: dict[str, Any], now: datetime) -> str:
    """The urgency in words, so that it does not depend on colour."""
    level = urgency(row, now)
    days = days_left(row, now)
    if level is None:
        return ""
    if level is Urgency.overdue:
        if days == 0:
            return _tr("Overdue: the cut-off time has passed")
        return _tr("Overdue by 1 day") if days == -1 else _tr("Overdue by %n days", -days)
    if level is Urgency.today:
        return _tr("Due today")
    if level is Urgency.this_week:
        return _tr("Due tomorrow") if days == 1 else _tr("This week: in %n days", days)
    return _tr("In %n days", days)


def _day(value: date | None) -> str:
    if value is None:
        return ""
    weekday = QLocale().dayName(value.isoweekday(), QLocale.FormatType.ShortFormat)
    return f"{weekday} {value.isoformat()}"


class DeadlinesTab(CaseRecordTable):
    """The deadlines of one case in due-date order, with a one-click "Mark done"."""

    link = "proceeding_id"
    wide_columns = (3,)  # the title

    def __init__(self, store: Store, events: CaseEvents, undo: QUndoStack, parent: QWidget | None = None) -> None:
        self.now: Callable[[], datetime] = local_now
        self.link_label = self.tr("Proceeding")
        self.link_help = self.tr("The proceeding this deadline belongs to, if any")
        self.link_after = "status"
        columns = [
            Column(self.tr("Due"), lambda r: _day(r["due_date"])),
            Column(self.tr("Time"), self.time_text),
            Column(self.tr("Urgency"), lambda r: urgency_text(r, self.now())),
            Column(self.tr("Title"), lambda r: r["title"]),
            Column(self.tr("Kind"), lambda r: label(r["kind"])),
            Column(self.tr("Status"), lambda r: label(r["status"])),
            Column(self.tr("Proceeding"), lambda r: self.choice_label(r.get("proceeding_id"))),
            Column(self.tr("Statutory / actual"), self.dates_text),
            Column(self.tr("Reminders"), self.reminders_text),
        ]
        super().__init__(store, events, undo, m.Deadline, self.tr("deadline"), deadline_specs(), columns,
                         order_by="due_date", parent=parent)
        self.setObjectName("deadlines_tab")
        self.use_list_model(DecoratedListModel(columns, self.colours, self))
        self.done_button = QPushButton(self.tr("Mark done"), self)
        self.done_button.setObjectName("mark_done")
        self.done_button.setToolTip(self.tr("Mark the selected deadline as done (can be undone)"))
        self.done_button.clicked.connect(self.mark_done)
        self.rule_button = QPushButton(self.tr("Add from rule…"), self)
        self.rule_button.setObjectName("add_from_rule")
        self.rule_button.setToolTip(self.tr("Compute a deadline from a rule of the forum and a trigger date"))
        self.rule_button.clicked.connect(self.add_from_rule)
        self.trigger_button = QPushButton(self.tr("Change trigger date…"), self)
        self.trigger_button.setObjectName("change_trigger")
        self.trigger_button.setToolTip(self.tr("Move the trigger date of a computed deadline; every deadline that "
                                               "hangs on it is recomputed, and shown to you before saving"))
        self.trigger_button.clicked.connect(self.change_trigger)
        buttons = self.layout().itemAt(0).layout()
        assert isinstance(buttons, QHBoxLayout)
        buttons.insertWidget(1, self.rule_button)
        buttons.insertWidget(4, self.done_button)
        buttons.insertWidget(5, self.trigger_button)
        self._update_buttons()
        # Urgency is worked out when a row is painted: repainting keeps it true past midnight or a cut-off.
        self.clock = QTimer(self)
        self.clock.setInterval(60_000)
        self.clock.timeout.connect(self.view.viewport().update)
        self.clock.start()

    # -- display ------------------------------------------------------------------------
    def colours(self, row: dict[str, Any]) -> tuple[QColor | None, QColor] | None:
        level = urgency(row, self.now())
        if level in COLOURS:
            return COLOURS[level]  # type: ignore[index]
        if row.get("status") != DeadlineStatus.open:
            return (None, CLOSED_TEXT)
        return None

    def time_text(self, row: dict[str, Any]) -> str:
        cutoff: time | None = row.get("due_time")
        if cutoff is None:
            return ""
        return " ".join(part for part in (cutoff.strftime("%H:%M"), row.get("time_zone") or "") if part)

    def dates_text(self, row: dict[str, Any]) -> str:
        parts = []
        if row.get("statutory_date"):
            parts.append(self.tr("statutory %1").replace("%1", row["statutory_date"].isoformat()))
        if row.get("actual_date"):
            parts.append(self.tr("actual %1").replace("%1", row["actual_date"].isoformat()))
        return " · ".join(parts)

    def reminders_text(self, row: dict[str, Any]) -> str:
        days = row.get("reminder_days") or []
        if not days:
            return ""
        return self.tr("%1 days before").replace("%1", ", ".join(str(d) for d in days))

    def load_choices(self, session: Session) -> list[tuple[str, int]]:
        query = select(m.Proceeding).where(m.Proceeding.client_id == self.parent_id).order_by(m.Proceeding.id)
        return [(self.proceeding_label(p), p.id) for p in session.execute(query).scalars() if p.id is not None]

    def proceeding_label(self, proceeding: m.Proceeding) -> str:
        detail = proceeding.reference or proceeding.authority or proceeding.stage
        return f"{label(proceeding.forum)} – {detail}" if detail else label(proceeding.forum)

    # -- actions ------------------------------------------------------------------------
    def _update_buttons(self, *_: object) -> None:
        super()._update_buttons()
        if not hasattr(self, "trigger_button"):
            return
        row = self.selected()
        self.done_button.setEnabled(row is not None and row.get("status") == DeadlineStatus.open)
        self.rule_button.setEnabled(self.parent_id is not None)
        self.trigger_button.setEnabled(row is not None and bool(row.get("rule_id"))
                                       and row.get("status") == DeadlineStatus.open)

    def mark_done(self) -> None:
        row = self.selected()
        if row is None or row.get("status") != DeadlineStatus.open:
            return
        push(self.undo, MarkDeadlinesDone(self.store, self.events, [row["id"]], self.tr("Mark deadline done"),
                                          self.client_id, self, self.now))

    def add_from_rule(self) -> None:
        """Compute a deadline from a rule (the dialog shows how) and add it as one undoable step."""
        if self.parent_id is None:
            return
        catalogue = rule_catalogue(self.store, self)
        if catalogue is None:
            return
        selected = self.selected()
        choice, ok = DeadlineFromRuleDialog.choose(self, catalogue, self.choices,
                                                   proceeding_id=selected.get("proceeding_id") if selected else None)
        if not ok or choice is None:
            return
        try:
            deadline = deadline_from_rule(catalogue, choice.rule_id, choice.trigger, client_id=self.parent_id,
                                          proceeding_id=choice.proceeding_id, reminder_days=choice.reminder_days)
        except LawyerDeskError as exc:
            alerts.error_for(self, exc)
            return
        command = CreateRecord(self.store, self.events, m.Deadline, records.fields_of(deadline),
                               self.tr("Add deadline from rule"), self, client_id=self.parent_id,
                               proceeding_id=choice.proceeding_id)
        if push(self.undo, command) and command.record_id is not None:
            self.select_id(command.record_id)

    def change_trigger(self) -> None:
        """A new trigger date for the selected computed deadline, applied after the lawyer saw its effect."""
        row = self.selected()
        if row is None or not row.get("rule_id"):
            return
        catalogue = rule_catalogue(self.store, self)
        if catalogue is None:
            return
        plan, ok = TriggerChangeDialog.ask(self, self.store, catalogue, row["id"], row.get("trigger_date"))
        if ok and plan:
            push(self.undo, ApplyTriggerChange(self.store, self.events, plan, self.tr("Change trigger date"),
                                               self.client_id, self))
