"""Start-up order: the unlock dialog is painted before the database stack is imported, which
a ``Preload`` thread imports behind it (tests/benchmarks/gui_startup.py measures the gain)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from lawyer_desk.ui.app import Preload
from lawyer_desk.ui.unlock import UnlockDialog

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "lawyer_desk.core.models", "lawyer_desk.ui.main_window")


def test_the_unlock_dialog_needs_no_database_stack(tmp_path: Path) -> None:
    """What ``lawyer-desk`` imports before its first window: Qt, the dialog, the key header."""
    code = ("import sys; from lawyer_desk.cli import cmd_gui; import lawyer_desk.ui.app; "
            "from lawyer_desk.ui.unlock import UnlockDialog; from lawyer_desk.ui import settings; "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LAWYER_DESK_CONFIG_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stderr


def test_preload_starts_after_the_first_paint_and_imports_the_modules(
        qtbot: QtBot, qapp: QApplication, store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ld_preload_probe.py").write_text("import threading\nIMPORTED_ON = threading.current_thread().name\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "ld_preload_probe", raising=False)
    preload = Preload(("ld_preload_probe",))
    preload.start_after_first_paint(qapp)
    qtbot.wait(50)
    assert "ld_preload_probe" not in sys.modules  # nothing painted yet
    dialog = UnlockDialog(store_dir)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "ld_preload_probe" in sys.modules)
    preload.wait()
    assert sys.modules["ld_preload_probe"].IMPORTED_ON == "lawyer_desk-preload"
    preload.wait()  # waiting again, or when never started, returns at once
    Preload(()).wait()


def test_a_preload_that_fails_leaves_the_import_to_the_gui_thread(qtbot: QtBot, qapp: QApplication) -> None:
    preload = Preload(("lawyer_desk.no_such_module", "json"))
    label = QLabel("painted")
    qtbot.addWidget(label)
    preload.start_after_first_paint(qapp)
    label.show()
    qtbot.waitUntil(lambda: preload._thread.ident is not None)
    preload.wait()
    assert "lawyer_desk.no_such_module" not in sys.modules
