"""alerts: short, URL-safe ids; the longer keys they had stay as aliases (legacy_key)

Revision ID: 0022a
Revises: 0011_alert_resolution
Create Date: 2026-12-07

Each stored alert's ``key`` becomes its short id and its old key goes to ``legacy_key``, so the same
episode found again matches the row (its state and acknowledgement kept), and a key already sent in a
message or link still finds it. The short id is computed as ``lifeline.alerts.model.short_key`` does
(copied here, as migrations must not change with the code).
"""

from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa
from alembic import op

revision = "0022a"
down_revision = "0011_alert_resolution"
branch_labels = None
depends_on = None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "-"


def _short_key(legacy: str) -> str:
    parts = legacy.split("/")
    rule, place, day, *extra = parts + ["-"] * (3 - len(parts))
    head = [_slug(rule), _slug(place), _slug(day)]
    if extra:
        head.append(_slug("-".join(extra).lower())[:24].strip("-") or "-")
    return ".".join([*head, hashlib.sha256(legacy.encode("utf-8")).hexdigest()[:8]])


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("legacy_key", sa.Text()))
        batch.create_index("ix_alerts_legacy_key", ["legacy_key"])
    conn = op.get_bind()
    alerts = sa.table("alerts", sa.column("id", sa.Integer), sa.column("key", sa.String),
                      sa.column("legacy_key", sa.Text))
    for row in conn.execute(sa.select(alerts.c.id, alerts.c.key)).all():
        if "/" in row.key:  # a key of the old form (short ids hold no '/')
            conn.execute(sa.update(alerts).where(alerts.c.id == row.id)
                         .values(key=_short_key(row.key), legacy_key=row.key))


def downgrade() -> None:
    conn = op.get_bind()
    alerts = sa.table("alerts", sa.column("id", sa.Integer), sa.column("key", sa.String),
                      sa.column("legacy_key", sa.Text))
    conn.execute(sa.update(alerts).where(alerts.c.legacy_key.is_not(None)).values(key=alerts.c.legacy_key))
    with op.batch_alter_table("alerts") as batch:
        batch.drop_index("ix_alerts_legacy_key")
        batch.drop_column("legacy_key")
