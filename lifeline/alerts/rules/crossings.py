"""Crossing rules: no recorded entries for N days (never called a closure), and reported closures."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from sqlalchemy import Connection

from lifeline.alerts.config import AlertConfig
from lifeline.alerts.model import Alert
from lifeline.alerts.rules.reading import (
    WHOLE_STORE,
    cited,
    crossing_names,
    crossings,
    daily_rows,
    latest_day,
    observations,
    publisher_note,
)
from lifeline.model.contexts import Scope
from lifeline.store import queries_alerts as q


def crossing_gap(conn: Connection, cfg: AlertConfig, scope: Scope = WHOLE_STORE) -> list[Alert]:
    """No recorded entries at a crossing for at least N days, inside the period a line list covers."""
    n = int(cfg.value("crossing_gap_days"))
    routes = {str(r) for r in cfg.rule("crossing-gap").get("routes", ["land"])}
    watched = [code for code, c in crossings(scope).items() if str(c.get("route", "land")) in routes]
    daily = daily_rows(conn, scope).filter(pl.col("rows") > 0)
    ends = daily.group_by("series").agg(pl.col("date").max().alias("series_end"))
    daily = daily.filter(pl.col("crossing").is_in(watched))
    if daily.is_empty():
        return []
    gaps = (
        daily.group_by("series", "crossing", "date")
        .agg(pl.col("trucks").sum())
        .sort("series", "crossing", "date")
        .join(ends, on="series")
        .with_columns(pl.col("date").shift(-1).over("series", "crossing").alias("next"))
        .with_columns(
            pl.col("next").is_null().alias("ongoing"),
            pl.coalesce("next", pl.col("series_end") + pl.duration(days=1)).alias("next_or_end"),
        )
        .with_columns(((pl.col("next_or_end") - pl.col("date")).dt.total_days() - 1).alias("gap_days"))
        .filter(pl.col("gap_days") >= n)
    )
    names, cites, out = crossing_names(scope), q.series_citations(conn), []
    for g in gaps.iter_rows(named=True):
        start, end = g["date"] + timedelta(days=1), g["next_or_end"] - timedelta(days=1)
        name, cite = names.get(g["crossing"], g["crossing"]), cites.get(g["series"])
        publisher = cite["publisher"] if cite else g["series"]
        tail = f" and still none when the list ends on {end}" if g["ongoing"] else f"; entries resumed on {g['next']}"
        out.append(
            Alert(
                rule="crossing-gap",
                severity=cfg.severity("crossing-gap"),
                place=g["crossing"],
                period_start=start,
                period_end=end,
                title=f"No recorded entries at {name} for {g['gap_days']} days ({publisher})",
                message=(
                    f"The {publisher} list records no entries at {name} from {start} to {end}{tail}. "
                    "No recorded entries is not the same as a closure: entries may have gone unrecorded."
                    + publisher_note(cite)
                ),
                evidence={
                    "crossing": g["crossing"],
                    "series": g["series"],
                    "days_without_entries": g["gap_days"],
                    "last_entry_before": g["date"],
                    "trucks_on_last_entry_day": g["trucks"],
                    "next_entry": g["next"],
                    "ongoing_at_end_of_data": g["ongoing"],
                    "thresholds": cfg.citation("crossing_gap_days"),
                },
                sources=cited(cite),
                key_extra=(g["series"],),
                ongoing=bool(g["ongoing"]),
            )
        )
    return out



def crossing_closed(conn: Connection, cfg: AlertConfig, scope: Scope = WHOLE_STORE) -> list[Alert]:
    """A reported closure lasting at least N days: from a 'closed' status event until the next event with another
    status (later 'closed' reports confirm it and are cited with it), or until the end date a report gives."""
    n = int(cfg.value("crossing_gap_days"))
    spec = cfg.rule("crossing-closed").get("status", {})
    indicator = str(spec.get("indicator", "crossing_status"))
    closed = [str(v).lower() for v in spec.get("closed_values", ["closed"])]
    obs = observations(conn, scope, [indicator])
    if indicator == "crossing_status":  # a #status file naming no indicator, at an entry point (docs/access.md)
        generic = observations(conn, scope, ["status"])
        at_entry = generic.filter(pl.col("location").is_in(list(crossings(scope))))
        obs = pl.concat([obs, at_entry], how="vertical_relaxed")
    if obs.is_empty():
        return []
    as_of: date = max(d for d in (latest_day(conn, scope), obs["date"].max()) if d is not None)  # type: ignore[type-var,assignment]
    events = (
        obs.sort("location", "date")
        .with_columns(pl.col("text_value").str.to_lowercase().str.strip_chars().alias("status"))
        .with_columns(
            (
                (pl.col("status") != pl.col("status").shift(1).over("location")).fill_null(True)
                # an earlier report that ended before this one began closes its own episode
                | (pl.col("period_end").shift(1).over("location") < pl.col("date")).fill_null(False)
            ).alias("starts_run")
        )
        .with_columns(pl.col("starts_run").cast(pl.Int64).cum_sum().over("location").alias("run"))
    )
    runs_ = (
        events.group_by("location", "run", maintain_order=True)
        .agg(
            pl.col("status").first(),
            pl.col("date").first().alias("start"),
            pl.col("date").last().alias("last_report"),
            pl.col("period_end").last().alias("own_end"),
            pl.col("note").first(),
            pl.struct("cited_publisher", "publisher", "cited_title", "title", "cited_url", "cited_date").alias("cites"),
        )
        .with_columns(pl.col("start").shift(-1).over("location").alias("next"))
        .filter(pl.col("status").is_in(closed))
    )
    names, out = crossing_names(scope), []
    for e in runs_.iter_rows(named=True):
        ends = [e["next"] - timedelta(days=1) if e["next"] else as_of]
        if e["own_end"] is not None and e["own_end"] >= e["last_report"]:
            ends.append(e["own_end"])
        end: date = min(ends)
        days = (end - e["start"]).days + 1
        if days < n:
            continue
        name = names.get(e["location"], e["location"])
        if e["own_end"] is not None and end == e["own_end"]:
            until = f"to {end}, the end date reported"
        elif e["next"]:
            until = f"until {end} (next reported status from {e['next']})"
        else:
            until = f"with no later status reported up to {end}"
        cites = [
            {
                "publisher": c["cited_publisher"] or c["publisher"],
                "title": c["cited_title"] or c["title"],
                "url": c["cited_url"],
                "published": c["cited_date"],
            }
            for c in e["cites"]
        ]
        confirmations = len(cites) - 1
        out.append(
            Alert(
                rule="crossing-closed",
                severity=cfg.severity("crossing-closed"),
                place=e["location"],
                period_start=e["start"],
                period_end=end,
                title=f"{name} reported closed for {days} days",
                message=f"{cites[0]['publisher']} reported {name} closed from {e['start']} {until}"
                + (f"; confirmed by {confirmations} later report(s)" if confirmations else "")
                + "."
                + (f" Note: {e['note']}" if e["note"] else ""),
                evidence={
                    "crossing": e["location"],
                    "status": e["status"],
                    "reported_from": e["start"],
                    "last_report": e["last_report"],
                    "reported_end": e["own_end"],
                    "next_status_event": e["next"],
                    "days": days,
                    "thresholds": cfg.citation("crossing_gap_days"),
                },
                sources=cites,
                ongoing=end >= as_of,
            )
        )
    return out


