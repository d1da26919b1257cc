"""The crash path (a report without client data, a dialog on the GUI thread) and the About dialog."""

from __future__ import annotations

import re
import sys
import threading
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from lawyer_desk import __version__
from lawyer_desk.ui import about, crash
from lawyer_desk.ui.about import COMPONENTS, AboutDialog
from tests.ui.conftest import WAIT_MS, AlertRecorder

SECRET = "Idris Mamut, wanted by XX for 'separatism'"


def _lookup_client(name: str) -> None:
    raise KeyError(name)


def _open_case(name: str) -> None:
    try:
        _lookup_client(name)
    except KeyError as exc:
        raise ValueError(f"no case for {name}") from exc


def _caught() -> BaseException:
    try:
        _open_case(SECRET)
    except ValueError as exc:
        return exc
    raise AssertionError("unreachable")


def reports(private_folders: Path) -> list[Path]:
    return sorted((private_folders / "logs").glob("crash-*.txt"))


# --- the report -----------------------------------------------------------------------------------
def test_report_has_code_locations_but_no_message(qapp: QApplication) -> None:
    report = crash.sanitised_report(_caught())
    assert "Idris" not in report and "separatism" not in report and "no case for" not in report
    assert "_lookup_client" in report and "_open_case" in report
    assert "KeyError" in report and "ValueError" in report
    assert report.index("KeyError") < report.index("which led to") < report.index("ValueError")
    assert f"lawyer_desk {__version__}" in report
    assert 'File "tests/ui/test_crash_about.py"' in report  # from the checkout, not the user's home folder
    assert str(Path.home()) not in report


def test_report_of_an_os_error_keeps_the_code_and_drops_the_file_name(qapp: QApplication, tmp_path: Path) -> None:
    secret_file = tmp_path / "Idris Mamut - warrant.pdf"
    try:
        secret_file.read_bytes()
    except OSError as exc:
        report = crash.sanitised_report(exc)
    assert "FileNotFoundError [ENOENT]" in report
    assert "Idris" not in report and "warrant" not in report


def test_hook_writes_the_report_to_the_log_folder(qapp: QApplication, private_folders: Path,
                                                   recorded_alerts: AlertRecorder) -> None:
    exc = _caught()
    crash.handle(type(exc), exc, exc.__traceback__)
    (path,) = reports(private_folders)
    text = path.read_text(encoding="utf-8")
    assert "_lookup_client" in text and "Idris" not in text
    assert recorded_alerts.calls == []  # LAWYER_DESK_NO_CRASH_DIALOG=1 (tests/ui/conftest.py)


def test_hook_shows_the_same_report_as_copyable_details(qapp: QApplication, private_folders: Path,
                                                        recorded_alerts: AlertRecorder,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(crash.ENV_NO_DIALOG)
    crash.install()
    assert sys.excepthook is crash.handle
    exc = _caught()
    sys.excepthook(type(exc), exc, exc.__traceback__)
    (path,) = reports(private_folders)
    (call,) = recorded_alerts.calls
    assert call.kind == "error" and call.title == "lawyer_desk met an unexpected error"
    assert call.details == path.read_text(encoding="utf-8")
    assert str(path) in call.text
    assert "Idris" not in call.text and "Idris" not in (call.details or "")


def test_the_flag_disables_the_dialog(qapp: QApplication, private_folders: Path, recorded_alerts: AlertRecorder,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(crash.ENV_NO_DIALOG)
    crash.install(show_dialog=False)
    exc = _caught()
    sys.excepthook(type(exc), exc, exc.__traceback__)
    assert len(reports(private_folders)) == 1
    assert recorded_alerts.calls == []


def test_an_error_on_another_thread_is_shown_on_the_gui_thread(qtbot: QtBot, private_folders: Path,
                                                               recorded_alerts: AlertRecorder,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(crash.ENV_NO_DIALOG)
    crash.install()
    thread = threading.Thread(target=_open_case, args=(SECRET,), name="importer")
    thread.start()
    thread.join(WAIT_MS / 1000)
    qtbot.waitUntil(lambda: len(recorded_alerts.calls) == 1, timeout=WAIT_MS)
    (call,) = recorded_alerts.calls
    assert call.on_gui_thread
    assert "thread: importer" in (call.details or "")
    assert "Idris" not in reports(private_folders)[0].read_text(encoding="utf-8")


def test_a_failing_dialog_does_not_crash_the_crash_path(qapp: QApplication, private_folders: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(crash.ENV_NO_DIALOG)

    def broken(*args: object) -> None:
        raise RuntimeError("the dialog broke")

    monkeypatch.setattr(crash.alerts, "error", broken)
    crash.install()
    exc = _caught()
    crash.handle(type(exc), exc, exc.__traceback__)
    assert len(reports(private_folders)) == 1


def test_old_reports_are_removed(qapp: QApplication, private_folders: Path) -> None:
    for _ in range(crash.KEEP_REPORTS + 5):
        assert crash.write_report("report\n") is not None
    assert len(reports(private_folders)) == crash.KEEP_REPORTS


def test_unwritable_log_folder_still_reports(qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             recorded_alerts: AlertRecorder) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(crash.ENV_LOG_DIR, str(blocker / "logs"))
    monkeypatch.delenv(crash.ENV_NO_DIALOG)
    crash.install()
    exc = _caught()
    crash.handle(type(exc), exc, exc.__traceback__)
    (call,) = recorded_alerts.calls
    assert "could not be written" in call.text


def test_uninstall_puts_back_the_previous_hooks(qapp: QApplication) -> None:
    before = (sys.excepthook, threading.excepthook)
    crash.install()
    assert (sys.excepthook, threading.excepthook) != before
    crash.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


# --- About ----------------------------------------------------------------------------------------
def cell(dialog: AboutDialog, row: int, column: int) -> str:
    item = dialog.licences.item(row, column)
    assert item is not None
    return item.text()


def test_about_shows_the_version_and_the_libraries(qtbot: QtBot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert __version__ in dialog.version_label.text()
    names = [cell(dialog, row, 0) for row in range(dialog.licences.rowCount())]
    for expected in ("PySide6 (Qt for Python)", "SQLCipher", "SQLAlchemy", "SQLModel", "Alembic", "pydantic",
                     "cryptography", "argon2-cffi", "pycountry", "anyascii", "platformdirs", "filelock", "tqdm"):
        assert expected in names
    row = names.index("SQLCipher")
    assert re.match(r"4\.\d+", cell(dialog, row, 1))


def test_copy_versions(qtbot: QtBot) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.copy_versions()
    text = QGuiApplication.clipboard().text()
    assert f"lawyer_desk: {__version__}" in text and "SQLCipher: 4." in text and "Qt: " in text


def test_sqlcipher_version() -> None:
    assert re.match(r"4\.\d+\.\d+", about.sqlcipher_version())


# Packages that state their licence in words rather than as an SPDX expression: what the
# metadata says (its start), and the SPDX identifier it amounts to, read from the licence text.
STATED_IN_WORDS = {
    "reportlab": ("BSD license", "BSD-3-Clause"),  # LICENSE: the three-clause text ("Neither the name…")
    "rl-accel": ("BSD license", "BSD-3-Clause"),
    "uharfbuzz": ("Apache License 2.0", "Apache-2.0"),
    "python-bidi": ("", "LGPL-3.0-or-later"),  # no field; ships COPYING.LESSER (LGPL v3)
}


def _stated_licence(distribution: str) -> str:
    data = metadata.metadata(distribution)
    stated = data.get("License-Expression") or data.get("License") or ""
    if distribution in STATED_IN_WORDS:
        words, spdx = STATED_IN_WORDS[distribution]
        assert stated.startswith(words), stated
        return spdx
    return stated


@pytest.mark.parametrize("component", [c for c in COMPONENTS if c.distribution and c.distribution != "sqlcipher3"],
                         ids=lambda c: c.name)
def test_declared_licence_matches_the_installed_package(component: about.Component) -> None:
    assert component.distribution is not None
    stated = _stated_licence(component.distribution)
    if stated:
        assert stated == component.licence
    else:  # only classifiers (anyascii)
        classifiers = metadata.metadata(component.distribution).get_all("Classifier") or []
        assert any(component.licence in c or (component.licence == "ISC" and "ISC License" in c)
                   for c in classifiers), classifiers


def test_sqlcipher3_licence_file_is_the_zlib_licence() -> None:
    files = metadata.files("sqlcipher3") or []
    (licence,) = [f for f in files if f.name == "LICENSE"]
    text = " ".join(licence.read_text().split()).lower()
    assert "this software is provided 'as-is'" in text and "altered source versions must be plainly marked" in text


def _runtime_closure(root: str) -> set[str]:
    def norm(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    environment = {key: str(value) for key, value in default_environment().items()} | {"extra": ""}
    seen: set[str] = set()
    pending = [root]
    while pending:
        name = pending.pop()
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate(environment):
                continue
            dependency = norm(requirement.name)
            if dependency not in seen:
                seen.add(dependency)
                pending.append(dependency)
    return seen


def test_every_bundled_library_is_listed() -> None:
    try:
        needed = _runtime_closure("lawyer-desk")
    except metadata.PackageNotFoundError:
        pytest.skip("the project is not installed in this environment")
    listed = {c.distribution for c in COMPONENTS if c.distribution}
    assert needed - listed == set(), "add these to about.COMPONENTS with their licences"


def test_about_strings_are_translatable(qapp: QApplication) -> None:
    assert QCoreApplication.translate("about", "Version {version}") == "Version {version}"
