"""Stores written by earlier schema revisions open, upgrade and keep every record.

``tests/data/stores/revNNNN/`` holds a store made by the program at schema revision NNNN
(the four demo cases as of 2026-11-27, cheap key derivation, passphrase below). Each later
revision adds its own fixture; this test upgrades a copy of every one of them. ``rev0005``
(2026-11-28) also holds one exhibit (a text file in the vault) and a deadline whose 7-day
reminder was seen.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lawyer_desk.core import cases
from lawyer_desk.core import models as m
from lawyer_desk.core.search import search
from lawyer_desk.core.store import Store

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "stores"
PASSPHRASE = "fixture passphrase 0001"


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir()))
def test_earlier_store_opens_and_keeps_everything(fixture: str, tmp_path: Path) -> None:
    copy = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, copy)
    with Store.open(copy, PASSPHRASE) as store:
        with store.session() as session:
            names = [row.display_name for row in cases.list_cases(session)]
            assert names == ["Aleksei Vetrov", "Ayşe Yıldırım", "Idris Mamut", "Rustam Nazarov"]
            assert session.execute(select(func.count()).select_from(m.AlertNotification)).scalar_one() == 4
            assert search(session, "ئىدرىس")
        assert store.integrity_problems() == []
        assert store.audit_report().intact
        if (FIXTURES / fixture / "vault").is_dir():
            _evidence_is_all_there(store)


def _evidence_is_all_there(store: Store) -> None:
    from lawyer_desk.core import exhibit_checks

    with store.session() as session:
        (exhibit,) = session.execute(select(m.Exhibit)).scalars()
        assert (exhibit.number, exhibit.filename) == ("1", "rev0005-letter.txt")
        assert any(hit.kind == "exhibit" for hit in search(session, "embassy"))
        seen = session.execute(select(m.Deadline.reminders_seen).where(m.Deadline.reminders_seen != [])).scalars()
        assert list(seen) == [[7]]
    assert exhibit_checks.verify(store).ok
