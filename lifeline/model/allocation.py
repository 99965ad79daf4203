"""Where should the trucks go? Linear programmes solved with HiGHS.

Two questions, both about one day's flows (trucks per day):

* :func:`maximin` - given each crossing's capacity, which areas each route can reach, the
  population and the kcal a truck carries, the allocation ``x[c, a]`` that maximises the minimum
  coverage across areas (coverage = kcal arriving per person per day / requirement); then, with
  the worst-off held there, the next worst-off, and so on (leximin), so capacity left over after
  the bottleneck goes to whoever is lowest, not to an arbitrary area.
* :func:`trucks_needed` - the fewest trucks per day (and extra capacity per crossing) that bring
  every area to the requirement; areas no route reaches are reported, not hidden.

Both are true LPs (continuous trucks per day: an average rate, not a count of vehicles).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray

from lifeline.errors import UserError

Array = NDArray[np.float64]


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """HiGHS prints a banner on stdout from C++ when constructed; keep stdout clean for JSON output."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def _solver() -> highspy.Highs:
    with _quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


@dataclass
class Problem:
    """One day's allocation problem. ``kcal_per_truck`` is per crossing; ``other_kcal`` per area per day."""

    crossings: list[str]
    areas: list[str]
    capacity: Array  # (C,) trucks/day
    reach: NDArray[np.bool_]  # (C, A)
    population: Array  # (A,)
    requirement_kcal: float
    kcal_per_truck: Array  # (C,)
    other_kcal: Array | None = None  # (A,)

    def __post_init__(self) -> None:
        c, a = len(self.crossings), len(self.areas)
        self.capacity = np.asarray(self.capacity, dtype=np.float64).reshape(c)
        self.reach = np.asarray(self.reach, dtype=bool).reshape(c, a)
        self.population = np.asarray(self.population, dtype=np.float64).reshape(a)
        self.kcal_per_truck = np.broadcast_to(np.asarray(self.kcal_per_truck, dtype=np.float64), (c,)).copy()
        self.other_kcal = np.zeros(a) if self.other_kcal is None else np.asarray(self.other_kcal, float).reshape(a)
        if np.any(self.capacity < 0) or np.any(self.population < 0) or np.any(self.kcal_per_truck < 0):
            raise UserError("allocation: capacities, populations and kcal per truck must not be negative")

    @property
    def other(self) -> Array:
        return np.zeros(len(self.areas)) if self.other_kcal is None else np.asarray(self.other_kcal, np.float64)

    @property
    def scale(self) -> Array:
        """Per-area divisor turning kcal rows into coverage rows (the need; 1 where nobody lives)."""
        need = self.need_kcal
        return np.where(need > 0, need, 1.0)

    @property
    def need_kcal(self) -> Array:
        """kcal per day each area needs: population x requirement."""
        return self.population * self.requirement_kcal


@dataclass
class Allocation:
    """Trucks per day from each crossing to each area, and the coverage that results."""

    trucks: Array  # (C, A)
    coverage: Array  # (A,)
    min_coverage: float
    status: str

    def as_rows(self, p: Problem) -> list[dict[str, Any]]:
        return [
            {
                "area": a,
                "population": float(p.population[j]),
                "trucks_per_day": float(self.trucks[:, j].sum()),
                "coverage": float(self.coverage[j]),
                **{f"from_{c}": float(self.trucks[i, j]) for i, c in enumerate(p.crossings)},
            }
            for j, a in enumerate(p.areas)
        ]


def _csc(cols: list[list[tuple[int, float]]], num_row: int) -> tuple[NDArray[np.int32], NDArray[np.int32], Array]:
    start, index, value = [0], [], []
    for col in cols:
        for r, v in col:
            index.append(r)
            value.append(v)
        start.append(len(index))
    return np.asarray(start, np.int32), np.asarray(index, np.int32), np.asarray(value, np.float64)


def _solve(
    cost: Array,
    lower: Array,
    upper: Array,
    cols: list[list[tuple[int, float]]],
    row_lo: Array,
    row_hi: Array,
    maximise: bool,
    interior: bool = False,
) -> tuple[str, Array, Array]:
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cost), len(row_lo)
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = cost, lower, upper
    lp.row_lower_, lp.row_upper_ = row_lo, row_hi
    lp.sense_ = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    start, index, value = _csc(cols, len(row_lo))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = start, index, value
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = len(cost), len(row_lo)
    h = _solver()
    if interior:  # an interior optimum has strictly complementary duals: every blocked area shows a dual
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("run_crossover", "off")
    h.passModel(lp)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    sol = h.getSolution()
    return status, np.asarray(sol.col_value, dtype=np.float64), np.asarray(sol.row_dual, dtype=np.float64)


def _x_columns(p: Problem, need_row0: int) -> tuple[list[list[tuple[int, float]]], Array]:
    """Columns of x[c, a] (row c: capacity; row need_row0 + a: coverage of area a, i.e. kcal / need) and
    their upper bounds. Rows are in coverage units so the LP is well scaled whatever the population."""
    c_n, a_n = len(p.crossings), len(p.areas)
    cols, upper = [], np.zeros(c_n * a_n)
    scale = p.scale
    for i in range(c_n):
        for j in range(a_n):
            cols.append([(i, 1.0), (need_row0 + j, float(p.kcal_per_truck[i] / scale[j]))])
            upper[i * a_n + j] = np.inf if bool(np.asarray(p.reach)[i, j]) else 0.0
    return cols, upper


def _levels_lp(
    p: Problem,
    free: list[int],
    fixed: dict[int, float],
    floor: float | None,
    objective: str,
    only: int | None = None,
    interior: bool = False,
) -> tuple[str, Array, Array]:
    """One LP over x[c, a] with fixed areas held at their coverage and the free ones treated by ``objective``.

    ``objective``: "raise" maximises a common level t of the free areas; "slack" maximises the
    free areas' coverage above ``floor`` (each capped at 1, or only area ``only``); "use" keeps every
    level and maximises the trucks sent.
    """
    c_n, a_n = len(p.crossings), len(p.areas)
    n = c_n * a_n
    need = p.need_kcal / p.scale  # 1 where people live, 0 elsewhere
    other = p.other / p.scale
    cols, upper = _x_columns(p, c_n)
    row_lo = np.r_[np.full(c_n, -np.inf), -other]
    row_hi = np.r_[p.capacity, np.full(a_n, np.inf)]
    for j, level in fixed.items():
        row_lo[c_n + j] = level * need[j] * (1 - 1e-9) - other[j]
    extra_cols: list[list[tuple[int, float]]] = []
    extra_cost: list[float] = []
    extra_up: list[float] = []
    if objective == "raise":
        extra_cols.append([(c_n + j, -float(need[j])) for j in free])
        extra_cost.append(1.0)
        extra_up.append(np.inf)
    elif objective == "slack":
        assert floor is not None
        for j in free:
            row_lo[c_n + j] = floor * need[j] * (1 - 1e-9) - other[j]
            extra_cols.append([(c_n + j, -float(need[j]))])
            extra_cost.append(1.0 if only is None or only == j else 0.0)
            extra_up.append(1.0)
    cost = np.r_[np.ones(n) if objective == "use" else np.zeros(n), np.asarray(extra_cost, dtype=np.float64)]
    return _solve(
        cost,
        np.zeros(len(cost)),
        np.r_[upper, np.asarray(extra_up, dtype=np.float64)],
        [*cols, *extra_cols],
        row_lo,
        row_hi,
        maximise=True,
        interior=interior,
    )


def maximin(p: Problem) -> Allocation:
    """The leximin allocation: raise the lowest coverage as far as it goes, fix the areas that cannot
    rise further, raise the next lowest, and so on; finally use any capacity left."""
    c_n, a_n = len(p.crossings), len(p.areas)
    people = p.need_kcal > 0
    if not people.any():
        raise UserError("allocation: no area has people")
    free = [j for j in range(a_n) if people[j]]
    fixed: dict[int, float] = {}
    while free:
        status, sol, _ = _levels_lp(p, free, fixed, None, "raise")  # simplex: the exact level
        if status != "Optimal":
            raise UserError(f"allocation LP not solved: {status}")
        level = float(sol[-1])
        _, _, row_dual = _levels_lp(p, free, fixed, None, "raise", interior=True)  # interior: telling duals
        # Areas whose coverage row has a non-zero dual cannot rise without lowering this level (complementary
        # slackness), so they are fixed at it; at least one has one, since the duals of the t column sum to 1.
        duals = row_dual[c_n:]
        blocked = [j for j in free if abs(duals[j]) > 1e-7]
        if not blocked:  # degenerate duals: check each area's own room above the level
            status, sol, _ = _levels_lp(p, free, fixed, level, "slack")
            slack = sol[c_n * a_n :] if status == "Optimal" else np.zeros(len(free))
            candidates = [j for j, s_ in zip(free, slack, strict=True) if s_ <= 1e-7]
            for j in candidates:
                st, one, _ = _levels_lp(p, free, fixed, level, "slack", only=j)
                if st != "Optimal" or one[c_n * a_n + free.index(j)] <= 1e-7:
                    blocked.append(j)
            blocked = blocked or candidates
        blocked = blocked or list(free)
        for j in blocked:
            fixed[j] = level
        free = [j for j in free if j not in fixed]
    status, sol, _ = _levels_lp(p, [], fixed, None, "use")
    x = sol[: c_n * a_n].reshape(c_n, a_n)
    x[x < 1e-9] = 0.0
    cov = coverage(p, x)
    return Allocation(trucks=x, coverage=cov, min_coverage=float(np.min(cov[people])), status=status)


def coverage(p: Problem, trucks: Array) -> Array:
    """Coverage per area of a given allocation (C, A) or of trucks already split by area (A,)."""
    t = np.asarray(trucks, dtype=np.float64)
    kcal = (t * p.kcal_per_truck[:, None]).sum(axis=0) if t.ndim == 2 else t * float(np.mean(p.kcal_per_truck))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p.need_kcal > 0, (kcal + p.other) / p.need_kcal, np.nan)


@dataclass
class Needed:
    """Trucks per day that would bring every reachable area to the requirement."""

    trucks: Array  # (C, A)
    total_per_day: float
    per_area: Array  # (A,)
    extra_capacity: Array  # (C,) beyond today's capacity
    unreachable: list[str]
    status: str


def trucks_needed(p: Problem) -> Needed:
    """Fewest trucks/day (and least added crossing capacity) for full coverage of every reachable area."""
    c_n, a_n = len(p.crossings), len(p.areas)
    gap = np.maximum(p.need_kcal - p.other, 0.0)
    reachable: NDArray[np.bool_] = np.asarray(np.asarray(p.reach).any(axis=0), dtype=bool)
    unreachable = [a for j, a in enumerate(p.areas) if gap[j] > 0 and not reachable[j]]
    gap = np.where(reachable, gap, 0.0)
    cols, upper = _x_columns(p, c_n)
    y_cols = [[(i, -1.0)] for i in range(c_n)]  # extra capacity at crossing i
    n = c_n * a_n
    # Minimise added capacity first (weight 1e3), then total trucks.
    cost = np.r_[np.ones(n), np.full(c_n, 1e3)]
    row_lo = np.r_[np.full(c_n, -np.inf), gap / p.scale]
    row_hi = np.r_[p.capacity, np.full(a_n, np.inf)]
    status, sol, _ = _solve(
        cost, np.zeros(n + c_n), np.r_[upper, np.full(c_n, np.inf)], [*cols, *y_cols], row_lo, row_hi, maximise=False
    )
    if status != "Optimal":
        raise UserError(f"trucks-needed LP not solved: {status}")
    x = sol[:n].reshape(c_n, a_n)
    x[x < 1e-9] = 0.0
    return Needed(
        trucks=x,
        total_per_day=float(x.sum()),
        per_area=x.sum(axis=0),
        extra_capacity=sol[n:],
        unreachable=unreachable,
        status=status,
    )
