"""The facilities rule: fewer functioning facilities than the previous report for the same place."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection

from lifeline.alerts.config import AlertConfig
from lifeline.alerts.model import Alert
from lifeline.alerts.rules.reading import (
    WHOLE_STORE,
    observations,
)
from lifeline.model.contexts import Scope


def facilities_worse(conn: Connection, cfg: AlertConfig, scope: Scope = WHOLE_STORE) -> list[Alert]:
    """A count of functioning facilities lower than the previous report for the same place."""
    indicators = [str(i) for i in cfg.rule("facilities-worse").get("indicators", [])]
    step = cfg.value("facility_drop_min")
    obs = observations(conn, scope, indicators).filter(pl.col("value").is_not_null())
    if obs.is_empty():
        return []
    drops = (
        obs.sort("indicator", "location", "date")
        .with_columns(
            pl.col("value").shift(1).over("indicator", "location").alias("prev"),
            pl.col("date").shift(1).over("indicator", "location").alias("prev_date"),
            pl.col("cited_publisher").shift(1).over("indicator", "location").alias("prev_publisher"),
            pl.col("cited_url").shift(1).over("indicator", "location").alias("prev_url"),
        )
        .filter((pl.col("prev") - pl.col("value")) >= step)
    )
    out = []
    for d in drops.iter_rows(named=True):
        what = d["indicator"].replace("_", " ")
        out.append(
            Alert(
                rule="facilities-worse",
                severity=cfg.severity("facilities-worse"),
                place=d["location"],
                period_start=d["date"],
                period_end=d["date"],
                title=f"{what}: {d['prev']:g} -> {d['value']:g} in {d['location']}",
                message=(
                    f"{what} in {d['location']} fell from {d['prev']:g} ({d['prev_date']}, {d['prev_publisher']}) "
                    f"to {d['value']:g} ({d['date']}, {d['cited_publisher'] or d['publisher']})."
                ),
                evidence={
                    "indicator": d["indicator"],
                    "previous": d["prev"],
                    "previous_date": d["prev_date"],
                    "current": d["value"],
                    "current_date": d["date"],
                    "thresholds": cfg.citation("facility_drop_min"),
                },
                sources=[
                    {"publisher": d["prev_publisher"], "url": d["prev_url"], "published": d["prev_date"]},
                    {
                        "publisher": d["cited_publisher"] or d["publisher"],
                        "title": d["cited_title"],
                        "url": d["cited_url"],
                        "published": d["cited_date"],
                    },
                ],
                key_extra=(d["indicator"],),
            )
        )
    return out


