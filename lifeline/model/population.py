"""Population by area and day from dated estimates: linear between points, flat outside them.

Displacement between areas changes the denominators, so each area has its own series; a study
can also derive one area as a total minus the others (Study A's south-central).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from lifeline.errors import UserError


@dataclass(frozen=True)
class Series:
    """Dated estimates for one area, with their source."""

    area: str
    dates: NDArray[np.datetime64]
    values: NDArray[np.float64]
    source: str

    def __post_init__(self) -> None:
        if len(self.dates) == 0 or len(self.dates) != len(self.values):
            raise UserError(f"population of {self.area!r}: needs as many dates as values, at least one")
        if np.any(np.diff(self.dates.astype("datetime64[D]").astype(np.int64)) < 0):
            raise UserError(f"population of {self.area!r}: dates must be in order")
        if np.any(self.values < 0) or not np.all(np.isfinite(self.values)):
            raise UserError(f"population of {self.area!r}: values must be finite and not negative")


def day_range(start: date, end: date) -> NDArray[np.datetime64]:
    """Every day from ``start`` to ``end`` inclusive."""
    if end < start:
        raise UserError(f"the period ends ({end}) before it starts ({start})")
    return np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)


def interpolate(series: Series, days: NDArray[np.datetime64]) -> NDArray[np.float64]:
    """Population on each day: linear between estimates, the nearest estimate before the first / after the last."""
    x = series.dates.astype("datetime64[D]").astype(np.float64)
    return np.interp(days.astype("datetime64[D]").astype(np.float64), x, series.values)


def matrix(series: Sequence[Series], days: NDArray[np.datetime64]) -> NDArray[np.float64]:
    """Population shaped (days, areas), in the order of ``series``."""
    return np.stack([interpolate(s, days) for s in series], axis=1)


def from_tables(tables: Mapping[str, Any], file: str = "assumption set") -> list[Series]:
    """Series from an assumption set's ``[population.AREA]`` tables (``dates``, ``values``, ``source``)."""
    out = []
    for area, raw in tables.items():
        if not isinstance(raw, Mapping) or not {"dates", "values", "source"} <= set(raw):
            raise UserError(f"population.{area} needs 'dates', 'values' and 'source'", file=file)
        try:
            dates = np.array([np.datetime64(str(d)[:10], "D") for d in raw["dates"]])
            values = np.asarray(raw["values"], dtype=np.float64)
        except (TypeError, ValueError):
            raise UserError(f"population.{area}: dates must be YYYY-MM-DD and values numbers", file=file) from None
        out.append(Series(area=str(area), dates=dates, values=values, source=str(raw["source"])))
    return out
