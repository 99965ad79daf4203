"""The versions of each dataset series and what each version revised, and which datasets belong to a context.

A series (``unrwa-commodities-received``) is re-published; each import of it is a version. Its counts of rows
added, changed and withdrawn are the import's own (``datasets``), and what it moved in past figures (trucks,
tonnes and kcal before and after, over the rows it touched) comes from :func:`lifeline.model.revision_impact.impact`,
the function behind `lifeline revisions --by-period`, so every face gives the same figures.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from lifeline.formats import Column, ResultTable
from lifeline.model.contexts import scope
from lifeline.model.revision_impact import impact
from lifeline.store import queries
from lifeline.store.queries_datasets import dataset_places, delivery_datasets

COLUMNS = [
    Column("series", "#meta+series"), Column("version", "#meta+version", "version"),
    Column("id", "#meta+dataset", "dataset"), Column("path", "#meta+file", "file"),
    Column("published", "#date+published"), Column("imported_at", "#date+imported", "imported at"),
    Column("rows_imported", "#indicator+num+added", "rows added"),
    Column("rows_changed", "#indicator+num+changed", "rows changed"),
    Column("rows_withdrawn", "#indicator+num+withdrawn", "rows withdrawn"),
    Column("rows_unchanged", "#indicator+num+unchanged", "rows unchanged"),
    Column("periods_moved", "#indicator+num+periods", "months whose past figures moved"),
    Column("trucks_change", "#indicator+trucks+change", "trucks moved (after - before)"),
    Column("tonnes_change", "#indicator+tonnes+change", "tonnes moved (after - before)"),
    Column("kcal_change", "#indicator+kcal+change", "kcal moved (after - before)"),
]


def datasets_in(conn: Connection, context: str | None) -> set[int] | None:
    """The datasets of one context: those whose rows name one of its places, and those that name no place
    at all (a file about no area, e.g. a commodity list). ``None`` (every dataset) in a store of one
    context, or when no context is named."""
    if context is None:
        return None
    found = scope(conn, context)
    if found.deliveries is None or found.context is None:
        return None
    members = found.context.members
    places = dataset_places(conn)
    every = {int(r["id"]) for r in queries.datasets(conn)}
    return {d for d in every if d not in places or places[d] & members}


def versions(conn: Connection, datasets: set[int] | None = None) -> ResultTable:
    """One row per version of each series (oldest first), with what it added, changed and withdrew and what
    that moved in past figures; the first version of a series revises nothing."""
    rows = [r for r in queries.datasets(conn) if datasets is None or int(r["id"]) in datasets]
    moved: dict[int, dict[str, Any]] = {}
    frame = impact(conn)
    if not frame.is_empty():
        for r in frame.to_dicts():
            m = moved.setdefault(int(r["dataset_id"]), {"periods": set(), "trucks": [], "tonnes": [], "kcal": []})
            m["periods"].add(r["period"])
            for key in ("trucks", "tonnes", "kcal"):
                m[key].append(r[f"{key}_change"])
    lists = delivery_datasets(conn)
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for r in sorted(rows, key=lambda r: (str(r["series"]), r["imported_at"], r["id"])):
        seen[r["series"]] = seen.get(r["series"], 0) + 1
        found = moved.get(int(r["id"]))
        row = {k: r.get(k) for k in ("series", "id", "path", "published", "imported_at", "rows_imported",
                                     "rows_changed", "rows_withdrawn", "rows_unchanged")}
        row["version"] = seen[r["series"]]
        row["periods_moved"] = len(found["periods"]) if found else 0
        for key in ("trucks", "tonnes", "kcal"):
            if int(r["id"]) not in lists:  # a series of observations moves no delivery figure: n/a, not 0
                row[f"{key}_change"] = None
                continue
            # missing (a side without weight) stays missing: a sum with one unknown part is unknown
            values = found[key] if found else []
            row[f"{key}_change"] = (0.0 if not values else None if any(v is None for v in values)
                                    else round(sum(values), 1))
        out.append(row)
    return ResultTable(
        title="Versions of each dataset and what each revised",
        columns=COLUMNS,
        rows=out,
        sources=[{k: r.get(k) for k in ("publisher", "title", "url", "published")} for r in rows],
        notes=[
            "version = the n-th import of the series, oldest first; rows added = rows no earlier version held",
            "moved = after minus before, summed over the rows the version changed, withdrew, restored or back-filled "
            "(`lifeline revisions --by-period` gives them by period and crossing); an empty figure is missing "
            "(rows without weight), never zero; a dataset that is not a delivery list moves no trucks, "
            "tonnes or kcal and is left empty (n/a)",
        ],
    )
