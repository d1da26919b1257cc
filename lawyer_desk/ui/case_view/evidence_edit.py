"""Editing what the lawyer records about an exhibit: the form, its checks, and the undoable edit.

The form checks each field as the lawyer types (a partial date, an ISO 639 language code),
then the whole record the way the core will (``ExhibitBase``), and that the number is not
taken by another exhibit of the case, so saving never fails on something the form could
have said. The facts of the file (name, size, SHA-256) are not editable: they are what was
added. ``EditExhibit`` is a command on the window's undo stack like every other edit.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QWidget

from lawyer_desk.core import exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.exhibits import ExhibitRow
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import ExhibitKind
from lawyer_desk.ui.case_view.linked import CaseRecordDialog, link_spec
from lawyer_desk.ui.forms import FieldSpec
from lawyer_desk.ui.undo import CaseEvents, RecordCommand

FORM_FIELDS = ("number", "title", "kind", "date", "source", "language", "confidential", "notes")
FILE_FACTS = ("filename", "media_type", "size", "sha256")


def tr(text: str) -> str:
    return QCoreApplication.translate("evidence", text)


def exhibit_specs(choices: list[tuple[str, int]]) -> list[FieldSpec]:
    """The exhibit form; ``choices`` are the other exhibits of the case, for "translation of"."""
    return [
        FieldSpec("number", tr("Exhibit number"), placeholder=tr("e.g. 12 or A-3"), help=tr(
            "Unique within the case. New exhibits get the next number; Renumber numbers them 1, 2, 3… again.")),
        FieldSpec("title", tr("Title"), help=tr("What the document is, as it will appear in the exhibit index.")),
        FieldSpec("kind", tr("Kind"), "enum", enum=ExhibitKind),
        FieldSpec("date", tr("Date"), "partial_date", help=tr(
            "The date of the document, as precise as known: YYYY, YYYY-MM or YYYY-MM-DD.")),
        FieldSpec("source", tr("Source"), placeholder=tr("e.g. client, court registry, NGO report"),
                  help=tr("Where the document came from.")),
        FieldSpec("language", tr("Language"), "language", help=tr(
            "The language of the document, as an ISO 639 code (uig, zho, rus, eng…).")),
        FieldSpec("confidential", tr("Confidential — never disclose to the requesting state"), "bool", help=tr(
            "Left out of documents addressed to the CCF or the requesting state unless you override it.")),
        FieldSpec("notes", tr("Notes"), "multiline"),
        link_spec("translation_of_id", tr("Translation of"), choices, tr(
            "The exhibit this one translates, if it is a translation."), after="language"),
    ]


def choice_label(row: ExhibitRow) -> str:
    return tr("%1 – %2").replace("%1", row.number).replace("%2", row.title)


class ExhibitDialog(CaseRecordDialog):
    """The exhibit form in a dialog; Save only when every field is right."""

    def __init__(self, title: str, row: ExhibitRow, others: list[ExhibitRow], parent: QWidget | None = None) -> None:
        self.row = row
        self.taken = {o.number for o in others if o.id != row.id}
        choices = [(choice_label(o), o.id) for o in others if o.id != row.id]
        values = {name: getattr(row, name) for name in (*FORM_FIELDS, "translation_of_id")}
        super().__init__(title, m.Exhibit, exhibit_specs(choices), values, parent)
        self.setObjectName("exhibit_dialog")

    def record_errors(self, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """The values as the core will store them, and the problems, by field."""
        facts = {name: getattr(self.row, name) for name in FILE_FACTS}
        try:
            checked = m.ExhibitBase.model_validate({**values, **facts})
        except ValidationError as exc:
            errors: dict[str, str] = {}
            for problem in exc.errors(include_url=False):
                name = str(problem["loc"][0]) if problem["loc"] else "title"
                missing = problem["type"] == "missing" or problem.get("input") is None
                errors.setdefault(name, tr("required") if missing else problem["msg"].removeprefix("Value error, "))
            return {}, errors
        result = {name: getattr(checked, name) for name in FORM_FIELDS}
        if result["number"] in self.taken:
            return {}, {"number": tr("another exhibit of this case already has the number %1").replace(
                "%1", result["number"])}
        return result, {}

    def accept(self) -> None:
        errors = {**self.form.local_errors(), **self.extra_errors()}
        values = self.form.values()
        if not errors:
            checked, errors = self.record_errors(values)
        if errors:
            self.form.show_errors(errors)
            return
        self.result_values = {**checked, **self.link_values()}
        QDialog.accept(self)  # the record's checks are the ones above, not ``records.validate``

    @classmethod
    def ask(cls, parent: QWidget | None, row: ExhibitRow, others: list[ExhibitRow]) -> tuple[dict[str, Any], bool]:
        """Show the form for ``row``; (the changed fields, True) when saved."""
        dialog = cls(tr("Exhibit %1").replace("%1", row.number), row, others, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return {}, False
        return changes_of(row, dialog.result_values), True


def changes_of(row: ExhibitRow, values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if getattr(row, name) != value}


class EditExhibit(RecordCommand):
    """Change an exhibit's description; undo puts the previous values back."""

    def __init__(self, store: Store, events: CaseEvents, exhibit_id: int, client_id: int, changes: dict[str, Any],
                 parent_widget: QWidget | None = None) -> None:
        super().__init__(store, events, m.Exhibit, tr("Edit exhibit"), parent_widget)
        self.exhibit_id = exhibit_id
        self.client_id = client_id
        self.changes = changes
        self.previous: dict[str, Any] = {}

    def redo(self) -> None:
        def action(session: Any) -> None:
            before = exhibits.row(session, self.exhibit_id)
            self.previous = {name: getattr(before, name) for name in self.changes}
            exhibits.update_exhibit(session, self.exhibit_id, **self.changes)
        self._run(action)

    def undo(self) -> None:
        self._run(lambda session: exhibits.update_exhibit(session, self.exhibit_id, **self.previous))
