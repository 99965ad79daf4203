"""What every early-warning rule reads: a context's crossings, its daily deliveries and observations, and
how an alert cites the datasets behind it."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Connection

from lifeline.assumptions import load_set
from lifeline.model.contexts import Scope
from lifeline.store import queries_alerts as q

WHOLE_STORE = Scope(None)  # a rule called without a context reads the whole store, as before contexts


def crossings(scope: Scope) -> dict[str, dict[str, Any]]:
    """The context's entry points with their route and name (the normalisation rules' crossings in a store
    without places)."""
    if scope.context is None:
        return dict(load_set("normalisation").tables.get("crossings", {}))
    places = scope.context.places
    routes = scope.crossings() or {}
    return {code: {"route": route, "name_en": places[code].name_en} for code, route in routes.items()}


def crossing_names(scope: Scope) -> dict[str, str]:
    return {code: str(c.get("name_en", code)) for code, c in crossings(scope).items()}


def whole_place(scope: Scope) -> str:
    """The place of an alert about a whole context: its root (Gaza's code in a store without places)."""
    return scope.code or "gaza-strip"


def daily_rows(conn: Connection, scope: Scope, category: str | None = None) -> pl.DataFrame:
    return q.daily_deliveries(conn, category=category, scope=scope.deliveries)


def observations(conn: Connection, scope: Scope, indicators: list[str]) -> pl.DataFrame:
    obs = q.observations(conn, indicators)
    if scope.deliveries is None or scope.context is None or obs.is_empty():
        return obs
    return obs.filter(pl.col("location").is_in(list(scope.context.members)))


def cited(c: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not c:
        return []
    return [{k: c.get(k) for k in ("publisher", "title", "url", "published", "dataset_id", "path")}]


def publisher_note(c: dict[str, Any] | None) -> str:
    return f" Publisher's note: {c['note']}" if c and c.get("note") else ""



def latest_day(conn: Connection, scope: Scope) -> date | None:
    daily = daily_rows(conn, scope)
    return daily["date"].max() if not daily.is_empty() else None  # type: ignore[return-value]


