"""Fuzzing the INTERPOL notice importer: a notice imported (or updated) whole, or one ``InvalidInput``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawyer_desk.core.errors import InvalidInput
from lawyer_desk.core.interchange import interpol_notice
from lawyer_desk.core.store import KdfParams, Store
from tests.conftest import PASSPHRASE
from tests.core.fuzz_helpers import raw_documents, row_counts

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "notices"
DETAIL = json.loads((SAMPLES / "red-notice-detail.json").read_text(encoding="utf-8"))
SEARCH = json.loads((SAMPLES / "search-result.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store.create(tmp_path_factory.mktemp("fuzz") / "store", PASSPHRASE, KdfParams.cheap())
    yield store
    assert store.integrity_problems() == []
    assert store.audit_report().intact
    store.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(raw=raw_documents(DETAIL) | raw_documents(SEARCH), today=st.dates())
def test_notice_imports_whole_or_not_at_all(shared_store: Store, raw: bytes, today: object) -> None:
    with shared_store.session() as session:
        before = row_counts(session)
    try:
        notices = interpol_notice.parse_notices(raw, "notice.json")
    except InvalidInput as exc:
        assert str(exc).startswith("notice.json:"), exc
        return
    try:
        with shared_store.session() as session:
            results = interpol_notice.import_notices(session, notices, today=today)  # type: ignore[arg-type]
    except InvalidInput:
        with shared_store.session() as session:
            assert row_counts(session) == before
        return
    assert len(results) == len(notices)
    with shared_store.session() as session:
        after = row_counts(session)
    assert after["client"] - before["client"] == sum(r.created for r in results)
