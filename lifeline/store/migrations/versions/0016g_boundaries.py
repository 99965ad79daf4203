"""boundaries: imported admin boundaries (GeoJSON) per context and level

Revision ID: 0016g
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016g"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "boundary_sets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("context", sa.String(64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("code_property", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("sources.id"), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.Text()),
        sa.Column("features_read", sa.Integer(), nullable=False),
        sa.Column("vertices_read", sa.Integer(), nullable=False),
        sa.Column("vertices_kept", sa.Integer(), nullable=False),
        sa.Column("tolerance_deg", sa.Float(), nullable=False),
        sa.Column("unmatched", sa.JSON(), nullable=False),
        sa.UniqueConstraint("context", "level", name="uq_boundary_sets_level"),
    )
    op.create_table(
        "boundaries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("set_id", sa.Integer(), sa.ForeignKey("boundary_sets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("pcode", sa.Text(), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.UniqueConstraint("set_id", "code", name="uq_boundaries_code"),
    )
    op.create_index("ix_boundaries_set_id", "boundaries", ["set_id"])


def downgrade() -> None:
    op.drop_index("ix_boundaries_set_id", "boundaries")
    op.drop_table("boundaries")
    op.drop_table("boundary_sets")
