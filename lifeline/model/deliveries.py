"""Deliveries per period and group as a cited result table (the question behind ``lifeline deliveries``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from lifeline.formats import Column, ResultTable
from lifeline.store import queries

GROUP_HXL = {
    "crossing": "#loc+code+crossing",
    "category": "#item+type",
    "commodity": "#item+code",
    "source": "#meta+source",
    "route": "#loc+type+route",
    "area": "#adm1+code",
}


def delivery_table(
    conn: Connection,
    by: str = "month",
    group: str = "crossing",
    date_from: date | None = None,
    date_to: date | None = None,
    source: str | None = None,
) -> ResultTable:
    rows = queries.delivery_totals(conn, by, group, date_from, date_to, source)
    out = [
        {
            "period": r["period"],
            group: r["group"],
            "source": r["source"],
            "consignments": int(r["consignments"]),
            "trucks": float(r["trucks"]) if r["trucks"] is not None else None,
            "tonnes": round(float(r["tonnes"]), 3) if r["tonnes"] is not None else None,
            "rows_with_weight": int(r["rows_with_weight"]),
        }
        for r in rows
    ]
    columns = [Column("period", f"#date+{by}", "period start"), Column(group, GROUP_HXL[group])]
    if group != "source":
        columns.append(Column("source", "#meta+source"))
    columns += [
        Column("consignments", "#indicator+num+consignments"),
        Column("trucks", "#indicator+num+trucks"),
        Column("tonnes", "#indicator+num+tonnes"),
        Column("rows_with_weight", "#indicator+num+weighed", "rows with a weight"),
    ]
    return ResultTable(
        title=f"Deliveries by {by} and {group}",
        columns=columns,
        rows=out,
        sources=queries.sources_of_deliveries(conn, date_from, date_to, source),
        notes=[
            "consignments = source rows; trucks and tonnes are normalised with the named assumptions "
            "(kg per pallet, kg per truck); tonnes count only rows with a weight",
        ],
        query={"by": by, "group": group, "from": date_from, "to": date_to, "source": source},
    )
