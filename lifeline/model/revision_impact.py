"""What each new version of a list changed in past figures: trucks, tonnes and kcal by period and crossing.

One function (:func:`impact`) answers it for every face: `lifeline revisions --by-period` and the
revision alert's per-crossing evidence. Figures are sums over the rows a version touched (changed,
withdrawn, restored, back-filled), before and after that version; kcal come from kilograms through
the commodity catalogue exactly as coverage computes them (:mod:`lifeline.model.kcal`). A side with
rows but no weight is missing (``None``), never zero; a side with no rows (all withdrawn) is zero.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.formats import Column, ResultTable
from lifeline.model import kcal
from lifeline.store.queries_live import dataset_citations, delivery_changes

ACTIONS = ("changed", "withdrawn", "restored", "back-filled")
PERIODS = {"month": "1mo", "week": "1w"}
KEYS = ["dataset_id", "series", "path", "period", "crossing"]

_SIDE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "cid": pl.Int64, "dataset_id": pl.Int64, "series": pl.String, "path": pl.String,
    "changed_at": pl.Datetime("us", "UTC"), "action": pl.String, "side": pl.String, "date": pl.Date,
    "crossing": pl.String, "category": pl.String, "commodity": pl.String, "description": pl.String,
    "kg": pl.Float64, "trucks": pl.Float64,
}


def _sides(changes: list[dict[str, Any]]) -> pl.DataFrame:
    rows = []
    for cid, c in enumerate(changes):
        at = c["changed_at"]
        at = at if at is None or at.tzinfo else at.replace(tzinfo=UTC)  # SQLite hands back naive datetimes
        for side in ("before", "after"):
            v = c[side]
            if v is not None:
                rows.append((cid, c["dataset_id"], c["series"], c["path"], at, c["action"], side,
                             v["date"], v["crossing"], v["category"], v["commodity"], v["description"],
                             v["kg"], v["trucks"]))
    return pl.DataFrame(rows, schema=_SIDE_SCHEMA, orient="row")


def _with_kcal(frame: pl.DataFrame, catalogue: AssumptionSet) -> pl.DataFrame:
    """Each side row's kcal (None for food rows without weight, 0 for rows that are not food)."""
    keyed = frame.with_row_index("rid")
    items = kcal.food_items(keyed, catalogue).join(kcal.point_density(catalogue), on="food_code", how="left")
    per_row = items.group_by("rid").agg((pl.col("kg") * pl.col("share") * pl.col("kcal_per_kg")).sum().alias("kcal"),
                                        pl.col("kg").is_null().any().alias("unweighed"))
    joined = keyed.join(per_row, on="rid", how="left")
    return joined.with_columns(
        pl.when(pl.col("unweighed").fill_null(False)).then(None).otherwise(pl.col("kcal").fill_null(0.0)).alias("kcal")
    ).drop("rid", "unweighed")


def _side_sum(col: str, side: str) -> pl.Expr:
    on_side = pl.col("side") == side
    values = pl.col(col).filter(on_side)
    return (
        pl.when(on_side.sum() == 0).then(pl.lit(0.0))
        .when(values.null_count() == on_side.sum()).then(pl.lit(None, pl.Float64))
        .otherwise(values.sum())
        .alias(f"{col}_{side}")
    )


def impact(conn: Connection, since: datetime | None = None, dataset_id: int | None = None, by: str = "month",
           catalogue: AssumptionSet | None = None) -> pl.DataFrame:
    """One row per (version, series, period, crossing) a version moved, with before/after and row counts."""
    if by not in PERIODS:
        raise ValueError(f"by must be one of {', '.join(PERIODS)}")
    sides = _sides(delivery_changes(conn, since, dataset_id))
    if sides.is_empty():
        return pl.DataFrame()
    sides = _with_kcal(sides, catalogue or load_set("commodity-kcal"))
    sides = sides.with_columns(pl.col("date").dt.truncate(PERIODS[by]).alias("period"),
                               (pl.col("kg") / 1000).alias("tonnes"))
    counts = [pl.col("cid").filter(pl.col("action") == a).n_unique().alias(f"rows_{a.replace('-', '_')}")
              for a in ACTIONS]
    sums = [_side_sum(c, s) for c in ("trucks", "tonnes", "kcal") for s in ("before", "after")]
    out = sides.group_by(KEYS).agg(pl.col("changed_at").min(), *counts, *sums)
    return out.with_columns(
        *[(pl.col(f"{c}_after") - pl.col(f"{c}_before")).alias(f"{c}_change") for c in ("trucks", "tonnes", "kcal")]
    ).sort("dataset_id", "period", "crossing", nulls_last=True)


COLUMNS = [
    Column("dataset_id", "#meta+dataset", "version (dataset)"),
    Column("path", "#meta+file", "file"),
    Column("changed_at", "#date+changed", "imported"),
    Column("period", "#date+period", "period"),
    Column("crossing", "#loc+crossing"),
    Column("rows_changed", "#meta+rows+changed", "rows changed"),
    Column("rows_withdrawn", "#meta+rows+withdrawn", "rows withdrawn"),
    Column("rows_restored", "#meta+rows+restored", "rows restored"),
    Column("rows_back_filled", "#meta+rows+added", "rows back-filled"),
    Column("trucks_before", "#indicator+trucks+before", "trucks before"),
    Column("trucks_after", "#indicator+trucks+after", "trucks after"),
    Column("tonnes_before", "#indicator+tonnes+before", "tonnes before"),
    Column("tonnes_after", "#indicator+tonnes+after", "tonnes after"),
    Column("kcal_before", "#indicator+kcal+before", "kcal before"),
    Column("kcal_after", "#indicator+kcal+after", "kcal after"),
]


def impact_table(conn: Connection, since: datetime | None = None, dataset_id: int | None = None,
                 by: str = "month") -> ResultTable:
    frame = impact(conn, since, dataset_id, by)
    rows = [] if frame.is_empty() else frame.select([c.key for c in COLUMNS]).to_dicts()
    catalogue = load_set("commodity-kcal")
    return ResultTable(
        title="What each version changed in past figures" + (f" (since {since:%Y-%m-%d %H:%M} UTC)" if since else ""),
        columns=COLUMNS,
        rows=rows,
        sources=[*dataset_citations(conn, sorted({int(r["dataset_id"]) for r in rows})),
                 {"publisher": "Lifeline assumption set", "title": f"{catalogue.name}: kcal per kg of each commodity"}],
        notes=[
            "before/after: sums over the rows this version touched, not the period's whole total",
            "back-filled: rows added with a date on or before the last day the earlier version covered",
            "an empty figure is missing (rows without weight), never zero; `lifeline revisions` lists each row",
        ],
        query={"since": since, "dataset": dataset_id, "by": by},
    )
