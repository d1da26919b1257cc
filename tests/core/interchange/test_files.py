"""Importing dropped or chosen files: a case file brings its evidence files with it, checked
against their SHA-256, all or nothing — on real stores with real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lawyer_desk.core import case_evidence, cases, exhibit_checks, exhibits, records
from lawyer_desk.core import models as m
from lawyer_desk.core.interchange import case_json as cj
from lawyer_desk.core.interchange.files import STEPS, import_files
from lawyer_desk.core.search import search
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.core.vault import Vault
from tests.conftest import PASSPHRASE
from tests.core.evidence_files import text_pdf

NOTICE = Path(__file__).resolve().parents[2] / "data" / "notices" / "red-notice-detail.json"


@pytest.fixture
def exported(store: Store, tmp_path: Path) -> Path:
    """A case with two exhibits, exported as ``export-case --evidence-dir`` writes it; the case file's path."""
    with store.session() as session:
        client = records.create(session, m.Client, {"display_name": "Adil Evidence"})
    (tmp_path / "ruling.pdf").write_bytes(text_pdf("The warrant was issued for political reasons."))
    (tmp_path / "letter.txt").write_text("Письмо из посольства " * 4000, encoding="utf-8")  # 156,000 bytes
    results = exhibits.add_files(store, client, [tmp_path / "ruling.pdf", tmp_path / "letter.txt"])
    assert all(r.ok for r in results)
    folder = tmp_path / "export"
    with store.session() as session:
        case = cases.export_case(session, client).model_copy(update={"evidence_dir": "case evidence"})
        case_evidence.export_evidence(session, Vault.of(store), client, case, folder / "case evidence")
    (folder / "case.json").write_text(cj.dumps(case), encoding="utf-8")
    return folder / "case.json"


@pytest.fixture
def target(tmp_path: Path) -> Store:
    opened = Store.create(tmp_path / "target", PASSPHRASE, KdfParams.cheap())
    yield opened
    opened.close()


def _count(store: Store, table: type) -> int:
    with store.session() as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def _nothing_stored(store: Store) -> None:
    assert _count(store, m.Client) == 0 and _count(store, m.Exhibit) == 0
    assert not any(store.paths.vault.glob("*")), "no file of a refused case stays in the vault"


def test_a_case_file_brings_its_evidence_verified_with_progress(exported: Path, target: Store) -> None:
    reports: list[tuple[int, int, str]] = []
    (outcome,) = import_files(target, [exported], lambda done, total, name: reports.append((done, total, name)))
    assert outcome.error is None and outcome.kind == "case" and outcome.exhibits == 2
    (case_id,) = outcome.case_ids
    with target.session() as session:
        rows = exhibits.rows(session, case_id)
        assert [(r.number, r.filename) for r in rows] == [("1", "ruling.pdf"), ("2", "letter.txt")]
        assert [h.client_id for h in search(session, "political reasons")] == [case_id]
    report = exhibit_checks.verify(target)
    assert report.ok and len(report.checks) == 2
    done = [d for d, _t, _n in reports]
    assert done == sorted(done) and reports[-1][:2] == (STEPS, STEPS)
    assert any(0 < d < STEPS for d in done), "the bar moves while the evidence files are read"


def test_without_a_folder_named_the_files_are_looked_for_beside_the_case_file(exported: Path, target: Store) -> None:
    document = json.loads(exported.read_text("utf-8"))
    document.pop("evidence_dir")
    for path in (exported.parent / "case evidence").iterdir():
        path.rename(exported.parent / path.name)
    exported.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    (outcome,) = import_files(target, [exported])
    assert outcome.error is None and outcome.exhibits == 2


def test_missing_and_altered_files_are_each_named_and_the_case_refused(exported: Path, target: Store) -> None:
    folder = exported.parent / "case evidence"
    (folder / "1 - ruling.pdf").unlink()
    (folder / "2 - letter.txt").write_text("a shorter, different letter", encoding="utf-8")
    (outcome,) = import_files(target, [exported])
    assert outcome.error is not None and outcome.case_ids == []
    lines = outcome.error.splitlines()
    assert lines[0] == "case.json: the case was not imported: its evidence files do not match it."
    assert "exhibits[0] (1 - ruling.pdf): missing from" in lines[1]
    assert "exhibits[1] (2 - letter.txt): altered: 27 bytes instead of the 156000 the case file records" in lines[2]
    _nothing_stored(target)


def test_a_file_altered_without_changing_its_size_is_caught_by_its_hash(exported: Path, target: Store) -> None:
    letter = exported.parent / "case evidence" / "2 - letter.txt"
    data = bytearray(letter.read_bytes())
    data[-1] ^= 0x01
    letter.write_bytes(bytes(data))
    (outcome,) = import_files(target, [exported])
    assert outcome.error is not None
    assert outcome.error.startswith("case.json: exhibits[1] (2 - letter.txt): the file differs from the case file")
    assert "the case was not imported" in outcome.error
    _nothing_stored(target)


def test_a_missing_evidence_folder_is_said_plainly(exported: Path, target: Store) -> None:
    (exported.parent / "case evidence").rename(exported.parent / "elsewhere")
    (outcome,) = import_files(target, [exported])
    assert outcome.error is not None and "lists 2 exhibits, but their folder" in outcome.error
    assert "is not there" in outcome.error and "--evidence-dir" not in outcome.error
    _nothing_stored(target)


def test_stopping_inside_the_evidence_keeps_nothing_of_that_case_and_imports_no_more(
        exported: Path, target: Store) -> None:
    seen: list[int] = []

    def report(done: int, _total: int, _name: str) -> None:
        seen.append(done)

    (outcome,) = import_files(target, [exported, NOTICE], report, should_stop=lambda: len(seen) > 1)
    assert outcome.cancelled and outcome.error is not None and "stopped on request" in outcome.error
    _nothing_stored(target)


def test_a_notice_and_a_bad_file_are_imported_as_before(target: Store, tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    notice, broken = import_files(target, [NOTICE, bad])
    assert notice.kind == "notice" and notice.error is None and notice.case_ids
    assert broken.error is not None and "broken.json" in broken.error
