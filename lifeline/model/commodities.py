"""Cargo descriptions that no commodity-catalogue rule matched, per source: the to-do list for the catalogue.

Read from what the store holds (``commodity`` empty while ``description`` is not), so the list is
exactly what the coverage model cannot classify; add a pattern to the catalogue and re-import.
Listed by tonnage, heaviest first: the order in which they move the kcal figures. Food rows among
them are counted at the ``mixed-food`` density (the documented fallback), never as nothing.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, func, select

from lifeline.assumptions import load_set
from lifeline.formats import Column, ResultTable
from lifeline.ingest.normalise import CommodityCatalogue
from lifeline.store import schema
from lifeline.store.queries import current_deliveries_filter
from lifeline.store.scope import DeliveryScope


def unmapped_table(
    conn: Connection, source: str | None = None, category: str | None = None,
    scope: DeliveryScope | None = None, context: str | None = None,
) -> ResultTable:
    """Distinct unmatched descriptions with their rows and tonnes, heaviest first (``category``: e.g. food;
    ``scope``: one context's rows, as every delivery question in a store of several contexts)."""
    d, ds, s = schema.deliveries, schema.datasets, schema.sources
    rows_count = func.count().label("rows")
    tonnes = (func.sum(d.c.kg) / 1000.0).label("tonnes")
    cond = [d.c.commodity.is_(None), d.c.description.is_not(None),
            *current_deliveries_filter(source=source, scope=scope)]
    if category:
        cond.append(d.c.category == category)
    stmt = (
        select(
            s.c.publisher.label("source"),
            ds.c.series.label("series"),
            d.c.category.label("category"),
            d.c.description.label("description"),
            rows_count,
            tonnes,
            func.count(d.c.kg).label("rows_with_weight"),
            func.min(d.c.date).label("first_date"),
            func.max(d.c.date).label("last_date"),
        )
        .select_from(d.join(ds, d.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(and_(*cond))
        .group_by(s.c.publisher, ds.c.series, d.c.category, d.c.description)
        .order_by(tonnes.desc().nulls_last(), rows_count.desc(), s.c.publisher, d.c.description)
    )
    catalogue = CommodityCatalogue(load_set("normalisation"))
    rows = [
        {
            "source": r.source,
            "series": r.series,
            "category": r.category,
            "description": r.description,
            "rows": int(r.rows),
            "tonnes": round(float(r.tonnes), 3) if r.tonnes is not None else None,
            "rows_with_weight": int(r.rows_with_weight),
            "density": "mixed-food (fallback)" if r.category == "food" else "none (not food)",
            "uncertain_match": catalogue.uncertain(r.description),
            "first_date": str(r.first_date)[:10],
            "last_date": str(r.last_date)[:10],
        }
        for r in conn.execute(stmt)
    ]
    total = sum(r["rows"] for r in rows)
    food = [r for r in rows if r["category"] == "food"]
    food_t = sum(r["tonnes"] or 0.0 for r in food)
    uncertain = [r for r in rows if r["uncertain_match"]]
    return ResultTable(
        title="Cargo descriptions no commodity rule matched, by tonnage",
        columns=[
            Column("source", "#meta+source"),
            Column("series", "#meta+series"),
            Column("category", "#item+type"),
            Column("description", "#item+name"),
            Column("rows", "#indicator+num+rows", "rows"),
            Column("tonnes", "#indicator+num+tonnes", "tonnes"),
            Column("rows_with_weight", "#indicator+num+weighed", "rows with a weight"),
            Column("density", "#meta+density", "kcal density used"),
            Column("uncertain_match", "#item+code+uncertain", "uncertain match (not used)"),
            Column("first_date", "#date+first", "first seen"),
            Column("last_date", "#date+last", "last seen"),
        ],
        rows=rows,
        notes=[
            f"{len(rows)} distinct descriptions in {total} delivery rows have no commodity; the catalogue is "
            "[[commodities]] in assumptions/data/normalisation.toml (override with a TOML file of the same shape)",
            f"{sum(r['rows'] for r in food)} of these rows ({food_t:,.1f} t) are in the food category: the coverage "
            "model counts them at the 'mixed-food' density of commodity-kcal.toml, flagged in its notes",
            *([f"{sum(r['rows'] for r in uncertain)} rows ({len(uncertain)} descriptions) matched a rule only on a "
               "head word their modifier may redefine (e.g. 'peanut butter' is not the butter of oil-fat): an "
               "uncertain match, shown and not used; add a rule that names the compound to map them"]
              if uncertain else []),
        ],
        query={"source": source, "category": category, "context": context},
    )
