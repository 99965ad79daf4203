"""Study A's weekly series by area, Lifeline's against the output of the study's own R code.

The reference is ``03_kcal_capita_by_area.csv`` as the R code writes it (columns week, area, est,
lci95, uci95, lci80, uci80; 1,000 runs). Each of the five statistics is compared week by week.

Tolerance (why a difference is noise or not): both figures are quantiles of a finite sample of
runs drawn from the same distribution. For Lifeline's ``n`` runs the order statistics give a
distribution-free interval of the ``p`` quantile, ranks ``n p ± z sqrt(n p (1 - p))``; half its
width is ``z`` standard errors of Lifeline's estimate. The R figure has the same error scaled to its
own run count (``sqrt(n / n_ref)``), and the two are independent, so the tolerance is
``half_width * sqrt(1 + n / n_ref)`` (at least ``FLOOR_KCAL``, the rounding of a printed figure).
With ``z = 3`` a cell falls outside by chance about 3 times in 1,000.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from lifeline.errors import BadFile

REFERENCE_FILE = "03_kcal_capita_by_area.csv"
RUNS_FILE = "runs.csv"
STATS = {"est": 0.5, "lci80": 0.1, "uci80": 0.9, "lci95": 0.025, "uci95": 0.975}
AREAS = ("north", "south-central")
Z = 3.0
REFERENCE_RUNS = 1000
FLOOR_KCAL = 1.0


@dataclass(frozen=True)
class Cell:
    """One statistic of one week and area: Lifeline's figure, the R code's, and the noise tolerance."""

    week: str
    area: str
    stat: str
    lifeline: float
    reference: float
    tolerance: float

    @property
    def difference_pct(self) -> float:
        return 100.0 * (self.lifeline - self.reference) / self.reference if self.reference else math.nan

    @property
    def tolerance_pct(self) -> float:
        return 100.0 * self.tolerance / abs(self.reference) if self.reference else math.nan

    @property
    def outside(self) -> bool:
        return abs(self.lifeline - self.reference) > self.tolerance


def read_reference(folder: Path) -> dict[tuple[str, str], dict[str, float]]:
    """The R code's weekly quantiles by (week, area); a malformed file is a :class:`BadFile` naming the row."""
    path = folder / REFERENCE_FILE
    if not path.is_file():
        raise BadFile(f"{path}: not found: expected the R code's weekly output ({REFERENCE_FILE}) in {folder}")
    out: dict[tuple[str, str], dict[str, float]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"week", "area", *STATS} - set(reader.fieldnames or [])
        if missing:
            raise BadFile(f"{path}: header: expected columns {sorted(missing)}")
        for line, row in enumerate(reader, start=2):
            try:
                out[(row["week"], row["area"])] = {k: float(row[k]) for k in STATS}
            except (TypeError, ValueError) as exc:
                raise BadFile(f"{path}: row {line}: expected numbers in {list(STATS)} ({exc})") from None
    return out


def reference_runs(folder: Path) -> int:
    """The reference's run count: ``runs.csv`` (``n_runs``, written by scripts/studya_r_driver.R) if present,
    else the study's 1,000 (the shared output holds no such file)."""
    path = folder / RUNS_FILE
    if not path.is_file():
        return REFERENCE_RUNS
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    try:
        runs = int(float(rows[0]["n_runs"]))
    except (IndexError, KeyError, TypeError, ValueError):
        raise BadFile(f"{path}: row 2: expected a column n_runs with the R run's run count") from None
    if runs < 2:
        raise BadFile(f"{path}: row 2: n_runs {runs}: expected at least 2 runs")
    return runs


def tolerance(values: NDArray[np.float64], p: float, reference_runs: int = REFERENCE_RUNS, z: float = Z) -> float:
    """Half the order-statistic interval of the ``p`` quantile of ``values``, widened for the reference's runs."""
    n = len(values)
    x = np.sort(values)
    spread = z * math.sqrt(n * p * (1 - p))
    lo = int(max(0, math.floor(n * p - spread)))
    hi = int(min(n - 1, math.ceil(n * p + spread)))
    half = (float(x[hi]) - float(x[lo])) / 2.0
    return max(half * math.sqrt(1.0 + n / reference_runs), FLOOR_KCAL)


def compare(
    per_run: NDArray[np.float64],
    weeks: list[np.datetime64],
    reference: dict[tuple[str, str], dict[str, float]],
    reference_runs: int = REFERENCE_RUNS,
) -> list[Cell]:
    """Every (week, area, statistic) present in both; ``per_run`` is (runs, weeks, areas) in AREAS order."""
    cells = []
    for i, w in enumerate(weeks):
        for j, area in enumerate(AREAS):
            ref = reference.get((str(w), area))
            if ref is None:
                continue
            values = per_run[:, i, j]
            for stat, p in STATS.items():
                cells.append(
                    Cell(
                        str(w), area, stat, float(np.quantile(values, p)), ref[stat],
                        tolerance(values, p, reference_runs),
                    )
                )
    return cells


@dataclass(frozen=True)
class AreaSummary:
    """The error table's row for one area (medians; intervals counted in ``weeks_outside``)."""

    area: str
    weeks: int
    median_abs_pct: float
    max_abs_pct: float
    max_week: str
    weeks_outside: int  # weeks with any of the five statistics outside tolerance
    medians_outside: list[str]


def summarise(cells: list[Cell]) -> list[AreaSummary]:
    out = []
    for area in AREAS:
        mine = [c for c in cells if c.area == area]
        med = [c for c in mine if c.stat == "est"]
        if not med:
            continue
        errs = np.abs([c.difference_pct for c in med])
        worst = med[int(np.argmax(errs))]
        out.append(
            AreaSummary(
                area,
                len(med),
                round(float(np.median(errs)), 2),
                round(float(errs.max()), 2),
                worst.week,
                len({c.week for c in mine if c.outside}),
                [c.week for c in med if c.outside],
            )
        )
    return out
