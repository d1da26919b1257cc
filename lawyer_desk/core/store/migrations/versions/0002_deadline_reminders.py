"""deadline reminders and completion

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

A deadline remembers which of its reminders the lawyer has seen (so a reminder that fell
due while the program was closed is shown at the next unlock, and only once) and when it
was marked done. Plain ``ADD COLUMN``: the table is not recreated, so no trigger is lost.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("deadline", sa.Column("reminders_seen", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("deadline", sa.Column("done_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deadline") as batch:
        batch.drop_column("done_at")
        batch.drop_column("reminders_seen")
