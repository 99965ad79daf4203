"""live sources: registered sources, their files, fetch attempts and snapshots

Revision ID: 0014_live_sources
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_live_sources"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("every_seconds", sa.Integer(), nullable=False),
        sa.Column("token_env", sa.String(128)),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_checked_at", sa.DateTime(timezone=True)),
        sa.Column("last_changed_at", sa.DateTime(timezone=True)),
        sa.Column("next_check_at", sa.DateTime(timezone=True)),
        sa.Column("last_outcome", sa.String(16)),
        sa.Column("last_error", sa.Text()),
        sa.Column("failures", sa.Integer(), nullable=False),
    )
    op.create_table(
        "live_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("live_sources.id", ondelete="CASCADE"), nullable=False),
        sa.Column("resource", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("etag", sa.Text()),
        sa.Column("http_last_modified", sa.Text()),
        sa.Column("published_modified", sa.Text()),
        sa.Column("sha256", sa.String(64)),
        sa.Column("dataset_id", sa.Integer(), sa.ForeignKey("datasets.id")),
        sa.Column("changed_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("source_id", "resource", name="uq_live_files_resource"),
    )
    op.create_table(
        "live_snapshots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.Text()),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "live_fetches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("live_sources.id", ondelete="CASCADE"), nullable=False),
        sa.Column("resource", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("http_status", sa.Integer()),
        sa.Column("bytes", sa.Integer()),
        sa.Column("sha256", sa.String(64)),
        sa.Column("snapshot_id", sa.Integer(), sa.ForeignKey("live_snapshots.id")),
        sa.Column("dataset_id", sa.Integer(), sa.ForeignKey("datasets.id")),
        sa.Column("error", sa.Text()),
    )
    op.create_index("ix_live_fetches_source", "live_fetches", ["source_id", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_live_fetches_source", "live_fetches")
    op.drop_table("live_fetches")
    op.drop_table("live_snapshots")
    op.drop_table("live_files")
    op.drop_table("live_sources")
