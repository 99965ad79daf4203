"""Read-side queries the web and API faces need beyond ``queries.py``: import reports, sources,
place names, revisions and a cheap data version used to invalidate cached answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from lifeline.store import as_of, schema


def data_version(conn: Connection) -> tuple[int, int, int]:
    """Changes whenever an import writes anything: (last dataset id, revisions, locations)."""
    row = conn.execute(
        select(
            select(func.max(schema.datasets.c.id)).scalar_subquery(),
            select(func.max(schema.revisions.c.id)).scalar_subquery(),
            select(func.count()).select_from(schema.locations).scalar_subquery(),
        )
    ).one()
    return tuple(int(v or 0) for v in row)  # type: ignore[return-value]


def dataset(conn: Connection, dataset_id: int) -> dict[str, Any] | None:
    ds, s = schema.datasets, schema.sources
    row = conn.execute(
        select(ds, s.c.publisher, s.c.title, s.c.url, s.c.published, s.c.licence)
        .select_from(ds.join(s, ds.c.source_id == s.c.id))
        .where(ds.c.id == dataset_id)
    ).first()
    return dict(row._mapping) if row else None


def rejections(conn: Connection, dataset_id: int, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    r = schema.rejections
    stmt = select(r.c.row, r.c.column, r.c.reason).where(r.c.dataset_id == dataset_id).order_by(r.c.row, r.c.id)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    return [dict(x._mapping) for x in conn.execute(stmt)]


def sources(conn: Connection) -> list[dict[str, Any]]:
    """Every source with how many datasets came from it and when it was last imported."""
    s, ds = schema.sources, schema.datasets
    stmt = (
        select(
            s.c.id, s.c.publisher, s.c.title, s.c.url, s.c.licence, s.c.published, s.c.retrieved, s.c.note,
            func.count(ds.c.id).label("datasets"), func.max(ds.c.imported_at).label("last_imported"),
        )
        .select_from(s.outerjoin(ds, ds.c.source_id == s.c.id))
        .group_by(s.c.id)
        .order_by(s.c.publisher, s.c.id)
    )
    return [dict(x._mapping) for x in conn.execute(stmt)]


def last_update_per_series(conn: Connection) -> list[dict[str, Any]]:
    """Per series of files (one publisher's list across versions, or one reference file): its newest
    file's publisher, title and publication date, when it was imported, and its newest data date
    (as held at the as-of moment in force, :mod:`lifeline.store.as_of`)."""
    at = as_of.current()
    s, ds, d, o = schema.sources, schema.datasets, as_of.deliveries(conn, at), as_of.observations(conn, at)
    held = select(ds.c.series, func.max(ds.c.id).label("id"), func.count().label("versions"))
    if at is not None:
        held = held.where(ds.c.imported_at <= at)
    newest = held.group_by(ds.c.series).subquery()
    stmt = (
        select(
            newest.c.series, ds.c.kind, s.c.publisher, s.c.title, s.c.url, s.c.published, ds.c.imported_at,
            newest.c.versions,
        )
        .select_from(newest.join(ds, ds.c.id == newest.c.id).join(s, ds.c.source_id == s.c.id))
        .order_by(ds.c.kind, newest.c.series)
    )
    rows = {r.series: dict(r._mapping) for r in conn.execute(stmt)}
    for table in (d, o):
        latest = select(table.c.series, func.max(table.c.date).label("latest")).where(
            table.c.withdrawn_dataset_id.is_(None)
        ).group_by(table.c.series)
        for r in conn.execute(latest):
            if r.series in rows and r.latest is not None:
                rows[r.series]["latest_data"] = r.latest
    return list(rows.values())


def locations(conn: Connection, kind: str | None = None) -> list[dict[str, Any]]:
    loc = schema.locations
    stmt = select(
        loc.c.code, loc.c.type, loc.c.name_en, loc.c.name_ar, loc.c.parent_code, loc.c.lat, loc.c.lon, loc.c.area_km2
    ).order_by(loc.c.type, loc.c.code)
    if kind:
        stmt = stmt.where(loc.c.type == kind)
    return [dict(x._mapping) for x in conn.execute(stmt)]


def revisions(
    conn: Connection, dataset_id: int | None = None, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """What re-published files changed: record, action, when, from which dataset, old and new values."""
    r, ds = schema.revisions, schema.datasets
    stmt = (
        select(
            r.c.id, r.c.table_name, r.c.record_id, r.c.action, r.c.changed_at, r.c.dataset_id,
            r.c.previous_dataset_id, ds.c.series, r.c.old_values, r.c.new_values,
        )
        .select_from(r.join(ds, r.c.dataset_id == ds.c.id))
        .order_by(r.c.id)
    )
    if dataset_id is not None:
        stmt = stmt.where(r.c.dataset_id == dataset_id)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    return [dict(x._mapping) for x in conn.execute(stmt)]


def count_revisions(conn: Connection, dataset_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(schema.revisions)
    if dataset_id is not None:
        stmt = stmt.where(schema.revisions.c.dataset_id == dataset_id)
    return int(conn.execute(stmt).scalar() or 0)
