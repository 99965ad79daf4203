"""Monte Carlo draws of ranged assumptions and the summaries reported across runs.

One seeded generator per run set makes a whole result reproducible; a point estimate is the
``runs=1`` case drawing each assumption's central value, so the same code serves both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from lifeline.assumptions import Assumption

DEFAULT_RUNS = 1000
DEFAULT_SEED = 20241016  # any fixed integer: the medRxiv v1 workbook date, so runs are reproducible
Z95 = 1.959963984540054  # standard normal quantile for a two-sided 95 % interval

# Quantiles reported: median, 80 % and 95 % intervals.
QUANTILES = (0.5, 0.1, 0.9, 0.025, 0.975)


def rng(seed: int | None = None) -> np.random.Generator:
    return np.random.default_rng(DEFAULT_SEED if seed is None else seed)


def draw(a: Assumption, runs: int, gen: np.random.Generator) -> NDArray[np.float64]:
    """``runs`` values of one assumption: its point value when unranged or runs == 1, else its distribution."""
    if runs == 1 or not a.is_ranged or a.distribution == "fixed":
        return np.full(runs, a.value)
    lo, hi = float(a.low), float(a.high)  # type: ignore[arg-type]
    if a.distribution == "uniform":
        return gen.uniform(lo, hi, runs)
    if a.distribution == "triangular":
        return gen.triangular(lo, min(max(a.value, lo), hi), hi, runs)
    if a.distribution == "normal":
        return gen.normal(a.value, (hi - lo) / (2 * Z95), runs)
    if a.distribution == "lognormal":
        if lo <= 0:
            raise ValueError(f"assumption {a.name!r}: a lognormal needs low > 0")
        mu, sigma = np.log(a.value), (np.log(hi) - np.log(lo)) / (2 * Z95)
        return gen.lognormal(mu, sigma, runs)
    raise ValueError(f"assumption {a.name!r}: unknown distribution {a.distribution!r}")


@dataclass(frozen=True)
class Interval:
    """Median with 80 % and 95 % intervals across runs."""

    median: float
    low80: float
    high80: float
    low95: float
    high95: float


def interval(values: NDArray[np.float64]) -> Interval:
    """Summarise one scalar per run."""
    q = np.quantile(np.asarray(values, dtype=np.float64), QUANTILES)
    return Interval(*(float(x) for x in q))


def quantiles(values: NDArray[np.floating], axis: int = 0) -> NDArray[np.float64]:
    """The :data:`QUANTILES` along ``axis`` (the runs axis), stacked first."""
    if values.shape[axis] == 1:
        return np.repeat(np.asarray(values, dtype=np.float64), len(QUANTILES), axis=axis)
    return np.quantile(values, QUANTILES, axis=axis).astype(np.float64)
