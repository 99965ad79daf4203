"""Which store this is: its engine URL (password hidden) and an id drawn once, when the store was created.

Whole answers cached in one process are keyed by it (``lifeline.api.tables.AnswerCache``), so two stores
served by one process (the API pointed at another URL, the tests' many stores) never share an answer,
even when their data versions are the same numbers. The id is stored (table ``store_identity``,
migration ``0021i``), so a store deleted and made again at the same URL is another store, and a
copied SQLite file is told apart by its URL.
"""

from __future__ import annotations

from sqlalchemy import Column, Connection, String, Table, select

from lifeline.store.schema import metadata

store_identity = Table(
    "store_identity",
    metadata,
    Column("id", String(36), primary_key=True),  # a UUID4, written by the migration that made the table
)


def identity(conn: Connection) -> str:
    """``<engine URL>#<store id>``: one store's identity, the same for every connection to it."""
    url = conn.engine.url.render_as_string(hide_password=True)
    found = conn.execute(select(store_identity.c.id).limit(1)).scalar()
    return f"{url}#{found or 'no-id'}"
