"""Deadlines computed from the forum's rules: add one from a rule, and move one with its trigger.

``DeadlineFromRuleDialog.choose(...)`` lets the lawyer pick the proceeding, the rule (a list
filtered as they type) and the trigger date, and shows, as they choose, the due date, the
cut-off in the forum's time and their own, every step of the computation and the sources;
the reminder offsets can be changed. ``TriggerChangeDialog.ask(...)`` shows what a new trigger
date does to every deadline that hangs on it (old → new, with the reasoning) before anything
is saved. Both return ``(value, ok)`` so tests patch one place; neither writes to the store:
the caller pushes an undoable command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lawyer_desk.core.deadlines import load_catalogue
from lawyer_desk.core.deadlines.agenda import cutoff_text
from lawyer_desk.core.deadlines.engine import check_trigger, compute, fmt_date
from lawyer_desk.core.deadlines.recompute import Recalculation, plan_trigger_change
from lawyer_desk.core.deadlines.reminders import DEFAULT_OFFSETS, check_offsets
from lawyer_desk.core.deadlines.rules import Catalogue, Rule
from lawyer_desk.core.errors import InvalidInput, LawyerDeskError
from lawyer_desk.core.store import Store
from lawyer_desk.ui import alerts, local_time
from lawyer_desk.ui.labels import label

ERROR_COLOUR = "#c62828"
RULE_ROLE = Qt.ItemDataRole.UserRole


def tr(text: str) -> str:
    return QCoreApplication.translate("deadline_rules", text)


def rules_folder(store: Store) -> Path:
    """The lawyer's own rule files: ``rules/*.toml`` in the store's folder (as the command line reads them)."""
    return store.paths.root / "rules"


def rule_catalogue(store: Store, parent: QWidget | None) -> Catalogue | None:
    """The shipped rules and the lawyer's own; a bad rule file is explained (file, rule, field), never used."""
    try:
        return load_catalogue(rules_folder(store))
    except LawyerDeskError as exc:
        alerts.error(parent, tr("The deadline rules cannot be used"),
                     tr("A rule file has a mistake, so no rule was loaded and nothing was changed. "
                        "Correct or remove the file named below, then try again."), str(exc))
        return None


def trigger_problem(day: date, today: date) -> str | None:
    """Why ``day`` cannot be a trigger date, or None: the core's limits, as the command line's."""
    try:
        check_trigger(day, today)
    except InvalidInput as exc:
        return str(exc)
    return None


def offsets_problem(text: str) -> tuple[list[int], str | None]:
    """The reminder offsets typed ('7, 1, 0'), largest first, or the reason they are wrong."""
    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        return [], tr("whole numbers of days separated by commas, e.g. 7, 1, 0 (0 is the morning of the due day)")
    try:
        return check_offsets(numbers), None
    except InvalidInput as exc:
        return [], str(exc)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _error_label(parent: QWidget, name: str) -> QLabel:
    error = QLabel(parent)
    error.setObjectName(name)
    error.setStyleSheet(f"color: {ERROR_COLOUR};")
    error.setWordWrap(True)
    error.hide()
    return error


def _show_error(widget: QLabel, message: str | None) -> None:
    widget.setText(message or "")
    widget.setVisible(bool(message))


@dataclass(frozen=True)
class RuleChoice:
    """What the lawyer chose: the deadline is made from it by ``recompute.deadline_from_rule``."""

    rule_id: str
    trigger: date
    proceeding_id: int | None
    reminder_days: list[int]


class DeadlineFromRuleDialog(QDialog):
    """Pick the proceeding, the rule and the trigger date; see the computed date before saving."""

    def __init__(self, catalogue: Catalogue, proceedings: list[tuple[str, int]], parent: QWidget | None = None, *,
                 proceeding_id: int | None = None, today: Callable[[], date] = date.today,
                 local_zone: Callable[[], tzinfo] = local_time.local_zone) -> None:
        super().__init__(parent)
        self.setObjectName("deadline_from_rule")
        self.setWindowTitle(self.tr("Add deadline from a rule"))
        self.catalogue, self.today, self.local_zone = catalogue, today, local_zone
        self.result_value: RuleChoice | None = None

        self.proceeding_combo = QComboBox(self)
        self.proceeding_combo.setObjectName("rule_proceeding")
        self.proceeding_combo.addItem(self.tr("— none —"), None)
        for text, choice in proceedings:
            self.proceeding_combo.addItem(text, choice)
        if proceeding_id is not None:
            self.proceeding_combo.setCurrentIndex(max(self.proceeding_combo.findData(proceeding_id), 0))

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("rule_filter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText(self.tr("Filter rules by id, title or forum, e.g. s103, CCF, ECtHR"))
        self.filter_edit.textChanged.connect(self._filter)
        self.rule_list = QListWidget(self)
        self.rule_list.setObjectName("rule_list")
        self.rule_list.setAlternatingRowColors(True)
        self.rule_list.setWordWrap(True)
        self.rule_list.setMinimumHeight(170)
        for rule in sorted(catalogue, key=lambda r: (r.forum.casefold(), r.id)):
            item = QListWidgetItem(f"{rule.title}\n{rule.id} · {rule.forum}", self.rule_list)
            item.setData(RULE_ROLE, rule.id)
            item.setToolTip(f"{rule.source.cite()}\n{rule.note or ''}".strip())
        self.rule_list.currentItemChanged.connect(lambda *_: self.update_preview())
        self.no_rule_label = QLabel(self.tr("No rule matches the filter."), self)
        self.no_rule_label.hide()

        self.trigger_edit = QDateEdit(self)
        self.trigger_edit.setObjectName("rule_trigger")
        self.trigger_edit.setCalendarPopup(True)
        self.trigger_edit.setDisplayFormat("yyyy-MM-dd")
        self.trigger_edit.setMinimumDate(QDate(1900, 1, 1))
        self.trigger_edit.setDate(_qdate(today()))
        self.trigger_edit.dateChanged.connect(lambda *_: self.update_preview())
        self.trigger_error = _error_label(self, "rule_trigger_error")

        self.due_label = QLabel(self)
        self.due_label.setObjectName("rule_due")
        font = self.due_label.font()
        font.setBold(True)
        self.due_label.setFont(font)
        self.due_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation = QPlainTextEdit(self)
        self.explanation.setObjectName("rule_explanation")
        self.explanation.setReadOnly(True)
        self.explanation.setMinimumHeight(110)
        self.sources = QPlainTextEdit(self)
        self.sources.setObjectName("rule_sources")
        self.sources.setReadOnly(True)
        self.sources.setMinimumHeight(100)

        self.reminders_edit = QLineEdit(", ".join(str(d) for d in DEFAULT_OFFSETS), self)
        self.reminders_edit.setObjectName("rule_reminders")
        self.reminders_edit.setToolTip(self.tr("Days before the due date to remind you; 0 is the morning of the "
                                               "due day"))
        self.reminders_edit.textChanged.connect(lambda *_: self._check_offsets())
        self.reminders_error = _error_label(self, "rule_reminders_error")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        # One widget per row: a form row holding a layout with a wrapped label gets its height wrong.
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.tr("Proceeding"), self.proceeding_combo)
        form.addRow(self.tr("Rule"), self.filter_edit)
        form.addRow("", self.rule_list)
        form.addRow("", self.no_rule_label)
        form.addRow(self.tr("Trigger date"), self.trigger_edit)
        form.addRow("", self.trigger_error)
        form.addRow(self.tr("Due"), self.due_label)
        form.addRow(self.tr("How it is computed"), self.explanation)
        form.addRow(self.tr("Sources"), self.sources)
        form.addRow(self.tr("Remind me (days before)"), self.reminders_edit)
        form.addRow("", self.reminders_error)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)
        if self.rule_list.count():
            self.rule_list.setCurrentRow(0)
        self.filter_edit.setFocus()
        self.update_preview()

    # -- reading the choice -------------------------------------------------------------
    def rule(self) -> Rule | None:
        item = self.rule_list.currentItem()
        if item is None or item.isHidden():
            return None
        return self.catalogue.get(item.data(RULE_ROLE))

    def select_rule(self, rule_id: str) -> bool:
        for row in range(self.rule_list.count()):
            item = self.rule_list.item(row)
            if item.data(RULE_ROLE) == rule_id and not item.isHidden():
                self.rule_list.setCurrentItem(item)
                return True
        return False

    def trigger(self) -> date:
        return _date(self.trigger_edit.date())

    def set_trigger(self, day: date) -> None:
        self.trigger_edit.setDate(_qdate(day))

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        first_visible: QListWidgetItem | None = None
        for row in range(self.rule_list.count()):
            item = self.rule_list.item(row)
            rule = self.catalogue.get(item.data(RULE_ROLE))
            haystack = " ".join((rule.id, rule.title, rule.forum, rule.jurisdiction, rule.trigger_event)).casefold()
            hidden = not all(word in haystack for word in words)
            item.setHidden(hidden)
            if not hidden and first_visible is None:
                first_visible = item
        current = self.rule_list.currentItem()
        if (current is None or current.isHidden()) and first_visible is not None:
            self.rule_list.setCurrentItem(first_visible)
        self.no_rule_label.setVisible(first_visible is None)
        self.update_preview()

    def _check_offsets(self) -> list[int] | None:
        offsets, problem = offsets_problem(self.reminders_edit.text())
        _show_error(self.reminders_error, problem)
        self._update_save()
        return None if problem else offsets

    def _update_save(self) -> None:
        ok = (self.rule() is not None and self.trigger_error.isHidden() and self.reminders_error.isHidden())
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ok)

    # -- the live result ----------------------------------------------------------------
    def update_preview(self) -> None:
        rule = self.rule()
        trigger = self.trigger()
        problem = trigger_problem(trigger, self.today())
        _show_error(self.trigger_error, problem)
        # The event is also the first line of the explanation ("Trigger: … on Sun 22 Nov 2026").
        self.trigger_edit.setToolTip(self.tr("The day of: %1").replace("%1", rule.trigger_event) if rule else "")
        if rule is None or problem:
            self.due_label.setText("")
            self.explanation.setPlainText("")
            self.sources.setPlainText("")
            self._update_save()
            return
        try:
            result = compute(rule, trigger)
        except (ValueError, OverflowError):  # a date past the calendar's end
            _show_error(self.trigger_error, self.tr("No due date can be computed from this trigger date."))
            self._update_save()
            return
        cutoff = cutoff_text(result.due, result.time, result.tz, self.local_zone(), place=rule.place)
        due = fmt_date(result.due)
        if cutoff:
            due += " · " + cutoff
        elif result.tz:
            due += " · " + self.tr("end of the day, %1").replace("%1", result.tz)
        due += " · " + label(result.kind)
        self.due_label.setText(due)
        self.explanation.setPlainText("\n".join(result.explanation))
        self.sources.setPlainText("\n".join((
            self.tr("Period: %1").replace("%1", rule.source.cite()),
            self.tr("Counting: %1").replace("%1", rule.counting_source.cite()),
            self.tr("Weekends and holidays: %1").replace("%1", rule.roll_source.cite()),
        )))
        self._update_save()

    # -- saving -------------------------------------------------------------------------
    def accept(self) -> None:
        rule = self.rule()
        offsets = self._check_offsets()
        self.update_preview()
        if rule is None or offsets is None or not self.trigger_error.isHidden():
            return
        self.result_value = RuleChoice(rule.id, self.trigger(), self.proceeding_combo.currentData(), offsets)
        super().accept()

    @classmethod
    def choose(cls, parent: QWidget | None, catalogue: Catalogue, proceedings: list[tuple[str, int]], *,
               proceeding_id: int | None = None) -> tuple[RuleChoice | None, bool]:
        """Show the dialog; returns (the choice, True) when saved."""
        dialog = cls(catalogue, proceedings, parent, proceeding_id=proceeding_id)
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        value = dialog.result_value
        dialog.deleteLater()
        return value, ok and value is not None


class TriggerChangeDialog(QDialog):
    """A new trigger date, and what it does to each deadline that hangs on it, before anything is saved."""

    def __init__(self, store: Store, catalogue: Catalogue, deadline_id: int, current: date | None,
                 parent: QWidget | None = None, *, today: Callable[[], date] = date.today) -> None:
        super().__init__(parent)
        self.setObjectName("trigger_change")
        self.setWindowTitle(self.tr("Change the trigger date"))
        self.store, self.catalogue, self.deadline_id = store, catalogue, deadline_id
        self.current, self.today = current, today
        self.plan: list[Recalculation] = []

        intro = QLabel(self.tr("Every open deadline computed from the same event of the same proceeding moves "
                               "with it. Check the new dates before you apply them."), self)
        intro.setWordWrap(True)
        self.trigger_edit = QDateEdit(self)
        self.trigger_edit.setObjectName("new_trigger")
        self.trigger_edit.setCalendarPopup(True)
        self.trigger_edit.setDisplayFormat("yyyy-MM-dd")
        self.trigger_edit.setMinimumDate(QDate(1900, 1, 1))
        self.trigger_edit.setDate(_qdate(current or today()))
        self.trigger_edit.dateChanged.connect(lambda *_: self.update_plan())
        self.error = _error_label(self, "trigger_change_error")
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("trigger_change_plan")
        self.table.setHorizontalHeaderLabels([self.tr("Deadline"), self.tr("Trigger"), self.tr("Due before"),
                                              self.tr("Due after")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.explanation = QPlainTextEdit(self)
        self.explanation.setObjectName("trigger_change_explanation")
        self.explanation.setReadOnly(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.apply_button = QPushButton(self.tr("Apply changes"), self)
        self.apply_button.setDefault(True)
        self.buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("Trigger date was"), QLabel(current.isoformat() if current else "—", self))
        box = QVBoxLayout()
        box.addWidget(self.trigger_edit)
        box.addWidget(self.error)
        form.addRow(self.tr("New trigger date"), box)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel(self.tr("How the new dates are computed:"), self))
        layout.addWidget(self.explanation, 1)
        layout.addWidget(self.buttons)
        self.setMinimumSize(680, 460)
        self.update_plan()

    def set_trigger(self, day: date) -> None:
        self.trigger_edit.setDate(_qdate(day))

    def update_plan(self) -> None:
        """Plan the change for the date shown (nothing is written) and show it."""
        new = _date(self.trigger_edit.date())
        problem = trigger_problem(new, self.today())
        self.plan = []
        if problem is None:
            try:
                with self.store.session() as session:
                    self.plan = plan_trigger_change(session, self.catalogue, self.deadline_id, new)
            except LawyerDeskError as exc:
                problem = str(exc)
            except (ValueError, OverflowError):
                problem = self.tr("No due date can be computed from this trigger date.")
        _show_error(self.error, problem)
        self.table.setRowCount(len(self.plan))
        for row, step in enumerate(self.plan):
            before = _due(step.old_due, step.old_time)
            after = _due(step.new_due, step.new_time)
            old_trigger = step.old_trigger.isoformat() if step.old_trigger else "—"
            cells = [step.title, f"{old_trigger} → {step.new_trigger.isoformat()}", before,
                     after if step.changed else self.tr("%1 (unchanged)").replace("%1", after)]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                if column == 3 and step.changed:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.table.setItem(row, column, cell)
        self.explanation.setPlainText("\n\n".join(
            f"{step.title}:\n" + "\n".join(step.explanation) for step in self.plan))
        moved = self.current is None or new != self.current
        self.apply_button.setEnabled(bool(self.plan) and problem is None and moved)

    def accept(self) -> None:
        self.update_plan()
        if not self.apply_button.isEnabled():
            return
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, store: Store, catalogue: Catalogue, deadline_id: int,
            current: date | None) -> tuple[list[Recalculation], bool]:
        """Show the dialog; returns (the plan to apply, True) when the lawyer accepted it."""
        dialog = cls(store, catalogue, deadline_id, current, parent)
        ok = dialog.exec() == QDialog.DialogCode.Accepted
        plan = list(dialog.plan)
        dialog.deleteLater()
        return plan, ok and bool(plan)


def _due(day: date, cutoff: object) -> str:
    text = fmt_date(day)
    return f"{text} {cutoff:%H:%M}" if cutoff is not None else text
