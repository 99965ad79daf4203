"""Deliveries per period and group as a cited result table (the question behind ``lifeline deliveries``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from lifeline.formats import Column, ResultTable
from lifeline.model import access, completeness, contexts, truck_basis
from lifeline.store import queries, window

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
    context: str | None = None,
) -> ResultTable:
    """Deliveries per period and group, of one context (default: the store's only one)."""
    sc = contexts.scope(conn, context)
    days = window.fallback(conn, date_from, date_to)  # every stored row, unless they reach beyond the limits
    date_from, date_to = days.first, days.last
    rows = queries.delivery_totals(conn, by, group, date_from, date_to, source, scope=sc.deliveries)
    spans = completeness.spans(conn, source, sc.deliveries)
    bases = truck_basis.bases()
    out = []
    for r in rows:
        start = date.fromisoformat(str(r["period"])[:10])
        end = completeness.period_end(start, by)
        out.append(
            {
                "period": r["period"],
                "period_end": end.isoformat(),
                group: r["group"],
                "source": r["source"],
                "completeness": _completeness(start, end, spans.get(str(r["source"])), date_from, date_to),
                "consignments": int(r["consignments"]),
                "trucks": float(r["trucks"]) if r["trucks"] is not None else None,
                "trucks_flag": truck_basis.flag(r["source"], end, bases),
                "tonnes": round(float(r["tonnes"]), 3) if r["tonnes"] is not None else None,
                "rows_with_weight": int(r["rows_with_weight"]),
                "rows_without_trucks": int(r["rows"]) - int(r["rows_with_trucks"]),
            }
        )
    last = max((date.fromisoformat(r["period_end"]) for r in out), default=None)
    columns = [
        Column("period", f"#date+{by}", "period start"),
        Column("period_end", "#date+end", "period end"),
        Column(group, GROUP_HXL[group]),
    ]
    if group != "source":
        columns.append(Column("source", "#meta+source"))
    columns += [
        Column("completeness", "#status+period", "period"),
        Column("consignments", "#indicator+num+consignments"),
        Column("trucks", "#indicator+num+trucks"),
        Column("trucks_flag", "#meta+flag+trucks", "trucks basis"),
        Column("tonnes", "#indicator+num+tonnes"),
        Column("rows_with_weight", "#indicator+num+weighed", "rows with a weight"),
        Column("rows_without_trucks", "#indicator+num+rows+untrucked", "rows without a truck count"),
    ]
    untrucked: dict[str, list[int]] = {}
    for r in rows:
        seen = untrucked.setdefault(str(r["source"]), [0, 0])
        seen[0], seen[1] = seen[0] + int(r["rows"]), seen[1] + int(r["rows_with_trucks"])
    return ResultTable(
        title=f"Deliveries by {by} and {group}",
        columns=columns,
        rows=out,
        sources=queries.sources_of_deliveries(conn, date_from, date_to, source, scope=sc.deliveries),
        notes=[
            "consignments = source rows; trucks and tonnes are normalised with the named assumptions "
            "(kg per pallet, kg per truck); tonnes count only rows with a weight",
            "a period cut by a source's first or last recorded day (or by the window asked) is marked partial: "
            "its total is not comparable with whole periods and is never a 'latest period' headline",
            *truck_basis.notes({r["source"] for r in out}, last),
            *[n for pub, (n_rows, n_trucked) in sorted(untrucked.items())
              if (n := access.untrucked_note(pub, n_rows, n_trucked))],
            *([str(days.note("the stored delivery lists"))] if days.cut else []),
        ],
        query={"by": by, "group": group, "from": date_from, "to": date_to, "source": source, "context": sc.code},
    )


def _completeness(
    start: date, end: date, span: completeness.Span | None, date_from: date | None, date_to: date | None
) -> str:
    """``complete``, or ``partial: ...`` when the source's span or the window asked cuts the period."""
    mark = completeness.completeness(start, end, span)
    cut = []
    if date_from and date_from > start:
        cut.append(f"window from {date_from}")
    if date_to and date_to < end:
        cut.append(f"window to {date_to}")
    if not cut:
        return mark
    return (mark + "; " if mark != completeness.COMPLETE else "partial: ") + " ".join(cut)


def latest_complete_period(table: ResultTable) -> str | None:
    """The newest period whose every row is complete: the only one a 'latest period' headline may show."""
    periods: dict[str, bool] = {}
    for r in table.rows:
        key = str(r["period"])
        periods[key] = periods.get(key, True) and r.get("completeness") == completeness.COMPLETE
    done = [p for p, ok in periods.items() if ok]
    return max(done) if done else None
