"""The Brief dialog: which template, to whom, which argument sections, the confidentiality
override and an optional password; Build makes the PDF off the GUI thread, then the preview opens.

Confidential exhibits (never to reach the requesting state) are left out of anything
addressed outside the defence unless the lawyer overrides; the core records the override
in the audit trail when the document is built, and a cancel before the end keeps nothing,
not even that entry. The PDF stays in memory until the lawyer saves it from the preview.

``open_brief_dialog(parent, store, client_id)`` is what the Case menu calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lawyer_desk.core import exhibits
from lawyer_desk.core.documents.briefs import BriefOptions, build, load_client
from lawyer_desk.core.documents.render import render
from lawyer_desk.core.documents.templates import Template, TemplateSet
from lawyer_desk.core.errors import LawyerDeskError
from lawyer_desk.core.references import case_reference
from lawyer_desk.core.store import Store
from lawyer_desk.ui import alerts
from lawyer_desk.ui.document_options import (
    AddresseeField,
    BuiltDocument,
    ConfidentialityOverride,
    PasswordFields,
    escape,
    hint_label,
    open_document_dialog,
    stack,
)
from lawyer_desk.ui.pdf_preview import PdfPreview
from lawyer_desk.ui.tasks import Progress, ProgressDialog, TaskRunner

NOTE_ID = Qt.ItemDataRole.UserRole


def tr(text: str) -> str:
    return QCoreApplication.translate("brief_dialog", text)


@dataclass(frozen=True)
class ArgumentNote:
    id: int
    title: str
    key: str  # the argument section it is marked for, e.g. 'grounds'


def file_name(reference: str, template_id: str, addressee: tuple[str, ...], letter: bool) -> str:
    """A file name that names no one: the case reference, the template, and for a letter its country."""
    stem = f"{reference}-{template_id}"
    if letter and addressee:
        stem += "-" + (re.sub(r"[\W_]+", "-", addressee[-1]).strip("-") or "letter")
    return f"{stem}.pdf"


class BriefDialog(QDialog):
    """Choose what the brief says and to whom; ``documents`` holds the PDFs once built."""

    def __init__(self, store: Store, client_id: int, templates: TemplateSet, parent: QWidget | None = None, *,
                 runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("brief_dialog")
        self.store, self.client_id, self.templates, self.runner = store, client_id, templates, runner
        self.documents: list[BuiltDocument] = []
        with store.session() as session:
            client = load_client(session, client_id)
            name, self.reference = client.display_name, case_reference(client.uid)
            self.notes = [ArgumentNote(n.id, n.title.strip() or tr("(untitled note)"), n.argument_section)
                          for n in sorted(client.notes, key=lambda n: n.id or 0)
                          if n.id is not None and n.argument_section and n.body.strip()]
            self.exhibits = exhibits.rows(session, client_id)
        self.setWindowTitle(tr("Brief — %1").replace("%1", self.reference))

        heading = QLabel(f"<b>{escape(name)}</b> · {self.reference}", self)
        self.template_box = QComboBox(self)
        self.template_box.setObjectName("brief_template")
        for template in templates:
            self.template_box.addItem(template.title, template.id)
        self.template_about = hint_label(self)
        self.addressee = AddresseeField(self)
        self.sections = QListWidget(self)
        self.sections.setObjectName("brief_sections")
        self.sections.setAccessibleName(tr("Argument sections"))
        self.sections.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sections.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.sections_hint = hint_label(self)
        self.override = ConfidentialityOverride(self)
        self.password = PasswordFields(self)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.build_button = buttons.addButton(tr("Build"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.build_button.setObjectName("brief_build")
        self.build_button.setDefault(True)
        buttons.accepted.connect(self.build_documents)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        # Every field as wide as the dialog: hints and the override's warning wrap at that width.
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(tr("Template"), stack(self, self.template_box, self.template_about))
        form.addRow(tr("Addressee"), self.addressee)
        form.addRow(tr("Argument sections"), stack(self, self.sections, self.sections_hint))
        form.addRow(tr("Confidential exhibits"), self.override)
        form.addRow(tr("Password"), self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(640)

        self.template_box.currentIndexChanged.connect(lambda _index: self._template_changed())
        self.override.changed.connect(self._fit)
        self.password.changed.connect(self._fit)
        self._template_changed()

    # -- the template and what follows from it -----------------------------------------------
    @property
    def template(self) -> Template:
        return self.templates.get(self.template_box.currentData())

    def choose_template(self, template_id: str) -> None:
        index = self.template_box.findData(template_id)
        if index < 0:
            raise KeyError(template_id)
        self.template_box.setCurrentIndex(index)

    def _template_changed(self) -> None:
        template = self.template
        self.template_about.setText(template.description or template.title)
        self.addressee.fill(self.store, self.client_id, template)
        self._fill_sections(template)
        self.override.update_for(template.addressee, [
            e for e in self.exhibits
            if e.confidential and (not template.exhibit_kinds or e.kind in template.exhibit_kinds)])
        self._fit()

    def _fill_sections(self, template: Template) -> None:
        self.sections.clear()
        headings = {s.key: s.heading for s in template.sections}
        takes_all = any("notes" in s.blocks for s in template.sections)
        for note in self.notes:
            where = template.argument_section(note.key)
            item = QListWidgetItem(self.sections)
            item.setData(NOTE_ID, note.id)
            if takes_all or where is None:
                item.setText((tr("%1 — with every note of the case") if takes_all
                              else tr("%1 — not used by this template")).replace("%1", note.title))
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable)  # shown, greyed out
                item.setCheckState(Qt.CheckState.Checked if takes_all else Qt.CheckState.Unchecked)
            else:
                heading = re.sub(r"\$\w+", "…", headings.get(where, where))
                item.setText(tr("%1 — in “%2”").replace("%1", note.title).replace("%2", heading))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
            item.setToolTip(item.text())
        if self.notes:
            rows = min(len(self.notes), 6)
            self.sections.setFixedHeight(self.sections.sizeHintForRow(0) * rows + 2 * self.sections.frameWidth() + 4)
        self.sections.setVisible(bool(self.notes))
        if not self.notes:
            self.sections_hint.setText(tr("No note of this case is marked as an argument section (Notes tab)."))
        elif takes_all:
            self.sections_hint.setText(tr("This internal document includes every note of the case."))
        else:
            self.sections_hint.setText(tr("Your argument notes, each where the template places it; untick one "
                                          "to leave it out."))

    def chosen_notes(self) -> frozenset[int]:
        return frozenset(self.sections.item(row).data(NOTE_ID) for row in range(self.sections.count())
                         if self.sections.item(row).checkState() == Qt.CheckState.Checked)

    def set_note_included(self, note_id: int, included: bool) -> None:
        for row in range(self.sections.count()):
            item = self.sections.item(row)
            if item.data(NOTE_ID) == note_id:
                item.setCheckState(Qt.CheckState.Checked if included else Qt.CheckState.Unchecked)
                return
        raise KeyError(note_id)

    # -- size ------------------------------------------------------------------------------------
    def _fit(self) -> None:
        """Grow or shrink to what the dialog now says (a warning appears), keeping its width."""
        if self.isVisible():
            self.layout().activate()
            self.resize(self.width(), self.heightForWidth(self.width()) if self.hasHeightForWidth()
                        else self.sizeHint().height())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()

    # -- building ----------------------------------------------------------------------------------
    def options(self) -> BriefOptions:
        return BriefOptions(addressee=self.addressee.value(), include_confidential=self.override.included,
                            arguments=self.chosen_notes())

    def build_documents(self) -> None:
        """Build off the GUI thread with progress and Cancel; on success keep the PDFs and close."""
        template = self.template
        password, problem = self.password.chosen()
        if problem:
            self.password.show_problem(problem)
            return
        missing = self.addressee.missing()
        if missing:
            alerts.error(self, tr("The brief was not made"), missing)
            return
        options = self.options()
        store, client_id, reference = self.store, self.client_id, self.reference
        held = {e.number for e in self.override.held} if options.include_confidential else set()
        letter = template.one_per == "notification"

        def work(progress: Progress) -> list[BuiltDocument]:
            with store.session() as session:
                briefs = build(session, client_id, template, options)
                made = []
                for n, brief in enumerate(briefs):
                    progress.check()
                    progress.report(n, len(briefs), tr("Laying out “%1”…").replace("%1", brief.title))
                    made.append(BuiltDocument(
                        brief.title, file_name(reference, template.id, brief.addressee, letter),
                        render(brief, password=password), password,
                        tuple(e.number for e in brief.exhibits if e.number in held)))
                progress.check()  # cancelled at the last moment: nothing is kept, not even the audit entry
                return made

        try:
            documents, finished = ProgressDialog.run(self, tr("Building the brief"), tr("Gathering the case…"),
                                                     work, runner=self.runner)
        except LawyerDeskError as exc:
            alerts.error(self, tr("The brief was not made"), str(exc))
            return
        if finished and documents:
            self.documents = documents
            self.accept()


def open_brief_dialog(parent: QWidget | None, store: Store, client_id: int, *,
                      on_built: Callable[[], object] | None = None) -> list[PdfPreview]:
    """The Case menu's Brief…: the dialog, then a preview of each document built."""
    return open_document_dialog(parent, store, client_id, BriefDialog, on_built=on_built)
