"""Builds the PyInstaller app from build.spec into a temporary folder and starts it.

Slow (one build, about 1.5 minutes) and needs the ``build`` dependency group, so it is
deselected from the default run. Run it with:

    uv run --group build pytest -m build

(on a machine whose default python is 3.11, prefix UV_PYTHON=python3.12).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import lawyer_desk

pytestmark = [pytest.mark.build, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parent.parent
APP = "lawyer-desk"
PASSPHRASE = "build smoke passphrase"


def run_app(app: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LAWYER_DESK_PASSPHRASE": PASSPHRASE}
    env.pop("LAWYER_DESK_HOME", None)
    return subprocess.run([str(app), *args], capture_output=True, text=True, timeout=timeout, env=env,
                          stdin=subprocess.DEVNULL, check=False)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """dist/lawyer-desk built from build.spec, in a temporary folder."""
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.fail("PyInstaller is not installed: run `uv run --group build pytest -m build`")
    work = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(ROOT / "build.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=840, stdin=subprocess.DEVNULL, check=False)
    assert result.returncode == 0, f"PyInstaller failed:\n{result.stdout[-5000:]}\n{result.stderr[-5000:]}"
    folder = work / "dist" / APP
    assert (folder / APP).is_file()
    yield folder


def internal(bundle: Path) -> Path:
    return bundle / "_internal"


def test_built_app_reports_its_version(bundle: Path) -> None:
    result = run_app(bundle / APP, "--version", timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"lawyer-desk {lawyer_desk.__version__}"


def test_bundle_carries_migrations_and_resources(bundle: Path) -> None:
    migrations = internal(bundle) / "lawyer_desk" / "core" / "store" / "migrations"
    assert (migrations / "env.py").is_file()
    assert (migrations / "script.py.mako").is_file()
    source_versions = {p.name for p in (ROOT / "lawyer_desk/core/store/migrations/versions").glob("*.py")}
    assert source_versions
    assert source_versions <= {p.name for p in (migrations / "versions").glob("*.py")}
    source_resources = {p.relative_to(ROOT / "resources") for p in (ROOT / "resources").rglob("*") if p.is_file()}
    bundled_resources = internal(bundle) / "resources"
    assert {p for p in source_resources if "__pycache__" not in p.parts} <= {
        p.relative_to(bundled_resources) for p in bundled_resources.rglob("*") if p.is_file()}


def test_bundle_keeps_only_the_qt_modules_it_needs(bundle: Path) -> None:
    pyside = internal(bundle) / "PySide6"
    names = {p.name.split(".", 1)[0] for p in pyside.glob("Qt*.*") if p.suffix in {".so", ".pyd"}}
    assert {"QtCore", "QtGui", "QtWidgets", "QtPdf", "QtPdfWidgets", "QtPrintSupport", "QtSvg"} <= names
    assert not names & {"QtQml", "QtQuick", "QtWebEngineCore", "QtMultimedia", "QtSql", "QtTest", "QtDesigner"}
    assert not (internal(bundle) / "tkinter").exists()


def test_built_app_creates_and_verifies_a_store(bundle: Path, tmp_path: Path) -> None:
    """Alembic must find its scripts inside the bundle, SQLCipher and Argon2 must load."""
    app = bundle / APP
    help_text = run_app(app, "--help", timeout=60)
    assert help_text.returncode == 0, help_text.stderr
    assert run_app(app, "init", "--help", timeout=60).returncode == 0
    store = tmp_path / "store"
    created = run_app(app, "--data-dir", str(store), "init")
    assert created.returncode == 0, created.stdout + created.stderr
    verified = run_app(app, "--data-dir", str(store), "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_built_app_makes_the_demo_store(bundle: Path, tmp_path: Path) -> None:
    """The demo exercises package data PyInstaller cannot see (pycountry, anyascii), search, audit."""
    app = bundle / APP
    store = tmp_path / "demo"
    made = run_app(app, "--data-dir", str(store), "demo")
    assert made.returncode == 0, made.stdout + made.stderr
    listed = run_app(app, "--data-dir", str(store), "cases", "--json")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert listed.stdout.strip()
    verified = run_app(app, "--data-dir", str(store), "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
