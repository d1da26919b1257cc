"""A whole desk session in a process of its own, for ``test_no_plaintext_gui``.

Run as ``python -m tests.e2e.gui_workflow_child STORE OUTSIDE RECORD``. Before anything else
it installs an audit hook (PEP 578) that writes every socket connect and bind, every socket
made, and every name lookup to RECORD (one JSON line each, with the address family). Then
it starts the desk the way ``app.run_gui`` does (settings, translations, crash reports, the
store's log), on a new store in STORE, and works through the real window: a client with
canary names in four scripts and a canary note; evidence files (written to OUTSIDE, the
lawyer's own folder) added, previewed, and one opened as a decrypted copy; a brief built and
previewed (not saved); Lock and unlock; Back Up Now; and the window closed (with the day's
backup). Message boxes are answered (and recorded) instead of shown; record dialogs are
filled and saved as a user would. A JSON summary goes to standard output.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

LATIN = "CANARYGUIZQ Vetrovsky"
CYRILLIC = "Канарейкина Жужелица"
ARABIC = "قانارىيەگۇي"
HAN = "金丝雀界面名字"
NOTE_TITLE = "CANARYGUINOTETITLE"
NOTE = "CANARYGUINOTE6612 the client was beaten in custody"
TEXT = "CANARYGUITEXT3307 letter from the embassy"
TEXT_CYRILLIC = "Канареечноеписьмо о задержании"
PDF = "CANARYGUIPDF5590 the warrant names no act"
FILE_NAME = "CANARYGUIFILE"  # in the evidence files' names: no list or log may hold them
SEARCH = "CANARYGUISEARCH"  # typed into the client list's search box

CANARIES = (LATIN, CYRILLIC, ARABIC, HAN, NOTE_TITLE, NOTE, TEXT, TEXT_CYRILLIC, PDF, FILE_NAME, SEARCH)

LOOKUPS = ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr",
           "socket.getnameinfo")
WAIT_S = 20.0


def install_network_hook(record: Path) -> None:
    """Every socket made, connected or bound, and every name lookup, written to ``record``."""

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if not event.startswith("socket."):
            return
        if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
            family = getattr(args[0], "family", None)
            detail = args[1] if len(args) > 1 else None
        elif event == "socket.__new__":
            family, detail = (args[1] if len(args) > 1 else None), None
        elif event in LOOKUPS:
            family, detail = None, args[:2]
        else:
            return
        entry = {"event": event, "family": None if family is None else int(family), "detail": repr(detail)}
        with open(record, "a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")

    sys.addaudithook(hook)


def inet_sockets_open() -> list[str]:
    """Internet sockets this process holds now (Linux), seen by the kernel, C++ ones included."""
    proc = Path("/proc/self")
    if not proc.is_dir():
        return []
    inodes = set()
    for fd in (proc / "fd").iterdir():
        try:
            target = fd.readlink().as_posix()
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    found = []
    for table in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6"):
        path = proc / "net" / table
        if not path.exists():
            continue
        for line in path.read_text("ascii").splitlines()[1:]:
            fields = line.split()
            if len(fields) > 9 and fields[9] in inodes:
                found.append(f"{table}: {line.strip()}")
    return found


def evidence_files(outside: Path) -> list[Path]:
    """The lawyer's own files, outside the program's folders: a letter and a ReportLab PDF."""
    from reportlab.pdfgen import canvas

    outside.mkdir(parents=True, exist_ok=True)
    letter = outside / f"{FILE_NAME}-letter.txt"
    letter.write_text(f"{TEXT}\n{TEXT_CYRILLIC}\n", encoding="utf-8")
    ruling = outside / f"{FILE_NAME}-ruling.pdf"
    page = canvas.Canvas(str(ruling), pageCompression=0, invariant=1)  # uncompressed: the text stands in the bytes
    page.drawString(72, 780, "Regional Court, 3 March 2021")
    page.drawString(72, 760, PDF)
    page.showPage()
    page.save()
    return [letter, ruling]


def main(argv: list[str]) -> int:
    store_dir, outside, record = (Path(a) for a in argv[:3])
    install_network_hook(record)

    import pytest
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

    from lawyer_desk.core import logs
    from lawyer_desk.core.store import KdfParams, Store
    from lawyer_desk.ui import alerts, crash, plaintext_copies, settings
    from lawyer_desk.ui.app import install_translations, interface_locale, make_application, show_main_window, shut_down
    from lawyer_desk.ui.brief_dialog import BriefDialog
    from lawyer_desk.ui.case_view import evidence_actions
    from lawyer_desk.ui.pdf_preview import PdfPreview
    from tests.conftest import PASSPHRASE
    from tests.ui.case_view.fill_dialog import fill_dialogs

    summary: dict[str, Any] = {"alerts": [], "steps": []}

    def wait_until(condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + WAIT_S
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            QTest.qWait(20)

    def step(name: str) -> None:
        summary["steps"].append(name)

    # Message boxes answered, not shown (what tests/ui/conftest.py does); their titles recorded.
    def present(box: QMessageBox) -> QMessageBox.StandardButton:
        summary["alerts"].append([box.icon().name, box.property("alert_title")])
        default = box.defaultButton()
        return box.standardButton(default) if default else QMessageBox.StandardButton.Ok

    patch = pytest.MonkeyPatch()
    patch.setattr(alerts, "present", present)
    patch.setattr(alerts, "confirm", lambda *args, **kwargs: True)
    answers = fill_dialogs(patch)
    files = evidence_files(outside)
    patch.setattr(QFileDialog, "getOpenFileNames",
                  staticmethod(lambda *args: ([str(p) for p in files], args[-1] if args else "")))
    opened: list[str] = []
    patch.setattr(evidence_actions, "open_in_system_viewer", lambda path: opened.append(str(path)) or True)

    # As app.run_gui starts the desk (the create-store dialog aside: a cheap key derivation).
    app = make_application([sys.argv[0]])
    preferences = settings.load()
    locale, explicit = interface_locale(preferences.language)
    install_translations(app, locale, explicit=explicit)
    crash.install()
    store = Store.create(store_dir, PASSPHRASE, KdfParams.cheap())
    settings.update(last_store_folder=str(store_dir.resolve()))
    logs.to_store(store.paths.logs)
    window = show_main_window(store)
    QTest.qWaitForWindowExposed(window)
    step("started")

    # A client with names in four scripts, and a note.
    answers.fields = {"display_name": LATIN}
    window.new_client_action.trigger()
    assert window.client_id is not None, "no client was made"
    names = window.case_tabs["names"]
    window.tabs.setCurrentWidget(names)
    for text, script in ((CYRILLIC, "Cyrillic"), (ARABIC, "Arabic"), (HAN, "Han")):
        answers.fields = {"text": text, "script": script}
        names.add_button.click()
    notes = window.case_tabs["notes"]
    window.tabs.setCurrentWidget(notes)
    notes.new_note()
    notes.title_edit.setText(NOTE_TITLE)
    notes.section_combo.setCurrentIndex(notes.section_combo.findData("grounds"))
    notes.body_edit.setPlainText(NOTE)
    assert notes.save(), "the note was not saved"
    step("client")

    # The search box, which must not keep a history on disk.
    window.client_list.search_box.setText(SEARCH)
    QTest.qWait(400)
    window.client_list.search_box.clear()
    QTest.qWait(400)

    # Evidence: added through the file chooser, each previewed, one opened as a decrypted copy.
    window.add_evidence_action.trigger()
    evidence = window.case_tabs["evidence"]
    wait_until(lambda: len(evidence.rows) == 2, "the evidence rows")
    ids = {row.filename: row.id for row in evidence.rows}
    evidence.select_exhibit(ids[files[1].name])
    wait_until(lambda: evidence.preview.mode == "pdf", "the PDF preview")
    assert PDF in evidence.preview.pdf.getAllText(0).text()
    evidence.select_exhibit(ids[files[0].name])
    wait_until(lambda: evidence.preview.mode == "text", "the text preview")
    assert TEXT in evidence.preview.text.toPlainText()
    copy = evidence.commands.open_with_system_viewer()
    assert copy is not None and copy.exists() and opened == [str(copy)], (copy, opened)
    summary["copy"] = str(copy)
    step("evidence")

    # A brief, previewed and not saved.
    def build(dialog: BriefDialog) -> None:
        dialog.choose_template("ccf-deletion-request")
        dialog.build_button.click()

    def when_shown() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, BriefDialog) and widget.isVisible() and not widget.property("driven"):
                widget.setProperty("driven", True)
                build(widget)

    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(when_shown)
    poll.start()
    window.brief_action.trigger()
    poll.stop()
    previews = [w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreview) and w.isVisible()]
    assert previews, "the brief was not previewed"
    summary["brief_pages"] = previews[0].page_count
    for preview in previews:
        preview.close()
    wait_until(lambda: not any(isinstance(w, PdfPreview) and w.isVisible() for w in QApplication.topLevelWidgets()),
               "the preview to close")
    # and the lock follows at once (tests/ui/test_session_lock.py covers a preview still open).
    step("brief")

    # Lock, then unlock with the passphrase.
    lock = window.safety.lock
    assert lock.lock("manual")
    wait_until(lambda: lock.is_locked and lock.store_closed, "the lock")
    summary["copy_wiped_on_lock"] = not copy.exists()
    screen = lock.screen
    assert screen is not None
    screen.passphrase.setText(PASSPHRASE)
    screen.unlock_button.click()
    wait_until(lambda: not lock.is_locked, "the unlock")
    step("lock")

    done = window.safety.backups.back_up_now()
    assert done is not None, "no backup was made"
    summary["backup"] = str(done.info.path)
    step("backup")

    assert window.close(), "the window did not close"
    summary["copies_after_close"] = [str(p) for p in plaintext_copies.copies()]
    summary["copy_exists_after_close"] = copy.exists()
    summary["inet_sockets"] = inet_sockets_open()
    shut_down(store)
    app.processEvents()
    patch.undo()
    step("closed")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
