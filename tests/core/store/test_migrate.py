"""Migrations: models and revisions agree; upgrades copy first and cannot lose data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from lawyer_desk.core import models as m
from lawyer_desk.core.errors import StoreError
from lawyer_desk.core.store import KdfParams, Store, database, migrate
from lawyer_desk.core.store.keyheader import subkey
from lawyer_desk.core.store.migrate import include_object
from tests.conftest import PASSPHRASE

SHIPPED_HEAD = migrate.HEAD_REVISION  # taken before any test patches it

EXTRA_REVISION = '''
from alembic import op
import sqlalchemy as sa

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("{table}", recreate="{recreate}") as batch:
        batch.add_column(sa.Column("signal_handle_{table}", sa.String(), nullable=True))
    {extra}


def downgrade():
    pass
'''


def test_models_and_migrations_agree(store: Store) -> None:
    """Autogenerate finds nothing to do, and it leaves the FTS5 index alone."""
    assert store.engine is not None
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        assert compare_metadata(context, SQLModel.metadata) == []
        tables = {row[0] for row in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
    assert "search_index" in tables


def _with_extra_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str,
                         table: str = "contact", recreate: str = "auto") -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    revision = EXTRA_REVISION.format(extra=extra, table=table, recreate=recreate, head=SHIPPED_HEAD)
    (scripts / "versions" / "9999_test.py").write_text(revision, encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS", scripts)
    monkeypatch.setattr(migrate, "HEAD_REVISION", "9999")


def _store_with_a_case(store_dir: Path) -> None:
    with Store.create(store_dir, PASSPHRASE, KdfParams.cheap()) as store, store.session() as session:
        session.add(m.Client(display_name="Migration Canary", contacts=[m.Contact(name="NGO")]))


def test_upgrade_copies_the_database_first_and_keeps_data(
        store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _store_with_a_case(store_dir)
    _with_extra_revision(tmp_path, monkeypatch, "pass")
    with Store.open(store_dir, PASSPHRASE) as store:
        assert store.engine is not None
        with store.engine.connect() as conn:
            assert migrate.current_revision(conn) == "9999"
            assert conn.execute(text("SELECT signal_handle_contact FROM contact")).all() == [(None,)]
            assert conn.execute(text("SELECT display_name FROM client")).scalar() == "Migration Canary"
            # batch mode recreated the contact table; the search triggers of other tables survive
            assert conn.execute(text("SELECT count(*) FROM search_index")).scalar() >= 1
        key = store._db_key
    (copy,) = (store_dir / "pre-migration").glob("case-*.db")
    conn = database.connect(copy, key)  # the copy is encrypted with the same key, and complete
    try:
        assert conn.execute("SELECT display_name FROM client").fetchall() == [("Migration Canary",)]
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(SHIPPED_HEAD,)]
    finally:
        conn.close()


def test_failed_upgrade_leaves_the_store_as_it_was(
        store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _store_with_a_case(store_dir)
    _with_extra_revision(tmp_path, monkeypatch, 'raise RuntimeError("step fails half-way")')
    with pytest.raises(RuntimeError):
        Store.open(store_dir, PASSPHRASE)
    monkeypatch.undo()
    with Store.open(store_dir, PASSPHRASE) as store:
        assert store.engine is not None
        with store.engine.connect() as conn:
            assert migrate.current_revision(conn) == SHIPPED_HEAD
            columns = {row[1] for row in conn.execute(text("PRAGMA table_info(contact)"))}
            assert "signal_handle_contact" not in columns
            assert conn.execute(text("SELECT display_name FROM client")).scalar() == "Migration Canary"


def test_read_only_open_refuses_to_migrate(store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _store_with_a_case(store_dir)
    _with_extra_revision(tmp_path, monkeypatch, "pass")
    with pytest.raises(Exception, match="needs an upgrade"):
        Store.open(store_dir, PASSPHRASE, write=False)


def test_database_key_is_derived_not_the_data_key() -> None:
    key = b"k" * 32
    assert subkey(key, "database") != key != subkey(key, "audit")


def test_upgrade_that_drops_search_triggers_fails_loudly(
        store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _store_with_a_case(store_dir)
    _with_extra_revision(tmp_path, monkeypatch, "pass", table="note", recreate="always")
    with pytest.raises(StoreError, match=r"lost search triggers.*note_search_insert"):
        Store.open(store_dir, PASSPHRASE)
    assert list((store_dir / "pre-migration").glob("case-*.db"))


def test_fast_path_head_matches_the_scripts() -> None:
    assert migrate.head_revision() == migrate.HEAD_REVISION
