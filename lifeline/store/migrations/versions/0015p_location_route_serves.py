"""locations: the route of an entry point and the areas it serves

Revision ID: 0015p
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015p"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("locations") as batch:
        batch.add_column(sa.Column("route", sa.String(16)))
        batch.add_column(sa.Column("serves", sa.JSON()))


def downgrade() -> None:
    with op.batch_alter_table("locations") as batch:
        batch.drop_column("serves")
        batch.drop_column("route")
