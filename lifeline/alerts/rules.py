"""The early-warning rules. Each reads the store through query functions and returns alert candidates.

Wording matters: a crossing with no recorded entries is reported as *no recorded entries*, never as
closed; only a reported status event is a closure. Every alert carries the figures behind it and the
threshold it crossed (value and source), and cites the datasets the figures come from.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Connection

from lifeline.alerts.config import AlertConfig
from lifeline.alerts.episodes import runs
from lifeline.alerts.model import Alert
from lifeline.assumptions import load_set
from lifeline.model.contexts import Scope
from lifeline.store import queries_alerts as q
from lifeline.store import window

# Each rule answers about one context (``scope``): its deliveries, observations and crossings only.
Rule = Callable[[Connection, AlertConfig, Scope], list[Alert]]
WHOLE_STORE = Scope(None)  # a rule called without a context reads the whole store, as before contexts


def _crossings(scope: Scope) -> dict[str, dict[str, Any]]:
    """The context's entry points with their route and name (the normalisation rules' crossings in a store
    without places)."""
    if scope.context is None:
        return dict(load_set("normalisation").tables.get("crossings", {}))
    places = scope.context.places
    routes = scope.crossings() or {}
    return {code: {"route": route, "name_en": places[code].name_en} for code, route in routes.items()}


def _crossing_names(scope: Scope) -> dict[str, str]:
    return {code: str(c.get("name_en", code)) for code, c in _crossings(scope).items()}


def _whole(scope: Scope) -> str:
    """The place of an alert about a whole context: its root (Gaza's code in a store without places)."""
    return scope.code or "gaza-strip"


def _daily(conn: Connection, scope: Scope, category: str | None = None) -> pl.DataFrame:
    return q.daily_deliveries(conn, category=category, scope=scope.deliveries)


def _observations(conn: Connection, scope: Scope, indicators: list[str]) -> pl.DataFrame:
    obs = q.observations(conn, indicators)
    if scope.deliveries is None or scope.context is None or obs.is_empty():
        return obs
    return obs.filter(pl.col("location").is_in(list(scope.context.members)))


def _cite(c: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not c:
        return []
    return [{k: c.get(k) for k in ("publisher", "title", "url", "published", "dataset_id", "path")}]


def _publisher_note(c: dict[str, Any] | None) -> str:
    return f" Publisher's note: {c['note']}" if c and c.get("note") else ""


def crossing_gap(conn: Connection, cfg: AlertConfig, scope: Scope = WHOLE_STORE) -> list[Alert]:
    """No recorded entries at a crossing for at least N days, inside the period a line list covers."""
    n = int(cfg.value("crossing_gap_days"))
    routes = {str(r) for r in cfg.rule("crossing-gap").get("routes", ["land"])}
    watched = [code for code, c in _crossings(scope).items() if str(c.get("route", "land")) in routes]
    daily = _daily(conn, scope).filter(pl.col("rows") > 0)
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
    names, cites, out = _crossing_names(scope), q.series_citations(conn), []
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
                    + _publisher_note(cite)
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
                sources=_cite(cite),
                key_extra=(g["series"],),
                ongoing=bool(g["ongoing"]),
            )
        )
    return out


def _as_of(conn: Connection, scope: Scope) -> date | None:
    daily = _daily(conn, scope)
    return daily["date"].max() if not daily.is_empty() else None  # type: ignore[return-value]


def crossing_closed(conn: Connection, cfg: AlertConfig, scope: Scope = WHOLE_STORE) -> list[Alert]:
    """A reported closure lasting at least N days: from a 'closed' status event until the next event with another
    status (later 'closed' reports confirm it and are cited with it), or until the end date a report gives."""
    n = int(cfg.value("crossing_gap_days"))
    spec = cfg.rule("crossing-closed").get("status", {})
    indicator = str(spec.get("indicator", "crossing_status"))
    closed = [str(v).lower() for v in spec.get("closed_values", ["closed"])]
    obs = _observations(conn, scope, [indicator])
    if indicator == "crossing_status":  # a #status file naming no indicator, at an entry point (docs/access.md)
        generic = _observations(conn, scope, ["status"])
        at_entry = generic.filter(pl.col("location").is_in(list(_crossings(scope))))
        obs = pl.concat([obs, at_entry], how="vertical_relaxed")
    if obs.is_empty():
        return []
    as_of: date = max(d for d in (_as_of(conn, scope), obs["date"].max()) if d is not None)  # type: ignore[type-var,assignment]
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
    names, out = _crossing_names(scope), []
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
    """The latest pre-war trucks/day observed at a place of the context (the indicator ``access.toml
    [baselines]`` names: a sourced observation the context's own files carry), or None: a context without
    one has nothing to fall below, and never meets another context's baseline."""
    indicator = str(load_set("access").tables["baselines"]["trucks_all"])
    obs = q.observations(conn, [indicator]).filter(pl.col("value").is_not_null())
    if scope.context is not None and not obs.is_empty():
        obs = obs.filter(pl.col("location").is_in(list(scope.context.members)))
    return None if obs.is_empty() else float(obs.sort("date")["value"][-1])


def _trucks_baseline(conn: Connection, cfg: AlertConfig, scope: Scope) -> float | None:
    """The baseline trucks-low compares with: the context's own where the store has places (none: no rule);
    in a bare line list without places (the store before contexts), the ``prewar_trucks_per_day`` assumption."""
    if scope.context is None:
        return cfg.value("prewar_trucks_per_day")
    return own_baseline(conn, scope)


def trucks_low(conn: Connection, cfg: AlertConfig, scope: Scope = WHOLE_STORE) -> list[Alert]:
    """The N-day mean of recorded trucks per day below Y% of the pre-war baseline, per line list."""
    window = int(cfg.value("trucks_window_days"))
    baseline = _trucks_baseline(conn, cfg, scope)
    if baseline is None:
        return []
    basis = "before October 2023" if scope.context is None else "the context's own pre-crisis baseline"
    limit = baseline * cfg.value("trucks_threshold_pct") / 100.0
    daily = _daily(conn, scope)
    by_road = frozenset(c for c, x in _crossings(scope).items() if str(x.get("route") or "land") == "land")
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
                    place=_whole(scope),
                    period_start=start,
                    period_end=end,
                    title=f"Trucks below {cfg.value('trucks_threshold_pct'):g}% of the pre-war baseline ({publisher})",
                    message=(
                        f"From {start} to {end} the {window}-day mean of trucks recorded by {publisher} stayed below "
                        f"{limit:g} per day ({cfg.value('trucks_threshold_pct'):g}% of {baseline:g}/day, "
                        f"{basis}); "
                        f"the period averaged {avg:.1f} trucks/day, lowest {window}-day mean {mean[i + low_at]:.1f}."
                        + _publisher_note(cite)
                    ),
                    evidence={
                        "series": series,
                        "days": j - i + 1,
                        "mean_trucks_per_day": round(avg, 2),
                        "lowest_window_mean": round(float(mean[i + low_at]), 2),
                        "lowest_window_end": part["date"][low_at],
                        "limit_trucks_per_day": limit,
                        "thresholds": cfg.citation(
                            "prewar_trucks_per_day", "trucks_threshold_pct", "trucks_window_days"
                        ),
                    },
                    sources=_cite(cite),
                    key_extra=(series,),
                    ongoing=j == len(flags) - 1,
                )
            )
    return out


def sources_diverge(conn: Connection, cfg: AlertConfig, scope: Scope = WHOLE_STORE) -> list[Alert]:
    """Consecutive weeks where two publishers' truck counts differ by more than a factor Z."""
    z, floor = cfg.value("divergence_factor"), cfg.value("divergence_min_trucks")
    daily = _daily(conn, scope)
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
                        place=_whole(scope),
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
                        sources=_cite(cites.get(a)) + _cite(cites.get(b)),
                        key_extra=(a, b),
                        ongoing=j == len(flags) - 1,
                    )
                )
    return out


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
                    place=_whole(scope),
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
                    sources=_cite(cite),
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


def facilities_worse(conn: Connection, cfg: AlertConfig, scope: Scope = WHOLE_STORE) -> list[Alert]:
    """A count of functioning facilities lower than the previous report for the same place."""
    indicators = [str(i) for i in cfg.rule("facilities-worse").get("indicators", [])]
    step = cfg.value("facility_drop_min")
    obs = _observations(conn, scope, indicators).filter(pl.col("value").is_not_null())
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


def _window_sum(x: np.ndarray, window: int) -> np.ndarray:
    """Sum over the trailing ``window`` days along axis 1; NaN where fewer days precede."""
    c = np.cumsum(x, axis=1)
    out = np.full_like(c, np.nan)
    out[:, window - 1 :] = c[:, window - 1 :] - np.concatenate([np.zeros_like(c[:, :1]), c[:, :-window]], axis=1)
    return out


def coverage_low(conn: Connection, cfg: AlertConfig, scope: Scope = WHOLE_STORE) -> list[Alert]:
    """The N-day coverage of an area (kcal consumed / person-days / requirement) below X %, from the coverage
    engine on one line list (so no truck is counted twice); the median over Monte Carlo runs decides."""
    spec = cfg.rule("coverage-low")
    window = int(cfg.value("coverage_window_days"))
    limit = cfg.value("coverage_threshold_pct") / 100.0
    source = spec.get("source")
    n_runs = int(spec.get("runs", 100))
    daily = _daily(conn, scope)
    if source:
        wanted = str(source).lower()
        chosen = daily.filter(
            (pl.col("publisher").str.to_lowercase() == wanted) | (pl.col("series").str.to_lowercase() == wanted)
        )
        publishers = sorted(str(p) for p in daily["publisher"].drop_nulls().unique().to_list())
        if chosen.is_empty() and scope.context is not None and publishers:
            # a context the configured list does not cover: each of its own publishers' lists alone (so no
            # truck is counted twice), one evaluation per publisher (docs/early-warning.md)
            return [a for name in publishers for a in _coverage_low_of(conn, cfg, scope, name, window, limit, n_runs)]
        daily = chosen
    if daily.is_empty():  # nothing from that list yet: nothing to judge, not an error
        return []
    return _coverage_low_of(conn, cfg, scope, str(source) if source else None, window, limit, n_runs)


def _coverage_low_of(conn: Connection, cfg: AlertConfig, scope: Scope, source: str | None, window: int,
                     limit: float, n_runs: int) -> list[Alert]:
    """coverage-low on one line list (``source``, or every list when None) in ``scope``."""
    from lifeline.model import balance
    from lifeline.model.coverage import build_inputs

    model = build_inputs(conn, source=str(source) if source else None, runs=n_runs, context=scope.code)
    res = balance.run(model.inputs)
    req = model.inputs.requirement_kcal
    pop = np.broadcast_to(res.population, res.consumed.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = _window_sum(res.consumed, window) / _window_sum(pop, window) / req  # (runs, days, areas)
    with warnings.catch_warnings():  # the first window-1 days have no full window: NaN by design
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(cov, axis=0)
        lo95, hi95 = np.nanquantile(cov, 0.025, axis=0), np.nanquantile(cov, 0.975, axis=0)
    days = model.inputs.days.astype("datetime64[D]").astype(date)
    out = []
    for a, area in enumerate(model.inputs.areas):
        if area in model.areas_without_data:  # no delivery recorded for it: its coverage is unknown, not 0 %
            continue
        flags = np.nan_to_num(med[:, a], nan=np.inf) < limit
        for i, j in runs(flags):
            low = i + int(np.nanargmin(med[i : j + 1, a]))
            start, end = days[i] - timedelta(days=window - 1), days[j]
            out.append(
                Alert(
                    rule="coverage-low",
                    severity=cfg.severity("coverage-low"),
                    place=area,
                    period_start=start,
                    period_end=end,
                    title=f"{window}-day food energy coverage below {limit:.0%} in {area}",
                    message=(
                        f"In {area}, the {window}-day coverage of the {req:,.0f} kcal/person/day requirement "
                        f"stayed below {limit:.0%} for the windows ending {days[i]} to {days[j]} "
                        f"(lowest {med[low, a]:.0%}, 95 % "
                        f"interval {lo95[low, a]:.0%}-{hi95[low, a]:.0%}, window ending {days[low]}), counting the "
                        f"{source or 'all'} list's deliveries."
                    ),
                    evidence={
                        "area": area,
                        "source_list": source,
                        "window_days": window,
                        "requirement_kcal": req,
                        "lowest_coverage": round(float(med[low, a]), 3),
                        "lowest_coverage_95": [round(float(lo95[low, a]), 3), round(float(hi95[low, a]), 3)],
                        "lowest_window_end": days[low],
                        "runs": n_runs,
                        "population_source": model.population_sources.get(area),
                        "assumption_sets": [model.assumptions.name, model.catalogue.name],
                        "thresholds": cfg.citation("coverage_threshold_pct", "coverage_window_days"),
                    },
                    sources=model.sources,
                    key_extra=(str(source or "all"),),
                    ongoing=j == len(days) - 1,
                )
            )
    return out


RULES: dict[str, Rule] = {
    "crossing-gap": crossing_gap,
    "crossing-closed": crossing_closed,
    "trucks-low": trucks_low,
    "sources-diverge": sources_diverge,
    "revision": revision,
    "facilities-worse": facilities_worse,
    "coverage-low": coverage_low,
}
