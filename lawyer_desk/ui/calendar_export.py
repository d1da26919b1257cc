"""The "Export calendar (.ics)" dialog: where to write, which cases, and how much to reveal.

A calendar file leaves the encrypted store and usually ends up in a phone or a shared
calendar, so by default each event says only the case reference and the deadline's title;
client names and notes go in only when the lawyer ticks them. ``CalendarExportDialog.ask``
returns ``(CalendarChoice, ok)``; the main window writes the file off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QButtonGroup, QCheckBox, QLabel, QRadioButton, QVBoxLayout, QWidget

from lawyer_desk.core.errors import LawyerDeskError
from lawyer_desk.core.interchange.ics import CalendarOptions, export_calendar
from lawyer_desk.core.store import Store
from lawyer_desk.ui import alerts
from lawyer_desk.ui.export_dialog import ExportDialog
from lawyer_desk.ui.tasks import Progress, ProgressDialog


def tr(text: str) -> str:
    return QCoreApplication.translate("calendar_export", text)


@dataclass(frozen=True)
class CalendarChoice:
    path: Path
    this_case_only: bool = False
    include_client_name: bool = False
    include_notes: bool = False


class CalendarExportDialog(ExportDialog):
    SUFFIX = ".ics"

    def __init__(self, default_path: Path, case_label: str | None, parent: QWidget | None = None) -> None:
        super().__init__(tr("Export calendar"), default_path, tr("iCalendar files (*.ics)"), parent)
        self.setObjectName("calendar_export")
        self.path_edit.setObjectName("calendar_path")

        self.all_cases = QRadioButton(self.tr("All open cases"), self)
        self.this_case = QRadioButton(self.tr("This case only: %1").replace("%1", case_label) if case_label
                                      else self.tr("This case only (select a case first)"), self)
        self.this_case.setEnabled(case_label is not None)
        scope = QButtonGroup(self)
        scope.addButton(self.all_cases)
        scope.addButton(self.this_case)
        self.all_cases.setChecked(True)

        self.client_names = QCheckBox(self.tr("Include client names"), self)
        self.client_names.setObjectName("calendar_client_names")
        self.client_names.setToolTip(self.tr("Off: each event shows only the case reference and the deadline. "
                                             "A calendar is often synchronised to phones and shared; a client's "
                                             "name there can put them at risk."))
        self.notes = QCheckBox(self.tr("Include the deadlines' notes"), self)
        self.notes.setToolTip(self.tr("Notes may hold confidential working details"))
        privacy = QLabel(self.tr("By default each event shows only the case reference (LD-…) and the deadline's "
                                 "title."), self)
        privacy.setWordWrap(True)

        scope_box = QVBoxLayout()
        scope_box.addWidget(self.all_cases)
        scope_box.addWidget(self.this_case)
        detail_box = QVBoxLayout()
        detail_box.addWidget(privacy)
        detail_box.addWidget(self.client_names)
        detail_box.addWidget(self.notes)
        self._finish([(self.tr("File"), self.path_box), (self.tr("Deadlines of"), scope_box),
                      (self.tr("Details"), detail_box)], 520)

    def chosen(self) -> tuple[CalendarChoice | None, str | None]:
        path, problem = self.chosen_path()
        if path is None:
            return None, problem
        return CalendarChoice(path, self.this_case.isChecked(), self.client_names.isChecked(),
                              self.notes.isChecked()), None


def export_calendar_file(parent: QWidget | None, store: Store, choice: CalendarChoice, client_id: int | None,
                         now: datetime) -> int | None:
    """Write the calendar off the GUI thread and say how many events it holds; None when it failed."""
    options = CalendarOptions(client_id=client_id if choice.this_case_only else None,
                              include_client_name=choice.include_client_name, include_notes=choice.include_notes)
    uid_key = store.key_for("calendar")

    def work(_progress: Progress) -> int:
        with store.session() as session:
            return export_calendar(session, choice.path, uid_key, options, now=now)

    try:
        count, _finished = ProgressDialog.run(parent, tr("Exporting"), tr("Writing the calendar…"), work,
                                              cancellable=False)
    except LawyerDeskError as exc:
        alerts.error(parent, tr("The calendar was not exported"), str(exc))
        return None
    except OSError as exc:
        alerts.error(parent, tr("The calendar was not exported"),
                     tr("The file could not be written: %1").replace("%1", exc.strerror or str(exc)))
        return None
    count = count or 0
    alerts.info(parent, tr("Calendar exported"),
                (tr("1 deadline was written to %2.") if count == 1 else tr("%1 deadlines were written to %2."))
                .replace("%1", str(count)).replace("%2", str(choice.path))
                + "\n\n" + tr("Importing the file again later updates these events rather than duplicating them."))
    return count
