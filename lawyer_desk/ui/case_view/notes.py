"""The Notes tab: working notes and argument sections of one case, in Markdown with a live preview.

A note marked as an argument section (facts, grounds, relief…) is gathered into briefs. The
editor keeps the lawyer's text until it is saved or reverted: switching note or case with
unsaved changes asks first (``maybe_save``), and every save is one undoable command.

Right-to-left paragraphs (Uyghur, Arabic) are laid out and aligned right-to-left, each on its
own, in the editor and the preview: both leave the text direction automatic. The editor is a
``QTextEdit`` in plain-text mode because ``QPlainTextEdit`` orders a right-to-left paragraph
correctly but aligns it to the left.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QKeyEvent, QKeySequence, QTextDocument, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from lawyer_desk.core import models as m
from lawyer_desk.core import records
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import NoteFormat
from lawyer_desk.ui import alerts
from lawyer_desk.ui.case_view.record_table import OBJECT_ROLE, Column, RecordListModel
from lawyer_desk.ui.case_view.specs_more import ArgumentSection, argument_section_label
from lawyer_desk.ui.undo import CaseEvents, CreateRecord, DeleteRecord, EditRecord, push

EDITED = ("title", "argument_section", "format", "body")
MARKDOWN = QTextDocument.MarkdownFeature.MarkdownDialectGitHub | QTextDocument.MarkdownFeature.MarkdownNoHTML


def _local(at: datetime | None) -> str:
    if at is None:
        return ""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


class NotePreview(QTextBrowser):
    """Renders a note; loads nothing from outside the note (no files, no network)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)

    def loadResource(self, type: int, name: QUrl) -> Any:
        return None


class NotesTab(QWidget):
    """List of the case's notes on the left, the selected note's editor and preview on the right."""

    def __init__(self, store: Store, events: CaseEvents, undo: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notes_tab")
        self.store, self.events, self.undo = store, events, undo
        self.client_id: int | None = None
        self.note_id: int | None = None
        self._baseline: dict[str, Any] = {}
        self._selecting = False  # set while the code, not the lawyer, changes the list selection
        self._build_list()
        self._build_editor()
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("notes_splitter")
        splitter.addWidget(self.list_panel)
        splitter.addWidget(self.editor_panel)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(150)
        self.preview_timer.timeout.connect(self.render_preview)
        events.changed.connect(self._on_changed)
        self._load_editor(None)
        self.setEnabled(False)

    # -- building -----------------------------------------------------------------------
    def _build_list(self) -> None:
        self.list_panel = QWidget(self)
        self.list_model = RecordListModel([
            Column(self.tr("Title"), lambda r: r["title"] or self.tr("(untitled)")),
            Column(self.tr("Section"), lambda r: argument_section_label(r["argument_section"])
                   if r["argument_section"] else ""),
            Column(self.tr("Updated"), lambda r: _local(r["updated_at"])),
        ], self)
        self.list_view = QTableView(self.list_panel)
        self.list_view.setObjectName("notes_list")
        self.list_view.setModel(self.list_model)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.verticalHeader().hide()
        self.list_view.setWordWrap(False)
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # long titles are elided
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.list_view.selectionModel().selectionChanged.connect(self._on_selection)
        self.new_button = QPushButton(self.tr("New note"), self.list_panel)
        self.new_button.setObjectName("new_note")
        self.new_button.clicked.connect(self.new_note)
        self.delete_button = QPushButton(self.tr("Delete"), self.list_panel)
        self.delete_button.setObjectName("delete_note")
        self.delete_button.setToolTip(self.tr("Delete the selected note (can be undone)"))
        self.delete_button.clicked.connect(self.delete_note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self.list_panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.list_view)

    def _build_editor(self) -> None:
        self.editor_panel = QWidget(self)
        self.title_edit = QLineEdit(self.editor_panel)
        self.title_edit.setObjectName("note_title")
        self.title_edit.setPlaceholderText(self.tr("Title of the note"))
        self.section_combo = QComboBox(self.editor_panel)
        self.section_combo.setObjectName("note_section")
        self.section_combo.setToolTip(self.tr("Mark the note as a section of the submissions, so that a brief "
                                              "gathers it; a working note stays out of briefs"))
        self.section_combo.addItem(argument_section_label(None), None)
        for section in ArgumentSection:
            self.section_combo.addItem(argument_section_label(section.value), section.value)
        self.format_combo = QComboBox(self.editor_panel)
        self.format_combo.setObjectName("note_format")
        self.format_combo.addItem(self.tr("Markdown"), NoteFormat.markdown.value)
        self.format_combo.addItem(self.tr("Plain text"), NoteFormat.plain.value)
        self.body_edit = QTextEdit(self.editor_panel)
        self.body_edit.setObjectName("note_body")
        self.body_edit.setAcceptRichText(False)
        self.body_edit.setPlaceholderText(self.tr("Write in Markdown: # heading, **bold**, *italic*, - list"))
        self.preview = NotePreview(self.editor_panel)
        self.preview.setObjectName("note_preview")
        body_split = QSplitter(Qt.Orientation.Horizontal, self.editor_panel)
        body_split.addWidget(self.body_edit)
        body_split.addWidget(self.preview)
        self.save_button = QPushButton(self.tr("Save note"), self.editor_panel)
        self.save_button.setObjectName("save_note")
        self.save_button.setToolTip(self.tr("Save the note (Ctrl+S while editing it)"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("Revert"), self.editor_panel)
        self.revert_button.setObjectName("revert_note")
        self.revert_button.setToolTip(self.tr("Throw away the changes since the note was last saved"))
        self.revert_button.clicked.connect(self.revert)
        self.state_label = QLabel(self.editor_panel)
        self.state_label.setObjectName("note_state")
        form = QFormLayout()
        form.addRow(self.tr("Title"), self.title_edit)
        options = QHBoxLayout()
        options.addWidget(self.section_combo, 1)
        options.addWidget(QLabel(self.tr("Format"), self.editor_panel))
        options.addWidget(self.format_combo)
        form.addRow(self.tr("Argument section"), options)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.state_label, 1)
        layout = QVBoxLayout(self.editor_panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(body_split, 1)
        layout.addLayout(buttons)
        self.title_edit.textChanged.connect(self._edited)
        self.section_combo.currentIndexChanged.connect(self._edited)
        self.format_combo.currentIndexChanged.connect(self._edited)
        self.format_combo.currentIndexChanged.connect(self.render_preview)
        self.body_edit.textChanged.connect(self._edited)
        self.body_edit.textChanged.connect(self.preview_timer_start)
        for widget in (self.title_edit, self.body_edit):
            widget.installEventFilter(self)

    def preview_timer_start(self) -> None:
        self.preview_timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+S in the editor saves the note, before any window-wide Save shortcut sees it."""
        if isinstance(event, QKeyEvent) and event.matches(QKeySequence.StandardKey.Save):
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            if event.type() == QEvent.Type.KeyPress:
                self.save()
                return True
        return super().eventFilter(watched, event)

    # -- the case -----------------------------------------------------------------------
    def show_case(self, client_id: int | None) -> bool:
        """Show the notes of ``client_id`` (None: none). False when the lawyer chose to stay on an unsaved note."""
        if client_id == self.client_id:
            self.reload()
            return True
        if not self.maybe_save(self):
            return False
        self.client_id = client_id
        self.note_id = None
        self._baseline = {}
        self.setEnabled(client_id is not None)
        self.reload()
        if self.list_model.rows:
            self.select_note(self.list_model.rows[0]["id"])
        return True

    def _on_changed(self, _table: str, client_id: int) -> None:
        if self.client_id is not None and client_id in (-1, self.client_id):
            self.reload()

    def reload(self) -> None:
        rows: list[dict[str, Any]] = []
        if self.client_id is not None:
            query = select(m.Note).where(m.Note.client_id == self.client_id).order_by(
                m.Note.updated_at.desc(), m.Note.id.desc())  # type: ignore[attr-defined,union-attr]
            with self.store.session() as session:
                rows = [{"id": note.id, "updated_at": note.updated_at, **records.fields_of(note)}
                        for note in session.execute(query).scalars()]
        unsaved = self.has_unsaved_changes()
        self._selecting = True
        try:
            self.list_model.set_rows(rows)
            row = self._row(self.note_id)
            if row is None:
                self._load_editor(None)
            else:
                self._select_row(row["id"])
                self._baseline = {name: row[name] for name in EDITED}
                if not unsaved:  # the store may have changed under the editor (undo, another view)
                    self._fill_editor(row)
        finally:
            self._selecting = False
        self._update_state()

    def _row(self, note_id: int | None) -> dict[str, Any] | None:
        return next((row for row in self.list_model.rows if row["id"] == note_id), None)

    def _select_row(self, note_id: int) -> None:
        for number, row in enumerate(self.list_model.rows):
            if row["id"] == note_id:
                self.list_view.selectRow(number)
                return
        self.list_view.clearSelection()

    # -- choosing a note ----------------------------------------------------------------
    def select_note(self, note_id: int) -> bool:
        """Open ``note_id`` in the editor (asking first about unsaved changes); False when it stays closed."""
        if note_id == self.note_id:
            return True
        if self._row(note_id) is None or not self.maybe_save(self):
            return False
        self._selecting = True
        try:
            self._select_row(note_id)
        finally:
            self._selecting = False
        self._load_editor(self._row(note_id))
        return True

    def _on_selection(self, *_: object) -> None:
        if self._selecting:
            return
        indexes = self.list_view.selectionModel().selectedRows()
        row = indexes[0].data(OBJECT_ROLE) if indexes else None
        if row is None or row["id"] == self.note_id:
            return
        if not self.select_note(row["id"]) and self.note_id is not None:
            self._selecting = True  # the lawyer stays on the unsaved note: put the selection back
            try:
                self._select_row(self.note_id)
            finally:
                self._selecting = False

    # -- the editor ---------------------------------------------------------------------
    def _load_editor(self, row: dict[str, Any] | None) -> None:
        self.note_id = row["id"] if row else None
        self._baseline = {name: row[name] for name in EDITED} if row else {}
        self.editor_panel.setEnabled(row is not None)
        self._fill_editor(row or {"title": "", "argument_section": None, "format": NoteFormat.markdown, "body": ""})
        self._update_state()

    def _fill_editor(self, row: dict[str, Any]) -> None:
        """Put stored values in the widgets, touching only those that differ (the cursor stays put)."""
        if self.title_edit.text() != row["title"]:
            self.title_edit.setText(row["title"])
        section = row["argument_section"]
        if self.section_combo.findData(section) < 0:  # a section this version does not name
            self.section_combo.addItem(str(section), section)
        self.section_combo.setCurrentIndex(self.section_combo.findData(section))
        self.format_combo.setCurrentIndex(max(self.format_combo.findData(str(row["format"])), 0))
        if self.body_edit.toPlainText() != row["body"]:
            self.body_edit.setPlainText(row["body"])
        self.render_preview()

    def editor_values(self) -> dict[str, Any]:
        return {"title": self.title_edit.text(), "argument_section": self.section_combo.currentData(),
                "format": self.format_combo.currentData(), "body": self.body_edit.toPlainText()}

    def _changes(self) -> dict[str, Any]:
        if self.note_id is None or not self._baseline:
            return {}
        return {name: value for name, value in self.editor_values().items() if value != self._baseline.get(name)}

    def has_unsaved_changes(self) -> bool:
        return bool(self._changes())

    def render_preview(self, *_: object) -> None:
        self.preview_timer.stop()
        body = self.body_edit.toPlainText()
        if self.format_combo.currentData() == NoteFormat.markdown.value:
            self.preview.document().setMarkdown(body, MARKDOWN)
        else:
            self.preview.setPlainText(body)

    def _edited(self, *_: object) -> None:
        self._update_state()

    def _update_state(self) -> None:
        unsaved = self.has_unsaved_changes()
        self.save_button.setEnabled(unsaved)
        self.revert_button.setEnabled(unsaved)
        self.delete_button.setEnabled(self.note_id is not None)
        self.new_button.setEnabled(self.client_id is not None)
        if self.note_id is None:
            self.state_label.setText(self.tr("Select a note, or make a new one.") if self.client_id else "")
        else:
            self.state_label.setText(self.tr("Unsaved changes") if unsaved else self.tr("Saved"))

    # -- actions ------------------------------------------------------------------------
    def save(self) -> bool:
        """Store the editor's changes as one undoable edit; True when nothing is left unsaved."""
        changes = self._changes()
        if not changes or self.note_id is None:
            return True
        previous = self._baseline
        self._baseline = {**self._baseline, **changes}
        command = EditRecord(self.store, self.events, m.Note, self.note_id, changes, self.tr("Edit note"),
                             self.client_id, self)
        if not push(self.undo, command):
            self._baseline = previous
            self._update_state()
            return False
        self._update_state()
        return True

    def revert(self) -> None:
        row = self._row(self.note_id)
        if row is not None:
            self._fill_editor(row)
        self._update_state()

    def maybe_save(self, parent: QWidget | None = None) -> bool:
        """Before the note is closed: True when it may close (saved or unchanged), False to stay on it."""
        if not self.has_unsaved_changes():
            return True
        title = self.title_edit.text().strip() or self.tr("(untitled)")
        return alerts.settle_unsaved(
            parent or self, self.tr("Save the note?"),
            self.tr("The note “%1” has changes that are not saved. Save them before going on?").replace("%1", title),
            self.save, self.revert)

    def new_note(self) -> None:
        if self.client_id is None or not self.maybe_save(self):
            return
        values = {"title": self.tr("New note"), "body": "", "format": NoteFormat.markdown.value}
        command = CreateRecord(self.store, self.events, m.Note, values, self.tr("New note"), self,
                               client_id=self.client_id)
        if push(self.undo, command) and command.record_id is not None:
            self.select_note(command.record_id)
            self.title_edit.setFocus()
            self.title_edit.selectAll()

    def delete_note(self) -> None:
        row = self._row(self.note_id)
        if row is None:
            return
        title = row["title"] or self.tr("(untitled)")
        if not alerts.confirm(self, self.tr("Delete the note?"),
                              self.tr("Delete the note “%1”? You can undo it with Ctrl+Z.").replace("%1", title),
                              destructive=True, action=self.tr("Delete note")):
            return
        note_id = row["id"]
        self._load_editor(None)  # its unsaved changes go with it, as the lawyer just agreed
        push(self.undo, DeleteRecord(self.store, self.events, m.Note, note_id, self.tr("Delete note"),
                                     self.client_id, self))
        if self.list_model.rows:
            self.select_note(self.list_model.rows[0]["id"])
