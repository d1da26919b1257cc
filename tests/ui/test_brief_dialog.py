"""The Brief dialog on a real store of the demo cases: template, addressee, argument sections,
the confidentiality override, the password; built off the GUI thread, then previewed.

Everything is real (store, vault, templates, ReportLab, QtPdf, the task runner's threads
where the test is about them); message boxes go through ``recorded_alerts``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from pypdf.errors import FileNotDecryptedError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from lawyer_desk.core.store import Store
from lawyer_desk.ui import tasks
from lawyer_desk.ui.brief_dialog import BriefDialog, open_brief_dialog
from lawyer_desk.ui.document_options import preview_documents
from lawyer_desk.ui.main_window import MainWindow
from lawyer_desk.ui.pdf_preview import PdfPreview
from tests.ui.documents_case import (
    CANARY,
    CONFIDENTIAL_TITLE,
    IDRIS,
    NAZAROV,
    NOTE_TITLE,
    YILDIRIM,
    DemoCase,
    demo_case,
    disclosures,
    page_count,
    pdf_text,
    templates,
    top_level,
)


@pytest.fixture
def case(store: Store, tmp_path: Path) -> DemoCase:
    return demo_case(store, tmp_path / "incoming")


def dialog_for(qtbot: Any, store: Store, client_id: int = IDRIS, template: str = "ccf-deletion-request",
               runner: tasks.TaskRunner | None = None) -> BriefDialog:
    dialog = BriefDialog(store, client_id, templates(), runner=runner or tasks.ImmediateRunner())
    qtbot.addWidget(dialog)
    dialog.choose_template(template)
    return dialog


class CancelWhileLayingOut(tasks.ImmediateRunner):
    """Runs the task at once, and asks it to stop as soon as it starts laying a document out."""

    def run(self, fn: Any, **kwargs: Any) -> tasks.Task:
        def stopping(progress: tasks.Progress) -> Any:
            report = progress.report

            def report_then_cancel(done: int, total: int = 0, label: str = "") -> None:
                report(done, total, label)
                if label.startswith("Laying out"):
                    progress.cancel()

            progress.report = report_then_cancel  # type: ignore[method-assign]
            return fn(progress)

        return super().run(stopping, **kwargs)


# --- through the Case menu ---------------------------------------------------------------------
def test_the_case_menu_opens_the_dialog_builds_off_the_thread_and_previews(
        qtbot: Any, case: DemoCase, when_shown: Any, recorded_alerts: Any) -> None:
    window = MainWindow(case.store)
    qtbot.addWidget(window)
    window.show()
    assert not window.brief_action.isEnabled()  # no case open yet
    window.show_case(IDRIS)
    assert window.brief_action.isEnabled()
    assert window.brief_action.shortcut().toString() == "Ctrl+Shift+B"
    seen: dict[str, Any] = {}

    def build(dialog: BriefDialog) -> None:
        seen["templates"] = [dialog.template_box.itemData(i) for i in range(dialog.template_box.count())]
        dialog.choose_template("ccf-deletion-request")
        qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)  # the real thread pool

    when_shown(BriefDialog, build)
    window.brief_action.trigger()
    assert set(seen["templates"]) >= {"ccf-deletion-request", "extradition-court-submission", "case-summary",
                                      "authority-letter"}
    (preview,) = top_level(PdfPreview)
    assert isinstance(preview, PdfPreview)
    assert preview.page_count == page_count(preview.pdf) >= 3
    assert preview.page_total.text().strip() == f"of {preview.page_count}"
    assert preview.file_name.endswith("-ccf-deletion-request.pdf")
    assert "Idris" not in preview.file_name  # file names name no one
    assert recorded_alerts.calls == []
    preview.close()


def test_cancelling_the_dialog_builds_nothing(qtbot: Any, case: DemoCase, when_shown: Any) -> None:
    when_shown(BriefDialog, lambda dialog: dialog.reject())
    assert open_brief_dialog(None, case.store, IDRIS) == []
    assert top_level(PdfPreview) == []


def test_a_firm_template_that_is_not_right_shows_an_error_and_no_dialog(
        case: DemoCase, recorded_alerts: Any) -> None:
    folder = case.store.paths.root / "templates"
    folder.mkdir()
    (folder / "ours.toml").write_text('id = "ours"\ntitle = "Ours"\naddressee = "nobody"\n', encoding="utf-8")
    assert open_brief_dialog(None, case.store, IDRIS) == []
    (call,) = recorded_alerts.calls
    assert call.kind == "error" and "ours.toml" in (call.details or "")


# --- what goes in ---------------------------------------------------------------------------------
def test_the_confidential_exhibit_stays_out_unless_overridden_and_the_override_is_audited(
        qtbot: Any, case: DemoCase) -> None:
    dialog = dialog_for(qtbot, case.store)
    dialog.show()
    override = dialog.override
    assert not override.check.isChecked() and override.check.isEnabled()
    assert not override.frame.isVisible()
    number = case.numbers[CONFIDENTIAL_TITLE]
    assert override.hint.text() == f"Confidential exhibit {number} is left out."
    dialog.build_documents()
    (left_out,) = dialog.documents
    assert CONFIDENTIAL_TITLE not in pdf_text(left_out.pdf)
    assert "Arrest warrant of the Ghulja PSB" in pdf_text(left_out.pdf)
    assert disclosures(case.store) == []

    dialog = dialog_for(qtbot, case.store)
    dialog.show()
    dialog.override.set_included(True)
    assert dialog.override.frame.isVisible()
    warning = dialog.override.warning.text()
    assert f"{number} ({CONFIDENTIAL_TITLE})" in warning and "the CCF" in warning and "audit trail" in warning
    dialog.build_documents()
    (let_through,) = dialog.documents
    text = pdf_text(let_through.pdf)
    assert CONFIDENTIAL_TITLE in text
    assert "override" not in text.lower()  # printed nowhere in the document
    assert let_through.disclosed == (number,)
    (entry,) = disclosures(case.store)
    assert number in entry and "ccf-deletion-request" in entry


def test_an_internal_summary_lists_everything_and_offers_no_override(qtbot: Any, case: DemoCase) -> None:
    dialog = dialog_for(qtbot, case.store, template="case-summary")
    assert not dialog.override.check.isEnabled()
    assert "internal document" in dialog.override.hint.text()
    assert not dialog.sections.item(0).flags() & Qt.ItemFlag.ItemIsEnabled  # every note goes in anyway
    dialog.build_documents()
    (summary,) = dialog.documents
    assert CONFIDENTIAL_TITLE in pdf_text(summary.pdf)
    assert disclosures(case.store) == []  # nothing went outside the defence


def test_an_unticked_argument_section_is_left_out(qtbot: Any, case: DemoCase) -> None:
    dialog = dialog_for(qtbot, case.store)
    labels = [dialog.sections.item(row).text() for row in range(dialog.sections.count())]
    assert f"{NOTE_TITLE} — in “Grounds”" in labels
    assert len(labels) == 3  # the two demo notes marked 'grounds', and ours; the unmarked one is not offered
    dialog.build_documents()
    assert CANARY[:30] in pdf_text(dialog.documents[0].pdf).replace("\n", " ")

    dialog = dialog_for(qtbot, case.store)
    dialog.set_note_included(case.note_id, False)
    assert case.note_id not in dialog.chosen_notes()
    dialog.build_documents()
    text = pdf_text(dialog.documents[0].pdf)
    assert NOTE_TITLE not in text and "CANARYBRIEF" not in text
    assert "Refugee policy" in text  # the other sections stay


def test_the_password_is_asked_twice_and_protects_the_pdf(qtbot: Any, case: DemoCase) -> None:
    dialog = dialog_for(qtbot, case.store)
    dialog.show()
    dialog.password.protect.setChecked(True)
    dialog.password.set_password("ghulja-2026", "ghulja-2025")
    dialog.build_documents()
    assert dialog.documents == [] and dialog.isVisible()
    assert dialog.password.error.isVisible() and "differ" in dialog.password.error.text()

    dialog.password.set_password("ghulja-2026")
    dialog.build_documents()
    (document,) = dialog.documents
    assert document.password == "ghulja-2026"
    with pytest.raises(FileNotDecryptedError):
        pdf_text(document.pdf)
    assert "Request for the deletion of data" in pdf_text(document.pdf, "ghulja-2026")
    (preview,) = preview_documents(None, [document])
    qtbot.addWidget(preview)
    assert preview.page_count == page_count(document.pdf, "ghulja-2026")
    assert "password" in preview.caption.text()


def test_an_empty_password_is_refused(qtbot: Any, case: DemoCase) -> None:
    dialog = dialog_for(qtbot, case.store)
    dialog.password.protect.setChecked(True)
    dialog.build_documents()
    assert dialog.documents == []
    assert dialog.password.error.text() == "Type the password, twice."


# --- to whom ----------------------------------------------------------------------------------------
def test_a_letter_goes_to_the_authority_chosen(qtbot: Any, case: DemoCase) -> None:
    dialog = dialog_for(qtbot, case.store, NAZAROV, "authority-letter")
    box = dialog.addressee.box
    choices = [box.itemText(i) for i in range(box.count())]
    assert choices[1] == "AT: Bundeskriminalamt (NCB Vienna)" and len(choices) == 4
    assert not box.isEditable()
    dialog.addressee.set_text("AT: Bundeskriminalamt (NCB Vienna)")
    dialog.build_documents()
    (letter,) = dialog.documents
    assert letter.file_name.endswith("-authority-letter-Austria.pdf")
    text = pdf_text(letter.pdf)
    assert "NCB Vienna" in text and "NCB Wiesbaden" not in text


def test_a_case_without_authorities_to_inform_gets_a_clear_message(
        qtbot: Any, case: DemoCase, recorded_alerts: Any) -> None:
    dialog = dialog_for(qtbot, case.store, IDRIS, "authority-letter")
    assert "notification table" in dialog.addressee.hint.text()
    dialog.build_documents()
    (call,) = recorded_alerts.calls
    assert call.kind == "error" and "notification table" in call.text
    assert dialog.documents == []


def test_a_court_submission_for_a_case_without_a_court_asks_for_one(
        qtbot: Any, case: DemoCase, recorded_alerts: Any) -> None:
    dialog = dialog_for(qtbot, case.store, YILDIRIM, "extradition-court-submission")
    dialog.show()
    assert dialog.addressee.box.currentText() == ""
    dialog.build_documents()
    (call,) = recorded_alerts.calls
    assert call.kind == "error" and call.title == "The brief was not made" and "court" in call.text
    assert dialog.documents == [] and dialog.isVisible()

    dialog.addressee.set_text("Tribunal judiciaire de Nice; RG 26/0042; France")
    dialog.build_documents()
    (submission,) = dialog.documents
    assert "Tribunal judiciaire de Nice" in pdf_text(submission.pdf)


def test_the_default_address_is_the_templates_own_filled_in(qtbot: Any, case: DemoCase) -> None:
    dialog = dialog_for(qtbot, case.store, IDRIS, "case-summary")
    assert dialog.addressee.box.currentText() == "Counsel for Idris Mamut"
    assert dialog.options().addressee is None  # unchanged: the template's address


# --- cancel -------------------------------------------------------------------------------------------
def test_cancelling_the_build_keeps_nothing_not_even_the_override(qtbot: Any, case: DemoCase) -> None:
    dialog = dialog_for(qtbot, case.store, runner=CancelWhileLayingOut())
    dialog.show()
    dialog.override.set_included(True)
    dialog.build_documents()
    assert dialog.documents == [] and dialog.isVisible()
    assert disclosures(case.store) == []


class RecordingRunner(tasks.TaskRunner):
    """The program's thread-pool runner, noting on which thread each task ran and what it reported."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[threading.Thread] = []
        self.labels: list[str] = []

    def run(self, fn: Any, **kwargs: Any) -> tasks.Task:
        shown = kwargs.get("on_progress")

        def recorded(progress: tasks.Progress) -> Any:
            self.threads.append(threading.current_thread())
            return fn(progress)

        def on_progress(done: int, total: int, label: str) -> None:
            self.labels.append(label)
            if shown is not None:
                shown(done, total, label)

        return super().run(recorded, **{**kwargs, "on_progress": on_progress})


def test_the_build_runs_on_a_worker_thread_with_progress(qtbot: Any, case: DemoCase) -> None:
    runner = RecordingRunner()
    dialog = dialog_for(qtbot, case.store, runner=runner)
    dialog.build_documents()
    assert len(dialog.documents) == 1
    (thread,) = runner.threads
    assert thread is not threading.main_thread()
    assert any(label.startswith("Laying out") for label in runner.labels)


# --- the picture ------------------------------------------------------------------------------------------
def test_screenshot_of_the_brief_dialog(qtbot: Any, case: DemoCase, tmp_path: Path) -> None:
    """``LAWYER_DESK_SCREENSHOT_DIR=docs`` keeps the picture as docs/brief-dialog.png."""
    dialog = dialog_for(qtbot, case.store)
    dialog.resize(660, 10)
    dialog.show()
    dialog.override.set_included(True)
    qtbot.waitUntil(dialog.override.frame.isVisible)
    QApplication.processEvents()
    folder = Path(os.environ.get("LAWYER_DESK_SCREENSHOT_DIR", tmp_path))
    picture = dialog.grab()
    assert picture.height() >= dialog.heightForWidth(dialog.width())  # nothing squeezed
    assert picture.save(str(folder / "brief-dialog.png"))


def test_a_case_that_is_gone_gets_an_error_not_a_dialog(case: DemoCase, recorded_alerts: Any) -> None:
    from lawyer_desk.ui.bundle_dialog import open_bundle_dialog

    assert open_brief_dialog(None, case.store, 999) == []
    assert open_bundle_dialog(None, case.store, 999) == []
    assert [call.kind for call in recorded_alerts.calls] == ["error_for", "error_for"]
