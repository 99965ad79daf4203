"""alerts: the day a condition ended, why an alert was resolved, and its state history

Revision ID: 0011_alert_resolution
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_alert_resolution"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("resolved_on", sa.Date()))
        batch.add_column(sa.Column("resolution", sa.String(32)))
        batch.add_column(sa.Column("history", sa.JSON()))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("history")
        batch.drop_column("resolution")
        batch.drop_column("resolved_on")
