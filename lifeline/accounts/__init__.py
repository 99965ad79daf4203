"""Accounts (core): users with roles, argon2 password hashes, API tokens and the audit log of writes.

Faces (web, API, CLI) call these functions; nothing here knows about HTTP.
"""

from lifeline.accounts.audit import recent, record
from lifeline.accounts.tokens import create_token, lookup_token, record_token_use, revoke_token, user_for_token
from lifeline.accounts.users import (
    ROLES,
    User,
    add_user,
    authenticate,
    end_sessions,
    get_user,
    has_role,
    list_users,
    set_password,
)

__all__ = [
    "ROLES", "User", "add_user", "authenticate", "get_user", "has_role", "list_users", "set_password",
    "create_token", "revoke_token", "user_for_token", "lookup_token", "record_token_use", "record", "recent",
    "end_sessions",
]
