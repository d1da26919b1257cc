"""Schema migrations (Alembic), run so that they cannot lose data.

Before an upgrade the database is copied with the SQLite backup API into
``pre-migration/``; the revisions run in one transaction, with foreign keys off (see
``upgrade``); a store whose revision this program does not know (made by a newer version) is
refused, never touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from lawyer_desk.core.errors import NewerStore, StoreError
from lawyer_desk.core.search import missing_triggers

if TYPE_CHECKING:
    from alembic.config import Config

# The newest revision this program ships. Opening a store that is already there reads one
# row and never imports Alembic (a quarter of a second of every command's start-up); a test
# keeps this equal to the head of the migration scripts.
HEAD_REVISION = "0005"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Tables Alembic must never touch: the FTS5 index and its shadow tables are created by hand,
# and autogenerate would otherwise propose to drop them.
_UNMANAGED_PREFIX = "search_index"


# The client list's indexes (COLLATE NOCASE, an expression), written by hand in the migrations.
_UNMANAGED_INDEXES = {"ix_client_list_name", "ix_client_list_status_name", "ix_client_list_due",
                      "ix_client_list_nationality", "ix_client_list_requesting", "ix_client_list_custody"}


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if type_ == "index" and name in _UNMANAGED_INDEXES:
        return False
    return not (type_ == "table" and name is not None and name.startswith(_UNMANAGED_PREFIX))


def _config(connection: Any = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Any) -> str | None:
    try:
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except OperationalError:  # no such table: a store that was never migrated
        connection.rollback()
        return None
    return rows[0] if len(rows) == 1 else None


def check_known(connection: Any) -> bool:
    """True when an upgrade is due; raises ``NewerStore`` for an unknown revision."""
    current = current_revision(connection)
    if current == HEAD_REVISION:
        return False
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_config())
    if current is not None:
        try:
            script.get_revision(current)
        except Exception:
            raise NewerStore("This store was last used by a newer version of lawyer_desk "
                             f"(schema {current}); update the program to open it.") from None
    return current != script.get_current_head()


def _broken_references(connection: Any) -> set[tuple[Any, ...]]:
    return {tuple(row) for row in connection.exec_driver_sql("PRAGMA foreign_key_check")}


def upgrade(connection: Any) -> None:
    """Run every revision not yet applied, in one transaction that this commits.

    Foreign keys are off meanwhile (SQLite's own procedure for changing a table): a revision
    that recreates a table in batch mode drops the old one, and with foreign keys enforced
    that would delete, ON DELETE CASCADE, every row that refers to it. The pragma only takes
    effect outside a transaction. Before committing, no reference that resolved before may
    point nowhere (a cascade does not show here: 0005 refuses to run with foreign keys on).
    """
    from alembic import command

    if connection.in_transaction():
        connection.commit()  # only reads so far (the revision, the copy in pre-migration/)
    raw = connection.connection.dbapi_connection
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        with connection.begin():
            broken_before = _broken_references(connection)
            command.upgrade(_config(connection), "head")
            missing = missing_triggers(connection)
            if missing:
                # A revision recreated a table in batch mode and lost its triggers: the search index
                # would silently go stale. Fail loudly; the pre-migration copy holds the old store.
                raise StoreError(f"The upgrade lost search triggers ({', '.join(missing)}); "
                                 "the copy in pre-migration/ holds the store as it was.")
            broken = _broken_references(connection) - broken_before
            if broken:
                raise StoreError(f"The upgrade would leave {len(broken)} records pointing at records that are "
                                 "gone; nothing was changed.")
    finally:
        raw.execute("PRAGMA foreign_keys = ON")
