"""Observation series with every source's values side by side (``lifeline series``).

Population, displacement, facilities, needs... each observation keeps its own citation (the
reference set cites every row); a figure marked UNVERIFIED in its note is shown as such, never as
verified. Plain functions returning :class:`ResultTable`, for the CLI, the API and the web pages.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection

from lifeline.errors import NotFound
from lifeline.formats import Column, ResultTable
from lifeline.model import contexts
from lifeline.store import queries_access

UNVERIFIED_MARK = "UNVERIFIED"
# Indicators whose observations each record one event, so one source's figures for the same place
# and date add up (two incidents on a day are 2); any other indicator keeps a source's first figure
# and names the others in the note.
ADDITIVE = {
    "food_system_incidents": "incidents on this date",
    "incidents": "incidents on this date",
    "evacuation_order_area": "orders on this date, their areas summed as measured (orders may overlap)",
}
AS_PUBLISHED = "as published"


def publisher(obs: dict[str, Any]) -> str:
    """Who published the figure: the row's own citation, else the file's source."""
    return str(obs.get("cited_publisher") or obs.get("dataset_publisher") or "unknown")


def citation(obs: dict[str, Any]) -> str:
    """One line naming publisher, title and date of an observation's source."""
    title = obs.get("cited_title") or obs.get("dataset_title") or ""
    when = obs.get("cited_date")
    parts = [publisher(obs), str(title)] + ([when.isoformat() if isinstance(when, date) else str(when)] if when else [])
    return ", ".join(p for p in parts if p)


def is_verified(obs: dict[str, Any]) -> bool:
    """False when the figure's note marks it UNVERIFIED (the reference set's convention)."""
    return UNVERIFIED_MARK not in str(obs.get("note") or "")


def source_entry(obs: dict[str, Any]) -> dict[str, Any]:
    """The citation of one observation in the shape ``ResultTable.sources`` uses."""
    return {
        "publisher": publisher(obs),
        "title": obs.get("cited_title") or obs.get("dataset_title"),
        "url": obs.get("cited_url") or obs.get("dataset_url"),
        "published": obs.get("cited_date"),
    }


def _add_value(out: dict[str, Any], source: str, value: Any, additive: bool) -> None:
    """Put one source's figure in its column; a second figure of that source for the same row is
    added when the indicator counts events, otherwise kept out of the column but named in the note."""
    counts = out.setdefault("_counts", {})
    counts[source] = counts.get(source, 0) + 1
    if counts[source] == 1:
        out["values"][source] = value
    elif additive and isinstance(value, int | float) and isinstance(out["values"][source], int | float):
        out["values"][source] += value
    else:
        out["notes"].append(f"{source} also gives {value} for this date")
    out[f"value:{source}"] = out["values"][source]


def _count_notes(row: dict[str, Any], indicator: str) -> None:
    """Say how many events an additive figure sums."""
    for source, count in row.pop("_counts", {}).items():
        if count > 1 and indicator in ADDITIVE:
            row["notes"].insert(0, f"{source}: {count} {ADDITIVE[indicator]}")


def series_table(conn: Connection, indicator: str, area: str | None = None,
                 context: str | None = None) -> ResultTable:
    """All values of ``indicator`` (optionally at one location) in one context, one row per location and
    date, one column per source, so differing figures for the same date sit next to each other."""
    sc = contexts.scope(conn, context)
    rows = [o for o in queries_access.observations(conn, indicator, area) if sc.keeps(o["location"])]
    if not rows:
        if sc.deliveries is None:  # one context (or none): every indicator held is its own
            known = [r["indicator"] for r in queries_access.indicators(conn)]
        else:  # beside other contexts: only the indicators observed at its places
            known = sorted({o["indicator"] for o in queries_access.observations(conn) if sc.keeps(o["location"])})
        hint = (f"; indicators held: {', '.join(known)}" if known
                else f"; nothing is loaded for context {sc.code!r} (import its files with `lifeline import`)"
                if sc.context is not None else "; nothing is loaded (try `lifeline reference load`)")
        where = f" at {area!r}" if area else ""
        raise NotFound(f"no observations of indicator {indicator!r}{where}{hint}")
    publishers = sorted({publisher(r) for r in rows})
    grouped: dict[tuple[Any, ...], dict[str, Any]] = {}
    sources: dict[tuple[Any, ...], dict[str, Any]] = {}
    for obs in rows:  # observation series are small (tens to thousands of rows), not line lists
        key = (obs["location"], obs["date"], obs["period_end"], obs["unit"])
        out = grouped.setdefault(
            key,
            {"location": obs["location"], "date": obs["date"], "period_end": obs["period_end"], "unit": obs["unit"],
             "values": {}, "notes": [], "verification": AS_PUBLISHED},
        )
        value = obs["value"] if obs["value"] is not None else obs["text_value"]
        _add_value(out, publisher(obs), value, indicator in ADDITIVE)
        if not is_verified(obs):
            out["verification"] = UNVERIFIED_MARK
        if obs.get("note"):
            out["notes"].append(f"{publisher(obs)}: {obs['note']}")
        entry = source_entry(obs)
        sources[tuple(entry.values())] = entry
    table_rows = []
    for row in grouped.values():
        _count_notes(row, indicator)
        row["note"] = " | ".join(row.pop("notes"))
        table_rows.append(row)
    columns = [
        Column("location", "#loc+code"),
        Column("date", "#date+start", "date"),
        Column("period_end", "#date+end", "period end"),
    ]
    columns += [Column(f"value:{p}", f"#indicator+num+{_hxl_attr(p)}", p) for p in publishers]
    columns += [Column("unit", "#indicator+unit"), Column("verification", "#status+verification"),
                Column("note", "#meta+note")]
    return ResultTable(
        title=f"Series {indicator}" + (f" at {area}" if area else ""),
        columns=columns,
        rows=table_rows,
        sources=list(sources.values()),
        notes=[
            "one column per source; verification is UNVERIFIED when a figure's source note says so "
            "(not confirmed in a primary or secondary text)",
            "values are as published: 'more than' and 'about' qualifiers are in the note",
        ],
        query={"indicator": indicator, "area": area, "context": sc.code},
    )


def _hxl_attr(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_") or "source"
