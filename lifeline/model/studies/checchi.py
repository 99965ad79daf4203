"""Study A (Checchi, Ververs & Jamaluddine, LSHTM) reproduced: Monte Carlo of the daily balance by area.

:func:`simulate` builds every kcal source per run, day and area from the workbook and the UNRWA
line list in the store, runs Lifeline's balance (capped consumption, carry-over, Study A's
next-day availability) and returns the arrays; :func:`headline` reduces them to the paper's
figures. ``fix`` names the defects of the published code to correct (keys of ``[defects]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl
from numpy.typing import NDArray

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.model import balance, montecarlo
from lifeline.model.studies import checchi_inputs as ci
from lifeline.model.studies.table import Result
from lifeline.model.studies.workbook import Workbook

SET = "checchi-2024"
SOURCES = ["agriculture", "air_boat", "household_stocks", "market_stocks", "trucks", "warehouses"]
Array = NDArray[np.float64]


@dataclass
class StudyARun:
    """Arrays of one simulation: sources (runs, days, areas) in kcal/day and the balance result."""

    constants: ci.Constants
    sources: dict[str, Array]
    result: balance.BalanceResult
    act: Array
    trucked: ci.Trucked
    fix: frozenset[str]
    runs: int
    periods: dict[str, date] = field(default_factory=dict)


def next_day_availability(inflow: Array) -> Array:
    """Study A's recursion: day one's inflow is available on day one, each later day's inflow the day after."""
    out = np.zeros_like(inflow)
    out[:, 0] = inflow[:, 0]
    out[:, 2:] = inflow[:, 1:-1]
    return out


def simulate(
    wb: Workbook,
    unrwa: pl.DataFrame,
    aset: AssumptionSet | None = None,
    runs: int | None = None,
    seed: int | None = None,
    fix: frozenset[str] = frozenset(),
    under_reporting: float = 0.0,
    trucked_cache: dict[bool, ci.Trucked] | None = None,
    floor_south_trucked: bool | None = None,
) -> StudyARun:
    """One full Study A simulation (``runs`` runs, seeded).

    South-central's trucked kcal is what the UNRWA list holds that day less the kcal sampled for the
    north, as in the study's code: negative where the north's sampled trucks exceed the day's list
    (the D1 rows), and 0 on days the list has no row at all (the code's merge leaves them empty,
    dropping that day's specialised food too). ``floor_south_trucked`` (default: ``[options]`` of
    the assumption set, off) floors it at zero per day instead.

    ``trucked_cache`` keeps the line-list conversion between simulations of the same inputs (it
    depends only on whether D5 is corrected), so the defect runs do not redo it.
    """
    aset = aset or load_set(SET)
    runs = int(runs or aset.value("runs"))
    gen = montecarlo.rng(int(aset.value("seed")) if seed is None else seed)
    c = ci.constants(wb, aset)
    catalogue = load_set("commodity-kcal")
    act = ci.act_gaza(c, runs, gen)
    key = "kg_truck_as_kg" in fix
    if trucked_cache is not None and key in trucked_cache:
        t = trucked_cache[key]
    else:
        t = ci.trucked(unrwa, wb, c, catalogue, fix, aset)
        if trucked_cache is not None:
            trucked_cache[key] = t
    d = len(c.days)
    lo, hi = float(wb.general("pallet_error_min")), float(wb.general("pallet_error_max"))
    err = gen.uniform(lo, hi, runs) if runs > 1 else np.full(1, (lo + hi) / 2)
    pallet_kcal, other_kcal = t.pallet_kcal[None, :], t.other_kcal[None, :]
    if runs > 1:
        dp, do = ci.random_share_deltas(t.multi, d, runs, gen)
        pallet_kcal, other_kcal = pallet_kcal + dp, other_kcal + do
    total_trucked = err[:, None] * pallet_kcal + other_kcal
    if under_reporting:
        partial = c.days >= np.datetime64(aset.tables["periods"]["partial_reporting_from"], "D")
        total_trucked = np.where(partial[None, :], total_trucked / (1 - under_reporting), total_trucked)
    total_trucked = total_trucked + ci.specialised_food(wb, c)[None, :]
    north = ci.north_trucks(wb, c, t, runs, gen, fix)
    if floor_south_trucked is None:
        floor_south_trucked = bool(aset.tables["options"]["floor_south_trucked"])
    south = np.where(t.has_rows[None, :], total_trucked - north, 0.0)
    if floor_south_trucked:
        south = np.maximum(south, 0.0)
    trucks = np.stack([north, south], axis=2)
    sources = {
        "agriculture": ci.agriculture(wb, c, act, runs, gen, fix),
        "air_boat": ci.air_boat(wb, c),
        "household_stocks": ci.household_stocks(wb, c, aset, runs, gen),
        "market_stocks": ci.market_stocks(wb, c, act),
        "trucks": trucks,
        "warehouses": ci.warehouses(wb, c, runs, gen, fix),
    }
    inflow = np.zeros((runs, d, 2))
    for v in sources.values():
        inflow = inflow + v
    inputs = balance.BalanceInputs(
        days=c.days,
        areas=ci.AREAS,
        population=c.population[np.newaxis],
        inflows={"all sources, available next day": next_day_availability(inflow)},
        requirement_kcal=c.req_gaza,
        cap_kcal=act[:, None, None],
    )
    periods = {k: date.fromisoformat(v) for k, v in aset.tables["periods"].items() if k != "source"}
    return StudyARun(c, sources, balance.run(inputs), act, t, fix, runs, periods)


@dataclass
class Headline:
    """The figures the paper reports, from one simulation."""

    table1: dict[str, Array]  # source -> (5 quantiles, 4 columns) billion kcal
    truck_share: Array  # (2,) to the end of the UNRWA period
    weeks_below: Array  # (2,) weeks whose median availability is below req_gaza, whole period
    weeks_below_may: Array  # (2,) the same, weeks starting on or before the end of the UNRWA period
    weekly: Array  # (5 quantiles, weeks, 3) kcal/person/day: north, south-central, all Gaza
    week_starts: list[np.datetime64]
    req_gaza: float
    act_median: float
    trucked_tonnes: float


def weekly_runs(run: StudyARun, window: int = 7) -> tuple[Array, list[np.datetime64]]:
    """Weekly kcal/person/day of each run (runs, weeks, 3: north, south-central, all Gaza).

    As Study A's 03: daily consumption per person, a 7-day right-aligned rolling mean, then the
    mean of each 7-day bin from 7 Oct 2023.
    """
    r = run.result
    pc = r.consumed / r.population
    whole = r.consumed.sum(axis=2, keepdims=True) / r.population.sum(axis=2, keepdims=True)
    both = balance.rolling_mean(np.concatenate([pc, whole], axis=2), window)
    starts, weeks = balance.period_index(run.constants.days, "week")
    return balance.period_mean(both, starts), weeks


def weekly_availability(run: StudyARun, window: int = 7) -> tuple[Array, list[np.datetime64]]:
    """Weekly kcal/person/day (:func:`weekly_runs`), quantiles across runs."""
    per_run, weeks = weekly_runs(run, window)
    return montecarlo.quantiles(per_run), weeks


def headline(run: StudyARun, aset: AssumptionSet | None = None) -> Headline:
    aset = aset or load_set(SET)
    end = np.datetime64(run.periods["unrwa_period_end"], "D")
    to_may = (run.constants.days <= end)[None, :, None]
    table: dict[str, Array] = {}
    totals_may = np.zeros((run.runs, 2))
    totals_all = np.zeros((run.runs, 2))
    for name, arr in run.sources.items():
        a = np.broadcast_to(arr, (run.runs, *arr.shape[1:]))
        may = (a * to_may).sum(axis=1) / 1e9
        whole = a.sum(axis=1) / 1e9
        totals_may += may
        totals_all += whole
        table[name] = montecarlo.quantiles(np.concatenate([may, whole], axis=1))
    table["total"] = montecarlo.quantiles(np.concatenate([totals_may, totals_all], axis=1))
    weekly, weeks = weekly_availability(run, int(aset.value("rolling_days")))
    low = weekly[0, :, :2] < run.constants.req_gaza
    below = low.sum(axis=0).astype(np.float64)
    in_may = (np.array(weeks, dtype="datetime64[D]") <= end)[:, None]
    share = table["trucks"][0, :2] / table["total"][0, :2]
    return Headline(
        table1=table,
        truck_share=share,
        weeks_below=below,
        weeks_below_may=(low & in_may).sum(axis=0).astype(np.float64),
        weekly=weekly,
        week_starts=weeks,
        req_gaza=run.constants.req_gaza,
        act_median=float(np.median(run.act)),
        trucked_tonnes=run.trucked.food_tonnes,
    )


COLUMN_NAMES = [
    "north, to 5 May 2024",
    "south-central, to 5 May 2024",
    "north, whole period",
    "south-central, whole period",
]
SOURCE_WORDS = {
    "agriculture": "agriculture and livestock",
    "air_boat": "airdrops and boats",
    "household_stocks": "household stocks",
    "market_stocks": "market stocks",
    "trucks": "trucks",
    "warehouses": "warehouses",
    "total": "all sources",
}
# Documented agreement (docs/validation.md), enforced by tests/model/test_studies.py: Table 1 cells
# within 5 %, household stocks within 10 % (the median of a U(0,1) draw over 1,000 runs moves by
# about 6 % at 95 % from one random stream to another, in the paper's figure as in Lifeline's),
# truck shares within 2 points, weeks below requirement within 2 weeks.
TABLE1_TOL = 5.0
HOUSEHOLD_TOL = 10.0


def results(h: Headline, aset: AssumptionSet) -> list[Result]:
    pub = aset.tables["published"]
    out = []
    for src, cells in pub["table1"].items():
        for i, paper in enumerate(cells):
            tol = HOUSEHOLD_TOL if src == "household_stocks" else TABLE1_TOL
            out.append(
                Result(
                    f"kcal from {SOURCE_WORDS[src]}, {COLUMN_NAMES[i]}",
                    float(paper),
                    round(float(h.table1[src][0, i]), 1),
                    "billion kcal",
                    tol,
                )
            )
    out += [
        Result(
            "share of kcal that came by truck, south-central, to 5 May 2024",
            100 * pub["truck_share_south_to_5may"],
            round(100 * float(h.truck_share[1]), 1),
            "%",
            2.7,  # 2 points of 75 %
        ),
        Result(
            "share of kcal that came by truck, north, to 5 May 2024",
            100 * pub["truck_share_north_to_5may"],
            round(100 * float(h.truck_share[0]), 1),
            "%",
            10.7,  # 2 points of 18.7 %
        ),
        Result(
            "weeks below requirement, north, to 5 May 2024",
            float(pub["weeks_below_north"]),
            float(h.weeks_below_may[0]),
            "weeks",
            17.0,
        ),
        Result(
            "weeks below requirement, south-central, to 5 May 2024",
            float(pub["weeks_below_south"]),
            float(h.weeks_below_may[1]),
            "weeks",
            50.0,
        ),
        Result("weeks below requirement, north, whole period", None, float(h.weeks_below[0]), "weeks"),
        Result("weeks below requirement, south-central, whole period", None, float(h.weeks_below[1]), "weeks"),
        Result(
            "recommended intake (age-sex weighted requirement)", 2059.1, round(h.req_gaza, 1), "kcal/person/day", 0.1
        ),
        Result("pre-war intake cap, median of runs", None, round(h.act_median, 1), "kcal/person/day"),
        Result("UNRWA food tonnage in the model period", None, round(h.trucked_tonnes), "t"),
    ]
    return out
