"""Alembic environment: runs on the store's own keyed connection, never on a URL."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlmodel import SQLModel

import lawyer_desk.core.models  # noqa: F401  (registers the tables on the metadata)

# Tables Alembic must never touch: the FTS5 index and its shadow tables are created by hand.
_UNMANAGED_PREFIX = "search_index"


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not (type_ == "table" and name is not None and name.startswith(_UNMANAGED_PREFIX))


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    include_object=include_object,
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()
