"""client list columns

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

What the client list sorts by and shows, stored on the client row and kept by triggers
(issue 3: sorting 100k clients by next deadline or requesting country ran a subquery per
client, 0.4 s). Sort keys: the first nationality, the first requesting country (A–Z), the
nearest open deadline; each with an index that hands the list its order without a sort.
Shown: every name variant, each alert's country and status, the nearest deadline's title,
so that a page of the list reads one row per client instead of four tables.

Plain ``ADD COLUMN``: no table is recreated, so no trigger is lost. The triggers that fire
on insert stand aside while ``ld_indexing()`` is 0, as the search triggers do: a bulk
import fills these columns in one statement (``lawyer_desk.core.list_columns.refresh``,
which holds the same expressions; a test keeps the two in step). The client's own search
trigger now fires only when its name (or id) changes, not on every update of the row:
these columns change with every deadline, and re-indexing the name each time would churn
the search index.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each stored column and its value for the client row ``client`` (correlated subqueries).
_NAMES = ("list_names = (SELECT json_group_array(v.text ORDER BY v.id) FROM name_variant AS v "
          "WHERE v.client_id = client.id)")
_ALERTS = ("list_alerts = (SELECT json_group_array(json_array(a.requesting_country, a.status) ORDER BY a.id) "
           "FROM alert AS a WHERE a.client_id = client.id), "
           "list_requesting = (SELECT min(a.requesting_country) FROM alert AS a WHERE a.client_id = client.id)")
_DEADLINE = ("list_next_due = (SELECT min(d.due_date) FROM deadline AS d "
             "WHERE d.client_id = client.id AND d.status = 'open'), "
             "list_next_title = (SELECT d.title FROM deadline AS d WHERE d.client_id = client.id "
             "AND d.status = 'open' ORDER BY d.due_date, d.id LIMIT 1)")
_NATIONALITY = "list_nationality = json_extract(client.nationalities, '$[0]')"
_EVERYTHING = f"{_NATIONALITY}, {_NAMES}, {_ALERTS}, {_DEADLINE}"


def _child_triggers(table: str, columns: str, watched: str) -> dict[str, str]:
    """Insert, update and delete triggers of a child table that refresh ``columns`` of its client."""
    refresh = "UPDATE client SET {columns} WHERE client.id IN ({ids});"
    return {
        f"{table}_list_insert": (f"AFTER INSERT ON {table} WHEN ld_indexing() BEGIN "
                                 f"{refresh.format(columns=columns, ids='NEW.client_id')} END"),
        f"{table}_list_update": (f"AFTER UPDATE OF {watched}, client_id ON {table} BEGIN "
                                 f"{refresh.format(columns=columns, ids='OLD.client_id, NEW.client_id')} END"),
        f"{table}_list_delete": (f"AFTER DELETE ON {table} BEGIN "
                                 f"{refresh.format(columns=columns, ids='OLD.client_id')} END"),
    }


_TRIGGERS = {
    # On insert every column, so that a row put back as it was (undo of a delete) is right too.
    "client_list_insert": ("AFTER INSERT ON client WHEN ld_indexing() BEGIN "  # noqa: S608 (fixed DDL)
                           f"UPDATE client SET {_EVERYTHING} WHERE client.id = NEW.id; END"),
    "client_list_update": ("AFTER UPDATE OF nationalities ON client BEGIN "  # noqa: S608 (fixed DDL)
                           f"UPDATE client SET {_NATIONALITY} WHERE client.id = NEW.id; END"),
    **_child_triggers("name_variant", _NAMES, "text"),
    **_child_triggers("alert", _ALERTS, "requesting_country, status"),
    **_child_triggers("deadline", _DEADLINE, "due_date, status, title"),
}

# The list's orders, each read straight from an index for one case status (the default
# filter): status first, then the key, then the name; the rowid that ends every index entry
# breaks ties. Custody (by urgency, not A–Z) is read one custody status at a time.
_INDEXES = {
    "ix_client_list_status_name": "status, display_name COLLATE NOCASE",
    "ix_client_list_due": "status, list_next_due, display_name COLLATE NOCASE",
    "ix_client_list_nationality": "status, list_nationality, display_name COLLATE NOCASE",
    "ix_client_list_requesting": "status, list_requesting, display_name COLLATE NOCASE",
    "ix_client_list_custody": "status, custody_status, display_name COLLATE NOCASE",
}

_SEARCH_INSERT = ("INSERT INTO search_index(rowid, text, folded, kind, client_id) "
                  "VALUES (NEW.id * 16 + 6, NEW.display_name, ld_fold(NEW.display_name), 'kname', NEW.id);")
_SEARCH_DELETE = "DELETE FROM search_index WHERE rowid = OLD.id * 16 + 6;"


def _client_search_update(watched: str) -> None:
    op.execute("DROP TRIGGER client_search_update")
    op.execute(f"CREATE TRIGGER client_search_update AFTER UPDATE {watched}ON client "
               f"BEGIN {_SEARCH_DELETE} {_SEARCH_INSERT} END")


def upgrade() -> None:
    _client_search_update("OF id, display_name ")
    op.add_column("client", sa.Column("list_names", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("client", sa.Column("list_alerts", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("client", sa.Column("list_nationality", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.add_column("client", sa.Column("list_requesting", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.add_column("client", sa.Column("list_next_due", sa.Date(), nullable=True))
    op.add_column("client", sa.Column("list_next_title", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.execute(f"UPDATE client SET {_EVERYTHING}")  # noqa: S608 (fixed DDL)
    for name, body in _TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    for name, columns in _INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON client ({columns})")


def downgrade() -> None:
    for name in _INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for column in ("list_next_title", "list_next_due", "list_requesting", "list_nationality", "list_alerts",
                   "list_names"):
        op.execute(f"ALTER TABLE client DROP COLUMN {column}")
    _client_search_update("")
