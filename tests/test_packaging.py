"""Fast checks of the packaging files: build.spec, the entry point, .ci/run.

They run in the default suite and need neither PyInstaller nor a build; the build itself is
tested in test_build.py (``-m build``).
"""

from __future__ import annotations

import ast
import os
import shutil
import stat
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

import lawyer_desk

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build.spec"
CI_RUN = ROOT / ".ci" / "run"
MIGRATIONS = ROOT / "lawyer_desk" / "core" / "store" / "migrations"
MIGRATIONS_IN_BUNDLE = "lawyer_desk/core/store/migrations"


def spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


def spec_strings() -> set[str]:
    return {node.value for node in ast.walk(spec_tree())
            if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def spec_helpers() -> dict[str, Any]:
    """The spec's own helper functions, executed without PyInstaller."""
    tree = spec_tree()
    functions = [node for node in tree.body
                 if isinstance(node, ast.FunctionDef) and node.name in {"read_version", "tree_as_datas"}]
    assert {f.name for f in functions} == {"read_version", "tree_as_datas"}
    namespace: dict[str, Any] = {"ast": ast, "Path": Path, "ROOT": ROOT, "PACKAGE": ROOT / "lawyer_desk"}
    exec(compile(ast.Module(body=functions, type_ignores=[]), str(SPEC), "exec"), namespace)
    return namespace


def test_build_spec_is_python() -> None:
    compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")


def test_build_spec_names_the_app_entry_and_data() -> None:
    strings = spec_strings()
    assert "lawyer-desk" in strings
    assert "__main__.py" in strings
    assert "resources" in strings
    assert MIGRATIONS_IN_BUNDLE in strings
    assert "pycountry" in strings
    assert {"sqlcipher3", "sqlcipher3._sqlite3", "argon2", "alembic"} <= strings


def test_build_spec_reads_the_package_version() -> None:
    assert spec_helpers()["read_version"]() == lawyer_desk.__version__


def test_build_spec_ships_every_migration_file() -> None:
    tree_as_datas = spec_helpers()["tree_as_datas"]
    datas = tree_as_datas(MIGRATIONS, MIGRATIONS_IN_BUNDLE)
    shipped = {Path(dest, Path(src).name).as_posix() for src, dest in datas}
    expected = {f"{MIGRATIONS_IN_BUNDLE}/env.py", f"{MIGRATIONS_IN_BUNDLE}/script.py.mako"}
    expected |= {f"{MIGRATIONS_IN_BUNDLE}/versions/{p.name}" for p in (MIGRATIONS / "versions").glob("*.py")}
    assert len(expected) > 2, "no migration versions found"
    assert expected <= shipped
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in shipped)


def test_build_spec_copes_with_an_empty_or_missing_folder(tmp_path: Path) -> None:
    tree_as_datas = spec_helpers()["tree_as_datas"]
    assert tree_as_datas(tmp_path / "missing", "resources") == []
    assert tree_as_datas(tmp_path, "resources") == []
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "a.ttf").write_bytes(b"")
    assert tree_as_datas(tmp_path, "resources") == [(str(tmp_path / "fonts" / "a.ttf"), "resources/fonts")]


def test_build_spec_keeps_the_qt_modules_the_ui_needs() -> None:
    strings = spec_strings()
    assert {"QtCore", "QtGui", "QtWidgets", "QtPdf", "QtPdfWidgets", "QtPrintSupport", "QtSvg"} <= strings
    assert {"QtQml", "QtQuick", "QtWebEngineCore", "QtMultimedia", "tkinter"} <= strings


def test_gui_script_is_declared() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["gui-scripts"]["lawyer-desk"] == "lawyer_desk.__main__:main"


def test_main_module_exits_with_main() -> None:
    """PyInstaller runs __main__.py as a script: it must call sys.exit(main())."""
    source = (ROOT / "lawyer_desk" / "__main__.py").read_text(encoding="utf-8")
    assert 'if __name__ == "__main__":' in source
    assert "sys.exit(main())" in source


def test_ci_run_is_an_executable_script_running_the_tests() -> None:
    assert CI_RUN.is_file()
    mode = CI_RUN.stat().st_mode
    assert mode & stat.S_IXUSR, ".ci/run is not executable (chmod +x .ci/run)"
    assert os.access(CI_RUN, os.X_OK)
    text = CI_RUN.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert "uv run pytest" in text
    assert "build.spec" in text


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_ci_run_is_valid_bash() -> None:
    result = subprocess.run(["bash", "-n", str(CI_RUN)], capture_output=True, text=True, timeout=30,
                            check=False)
    assert result.returncode == 0, result.stderr
