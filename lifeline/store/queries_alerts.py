"""Read-side queries the early-warning rules, scenarios and the report use, returned as polars frames."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Connection, and_, func, select

from lifeline.store import as_of as as_of_store
from lifeline.store import schema
from lifeline.store.queries import current_deliveries_filter
from lifeline.store.scope import DeliveryScope

DAILY_SCHEMA = {
    "series": pl.String,
    "publisher": pl.String,
    "crossing": pl.String,
    "date": pl.Date,
    "rows": pl.Int64,
    "trucks": pl.Float64,
    "kg": pl.Float64,
    "untrucked": pl.Int64,  # rows of the group without a truck count (their trucks are unknown, not 0)
}


def daily_deliveries(
    conn: Connection, date_from: date | None = None, date_to: date | None = None, category: str | None = None,
    scope: DeliveryScope | None = None,
) -> pl.DataFrame:
    """Current (not withdrawn) deliveries (of one context) summed per series, crossing and day (as of the
    moment in force)."""
    d, ds, s = as_of_store.deliveries(conn, None), schema.datasets, schema.sources
    cond = current_deliveries_filter(date_from, date_to, rows=d, scope=scope)
    if category:
        cond.append(d.c.category == category)
    stmt = (
        select(
            d.c.series,
            s.c.publisher,
            d.c.crossing,
            d.c.date,
            func.sum(d.c.consignments).label("rows"),
            func.sum(d.c.trucks).label("trucks"),
            func.sum(d.c.kg).label("kg"),
            (func.count() - func.count(d.c.trucks)).label("untrucked"),
        )
        .select_from(d.join(ds, d.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(and_(*cond))
        .group_by(d.c.series, s.c.publisher, d.c.crossing, d.c.date)
    )
    data = conn.execute(stmt).all()
    if not data:
        return pl.DataFrame(schema=DAILY_SCHEMA)
    frame = pl.DataFrame([tuple(r) for r in data], schema=DAILY_SCHEMA, orient="row")  # type: ignore[arg-type]
    return frame.sort("series", "crossing", "date")  # type: ignore[arg-type]


def series_citations(conn: Connection) -> dict[str, dict[str, Any]]:
    """Per delivery series, the source of its newest dataset and that dataset's note (the citation)."""
    ds, s = schema.datasets, schema.sources
    newest = select(ds.c.series, func.max(ds.c.id).label("id")).group_by(ds.c.series).subquery()
    stmt = select(
        ds.c.series,
        ds.c.id.label("dataset_id"),
        ds.c.path,
        ds.c.note.label("dataset_note"),
        s.c.publisher,
        s.c.title,
        s.c.url,
        s.c.published,
        s.c.note,
    ).select_from(newest.join(ds, ds.c.id == newest.c.id).join(s, ds.c.source_id == s.c.id))
    out: dict[str, dict[str, Any]] = {}
    for r in conn.execute(stmt):
        m = dict(r._mapping)
        out[m.pop("series")] = m
    return out


OBS_SCHEMA = {
    "indicator": pl.String,
    "location": pl.String,
    "date": pl.Date,
    "period_end": pl.Date,
    "value": pl.Float64,
    "text_value": pl.String,
    "cited_publisher": pl.String,
    "cited_title": pl.String,
    "cited_url": pl.String,
    "cited_date": pl.Date,
    "note": pl.String,
    "publisher": pl.String,
    "title": pl.String,
}


def observations(conn: Connection, indicators: Iterable[str]) -> pl.DataFrame:
    """Current observations of the given indicators (as of the moment in force), each with its own citation
    and its file's source."""
    o, ds, s = as_of_store.observations(conn, None), schema.datasets, schema.sources
    stmt = (
        select(
            o.c.indicator,
            o.c.location,
            o.c.date,
            o.c.period_end,
            o.c.value,
            o.c.text_value,
            o.c.cited_publisher,
            o.c.cited_title,
            o.c.cited_url,
            o.c.cited_date,
            o.c.note,
            s.c.publisher,
            s.c.title,
        )
        .select_from(o.join(ds, o.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(and_(o.c.withdrawn_dataset_id.is_(None), o.c.indicator.in_(list(indicators))))
        .order_by(o.c.indicator, o.c.location, o.c.date)
    )
    data = conn.execute(stmt).all()
    if not data:
        return pl.DataFrame(schema=OBS_SCHEMA)
    return pl.DataFrame([tuple(r) for r in data], schema=OBS_SCHEMA, orient="row")  # type: ignore[arg-type]


def delivery_revisions(conn: Connection) -> pl.DataFrame:
    """Every revision of a delivery row with the fields the revision rule weighs (date, trucks, kg) before/after."""
    r, d, ds = schema.revisions, schema.deliveries, schema.datasets
    stmt = (
        select(
            r.c.dataset_id,
            r.c.action,
            r.c.old_values,
            r.c.new_values,
            d.c.date,
            d.c.trucks,
            d.c.kg,
            ds.c.series,
            ds.c.path,
        )
        .select_from(r.join(d, r.c.record_id == d.c.id).join(ds, r.c.dataset_id == ds.c.id))
        .where(r.c.table_name == "deliveries")
    )

    def _day(v: Any) -> str | None:
        return None if v is None else str(v)[:10]

    rows = []
    for dataset_id, action, old, new, cur_date, cur_trucks, cur_kg, series, path in conn.execute(stmt):
        old, new = old or {}, new or {}
        restored, withdrawn = action == "restored", action == "withdrawn"
        rows.append(
            (
                dataset_id,
                series,
                path,
                action,
                None if restored else _day(old.get("date", cur_date)),
                0.0 if restored else old.get("trucks", cur_trucks),
                0.0 if restored else old.get("kg", cur_kg),
                None if withdrawn else _day(new.get("date", cur_date)),
                new.get("trucks", cur_trucks),
                new.get("kg", cur_kg),
            )
        )
    cols = {
        "dataset_id": pl.Int64,
        "series": pl.String,
        "path": pl.String,
        "action": pl.String,
        "old_date": pl.String,
        "old_trucks": pl.Float64,
        "old_kg": pl.Float64,
        "new_date": pl.String,
        "new_trucks": pl.Float64,
        "new_kg": pl.Float64,
    }
    if not rows:
        return pl.DataFrame(schema=cols)
    frame = pl.DataFrame(rows, schema=cols, orient="row")  # type: ignore[arg-type]
    return frame.with_columns(
        pl.col("old_date").str.to_date(strict=False), pl.col("new_date").str.to_date(strict=False)
    )


def monthly_totals(conn: Connection, series: str) -> pl.DataFrame:
    """Current trucks, kg and rows per month of one series (the base a revision is measured against)."""
    daily = daily_deliveries(conn).filter(pl.col("series") == series)
    return daily.group_by(pl.col("date").dt.truncate("1mo").alias("month")).agg(
        pl.col("rows").sum(), pl.col("trucks").sum(), pl.col("kg").sum()
    )
