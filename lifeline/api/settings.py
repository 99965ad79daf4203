"""Server settings: each one a named default, overridable by an environment variable or by the caller."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class Settings:
    """How the server behaves; ``from_env`` reads the ``LIFELINE_*`` variables."""

    db_url: str | None = None
    # Reading is public by default (the issue); LIFELINE_PRIVATE=1 requires a login for every page and call.
    private: bool = False
    # Signs session cookies. A random key per process logs everyone out on restart; set LIFELINE_SECRET_KEY
    # to keep sessions across restarts.
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    # "auto" marks cookies Secure when the request came over HTTPS (or through a proxy saying so);
    # "always" forces it, for deployments behind TLS termination that does not forward the scheme.
    secure_cookies: str = "auto"
    # A working day: OWASP's session cheat sheet leaves the absolute timeout to the application's risk;
    # write rights only allow imports, which are audited and revisioned, so 8 hours is the default.
    session_hours: float = 8.0
    # The largest real line list (UNRWA CSV, Nov 2024) is 7.6 MB; 64 MB leaves room for growth.
    max_upload_mb: float = 64.0
    # Rows of a table shown on a page before pointing to the download; the API pages with limit/offset.
    page_rows: int = 200
    api_default_limit: int = 1000
    api_max_limit: int = 50_000
    # Study A's parameter workbook (LSHTM gaza_food_data.xlsx): the studies comparison needs it; `lifeline demo
    # --data DIR` finds it in DIR, otherwise LIFELINE_STUDY_WORKBOOK names it.
    study_workbook: str | None = None
    # Compute the slow default answers (coverage Monte Carlo, studies) in the background at start-up, so the
    # first visitor does not wait for them.
    warm: bool = True
    # How stale a cached API answer may be after another process (a CLI import) writes to the store;
    # writes through this server take effect at once.
    version_check_seconds: float = 1.0
    # Reverse proxies (CIDR blocks or addresses) whose X-Forwarded-For names the client (lifeline.api.proxies);
    # none by default: a peer is then the client, whatever its headers say.
    trusted_proxies: tuple[str, ...] = ()
    # Time budget of every answer but writes (lifeline.api.deadline): a cold coverage of the real 3M-row store
    # takes about a minute on two cores, so 30 s keeps the visitor's connection from hanging while the
    # answer is computed for their retry. 0 turns it off.
    request_seconds: float = 30.0

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env: dict[str, object] = {
            "db_url": os.environ.get("LIFELINE_DB"),
            "private": _flag("LIFELINE_PRIVATE", False),
            "secure_cookies": os.environ.get("LIFELINE_SECURE_COOKIES", "auto"),
        }
        if os.environ.get("LIFELINE_SECRET_KEY"):
            env["secret_key"] = os.environ["LIFELINE_SECRET_KEY"]
        if os.environ.get("LIFELINE_SESSION_HOURS"):
            env["session_hours"] = float(os.environ["LIFELINE_SESSION_HOURS"])
        env["warm"] = _flag("LIFELINE_WARM", True)
        if os.environ.get("LIFELINE_STUDY_WORKBOOK"):
            env["study_workbook"] = os.environ["LIFELINE_STUDY_WORKBOOK"]
        if os.environ.get("LIFELINE_MAX_UPLOAD_MB"):
            env["max_upload_mb"] = float(os.environ["LIFELINE_MAX_UPLOAD_MB"])
        if os.environ.get("LIFELINE_REQUEST_SECONDS"):
            env["request_seconds"] = float(os.environ["LIFELINE_REQUEST_SECONDS"])
        if os.environ.get("LIFELINE_TRUSTED_PROXIES"):
            env["trusted_proxies"] = tuple(os.environ["LIFELINE_TRUSTED_PROXIES"].split(","))
        env.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**env)  # type: ignore[arg-type]
