"""Tables of the live-sources area: sources a user registers, their per-file state, fetch attempts, snapshots.

A registered source (``live_sources``) is a URL or an HDX dataset checked on a schedule. Each file
it publishes has a row in ``live_files`` with what the last check saw (ETag, Last-Modified, the
publisher's ``last_modified``, SHA-256, the dataset it became); every attempt, successful or not,
is a row in ``live_fetches``; every version downloaded is a content-addressed ``live_snapshots``
row whose file lies in the snapshot folder. Credentials are never stored: a source names the
environment variable that holds its token (``token_env``), never the token.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from lifeline.store.schema import metadata

live_sources = Table(
    "live_sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("location", Text, nullable=False),  # https://... or hdx:DATASET[/RESOURCE]
    Column("kind", String(32), nullable=False),  # importer kind, or "auto"
    Column("every_seconds", Integer, nullable=False),
    Column("token_env", String(128)),  # name of the environment variable with a bearer token
    Column("enabled", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_checked_at", DateTime(timezone=True)),
    Column("last_changed_at", DateTime(timezone=True)),
    Column("next_check_at", DateTime(timezone=True)),
    Column("last_outcome", String(16)),
    Column("last_error", Text),
    Column("failures", Integer, nullable=False, default=0),  # consecutive failed checks, for backoff
)

live_files = Table(
    "live_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("live_sources.id", ondelete="CASCADE"), nullable=False),
    Column("resource", Text, nullable=False),  # "" for a plain URL; the HDX resource id otherwise
    Column("url", Text, nullable=False),
    Column("etag", Text),
    Column("http_last_modified", Text),
    Column("published_modified", Text),  # HDX resource last_modified as published
    Column("sha256", String(64)),
    Column("dataset_id", Integer, ForeignKey("datasets.id")),
    Column("changed_at", DateTime(timezone=True)),
    UniqueConstraint("source_id", "resource", name="uq_live_files_resource"),
)

live_snapshots = Table(
    "live_snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("path", Text, nullable=False),  # relative to the snapshot folder: ab/<sha256>/<file name>
    Column("bytes", Integer, nullable=False),
    Column("content_type", Text),
    Column("url", Text, nullable=False),
    Column("headers", JSON, nullable=False),  # response headers as received, cookies removed
    Column("fetched_at", DateTime(timezone=True), nullable=False),
)

live_fetches = Table(
    "live_fetches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("live_sources.id", ondelete="CASCADE"), nullable=False),
    Column("resource", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    # new-version | unchanged (same bytes) | not-modified (304 / same last_modified) | error
    Column("outcome", String(16), nullable=False),
    Column("http_status", Integer),
    Column("bytes", Integer),
    Column("sha256", String(64)),
    Column("snapshot_id", Integer, ForeignKey("live_snapshots.id")),
    Column("dataset_id", Integer, ForeignKey("datasets.id")),
    Column("error", Text),
    Index("ix_live_fetches_source", "source_id", "started_at"),
)
