"""The Hearing Bundle dialog on a real store: exhibits and their order, numbering and prefix,
the confidentiality override, a damaged exhibit; built off the GUI thread, then previewed.

Everything is real (store, vault, templates, ReportLab, pypdf, QtPdf); message boxes go
through ``recorded_alerts``. The bundle is read back with pypdf: its bookmarks say which
exhibits it holds and in what order, its pages' text the stamped numbers.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination
from PySide6.QtCore import QModelIndex, Qt

from lawyer_desk.core.store import Store
from lawyer_desk.ui import tasks
from lawyer_desk.ui.bundle_dialog import BundleDialog, open_bundle_dialog
from lawyer_desk.ui.main_window import MainWindow
from lawyer_desk.ui.pdf_preview import PdfPreview
from tests.ui.documents_case import (
    CONFIDENTIAL_TITLE,
    IDRIS,
    DemoCase,
    demo_case,
    disclosures,
    page_count,
    plaintext_hits,
    templates,
    top_level,
)

WARRANT, REPORT, LETTER = "Arrest warrant of the Ghulja PSB", "Country report on Xinjiang", "Letter from the embassy"


@pytest.fixture
def case(store: Store, tmp_path: Path) -> DemoCase:
    return demo_case(store, tmp_path / "incoming")


def dialog_for(qtbot: Any, store: Store, template: str | None = "extradition-court-submission",
               runner: tasks.TaskRunner | None = None) -> BundleDialog:
    dialog = BundleDialog(store, IDRIS, templates(), runner=runner or tasks.ImmediateRunner())
    qtbot.addWidget(dialog)
    dialog.choose_template(template)
    return dialog


def exhibit_bookmarks(pdf: bytes, password: str | None = None) -> list[str]:
    """The titles of the bookmarks under "Exhibits", in order."""
    reader = PdfReader(io.BytesIO(pdf))
    if password is not None:
        reader.decrypt(password)
    titles: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            elif isinstance(item, Destination) and item.title.startswith("Exhibit "):
                titles.append(item.title)

    walk(reader.outline)
    return titles


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


# --- through the Case menu ---------------------------------------------------------------------------------
def test_the_case_menu_opens_the_bundle_dialog_and_previews_the_bundle(
        qtbot: Any, case: DemoCase, when_shown: Any, recorded_alerts: Any) -> None:
    window = MainWindow(case.store)
    qtbot.addWidget(window)
    window.show()
    window.show_case(IDRIS)
    assert window.bundle_action.isEnabled() and window.bundle_action.text() == "&Hearing Bundle…"

    def build(dialog: BundleDialog) -> None:
        dialog.choose_template("extradition-court-submission")
        qtbot.mouseClick(dialog.build_button, Qt.MouseButton.LeftButton)  # the program's thread pool

    when_shown(BundleDialog, build)
    window.bundle_action.trigger()
    (preview,) = top_level(PdfPreview)
    assert isinstance(preview, PdfPreview)
    assert preview.page_count == page_count(preview.pdf)
    assert preview.file_name.endswith("-bundle.pdf")
    n = case.numbers
    assert exhibit_bookmarks(preview.pdf) == [f"Exhibit {n[WARRANT]}: {WARRANT}", f"Exhibit {n[REPORT]}: {REPORT}"]
    assert recorded_alerts.calls == []
    preview.close()


def test_cancelling_the_dialog_makes_no_bundle(case: DemoCase, when_shown: Any) -> None:
    when_shown(BundleDialog, lambda dialog: dialog.reject())
    assert open_bundle_dialog(None, case.store, IDRIS) == []


# --- which exhibits, in which order --------------------------------------------------------------------------
def test_moving_an_exhibit_up_changes_the_order_in_the_bundle(qtbot: Any, case: DemoCase) -> None:
    n = case.numbers
    dialog = dialog_for(qtbot, case.store)
    assert dialog.order() == [n[WARRANT], n[CONFIDENTIAL_TITLE], n[REPORT], n[LETTER]]
    assert not dialog.up_button.isEnabled()  # the first is selected
    dialog.select(n[REPORT])
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    assert dialog.order() == [n[REPORT], n[WARRANT], n[CONFIDENTIAL_TITLE], n[LETTER]]
    assert not dialog.up_button.isEnabled() and dialog.down_button.isEnabled()
    dialog.build_documents()
    (bundle,) = dialog.documents
    assert exhibit_bookmarks(bundle.pdf) == [f"Exhibit {n[REPORT]}: {REPORT}", f"Exhibit {n[WARRANT]}: {WARRANT}"]
    text = "\n".join(page_texts(bundle.pdf))
    assert text.index("Country report - page 1") < text.index("Arrest warrant - page 1")


def test_dragging_reorders_the_list_the_bundle_follows(qtbot: Any, case: DemoCase) -> None:
    n = case.numbers
    dialog = dialog_for(qtbot, case.store)
    assert dialog.exhibit_list.dragDropMode() == dialog.exhibit_list.DragDropMode.InternalMove
    # What a drop does to the list: the model moves the row.
    assert dialog.exhibit_list.model().moveRow(QModelIndex(), 3, QModelIndex(), 0)
    assert dialog.order()[0] == n[LETTER]
    assert dialog.options().exhibit_ids == tuple(
        r.id for r in sorted(dialog.rows.values(), key=lambda r: dialog.order().index(r.number))
        if not r.confidential)


def test_an_unticked_exhibit_stays_out(qtbot: Any, case: DemoCase) -> None:
    n = case.numbers
    dialog = dialog_for(qtbot, case.store, None)
    dialog.set_included(n[WARRANT], False)
    dialog.build_documents()
    (bundle,) = dialog.documents
    assert exhibit_bookmarks(bundle.pdf) == [f"Exhibit {n[REPORT]}: {REPORT}"]
    text = " ".join(" ".join(page_texts(bundle.pdf)).split())
    assert "Arrest warrant" not in text and "Submissions on behalf" not in text  # no submission either
    assert "original held, not paginated" in text  # the letter, a text file, is listed in the index


def test_a_text_file_is_marked_not_paginated_in_the_list(qtbot: Any, case: DemoCase) -> None:
    dialog = dialog_for(qtbot, case.store)
    texts = [dialog.exhibit_list.item(i).text() for i in range(dialog.exhibit_list.count())]
    assert texts[3].endswith("— not paginated") and "Letter from the embassy" in texts[3]
    assert texts[1].endswith("— confidential — left out")


# --- confidentiality ------------------------------------------------------------------------------------------
def test_the_confidential_exhibit_needs_the_override_which_is_audited(qtbot: Any, case: DemoCase) -> None:
    number = case.numbers[CONFIDENTIAL_TITLE]
    dialog = dialog_for(qtbot, case.store)
    dialog.show()
    item = dialog._item(number)
    assert not item.flags() & Qt.ItemFlag.ItemIsEnabled and item.checkState() == Qt.CheckState.Unchecked
    dialog.build_documents()
    assert not any(CONFIDENTIAL_TITLE in title for title in exhibit_bookmarks(dialog.documents[0].pdf))
    assert disclosures(case.store) == []

    dialog = dialog_for(qtbot, case.store)
    dialog.show()
    dialog.override.set_included(True)
    item = dialog._item(number)
    assert item.flags() & Qt.ItemFlag.ItemIsEnabled and item.checkState() == Qt.CheckState.Checked
    assert dialog.override.frame.isVisible() and "a court" in dialog.override.warning.text()
    dialog.build_documents()
    (bundle,) = dialog.documents
    assert f"Exhibit {number}: {CONFIDENTIAL_TITLE}" in exhibit_bookmarks(bundle.pdf)
    assert bundle.disclosed == (number,)
    assert any(number in entry and "hearing bundle" in entry for entry in disclosures(case.store))


# --- numbering --------------------------------------------------------------------------------------------------
def test_continuous_numbers_with_a_prefix_on_every_page(qtbot: Any, case: DemoCase) -> None:
    dialog = dialog_for(qtbot, case.store, None)
    dialog.prefix.setText("B-")
    assert dialog.numbering_example.text() == "Pages are stamped B-1, B-2, B-3 …"
    dialog.build_documents()
    pages = page_texts(dialog.documents[0].pdf)
    for position, text in enumerate(pages, start=1):
        assert re.search(rf"\bB-{position}\b", text), (position, text[-200:])


def test_numbers_restart_in_each_section(qtbot: Any, case: DemoCase) -> None:
    dialog = dialog_for(qtbot, case.store)
    dialog.prefix.setText("B-")
    dialog.restart.setChecked(True)
    assert dialog.numbering_example.text().startswith("Pages are stamped B-I1, B-I2 …; B-S1")
    dialog.build_documents()
    pages = page_texts(dialog.documents[0].pdf)
    assert "B-I1" in pages[0]
    exhibit_pages = [text for text in pages if "Arrest warrant - page" in text or "Country report - page" in text]
    assert len(exhibit_pages) == 5
    for position, text in enumerate(exhibit_pages, start=1):
        assert re.search(rf"\bB-E{position}\b", text)


def test_a_prefix_with_invisible_characters_is_refused(qtbot: Any, case: DemoCase, recorded_alerts: Any) -> None:
    dialog = dialog_for(qtbot, case.store)
    dialog.prefix.setText("B\t")
    dialog.build_documents()
    (call,) = recorded_alerts.calls
    assert call.title == "The bundle was not made" and "prefix" in call.text
    assert dialog.documents == []


# --- errors, cancel, password ----------------------------------------------------------------------------------
def test_a_damaged_exhibit_pdf_is_named_in_an_error_dialog_and_nothing_is_made(
        qtbot: Any, store: Store, tmp_path: Path, recorded_alerts: Any) -> None:
    case = demo_case(store, tmp_path / "incoming", damaged=True)
    number = case.numbers["Medical report (damaged file)"]
    dialog = dialog_for(qtbot, store)
    dialog.show()
    dialog.build_documents()
    (call,) = recorded_alerts.calls
    assert call.kind == "error" and call.title == "The bundle was not made"
    assert f"Exhibit {number} (Medical report (damaged file))" in call.text and "damaged" in call.text
    assert dialog.documents == [] and dialog.isVisible()
    assert plaintext_hits([store.paths.root, tmp_path], {b"Arrest warrant - page"}) == []


def test_cancelling_the_build_keeps_nothing(qtbot: Any, case: DemoCase) -> None:
    class CancelAtFirstPart(tasks.ImmediateRunner):
        def run(self, fn: Any, **kwargs: Any) -> tasks.Task:
            def stopping(progress: tasks.Progress) -> Any:
                report = progress.report

                def report_then_cancel(done: int, total: int = 0, label: str = "") -> None:
                    report(done, total, label)
                    progress.cancel()

                progress.report = report_then_cancel  # type: ignore[method-assign]
                return fn(progress)

            return super().run(stopping, **kwargs)

    dialog = dialog_for(qtbot, case.store, runner=CancelAtFirstPart())
    dialog.show()
    dialog.override.set_included(True)
    dialog.build_documents()
    assert dialog.documents == [] and dialog.isVisible()
    assert disclosures(case.store) == []


def test_the_password_protects_the_bundle(qtbot: Any, case: DemoCase) -> None:
    dialog = dialog_for(qtbot, case.store, None)
    dialog.password.set_password("hearing-day")
    dialog.build_documents()
    (bundle,) = dialog.documents
    assert PdfReader(io.BytesIO(bundle.pdf)).is_encrypted
    assert len(exhibit_bookmarks(bundle.pdf, "hearing-day")) == 2
