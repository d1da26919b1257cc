"""Evidence from the command line: add-exhibit, exhibits, export-exhibit, verify, case files with evidence."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from lawyer_desk.core import exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.interchange.case_json import CaseFileV1
from lawyer_desk.core.store import Store
from lawyer_desk.core.vault import HEADER_SIZE
from tests.conftest import PASSPHRASE
from tests.core.evidence_files import text_pdf
from tests.e2e.helpers import (
    ERROR_PREFIX,
    assert_error,
    assert_ok,
    case_document,
    counts,
    make_store,
    run_cli,
    run_many,
)

CANARY = "CANARYCLIEXHIBIT4471 the witness was beaten"
FILE_CANARY = "CANARYEVIDENCENAMEQP"


def _store(root: Path) -> Path:
    return make_store(root, [CaseFileV1.model_validate(case_document())])


def _evidence(folder: Path) -> dict[str, Path]:
    folder.mkdir(exist_ok=True)
    files = {"ruling": folder / "ruling.pdf", "letter": folder / f"{FILE_CANARY}.txt"}
    files["ruling"].write_bytes(text_pdf("The warrant was issued for political reasons."))
    files["letter"].write_text(CANARY, encoding="utf-8")
    return files


def _add_by_api(root: Path, *paths: Path) -> list[exhibits.AddResult]:
    with Store.open(root, PASSPHRASE) as store:
        return exhibits.add_files(store, 1, list(paths))


def test_add_list_export_search_verify(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    files = _evidence(tmp_path / "in")
    added = run_cli("add-exhibit", "1", files["ruling"], files["letter"], tmp_path / "in", tmp_path / "gone.pdf",
                    "--kind", "court_decision", "--confidential", "--data-dir", root)
    assert added.returncode == 1, added.stderr
    assert "Traceback" not in added.stderr
    lines = added.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith("added exhibit 1 (id 1): ruling.pdf") and "text: text" in lines[0]
    assert lines[1].startswith(f"added exhibit 2 (id 2): {FILE_CANARY}.txt")
    errors = added.stderr.splitlines()
    assert len(errors) == 2 and all(e.startswith(ERROR_PREFIX) for e in errors)
    assert "is a folder, not a file" in errors[0] and "gone.pdf: no such file" in errors[1]

    listing, search, again = run_many([
        ["exhibits", "1", "--json", "--data-dir", root],
        ["search", "political", "reasons", "--json", "--data-dir", root],
        ["add-exhibit", "1", files["ruling"], "--data-dir", root],
    ])
    assert_ok(listing)
    rows = json.loads(listing.stdout)["exhibits"]
    assert [(r["number"], r["kind"], r["confidential"], r["filename"]) for r in rows] == [
        ("1", "court_decision", True, "ruling.pdf"), ("2", "court_decision", True, f"{FILE_CANARY}.txt")]
    assert_ok(search)
    assert [(h["kind"], h["case_id"]) for h in json.loads(search.stdout)["hits"]] == [("exhibit", 1)]
    assert_error(again, 1, "the same file (SHA-256) is already exhibit 1 of this case")

    out = tmp_path / "out.pdf"
    exported = run_cli("export-exhibit", "1", "--out", out, "--data-dir", root)
    assert_ok(exported)
    assert out.read_bytes() == files["ruling"].read_bytes()
    assert "SHA-256 checked" in exported.stderr

    verified, text_listing = run_many([["verify", "--data-dir", root], ["exhibits", "1", "--data-dir", root]])
    assert_ok(verified)
    assert "evidence vault: ok (2 of 2 exhibit files intact, 0 orphans)" in verified.stdout
    assert_ok(text_listing)
    assert "CONFIDENTIAL" in text_listing.stdout and rows[0]["sha256"][:12] in text_listing.stdout

    # Nothing of the evidence, nor its file name, in the clear anywhere in the store (logs included).
    needles = [CANARY.encode(), b"CANARYCLIEXHIBIT4471", FILE_CANARY.encode(), FILE_CANARY.encode("utf-16-le"),
               "CANARYCLIEXHIBIT4471".encode("utf-16-le"), b"political reasons"]
    stored = [p for p in root.rglob("*") if p.is_file()]
    assert any(p.parent.name == "logs" for p in stored) and any(p.parent.name == "vault" for p in stored)
    assert [f"{p.name}: {n!r}" for p in stored for n in needles if n in p.read_bytes()] == []


def test_bad_requests_are_one_line(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    files = _evidence(tmp_path / "in")
    # One writer at a time (the store's lock); usage errors never open the store.
    no_case, no_files, bad_kind = run_many([
        ["add-exhibit", "99", files["ruling"], "--data-dir", root],
        ["add-exhibit", "1", "--data-dir", root],
        ["add-exhibit", "1", files["ruling"], "--kind", "rumour", "--data-dir", root],
    ])
    no_exhibit = run_cli("export-exhibit", "7", "--out", tmp_path / "x.pdf", "--data-dir", root)
    assert_error(no_case, 1, "no case 99")
    assert_error(no_exhibit, 1, "no exhibit 7")
    assert_error(no_files, 2)
    assert_error(bad_kind, 2, "invalid choice")
    assert not (tmp_path / "x.pdf").exists()


def test_verify_names_each_problem(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    files = _evidence(tmp_path / "in")
    ruling, letter = _add_by_api(root, files["ruling"], files["letter"])
    with Store.open(root, PASSPHRASE, write=False) as store, store.session() as session:
        names = dict(session.execute(select(m.Exhibit.id, m.Exhibit.object_name)).all())
    vault = root / "vault"
    damaged = bytearray((vault / names[ruling.exhibit_id]).read_bytes())
    damaged[HEADER_SIZE + 7] ^= 0x01
    (vault / names[ruling.exhibit_id]).write_bytes(damaged)
    (vault / names[letter.exhibit_id]).unlink()
    (vault / "copied-by-someone.pdf").write_bytes(b"stray")

    text_report, json_report = run_many([["verify", "--data-dir", root], ["verify", "--json", "--data-dir", root]])
    assert text_report.returncode == 1 and text_report.stderr == ""
    assert "evidence vault: PROBLEMS (0 of 2 exhibit files intact, 1 orphans)" in text_report.stdout
    assert "exhibit 1 of case 1 (id 1): altered: chunk 1 of 1 failed authentication" in text_report.stdout
    assert "exhibit 2 of case 1 (id 2): missing: the vault object is not there" in text_report.stdout
    assert "orphan copied-by-someone.pdf: a file that does not belong in the vault folder" in text_report.stdout
    assert json_report.returncode == 1
    report = json.loads(json_report.stdout)
    assert report["ok"] is False and report["database"] == [] and report["audit"]["first_broken"] is None
    assert [(p["number"], p["state"], p["chunk"]) for p in report["vault"]["problems"]] == [
        ("1", "altered", 1), ("2", "missing", None)]
    assert report["vault"]["orphans"] == [{"name": "copied-by-someone.pdf", "kind": "not a vault object"}]
    assert (vault / "copied-by-someone.pdf").exists(), "verify reports orphans, it never deletes them"


def test_case_file_with_evidence_round_trips_and_a_changed_file_is_refused(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    files = _evidence(tmp_path / "in")
    _add_by_api(root, files["ruling"], files["letter"])
    export = tmp_path / "export"
    export.mkdir()
    case_file, evidence = export / "case.json", export / "evidence"
    assert_ok(run_cli("export-case", "1", "--out", case_file, "--evidence-dir", evidence, "--data-dir", root))
    document = json.loads(case_file.read_text("utf-8"))
    assert document["evidence_dir"] == "evidence"
    assert [(e["number"], e["file"]) for e in document["exhibits"]] == [
        ("1", "1 - ruling.pdf"), ("2", f"2 - {FILE_CANARY}.txt")]
    assert (evidence / "1 - ruling.pdf").read_bytes() == files["ruling"].read_bytes()

    # The folder moves with the case file; the JSON names it relative to itself.
    moved = tmp_path / "moved"
    export.rename(moved)
    target = make_store(tmp_path / "target")
    imported = run_cli("import-case", moved / "case.json", "--data-dir", target)
    assert_ok(imported)
    assert imported.stdout.strip() == "1"
    with Store.open(target, PASSPHRASE, write=False) as store, store.session() as session:
        rows = exhibits.rows(session, 1)
    assert [(r.number, r.filename, r.size) for r in rows] == [
        ("1", "ruling.pdf", files["ruling"].stat().st_size), ("2", f"{FILE_CANARY}.txt", len(CANARY))]
    assert_ok(run_cli("verify", "--data-dir", target))

    (moved / "evidence" / f"2 - {FILE_CANARY}.txt").write_text(CANARY.replace("beaten", "fine"), encoding="utf-8")
    refused_store = make_store(tmp_path / "refused")
    before = counts(refused_store)
    refused = run_cli("import-case", moved / "case.json", "--data-dir", refused_store)
    assert_error(refused, 1, "exhibits[1]", "the file differs from the case file", "the case was not imported")
    assert counts(refused_store) == before
    assert not any((refused_store / "vault").glob("*")), "no file of the refused case stays in the vault"
    elsewhere = run_cli("import-case", moved / "case.json", "--evidence-dir", tmp_path / "nowhere",
                        "--data-dir", refused_store)
    assert_error(elsewhere, 1, "the evidence folder", "is not there")
