"""client ids never reused

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

The client table becomes AUTOINCREMENT. The audit trail names clients by id (a case's History
tab is read from it): without AUTOINCREMENT SQLite gives the id of a deleted client, when it was
the highest, to the next new one, which would then inherit, and show, the deleted client's
history. The id counter (``sqlite_sequence``) starts past every client id the audit trail
names, so not even a client deleted before this upgrade passes its id on.

SQLite cannot add AUTOINCREMENT to a table: the table is recreated (batch mode). That drops
the triggers on it and the indexes Alembic cannot reflect faithfully (COLLATE NOCASE), so both
are read from the schema first and created again, word for word as the earlier revisions left
them (``search.missing_triggers`` checks after the upgrade). Dropping the old table with
foreign keys enforced would delete every case's records (ON DELETE CASCADE): ``migrate.upgrade``
runs the scripts with foreign keys off and checks every reference afterwards.
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Everything on the client table that a recreate loses or gets wrong: its triggers, and its
# indexes (ix_client_uid is created again from its own DDL too, which keeps it as it was).
_SCHEMA_ON_CLIENT = text("SELECT type, name, sql FROM sqlite_master "
                         "WHERE tbl_name = 'client' AND type IN ('trigger', 'index') AND sql IS NOT NULL "
                         "ORDER BY type = 'trigger', name")
# The highest client id anything names: a client row, or an entry of the audit trail.
_HIGHEST_CLIENT_ID = text(
    "SELECT max(coalesce((SELECT max(id) FROM client), 0), "
    "coalesce((SELECT max(client_id) FROM audit_entry), 0), "
    "coalesce((SELECT max(entity_id) FROM audit_entry WHERE entity = 'client'), 0))")


def _recreate_client(autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("Refusing to recreate the client table with foreign keys enforced: dropping the old "
                           "table would delete every case's records (run through migrate.upgrade).")
    saved = bind.execute(_SCHEMA_ON_CLIENT).all()
    for kind, name, _sql in saved:
        op.execute(f'DROP {kind.upper()} "{name}"')
    # The new table is renamed to "client" after the old one is dropped. SQLite (3.26+) would
    # first check every trigger that names "client" — those of the names, alerts and deadlines,
    # which keep the list columns — and refuse ("no such table"); the legacy rename leaves
    # them alone, and they are right again once the new table has the name.
    legacy = bind.exec_driver_sql("PRAGMA legacy_alter_table").scalar()
    bind.exec_driver_sql("PRAGMA legacy_alter_table = ON")
    try:
        with op.batch_alter_table("client", recreate="always",
                                  table_kwargs={"sqlite_autoincrement": autoincrement}):
            pass
    finally:
        bind.exec_driver_sql(f"PRAGMA legacy_alter_table = {'ON' if legacy else 'OFF'}")
    for _kind, _name, sql in saved:
        op.execute(sql)


def upgrade() -> None:
    highest = op.get_bind().execute(_HIGHEST_CLIENT_ID).scalar_one()
    _recreate_client(autoincrement=True)
    op.execute(text("DELETE FROM sqlite_sequence WHERE name = 'client'"))
    op.execute(text("INSERT INTO sqlite_sequence (name, seq) VALUES ('client', :seq)").bindparams(seq=highest))


def downgrade() -> None:
    _recreate_client(autoincrement=False)
    op.execute(text("DELETE FROM sqlite_sequence WHERE name = 'client'"))
