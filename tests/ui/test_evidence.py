"""The Evidence tab on a real encrypted store with real files: add, see, preview, export, verify, edit.

File choosers are answered by patching ``QFileDialog``'s static functions (what
``EvidenceFiles`` calls); message boxes through the ``recorded_alerts`` fixture. Everything
else is real: the vault, the task runner's threads where the test is about them, QtPdf.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QFileDialog
from reportlab.pdfgen import canvas
from sqlalchemy import select

from lawyer_desk.core import exhibit_checks, exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.core.vault import HEADER_SIZE, Vault
from lawyer_desk.ui import plaintext_copies
from lawyer_desk.ui.case_view.evidence import EvidenceTab
from lawyer_desk.ui.case_view.evidence_model import Column, size_text
from lawyer_desk.ui.deleted_evidence import DeletedEvidenceFiles
from lawyer_desk.ui.tasks import ProgressDialog
from tests.conftest import PASSPHRASE
from tests.ui.case_view.demo_case import cells, make_tab

PDF_CANARY = "CANARYPDFQX41 the warrant names no act"
TEXT_CANARY = "CANARYTEXTZJ87 letter from the embassy"


# --- files, made on the spot ------------------------------------------------------------------
def report_pdf(path: Path, *lines: str) -> Path:
    """A PDF made by ReportLab, uncompressed, so its text stands in its bytes (a canary that would show)."""
    page = canvas.Canvas(str(path), pageCompression=0, invariant=1)
    for i, line in enumerate(lines):
        page.drawString(72, 780 - 18 * i, line)
    page.showPage()
    page.save()
    return path


def photo_png(path: Path, width: int = 64, height: int = 48) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a6ea5"))
    painter = QPainter(image)
    painter.fillRect(8, 8, 20, 12, QColor("#f5c542"))
    painter.end()
    assert image.save(str(path))
    return path


def needles(*paths: Path) -> set[bytes]:
    """What would betray a plaintext copy of these files: the canaries, and a slice of each file."""
    found = {PDF_CANARY.encode(), TEXT_CANARY.encode()}
    for path in paths:
        data = path.read_bytes()
        middle = len(data) // 2
        found.add(data[max(0, middle - 24):middle + 24])
    return found


def plaintext_on_disk(root: Path, skip: Path, wanted: set[bytes]) -> list[str]:
    hits = []
    for folder, _dirs, files in os.walk(root):
        if Path(folder).is_relative_to(skip):
            continue
        for name in files:
            path = Path(folder) / name
            try:
                data = path.read_bytes()
            except OSError:
                continue
            hits += [f"{path}: {needle[:20]!r}" for needle in wanted if needle in data]
    return hits


def drop_event(paths: list[Path], position: QPoint | None = None) -> tuple[QDropEvent, QMimeData]:
    """A drop of ``paths``, and its data, which the caller must keep alive (the event does not own it)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(position or QPoint(10, 10)), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    return event, mime


def choose_files(monkeypatch: pytest.MonkeyPatch, paths: list[Path]) -> list[str]:
    """The next "Add evidence files" dialog answers with ``paths``; returns the titles asked."""
    titles: list[str] = []

    def answer(parent: Any, title: str, folder: str, filters: str) -> tuple[list[str], str]:
        titles.append(title)
        return [str(p) for p in paths], filters

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(answer))
    return titles


def object_path(store: Store, exhibit_id: int) -> Path:
    with store.session() as session:
        name = session.execute(select(m.Exhibit.object_name).where(m.Exhibit.id == exhibit_id)).scalar_one()
    return Vault.of(store).path(name)


# --- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Temp and runtime folders of this test only, so that they can be searched for plaintext."""
    temp, runtime = tmp_path / "temp", tmp_path / "run"
    temp.mkdir()
    runtime.mkdir(mode=0o700)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    yield temp
    plaintext_copies.wipe_all()


@pytest.fixture
def case_id(store: Store) -> int:
    with store.session() as session:
        client = m.Client(display_name="Adil Evidence")
        session.add(client)
        session.flush()
        assert client.id is not None
        return client.id


@pytest.fixture
def incoming(tmp_path: Path) -> Path:
    folder = tmp_path / "incoming"
    folder.mkdir()
    report_pdf(folder / "ruling.pdf", "Regional Court, 3 March 2021", PDF_CANARY)
    photo_png(folder / "photo.png")
    (folder / "letter.txt").write_text(TEXT_CANARY + "\nПисьмо о задержании", encoding="utf-8")
    return folder


@pytest.fixture
def tab(qtbot: Any, store: Store, case_id: int) -> EvidenceTab:
    evidence, _events, _undo = make_tab(qtbot, EvidenceTab, store)
    evidence.show_case(case_id)
    return evidence


def add(tab: EvidenceTab, *paths: Path) -> list[exhibits.AddResult]:
    return tab.commands.add_paths(list(paths))


def by_file(tab: EvidenceTab) -> dict[str, exhibits.ExhibitRow]:
    return {row.filename: row for row in tab.rows}


# --- adding -----------------------------------------------------------------------------------
def test_add_evidence_through_the_action_shows_sizes_and_hashes(
        tab: EvidenceTab, incoming: Path, monkeypatch: pytest.MonkeyPatch, recorded_alerts: Any,
        immediate_tasks: Any) -> None:
    files = [incoming / "ruling.pdf", incoming / "photo.png", incoming / "letter.txt"]
    asked = choose_files(monkeypatch, files)
    assert tab.commands.add.isEnabled()
    tab.commands.add.trigger()
    assert asked == ["Add evidence files"]
    assert cells(tab.view, Column.NUMBER) == ["1", "2", "3"]
    assert cells(tab.view, Column.TITLE) == ["ruling", "photo", "letter"]
    assert cells(tab.view, Column.SIZE) == [size_text(f.stat().st_size) for f in files]
    assert cells(tab.view, Column.HASH) == [hashlib.sha256(f.read_bytes()).hexdigest()[:12] for f in files]
    assert cells(tab.view, Column.VERIFIED) == ["Not checked"] * 3
    (summary,) = recorded_alerts.calls
    assert summary.kind == "info" and "3 of 3 files were added" in summary.text
    assert "ruling.pdf — added as exhibit 1" in summary.text
    assert tab.selected_row() is not None and tab.selected_row().filename == "letter.txt"  # the last one added
    assert tab.count.text() == "3 exhibits"


def test_files_dropped_on_the_tab_are_added(tab: EvidenceTab, incoming: Path, recorded_alerts: Any,
                                            immediate_tasks: Any) -> None:
    files = [incoming / "ruling.pdf", incoming / "letter.txt"]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in files])
    enter = QDragEnterEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    enter.ignore()
    tab.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop, _data = drop_event(files)
    tab.dropEvent(drop)
    assert sorted(by_file(tab)) == ["letter.txt", "ruling.pdf"]
    assert recorded_alerts.kinds() == ["info"]


def test_each_bad_file_gets_its_own_error_line_and_the_others_are_added(
        tab: EvidenceTab, incoming: Path, tmp_path: Path, recorded_alerts: Any, immediate_tasks: Any) -> None:
    vanished = incoming / "vanished.pdf"
    vanished.write_bytes(b"%PDF-1.4 soon gone")
    vanished.unlink()
    folder = incoming / "a folder"
    folder.mkdir()
    results = add(tab, incoming / "ruling.pdf", folder, vanished, incoming / "letter.txt", incoming / "ruling.pdf")
    assert [r.ok for r in results] == [True, False, False, True, False]
    assert sorted(by_file(tab)) == ["letter.txt", "ruling.pdf"]
    (summary,) = recorded_alerts.calls
    assert summary.kind == "warning" and summary.title == "Some files were not added"
    lines = summary.text.splitlines()
    assert any("a folder" in line and line.startswith("✗") for line in lines)
    assert any("vanished.pdf" in line and line.startswith("✗") for line in lines)
    assert "= ruling.pdf — the same file is already exhibit 1; not added again" in lines  # the duplicate


def test_evidence_is_there_after_closing_and_reopening_the_store(
        qtbot: Any, store_dir: Path, incoming: Path, recorded_alerts: Any, immediate_tasks: Any) -> None:
    first = Store.create(store_dir, PASSPHRASE, KdfParams.cheap())
    with first.session() as session:
        client = m.Client(display_name="Reopened")
        session.add(client)
        session.flush()
        client_id = client.id
    tab, _events, _undo = make_tab(qtbot, EvidenceTab, first)
    tab.show_case(client_id)
    add(tab, incoming / "ruling.pdf", incoming / "photo.png")
    shown = cells(tab.view, Column.HASH)
    tab.show_case(None)
    first.close()
    again = Store.open(store_dir, PASSPHRASE)
    try:
        second, _events, _undo = make_tab(qtbot, EvidenceTab, again)
        second.show_case(client_id)
        assert cells(second.view, Column.TITLE) == ["ruling", "photo"]
        assert cells(second.view, Column.HASH) == shown
    finally:
        second.show_case(None)
        again.close()


def test_cancelling_half_way_leaves_no_row_and_no_orphan(
        tab: EvidenceTab, store: Store, incoming: Path, monkeypatch: pytest.MonkeyPatch, recorded_alerts: Any) -> None:
    big = incoming / "big.bin"
    with open(big, "wb") as out:
        # Sparse: costs no disk. Large enough that the progress dialog surely gets a "big.bin"
        # update (and the click) long before the worker could finish it, however loaded the
        # machine: the cancel comes at the first update, so the size costs no time.
        out.truncate(4 << 30)
    shown = ProgressDialog.show_progress

    def user_cancels_during_big(dialog: ProgressDialog, done: int, total: int, label: str) -> None:
        shown(dialog, done, total, label)
        if "big.bin" in label and dialog.cancel_button is not None and dialog.cancel_button.isEnabled():
            dialog.cancel_button.click()

    monkeypatch.setattr(ProgressDialog, "show_progress", user_cancels_during_big)
    results = add(tab, incoming / "letter.txt", big, incoming / "ruling.pdf")  # the real thread pool
    assert [r.ok for r in results] == [True, False, False]
    assert all("cancelled" in (r.error or "") for r in results[1:])
    assert list(by_file(tab)) == ["letter.txt"]
    listing = Vault.of(store).scan()
    assert len(listing.objects) == 1 and not listing.partial and not listing.strays
    assert exhibit_checks.orphans(store) == []
    assert recorded_alerts.calls[-1].kind == "warning"


# --- preview ----------------------------------------------------------------------------------
def test_preview_shows_pdf_image_and_text_from_memory_and_writes_no_plaintext(
        qtbot: Any, tab: EvidenceTab, incoming: Path, tmp_path: Path, recorded_alerts: Any) -> None:
    files = [incoming / "ruling.pdf", incoming / "photo.png", incoming / "letter.txt"]
    assert PDF_CANARY.encode() in files[0].read_bytes()  # the canary would show in a plaintext copy
    ids = {r.path.name: r.exhibit_id for r in add(tab, *files)}

    tab.select_exhibit(ids["ruling.pdf"])
    qtbot.waitUntil(lambda: tab.preview.mode == "pdf", timeout=10_000)
    assert tab.preview.pdf.status() == QPdfDocument.Status.Ready and tab.preview.pdf.pageCount() == 1
    assert PDF_CANARY in tab.preview.pdf.getAllText(0).text()
    assert "decrypted in memory" in tab.preview.caption.text()

    tab.select_exhibit(ids["photo.png"])
    qtbot.waitUntil(lambda: tab.preview.mode == "image", timeout=10_000)
    assert (tab.preview.image.original.width(), tab.preview.image.original.height()) == (64, 48)

    tab.select_exhibit(ids["letter.txt"])
    qtbot.waitUntil(lambda: tab.preview.mode == "text", timeout=10_000)
    assert TEXT_CANARY in tab.preview.text.toPlainText() and "Письмо" in tab.preview.text.toPlainText()
    qtbot.waitUntil(lambda: tab.custody.events() == ["added", "viewed"], timeout=10_000)
    tab.detail_tabs.setCurrentWidget(tab.custody)

    hits = plaintext_on_disk(tmp_path, incoming, needles(*files))
    assert hits == [], hits


def test_files_that_cannot_be_previewed_say_so(qtbot: Any, tab: EvidenceTab, incoming: Path,
                                               monkeypatch: pytest.MonkeyPatch, recorded_alerts: Any,
                                               immediate_tasks: Any) -> None:
    (incoming / "data.bin").write_bytes(os.urandom(300))
    (incoming / "fake.pdf").write_bytes(b"<html>a web page saved as .pdf</html>")
    ids = {r.path.name: r.exhibit_id for r in add(tab, incoming / "data.bin", incoming / "fake.pdf",
                                                  incoming / "letter.txt")}
    (summary,) = recorded_alerts.calls
    assert "✓ fake.pdf — added as exhibit 2 (the file is not a readable PDF" in summary.text  # why no search text
    tab.select_exhibit(ids["data.bin"])
    tab.load_preview()
    assert tab.preview.mode == "message"
    assert "cannot be shown inside the program" in tab.preview.message.text()
    tab.select_exhibit(ids["fake.pdf"])
    tab.load_preview()
    assert tab.preview.mode == "message" and "cannot be shown as a PDF" in tab.preview.message.text()
    monkeypatch.setattr(exhibits, "PREVIEW_LIMIT", 20)
    tab.select_exhibit(ids["letter.txt"])
    tab.load_preview()
    assert "too large to preview" in tab.preview.caption.text()
    assert tab.preview.mode == "text" and TEXT_CANARY in tab.preview.text.toPlainText()  # the text for search


# --- reading back and checking ----------------------------------------------------------------
def test_export_writes_the_same_bytes_and_is_in_the_custody(
        tab: EvidenceTab, incoming: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recorded_alerts: Any,
        immediate_tasks: Any) -> None:
    (result,) = add(tab, incoming / "ruling.pdf")
    target = tmp_path / "out" / "copy of ruling.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(target), "")))
    tab.select_exhibit(result.exhibit_id)
    tab.commands.export.trigger()
    assert target.read_bytes() == (incoming / "ruling.pdf").read_bytes()
    assert tab.custody.events()[-1] == "exported"


def test_verify_all_reports_an_altered_file_and_an_orphan(
        tab: EvidenceTab, store: Store, incoming: Path, recorded_alerts: Any, immediate_tasks: Any) -> None:
    first, second = add(tab, incoming / "ruling.pdf", incoming / "letter.txt")
    damaged = object_path(store, first.exhibit_id)
    data = bytearray(damaged.read_bytes())
    data[HEADER_SIZE + 5] ^= 0x01
    damaged.write_bytes(bytes(data))
    (store.paths.vault / "stray.txt").write_text("not ours", encoding="utf-8")
    recorded_alerts.calls.clear()

    tab.commands.verify_all.trigger()
    assert cells(tab.view, Column.VERIFIED) == ["Altered", "Intact"]
    (shown,) = recorded_alerts.calls
    assert shown.kind == "warning" and shown.title == "Problems found in the evidence"
    assert "Intact: 1 · Altered: 1 · Missing: 0 · Orphans: 1" in shown.text
    assert "Exhibit 1 “ruling” (Adil Evidence): altered: chunk 1 of 1" in shown.text
    assert "Orphan stray.txt" in shown.text

    recorded_alerts.calls.clear()
    tab.select_exhibit(second.exhibit_id)
    tab.commands.verify.trigger()
    assert recorded_alerts.calls[0].kind == "info" and recorded_alerts.calls[0].title == "The file is intact"
    assert tab.custody.events()[-1] == "verified"


# --- editing, deleting, renumbering -----------------------------------------------------------
def test_delete_asks_first_is_undoable_and_the_file_goes_with_the_undo_history(
        tab: EvidenceTab, store: Store, incoming: Path, recorded_alerts: Any, immediate_tasks: Any) -> None:
    (result,) = add(tab, incoming / "letter.txt")
    stored = object_path(store, result.exhibit_id)
    tab.select_exhibit(result.exhibit_id)
    recorded_alerts.confirm_answer = False
    tab.commands.delete.trigger()
    assert stored.exists() and len(tab.rows) == 1
    question = recorded_alerts.calls[-1]
    assert question.kind == "confirm" and "letter.txt" in question.text
    assert "undo this with Ctrl+Z until you close the program" in question.text
    recorded_alerts.confirm_answer = True
    files = DeletedEvidenceFiles(store, tab.undo, tab)  # what the main window keeps
    tab.commands.delete.trigger()
    assert tab.rows == [] and stored.exists()
    tab.undo.undo()
    assert [r.id for r in tab.rows] == [result.exhibit_id]
    tab.undo.redo()
    assert tab.rows == [] and stored.exists()
    assert files.discard_undo() == [stored.name]
    assert not stored.exists() and exhibit_checks.orphans(store) == []


def test_renumber_after_confirmation(tab: EvidenceTab, incoming: Path, recorded_alerts: Any,
                                     immediate_tasks: Any) -> None:
    results = add(tab, incoming / "ruling.pdf", incoming / "photo.png", incoming / "letter.txt")
    exhibits.delete_exhibit(tab.store, results[1].exhibit_id)
    tab.reload()
    assert cells(tab.view, Column.NUMBER) == ["1", "3"]
    recorded_alerts.confirm_answer = False
    tab.commands.renumber.trigger()
    assert cells(tab.view, Column.NUMBER) == ["1", "3"]
    recorded_alerts.confirm_answer = True
    tab.commands.renumber.trigger()
    assert cells(tab.view, Column.NUMBER) == ["1", "2"]
    assert recorded_alerts.calls[-1].kind == "confirm"


def test_filter_box_kind_filter_and_sorting(tab: EvidenceTab, store: Store, incoming: Path, recorded_alerts: Any,
                                            immediate_tasks: Any) -> None:
    results = add(tab, incoming / "ruling.pdf", incoming / "photo.png", incoming / "letter.txt")
    with store.session() as session:
        exhibits.update_exhibit(session, results[0].exhibit_id, kind="court_decision", title="Ruling of the court")
    tab.events.changed.emit("exhibit", tab.client_id)
    tab.filter.setText("COURT")
    assert cells(tab.view, Column.TITLE) == ["Ruling of the court"]
    assert tab.count.text() == "1 of 3 exhibits"
    tab.filter.setText("")
    tab.kind_filter.setCurrentIndex(tab.kind_filter.findData("other"))
    assert cells(tab.view, Column.TITLE) == ["photo", "letter"]
    tab.kind_filter.setCurrentIndex(0)
    tab.view.sortByColumn(Column.SIZE, Qt.SortOrder.DescendingOrder)
    sizes = [r.size for r in sorted(tab.rows, key=lambda r: -r.size)]
    assert cells(tab.view, Column.SIZE) == [size_text(s) for s in sizes]


def test_the_dividers_are_where_the_lawyer_left_them(qtbot: Any, store: Store, case_id: int) -> None:
    first, _events, _undo = make_tab(qtbot, EvidenceTab, store)
    first.resize(900, 700)
    first.show()
    first.splitter.setSizes([150, 500])
    first.lower_splitter.setSizes([300, 560])
    wanted = (first.splitter.sizes(), first.lower_splitter.sizes())
    first.hide()
    second, _events, _undo = make_tab(qtbot, EvidenceTab, store)
    second.resize(900, 700)
    second.show()
    assert (second.splitter.sizes(), second.lower_splitter.sizes()) == wanted


def test_a_damaged_file_is_not_previewed_and_says_why(tab: EvidenceTab, store: Store, incoming: Path,
                                                      recorded_alerts: Any, immediate_tasks: Any) -> None:
    (result,) = add(tab, incoming / "letter.txt")
    damaged = object_path(store, result.exhibit_id)
    data = bytearray(damaged.read_bytes())
    data[-3] ^= 0x80
    damaged.write_bytes(bytes(data))
    tab.select_exhibit(result.exhibit_id)
    tab.load_preview(again=True)
    assert tab.preview.mode == "message"
    assert "failed its check" in tab.preview.message.text() and "chunk 1" in tab.preview.message.text()
    assert tab.custody.events() == ["added"]  # nothing was shown, so nothing was viewed
