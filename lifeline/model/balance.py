"""Daily food balance per area: inflows, capped consumption, carry-over, per-capita availability.

Arrays are shaped (runs, days, areas); any axis of an input may have length 1 and broadcasts.
The carry-over recursion ``carry[t] = max(carry[t-1] + inflow[t] - cap[t], 0)`` is a Lindley
recursion, so it has a closed form over cumulative sums (``carry = S + max(c0, -running_min(S))``):
no Python loop over days or runs, and a point estimate is simply the ``runs == 1`` case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from lifeline.model import montecarlo

Array = NDArray[np.float64]

# Cells (runs x days x areas) per block in :func:`summarise`: about 32 MB per float64 array, so the
# dozen temporaries of one block stay within a few hundred MB whatever the problem size.
BLOCK_CELLS = 4_000_000


@dataclass(frozen=True)
class Mixture:
    """An inflow ``weights @ basis`` kept factorised: (runs, k) per-run weights times (k, days, areas).

    Deliveries are kilograms by commodity (the basis) times each run's kcal per kg (the weights);
    keeping them apart means the (runs, days, areas) array is only built one block of areas at a
    time (:func:`summarise`), so memory stays bounded for many areas.
    """

    weights: Array
    basis: Array

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.weights.shape[0], self.basis.shape[1], self.basis.shape[2]

    def cut(self, sl: slice) -> Mixture:
        return Mixture(self.weights, self.basis[:, :, sl])

    def __array__(self, dtype: Any = None, copy: Any = None) -> Array:
        return np.einsum("rk,kda->rda", self.weights, self.basis)


def _runs(x: Any) -> int:
    return x.shape[0] if isinstance(x, Mixture) else as3(x).shape[0]


def as3(x: Any, name: str = "array") -> Array:
    """An input as a 3-D float array (runs, days, areas); scalars become (1, 1, 1)."""
    a = np.asarray(0.0 if x is None else x, dtype=np.float64)
    if a.ndim > 3:
        raise ValueError(f"{name}: expected at most 3 axes (runs, days, areas), got shape {a.shape}")
    while a.ndim < 3:
        a = a[np.newaxis, ...]
    return a


@dataclass
class BalanceInputs:
    """What the balance needs. Inflows are kcal entering each area on each day, by source name.

    ``cap_kcal`` is the most one person consumes in a day (None: no cap, everything that arrives is
    consumed the day it arrives and nothing carries over). ``opening_stock`` is kcal held on the eve
    of the first day, shaped (runs, 1, areas) or broadcastable to it. ``lag_days`` delays inflows
    (Study A makes a day's arrivals available the next day).
    """

    days: NDArray[np.datetime64]
    areas: list[str]
    population: NDArray[np.floating]
    inflows: Mapping[str, NDArray[np.floating] | Mixture]
    requirement_kcal: float
    cap_kcal: NDArray[np.floating] | float | None = None
    opening_stock: NDArray[np.floating] | float | None = None
    lag_days: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def shape(self) -> tuple[int, int, int]:
        runs = max(_runs(x) for x in [self.population, self.cap_kcal, self.opening_stock, *self.inflows.values()])
        return runs, len(self.days), len(self.areas)

    def area_slice(self, sl: slice) -> BalanceInputs:
        """The same inputs restricted to a block of areas (for memory-bounded summaries)."""

        def cut(x: Any) -> Any:
            if isinstance(x, Mixture):
                return x.cut(sl)
            a = as3(x)
            return a if a.shape[2] == 1 else a[:, :, sl]

        return BalanceInputs(
            days=self.days,
            areas=self.areas[sl],
            population=cut(self.population),
            inflows={k: cut(v) for k, v in self.inflows.items()},
            requirement_kcal=self.requirement_kcal,
            cap_kcal=None if self.cap_kcal is None else cut(self.cap_kcal),
            opening_stock=cut(self.opening_stock),
            lag_days=self.lag_days,
        )


@dataclass
class BalanceResult:
    """Per run, day and area: kcal consumed, carried into the next day, and consumed per person."""

    days: NDArray[np.datetime64]
    areas: list[str]
    inflow: Array
    consumed: Array
    carry: Array
    population: Array
    requirement_kcal: float

    @property
    def per_capita(self) -> Array:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.population > 0, self.consumed / self.population, np.nan)


def total_inflow(inputs: BalanceInputs) -> Array:
    """Sum of the inflows by source, shaped (runs or 1, days, areas), shifted by ``lag_days``."""
    runs, d, a = inputs.shape
    r = max([_runs(v) for v in inputs.inflows.values()] or [1])
    total = np.zeros((r, d, a))
    for name, v in inputs.inflows.items():
        arr = as3(v, name)
        if arr.shape[1] not in (1, d) or arr.shape[2] not in (1, a):
            raise ValueError(f"inflow {name!r}: shape {arr.shape} does not fit ({runs}, {d}, {a})")
        total = total + arr
    if inputs.lag_days > 0:
        lag = inputs.lag_days
        total = np.concatenate([np.zeros((total.shape[0], lag, a)), total[:, :-lag, :]], axis=1)
    return total


def carry_over(inflow: Array, demand: Array, opening: Array) -> Array:
    """Stock left at the end of each day, ``max(carry[t-1] + inflow[t] - demand[t], 0)``, in closed form."""
    s = np.cumsum(inflow - demand, axis=1)
    running_min = np.minimum.accumulate(s, axis=1)
    return s + np.maximum(opening, -running_min)


def run(inputs: BalanceInputs) -> BalanceResult:
    """The balance for every run, day and area at once."""
    runs, d, a = inputs.shape
    inflow = np.broadcast_to(total_inflow(inputs), (runs, d, a))
    pop3 = as3(inputs.population, "population")
    pop = np.broadcast_to(pop3, (pop3.shape[0], d, a))
    opening = np.broadcast_to(as3(inputs.opening_stock, "opening_stock")[:, :1, :], (runs, 1, a))
    if inputs.cap_kcal is None:
        carry = np.zeros((runs, d, a))
        consumed = inflow.copy()
        consumed[:, :1, :] += opening
    else:
        demand = as3(inputs.cap_kcal, "cap_kcal") * pop
        carry = carry_over(inflow, np.broadcast_to(demand, (runs, d, a)), opening)
        previous = np.concatenate([opening, carry[:, :-1, :]], axis=1)
        consumed = previous + inflow - carry
    return BalanceResult(
        days=inputs.days,
        areas=list(inputs.areas),
        inflow=np.asarray(inflow),
        consumed=consumed,
        carry=carry,
        population=np.asarray(pop),
        requirement_kcal=inputs.requirement_kcal,
    )


def period_index(
    days: NDArray[np.datetime64], by: str, origin: np.datetime64 | None = None
) -> tuple[NDArray[np.int64], list[np.datetime64]]:
    """Start offsets of each period in ``days`` (sorted, consecutive) and the period start dates.

    ``week`` bins are 7 days from ``origin`` (default: the first day), as Study A counts weeks from
    7 Oct 2023; ``month`` bins are calendar months; ``day`` is every day; ``all`` is one period.
    """
    d = days.astype("datetime64[D]")
    if by == "day":
        key = d.astype(np.int64)
    elif by == "week":
        start = d[0] if origin is None else origin
        key = (d - start).astype(np.int64) // 7
    elif by == "month":
        key = d.astype("datetime64[M]").astype(np.int64)
    elif by == "all":
        key = np.zeros(len(d), dtype=np.int64)
    else:
        raise ValueError(f"unknown period {by!r}")
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    return starts, [d[i] for i in starts]


def period_sum(x: Array, starts: NDArray[np.int64]) -> Array:
    """Sum along the days axis within each period."""
    return np.add.reduceat(x, starts, axis=1)


def period_mean(x: Array, starts: NDArray[np.int64]) -> Array:
    """Mean along the days axis within each period (NaN days ignored)."""
    ok = np.isfinite(x)
    total = np.add.reduceat(np.where(ok, x, 0.0), starts, axis=1)
    n = np.add.reduceat(ok.astype(np.float64), starts, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, total / n, np.nan)


def rolling_mean(x: Array, window: int) -> Array:
    """Right-aligned rolling mean along days; the first ``window - 1`` days take the first full value."""
    if window <= 1 or x.shape[1] < window:
        return x
    c = np.cumsum(x, axis=1)
    out = np.empty_like(x)
    out[:, window - 1 :, :] = c[:, window - 1 :, :] - np.concatenate(
        [np.zeros_like(c[:, :1, :]), c[:, :-window, :]], axis=1
    )
    out[:, window - 1 :, :] /= window
    out[:, : window - 1, :] = out[:, window - 1 : window, :]
    return out


def trailing_sum(x: Array, window: int) -> Array:
    """Sum over the ``window`` days ending on each day (fewer at the very start), along the days axis."""
    if window <= 1:
        return x
    c = np.cumsum(x, axis=1)
    shifted = np.concatenate([np.zeros_like(c[:, :window, :]), c[:, :-window, :]], axis=1)[:, : x.shape[1], :]
    return c - shifted


# A day counts as "at the cap" when consumption is within this share of the cap: the carry-over
# arithmetic leaves rounding dust, and a reader needs to know the figure is the cap, not the supply.
AT_CAP_TOLERANCE = 1e-6


@dataclass
class Summary:
    """Across-run quantiles per period and area, from :func:`summarise`."""

    periods: list[np.datetime64]
    areas: list[str]
    population: Array  # (periods, areas): mean population
    per_capita: Array  # (5 quantiles, periods, areas): kcal consumed (available, capped) per person per day
    inflow: Array  # (5 quantiles, periods, areas): kcal entering per day
    days_below: Array  # (5 quantiles, periods, areas): days with per-capita below requirement
    days: NDArray[np.int64]  # (periods,): days in each period
    runs: int
    requirement_kcal: float
    inflow_per_capita: Array | None = None  # (5 quantiles, periods, areas): kcal entering per person per day
    days_at_cap: Array | None = None  # (5 quantiles, periods, areas): days at the cap (daily: in the window)
    window: int = 1  # trailing window (days) of the daily figures; 1 = the day itself
    whole: WholeSummary | None = None  # all areas together (``summarise(whole=True)``)


@dataclass
class WholeSummary:
    """All areas as one, population-weighted: per run, total kcal consumed / total person-days."""

    population: Array  # (periods,): mean population of all areas
    per_capita: Array  # (5 quantiles, periods)
    inflow_per_capita: Array  # (5 quantiles, periods): kcal entering per person per day
    days_below: Array  # (5 quantiles, periods): days the whole is below the requirement


def summarise(
    inputs: BalanceInputs,
    by: str = "month",
    chunk_areas: int | None = None,
    origin: np.datetime64 | None = None,
    report_from: int = 0,
    window: int = 1,
    whole: bool = False,
) -> Summary:
    """Run the balance area block by area block and keep only quantiles, so memory stays bounded.

    Per run, a period's kcal per person per day is the kcal consumed over the period divided by the
    person-days in it (so a short, crowded day weighs what it should). The balance always runs over
    every day of ``inputs`` (so the stock carried into a period does not depend on where a question
    starts); only days from index ``report_from`` are reported. With ``by="day"`` and ``window > 1``
    each day's figure is over the ``window`` days ending that day (Study A smooths over 7 days). With
    ``whole`` the areas are also summed into one (``Summary.whole``): per run, the kcal consumed in all
    areas over their person-days, so a crowded area weighs what it should.
    """
    runs, d, a = inputs.shape
    k = max(0, min(report_from, d - 1))
    days = inputs.days[k:]
    n = d - k
    starts, periods = period_index(days, by, origin)
    block = chunk_areas or max(1, int(BLOCK_CELLS // max(1, runs * d)))
    span = window if by == "day" else 1
    pcs, infl, infl_pc, below, at_cap, pops = [], [], [], [], [], []
    w_cons = w_ent = w_pd = w_day_cons = w_day_pop = 0.0
    w_pop = np.zeros(len(starts))
    for lo in range(0, a, block):
        res = run(inputs.area_slice(slice(lo, lo + block)))
        pop_full = np.broadcast_to(res.population, res.consumed.shape)
        if inputs.cap_kcal is None:
            capped = np.zeros(res.consumed.shape, dtype=bool)
        else:
            limit = as3(inputs.cap_kcal, "cap_kcal") * pop_full
            capped = res.consumed >= limit * (1 - AT_CAP_TOLERANCE)
        consumed = trailing_sum(res.consumed, span)[:, k:, :]
        entering = trailing_sum(res.inflow, span)[:, k:, :]
        person = trailing_sum(np.ascontiguousarray(pop_full), span)[:, k:, :]
        person_days = period_sum(person, starts)
        with np.errstate(divide="ignore", invalid="ignore"):
            pc = np.where(person_days > 0, period_sum(consumed, starts) / person_days, np.nan)
            ipc = np.where(person_days > 0, period_sum(entering, starts) / person_days, np.nan)
        pcs.append(montecarlo.quantiles(pc))
        infl_pc.append(montecarlo.quantiles(ipc))
        ndays = np.diff(np.r_[starts, n])[np.newaxis, :, np.newaxis]
        infl.append(montecarlo.quantiles(period_sum(res.inflow[:, k:, :], starts) / ndays))
        below.append(
            montecarlo.quantiles(
                period_sum((res.per_capita[:, k:, :] < inputs.requirement_kcal).astype(np.float64), starts)
            )
        )
        # Days at the cap within each period (for daily figures: within the trailing window).
        at_cap.append(montecarlo.quantiles(period_sum(trailing_sum(capped.astype(np.float64), span)[:, k:, :], starts)))
        pops.append(period_mean(res.population[:1, k:, :], starts)[0])
        if whole:
            w_cons = w_cons + period_sum(consumed, starts).sum(axis=2)
            w_ent = w_ent + period_sum(entering, starts).sum(axis=2)
            w_pd = w_pd + period_sum(person, starts).sum(axis=2)
            w_pop = w_pop + pops[-1].sum(axis=1)
            w_day_cons = w_day_cons + res.consumed[:, k:, :].sum(axis=2)
            w_day_pop = w_day_pop + pop_full[:, k:, :].sum(axis=2)
    whole_summary = None
    if whole:
        with np.errstate(divide="ignore", invalid="ignore"):
            w_pd_arr = np.asarray(w_pd)
            pc_w = np.where(w_pd_arr > 0, np.asarray(w_cons) / w_pd_arr, np.nan)
            ipc_w = np.where(w_pd_arr > 0, np.asarray(w_ent) / w_pd_arr, np.nan)
            daily_w = np.where(np.asarray(w_day_pop) > 0, np.asarray(w_day_cons) / np.asarray(w_day_pop), np.nan)
        below_w = np.add.reduceat((daily_w < inputs.requirement_kcal).astype(np.float64), starts, axis=1)
        whole_summary = WholeSummary(
            population=w_pop,
            per_capita=montecarlo.quantiles(pc_w[:, :, np.newaxis])[:, :, 0],
            inflow_per_capita=montecarlo.quantiles(ipc_w[:, :, np.newaxis])[:, :, 0],
            days_below=montecarlo.quantiles(below_w[:, :, np.newaxis])[:, :, 0],
        )
    return Summary(
        periods=periods,
        areas=list(inputs.areas),
        population=np.concatenate(pops, axis=1),
        per_capita=np.concatenate(pcs, axis=2),
        inflow=np.concatenate(infl, axis=2),
        days_below=np.concatenate(below, axis=2),
        days=np.diff(np.r_[starts, n]).astype(np.int64),
        runs=runs,
        requirement_kcal=inputs.requirement_kcal,
        inflow_per_capita=np.concatenate(infl_pc, axis=2),
        days_at_cap=np.concatenate(at_cap, axis=2),
        window=span,
        whole=whole_summary,
    )
