"""The credential a write was authorised by, re-checked inside the write's own transaction.

A write is authorised when its request arrives, but an import can run for minutes: a token revoked,
a password changed, a logout or a demotion in the meantime must not let it commit. ``confirm`` reads
the credential again in the write's transaction, just before its commit; on PostgreSQL it also takes a
share lock on the rows it read, so a revocation committed at the same moment waits for this commit (and
the write is then ordered before it) instead of slipping past the check. On SQLite the write holds the
database's one write lock, so a revocation waits for the commit anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from lifeline.accounts.tokens import _digest
from lifeline.accounts.users import User, has_role
from lifeline.store.tables_accounts import api_tokens, users


class CredentialEnded(Exception):
    """The credential a write began under no longer stands; the write must not commit."""


@dataclass(frozen=True)
class Credential:
    """Who is writing and by what right: an API token (its digest) or a browser session (its generation)."""

    user: User
    role: str
    token_sha256: str | None = None
    generation: int | None = None

    @classmethod
    def of_token(cls, user: User, role: str, token: str) -> Credential:
        return cls(user, role, token_sha256=_digest(token))

    @classmethod
    def of_session(cls, user: User, role: str, generation: int) -> Credential:
        return cls(user, role, generation=generation)

    def confirm(self, conn: Connection) -> None:
        """Raise ``CredentialEnded`` unless the credential still stands, read in ``conn``'s transaction."""
        where = [users.c.id == self.user.id, users.c.active.is_(True)]
        stmt = select(users.c.role, users.c.session_generation)
        if self.token_sha256 is not None:
            stmt = stmt.select_from(api_tokens.join(users, api_tokens.c.user_id == users.c.id))
            where += [api_tokens.c.token_sha256 == self.token_sha256, api_tokens.c.revoked_at.is_(None)]
        stmt = stmt.where(*where)
        if conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update(read=True)
        row = conn.execute(stmt).first()
        if row is None:
            what = "the API token was revoked" if self.token_sha256 is not None else "the user was deactivated"
            raise CredentialEnded(f"{what} while the write was in progress; nothing was written")
        if self.generation is not None and row.session_generation != self.generation:
            raise CredentialEnded("the session ended (logout or password change) while the write was in progress; "
                                  "nothing was written")
        if not has_role(row.role, self.role):
            raise CredentialEnded(f"user {self.user.name!r} is now a {row.role}; this needs the {self.role} role; "
                                  "nothing was written")
