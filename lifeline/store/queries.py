"""Read-side queries of the store: the few functions faces and the model use instead of raw SQL."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, true

from lifeline.store import as_of as as_of_store
from lifeline.store import schema
from lifeline.store.periods import period_start
from lifeline.store.scope import DeliveryScope

GROUPS = ("crossing", "category", "commodity", "source", "route", "area")


def current_deliveries_filter(
    date_from: date | None = None, date_to: date | None = None, source: str | None = None, rows: Any = None,
    scope: DeliveryScope | None = None,
) -> list[Any]:
    """Conditions for the deliveries a user sees: not withdrawn, in the date window, from a source, in a
    context (``scope``; None = the whole store).

    ``rows``: the deliveries to filter, the table itself or :func:`lifeline.store.as_of.deliveries`.
    """
    d, ds, s = (schema.deliveries if rows is None else rows), schema.datasets, schema.sources
    cond: list[Any] = [d.c.withdrawn_dataset_id.is_(None)]
    if scope is not None:
        cond.append(scope.condition(d))
    if date_from:
        cond.append(d.c.date >= date_from)
    if date_to:
        cond.append(d.c.date <= date_to)
    if source:
        needle = source.lower()
        cond.append(
            or_(func.lower(s.c.publisher) == needle, func.lower(ds.c.series) == needle, func.lower(ds.c.kind) == needle)
        )
    return cond


def delivery_totals(
    conn: Connection,
    by: str = "month",
    group: str = "crossing",
    date_from: date | None = None,
    date_to: date | None = None,
    source: str | None = None,
    as_of: datetime | None = None,
    scope: DeliveryScope | None = None,
) -> list[dict[str, Any]]:
    """Consignments (source rows), trucks and tonnes per period and group, with the sources behind each.

    ``as_of``: as Lifeline held the deliveries at that moment (:mod:`lifeline.store.as_of`).
    """
    d, ds, s = as_of_store.deliveries(conn, as_of), schema.datasets, schema.sources
    if group not in GROUPS:
        raise ValueError(group)
    period = period_start(conn, d.c.date, by).label("period")
    key = (s.c.publisher if group == "source" else d.c[group]).label("group")
    stmt = (
        select(
            period,
            key,
            s.c.publisher.label("source"),
            func.sum(d.c.consignments).label("consignments"),
            func.sum(d.c.trucks).label("trucks"),
            (func.sum(d.c.kg) / 1000.0).label("tonnes"),
            func.count(d.c.kg).label("rows_with_weight"),
            func.count().label("rows"),
            func.count(d.c.trucks).label("rows_with_trucks"),
        )
        .select_from(d.join(ds, d.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(and_(*current_deliveries_filter(date_from, date_to, source, d, scope)))
        .group_by(period, key, s.c.publisher)
        .order_by(period, key.asc().nulls_last(), s.c.publisher)  # NULLs last on SQLite as on PostgreSQL
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def sources_of_deliveries(
    conn: Connection, date_from: date | None = None, date_to: date | None = None, source: str | None = None,
    dataset_ids: Collection[int] | None = None, as_of: datetime | None = None,
    scope: DeliveryScope | None = None,
) -> list[dict[str, Any]]:
    """The published files behind a deliveries query (as held at ``as_of``), for citation (only
    ``dataset_ids`` when given: the files of one context's rows, so another context's lists are never cited)."""
    d, ds, s = as_of_store.deliveries(conn, as_of), schema.datasets, schema.sources
    cond = current_deliveries_filter(date_from, date_to, source, d, scope)
    if dataset_ids is not None:
        cond.append(d.c.dataset_id.in_(list(dataset_ids)))
    stmt = (
        select(s.c.publisher, s.c.title, s.c.url, s.c.published, s.c.licence, s.c.note)
        .distinct()
        .select_from(d.join(ds, d.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(and_(*cond))
        .order_by(s.c.publisher, s.c.title, s.c.published)  # the same order on every backend
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def datasets(conn: Connection) -> list[dict[str, Any]]:
    ds, s = schema.datasets, schema.sources
    stmt = (
        select(
            ds.c.id, ds.c.kind, ds.c.series, ds.c.path, ds.c.imported_at, ds.c.rows_read, ds.c.rows_imported,
            ds.c.rows_unchanged, ds.c.rows_changed, ds.c.rows_rejected, ds.c.rows_flagged, ds.c.rows_withdrawn,
            s.c.publisher, s.c.title, s.c.url, s.c.published, s.c.sha256,
        )
        .select_from(ds.join(s, ds.c.source_id == s.c.id))
        .order_by(ds.c.id)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


BREAKDOWN_KEYS = ("crossing", "route", "category", "commodity", "area")


def delivery_breakdown(
    conn: Connection,
    keys: tuple[str, ...] = ("area", "commodity"),
    date_from: date | None = None,
    date_to: date | None = None,
    source: str | None = None,
) -> list[dict[str, Any]]:
    """Consignments, trucks and tonnes per combination of ``keys`` (no period), summed in SQL.

    Reads ``delivery_summary`` (per-day sums the import service keeps in step with the current,
    not withdrawn, delivery rows), so a million stored rows are a few thousand summary rows here.
    The answer is the same as summing ``deliveries`` directly (tested on both backends). Under an
    as-of moment (:func:`lifeline.store.as_of.held_at`) the sums come from the rows held then.
    """
    t, ds, s = as_of_store.delivery_summary(conn), schema.datasets, schema.sources
    unknown = [k for k in keys if k not in BREAKDOWN_KEYS]
    if unknown or not keys:
        raise ValueError(f"cannot group deliveries by {unknown or keys}; expected some of {BREAKDOWN_KEYS}")
    cols = [t.c[k] for k in keys]
    cond: list[Any] = []
    if date_from:
        cond.append(t.c.date >= date_from)
    if date_to:
        cond.append(t.c.date <= date_to)
    origin: Any = t
    if source:
        needle = source.lower()
        origin = t.join(ds, t.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id)
        cond.append(
            or_(func.lower(s.c.publisher) == needle, func.lower(ds.c.series) == needle, func.lower(ds.c.kind) == needle)
        )
    stmt = (
        select(
            *cols,
            func.sum(t.c.consignments).label("consignments"),
            func.sum(t.c.trucks).label("trucks"),
            (func.sum(t.c.kg) / 1000.0).label("tonnes"),
            func.sum(t.c.rows_with_weight).label("rows_with_weight"),
        )
        .select_from(origin)
        .where(and_(true(), *cond))
        .group_by(*cols)
        .order_by(*[c.asc().nulls_last() for c in cols])
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def revisions(conn: Connection, dataset_id: int | None = None, limit: int | None = None,
              since: datetime | None = None) -> list[dict[str, Any]]:
    """What an import changed, withdrew or restored: when, which row, from which dataset, old and new values.

    ``dataset_id`` narrows to the changes one import made. Rows are named by their series and the
    source's own row id, so a user can find them in the published file.
    """
    r, ds, prev = schema.revisions, schema.datasets, schema.datasets.alias("previous")
    d, o = schema.deliveries, schema.observations
    stmt = (
        select(
            r.c.id,
            r.c.changed_at,
            r.c.action,
            r.c.table_name,
            func.coalesce(d.c.series, o.c.series).label("series"),
            func.coalesce(d.c.source_row_id, o.c.source_row_id).label("source_row_id"),
            r.c.dataset_id,
            ds.c.path.label("dataset_path"),
            r.c.previous_dataset_id,
            prev.c.path.label("previous_path"),
            r.c.old_values,
            r.c.new_values,
        )
        .select_from(
            r.join(ds, r.c.dataset_id == ds.c.id)
            .join(prev, r.c.previous_dataset_id == prev.c.id)
            .outerjoin(d, and_(r.c.table_name == "deliveries", r.c.record_id == d.c.id))
            .outerjoin(o, and_(r.c.table_name == "observations", r.c.record_id == o.c.id))
        )
        .order_by(r.c.id)
    )
    if dataset_id is not None:
        stmt = stmt.where(r.c.dataset_id == dataset_id)
    if since is not None:
        stmt = stmt.where(r.c.changed_at >= since)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [dict(row._mapping) for row in conn.execute(stmt)]


def flagged_deliveries(
    conn: Connection, dataset_id: int | None = None, flag: str | None = None, series: str | None = None,
    scope: DeliveryScope | None = None,
) -> list[dict[str, Any]]:
    """Current delivery rows kept with flags (quantity <= 0, unknown crossing or unit, unmapped cargo...).

    Flagged rows are stored and counted, never silently fixed or dropped; this lists them with the
    file row they came from so a user can check them against the published file.
    """
    d, ds = schema.deliveries, schema.datasets
    stmt = (
        select(
            ds.c.id.label("dataset_id"), ds.c.path, d.c.series, d.c.source_row_id, d.c.row_number, d.c.date,
            d.c.crossing, d.c.category, d.c.description, d.c.quantity, d.c.unit, d.c.flags,
        )
        .select_from(d.join(ds, d.c.dataset_id == ds.c.id))
        .where(d.c.flags.is_not(None), d.c.withdrawn_dataset_id.is_(None))
        .order_by(ds.c.id, d.c.row_number)
    )
    if dataset_id is not None:
        stmt = stmt.where(d.c.dataset_id == dataset_id)
    if series:
        stmt = stmt.where(d.c.series == series)
    if flag:
        # flags are a comma-separated list: match a whole entry, not a substring of another
        stmt = stmt.where(("," + d.c.flags + ",").contains(f",{flag},"))
    if scope is not None:  # the rows of one context (``model.contexts.scope``), as every delivery query
        stmt = stmt.where(scope.condition())
    return [dict(r._mapping) for r in conn.execute(stmt)]
