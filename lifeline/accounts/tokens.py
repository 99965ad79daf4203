"""API tokens for scripts: shown once at creation, stored only as a SHA-256 digest, revocable."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select, update

from lifeline.accounts.users import User, get_user
from lifeline.errors import NotFound
from lifeline.store.tables_accounts import api_tokens, users

PREFIX = "ll_"
# 32 random bytes = 256 bits, well above the 112-bit minimum of NIST SP 800-63B for look-up secrets.
TOKEN_BYTES = 32


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(conn: Connection, user_name: str, label: str | None = None) -> str:
    """A new token for the user; the caller must show it now, it cannot be recovered later."""
    user = get_user(conn, user_name)
    if user is None:
        raise NotFound(f"no active user named {user_name!r}")
    token = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    conn.execute(
        insert(api_tokens).values(
            user_id=user.id, label=label, token_sha256=_digest(token), created_at=datetime.now(UTC)
        )
    )
    return token


def lookup_token(conn: Connection, token: str) -> tuple[int, User] | None:
    """The token's id and active user, or None; reads only (the read path takes no write lock)."""
    if not token.startswith(PREFIX):
        return None
    row = conn.execute(
        select(api_tokens.c.id, users.c.id.label("uid"), users.c.name, users.c.role)
        .select_from(api_tokens.join(users, api_tokens.c.user_id == users.c.id))
        .where(api_tokens.c.token_sha256 == _digest(token), api_tokens.c.revoked_at.is_(None), users.c.active.is_(True))
    ).first()
    return (row.id, User(row.uid, row.name, row.role)) if row is not None else None


def record_token_use(conn: Connection, uses: Mapping[int, datetime]) -> None:
    """Write tokens' last use, batched: the server notes uses in memory and writes them now and then."""
    for token_id, when in uses.items():
        conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=when))


def user_for_token(conn: Connection, token: str) -> User | None:
    """The active user a presented token belongs to, or None, recording the use at once (CLI, tests);
    the lookup is by digest, never by secret."""
    found = lookup_token(conn, token)
    if found is None:
        return None
    record_token_use(conn, {found[0]: datetime.now(UTC)})
    return found[1]


def revoke_token(conn: Connection, token: str) -> bool:
    result = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.token_sha256 == _digest(token), api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return result.rowcount > 0
