"""Client ids are never given twice (migration 0005): the audit trail names clients by id.

The upgrade recreates the client table, which must keep every record (with foreign keys
enforced, dropping the old table would cascade to every case's records), every trigger and
index on it word for word, and start the id counter past every client id the audit trail
names — also those of clients deleted before the upgrade.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text

from lawyer_desk.core import cases, records
from lawyer_desk.core import models as m
from lawyer_desk.core.errors import StoreError
from lawyer_desk.core.search import search
from lawyer_desk.core.store import Store, migrate
from tests.core.store.test_fixture_stores import FIXTURES, PASSPHRASE

BEFORE = "0004"


def _fixture(tmp_path: Path) -> Path:
    copy = tmp_path / "rev0001"
    shutil.copytree(FIXTURES / "rev0001", copy)
    return copy


def _scripts_up_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, head: str, extra: str | None = None) -> None:
    """Make the program know the revisions up to ``head`` only (and ``extra``, a revision after it)."""
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    for script in (scripts / "versions").glob("*.py"):
        if script.name[:4] > head:
            script.unlink()
    if extra is not None:
        (scripts / "versions" / "9999_test.py").write_text(extra, encoding="utf-8")
        head = "9999"
    monkeypatch.setattr(migrate, "MIGRATIONS", scripts)
    monkeypatch.setattr(migrate, "HEAD_REVISION", head)


def _everything(conn: Any) -> dict[str, Any]:
    """Every row of every table (the search index too), and every trigger and index as written."""
    tables = [name for (name,) in conn.execute(text(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search_index_%' "
        "AND name NOT IN ('sqlite_sequence', 'alembic_version') ORDER BY name"))]
    rows = {name: conn.execute(text(f'SELECT rowid, * FROM "{name}" ORDER BY rowid')).all() for name in tables}
    schema = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type IN ('trigger', 'index') "
                                    "AND sql IS NOT NULL")).all())
    return {"rows": rows, "schema": schema}


def _client_ddl(conn: Any) -> str:
    return str(conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'client'")).scalar_one())


def test_the_upgrade_keeps_every_record_trigger_and_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store_dir = _fixture(tmp_path)
    _scripts_up_to(tmp_path, monkeypatch, BEFORE)
    with Store.open(store_dir, PASSPHRASE) as store:
        assert store.engine is not None
        with store.engine.connect() as conn:
            before = _everything(conn)
            assert "AUTOINCREMENT" not in _client_ddl(conn)
    monkeypatch.undo()

    with Store.open(store_dir, PASSPHRASE) as store:
        assert store.engine is not None
        with store.engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.HEAD_REVISION
            after = _everything(conn)
            assert "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT" in _client_ddl(conn)
        assert store.integrity_problems() == [] and store.audit_report().intact
    assert after["schema"] == before["schema"], "every trigger and index as the earlier revisions wrote it"
    assert after["rows"] == before["rows"]
    assert len(before["rows"]["client"]) == 4 and len(before["rows"]["name_variant"]) == 12
    assert all(before["rows"][table] for table in ("alert", "arrest_warrant", "proceeding", "deadline",
                                                   "alert_notification", "search_index"))


def test_a_client_deleted_before_the_upgrade_never_passes_its_id_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store_dir = _fixture(tmp_path)
    _scripts_up_to(tmp_path, monkeypatch, BEFORE)
    with Store.open(store_dir, PASSPHRASE) as store, store.session() as session:
        highest = session.execute(text("SELECT max(id) FROM client")).scalar_one()
        records.delete(session, m.Client, highest)  # only the audit trail names it now
    monkeypatch.undo()

    with Store.open(store_dir, PASSPHRASE) as store:
        with store.session() as session:
            new = records.create(session, m.Client, {"display_name": "After The Upgrade"})
        assert new == highest + 1
        with store.session() as session:
            history = session.execute(text("SELECT count(*) FROM audit_entry WHERE client_id = :c"),
                                      {"c": new}).scalar_one()
            assert history == 1  # its own creation, nothing of the client deleted before
            records.delete(session, m.Client, new)
        with store.session() as session:  # a client deleted after the upgrade, the highest, too
            assert records.create(session, m.Client, {"display_name": "Later Still"}) == new + 1
        with store.session() as session:  # and a bulk import, which picks ids itself
            (imported,) = cases.import_cases(session, [cases.export_case(session, 1).model_copy(update={"uid": None})])
            assert imported == new + 2


def test_after_the_upgrade_search_and_the_list_columns_follow_changes(tmp_path: Path) -> None:
    with Store.open(_fixture(tmp_path), PASSPHRASE) as store:
        with store.session() as session:
            assert {h.client_id for h in search(session, "Vetrov")} == {2}
            new = records.create(session, m.Client, {"display_name": "Zarina Upgradova", "nationalities": ["UZ"]})
            records.create(session, m.NameVariant, {"text": "Зарина"}, client_id=new)
            records.create(session, m.Alert, {"requesting_country": "TJ", "status": "published"}, client_id=new)
            records.create(session, m.Deadline, {"title": "File the request", "due_date": date(2030, 1, 31)},
                           client_id=new)
            records.update(session, m.Client, 2, {"display_name": "Aleksei Renamed", "nationalities": ["KZ"]})
        with store.session() as session:
            assert {h.client_id for h in search(session, "Upgradova")} == {new}
            assert {h.client_id for h in search(session, "Renamed")} == {2}
            assert 2 not in {h.client_id for h in search(session, "Vetrov") if h.kind == "client"}
            columns = text("SELECT list_names, list_nationality, list_requesting, list_next_due, list_next_title "
                           "FROM client WHERE id = :c")
            assert session.execute(columns, {"c": new}).one() == ('["Зарина"]', "UZ", "TJ", "2030-01-31",
                                                                  "File the request")
            assert session.execute(columns, {"c": 2}).one()[1] == "KZ"
        assert store.integrity_problems() == []


def test_foreign_keys_are_enforced_again_after_the_upgrade(tmp_path: Path) -> None:
    with Store.open(_fixture(tmp_path), PASSPHRASE) as store:
        assert store.engine is not None
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        with store.session() as session:
            session.execute(text("DELETE FROM client WHERE id = 1"))  # the database cascades, as before
        with store.session() as session:
            assert session.execute(text("SELECT count(*) FROM name_variant WHERE client_id = 1")).scalar_one() == 0
            assert session.execute(text("SELECT count(*) FROM alert WHERE client_id = 1")).scalar_one() == 0


def test_the_recreate_refuses_to_run_with_foreign_keys_enforced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store_dir = _fixture(tmp_path)
    _scripts_up_to(tmp_path, monkeypatch, BEFORE)
    with Store.open(store_dir, PASSPHRASE) as store:
        monkeypatch.undo()
        assert store.engine is not None
        with store.engine.connect() as conn:
            with pytest.raises(RuntimeError, match="foreign keys enforced"), conn.begin():
                command.upgrade(migrate._config(conn), "head")
            assert migrate.current_revision(conn) == BEFORE
            assert conn.execute(text("SELECT count(*) FROM name_variant")).scalar_one() == 12


BREAKS_REFERENCES = '''
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM client WHERE id = 1")  # foreign keys are off: its records stay behind


def downgrade():
    pass
'''


def test_an_upgrade_that_leaves_records_pointing_nowhere_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store_dir = _fixture(tmp_path)
    _scripts_up_to(tmp_path, monkeypatch, migrate.HEAD_REVISION,
                   extra=BREAKS_REFERENCES.format(head=migrate.HEAD_REVISION))
    with pytest.raises(StoreError, match="pointing at records that are gone"):
        Store.open(store_dir, PASSPHRASE)
    monkeypatch.undo()
    with Store.open(store_dir, PASSPHRASE) as store, store.session() as session:
        assert session.execute(text("SELECT count(*) FROM client")).scalar_one() == 4
        assert session.execute(text("PRAGMA foreign_key_check")).all() == []
