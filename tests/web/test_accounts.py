"""Accounts core and `lifeline users`: argon2 hashes, roles, tokens stored only as digests, audit."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from lifeline.accounts import add_user, authenticate, create_token, has_role, revoke_token, user_for_token
from lifeline.errors import UserError
from lifeline.store.tables_accounts import api_tokens, audit_log, users

LIFELINE = Path(sys.executable).with_name("lifeline")


def test_passwords_are_argon2id_hashes(store: Engine) -> None:
    with store.begin() as conn:
        add_user(conn, "amal", "editor", "a long passphrase")
        stored = conn.execute(select(users.c.password_hash).where(users.c.name == "amal")).scalar()
        assert stored.startswith("$argon2id$") and "a long passphrase" not in stored
        assert authenticate(conn, "amal", "a long passphrase").role == "editor"  # type: ignore[union-attr]
        assert authenticate(conn, "amal", "wrong passphrase") is None
        assert authenticate(conn, "nobody", "a long passphrase") is None


def test_bad_accounts_are_refused(sqlite_store: Engine) -> None:
    with sqlite_store.begin() as conn:
        add_user(conn, "amal", "viewer", "a long passphrase")
        with pytest.raises(UserError, match="already exists"):
            add_user(conn, "amal", "viewer", "another passphrase")
        with pytest.raises(UserError, match="unknown role"):
            add_user(conn, "omar", "superuser", "a long passphrase")
        with pytest.raises(UserError, match="at least 8"):
            add_user(conn, "omar", "viewer", "short")
        with pytest.raises(UserError, match="must be"):
            add_user(conn, "<script>", "viewer", "a long passphrase")


def test_roles_are_ordered() -> None:
    assert has_role("admin", "editor") and has_role("editor", "viewer") and not has_role("viewer", "editor")


def test_tokens_are_stored_as_digests_and_revocable(store: Engine) -> None:
    with store.begin() as conn:
        add_user(conn, "script", "editor")
        token = create_token(conn, "script", "nightly import")
        digest = conn.execute(select(api_tokens.c.token_sha256)).scalar()
        assert digest == hashlib.sha256(token.encode()).hexdigest() and token not in digest
        assert user_for_token(conn, token).name == "script"  # type: ignore[union-attr]
        assert user_for_token(conn, token + "x") is None
        assert revoke_token(conn, token)
        assert user_for_token(conn, token) is None
        assert authenticate(conn, "script", "") is None  # a token-only user cannot log in


def run(db: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LIFELINE), "--db", db, *args], input=stdin, capture_output=True, text=True, timeout=60)


def test_users_cli_adds_users_and_tokens_and_audits(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    done = run(db, "users", "add", "nour", "--role", "editor", "--password-stdin", stdin="a long passphrase\n")
    assert done.returncode == 0 and "added user nour (editor)" in done.stdout
    token = run(db, "users", "token", "nour", "--label", "ci").stdout.strip()
    assert token.startswith("ll_")
    bad = run(db, "users", "add", "nour", "--role", "viewer", "--no-password")
    assert bad.returncode == 2 and "already exists" in bad.stderr and "Traceback" not in bad.stderr
    listed = run(db, "users", "list", "--format", "csv").stdout
    assert "nour,editor" in listed
    from lifeline.store.engine import open_store

    engine = open_store(db)
    with engine.connect() as conn:
        assert user_for_token(conn, token).name == "nour"  # type: ignore[union-attr]
        actions = [r.action for r in conn.execute(select(audit_log.c.action).order_by(audit_log.c.id))]
    engine.dispose()
    assert actions == ["user-add", "token-create"]
