"""store_identity: an id drawn once per store, so answers cached in one process never cross stores

Revision ID: 0021i
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0021i"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table("store_identity", sa.Column("id", sa.String(36), primary_key=True))
    op.bulk_insert(table, [{"id": str(uuid.uuid4())}])


def downgrade() -> None:
    op.drop_table("store_identity")
