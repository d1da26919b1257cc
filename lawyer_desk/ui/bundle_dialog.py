"""The Hearing Bundle dialog: which exhibits and in what order, the submission's template,
page numbering (continuous or restarting per section, with a prefix such as "B-"), the
confidentiality override and a password; Build assembles the PDF off the GUI thread
(``core/documents/bundle.py``), then the preview opens. Nothing is written to disk until the
lawyer saves it from the preview.

Exhibits are ordered by dragging them or with Move up / Move down; unticked ones stay out.
Confidential exhibits stay out of a bundle for the CCF, a court or an authority (and of a
bundle without a submission, which goes to a court) unless the lawyer overrides.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from lawyer_desk.core import exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.documents.bundle import IMAGES, LABELS, MAX_PREFIX, PDF, BundleOptions, build_bundle
from lawyer_desk.core.documents.templates import Template, TemplateSet
from lawyer_desk.core.errors import LawyerDeskError, NotFound
from lawyer_desk.core.references import case_reference
from lawyer_desk.core.store import Store
from lawyer_desk.core.vault import Cancelled as VaultCancelled
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
from lawyer_desk.ui.tasks import Cancelled, Progress, ProgressDialog, TaskRunner

EXHIBIT_ID = Qt.ItemDataRole.UserRole
NO_SUBMISSION = ""


def tr(text: str) -> str:
    return QCoreApplication.translate("bundle_dialog", text)


class BundleDialog(QDialog):
    """Choose the bundle's exhibits, their order and the numbering; ``documents`` holds the PDF once built."""

    def __init__(self, store: Store, client_id: int, templates: TemplateSet, parent: QWidget | None = None, *,
                 runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bundle_dialog")
        self.store, self.client_id, self.templates, self.runner = store, client_id, templates, runner
        self.documents: list[BuiltDocument] = []
        with store.session() as session:
            client = session.get(m.Client, client_id)
            if client is None:
                raise NotFound(f"There is no case {client_id} in this store.")
            name, self.reference = client.display_name, case_reference(client.uid)
            self.rows = {row.id: row for row in exhibits.rows(session, client_id)}
        self.setWindowTitle(tr("Hearing bundle — %1").replace("%1", self.reference))

        heading = QLabel(f"<b>{escape(name)}</b> · {self.reference}", self)
        self.template_box = QComboBox(self)
        self.template_box.setObjectName("bundle_template")
        self.template_box.addItem(tr("None — the index and the exhibits only"), NO_SUBMISSION)
        for template in templates:
            if template.addressee != "internal":
                self.template_box.addItem(template.title, template.id)
        self.template_about = hint_label(self)
        self.addressee = AddresseeField(self)

        self.exhibit_list = QListWidget(self)
        self.exhibit_list.setObjectName("bundle_exhibits")
        self.exhibit_list.setAccessibleName(tr("Exhibits, in bundle order"))
        self.exhibit_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.exhibit_list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.exhibit_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.exhibit_list.setMinimumHeight(150)
        self.up_button = QPushButton(tr("Move &up"), self)
        self.down_button = QPushButton(tr("Move &down"), self)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        moves = QVBoxLayout()
        moves.addWidget(self.up_button)
        moves.addWidget(self.down_button)
        moves.addStretch(1)
        exhibit_row = QHBoxLayout()
        exhibit_row.setContentsMargins(0, 0, 0, 0)
        exhibit_row.addWidget(self.exhibit_list, 1)
        exhibit_row.addLayout(moves)
        exhibit_box = QWidget(self)
        exhibit_box.setLayout(exhibit_row)
        self.exhibits_hint = hint_label(self, tr(
            "Drag an exhibit, or use Move up / Move down, to set the order; untick one to leave it out. "
            "Files that are neither PDF nor image are listed in the index as “original held, not paginated”."))

        self.continuous = QRadioButton(tr("Continuous through the bundle"), self)
        self.continuous.setObjectName("bundle_continuous")
        self.restart = QRadioButton(tr("Restart in each section (index, submission, exhibits)"), self)
        self.restart.setObjectName("bundle_restart")
        numbering = QButtonGroup(self)
        numbering.addButton(self.continuous)
        numbering.addButton(self.restart)
        self.continuous.setChecked(True)
        self.prefix = QLineEdit(self)
        self.prefix.setObjectName("bundle_prefix")
        self.prefix.setMaxLength(MAX_PREFIX)
        self.prefix.setPlaceholderText(tr("none, or e.g. B-"))
        self.prefix.setMaximumWidth(160)
        prefix_row = QHBoxLayout()
        prefix_row.setContentsMargins(0, 0, 0, 0)
        prefix_row.addWidget(QLabel(tr("Prefix"), self))
        prefix_row.addWidget(self.prefix)
        prefix_row.addStretch(1)
        prefix_box = QWidget(self)
        prefix_box.setLayout(prefix_row)
        self.numbering_example = hint_label(self)
        self.numbering_example.setObjectName("bundle_numbering_example")

        self.override = ConfidentialityOverride(self)
        self.password = PasswordFields(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.build_button = buttons.addButton(tr("Build"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.build_button.setObjectName("bundle_build")
        self.build_button.setDefault(True)
        buttons.accepted.connect(self.build_documents)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(tr("Submission"), stack(self, self.template_box, self.template_about))
        form.addRow(tr("Addressee"), self.addressee)
        form.addRow(tr("Exhibits"), stack(self, exhibit_box, self.exhibits_hint))
        form.addRow(tr("Page numbers"), stack(self, self.continuous, self.restart, prefix_box,
                                              self.numbering_example))
        form.addRow(tr("Confidential exhibits"), self.override)
        form.addRow(tr("Password"), self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(680)

        self._fill_exhibits()
        self.template_box.currentIndexChanged.connect(lambda _index: self._template_changed())
        self.override.check.toggled.connect(self._override_toggled)
        self.override.changed.connect(self._fit)
        self.password.changed.connect(self._fit)
        self.exhibit_list.currentRowChanged.connect(lambda _row: self._update_moves())
        self.continuous.toggled.connect(lambda _on: self._update_example())
        self.prefix.textChanged.connect(lambda _text: self._update_example())
        self._template_changed()
        self._update_example()
        if self.exhibit_list.count():
            self.exhibit_list.setCurrentRow(0)
        self._update_moves()

    # -- the submission ------------------------------------------------------------------------
    @property
    def template(self) -> Template | None:
        template_id = self.template_box.currentData()
        return self.templates.get(template_id) if template_id else None

    def choose_template(self, template_id: str | None) -> None:
        index = self.template_box.findData(template_id or NO_SUBMISSION)
        if index < 0:
            raise KeyError(template_id)
        self.template_box.setCurrentIndex(index)

    def _audience(self) -> str:
        return BundleOptions(template=self.template).audience

    def _template_changed(self) -> None:
        template = self.template
        self.template_about.setText(
            (template.description or template.title) if template is not None
            else tr("A bundle without a submission goes to a court: confidential exhibits stay out unless you "
                    "override."))
        self.addressee.fill(self.store, self.client_id, template)
        self.override.update_for(self._audience(), [row for row in self.rows.values() if row.confidential])
        self._mark_confidential()
        self._fit()

    # -- the exhibits -----------------------------------------------------------------------------
    def _fill_exhibits(self) -> None:
        for row in self.rows.values():
            item = QListWidgetItem(self.exhibit_list)
            item.setData(EXHIBIT_ID, row.id)
            item.setCheckState(Qt.CheckState.Checked)
            self._describe(item)

    def _describe(self, item: QListWidgetItem) -> None:
        row = self.rows[item.data(EXHIBIT_ID)]
        text = f"{row.number} · {row.title}"
        if row.date:
            text += f" ({row.date})"
        notes = []
        if row.media_type not in IMAGES and row.media_type != PDF:
            notes.append(tr("not paginated"))
        if row.confidential:
            notes.append(tr("confidential") if self.override.included or self._audience() == "internal"
                         else tr("confidential — left out"))
        if notes:
            text += " — " + ", ".join(notes)
        item.setText(text)
        item.setToolTip(f"{row.filename} · {row.media_type}")

    def _mark_confidential(self) -> None:
        """Confidential exhibits can be ticked only when the override lets them out (or the bundle is internal)."""
        allowed = self.override.included or self._audience() == "internal"
        for item in self._items():
            row = self.rows[item.data(EXHIBIT_ID)]
            if row.confidential:
                flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsUserCheckable
                item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled if allowed else flags)
                item.setCheckState(Qt.CheckState.Checked if allowed else Qt.CheckState.Unchecked)
            self._describe(item)

    def _override_toggled(self, _on: bool) -> None:
        self._mark_confidential()

    def _items(self) -> list[QListWidgetItem]:
        return [self.exhibit_list.item(n) for n in range(self.exhibit_list.count())]

    def order(self) -> list[str]:
        """The exhibit numbers in the list's order (ticked or not)."""
        return [self.rows[item.data(EXHIBIT_ID)].number for item in self._items()]

    def chosen_ids(self) -> tuple[int, ...]:
        return tuple(item.data(EXHIBIT_ID) for item in self._items() if item.checkState() == Qt.CheckState.Checked
                     and item.flags() & Qt.ItemFlag.ItemIsEnabled)

    def set_included(self, number: str, included: bool) -> None:
        self._item(number).setCheckState(Qt.CheckState.Checked if included else Qt.CheckState.Unchecked)

    def select(self, number: str) -> None:
        self.exhibit_list.setCurrentItem(self._item(number))

    def _item(self, number: str) -> QListWidgetItem:
        for item in self._items():
            if self.rows[item.data(EXHIBIT_ID)].number == number:
                return item
        raise KeyError(number)

    def move_selected(self, step: int) -> None:
        """Move the selected exhibit one place up (-1) or down (+1)."""
        row = self.exhibit_list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.exhibit_list.count():
            return
        item = self.exhibit_list.takeItem(row)
        self.exhibit_list.insertItem(target, item)
        self.exhibit_list.setCurrentRow(target)
        self._update_moves()

    def _update_moves(self) -> None:
        row, count = self.exhibit_list.currentRow(), self.exhibit_list.count()
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)

    # -- numbering ------------------------------------------------------------------------------
    def _update_example(self) -> None:
        prefix = self.prefix.text()
        if self.continuous.isChecked():
            example = ", ".join(f"{prefix}{n}" for n in (1, 2, 3)) + " …"
        else:
            example = "; ".join(f"{prefix}{LABELS.mark(section)}1, {prefix}{LABELS.mark(section)}2 …"
                                for section in ("index", "submission", "exhibits"))
        self.numbering_example.setText(tr("Pages are stamped %1").replace("%1", example))

    # -- size -------------------------------------------------------------------------------------
    def _fit(self) -> None:
        if self.isVisible():
            self.layout().activate()
            self.resize(self.width(), max(self.height(), self.heightForWidth(self.width())
                                          if self.hasHeightForWidth() else self.sizeHint().height()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()

    # -- building ---------------------------------------------------------------------------------
    def options(self, password: str | None = None) -> BundleOptions:
        return BundleOptions(template=self.template, addressee=self.addressee.value(),
                             exhibit_ids=self.chosen_ids(), restart_per_section=self.restart.isChecked(),
                             prefix=self.prefix.text(), include_confidential=self.override.included,
                             password=password)

    def build_documents(self) -> None:
        """Assemble off the GUI thread with progress and Cancel; on success keep the PDF and close."""
        password, problem = self.password.chosen()
        if problem:
            self.password.show_problem(problem)
            return
        missing = self.addressee.missing() if self.template is not None else None
        if missing:
            alerts.error(self, tr("The bundle was not made"), missing)
            return
        options = self.options(password)
        store, client_id = self.store, self.client_id
        disclosed = tuple(self.rows[i].number for i in options.exhibit_ids or () if self.rows[i].confidential
                          and options.include_confidential)

        def work(progress: Progress) -> bytes:
            def report(done: int, total: int) -> None:
                progress.report(done, total, tr("Assembling the bundle: part %1 of %2…").replace(
                    "%1", str(min(done + 1, total))).replace("%2", str(total)))

            try:
                return build_bundle(store, client_id, options, progress=report, cancel=lambda: progress.cancelled)
            except VaultCancelled:
                raise Cancelled from None

        try:
            pdf, finished = ProgressDialog.run(self, tr("Building the hearing bundle"),
                                               tr("Decrypting the exhibits…"), work, runner=self.runner)
        except LawyerDeskError as exc:
            alerts.error(self, tr("The bundle was not made"), str(exc))
            return
        if finished and pdf:
            title = tr("Hearing bundle — %1").replace("%1", self.reference)
            self.documents = [BuiltDocument(title, f"{self.reference}-bundle.pdf", pdf, password, disclosed)]
            self.accept()


def open_bundle_dialog(parent: QWidget | None, store: Store, client_id: int, *,
                       on_built: Callable[[], object] | None = None) -> list[PdfPreview]:
    """The Case menu's Hearing Bundle…: the dialog, then the bundle's preview."""
    return open_document_dialog(parent, store, client_id, BundleDialog, on_built=on_built)
