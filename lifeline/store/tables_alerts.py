"""Tables of the early-warning area: alerts (one row per stable key) and the delivery outbox.

An alert's ``key`` is derived from its rule, place and the start of the episode it describes, so
evaluating the same data twice, or re-importing a file, finds the same row instead of adding one. It is a
short, URL-safe id; ``legacy_key``, the longer key alerts had before, stays as its alias.
The outbox holds one row per alert and channel until a channel confirms delivery; it lives in the
store, so a process that stops before delivering leaves the work for the next one.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from lifeline.store.schema import metadata

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),  # the short id (lifeline.alerts.model.short_key)
    Column("legacy_key", Text, index=True),  # the key before short ids, still accepted wherever a key is
    Column("rule", String(64), nullable=False),
    Column("state", String(16), nullable=False),  # open | acknowledged | resolved
    Column("severity", String(16), nullable=False),
    Column("place", String(64)),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("title", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("sources", JSON, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("acknowledged_by", Text),
    Column("resolved_at", DateTime(timezone=True)),
    # The day the condition ended (resolution "condition ended": the episode's last day) or the day Lifeline
    # stopped finding it ("no longer found"), and every change of state: [{"state", "at", "on", "why"}].
    Column("resolved_on", Date),
    Column("resolution", String(32)),
    Column("history", JSON),
    Index("ix_alerts_rule_state", "rule", "state"),
)

alert_outbox = Table(
    "alert_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False),
    Column("channel", String(32), nullable=False),  # console | webhook | email
    Column("target", Text, nullable=False),  # URL, address, or "-" for the console
    Column("status", String(16), nullable=False),  # pending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    UniqueConstraint("alert_id", "channel", "target", name="uq_outbox_alert_channel"),
    Index("ix_outbox_due", "status", "next_attempt_at"),
)
