"""Fuzzing the case file importer: any input ends in a case imported whole or one ``InvalidInput``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from lawyer_desk.core import cases
from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.interchange import case_json
from lawyer_desk.core.store import KdfParams, Store
from tests.conftest import PASSPHRASE
from tests.core.fuzz_helpers import raw_documents, row_counts
from tests.e2e.helpers import case_document


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store.create(tmp_path_factory.mktemp("fuzz") / "store", PASSPHRASE, KdfParams.cheap())
    yield store
    assert store.integrity_problems() == []
    assert store.audit_report().intact
    store.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(raw=raw_documents(case_document()))
def test_case_file_imports_whole_or_not_at_all(shared_store: Store, raw: bytes) -> None:
    with shared_store.session() as session:
        before = row_counts(session)
    try:
        case = case_json.parse(raw, "fuzz.json")
    except InvalidInput as exc:
        assert str(exc).startswith("fuzz.json:"), exc
        return
    try:
        with shared_store.session() as session:
            (client_id,) = cases.import_cases(session, [case])
    except InvalidInput:
        with shared_store.session() as session:
            assert row_counts(session) == before  # nothing of it was written
        return
    with shared_store.session() as session:
        after = row_counts(session)
        assert after["client"] == before["client"] + 1
        exported = cases.export_case(session, client_id)
    assert case_json.parse(case_json.dumps(exported).encode(), "again.json") is not None


def test_a_file_that_is_not_there_or_a_folder(tmp_path: Path) -> None:
    from lawyer_desk.core.interchange.jsonfile import read_bytes

    for path in (tmp_path / "missing.json", tmp_path):
        with pytest.raises(InvalidInput):
            read_bytes(path)
