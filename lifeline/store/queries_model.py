"""Read-side queries the coverage model needs: current deliveries as a polars frame, one query."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
from sqlalchemy import Connection, and_, select

from lifeline.store import as_of as as_of_store
from lifeline.store import schema
from lifeline.store.queries import current_deliveries_filter
from lifeline.store.scope import DeliveryScope

FRAME_SCHEMA = {
    "date": pl.Date,
    "area": pl.String,
    "crossing": pl.String,
    "route": pl.String,
    "category": pl.String,
    "commodity": pl.String,
    "description": pl.String,
    "quantity": pl.Float64,
    "unit": pl.String,
    "kg": pl.Float64,
    "trucks": pl.Float64,
    "donor": pl.String,
    "flags": pl.String,
    "source": pl.String,
    "series": pl.String,
    "kind": pl.String,
    "dataset_id": pl.Int64,
    "path": pl.String,
}


def deliveries_frame(
    conn: Connection,
    date_from: date | None = None,
    date_to: date | None = None,
    source: str | None = None,
    as_of_dataset: int | None = None,
    kind: str | None = None,
    as_of: datetime | None = None,
    scope: DeliveryScope | None = None,
) -> pl.DataFrame:
    """Current (not withdrawn) delivery rows with their publisher and series, as a typed polars frame.

    ``kind`` keeps one importer kind (unrwa, cogat...). ``as_of_dataset`` keeps the rows that existed
    when that dataset was imported (first seen in it or earlier): a study pinned to one published
    version of a list. Values revised by a later version are the latest ones (see ``revisions``).
    ``as_of`` (a moment) is the store as Lifeline held it then, revised values put back
    (:mod:`lifeline.store.as_of`). ``scope`` keeps one context's rows, by the rule every query uses
    (:class:`lifeline.store.scope.DeliveryScope`).
    """
    d, ds, s = as_of_store.deliveries(conn, as_of), schema.datasets, schema.sources
    cond = current_deliveries_filter(date_from, date_to, source, d, scope)
    if kind is not None:
        cond.append(ds.c.kind == kind)
    if as_of_dataset is not None:
        cond.append(d.c.first_dataset_id <= as_of_dataset)
    stmt = (
        select(
            d.c.date,
            d.c.area,
            d.c.crossing,
            d.c.route,
            d.c.category,
            d.c.commodity,
            d.c.description,
            d.c.quantity,
            d.c.unit,
            d.c.kg,
            d.c.trucks,
            d.c.donor,
            d.c.flags,
            s.c.publisher.label("source"),
            ds.c.series,
            ds.c.kind,
            ds.c.id.label("dataset_id"),
            ds.c.path,
        )
        .select_from(d.join(ds, d.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(and_(*cond))
    )
    rows = conn.execute(stmt).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=FRAME_SCHEMA, orient="row")


def dataset_ids(conn: Connection, kind: str, path_contains: str | None = None) -> list[int]:
    """Ids of the datasets of one kind, optionally those whose file path contains a text (a version)."""
    ds = schema.datasets
    stmt = select(ds.c.id, ds.c.path).where(ds.c.kind == kind).order_by(ds.c.id)
    return [int(i) for i, p in conn.execute(stmt) if path_contains is None or path_contains in str(p)]
