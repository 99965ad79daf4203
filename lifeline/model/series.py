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
from lifeline.store import queries_access

UNVERIFIED_MARK = "UNVERIFIED"


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


def series_table(conn: Connection, indicator: str, area: str | None = None) -> ResultTable:
    """All values of ``indicator`` (optionally at one location), one row per location and date,
    one column per source, so differing figures for the same date sit next to each other."""
    rows = queries_access.observations(conn, indicator, area)
    if not rows:
        known = [r["indicator"] for r in queries_access.indicators(conn)]
        hint = (f"; indicators held: {', '.join(known)}" if known
                else "; nothing is loaded (try `lifeline reference load`)")
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
             "values": {}, "notes": [], "verification": "verified"},
        )
        value = obs["value"] if obs["value"] is not None else obs["text_value"]
        out["values"][publisher(obs)] = value
        out[f"value:{publisher(obs)}"] = value
        if not is_verified(obs):
            out["verification"] = UNVERIFIED_MARK
        if obs.get("note"):
            out["notes"].append(f"{publisher(obs)}: {obs['note']}")
        entry = source_entry(obs)
        sources[tuple(entry.values())] = entry
    table_rows = []
    for row in grouped.values():
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
        query={"indicator": indicator, "area": area},
    )


def _hxl_attr(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_") or "source"
