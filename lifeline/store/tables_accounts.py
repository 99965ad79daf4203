"""Tables for accounts: users with roles and argon2 hashes, API tokens (hashed), and the audit log.

Kept apart from ``schema.py`` so the accounts area owns its own migration branch (0005).
Token secrets are never stored: only their SHA-256, so a leaked database gives no working token.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from lifeline.store.schema import metadata

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # viewer | editor | admin
    Column("password_hash", Text),  # argon2id; null = cannot log in with a password (token only)
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Sessions carry the generation they were issued under; logout and password changes raise it,
    # which ends every session issued before (migration 0005s).
    Column("session_generation", Integer, nullable=False, default=0, server_default="0"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("label", Text),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user_name", String(64)),
    Column("via", String(16), nullable=False),  # web | api | cli
    Column("action", String(64), nullable=False),
    Column("target", Text),
    Column("detail", JSON),
    Index("ix_audit_log_at", "at"),
)
