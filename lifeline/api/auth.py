"""Who is asking: a Bearer API token (scripts) or the session cookie (browser); and what they may do."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from sqlalchemy import Connection, Engine

from lifeline.accounts import User, get_user, record
from lifeline.accounts.credentials import Credential, CredentialEnded
from lifeline.api import session as sessions
from lifeline.api.settings import Settings


class AuthRequired(Exception):
    """No (valid) identity where one is needed: pages redirect to the login, the API answers 401."""

    def __init__(self, message: str = "log in (browser) or send 'Authorization: Bearer TOKEN' (scripts)") -> None:
        super().__init__(message)
        self.message = message


class Forbidden(Exception):
    """An identity without the role, or a form without a valid CSRF token: 403."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def current_user(request: Request) -> User | None:
    """The user making the request, or None for an anonymous visitor; a bad token is an error, not anonymity."""
    if hasattr(request.state, "user"):
        return request.state.user  # type: ignore[no-any-return]
    user: User | None = None
    token = bearer(request)
    if token is not None:
        user = request.app.state.tokens.user(token, fresh=True)
        if user is None:
            raise AuthRequired("the API token is not valid (unknown or revoked)")
        request.state.via = "api"
    else:
        sess: sessions.Session = request.state.session
        if sess.user:
            with engine(request).connect() as conn:
                user = get_user(conn, sess.user)
            if user is not None and user.generation != sess.generation:
                user = None  # logged out (anywhere) or password changed since this session began
            if user is None:
                request.state.session = sessions.new(None)  # the ended session is replaced, not kept
        request.state.via = "web"
    request.state.user = user
    return user


def reader(request: Request) -> User | None:
    """Dependency of every read: public unless the server runs with the private setting."""
    user = current_user(request)
    if settings(request).private and user is None:
        raise AuthRequired("this Lifeline server is private: log in or send an API token")
    return user


def writer(request: Request, role: str = "editor", csrf: str | None = None) -> User:
    """The user if they hold ``role``; browser sessions must also present the session's CSRF token."""
    user = current_user(request)
    if user is None:
        raise AuthRequired()
    if not user.can(role):
        raise Forbidden(f"user {user.name!r} is a {user.role}; this needs the {role} role")
    if request.state.via == "web":
        presented = csrf or request.headers.get(sessions.CSRF_HEADER)
        if not sessions.csrf_ok(request.state.session, presented):
            raise Forbidden("the form's CSRF token is missing or stale: reload the page and try again")
        request.state.credential = Credential.of_session(user, role, request.state.session.generation)
    else:
        request.state.credential = Credential.of_token(user, role, bearer(request) or "")
    return user


def credential(request: Request) -> Credential:
    """The credential ``writer`` accepted for this request, to be confirmed inside the write's transaction."""
    return request.state.credential  # type: ignore[no-any-return]


def refused_write(engine_: Engine, who: Credential, via: str, exc: CredentialEnded, action: str,
                  target: str | None, detail: dict[str, object] | None = None) -> AuthRequired:
    """Audit a write whose credential ended while it ran (in its own transaction: the write's was rolled
    back) and return the 401 to raise."""
    with engine_.begin() as conn:
        record(conn, who.user.name, via, action, target, {**(detail or {}), "error": str(exc)})
    return AuthRequired(str(exc))


@contextmanager
def write(request: Request, action: str, target: str | None = None) -> Iterator[Connection]:
    """The write's transaction, committed only if the writer's credential still stands at its end;
    otherwise rolled back, audited as ``write-refused`` and answered 401."""
    try:
        with engine(request).begin() as conn:
            yield conn
            credential(request).confirm(conn)
    except CredentialEnded as exc:
        raise refused_write(engine(request), credential(request), request.state.via, exc, "write-refused", target,
                            {"write": action}) from None
