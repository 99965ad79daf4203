"""The coverage rule: an area's N-day food-energy coverage below X %, from the coverage engine on one line list."""

from __future__ import annotations

import warnings
from datetime import date, timedelta

import numpy as np
import polars as pl
from sqlalchemy import Connection

from lifeline.alerts.config import AlertConfig
from lifeline.alerts.episodes import runs
from lifeline.alerts.model import Alert
from lifeline.alerts.rules.reading import (
    WHOLE_STORE,
    daily_rows,
)
from lifeline.model.contexts import Scope


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
    daily = daily_rows(conn, scope)
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


