"""The revision rule: a newer version of a line list moved past totals (what changed, per crossing and month)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Connection

from lifeline.alerts.config import AlertConfig
from lifeline.alerts.model import Alert
from lifeline.alerts.rules.reading import (
    WHOLE_STORE,
    cited,
    whole_place,
)
from lifeline.model.contexts import Scope
from lifeline.store import queries_alerts as q


def revision(conn: Connection, cfg: AlertConfig, scope: Scope = WHOLE_STORE) -> list[Alert]:
    """A newer file of a series changing a past month's trucks or tonnes by more than W%."""
    w, floor = cfg.value("revision_threshold_pct"), cfg.value("revision_min_trucks")
    rev = q.delivery_revisions(conn)
    if scope.deliveries is not None:  # the revised files of this context only
        rev = rev.filter(pl.col("dataset_id").is_in(list(scope.deliveries.datasets)))
    if rev.is_empty():
        return []
    old = rev.filter(pl.col("old_date").is_not_null()).select(
        "dataset_id",
        "series",
        "path",
        pl.col("old_date").dt.truncate("1mo").alias("month"),
        (-pl.col("old_trucks").fill_null(0)).alias("d_trucks"),
        (-pl.col("old_kg").fill_null(0)).alias("d_kg"),
        pl.lit(1).alias("n"),
    )
    new = rev.filter(pl.col("new_date").is_not_null()).select(
        "dataset_id",
        "series",
        "path",
        pl.col("new_date").dt.truncate("1mo").alias("month"),
        pl.col("new_trucks").fill_null(0).alias("d_trucks"),
        pl.col("new_kg").fill_null(0).alias("d_kg"),
        pl.lit(0).alias("n"),
    )
    delta = (
        pl.concat([old, new, _back_filled(conn, scope)])
        .group_by("dataset_id", "series", "path", "month")
        .agg(pl.col("d_trucks").sum(), pl.col("d_kg").sum(), pl.col("n").sum().alias("rows_revised"))
    )
    cites, out = q.series_citations(conn), []
    for series in delta["series"].unique().to_list():
        totals = q.monthly_totals(conn, series)
        joined = (
            delta.filter(pl.col("series") == series)
            .join(totals, on="month", how="left")
            .with_columns(
                (pl.col("trucks").fill_null(0) - pl.col("d_trucks")).alias("trucks_before"),
                (pl.col("kg").fill_null(0) - pl.col("d_kg")).alias("kg_before"),
            )
            .with_columns(
                (100 * pl.col("d_trucks").abs() / pl.col("trucks_before")).alias("pct_trucks"),
                (100 * pl.col("d_kg").abs() / pl.col("kg_before")).alias("pct_kg"),
            )
            .filter(
                (pl.max_horizontal(pl.col("pct_trucks").fill_nan(0), pl.col("pct_kg").fill_nan(0)) > w)
                & (pl.col("rows_revised") >= floor)
            )
        )
        for r in joined.sort("month").iter_rows(named=True):
            month = r["month"]
            # a list without trucks (tonnes only) has no truck percentage: missing, not 0 % or nan %
            pct_trucks, pct_kg = (None if v is None or math.isnan(v) else v for v in (r["pct_trucks"], r["pct_kg"]))
            end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            cite = cites.get(series)
            out.append(
                Alert(
                    rule="revision",
                    severity=cfg.severity("revision"),
                    place=whole_place(scope),
                    period_start=month,
                    period_end=end,
                    title=f"{r['path']} revised {month:%B %Y} by {max(pct_trucks or 0, pct_kg or 0):.1f}%",
                    message=(
                        f"Importing {r['path']} changed or withdrew {r['rows_revised']} rows "
                        f"dated {month:%B %Y}: "
                        + (f"trucks {r['trucks_before']:,.0f} -> {r['trucks_before'] + r['d_trucks']:,.0f} "
                           f"({pct_trucks:.1f}%), " if pct_trucks is not None else "")
                        + (f"tonnes {r['kg_before'] / 1000:,.1f} -> {(r['kg_before'] + r['d_kg']) / 1000:,.1f} "
                           f"({pct_kg:.1f}%)" if pct_kg is not None else "tonnes not recorded")
                        + ". Earlier values stay in `lifeline revisions`; per crossing: "
                        f"`lifeline revisions --dataset {r['dataset_id']} --by-period month`."
                    ),
                    evidence={
                        "dataset_id": r["dataset_id"],
                        "series": series,
                        "month": month,
                        "rows_revised": r["rows_revised"],
                        "trucks_before": r["trucks_before"],
                        "trucks_after": r["trucks_before"] + r["d_trucks"],
                        "pct_trucks": r["pct_trucks"],
                        "tonnes_before": r["kg_before"] / 1000,
                        "tonnes_after": (r["kg_before"] + r["d_kg"]) / 1000,
                        "pct_tonnes": r["pct_kg"],
                        "by_crossing": by_crossing(conn, r["dataset_id"], month),
                        "thresholds": cfg.citation("revision_threshold_pct", "revision_min_trucks"),
                    },
                    sources=cited(cite),
                    key_extra=(series, str(r["dataset_id"])),
                )
            )
    return out


def _back_filled(conn: Connection, scope: Scope) -> pl.DataFrame:
    """Rows a newer version added inside the period the earlier one covered: they move past totals too."""
    from lifeline.store.queries_live import back_filled

    rows = [(b["dataset_id"], b["series"], b["path"], b["after"]["date"], b["after"]["trucks"], b["after"]["kg"])
            for b in back_filled(conn)
            if scope.deliveries is None or b["dataset_id"] in scope.deliveries.datasets]
    frame = pl.DataFrame(rows, schema={"dataset_id": pl.Int64, "series": pl.String, "path": pl.String,
                                       "date": pl.Date, "trucks": pl.Float64, "kg": pl.Float64}, orient="row")
    return frame.select(
        "dataset_id", "series", "path", pl.col("date").dt.truncate("1mo").alias("month"),
        pl.col("trucks").fill_null(0).alias("d_trucks"), pl.col("kg").fill_null(0).alias("d_kg"),
        pl.lit(1).alias("n"),
    )


def by_crossing(conn: Connection, dataset_id: int, month: date) -> list[dict[str, Any]]:
    """Before/after per crossing of what one version moved in one month (the figures of `revisions --by-period`)."""
    from lifeline.model.revision_impact import impact

    frame = impact(conn, dataset_id=dataset_id, by="month")
    if frame.is_empty():
        return []
    keep = [c for c in frame.columns if c not in {"dataset_id", "series", "path", "period", "changed_at"}]
    return frame.filter(pl.col("period") == month).select(keep).to_dicts()


