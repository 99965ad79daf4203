"""delivery_summary: per-day delivery totals kept in step with deliveries by the import service

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KEYS = "dataset_id, series, date, crossing, route, category, commodity, area"


def upgrade() -> None:
    op.create_table(
        "delivery_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("series", sa.Text(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("crossing", sa.String(length=64), nullable=True),
        sa.Column("route", sa.String(length=32), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("commodity", sa.String(length=64), nullable=True),
        sa.Column("area", sa.String(length=64), nullable=True),
        sa.Column("consignments", sa.Integer(), nullable=False),
        sa.Column("trucks", sa.Float(), nullable=True),
        sa.Column("kg", sa.Float(), nullable=True),
        sa.Column("rows_with_weight", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["dataset_id"], ["datasets.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_delivery_summary_series", "delivery_summary", ["series"])
    # A store that already holds deliveries gets its summary now, from the rows themselves.
    op.execute(
        f"INSERT INTO delivery_summary ({KEYS}, consignments, trucks, kg, rows_with_weight, rows) "
        f"SELECT {KEYS}, SUM(consignments), SUM(trucks), SUM(kg), COUNT(kg), COUNT(*) FROM deliveries "
        f"WHERE withdrawn_dataset_id IS NULL GROUP BY {KEYS}"
    )


def downgrade() -> None:
    op.drop_index("ix_delivery_summary_series", table_name="delivery_summary")
    op.drop_table("delivery_summary")
