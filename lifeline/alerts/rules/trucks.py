"""Truck rules: trucks per day below the pre-war baseline, and two publishers' counts diverging."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Connection

from lifeline.alerts.config import AlertConfig
from lifeline.alerts.episodes import runs
from lifeline.alerts.model import Alert
from lifeline.alerts.rules.reading import (
    WHOLE_STORE,
    cited,
    crossings,
    daily_rows,
    publisher_note,
    whole_place,
)
from lifeline.model import access
from lifeline.model.contexts import Scope
from lifeline.store import queries_alerts as q
from lifeline.store import window


def _daily_series(daily: pl.DataFrame, series: str, by_road: frozenset[str] | None = None) -> pl.DataFrame:
    """One series' trucks per day over its whole span: a day without rows is zero recorded trucks (the list
    covers it and recorded nothing); a day where a row at a road crossing (``by_road``; every crossing when
    None) carries no truck count is missing (null), never a smaller or zero count. Air and sea rows carry
    no trucks by nature and leave the day's count known."""
    one = daily.filter(pl.col("series") == series)
    road = pl.lit(True) if by_road is None else pl.col("crossing").is_null() | pl.col("crossing").is_in(list(by_road))
    unknown = (pl.when(road).then(pl.col("untrucked")).otherwise(0).sum() > 0) | pl.col("trucks").is_null().all()
    one = one.group_by("date").agg(pl.when(unknown).then(None).otherwise(pl.col("trucks").sum()).alias("trucks"),
                                   pl.col("rows").sum())
    if one.is_empty():
        return one.with_columns(pl.col("rows").cast(pl.Int64)).sort("date")
    # the series' span, bounded as the models bound theirs (store/window.py): a stray 1948 or 2100 row
    # cannot stretch the day range to tens of thousands of days; the most recent days are kept
    shown = window.span((one["date"].min(), one["date"].max()), None, None)  # type: ignore[arg-type]
    assert shown.first is not None and shown.last is not None  # a default span always gives both
    one = one.filter(pl.col("date").is_between(shown.first, shown.last))
    days = pl.DataFrame({"date": pl.date_range(shown.first, shown.last, "1d", eager=True)})
    joined = days.join(one, on="date", how="left")
    return joined.with_columns(
        pl.when(pl.col("rows").is_null()).then(0).otherwise(pl.col("trucks")).alias("trucks"),
        pl.col("rows").fill_null(0),
    ).sort("date")


def own_baseline(conn: Connection, scope: Scope) -> float | None:
    """The context's pre-war trucks per calendar day, as every face shows it (``model.access.prewar_per_day``:
    the baseline in force, converted only when stated per working day), or None: a context without one has
    nothing to fall below, and never meets another context's baseline."""
    found = access.prewar_per_day(conn, scope)
    return found[0] if found else None


def _trucks_baseline(conn: Connection, cfg: AlertConfig, scope: Scope) -> tuple[float, list[dict[str, Any]]] | None:
    """The baseline trucks-low compares with and its citation for the evidence: the context's own where the
    store has places (none: no rule); in a bare line list without places (the store before contexts), the
    ``prewar_trucks_per_day`` assumption."""
    if scope.context is None:
        return cfg.value("prewar_trucks_per_day"), cfg.citation("prewar_trucks_per_day")
    found = access.prewar_per_day(conn, scope)
    if found is None:
        return None
    value, row, note = found
    return value, [{"observation": row["indicator"], "location": row["location"], "value": round(value, 3),
                    "unit": "trucks/day", "stated": row["value"], "stated_unit": row.get("unit"),
                    "source": note}]


def trucks_low(conn: Connection, cfg: AlertConfig, scope: Scope = WHOLE_STORE) -> list[Alert]:
    """The N-day mean of recorded trucks per day below Y% of the pre-war baseline, per line list."""
    window = int(cfg.value("trucks_window_days"))
    found = _trucks_baseline(conn, cfg, scope)
    if found is None:
        return []
    baseline, baseline_cite = found
    basis = "before October 2023" if scope.context is None else "the context's own pre-crisis baseline"
    limit = baseline * cfg.value("trucks_threshold_pct") / 100.0
    daily = daily_rows(conn, scope)
    by_road = frozenset(c for c, x in crossings(scope).items() if str(x.get("route") or "land") == "land")
    cites, out = q.series_citations(conn), []
    for series in sorted(set(daily["series"].to_list())):
        s = _daily_series(daily, series, by_road)
        if s["trucks"].is_null().all():  # a list without truck counts (tonnes only): nothing to compare
            continue
        # a window holding a day of unknown trucks has no mean (NaN), so it never reads as "below"
        s = s.with_columns(pl.col("trucks").cast(pl.Float64).fill_null(float("nan")).rolling_mean(window)
                           .alias("mean"))
        mean = s["mean"].to_numpy()
        flags = np.nan_to_num(mean, nan=np.inf) < limit
        cite = cites.get(series)
        publisher = cite["publisher"] if cite else series
        for i, j in runs(flags):
            part = s.slice(i, j - i + 1)
            low_at = int(np.argmin(mean[i : j + 1]))
            start, end = part["date"][0], part["date"][-1]
            avg = float(part["trucks"].drop_nulls().mean() or 0.0)  # type: ignore[arg-type]
            out.append(
                Alert(
                    rule="trucks-low",
                    severity=cfg.severity("trucks-low"),
                    place=whole_place(scope),
                    period_start=start,
                    period_end=end,
                    title=f"Trucks below {cfg.value('trucks_threshold_pct'):g}% of the pre-war baseline ({publisher})",
                    message=(
                        f"From {start} to {end} the {window}-day mean of trucks recorded by {publisher} stayed below "
                        f"{limit:.3g} per day ({cfg.value('trucks_threshold_pct'):g}% of {baseline:.4g}/day, "
                        f"{basis}); "
                        f"the period averaged {avg:.1f} trucks/day, lowest {window}-day mean {mean[i + low_at]:.1f}."
                        + publisher_note(cite)
                    ),
                    evidence={
                        "series": series,
                        "days": j - i + 1,
                        "mean_trucks_per_day": round(avg, 2),
                        "lowest_window_mean": round(float(mean[i + low_at]), 2),
                        "lowest_window_end": part["date"][low_at],
                        "limit_trucks_per_day": limit,
                        "thresholds": baseline_cite + cfg.citation("trucks_threshold_pct", "trucks_window_days"),
                    },
                    sources=cited(cite),
                    key_extra=(series,),
                    ongoing=j == len(flags) - 1,
                )
            )
    return out


def sources_diverge(conn: Connection, cfg: AlertConfig, scope: Scope = WHOLE_STORE) -> list[Alert]:
    """Consecutive weeks where two publishers' truck counts differ by more than a factor Z."""
    z, floor = cfg.value("divergence_factor"), cfg.value("divergence_min_trucks")
    daily = daily_rows(conn, scope)
    if daily.is_empty():
        return []
    weekly = (
        daily.group_by("publisher", pl.col("date").dt.truncate("1w").alias("week"))
        .agg(pl.col("trucks").sum())
        .pivot(on="publisher", index="week", values="trucks")
        .sort("week")
    )
    pubs = sorted(c for c in weekly.columns if c != "week")
    spans = daily.group_by("publisher").agg(pl.col("date").min().alias("a"), pl.col("date").max().alias("b"))
    span = {r["publisher"]: (r["a"], r["b"]) for r in spans.iter_rows(named=True)}
    cites = {c["publisher"]: c for c in q.series_citations(conn).values()}
    out = []
    for ai, a in enumerate(pubs):
        for b in pubs[ai + 1 :]:
            lo = max(span[a][0], span[b][0])
            hi = min(span[a][1], span[b][1])
            both = weekly.filter((pl.col("week") >= lo) & (pl.col("week") + pl.duration(days=6) <= hi)).fill_null(0)
            va, vb = both[a].to_numpy(), both[b].to_numpy()
            big, small = np.maximum(va, vb), np.minimum(va, vb)
            ratio = np.divide(big, small, out=np.full_like(big, np.inf, dtype=float), where=small > 0)
            flags = (np.minimum(va, vb) >= floor) & (ratio > z)
            for i, j in runs(flags):
                weeks = both.slice(i, j - i + 1)
                ta, tb = float(va[i : j + 1].sum()), float(vb[i : j + 1].sum())
                hi_pub = a if ta >= tb else b
                start, end = weeks["week"][0], weeks["week"][-1] + timedelta(days=6)
                out.append(
                    Alert(
                        rule="sources-diverge",
                        severity=cfg.severity("sources-diverge"),
                        place=whole_place(scope),
                        period_start=start,
                        period_end=end,
                        title=f"{a} and {b} truck counts differ by more than {z:g}x",
                        message=(
                            f"For {j - i + 1} consecutive weeks from {start} to {end}, {hi_pub} counted "
                            f"{max(ta, tb) / max(min(ta, tb), 1):.2f} times as many trucks "
                            f"({a}: {ta:,.0f}; {b}: {tb:,.0f}). "
                            "The lists count different things (trucks crossing vs. trucks collected, half-loaded vs. "
                            "repacked), so part of the gap is definitional; a widening gap is worth checking."
                        ),
                        evidence={
                            "weeks": j - i + 1,
                            f"trucks_{a}": ta,
                            f"trucks_{b}": tb,
                            "weekly_ratio": [round(float(x), 3) for x in ratio[i : j + 1]],
                            "thresholds": cfg.citation("divergence_factor", "divergence_min_trucks"),
                        },
                        sources=cited(cites.get(a)) + cited(cites.get(b)),
                        key_extra=(a, b),
                        ongoing=j == len(flags) - 1,
                    )
                )
    return out


