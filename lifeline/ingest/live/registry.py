"""Sources a user registers: a name, a URL or ``hdx:DATASET[/RESOURCE]``, a kind and a schedule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from lifeline.errors import NotFound, UserError
from lifeline.ingest import registry as importers
from lifeline.store.tables_live import live_fetches, live_files, live_sources

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,127}$")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Location:
    """Where a source is published: a plain URL, or an HDX dataset (and optionally one resource)."""

    url: str | None = None
    dataset: str | None = None
    resource: str | None = None

    @property
    def is_hdx(self) -> bool:
        return self.dataset is not None


def parse_location(text: str) -> Location:
    """``https://...`` or ``hdx:DATASET[/RESOURCE]``; anything else is named as the mistake it is."""
    text = text.strip()
    if text.startswith("hdx:"):
        dataset, _, resource = text[4:].partition("/")
        if not re.fullmatch(r"[a-z0-9_-]{2,100}", dataset):
            raise UserError(f"hdx: expects a dataset name (lower case, digits, - and _), got {dataset!r}")
        return Location(dataset=dataset, resource=resource or None)
    parsed = urlparse(text)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise UserError(f"expected an http(s) URL or hdx:DATASET[/RESOURCE], got {text!r}")
    if parsed.username or parsed.password:
        raise UserError("the URL carries a user name or password; put a token in an environment variable "
                        "and name it with --token-env instead")
    return Location(url=text)


def parse_every(text: str) -> int:
    """A schedule like ``6h``, ``30m``, ``1d`` or ``90s`` in seconds (at least one minute)."""
    m = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", text.lower())
    if not m:
        raise UserError(f"--every expects a number and a unit (s, m, h or d), like 6h; got {text!r}")
    seconds = int(m[1]) * UNITS[m[2]]
    if seconds < 60:
        raise UserError(f"--every must be at least 1 minute, got {text!r}")
    return seconds


def add(conn: Connection, name: str, location: str, kind: str = "auto", every_seconds: int = 21600,
        token_env: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Register a source, due at once. A name is used once; the token is never stored, only its variable."""
    if not NAME.match(name):
        raise UserError(f"a source name is lower case letters, digits, '.', '-' or '_' (up to 64), got {name!r}")
    parse_location(location)
    if kind != "auto" and kind not in importers.kinds():
        raise UserError(f"--kind must be auto or one of {', '.join(importers.kinds())}, got {kind!r}")
    if token_env is not None and not ENV_NAME.match(token_env):
        raise UserError(f"--token-env names an environment variable (like UNRWA_TOKEN), got {token_env!r}")
    now = now or datetime.now(UTC)
    try:
        with conn.begin_nested():
            conn.execute(
                insert(live_sources).values(
                    name=name, location=location.strip(), kind=kind, every_seconds=every_seconds,
                    token_env=token_env, enabled=True, created_at=now, next_check_at=now, failures=0,
                )
            )
    except IntegrityError:
        raise UserError(f"a source named {name!r} is already registered (see `lifeline sources list`)") from None
    return get(conn, name)


def get(conn: Connection, name: str) -> dict[str, Any]:
    row = conn.execute(select(live_sources).where(live_sources.c.name == name)).first()
    if row is None:
        raise NotFound(f"no registered source named {name!r} (see `lifeline sources list`)")
    return dict(row._mapping)


def all_sources(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(select(live_sources).order_by(live_sources.c.name))]


def remove(conn: Connection, name: str) -> None:
    """Forget a source and its fetch history; what it imported stays (datasets, rows, snapshots)."""
    source = get(conn, name)
    conn.execute(delete(live_fetches).where(live_fetches.c.source_id == source["id"]))
    conn.execute(delete(live_files).where(live_files.c.source_id == source["id"]))
    conn.execute(delete(live_sources).where(live_sources.c.id == source["id"]))


def set_enabled(conn: Connection, name: str, enabled: bool) -> None:
    get(conn, name)
    conn.execute(update(live_sources).where(live_sources.c.name == name).values(enabled=enabled))
