"""Read-side queries of the live-sources area: what each imported version did to rows already held.

A version can move past figures three ways: it *changes* or *withdraws* rows (recorded in
``revisions``), or it *back-fills*, adding rows dated within the period the earlier version already
covered (a new row, so no revision, but the past total moves all the same: UNRWA's back-filling is
what made FEWS NET re-issue its August 2024 estimate).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from lifeline.store import schema

FIELDS = ("date", "crossing", "category", "commodity", "description", "kg", "trucks")


def _values(v: Any) -> dict[str, Any]:
    if v is None:
        return {}
    return dict(json.loads(v)) if isinstance(v, str) else dict(v)


def _day(v: Any) -> date | None:
    if v is None or isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


def delivery_changes(conn: Connection, since: datetime | None = None,
                     dataset_id: int | None = None) -> list[dict[str, Any]]:
    """Each delivery row a version changed, withdrew, restored or back-filled, as ``before`` and ``after``.

    ``before``/``after`` hold :data:`FIELDS` (``None`` when the row was absent on that side). For a
    row revised again later, fields this version did not touch take their current value, which
    leaves this version's own change exact.
    """
    r, d, ds = schema.revisions, schema.deliveries, schema.datasets
    cols = [d.c[f] for f in FIELDS]
    stmt = (
        select(r.c.dataset_id, r.c.action, r.c.old_values, r.c.new_values, r.c.changed_at, ds.c.series,
               ds.c.path, *cols)
        .select_from(r.join(d, r.c.record_id == d.c.id).join(ds, r.c.dataset_id == ds.c.id))
        .where(r.c.table_name == "deliveries")
        .order_by(r.c.id)
    )
    if since is not None:
        stmt = stmt.where(r.c.changed_at >= since)
    if dataset_id is not None:
        stmt = stmt.where(r.c.dataset_id == dataset_id)
    out = []
    for row in conn.execute(stmt):
        current = {f: row._mapping[f] for f in FIELDS}
        old, new = _values(row.old_values), _values(row.new_values)
        revised = current | {k: v for k, v in new.items() if k in FIELDS}
        before: dict[str, Any] | None = revised | {k: v for k, v in old.items() if k in FIELDS}
        after: dict[str, Any] | None = revised
        if row.action == "withdrawn":
            after = None
        elif row.action == "restored":
            before = None
        for side in (before, after):
            if side is not None:
                side["date"] = _day(side["date"])
        out.append({"dataset_id": row.dataset_id, "series": row.series, "path": row.path,
                    "changed_at": row.changed_at, "action": row.action, "before": before, "after": after})
    return out + back_filled(conn, since, dataset_id)


def back_filled(conn: Connection, since: datetime | None = None, dataset_id: int | None = None) -> list[dict[str, Any]]:
    """Rows a version added that are dated on or before the last day its series already covered.

    The day each version's series covered before it is worked out once per (series, version) from a
    grouped maximum, not per row: a correlated subquery per row took minutes on a 37,000-row list."""
    d, ds = schema.deliveries, schema.datasets
    per_version = conn.execute(
        select(d.c.series, d.c.first_dataset_id, func.max(d.c.date)).group_by(d.c.series, d.c.first_dataset_id)
        .order_by(d.c.series, d.c.first_dataset_id)
    ).all()
    covered: dict[tuple[str, int], Any] = {}
    running: dict[str, Any] = {}
    for series, version, last in per_version:
        previous = running.get(series)
        if series in running:
            covered[(series, version)] = previous
        days = [day for day in (previous, _day(last)) if day is not None]
        running[series] = max(days) if days else None
    out: list[dict[str, Any]] = []
    for (series, version), until in covered.items():
        if until is None or (dataset_id is not None and version != dataset_id):
            continue
        stmt = (
            select(ds.c.id.label("dataset_id"), ds.c.series, ds.c.path, ds.c.imported_at, *[d.c[f] for f in FIELDS])
            .select_from(d.join(ds, d.c.first_dataset_id == ds.c.id))
            .where(d.c.series == series, d.c.first_dataset_id == version, d.c.date <= until)
            .order_by(d.c.id)
        )
        if since is not None:
            stmt = stmt.where(ds.c.imported_at >= since)
        out += [
            {"dataset_id": row.dataset_id, "series": row.series, "path": row.path, "changed_at": row.imported_at,
             "action": "back-filled", "before": None, "after": {f: row._mapping[f] for f in FIELDS}}
            for row in conn.execute(stmt)
        ]
    return out


def dataset_citations(conn: Connection, dataset_ids: list[int]) -> list[dict[str, Any]]:
    """The source of each dataset named, as a citation (publisher, title, URL, published, retrieved, file)."""
    s, ds = schema.sources, schema.datasets
    stmt = (
        select(ds.c.id, ds.c.path, s.c.publisher, s.c.title, s.c.url, s.c.published, s.c.retrieved)
        .select_from(ds.join(s, ds.c.source_id == s.c.id))
        .where(ds.c.id.in_(dataset_ids))
        .order_by(ds.c.id)
    )
    return [{"dataset_id": r.id, "path": r.path, "publisher": r.publisher, "title": r.title, "url": r.url,
             "published": r.published, "retrieved": r.retrieved} for r in conn.execute(stmt)]
