"""Schema migrations (Alembic), run so that they cannot lose data.

Before an upgrade the database is copied with the SQLite backup API into
``pre-migration/``; each revision runs in its own transaction; a store whose revision this
program does not know (made by a newer version) is refused, never touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from lawyer_desk.core.errors import NewerStore

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(connection: Any = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Any) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def check_known(connection: Any) -> bool:
    """True when an upgrade is due; raises ``NewerStore`` for an unknown revision."""
    current = current_revision(connection)
    script = ScriptDirectory.from_config(_config())
    if current is not None:
        try:
            script.get_revision(current)
        except Exception:
            raise NewerStore("This store was last used by a newer version of lawyer_desk "
                             f"(schema {current}); update the program to open it.") from None
    return current != script.get_current_head()


def upgrade(connection: Any) -> None:
    command.upgrade(_config(connection), "head")
