"""Users and roles; passwords kept only as argon2id hashes (argon2-cffi's RFC 9106 profile)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, insert, select, update

from lifeline.errors import NotFound, UserError
from lifeline.store.tables_accounts import users

# Ordered from least to most rights: each role can do everything the ones before it can.
ROLES = ("viewer", "editor", "admin")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
# NIST SP 800-63B (2017) section 5.1.1.2: memorised secrets SHALL be at least 8 characters.
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so a wrong name costs as long as a wrong password.


@cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown names, so timing does not reveal which names exist.

    Computed on first use, not at import: argon2 costs ~0.1 s, which every CLI command would pay.
    """
    return _hasher.hash("lifeline-timing-equaliser")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    # The user's current session generation: a session issued under an older one has ended.
    generation: int = field(default=0, compare=False)

    def can(self, role: str) -> bool:
        return has_role(self.role, role)


def has_role(actual: str, needed: str) -> bool:
    return ROLES.index(actual) >= ROLES.index(needed)


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; expected one of: {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters (NIST SP 800-63B)")
    return password


def add_user(conn: Connection, name: str, role: str, password: str | None = None) -> User:
    """Create a user; a user without a password can still act through API tokens."""
    if not NAME_PATTERN.match(name):
        raise UserError(f"user name {name!r} must be 1-64 letters, digits, '.', '_', '-' or '@'")
    check_role(role)
    if conn.execute(select(users.c.id).where(users.c.name == name)).scalar() is not None:
        raise UserError(f"user {name!r} already exists")
    hashed = _hasher.hash(check_password(password)) if password is not None else None
    key = conn.execute(
        insert(users).values(name=name, role=role, password_hash=hashed, active=True, created_at=datetime.now(UTC))
    ).inserted_primary_key
    assert key is not None
    new_id = key[0]
    return User(int(new_id), name, role)


def set_password(conn: Connection, name: str, password: str) -> None:
    """A new password; every session issued before it ends (a stolen cookie dies with the old password)."""
    hashed = _hasher.hash(check_password(password))
    values = {"password_hash": hashed, "session_generation": users.c.session_generation + 1}
    if conn.execute(update(users).where(users.c.name == name).values(**values)).rowcount == 0:
        raise NotFound(f"no user named {name!r}")


def end_sessions(conn: Connection, name: str) -> None:
    """End every session of the user (logout ends the session everywhere, not only in this browser)."""
    conn.execute(update(users).where(users.c.name == name)
                 .values(session_generation=users.c.session_generation + 1))


def get_user(conn: Connection, name: str) -> User | None:
    row = conn.execute(
        select(users.c.id, users.c.name, users.c.role, users.c.session_generation)
        .where(users.c.name == name, users.c.active.is_(True))
    ).first()
    return User(row.id, row.name, row.role, row.session_generation) if row else None


def list_users(conn: Connection) -> list[dict[str, object]]:
    stmt = select(users.c.id, users.c.name, users.c.role, users.c.active, users.c.created_at).order_by(users.c.id)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def authenticate(conn: Connection, name: str, password: str) -> User | None:
    """The user when the password matches, else None; rehashes when argon2 parameters have changed."""
    row = conn.execute(
        select(users.c.id, users.c.name, users.c.role, users.c.password_hash, users.c.session_generation).where(
            users.c.name == name, users.c.active.is_(True)
        )
    ).first()
    stored = row.password_hash if row is not None and row.password_hash else _dummy_hash()
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.password_hash:
        return None
    if _hasher.check_needs_rehash(stored):
        conn.execute(update(users).where(users.c.id == row.id).values(password_hash=_hasher.hash(password)))
    return User(row.id, row.name, row.role, row.session_generation)
