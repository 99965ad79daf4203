"""Signed session cookies carrying the user name and a CSRF token, and the CSRF check for forms.

Every visitor gets a session with a random CSRF token (so the login form is protected too); logging
in issues a fresh session (no fixation). Cookies are HttpOnly, SameSite=Lax, and Secure over HTTPS.
A session also carries the user's session generation at login: logout and password changes raise the
generation in the store, so every cookie issued before stops working (see ``auth.current_user``).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from lifeline.api.settings import Settings

COOKIE = "lifeline_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass
class Session:
    user: str | None
    csrf: str
    fresh: bool = False  # must be (re)sent to the browser
    generation: int = 0


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="lifeline-session")


def load(request: Request, settings: Settings) -> Session:
    raw = request.cookies.get(COOKIE)
    if raw:
        try:
            data = _serializer(settings).loads(raw, max_age=int(settings.session_hours * 3600))
            return Session(user=data.get("u"), csrf=str(data["c"]), generation=int(data.get("g", 0)))
        except (BadSignature, KeyError, TypeError, ValueError):
            pass
    return Session(user=None, csrf=secrets.token_urlsafe(24), fresh=True)


def new(user: str | None, generation: int = 0) -> Session:
    return Session(user=user, csrf=secrets.token_urlsafe(24), fresh=True, generation=generation)


def is_https(request: Request) -> bool:
    """Over HTTPS: the connection's scheme, which a trusted proxy's X-Forwarded-Proto has set already
    (``lifeline.api.proxies.ClientAddress``); the header itself is never read here, so a client cannot
    claim HTTPS by sending it."""
    return request.url.scheme in ("https", "wss")


def save(response: Response, session: Session, request: Request, settings: Settings) -> None:
    value = _serializer(settings).dumps({"u": session.user, "c": session.csrf, "g": session.generation})
    secure = settings.secure_cookies == "always" or (settings.secure_cookies == "auto" and is_https(request))
    response.set_cookie(
        COOKIE, value, max_age=int(settings.session_hours * 3600), httponly=True, samesite="lax", secure=secure,
        path="/",
    )


def csrf_ok(session: Session, presented: str | None) -> bool:
    if not presented or not session.csrf:
        return False
    return hmac.compare_digest(session.csrf.encode(), str(presented).encode())
