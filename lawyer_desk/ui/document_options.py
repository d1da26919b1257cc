"""What the Brief and the Hearing Bundle dialogs share: the confidentiality override, the
password fields, the finished document they hand to the preview, the loading of the
templates and the opening of either dialog then its previews.

The override is off by default. Ticking it names, in red, every confidential exhibit that
would go out and to whom; the core records it in the audit trail when the document is built.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from lawyer_desk.core.documents.briefs import ADDRESSEES, addressee_choices
from lawyer_desk.core.documents.templates import Template, TemplateSet, load_templates
from lawyer_desk.core.errors import LawyerDeskError
from lawyer_desk.core.exhibits import ExhibitRow
from lawyer_desk.core.store import Store
from lawyer_desk.ui import alerts
from lawyer_desk.ui.pdf_preview import PdfPreview, show_preview
from lawyer_desk.ui.tasks import TaskRunner

ERROR_COLOUR = "#c62828"
HINT_STYLE = "color: palette(placeholder-text);"
WARNING_STYLE = (f"QFrame#override_frame {{ background: #fdecea; border: 1px solid {ERROR_COLOUR};"
                 " border-radius: 3px; }")


def tr(text: str) -> str:
    return QCoreApplication.translate("document_options", text)


@dataclass(frozen=True)
class BuiltDocument:
    """One finished PDF, in memory, on its way to the preview."""

    title: str
    file_name: str
    pdf: bytes
    password: str | None = None
    disclosed: tuple[str, ...] = ()  # numbers of confidential exhibits let through by the override


def hint_label(parent: QWidget, text: str = "") -> QLabel:
    hint = QLabel(text, parent)
    hint.setWordWrap(True)
    hint.setStyleSheet(HINT_STYLE)
    return hint


def stack(parent: QWidget, *widgets: QWidget) -> QWidget:
    """Widgets one above the other, as one field of a form."""
    box = QWidget(parent)
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(4)
    for widget in widgets:
        column.addWidget(widget)
    return box


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ConfidentialityOverride(QWidget):
    """The override checkbox, a line saying what is left out, and the warning when it is on."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(tr("Include confidential exhibits (override)"), self)
        self.check.setObjectName("override")
        self.check.setToolTip(tr("Confidential exhibits must never reach the requesting state. Leave this off "
                                 "unless you are sure the addressee may see them."))
        self.hint = hint_label(self)
        self.warning = QLabel(self)
        self.warning.setObjectName("override_warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {ERROR_COLOUR};")
        # The frame, not the label, carries the border: a styled word-wrapped label misjudges its height.
        self.frame = QFrame(self)
        self.frame.setObjectName("override_frame")
        self.frame.setStyleSheet(WARNING_STYLE)
        framed = QVBoxLayout(self.frame)
        framed.setContentsMargins(8, 6, 8, 6)
        framed.addWidget(self.warning)
        self.frame.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        for widget in (self.check, self.hint, self.frame):
            column.addWidget(widget)
        self.addressee = "ccf"
        self.held: list[ExhibitRow] = []
        self.check.toggled.connect(lambda _on: self._refresh())

    @property
    def included(self) -> bool:
        """Whether the lawyer overrides (only ever for a document going outside the defence)."""
        return self.check.isEnabled() and self.check.isChecked()

    def set_included(self, on: bool) -> None:
        self.check.setChecked(on)

    def update_for(self, addressee: str, held: Sequence[ExhibitRow]) -> None:
        """``addressee``: a template's addressee kind; ``held``: the confidential exhibits concerned."""
        self.addressee, self.held = addressee, list(held)
        internal = addressee == "internal"
        self.check.setEnabled(not internal and bool(self.held))
        if internal or not self.held:
            self.check.setChecked(False)
        self._refresh()

    def _refresh(self) -> None:
        held, numbers = self.held, ", ".join(e.number for e in self.held)
        if self.addressee == "internal":
            text = tr("An internal document for counsel: every exhibit is listed, the confidential ones marked "
                      "as such.")
        elif not held:
            text = tr("This case has no confidential exhibit.")
        elif self.check.isChecked():
            text = ""
        else:
            text = (tr("Confidential exhibit %1 is left out.") if len(held) == 1
                    else tr("Confidential exhibits %1 are left out.")).replace("%1", numbers)
        self.hint.setText(text)
        self.hint.setVisible(bool(text))
        warn = self.included and bool(held)
        if warn:
            named = "; ".join(f"{e.number} ({e.title})" for e in held)
            text = (tr("Warning: confidential exhibit %1 will be included in a document addressed to %2. It must "
                       "never reach the requesting state.") if len(held) == 1 else
                    tr("Warning: confidential exhibits %1 will be included in a document addressed to %2. They "
                       "must never reach the requesting state."))
            self.warning.setText(text.replace("%1", named).replace("%2", ADDRESSEES.get(self.addressee, "")) + " "
                                 + tr("The override is recorded in the audit trail; it is printed nowhere in the "
                                      "document."))
        self.frame.setVisible(warn)
        self.changed.emit()


class PasswordFields(QWidget):
    """"Protect with a password", the password twice, and what is wrong with them."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.protect = QCheckBox(tr("Protect the PDF with a password (AES-256)"), self)
        self.protect.setObjectName("protect")
        self.first = QLineEdit(self)
        self.first.setObjectName("password")
        self.second = QLineEdit(self)
        self.second.setObjectName("password_again")
        self.first.setPlaceholderText(tr("Password"))
        self.second.setPlaceholderText(tr("The same password again"))
        self.error = QLabel(self)
        self.error.setObjectName("password_error")
        self.error.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error.setWordWrap(True)
        self.error.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        for widget in (self.protect, self.first, self.second, self.error):
            column.addWidget(widget)
        for edit in (self.first, self.second):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textEdited.connect(lambda _text: self.show_problem(None))
        self.protect.toggled.connect(self._toggled)
        self._toggled(False)

    def set_password(self, password: str | None, again: str | None = None) -> None:
        self.protect.setChecked(password is not None)
        self.first.setText(password or "")
        self.second.setText(password if again is None else again)

    def _toggled(self, on: bool) -> None:
        for edit in (self.first, self.second):
            edit.setEnabled(on)
            if not on:
                edit.clear()
        self.show_problem(None)
        if on:
            self.first.setFocus()

    def chosen(self) -> tuple[str | None, str | None]:
        """(the password or None, what is wrong or None)."""
        if not self.protect.isChecked():
            return None, None
        first, second = self.first.text(), self.second.text()
        if not first:
            return None, tr("Type the password, twice.")
        if first != second:
            return None, tr("The two passwords differ; type them again.")
        return first, None

    def show_problem(self, problem: str | None) -> None:
        self.error.setText(problem or "")
        self.error.setVisible(bool(problem))
        self.changed.emit()
        if problem:
            (self.first if not self.first.text() else self.second).setFocus()


class AddresseeField(QWidget):
    """To whom: the template's usual address (editable), or for letters one authority of the
    notification table. ``value()`` is what ``BriefOptions.addressee`` takes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QComboBox(self)
        self.box.setObjectName("addressee")
        self.box.setMinimumContentsLength(40)
        self.box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.hint = hint_label(self)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.box)
        column.addWidget(self.hint)
        self.default = ""
        self.letters = False
        self.box.currentIndexChanged.connect(lambda _index: self.changed.emit())

    def fill(self, store: Store, client_id: int, template: Template | None) -> None:
        box = self.box
        box.blockSignals(True)
        box.clear()
        self.default, self.letters = "", False
        if template is None:
            box.setEditable(False)
            box.setEnabled(False)
            self.hint.setText(tr("No submission: the bundle holds the index and the exhibits."))
            box.blockSignals(False)
            return
        box.setEnabled(True)
        try:
            with store.session() as session:
                choices = addressee_choices(session, client_id, template)
        except LawyerDeskError as exc:
            choices = []
            self.hint.setText(str(exc))
        self.letters = template.one_per == "notification"
        box.setEditable(not self.letters)
        if self.letters:
            for choice in choices:
                box.addItem(choice, choice.partition(": ")[2] or choice)
            self.hint.setText(
                tr("One letter, to the authority chosen; the list is the notification table of the deleted alert.")
                if choices else tr("No deleted alert of this case lists an authority to inform: fill in its "
                                   "notification table on the Alerts tab first."))
        else:
            self.default = choices[0] if choices else ""
            if self.default:
                box.addItem(self.default)
            line = box.lineEdit()
            assert line is not None
            line.setPlaceholderText(tr("e.g. Court name; reference; country"))
            line.setCursorPosition(0)  # the start of a long address, not its end
            self.hint.setText(tr("Lines of the address separated by ';'. Edit it, or keep the template's address."))
        box.blockSignals(False)
        self.changed.emit()

    def missing(self) -> str | None:
        """Why there is no addressee to build for (a letter without an authority), or None."""
        if self.letters and self.box.currentIndex() < 0:
            return self.hint.text()
        return None

    def value(self) -> str | None:
        """The addressee for the core: None for the template's own address."""
        if self.letters:
            return self.box.currentData()
        text = self.box.currentText().strip()
        return None if not text or text == self.default else text

    def set_text(self, text: str) -> None:
        if self.letters:
            index = self.box.findText(text)
            if index < 0:
                raise KeyError(text)
            self.box.setCurrentIndex(index)
        else:
            self.box.setEditText(text)


def preview_documents(parent: QWidget | None, documents: list[BuiltDocument], *,
                      runner: TaskRunner | None = None) -> list[PdfPreview]:
    """A preview window for each document built."""
    previews = []
    for document in documents:
        note = (tr("Confidential exhibits %1 are included by your override.").replace(
            "%1", ", ".join(document.disclosed)) if document.disclosed else "")
        preview = show_preview(parent, document.pdf, document.title, document.file_name, password=document.password,
                               note=note, runner=runner)
        if preview is not None:
            previews.append(preview)
    return previews


def load_store_templates(parent: QWidget | None, store: Store) -> TemplateSet | None:
    """The shipped templates and the firm's own (``templates/`` in the store folder); None after an error dialog."""
    try:
        return load_templates(store.paths.root / "templates")
    except LawyerDeskError as exc:
        alerts.error(parent, tr("The brief templates cannot be loaded"),
                     tr("A template file is not right; fix or remove it. No brief can be made until then."), str(exc))
        return None


class DocumentDialog(Protocol):
    documents: list[BuiltDocument]

    def exec(self) -> int: ...

    def deleteLater(self) -> None: ...


def open_document_dialog(parent: QWidget | None, store: Store, client_id: int,
                         dialog_class: Callable[[Store, int, TemplateSet, QWidget | None], DocumentDialog], *,
                         on_built: Callable[[], object] | None = None) -> list[PdfPreview]:
    """The Brief or Hearing Bundle dialog (``dialog_class``), then a preview of each document built."""
    templates = load_store_templates(parent, store)
    if templates is None:
        return []
    try:
        dialog = dialog_class(store, client_id, templates, parent)
    except LawyerDeskError as exc:  # the case went away meanwhile
        alerts.error_for(parent, exc)
        return []
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return []
        documents = dialog.documents
    finally:
        dialog.deleteLater()
    if on_built is not None:
        on_built()
    return preview_documents(parent, documents)
