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


@dataclass
class Summary:
    """Across-run quantiles per period and area, from :func:`summarise`."""

    periods: list[np.datetime64]
    areas: list[str]
    population: Array  # (periods, areas): mean population
    per_capita: Array  # (5 quantiles, periods, areas): kcal per person per day
    inflow: Array  # (5 quantiles, periods, areas): kcal entering per day
    days_below: Array  # (5 quantiles, periods, areas): days with per-capita below requirement
    days: NDArray[np.int64]  # (periods,): days in each period
    runs: int
    requirement_kcal: float


def summarise(
    inputs: BalanceInputs, by: str = "month", chunk_areas: int | None = None, origin: np.datetime64 | None = None
) -> Summary:
    """Run the balance area block by area block and keep only quantiles, so memory stays bounded.

    Per run, a period's kcal per person per day is the kcal consumed over the period divided by the
    person-days in it (so a short, crowded day weighs what it should).
    """
    runs, d, a = inputs.shape
    starts, periods = period_index(inputs.days, by, origin)
    block = chunk_areas or max(1, int(BLOCK_CELLS // max(1, runs * d)))
    pcs, infl, below, pops = [], [], [], []
    for lo in range(0, a, block):
        res = run(inputs.area_slice(slice(lo, lo + block)))
        person_days = period_sum(np.broadcast_to(res.population, res.consumed.shape), starts)
        with np.errstate(divide="ignore", invalid="ignore"):
            pc = np.where(person_days > 0, period_sum(res.consumed, starts) / person_days, np.nan)
        pcs.append(montecarlo.quantiles(pc))
        ndays = np.diff(np.r_[starts, d])[np.newaxis, :, np.newaxis]
        infl.append(montecarlo.quantiles(period_sum(res.inflow, starts) / ndays))
        below.append(
            montecarlo.quantiles(period_sum((res.per_capita < inputs.requirement_kcal).astype(np.float64), starts))
        )
        pops.append(period_mean(res.population[:1], starts)[0])
    return Summary(
        periods=periods,
        areas=list(inputs.areas),
        population=np.concatenate(pops, axis=1),
        per_capita=np.concatenate(pcs, axis=2),
        inflow=np.concatenate(infl, axis=2),
        days_below=np.concatenate(below, axis=2),
        days=np.diff(np.r_[starts, d]).astype(np.int64),
        runs=runs,
        requirement_kcal=inputs.requirement_kcal,
    )
