"""`brief` and `templates` on the command line: real processes, a real store, PDFs read back."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from lawyer_desk.core import exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core.demo import demo_cases
from lawyer_desk.core.store import Store
from lawyer_desk.core.vocab import ExhibitKind
from tests.conftest import PASSPHRASE
from tests.core.documents.pdfcheck import PAGE_X_OF_Y, all_text, outline
from tests.e2e.helpers import assert_error, assert_ok, make_store, run_cli, run_many

IDRIS, NAZAROV = 1, 3
SECRET = "IND decision granting refugee status"


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """The demo cases, and two exhibits of the Uyghur client's, one of them confidential."""
    root = make_store(tmp_path / "store", demo_cases(date(2026, 5, 30)))
    with Store.open(root, PASSPHRASE, write=True) as store:
        for name, title, kind, confidential in (("warrant.txt", "Arrest warrant", ExhibitKind.warrant, False),
                                                ("ind.txt", SECRET, ExhibitKind.asylum_decision, True)):
            path = tmp_path / name
            path.write_text(title, encoding="utf-8")
            (result,) = exhibits.add_files(store, IDRIS, [path], kind=kind, title=title, confidential=confidential)
            assert result.ok
    return root


def disclosures(root: Path) -> list[str]:
    with Store.open(root, PASSPHRASE, write=False) as store, store.session() as session:
        return list(session.execute(select(m.AuditEntry.summary).where(
            m.AuditEntry.action == "disclose_confidential")).scalars())


def test_templates_are_listed_without_a_passphrase(tmp_path: Path) -> None:
    plain, as_json = run_many([("templates", "--data-dir", tmp_path / "none"),
                               ("templates", "--json", "--data-dir", tmp_path / "none")])
    assert_ok(plain)
    assert plain.stdout.splitlines()[0].startswith("authority-letter")
    assert_ok(as_json)
    ids = [t["id"] for t in json.loads(as_json.stdout)["templates"]]
    assert ids == ["authority-letter", "case-summary", "ccf-deletion-request", "extradition-court-submission"]


def test_a_ccf_request_and_a_protected_summary(store_dir: Path, tmp_path: Path) -> None:
    out, summary, password = tmp_path / "ccf.pdf", tmp_path / "summary.pdf", tmp_path / "password.txt"
    password.write_text("open sesame\n", encoding="utf-8")
    ccf, protected = run_many([
        ("brief", "1", "--template", "ccf-deletion-request", "--out", out, "--data-dir", store_dir),
        ("brief", "1", "--template", "case-summary", "--out", summary, "--password-file", password,
         "--data-dir", store_dir)])
    assert_ok(ccf)
    reader = PdfReader(out)
    assert ccf.stdout.strip() == f"Wrote {out} (Request for the deletion of data, {len(reader.pages)} pages)"
    texts = [page.extract_text() for page in reader.pages]
    assert all(PAGE_X_OF_Y.search(text) for text in texts)
    assert [b.title for b in outline(reader) if b.level == 0][2] == "1. The applicant and the representative"
    text = all_text(reader)
    assert "Arrest warrant" in text and SECRET not in text
    assert_ok(protected)
    assert "password-protected" in protected.stdout
    locked = PdfReader(summary)
    assert locked.is_encrypted and not locked.decrypt("wrong")
    opened = PdfReader(summary, password="open sesame")
    assert SECRET in all_text(opened), "counsel's summary holds the confidential exhibits"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "no temporary file left"


def test_the_override_is_audited(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "ccf.pdf"
    result = run_cli("brief", "1", "--template", "ccf-deletion-request", "--out", out, "--include-confidential",
                     "--data-dir", store_dir)
    assert_ok(result)
    assert SECRET in all_text(PdfReader(out))
    (entry,) = disclosures(store_dir)
    assert "ccf-deletion-request" in entry and "the CCF" in entry


def test_one_letter_per_authority(store_dir: Path, tmp_path: Path) -> None:
    every, one = run_many([
        ("brief", "3", "--template", "authority-letter", "--out", tmp_path / "letter.pdf", "--data-dir", store_dir),
        ("brief", "3", "--template", "authority-letter", "--out", tmp_path / "vienna.pdf", "--addressee", "AT",
         "--data-dir", store_dir)])
    assert_ok(every)
    assert sorted(p.name for p in tmp_path.glob("letter-*.pdf")) == [
        "letter-Austria.pdf", "letter-Germany.pdf", "letter-Poland.pdf", "letter-Türkiye.pdf"]
    assert "Bundeskriminalamt (NCB Wiesbaden)" in all_text(PdfReader(tmp_path / "letter-Germany.pdf"))
    assert_ok(one)
    assert (tmp_path / "vienna.pdf").exists() and not list(tmp_path.glob("vienna-*"))


def test_bad_input_gets_one_clear_line_and_writes_nothing(store_dir: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    own = store_dir / "templates"
    own.mkdir()
    out = tmp_path / "out.pdf"
    calls = [
        ("brief", "1", "--template", "nope", "--out", out, "--data-dir", store_dir),
        ("brief", "99", "--template", "case-summary", "--out", out, "--data-dir", store_dir),
        ("brief", "1", "--template", "case-summary", "--out", tmp_path / "missing" / "x.pdf", "--data-dir", store_dir),
        ("brief", "1", "--template", "case-summary", "--out", tmp_path, "--data-dir", store_dir),
        ("brief", "1", "--template", "case-summary", "--out", out, "--password-file", empty, "--data-dir", store_dir),
        ("brief", "1", "--template", "authority-letter", "--out", out, "--data-dir", store_dir),
        ("brief", "3", "--template", "extradition-court-submission", "--out", out, "--data-dir", store_dir),
    ]
    results = run_many(calls)
    assert_error(results[0], 1, "no brief template 'nope'", "ccf-deletion-request")
    assert_error(results[1], 1, "There is no case 99")
    assert_error(results[2], 1, "does not exist")
    assert_error(results[3], 1, "is a folder")
    assert_error(results[4], 1, "password file", "is empty")
    assert_error(results[5], 1, "no authority to inform")
    assert_error(results[6], 1, "no extradition-court proceeding")
    (own / "broken.toml").write_text('id = "case-summary"\ntitle = "x"\n', encoding="utf-8")
    broken = run_cli("brief", "1", "--template", "case-summary", "--out", out, "--data-dir", store_dir)
    assert_error(broken, 1, "broken.toml", "field 'addressee': missing")
    assert_error(run_cli("templates", "--data-dir", store_dir), 1, "broken.toml")
    assert not out.exists()
    assert disclosures(store_dir) == []


# --- bundle ------------------------------------------------------------------------------------------
def add_pdf_exhibits(root: Path, tmp_path: Path, files: dict[str, bytes]) -> None:
    with Store.open(root, PASSPHRASE, write=True) as store:
        for title, content in files.items():
            path = tmp_path / f"{title}.pdf"
            path.write_bytes(content)
            (result,) = exhibits.add_files(store, IDRIS, [path], title=title)
            assert result.ok, result.error


def three_page_pdf() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for n in range(1, 4):
        canvas.drawString(72, 700, f"Judgment page {n}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_a_hearing_bundle(store_dir: Path, tmp_path: Path) -> None:
    add_pdf_exhibits(store_dir, tmp_path, {"Judgment of the regional court": three_page_pdf()})
    out, locked, password = tmp_path / "bundle.pdf", tmp_path / "locked.pdf", tmp_path / "password.txt"
    password.write_text("open sesame\n", encoding="utf-8")
    plain, protected = run_many([
        ("bundle", "1", "--out", out, "--prefix", "B-", "--restart-per-section", "--data-dir", store_dir),
        ("bundle", "1", "--out", locked, "--password-file", password, "--data-dir", store_dir)])
    assert_ok(plain)
    reader = PdfReader(out)
    pages = len(reader.pages)
    assert plain.stdout.strip() == (f"Wrote {out} ({pages} pages, 2 exhibits, 1 held but not paginated)")
    stamps = [page.extract_text().strip().splitlines()[-1] for page in reader.pages]
    assert stamps[0] == "B-I1" and stamps[-3:] == ["B-E1", "B-E2", "B-E3"]
    assert all(s.startswith("B-S") for s in stamps[1:-3])
    text = all_text(reader)
    assert "Arrest warrant" in text and "original held, not paginated" in " ".join(text.split())
    assert SECRET not in text
    marks = [b.title for b in outline(reader) if b.level == 0]
    assert marks == ["Index", "Submission: Submissions on behalf of the requested person", "Exhibits"]
    assert_ok(protected)
    assert "password-protected" in protected.stdout
    assert PdfReader(locked).is_encrypted
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "no temporary file left"


def test_a_bundle_with_the_override_is_audited(store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "bundle.pdf"
    assert_ok(run_cli("bundle", "1", "--out", out, "--include-confidential", "--data-dir", store_dir))
    assert SECRET in all_text(PdfReader(out))
    assert any("hearing bundle" in entry and "a court" in entry for entry in disclosures(store_dir))


def test_a_bundle_is_refused_whole_for_a_damaged_or_locked_exhibit(store_dir: Path, tmp_path: Path) -> None:
    from pypdf import PdfWriter

    whole = three_page_pdf()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(whole)))
    writer.encrypt(user_password="x", owner_password="x", algorithm="AES-256")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    damaged_dir, locked_dir = tmp_path / "damaged", tmp_path / "locked"
    shutil.copytree(store_dir, damaged_dir)
    shutil.copytree(store_dir, locked_dir)
    add_pdf_exhibits(damaged_dir, tmp_path, {"Police report": whole[: len(whole) // 2]})
    add_pdf_exhibits(locked_dir, tmp_path, {"Bank statement": encrypted.getvalue()})
    out = tmp_path / "bundle.pdf"
    out.write_bytes(b"the previous bundle")
    damaged, locked, nameless, prefix = run_many([
        ("bundle", "1", "--out", out, "--include-confidential", "--data-dir", damaged_dir),
        ("bundle", "1", "--out", out, "--data-dir", locked_dir),
        ("bundle", "3", "--out", out, "--data-dir", store_dir),
        ("bundle", "1", "--out", out, "--prefix", "X" * 20, "--data-dir", store_dir)])
    assert_error(damaged, 1, "Exhibit 3 (Police report) is a damaged PDF", "the bundle was not made")
    assert_error(locked, 1, "Exhibit 3 (Bank statement) is a password-protected PDF")
    assert_error(nameless, 1, "no extradition-court proceeding")
    assert_error(prefix, 1, "prefix", "too long")
    assert out.read_bytes() == b"the previous bundle", "the file is replaced only by a whole bundle"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert disclosures(damaged_dir) == [], "the override of a bundle never made is not recorded"
    named = run_cli("bundle", "3", "--out", out, "--addressee", "Amtsgericht Tiergarten; Berlin",
                    "--data-dir", store_dir)
    assert_ok(named)
    assert "Amtsgericht Tiergarten" in all_text(PdfReader(out))
