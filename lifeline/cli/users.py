"""``lifeline users``: accounts for the web dashboard and API tokens for scripts; every change is audited."""

from __future__ import annotations

import getpass
import sys
from enum import StrEnum
from typing import Annotated

import typer

from lifeline.accounts import add_user, create_token, list_users, record, revoke_token, set_password
from lifeline.cli.app import app
from lifeline.cli.common import engine
from lifeline.cli.output import Format, emit
from lifeline.errors import UserError
from lifeline.formats import Column, ResultTable

users_app = typer.Typer(
    help="Accounts (viewer, editor, admin) and API tokens.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(users_app, name="users")


ROLE_HELP = "viewer reads, editor also imports, admin also sees the audit log."
NO_PASSWORD_HELP = "No browser login; the user acts through API tokens only."


class Role(StrEnum):
    viewer = "viewer"
    editor = "editor"
    admin = "admin"


def _operator() -> str:
    """Who ran the command, for the audit log (the OS account; the CLI has no login of its own)."""
    try:
        return f"os:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name in some containers; the audit still records the write
        return "os:unknown"


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise UserError("--password-stdin: no password on standard input")
        return line
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Repeat password", hide_input=True) != first:
        raise UserError("the two passwords differ")
    return str(first)


@users_app.command("add")
def add_cmd(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ - @).")],
    role: Annotated[Role, typer.Option("--role", help=ROLE_HELP)] = Role.viewer,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    no_password: Annotated[bool, typer.Option("--no-password", help=NO_PASSWORD_HELP)] = False,
) -> None:
    """Add a user; asks for the password unless --password-stdin or --no-password."""
    password = None if no_password else _read_password(password_stdin)
    with engine().begin() as conn:
        user = add_user(conn, name, role.value, password)
        record(conn, _operator(), "cli", "user-add", user.name, {"role": user.role, "password": password is not None})
    print(f"added user {user.name} ({user.role})")


@users_app.command("passwd")
def passwd_cmd(
    name: Annotated[str, typer.Argument()],
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
) -> None:
    """Set a user's password."""
    password = _read_password(password_stdin)
    with engine().begin() as conn:
        set_password(conn, name, password)
        record(conn, _operator(), "cli", "user-password", name)
    print(f"password set for {name}")


@users_app.command("token")
def token_cmd(
    name: Annotated[str, typer.Argument()],
    label: Annotated[str | None, typer.Option("--label", help="What the token is for.")] = None,
) -> None:
    """Create an API token (printed once: send it as 'Authorization: Bearer TOKEN')."""
    with engine().begin() as conn:
        token = create_token(conn, name, label)
        record(conn, _operator(), "cli", "token-create", name, {"label": label})
    print(token)


@users_app.command("revoke-token")
def revoke_cmd(token: Annotated[str, typer.Argument()]) -> None:
    """Revoke an API token."""
    with engine().begin() as conn:
        if not revoke_token(conn, token):
            raise UserError("no active token matches")
        record(conn, _operator(), "cli", "token-revoke", None)
    print("token revoked")


@users_app.command("list")
def list_cmd(fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """Every user with role and state."""
    with engine().connect() as conn:
        rows = list_users(conn)
    emit(ResultTable("Users", [Column("id", "#meta+id"), Column("name", "#contact+name"), Column("role", "#meta+role"),
                               Column("active", "#status"), Column("created_at", "#date+created")], rows), fmt)
