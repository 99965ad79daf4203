"""Alembic environment: run against the connection handed over by :func:`lifeline.store.engine.connect`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from lifeline.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is None:  # command-line use (`alembic -x url=...`), e.g. to autogenerate a migration
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("give the database: alembic -x url=URL ...")
    with create_engine(url).connect() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
