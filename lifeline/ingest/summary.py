"""Keep ``delivery_summary`` (per-day sums of current deliveries) in step with a series' rows.

Called by the import service inside the import's transaction, after rows are inserted, changed or
withdrawn, so the summary can never disagree with ``deliveries``.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, delete, func, insert, select

from lifeline.ingest.bulk import write_rows
from lifeline.store import schema
from lifeline.store.tables_ingest import SUMMARY_KEYS, delivery_summary


def summarise(conn: Connection, series: str, first_rows: pl.DataFrame | None, dataset_id: int) -> None:
    """Bring ``delivery_summary`` in step with the series' current rows, in the import's transaction.

    A series stored for the first time is summed in memory from the rows just written (polars,
    no read-back); any other change re-sums the series in SQL from ``deliveries``, so changed,
    withdrawn and restored rows are always reflected exactly.
    """
    summary = delivery_summary
    if first_rows is not None:
        if first_rows.height:
            write_rows(conn, summary, summary_frame(first_rows), {"series": series, "dataset_id": dataset_id}, None)
        return
    d = schema.deliveries
    keys = [d.c.dataset_id, d.c.series, *[d.c[k] for k in SUMMARY_KEYS]]
    sums = [
        func.sum(d.c.consignments),
        func.sum(d.c.trucks),
        func.sum(d.c.kg),
        func.count(d.c.kg),
        func.count(),
    ]
    target = [c.name for c in keys] + ["consignments", "trucks", "kg", "rows_with_weight", "rows"]
    conn.execute(delete(summary).where(summary.c.series == series))
    conn.execute(
        insert(summary).from_select(
            target,
            select(*keys, *sums).where(d.c.series == series, d.c.withdrawn_dataset_id.is_(None)).group_by(*keys),
        )
    )


def summary_frame(rows: pl.DataFrame) -> pl.DataFrame:
    """Per-key sums of new rows, with SQL's rule that a sum over no values is NULL, not 0."""

    def sum_or_null(name: str) -> pl.Expr:
        return pl.when(pl.col(name).count() > 0).then(pl.col(name).sum()).alias(name)

    # The streaming engine sums in blocks of rows: the same result with about half the extra memory
    # of the in-memory group-by (measured: +60 MB instead of +100 MB for a million rows).
    return (
        rows.lazy()
        .group_by(list(SUMMARY_KEYS))
        .agg(
            pl.col("consignments").sum().cast(pl.Int64),
            sum_or_null("trucks"),
            sum_or_null("kg"),
            pl.col("kg").count().cast(pl.Int64).alias("rows_with_weight"),
            pl.len().cast(pl.Int64).alias("rows"),
        )
        .collect(engine="streaming")
    )
