"""Alembic environment: runs on the store's own keyed connection, never on a URL."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import lawyer_desk.core.models  # registers the tables on the metadata
from lawyer_desk.core.store.migrate import include_object


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
