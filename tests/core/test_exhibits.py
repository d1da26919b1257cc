"""Exhibits on a real store: adding files, text for search, numbers, reading back, custody, verification."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from lawyer_desk.core import case_evidence, cases, exhibit_checks, exhibit_text, exhibits
from lawyer_desk.core import models as m
from lawyer_desk.core import vault as vault_module
from lawyer_desk.core.errors import InvalidInput, NotFound
from lawyer_desk.core.interchange import case_json as cj
from lawyer_desk.core.records import FieldErrors
from lawyer_desk.core.search import search
from lawyer_desk.core.store import KdfParams, Store
from lawyer_desk.core.vault import CHUNK_SIZE, HEADER_SIZE, ObjectDamaged, Vault
from lawyer_desk.core.vocab import ExhibitKind, TextStatus, VerifiedState
from tests.conftest import PASSPHRASE
from tests.core.evidence_files import scanned_pdf, text_pdf, word_document

PHRASE = "the warrant was issued for political reasons"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def case_id(store: Store) -> int:
    with store.session() as session:
        client = m.Client(display_name="Adil Evidence")
        session.add(client)
        session.flush()
        assert client.id is not None
        return client.id


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "ruling.pdf").write_bytes(text_pdf("Regional Court, 3 March 2021", PHRASE.capitalize() + "."))
    (folder / "scan.pdf").write_bytes(scanned_pdf())
    (folder / "broken.pdf").write_bytes(b"<html>this was a web page saved as .pdf</html>")
    (folder / "letter.txt").write_text("Письмо из посольства о задержании", encoding="utf-8")
    word_document(folder / "report.docx", "Country report on Uzbekistan", "Torture in pre-trial detention is routine.")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "Qaror № 5 — ҳукм.pdf").write_bytes(text_pdf("Decision number five"))
    return folder


def _add(store: Store, case_id: int, *paths: Path, **options: object) -> list[exhibits.AddResult]:
    return exhibits.add_files(store, case_id, list(paths), **options)  # type: ignore[arg-type]


def _count(store: Store, table: type) -> int:
    with store.session() as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def _vault_files(store: Store) -> list[str]:
    folder = store.paths.vault
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- adding ----------------------------------------------------------------------------------
def test_add_several_files_each_gets_its_result(store: Store, case_id: int, files: Path) -> None:
    names = ["ruling.pdf", "scan.pdf", "broken.pdf", "letter.txt", "report.docx", "photo.png", "empty.txt",
             "Qaror № 5 — ҳукм.pdf"]
    results = _add(store, case_id, *(files / n for n in names), kind=ExhibitKind.court_decision)
    assert all(r.ok for r in results), [r.error for r in results]
    assert [r.number for r in results] == [str(i) for i in range(1, 9)]
    status = {r.path.name: r.text_status for r in results}
    assert status == {"ruling.pdf": TextStatus.text, "scan.pdf": TextStatus.no_text,
                      "broken.pdf": TextStatus.unreadable, "letter.txt": TextStatus.text,
                      "report.docx": TextStatus.text, "photo.png": TextStatus.unsupported,
                      "empty.txt": TextStatus.no_text, "Qaror № 5 — ҳукм.pdf": TextStatus.text}
    broken = next(r for r in results if r.path.name == "broken.pdf")
    assert broken.note is not None and "not a readable PDF" in broken.note and "stored as it is" in broken.note
    with store.session() as session:
        rows = {r.filename: r for r in exhibits.rows(session, case_id)}
    assert rows["ruling.pdf"].sha256 == hashlib.sha256((files / "ruling.pdf").read_bytes()).hexdigest()
    assert rows["ruling.pdf"].media_type == "application/pdf"
    assert rows["report.docx"].media_type == exhibit_text.DOCX
    assert rows["photo.png"].media_type == "image/png"
    assert rows["empty.txt"].size == 0
    assert rows["ruling.pdf"].title == "ruling" and rows["ruling.pdf"].kind is ExhibitKind.court_decision
    assert rows["Qaror № 5 — ҳукм.pdf"].title == "Qaror № 5 — ҳукм"
    assert len(_vault_files(store)) == 8
    # the PDF that is not a PDF is kept whole and reads back
    preview = exhibits.read_for_preview(store, rows["broken.pdf"].id)
    assert preview.content == (files / "broken.pdf").read_bytes()


def test_search_finds_an_exhibit_by_a_phrase_inside_it(store: Store, case_id: int, files: Path) -> None:
    results = _add(store, case_id, files / "ruling.pdf", files / "report.docx", files / "letter.txt",
                   files / "scan.pdf")
    ids = {r.path.name: r.exhibit_id for r in results}
    with store.session() as session:
        assert [(h.kind, h.source_id) for h in search(session, "political reasons", per_case=False)] == \
            [("exhibit", ids["ruling.pdf"])]
        assert [h.source_id for h in search(session, "pre-trial detention")] == [ids["report.docx"]]
        assert [h.source_id for h in search(session, "посольства")] == [ids["letter.txt"]]
        assert [h.source_id for h in search(session, "zaderzhanii")] == [ids["letter.txt"]]  # folded, as for names
        hit = search(session, "political reasons")[0]
        assert hit.client_id == case_id and hit.snippet.startswith("ruling ruling.pdf")
        assert exhibits.passage(session, hit.source_id, "political reasons") == (
            "…Regional Court, 3 March 2021 The warrant was issued for [political] reasons.…")
        assert exhibits.passage(session, hit.source_id, "nowhere") is None
        # the title is searchable, and follows an edit
        exhibits.update_exhibit(session, ids["scan.pdf"], title="Arrest record from Andijan")
    with store.session() as session:
        assert [h.source_id for h in search(session, "andijan")] == [ids["scan.pdf"]]


def test_long_text_stays_out_of_the_snippet_column(store: Store, case_id: int, tmp_path: Path) -> None:
    """FTS5 snippets cost the square of the matches in the quoted column: a long document's text
    must not be in it (a search for a common word took minutes), yet must still be found."""
    transcript = tmp_path / "transcript.txt"
    transcript.write_text("the witness saw the arrest\n" * 20_000, encoding="utf-8")
    (result,) = _add(store, case_id, transcript)
    with store.session() as session:
        text_column, folded = session.execute(text("SELECT text, folded FROM search_index WHERE rowid = :r"),
                                              {"r": (result.exhibit_id or 0) * 16 + 7}).one()
        assert text_column == "transcript transcript.txt"
        assert "the witness saw the arrest" in folded
        (hit,) = search(session, "witness")
        assert hit.kind == "exhibit" and hit.snippet == "transcript transcript.txt"
        shown = exhibits.passage(session, hit.source_id, "witness")
        assert shown is not None and shown.startswith("…the [witness] saw the arrest the witness")
        assert shown.endswith("…") and len(shown) < 150


def test_index_follows_text_and_deletion(store: Store, case_id: int, files: Path) -> None:
    (result,) = _add(store, case_id, files / "ruling.pdf")
    assert result.exhibit_id is not None
    with store.session() as session:
        session.execute(text("UPDATE exhibit_text SET text = 'replaced words' WHERE exhibit_id = :i"),
                        {"i": result.exhibit_id})
    with store.session() as session:
        assert not search(session, "political")
        assert search(session, "replaced words")
        session.execute(text("DELETE FROM exhibit_text"))
    with store.session() as session:
        assert not search(session, "replaced")
        assert search(session, "ruling"), "the title stays indexed without the text"
    exhibits.delete_exhibit(store, result.exhibit_id)
    with store.session() as session:
        assert not search(session, "ruling")
        assert session.execute(text("SELECT count(*) FROM search_index WHERE rowid % 16 = 7")).scalar() == 0
    assert _vault_files(store) == []


def test_text_is_capped(store: Store, case_id: int, tmp_path: Path) -> None:
    big = tmp_path / "transcript.txt"
    with open(big, "w", encoding="utf-8") as f:
        for i in range(exhibit_text.MAX_TEXT // 40 + 1000):
            f.write(f"line {i:08d} of the hearing transcript\n")
    (result,) = _add(store, case_id, big)
    assert result.text_status is TextStatus.text
    assert result.note == f"only the first {exhibit_text.MAX_TEXT:,} characters are searchable"
    with store.session() as session:
        assert result.exhibit_id is not None
        assert len(exhibits.text_of(session, result.exhibit_id)) <= exhibit_text.MAX_TEXT


def test_a_duplicate_is_pointed_out_not_added(store: Store, case_id: int, files: Path, tmp_path: Path) -> None:
    copy = tmp_path / "same ruling, renamed.pdf"
    copy.write_bytes((files / "ruling.pdf").read_bytes())
    first, again = _add(store, case_id, files / "ruling.pdf", copy)
    assert first.ok and not again.ok
    assert again.duplicate_of == "1"
    assert again.error == ("same ruling, renamed.pdf: the same file (SHA-256) is already exhibit 1 of this case; "
                           "not added again")
    assert _count(store, m.Exhibit) == 1 and len(_vault_files(store)) == 1
    (forced,) = _add(store, case_id, copy, allow_duplicates=True)
    assert forced.ok and forced.number == "2"


def test_bad_inputs_each_fail_alone(store: Store, case_id: int, files: Path, tmp_path: Path) -> None:
    results = _add(store, case_id, files / "ruling.pdf", tmp_path / "nowhere.pdf", files, files / "letter.txt")
    assert [r.ok for r in results] == [True, False, False, True]
    assert "no such file" in (results[1].error or "")
    assert "is a folder, not a file" in (results[2].error or "")
    assert [r.number for r in results if r.ok] == ["1", "2"]
    assert len(_vault_files(store)) == 2


# The add runs in a process of its own so that, as root (as in CI), it can run without the
# capabilities that bypass file permissions, as a lawyer's own account does (``setpriv``, as
# tests/e2e/test_faults.py does for a read-only store folder).
_ADD_IN_A_PROCESS = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from lawyer_desk.core import exhibits
    from lawyer_desk.core.store import Store
    root, case_id, path = sys.argv[1:]
    store = Store.open(Path(root), sys.stdin.read())
    try:
        (result,) = exhibits.add_files(store, int(case_id), [Path(path)])
    finally:
        store.close()
    print(json.dumps({"ok": result.ok, "error": result.error}))
""")


def _add_without_permission_overrides(store: Store, case_id: int, path: Path) -> dict[str, object]:
    store.close()  # the other process takes the writer lock
    command = [sys.executable, "-c", _ADD_IN_A_PROCESS, str(store.paths.root), str(case_id), str(path)]
    if os.geteuid() == 0:
        assert shutil.which("setpriv"), "as root, this test needs setpriv (util-linux) to drop the overrides"
        command = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]
    done = subprocess.run(command, input=PASSPHRASE, capture_output=True, text=True, timeout=120, check=False,
                          cwd=REPO, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_unreadable_file(store: Store, case_id: int, files: Path) -> None:
    locked = files / "ruling.pdf"
    locked.chmod(0)
    try:
        result = _add_without_permission_overrides(store, case_id, locked)
    finally:
        locked.chmod(0o600)
    assert result == {"ok": False, "error": f"{locked}: cannot be read (permission denied)."}
    with Store.open(store.paths.root, PASSPHRASE) as reopened:
        assert _count(reopened, m.Exhibit) == 0 and _vault_files(reopened) == []


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_read_error_is_reported(store: Store, case_id: int) -> None:
    (result,) = _add(store, case_id, Path("/proc/self/mem"))  # reading offset 0 fails with EIO
    assert result.error is not None and "could not be read" in result.error
    assert _count(store, m.Exhibit) == 0 and _vault_files(store) == []


def test_a_file_vanishing_mid_read_leaves_nothing(store: Store, case_id: int, tmp_path: Path) -> None:
    source = tmp_path / "usb-stick.bin"
    source.write_bytes(os.urandom(3 * CHUNK_SIZE))
    (result,) = _add(store, case_id, source, progress=lambda _d, _t: source.unlink(missing_ok=True))
    assert result.error == "usb-stick.bin: the file vanished while it was being read; nothing was stored."
    assert _count(store, m.Exhibit) == 0 and _vault_files(store) == []


def test_disk_full_leaves_no_row_and_no_file(store: Store, case_id: int, files: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def full(_fd: int, _data: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(vault_module, "_write_all", full)
    (result,) = _add(store, case_id, files / "ruling.pdf")
    assert result.error == "The vault could not be written (the disk is full); nothing was stored."
    assert _count(store, m.Exhibit) == 0 and _vault_files(store) == []


def test_a_failed_commit_removes_the_vault_object(store: Store, case_id: int, files: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> str:
        raise InvalidInput("numbering failed")

    monkeypatch.setattr(exhibits, "next_number", refuse)
    (result,) = _add(store, case_id, files / "ruling.pdf")
    assert result.error == "numbering failed"
    assert _vault_files(store) == [] and _count(store, m.Exhibit) == 0


def test_cancel_stops_and_keeps_what_was_done(store: Store, case_id: int, tmp_path: Path) -> None:
    paths = []
    for i in range(3):
        paths.append(tmp_path / f"file{i}.bin")
        paths[-1].write_bytes(os.urandom(2 * CHUNK_SIZE))
    stop = {"now": False}

    def progress(done: int, _total: int) -> None:
        stop["now"] = done >= 3 * CHUNK_SIZE  # after the first chunk of the second file

    results = _add(store, case_id, *paths, progress=progress, cancel=lambda: stop["now"])
    assert [r.ok for r in results] == [True, False, False]
    assert all("cancelled" in (r.error or "") for r in results[1:])
    assert len(_vault_files(store)) == 1 and _count(store, m.Exhibit) == 1


def test_unknown_case(store: Store, files: Path) -> None:
    with pytest.raises(NotFound, match="no case 99"):
        _add(store, 99, files / "ruling.pdf")


# --- numbers and editing ---------------------------------------------------------------------
def test_numbers_next_renumber_and_edit(store: Store, case_id: int, files: Path) -> None:
    results = _add(store, case_id, files / "ruling.pdf", files / "scan.pdf", files / "letter.txt")
    one, two, three = (r.exhibit_id for r in results)
    assert one and two and three
    with store.session() as session:
        exhibits.update_exhibit(session, three, number="10", date="2021-03", language="rus", confidential=True)
        exhibits.update_exhibit(session, one, number="A-2")
        assert exhibits.next_number(session, case_id) == "11"
        with pytest.raises(FieldErrors) as clash:
            exhibits.update_exhibit(session, two, number="10")
        assert "number" in clash.value.errors
        with pytest.raises(FieldErrors) as bad:
            exhibits.update_exhibit(session, two, date="March 2021", title="")
        assert set(bad.value.errors) == {"date", "title"}
        with pytest.raises(FieldErrors, match="same case"):
            exhibits.update_exhibit(session, two, translation_of_id=two)
        exhibits.update_exhibit(session, two, translation_of_id=three, kind="warrant")
        assert [r.number for r in exhibits.rows(session, case_id)] == ["2", "10", "A-2"]  # natural order
    with store.session() as session:
        assert exhibits.renumber(session, case_id) == {two: "1", three: "2", one: "3"}
    with store.session() as session:
        rows = {r.id: r for r in exhibits.rows(session, case_id)}
        assert rows[two].translation_of_id == three and rows[two].kind is ExhibitKind.warrant
        assert rows[three].confidential and rows[three].date == "2021-03"
        changes = [e.summary for e in exhibits.custody(session, one) if e.event == "changed"]
    assert changes[-1] == "number: A-2 → 3"


# --- reading back and custody ----------------------------------------------------------------
def test_export_preview_and_custody_history(store: Store, case_id: int, files: Path, tmp_path: Path) -> None:
    (result,) = _add(store, case_id, files / "ruling.pdf")
    exhibit_id = result.exhibit_id
    assert exhibit_id is not None
    out = tmp_path / "out"
    out.mkdir()
    copy = exhibits.export_copy(store, exhibit_id, out)
    assert copy == out / "ruling.pdf" and copy.read_bytes() == (files / "ruling.pdf").read_bytes()
    preview = exhibits.read_for_preview(store, exhibit_id)
    assert preview.media_type == "application/pdf" and preview.content == copy.read_bytes()
    with pytest.raises(InvalidInput, match="too large to preview"):
        exhibits.read_for_preview(store, exhibit_id, limit=10)
    exhibit_checks.verify(store, [exhibit_id])
    with store.session() as session:
        history = exhibits.custody(session, exhibit_id)
        row = exhibits.row(session, exhibit_id)
    assert [e.event for e in history] == ["added", "exported", "viewed", "verified"]
    assert result.sha256 in history[0].summary
    assert str(copy.resolve()) in history[1].summary
    assert history[3].summary == "intact"
    assert row.verified_state is VerifiedState.intact and row.verified_at is not None
    assert store.audit_report().intact


def test_preview_of_an_altered_file_is_refused(store: Store, case_id: int, files: Path) -> None:
    (result,) = _add(store, case_id, files / "ruling.pdf")
    with store.session() as session:
        name = session.get(m.Exhibit, result.exhibit_id).object_name  # type: ignore[union-attr]
    path = store.paths.vault / name
    raw = bytearray(path.read_bytes())
    raw[HEADER_SIZE + 3] ^= 0x80
    path.write_bytes(raw)
    with pytest.raises(ObjectDamaged, match="chunk 1 of 1 failed authentication"):
        exhibits.read_for_preview(store, result.exhibit_id or 0)


# --- verification ----------------------------------------------------------------------------
def test_verify_reports_each_problem_precisely(store: Store, case_id: int, files: Path) -> None:
    results = _add(store, case_id, files / "ruling.pdf", files / "scan.pdf", files / "letter.txt")
    intact, altered, missing = (r.exhibit_id for r in results)
    with store.session() as session:
        names = {e.id: e.object_name for e in session.execute(select(m.Exhibit)).scalars()}
    vault = Vault.of(store)
    damaged = bytearray((vault.folder / names[altered]).read_bytes())  # type: ignore[index]
    damaged[HEADER_SIZE + 100] ^= 0x01
    (vault.folder / names[altered]).write_bytes(damaged)  # type: ignore[index]
    (vault.folder / names[missing]).unlink()  # type: ignore[index]
    unreferenced = vault.write(io.BytesIO(b"crashed before its row was committed"))
    (vault.folder / ("0f" * 16 + ".partial")).write_bytes(b"half a file")
    (vault.folder / "desktop.ini").write_bytes(b"stray")

    quick = exhibit_checks.presence(store)
    assert [(c.exhibit_id, c.state) for c in quick.checks] == [(missing, VerifiedState.missing)]

    report = exhibit_checks.verify(store)
    assert not report.ok
    by_id = {c.exhibit_id: c for c in report.checks}
    assert by_id[intact].state is VerifiedState.intact
    assert (by_id[altered].state, by_id[altered].chunk, by_id[altered].detail) == (
        VerifiedState.altered, 1, "altered: chunk 1 of 1 failed authentication")
    assert by_id[missing].state is VerifiedState.missing
    assert {(o.name, o.kind) for o in report.orphans} == {
        (unreferenced.name, "no exhibit"), ("0f" * 16 + ".partial", "unfinished write"),
        ("desktop.ini", "not a vault object")}
    assert sorted(_vault_files(store)) == sorted([names[intact], names[altered], unreferenced.name,  # type: ignore[index]
                                                  "0f" * 16 + ".partial", "desktop.ini"]), "nothing was deleted"
    with store.session() as session:
        states = {r.id: r.verified_state for r in exhibits.rows(session, case_id)}
        assert exhibits.custody(session, altered)[-1].summary == "altered: chunk 1 of 1 failed authentication"  # type: ignore[arg-type]
    assert states == {intact: VerifiedState.intact, altered: VerifiedState.altered, missing: VerifiedState.missing}

    one = exhibit_checks.verify(store, [intact])  # type: ignore[list-item]
    assert one.ok and one.orphans == [], "checking some exhibits does not list orphans"


def test_read_only_verify_records_nothing(store_dir: Path, store: Store, case_id: int, files: Path) -> None:
    _add(store, case_id, files / "ruling.pdf")
    entries = store.audit_report().entries
    store.close()
    with Store.open(store_dir, PASSPHRASE, write=False) as reader:
        report = exhibit_checks.verify(reader)
        assert report.ok and len(report.checks) == 1
        assert reader.audit_report().entries == entries


def test_deleting_a_case_leaves_its_files_as_reported_orphans(store: Store, case_id: int, files: Path) -> None:
    _add(store, case_id, files / "ruling.pdf")
    with store.session() as session:
        session.delete(session.get(m.Client, case_id))
    assert _count(store, m.Exhibit) == 0 and _count(store, m.ExhibitText) == 0
    assert [o.kind for o in exhibit_checks.orphans(store)] == ["no exhibit"]


# --- no plaintext on disk --------------------------------------------------------------------
def test_no_plaintext_of_an_exhibit_anywhere_in_the_store(store: Store, case_id: int, tmp_path: Path) -> None:
    canary = "CANARYEXHIBITZQ7 the witness saw the arrest"
    name_canary = "CANARYFILENAMEXK"
    source = tmp_path / f"{name_canary}.txt"
    source.write_text((canary + "\n") * 50_000, encoding="utf-8")  # several chunks
    (result,) = _add(store, case_id, source)
    assert result.text_status is TextStatus.text
    exhibits.read_for_preview(store, result.exhibit_id or 0)
    exhibit_checks.verify(store)
    with store.session() as session:
        assert search(session, "CANARYEXHIBITZQ7")
    needles = [form.encode(encoding) for form in ("CANARYEXHIBITZQ7", "canaryexhibitzq7", "witness saw the arrest",
                                                  name_canary, name_canary.lower())
               for encoding in ("utf-8", "utf-16-le")]
    found = [f"{p.name}: {n!r}" for p in store.paths.root.rglob("*") if p.is_file()
             for n in needles if n in p.read_bytes()]
    assert found == []
    assert len(_vault_files(store)) == 1


# --- cases with their evidence ---------------------------------------------------------------
def test_case_round_trips_with_its_evidence(store: Store, case_id: int, files: Path, tmp_path: Path) -> None:
    results = _add(store, case_id, files / "ruling.pdf", files / "report.docx", files / "Qaror № 5 — ҳукм.pdf")
    with store.session() as session:
        exhibits.update_exhibit(session, results[2].exhibit_id or 0, translation_of_id=results[0].exhibit_id,
                                confidential=True, source="Court registry", notes="certified copy")
    out = tmp_path / "export"
    with store.session() as session:
        case = cases.export_case(session, case_id)
        case = case.model_copy(update={"evidence_dir": "evidence"})
        written = case_evidence.export_evidence(session, Vault.of(store), case_id, case, out / "evidence")
    assert [p.name for p in written] == ["1 - ruling.pdf", "2 - report.docx", "3 - Qaror № 5 — ҳукм.pdf"]
    case_file = out / "case.json"
    case_file.write_text(cj.dumps(case), encoding="utf-8")
    parsed = cj.parse(case_file.read_bytes(), "case.json")
    assert parsed.exhibits[2].translation_of == "1" and parsed.exhibits[2].confidential

    with store.session() as session:
        expected = [(r.number, r.filename, r.sha256, r.text_status) for r in exhibits.rows(session, case_id)]
    other = Store.create(tmp_path / "other", PASSPHRASE, KdfParams.cheap())
    try:
        new_id = case_evidence.import_case(other, parsed, case_file)
        with other.session() as session:
            rows = exhibits.rows(session, new_id)
            assert [(r.number, r.filename, r.sha256, r.text_status) for r in rows] == expected
            assert rows[2].translation_of_id == rows[0].id and rows[2].notes == "certified copy"
            assert [h.source_id for h in search(session, "political reasons")] == [rows[0].id]
            assert [e.event for e in exhibits.custody(session, rows[0].id)] == ["added"]
            again = cases.export_case(session, new_id)
        assert [e.model_dump() for e in again.exhibits] == [e.model_dump() for e in parsed.exhibits]
        assert exhibit_checks.verify(other).ok
        # The bulk path indexes exactly as the row-by-row triggers would.
        with other.session() as session:
            bulk = session.execute(text("SELECT rowid, text, folded, kind, client_id FROM search_index "
                                        "WHERE rowid % 16 = 7 ORDER BY rowid")).all()
            session.execute(text("UPDATE exhibit SET id = id"))
            again_rows = session.execute(text("SELECT rowid, text, folded, kind, client_id FROM search_index "
                                              "WHERE rowid % 16 = 7 ORDER BY rowid")).all()
        assert bulk == again_rows and len(bulk) == 3
    finally:
        other.close()


def test_import_refuses_a_case_whose_evidence_differs(store: Store, case_id: int, files: Path,
                                                      tmp_path: Path) -> None:
    _add(store, case_id, files / "ruling.pdf", files / "letter.txt")
    with store.session() as session:
        case = cases.export_case(session, case_id).model_copy(update={"evidence_dir": "evidence"})
        case_evidence.export_evidence(session, Vault.of(store), case_id, case, tmp_path / "evidence")
    case_file = tmp_path / "case.json"
    (tmp_path / "evidence" / "2 - letter.txt").write_text("Письмо, которое подменили", encoding="utf-8")
    other = Store.create(tmp_path / "other", PASSPHRASE, KdfParams.cheap())
    try:
        with pytest.raises(InvalidInput, match=r"exhibits\[1\] \(2 - letter.txt\): the file differs"):
            case_evidence.import_case(other, case, case_file)
        (tmp_path / "evidence" / "2 - letter.txt").unlink()
        with pytest.raises(InvalidInput, match=r"exhibits\[1\].*no such file"):
            case_evidence.import_case(other, case, case_file)
        with pytest.raises(InvalidInput, match="their files were not brought in"), other.session() as session:
            cases.import_cases(session, [case])
        assert _count(other, m.Client) == 0 and _count(other, m.Exhibit) == 0
        assert not any((other.paths.vault).glob("*")), "no object of the refused case stays in the vault"
    finally:
        other.close()


def test_a_case_file_cannot_point_outside_its_evidence_folder() -> None:
    exhibit = {"number": "1", "title": "Warrant", "filename": "warrant.pdf", "size": 3, "sha256": "a" * 64,
               "file": "1 - warrant.pdf"}
    document = {"format": cj.FORMAT, "version": 1, "client": {"display_name": "Someone"}}
    cj.parse(json.dumps({**document, "exhibits": [exhibit]}).encode(), "case.json")
    for field, value in (("file", "../../.ssh/authorized_keys"), ("file", "..\\evil.exe"),
                         ("filename", "../outside.pdf"), ("filename", ".."), ("sha256", "not-a-hash")):
        raw = json.dumps({**document, "exhibits": [{**exhibit, field: value}]}).encode()
        with pytest.raises(InvalidInput, match=rf"exhibits\[0\]\.{field}"):
            cj.parse(raw, "case.json")
    twice = {**document, "exhibits": [exhibit, {**exhibit, "number": "2"}]}
    with pytest.raises(InvalidInput, match=r"exhibits\[1\]\.file: .* used twice"):
        cj.parse(json.dumps(twice).encode(), "case.json")
    dangling = {**document, "exhibits": [{**exhibit, "translation_of": "9"}]}
    with pytest.raises(InvalidInput, match=r"exhibits\[0\]\.translation_of"):
        cj.parse(json.dumps(dangling).encode(), "case.json")


def test_missing_exhibit_triggers_are_noticed(store: Store) -> None:
    from lawyer_desk.core.search import missing_triggers

    with store.session() as session:
        assert missing_triggers(session) == []
        session.execute(text("DROP TRIGGER exhibit_text_search_insert"))
        assert missing_triggers(session) == ["exhibit_text_search_insert"]
        session.rollback()


def test_a_deleted_exhibit_never_passes_its_id_on(tmp_path: Path) -> None:
    """Custody entries in the audit trail name exhibits by id: a new file must not inherit them."""
    from sqlalchemy import text

    from lawyer_desk.core import models as m
    from lawyer_desk.core.store import KdfParams, Store

    with Store.create(tmp_path / "store", "id reuse passphrase", KdfParams.cheap()) as store:
        with store.session() as session:
            client = m.Client(display_name="Id Reuse")
            session.add(client)
            session.flush()
            session.add(m.Exhibit(client_id=client.id, number="1", title="first", filename="a.txt",
                                  media_type="text/plain", size=1, sha256="0" * 64, object_name="a" * 32))
        with store.session() as session:
            (first,) = session.execute(text("SELECT id FROM exhibit")).scalars()
            session.execute(text("DELETE FROM exhibit"))
        with store.session() as session:
            client_id = session.execute(text("SELECT id FROM client")).scalar_one()
            session.add(m.Exhibit(client_id=client_id, number="1", title="second", filename="b.txt",
                                  media_type="text/plain", size=1, sha256="1" * 64, object_name="b" * 32))
        with store.session() as session:
            (second,) = session.execute(text("SELECT id FROM exhibit")).scalars()
    assert second > first
