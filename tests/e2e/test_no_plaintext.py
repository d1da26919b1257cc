"""No client data is ever written to disk in the clear, in any file of the store folder.

Cases holding canary strings (names in Latin, Cyrillic, Arabic and Han script, a note, a
charge, a published notice) go in through the API and the command line; the store is
searched, listed and exported; then every file under the store folder — database, WAL,
shared memory, key headers, logs, lock, pre-migration copies — is read as bytes while a
writer still has the store open and again after it closed. No canary may appear as UTF-8,
as UTF-16, lower-cased, or in the folded ASCII form the search index uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from lawyer_desk.core import cases
from lawyer_desk.core.interchange.case_json import CaseFileV1
from lawyer_desk.core.store import Store
from tests.conftest import PASSPHRASE
from tests.e2e.helpers import REPO, assert_ok, canary_needles, case_document, make_store, run_cli, run_many

SAMPLE_NOTICE = REPO / "tests" / "data" / "notices" / "red-notice-detail.json"

# Through the API.
LATIN = "CANARYZQXJ Vetrovsky"
CYRILLIC = "Канарейщиков Жузьфэй"
ARABIC = "قانارىيەزقج"
HAN = "金丝雀测试名字"
NOTE = "CANARYNOTEBODY7741 the client fears torture"
CHARGE = "CANARYCHARGE5521 unlawful assembly"
# Through the command line.
CLI_NAME = "CANARYCLIVW Ostrowsky"
CLI_CYRILLIC = "Щеглоканарова"
CLI_NOTE = "CANARYCLINOTE4410"
FILE_NAME = "CANARYFILENAMEPV"  # the name of the imported files: logs must not hold paths either
NOTICE_NAME = "CANARYNOTICEQX"
NOTICE_FORENAME = "CANARYFORENAMEKJ"
NOTICE_CHARGE = "CANARYNOTICECHARGE9931"
NOTICE_PLACE = "CANARYPLACEWB"
# Written while the store stays open (so into the WAL).
WAL_NAME = "CANARYWALONLY Zhukovsky"
WAL_NOTE = "CANARYWALNOTE3318"

CANARIES = (LATIN, CYRILLIC, ARABIC, HAN, NOTE, CHARGE, CLI_NAME, CLI_CYRILLIC, CLI_NOTE, FILE_NAME,
            NOTICE_NAME, NOTICE_FORENAME, NOTICE_CHARGE, NOTICE_PLACE, WAL_NAME, WAL_NOTE)


NEEDLES = canary_needles(CANARIES)


def _leaks(files: Iterable[Path]) -> list[str]:
    found = []
    for path in files:
        data = path.read_bytes()
        found += [f"{path.name}: {canary!r} as {needle!r}" for needle, canary in NEEDLES.items() if needle in data]
    return found


def _store_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _api_case(name: str, others: list[str], note: str, charge: str | None = None) -> CaseFileV1:
    document = case_document(display_name=name)
    document["names"] = [{"text": name, "kind": "legal"}] + [
        {"text": other, "script": script, "kind": "alias"}
        for other, script in zip(others, ("Cyrillic", "Arabic", "Han"), strict=False)]
    document["notes"][0]["body"] = note
    if charge:
        document["alerts"][0]["warrants"][0]["charge"] = charge
    return CaseFileV1.model_validate(document)


def _notice(folder: Path) -> Path:
    data: dict[str, Any] = json.loads(SAMPLE_NOTICE.read_text("utf-8"))
    data.update(name=NOTICE_NAME, forename=NOTICE_FORENAME, place_of_birth=NOTICE_PLACE, entity_id="2018/77123")
    data["arrest_warrants"][0]["charge"] = NOTICE_CHARGE
    path = folder / f"notice-{FILE_NAME}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_no_client_data_in_the_clear(tmp_path: Path) -> None:
    root = make_store(tmp_path / "store", [_api_case(LATIN, [CYRILLIC, ARABIC, HAN], NOTE, CHARGE)])
    outside = tmp_path / FILE_NAME
    outside.mkdir()
    case_file = outside / f"case-{FILE_NAME}.json"
    document = case_document(display_name=CLI_NAME)
    document["names"].append({"text": CLI_CYRILLIC, "script": "Cyrillic", "kind": "alias"})
    document["notes"][1]["body"] = CLI_NOTE
    case_file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    notice = _notice(outside)

    imported = run_cli("import-case", case_file, "--data-dir", root)
    assert_ok(imported)
    assert_ok(run_cli("import-notice", notice, "--data-dir", root))
    export = outside / f"export-{FILE_NAME}.json"
    assert_ok(run_cli("export-case", "1", "--out", export, "--data-dir", root))

    # Positive controls: the canaries went in, and the scan finds them where they are in the clear.
    exported = _leaks([export])
    assert any(LATIN in leak for leak in exported) and any(CHARGE in leak for leak in exported)
    assert any(CYRILLIC in leak for leak in exported) and any(ARABIC in leak for leak in exported)

    with Store.open(root, PASSPHRASE) as store:
        with store.session() as session:
            cases.import_cases(session, [_api_case(WAL_NAME, [], WAL_NOTE)])
        wal = root / "case.db-wal"
        assert wal.exists() and wal.stat().st_size > 0, "the test means to read a WAL holding the last case"
        # Readers beside the open writer.
        search, listing, notice_search = run_many([
            ["search", "canaryzqxj", "--data-dir", root],
            ["cases", "--data-dir", root],
            ["search", NOTICE_CHARGE, "--json", "--data-dir", root],
        ])
        for result in (search, listing, notice_search):
            assert_ok(result)
        assert "CANARYZQXJ" in search.stdout
        assert CLI_NAME in listing.stdout and WAL_NAME in listing.stdout
        assert json.loads(notice_search.stdout)["hits"]
        open_files = _store_files(root)
        assert {"case.db", "case.db-wal", "case.db-shm", "keyheader", "keyheader.spare", "lock"} <= \
            {p.name for p in open_files}
        assert any(p.parent.name == "logs" for p in open_files), "the commands wrote no log"
        assert _leaks(open_files) == []

    assert _leaks(_store_files(root)) == []
