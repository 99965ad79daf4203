"""Study A's daily series, Lifeline's against a run of the study's own R code, day by day.

The weekly comparison (:mod:`fidelity`) says *whether* a week deviates; the daily series say *where
in the chain* it starts: the trucked kcal of the day, the day's inflow, the stock available
(carry-over plus the inflow that became available), consumption, and consumption per person.

The R side is ``03_daily_runs.csv`` as ``scripts/studya_r_driver.R`` writes it from script 03's
``out`` table (one row per run and day; columns ``<name>_no`` / ``<name>_so`` per area). Each
series is compared by its median across runs, with the same order-statistic noise tolerance as
the weekly comparison, scaled for the R run's own run count.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from lifeline.errors import BadFile
from lifeline.model import balance
from lifeline.model.studies import fidelity
from lifeline.model.studies.checchi import StudyARun

DAILY_FILE = "03_daily_runs.csv"
AREA_SUFFIX = {"north": "no", "south-central": "so"}
# Lifeline's series name -> the R column stem (script 03's `out`), in the order of the chain.
SERIES = {
    "trucked": "trucked",
    "inflow": "kcal_in",
    "available": "kcal_bal",
    "consumed": "kcal_out",
    "per_capita": "kcal_capita",
}
Array = NDArray[np.float64]


@dataclass(frozen=True)
class DailyR:
    """The R run's daily series: ``values[series][area]`` is (runs, days)."""

    days: NDArray[np.datetime64]
    runs: int
    values: dict[str, dict[str, Array]]


def read_daily(folder: Path) -> DailyR:
    """Read ``03_daily_runs.csv``; a missing file or column, or a run with missing days, is a :class:`BadFile`."""
    path = folder / DAILY_FILE
    if not path.is_file():
        raise BadFile(f"{path}: not found: expected the R run's daily series ({DAILY_FILE}) in {folder}")
    stems = [s for s in SERIES.values() if s != "kcal_capita"]
    needed = ["date", "run", "pop_no", "pop_so"] + [f"{s}_{a}" for s in stems for a in AREA_SUFFIX.values()]
    rows: dict[tuple[int, str], dict[str, float]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in needed if c not in (reader.fieldnames or [])]
        if missing:
            raise BadFile(f"{path}: header: expected columns {missing}")
        for line, row in enumerate(reader, start=2):
            try:
                rows[(int(row["run"]), row["date"])] = {c: float(row[c]) for c in needed[2:]}
            except (TypeError, ValueError) as exc:
                raise BadFile(f"{path}: row {line}: expected numbers in {needed[1:]} ({exc})") from None
    runs = sorted({r for r, _ in rows})
    dates = sorted({d for _, d in rows})
    if not runs or len(rows) != len(runs) * len(dates):
        raise BadFile(f"{path}: expected one row per run and day ({len(runs)} runs x {len(dates)} days)")
    values: dict[str, dict[str, Array]] = {}
    for name, stem in SERIES.items():
        values[name] = {}
        for area, suffix in AREA_SUFFIX.items():
            if stem == "kcal_capita":
                out, pop = f"kcal_out_{suffix}", f"pop_{suffix}"
                col = [[rows[(r, d)][out] / rows[(r, d)][pop] for d in dates] for r in runs]
            else:
                col = [[rows[(r, d)][f"{stem}_{suffix}"] for d in dates] for r in runs]
            values[name][area] = np.array(col, dtype=np.float64)
    return DailyR(np.array(dates, dtype="datetime64[D]"), len(runs), values)


def lifeline_daily(sim: StudyARun) -> dict[str, Array]:
    """Lifeline's counterpart of each R series, (runs, days, areas).

    ``available`` is the stock on hand before the day's consumption (the R code's ``kcal_bal``):
    yesterday's carry-over plus the inflow that became available today.
    """
    r = sim.result
    runs = sim.runs
    inflow = np.zeros((runs, len(sim.constants.days), 2))
    for v in sim.sources.values():
        inflow = inflow + v
    trucks = np.broadcast_to(sim.sources["trucks"], inflow.shape)
    return {
        "trucked": np.asarray(trucks, dtype=np.float64),
        "inflow": inflow,
        "available": r.consumed + r.carry,
        "consumed": r.consumed,
        "per_capita": r.consumed / r.population,
    }


@dataclass(frozen=True)
class DayCell:
    """One series on one day and area: both medians and the Monte Carlo tolerance."""

    day: str
    area: str
    series: str
    lifeline: float
    reference: float
    tolerance: float

    @property
    def difference(self) -> float:
        return self.lifeline - self.reference

    @property
    def outside(self) -> bool:
        return abs(self.difference) > self.tolerance


def compare(
    mine: dict[str, Array], days: NDArray[np.datetime64], ref: DailyR, first: str | None = None, last: str | None = None
) -> list[DayCell]:
    """Medians of every series, day and area present on both sides (optionally only ``first``..``last``)."""
    index = {str(d): i for i, d in enumerate(days.astype("datetime64[D]"))}
    cells = []
    for k, d in enumerate(ref.days):
        day = str(d)
        if day not in index or (first and day < first) or (last and day > last):
            continue
        i = index[day]
        for name in SERIES:
            for j, area in enumerate(AREA_SUFFIX):
                values = mine[name][:, i, j]
                cells.append(
                    DayCell(
                        day, area, name, float(np.median(values)), float(np.median(ref.values[name][area][:, k])),
                        fidelity.tolerance(values, 0.5, ref.runs),
                    )
                )
    return cells


def weekly_from_daily(ref: DailyR, origin: np.datetime64, window: int = 7) -> tuple[Array, list[np.datetime64]]:
    """The R run's weekly per-capita series per run (runs, weeks, areas), as script 03 aggregates it."""
    pc = np.stack([ref.values["per_capita"][a] for a in AREA_SUFFIX], axis=2)
    rolled = balance.rolling_mean(pc, window)
    starts, weeks = balance.period_index(ref.days, "week", origin)
    return balance.period_mean(rolled, starts), weeks


@dataclass(frozen=True)
class CapConditional:
    """One week and area, Lifeline's runs against the R runs, each run's value set against its intake cap.

    A week below the cap depends on each run's cap (a lower cap leaves more stock to carry), so two
    samples of runs that drew different caps differ even when the method is the same; the R runs'
    mean residual from Lifeline's linear fit on the cap removes that part of the noise.
    """

    deciles_lifeline: Array
    deciles_reference: Array
    slope_lifeline: float
    slope_reference: float
    residual_mean: float  # R runs' mean distance from Lifeline's fit, kcal/person/day
    residual_se: float


def cap_conditional(
    mine_weekly: Array, mine_first_day: Array, ref_weekly: Array, ref_first_day: Array
) -> CapConditional:
    """Per-run weekly values and first-day consumption per person (the cap: stocks exceed it on day one)."""
    q = np.linspace(0.1, 0.9, 9)
    fit = np.polyfit(mine_first_day, mine_weekly, 1)
    res = ref_weekly - np.polyval(fit, ref_first_day)
    return CapConditional(
        np.quantile(mine_weekly, q),
        np.quantile(ref_weekly, q),
        float(fit[0]),
        float(np.polyfit(ref_first_day, ref_weekly, 1)[0]),
        float(res.mean()),
        float(res.std(ddof=1) / np.sqrt(len(res))),
    )
