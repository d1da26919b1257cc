"""The command line as a script sees it: real processes, a real store on disk, exit codes.

Stores are made in the test process with cheap key derivation (``KdfParams.cheap()``), so a
command pays for starting Python, not for Argon2id; only the ``init`` and ``demo`` tests pay
the calibrated cost. Independent commands run side by side to keep the module fast.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lawyer_desk import __version__
from lawyer_desk.core import cases
from lawyer_desk.core.demo import demo_cases
from lawyer_desk.core.interchange.case_json import CaseFileV1
from lawyer_desk.core.store import Store
from tests.conftest import PASSPHRASE
from tests.e2e.helpers import (
    REPO,
    assert_error,
    assert_ok,
    case_document,
    cli_env,
    counts,
    make_store,
    run_cli,
    run_many,
)

# The shared sample (shared/ sits beside the checkout), else the copy the tests keep.
NOTICE = next(path for path in (REPO.parent / "shared" / "samples" / "red-notice-detail.json",
                                REPO / "tests" / "data" / "notices" / "red-notice-detail.json") if path.exists())
CASE_KEYS = {"id", "name", "nationalities", "custody", "status", "requesting_countries", "alerts", "next_deadline"}


def _snapshot(folder: Path, *, skip: str | None = None) -> dict[str, str]:
    """Every file below ``folder`` (but those under the folder ``skip``) with the SHA-256 of its content."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and (skip is None or p.relative_to(folder).parts[0] != skip)}


def _flip(path: Path, offset: int) -> bytes:
    """Flip one bit of the byte at ``offset``; returns the damaged content."""
    raw = bytearray(path.read_bytes())
    assert offset < len(raw)
    raw[offset] ^= 0x01
    path.write_bytes(bytes(raw))
    return bytes(raw)


def _write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _case_id(root: Path, name: str) -> int:
    with Store.open(root, PASSPHRASE, write=False) as store, store.session() as session:
        return next(row.id for row in cases.list_cases(session) if row.display_name == name)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cheap store holding the demo cases; the tests using it only read."""
    return make_store(tmp_path_factory.mktemp("demo") / "store", demo_cases())


@pytest.fixture
def cheap_store(tmp_path: Path) -> Path:
    return make_store(tmp_path / "store", demo_cases()[:2])


# --- arguments ---------------------------------------------------------------------------
def test_version() -> None:
    result = run_cli("--version")
    assert_ok(result)
    assert result.stdout.strip() == f"lawyer-desk {__version__}"


def test_data_dir_before_or_after_the_command(demo_store: Path, tmp_path: Path) -> None:
    # The default store (LAWYER_DESK_HOME) does not exist: only --data-dir can make these work.
    env = cli_env(LAWYER_DESK_HOME=str(tmp_path / "elsewhere"))
    before, after = run_many([["--data-dir", demo_store, "cases", "--json"],
                              ["cases", "--json", "--data-dir", demo_store]], env=env)
    for result in (before, after):
        assert_ok(result)
        assert len(json.loads(result.stdout)["cases"]) == 4
    assert before.stdout == after.stdout
    assert not (tmp_path / "elsewhere").exists()


# --- init and the passphrase -------------------------------------------------------------
def test_init_creates_a_store_and_a_second_init_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "store"
    result = run_cli("init", "--data-dir", root)
    assert_ok(result)
    assert (root / "keyheader").is_file()
    assert (root / "case.db").is_file()
    assert str(root) in result.stdout

    before = _snapshot(root)
    again = run_cli("init", "--data-dir", root, passphrase="another passphrase entirely")
    assert_error(again, 4, "already holds a store")
    assert _snapshot(root) == before


def test_passphrase_problems(cheap_store: Path, tmp_path: Path) -> None:
    short_file = tmp_path / "short.txt"
    short_file.write_text("short\n", encoding="utf-8")
    secret = tmp_path / "passphrase.txt"
    secret.write_text(f"{PASSPHRASE}\nthe second line is not part of it\n", encoding="utf-8")
    short, missing, from_file = run_many([
        ["init", "--data-dir", tmp_path / "new", "--passphrase-file", short_file],
        ["cases", "--data-dir", cheap_store],
        # the file wins over the environment (which holds a wrong passphrase here)
        ["cases", "--json", "--data-dir", cheap_store, "--passphrase-file", secret],
    ], env=[cli_env(None), cli_env(None), cli_env("not the passphrase")])

    assert_error(short, 1, "too short")
    assert not (tmp_path / "new").exists()
    # No passphrase and no terminal to ask on: a usage error, in one line.
    assert_error(missing, 2, "LAWYER_DESK_PASSPHRASE", "--passphrase-file")
    assert missing.stdout == ""
    if sys.platform != "win32":  # standard input not open at all (sys.stdin is None)
        assert_error(run_cli("cases", "--data-dir", cheap_store, passphrase=None, no_stdin=True), 2,
                     "LAWYER_DESK_PASSPHRASE")
    assert_ok(from_file)
    assert len(json.loads(from_file.stdout)["cases"]) == 2


def test_demo_then_cases_json(tmp_path: Path) -> None:
    root = tmp_path / "store"
    assert_ok(run_cli("demo", "--data-dir", root))
    result = run_cli("cases", "--json", "--data-dir", root)
    assert_ok(result)
    listed = json.loads(result.stdout)["cases"]
    assert len(listed) >= 3
    for case in listed:
        assert set(case) == CASE_KEYS
        assert isinstance(case["id"], int)
        assert isinstance(case["nationalities"], list)
        assert isinstance(case["requesting_countries"], list)
        assert isinstance(case["alerts"], int)
    assert {"Idris Mamut", "Aleksei Vetrov"} <= {case["name"] for case in listed}


# --- search ------------------------------------------------------------------------------
def test_search_finds_the_uyghur_client_in_every_script(demo_store: Path) -> None:
    queries = ("yidiresi", "Idris", "ئىدرىس", "伊德")
    results = run_many([["search", query, "--json", "--data-dir", demo_store] for query in queries])
    found: set[int] = set()
    for query, result in zip(queries, results, strict=True):
        assert_ok(result)
        data = json.loads(result.stdout)
        assert set(data) == {"query", "hits"}
        assert data["query"] == query
        assert data["hits"], f"nothing found for {query!r}"
        for hit in data["hits"]:
            assert set(hit) == {"case_id", "name", "kind", "snippet", "score"}
            assert isinstance(hit["case_id"], int)
            assert isinstance(hit["score"], float)
        assert data["hits"][0]["name"] == "Idris Mamut", query
        found.add(data["hits"][0]["case_id"])
    assert found == {_case_id(demo_store, "Idris Mamut")}, "every spelling must find the same case"


def test_output_in_a_code_page_without_the_names(demo_store: Path) -> None:
    """Output redirected on Windows is in the ANSI code page (here cp1252): no crash, no loss."""
    env = cli_env(PYTHONIOENCODING="cp1252")
    listing, listing_json = run_many([["cases", "--data-dir", demo_store],
                                      ["cases", "--json", "--data-dir", demo_store]], env=env)
    for result in (listing, listing_json):
        assert_ok(result)
        assert result.stderr == ""
    assert "Ay\\u015fe Y\\u0131ld\\u0131r\\u0131m" in listing.stdout
    assert listing_json.stdout.isascii()
    assert "Ayşe Yıldırım" in {case["name"] for case in json.loads(listing_json.stdout)["cases"]}


# --- case files --------------------------------------------------------------------------
def test_export_import_export_round_trip_between_stores(demo_store: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(demo_store, source)  # the export is audited: not in the shared store
    case_id = _case_id(source, "Idris Mamut")
    first = tmp_path / "first.json"
    assert_ok(run_cli("export-case", str(case_id), "--out", first, "--data-dir", source))

    target = make_store(tmp_path / "target")
    imported = run_cli("import-case", first, "--data-dir", target)
    assert_ok(imported)
    new_id = int(imported.stdout.strip())
    second = tmp_path / "second.json"
    assert_ok(run_cli("export-case", str(new_id), "--out", second, "--data-dir", target))

    one, two = json.loads(first.read_text("utf-8")), json.loads(second.read_text("utf-8"))
    assert one.pop("exported_at") and two.pop("exported_at")
    assert one == two
    assert one["names"] and one["alerts"] and one["deadlines"] and one["notes"]
    assert '"id"' not in first.read_text("utf-8"), "database ids must not travel in case files"
    assert counts(target)["client"] == 1


def _bad_file(kind: str, folder: Path) -> tuple[str, Path, str]:
    """The command, a broken input file and the JSON path (or the problem) its error must name."""
    if kind == "notice-not-json":
        path = folder / "notice.json"
        path.write_text("<html><body>Red notice</body></html>", encoding="utf-8")
        return "import-notice", path, "not valid JSON"
    if kind == "malformed":
        path = folder / "malformed.json"
        path.write_text('{"format": "lawyer-desk/case", "version": 1, "client": {', encoding="utf-8")
        return "import-case", path, "not valid JSON"
    document = case_document()
    if kind == "bad-date":
        document["client"]["date_of_birth"] = "1984-13-45"
        where = "$.client.date_of_birth"
    elif kind == "unknown-field":
        document["alerts"][1]["colour"] = "red"
        where = "$.alerts[1].colour"
    else:  # a deadline pointing at a proceeding the file does not hold
        document["deadlines"][0]["proceeding"] = "proceeding-9"
        where = "$.deadlines[0].proceeding"
    return "import-case", _write_json(folder / f"{kind}.json", document), where


def test_bad_files_are_refused_whole(cheap_store: Path, tmp_path: Path) -> None:
    kinds = ("malformed", "bad-date", "unknown-field", "dangling-proceeding", "notice-not-json")
    before = counts(cheap_store)
    calls, expected = [], []
    for kind in kinds:
        root = tmp_path / f"store-{kind}"
        shutil.copytree(cheap_store, root)
        command, path, where = _bad_file(kind, tmp_path)
        calls.append([command, path, "--data-dir", root])
        expected.append((root, path, where))
    for kind, result, (root, path, where) in zip(kinds, run_many(calls), expected, strict=True):
        assert_error(result, 1, str(path), where)
        assert result.stdout == "", kind
        assert counts(root) == before, f"{kind}: something was written"


# --- notices -----------------------------------------------------------------------------
def test_import_notice_twice_updates_the_same_case(cheap_store: Path, tmp_path: Path) -> None:
    notice = tmp_path / "notice.json"
    shutil.copyfile(NOTICE, notice)
    before = counts(cheap_store)
    first = run_cli("import-notice", notice, "--data-dir", cheap_store)
    assert_ok(first)
    assert first.stdout.startswith("created case"), first.stdout
    after_first = counts(cheap_store)
    second = run_cli("import-notice", notice, "--data-dir", cheap_store)
    assert_ok(second)
    assert second.stdout.startswith("updated case"), second.stdout
    assert first.stdout.split(":")[0].split()[-1] == second.stdout.split(":")[0].split()[-1]  # the same case
    assert "2017/90001" in second.stdout
    after_second = counts(cheap_store)
    assert after_first["client"] == before["client"] + 1
    assert after_second == after_first, "a second import of the same notice changes nothing"


def test_import_notice_reports_codes_it_left_out(cheap_store: Path, tmp_path: Path) -> None:
    notice = tmp_path / "notice.json"
    shutil.copyfile(REPO / "tests" / "data" / "notices" / "two-warrants.json", notice)
    result = run_cli("import-notice", notice, "--data-dir", cheap_store)
    assert_ok(result)
    assert result.stdout.startswith("created case")
    warnings = result.stderr.splitlines()
    assert len(warnings) == 2, result.stderr
    assert all(line.startswith(f"lawyer-desk: warning: {notice}: $.") for line in warnings)
    assert "'922'" in warnings[0] and "'XXQ'" in warnings[1]


# --- stores that do not open -------------------------------------------------------------
def _damage_headers(root: Path) -> None:
    for name in ("keyheader", "keyheader.spare"):
        raw = bytearray((root / name).read_bytes())
        raw[len(raw) // 2] ^= 0x04
        (root / name).write_bytes(bytes(raw))


def _empty_database(root: Path) -> None:
    (root / "case.db").write_bytes(b"")


def _damaged_first_page(root: Path) -> None:
    """A flipped byte in the page every open reads (SQLCipher's page check fails)."""
    _flip(root / "case.db", 2048)


def _newer_schema(root: Path) -> None:
    with Store.open(root, PASSPHRASE) as store:
        assert store.engine is not None
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")


def _nothing(root: Path) -> None:
    pass


def _no_store(root: Path) -> None:
    shutil.rmtree(root)


# name: (how the store is broken, the passphrase given, exit code, a word of the message)
BROKEN: dict[str, tuple[Callable[[Path], None], str, int, str]] = {
    "wrong-passphrase": (_nothing, "not the passphrase", 3, "passphrase is wrong"),
    "no-store": (_no_store, PASSPHRASE, 4, "no store"),
    "damaged-header": (_damage_headers, PASSPHRASE, 5, "key header"),
    "empty-database": (_empty_database, PASSPHRASE, 6, "damaged"),
    "damaged-first-page": (_damaged_first_page, PASSPHRASE, 6, "damaged"),
    "newer-schema": (_newer_schema, PASSPHRASE, 7, "newer version"),
}


def test_stores_that_do_not_open(cheap_store: Path, tmp_path: Path) -> None:
    """Each way a store fails to open has its exit code; a writing command changes nothing."""
    case_file = _write_json(tmp_path / "case.json", case_document())
    roots, before = [], []
    for name, (damage, _, _, _) in BROKEN.items():
        root = tmp_path / name
        shutil.copytree(cheap_store, root)
        damage(root)
        roots.append(root)
        before.append(_snapshot(root, skip="logs") if root.exists() else None)  # a log line may be added
    results = run_many([["import-case", case_file, "--data-dir", root] for root in roots],
                       env=[cli_env(passphrase) for _, passphrase, _, _ in BROKEN.values()])
    for (name, (_, _, code, words)), root, result, snapshot in zip(BROKEN.items(), roots, results, before,
                                                                   strict=True):
        assert_error(result, code, words)
        if snapshot is None:
            assert not root.exists(), f"{name}: a store folder was made"
        else:
            assert _snapshot(root, skip="logs") == snapshot, f"{name}: the store was changed"
    assert (tmp_path / "empty-database" / "case.db").stat().st_size == 0


def test_locked_store(cheap_store: Path, tmp_path: Path) -> None:
    path = _write_json(tmp_path / "case.json", case_document())
    before = counts(cheap_store)
    with Store.open(cheap_store, PASSPHRASE):
        assert_error(run_cli("import-case", path, "--data-dir", cheap_store), 8, "in use")
    assert counts(cheap_store) == before


# --- verify ------------------------------------------------------------------------------
def test_verify_good_store_and_anchor(cheap_store: Path) -> None:
    with Store.open(cheap_store, PASSPHRASE, write=False) as store:
        head = store.audit_report().head
    found, missing = run_many([["verify", "--json", "--anchor", head, "--data-dir", cheap_store],
                               ["verify", "--anchor", "0" * 64, "--data-dir", cheap_store]])
    assert_ok(found)
    report = json.loads(found.stdout)
    assert set(report) == {"ok", "database", "audit", "anchor", "vault"}
    assert report["ok"] is True
    assert report["database"] == []
    assert set(report["audit"]) == {"entries", "head", "first_broken"}
    assert report["audit"]["entries"] >= 2
    assert report["audit"]["first_broken"] is None
    assert report["audit"]["head"] == head
    assert report["anchor"] == {"hash": head, "found": True}

    assert missing.returncode == 1, missing.stderr
    assert missing.stderr == ""
    assert "database and search index: ok" in missing.stdout
    assert "audit chain: ok" in missing.stdout
    assert f"anchor {'0' * 64}: NOT in the chain" in missing.stdout


def _store_with_pages(root: Path) -> Path:
    documents = []
    for i in range(20):  # enough pages that the middle of the file holds case data
        document = case_document(display_name=f"Client number {i}")
        document["notes"][0]["body"] = "A long note about the case. " * 60
        documents.append(CaseFileV1.model_validate(document))
    return make_store(root, documents)


def test_verify_reports_a_flipped_byte(tmp_path: Path) -> None:
    root = _store_with_pages(tmp_path / "store")
    database = root / "case.db"
    size = database.stat().st_size
    assert size > 16 * 4096
    damaged = _flip(database, size // 2 + 100)

    result = run_cli("verify", "--data-dir", root)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    if result.returncode == 1:  # the store opened and the check found the damage
        assert "DAMAGED" in result.stdout
        assert "HMAC verification failed" in result.stdout
        assert result.stderr == "", "the report is on stdout; nothing else (e.g. SQLCipher's log) on stderr"
    else:  # opening already read the damaged page
        assert_error(result, 6, "damaged")
    assert database.read_bytes() == damaged, "verify must not write"


def test_verify_reports_damage_under_the_audit_trail(tmp_path: Path) -> None:
    """A damaged page that hides the audit trail is reported, not a reason to fail."""
    root = _store_with_pages(tmp_path / "store")
    with Store.open(root, PASSPHRASE, write=False) as store:
        assert store.engine is not None
        with store.engine.connect() as conn:
            page = int(conn.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'audit_entry'").scalar())
            size = int(conn.exec_driver_sql("PRAGMA page_size").scalar())
    _flip(root / "case.db", (page - 1) * size + size // 2)

    result = run_cli("verify", "--json", "--anchor", "a" * 64, "--data-dir", root)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert any(f"page {page}" in problem for problem in report["database"]), report["database"]
    assert report["audit"] is None
    assert report["anchor"] == {"hash": "a" * 64, "found": None}
