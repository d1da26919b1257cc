"""The client list's columns stored on the client row (``list_*``), kept by triggers.

Migration 0003 adds them with triggers on the client, its names, alerts and deadlines. The
insert triggers stand aside during a bulk import (``search.bulk_indexing``), and
``search.index_clients`` then calls ``refresh`` for the new clients: one statement instead
of a client update per row. The expressions below are the migration's; a test keeps the
two in step.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

# Every trigger of migration 0003 (a batch migration that recreated one of these tables would
# drop them silently: ``search.missing_triggers`` checks for them after every upgrade).
TRIGGERS = ("client_list_insert", "client_list_update",
            *(f"{table}_list_{what}" for table in ("name_variant", "alert", "deadline")
              for what in ("insert", "update", "delete")))

_EVERYTHING = (
    "list_nationality = json_extract(client.nationalities, '$[0]'), "
    "list_names = (SELECT json_group_array(v.text ORDER BY v.id) FROM name_variant AS v "
    "WHERE v.client_id = client.id), "
    "list_alerts = (SELECT json_group_array(json_array(a.requesting_country, a.status) ORDER BY a.id) "
    "FROM alert AS a WHERE a.client_id = client.id), "
    "list_requesting = (SELECT min(a.requesting_country) FROM alert AS a WHERE a.client_id = client.id), "
    "list_next_due = (SELECT min(d.due_date) FROM deadline AS d WHERE d.client_id = client.id AND d.status = 'open'), "
    "list_next_title = (SELECT d.title FROM deadline AS d WHERE d.client_id = client.id "
    "AND d.status = 'open' ORDER BY d.due_date, d.id LIMIT 1)"
)


def refresh(session: Session, client_ids: range) -> None:
    """Work out the stored list columns of these clients again, in one statement."""
    if client_ids:
        session.execute(text(f"UPDATE client SET {_EVERYTHING} WHERE client.id BETWEEN :lo AND :hi"),  # noqa: S608
                        {"lo": client_ids.start, "hi": client_ids.stop - 1})
