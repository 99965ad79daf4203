"""Cargo descriptions that no commodity-catalogue rule matched, per source: the to-do list for the catalogue.

Read from what the store holds (``commodity`` empty while ``description`` is not), so the list is
exactly what the coverage model cannot classify; add a pattern to the catalogue and re-import.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, func, select

from lifeline.formats import Column, ResultTable
from lifeline.store import schema
from lifeline.store.queries import current_deliveries_filter


def unmapped_table(conn: Connection, source: str | None = None) -> ResultTable:
    d, ds, s = schema.deliveries, schema.datasets, schema.sources
    rows_count = func.count().label("rows")
    stmt = (
        select(
            s.c.publisher.label("source"),
            ds.c.series.label("series"),
            d.c.description.label("description"),
            rows_count,
            func.min(d.c.date).label("first_date"),
            func.max(d.c.date).label("last_date"),
        )
        .select_from(d.join(ds, d.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(and_(d.c.commodity.is_(None), d.c.description.is_not(None), *current_deliveries_filter(source=source)))
        .group_by(s.c.publisher, ds.c.series, d.c.description)
        .order_by(s.c.publisher, rows_count.desc(), d.c.description)
    )
    rows = [
        {
            "source": r.source,
            "series": r.series,
            "description": r.description,
            "rows": int(r.rows),
            "first_date": str(r.first_date)[:10],
            "last_date": str(r.last_date)[:10],
        }
        for r in conn.execute(stmt)
    ]
    total = sum(r["rows"] for r in rows)
    return ResultTable(
        title="Cargo descriptions no commodity rule matched",
        columns=[
            Column("source", "#meta+source"),
            Column("series", "#meta+series"),
            Column("description", "#item+name"),
            Column("rows", "#indicator+num+rows", "rows"),
            Column("first_date", "#date+first", "first seen"),
            Column("last_date", "#date+last", "last seen"),
        ],
        rows=rows,
        notes=[
            f"{len(rows)} distinct descriptions in {total} delivery rows have no commodity; the catalogue is "
            "[[commodities]] in assumptions/data/normalisation.toml (override with a TOML file of the same shape)",
        ],
        query={"source": source},
    )
