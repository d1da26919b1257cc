"""Rules of the package's shape that no single module's tests would notice breaking.

* ``lawyer_desk/core`` never imports the Qt widget or GUI modules: it runs headless, under
  the command line, in tests and in worker processes.
* A module of ``core`` stays under 500 lines: past that, split it by aggregate.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import lawyer_desk

PACKAGE = Path(lawyer_desk.__file__).resolve().parent
CORE = PACKAGE / "core"
REPO = PACKAGE.parent
FORBIDDEN = ("PySide6.QtWidgets", "PySide6.QtGui")
MAX_LINES = 500


def _core_files() -> list[Path]:
    files = sorted(CORE.rglob("*.py"))
    assert len(files) > 10, "the core package was not found"
    return files


def _imported_modules(tree: ast.AST) -> set[str]:
    """Every module an import statement names, ``from PySide6 import QtGui`` as ``PySide6.QtGui``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _is_forbidden(module: str) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in FORBIDDEN)


def test_the_scan_recognises_every_form_of_import() -> None:
    source = textwrap.dedent(
        """
        import PySide6.QtWidgets
        from PySide6 import QtGui
        from PySide6.QtWidgets import QApplication
        def later():
            from PySide6.QtGui import QFont
        """
    )
    found = {name for name in _imported_modules(ast.parse(source)) if _is_forbidden(name)}
    assert found == {"PySide6.QtWidgets", "PySide6.QtGui", "PySide6.QtWidgets.QApplication",
                     "PySide6.QtGui.QFont"}
    assert not _is_forbidden("PySide6.QtCore")
    assert not _is_forbidden("PySide6.QtGuiStuff")  # a prefix of the name is not the module


def test_core_never_imports_qt_widgets_or_gui() -> None:
    offenders = []
    for path in _core_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        offenders += [f"{path.relative_to(REPO)}: {name}" for name in sorted(_imported_modules(tree))
                      if _is_forbidden(name)]
    assert offenders == [], "core must run headless:\n" + "\n".join(offenders)


def test_importing_all_of_core_loads_no_widgets() -> None:
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import lawyer_desk.core as core

        names = [info.name for info in pkgutil.walk_packages(core.__path__, "lawyer_desk.core.",
                                                              onerror=lambda name: sys.exit(f"cannot import {name}"))]
        for name in names:
            importlib.import_module(name)
        print(len(names))
        print(" ".join(sorted(m for m in sys.modules if m.startswith(("PySide6.QtWidgets", "PySide6.QtGui")))))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    count, loaded = [*result.stdout.splitlines(), ""][:2]
    assert int(count) >= len([p for p in _core_files() if p.name != "__init__.py" and "migrations" not in p.parts])
    assert loaded.strip() == "", f"importing core loaded {loaded}"


def test_core_modules_stay_small() -> None:
    sizes = {path: len(path.read_text(encoding="utf-8").splitlines()) for path in _core_files()}
    offenders = [f"{path.relative_to(REPO)}: {lines} lines" for path, lines in sizes.items() if lines >= MAX_LINES]
    assert offenders == [], f"split these modules (at most {MAX_LINES - 1} lines):\n" + "\n".join(offenders)
