"""Read-side queries for the access timeline, the source comparison and observation series.

Kept apart from ``queries.py`` so the access area can evolve without reorganising the shared module.
Every function returns plain rows (dicts); withdrawn rows are never returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select

from lifeline.store import as_of as as_of_store
from lifeline.store import schema
from lifeline.store.scope import DeliveryScope


def _current_observations(indicator: str | None = None, location: str | None = None, rows: Any = None) -> list[Any]:
    o = schema.observations if rows is None else rows
    cond: list[Any] = [o.c.withdrawn_dataset_id.is_(None)]
    if indicator is not None:
        cond.append(o.c.indicator == indicator)
    if location is not None:
        cond.append(o.c.location == location)
    return cond


def observations(conn: Connection, indicator: str | None = None, location: str | None = None,
                 as_of: datetime | None = None) -> list[dict[str, Any]]:
    """Current observations (as held at ``as_of``) with their own citation and that of the file they came from."""
    o, ds, s = as_of_store.observations(conn, as_of), schema.datasets, schema.sources
    stmt = (
        select(
            o.c.id, o.c.indicator, o.c.location, o.c.date, o.c.period_end, o.c.value, o.c.text_value, o.c.unit,
            o.c.cited_publisher, o.c.cited_title, o.c.cited_url, o.c.cited_date, o.c.note, o.c.disaggregation,
            ds.c.series.label("dataset_series"), ds.c.id.label("dataset_id"),
            s.c.publisher.label("dataset_publisher"), s.c.title.label("dataset_title"), s.c.url.label("dataset_url"),
        )
        .select_from(o.join(ds, o.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(and_(*_current_observations(indicator, location, o)))
        .order_by(o.c.location, o.c.date, o.c.id)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def indicators(conn: Connection, as_of: datetime | None = None,
               locations: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Each indicator held (at ``as_of``; observed at one of ``locations`` when given: one context's), with how
    many current observations and locations it has."""
    o = as_of_store.observations(conn, as_of)
    where = _current_observations(rows=o) + ([o.c.location.in_(sorted(locations))] if locations is not None else [])
    stmt = (
        select(
            o.c.indicator,
            func.count().label("observations"),
            func.count(func.distinct(o.c.location)).label("locations"),
        )
        .where(and_(*where))
        .group_by(o.c.indicator)
        .order_by(o.c.indicator)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def daily_deliveries(
    conn: Connection, date_from: date | None = None, date_to: date | None = None, as_of: datetime | None = None,
    scope: DeliveryScope | None = None,
) -> list[dict[str, Any]]:
    """Consignments, trucks and kilograms per day, crossing, route, category, commodity and publisher
    (as held at ``as_of``, :mod:`lifeline.store.as_of`; of one context when ``scope`` is given)."""
    d, ds, s = as_of_store.deliveries(conn, as_of), schema.datasets, schema.sources
    cond: list[Any] = [d.c.withdrawn_dataset_id.is_(None)]
    if scope is not None:
        cond.append(scope.condition(d))
    if date_from:
        cond.append(d.c.date >= date_from)
    if date_to:
        cond.append(d.c.date <= date_to)
    keys = (d.c.date, d.c.crossing, d.c.route, d.c.category, d.c.commodity, s.c.publisher)
    stmt = (
        select(
            *keys,
            func.sum(d.c.consignments).label("consignments"),
            func.sum(d.c.trucks).label("trucks"),
            func.sum(d.c.kg).label("kg"),
            func.count(d.c.kg).label("rows_with_weight"),
            func.count().label("rows"),
            func.count(d.c.trucks).label("rows_with_trucks"),
        )
        .select_from(d.join(ds, d.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(and_(*cond))
        .group_by(*keys)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def _scoped(d: Any, scope: DeliveryScope | None) -> Any:
    current = d.c.withdrawn_dataset_id.is_(None)
    return current if scope is None else and_(current, scope.condition(d))


def delivery_coverage(
    conn: Connection, as_of: datetime | None = None, scope: DeliveryScope | None = None
) -> list[dict[str, Any]]:
    """Per publisher: the first and last day its current delivery rows (as held at ``as_of``; of one
    context) cover."""
    d, ds, s = as_of_store.deliveries(conn, as_of), schema.datasets, schema.sources
    stmt = (
        select(s.c.publisher, func.min(d.c.date).label("first"), func.max(d.c.date).label("last"))
        .select_from(d.join(ds, d.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(_scoped(d, scope))
        .group_by(s.c.publisher)
        .order_by(s.c.publisher)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def route_breakdown(conn: Connection, scope: DeliveryScope | None = None) -> list[dict[str, Any]]:
    """Per publisher and route: how many current rows, and how many name a crossing, carry trucks, a weight.

    Tells where a source's silence means "nothing recorded" (it breaks that route down by crossing) and
    where it means nothing at all (no crossing given, or no trucks counted).
    """
    d, ds, s = schema.deliveries, schema.datasets, schema.sources
    stmt = (
        select(
            s.c.publisher, d.c.route, func.count().label("rows"),
            func.count(d.c.crossing).label("rows_with_crossing"),
            func.count(d.c.trucks).label("rows_with_trucks"),
            func.count(d.c.kg).label("rows_with_weight"),
        )
        .select_from(d.join(ds, d.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(_scoped(d, scope))
        .group_by(s.c.publisher, d.c.route)
        .order_by(s.c.publisher, d.c.route)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def delivery_sources(
    conn: Connection, as_of: datetime | None = None, scope: DeliveryScope | None = None
) -> list[dict[str, Any]]:
    """The published files behind the current deliveries (as held at ``as_of``; of one context), for citation.

    Asked per dataset ("has it a current row?", one index probe each) rather than by joining every
    delivery row, which scanned the whole table (55 ms of each command on the real lists).
    """
    d, ds, s = as_of_store.deliveries(conn, as_of), schema.datasets, schema.sources
    current = select(d.c.id).where(d.c.dataset_id == ds.c.id, _scoped(d, scope)).exists()
    stmt = (
        select(s.c.publisher, s.c.title, s.c.url, s.c.published, s.c.licence, s.c.note)
        .distinct()
        .select_from(ds.join(s, ds.c.source_id == s.c.id))
        .where(current)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def locations(conn: Connection, types: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Known locations (optionally of some types), with their names and coordinates."""
    t = schema.locations
    stmt = select(t.c.code, t.c.type, t.c.name_en, t.c.name_ar, t.c.parent_code, t.c.lat, t.c.lon, t.c.area_km2)
    if types:
        stmt = stmt.where(t.c.type.in_(types))
    return [dict(r._mapping) for r in conn.execute(stmt.order_by(t.c.code))]
