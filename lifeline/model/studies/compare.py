"""Why Study A and Study B disagree, factor by factor, each with its effect in kcal/person/day.

A chain of one-change-at-a-time substitutions leads from Study A (as Lifeline reproduces it) to
Study B's published 3,004 kcal: each step changes one factor of Study A's calculation into Study
B's, and its effect is the change in the whole-Gaza mean kcal per person per day (median of runs).
What is left at the end is reported as the residual, not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from lifeline.assumptions import AssumptionSet
from lifeline.model import balance
from lifeline.model.studies import checchi
from lifeline.model.studies.fliss_isakov import StudyB


@dataclass
class Factor:
    factor: str
    effect_kcal: float
    explanation: str
    after_kcal: float


def _median(x: np.ndarray) -> float:
    return float(np.median(x))


def _deficit_weeks_in_window(a: checchi.StudyARun, b: StudyB) -> str:
    """How many of A's weeks below requirement (weekly median, by area) overlap B's window."""
    weekly, weeks = checchi.weekly_availability(a)
    starts = np.array(weeks, dtype="datetime64[D]")
    inside = (starts + np.timedelta64(6, "D") >= np.datetime64(b.start, "D")) & (starts <= np.datetime64(b.end, "D"))
    parts = []
    for j, area in enumerate(("north", "south-central")):
        low = weekly[0, :, j] < a.constants.req_gaza
        parts.append(f"{int((low & inside).sum())} of {int(low.sum())} {area} weeks")
    return "of A's weeks below requirement, " + " and ".join(parts) + " fall inside B's window"


def decompose(a: checchi.StudyARun, b: StudyB, b_set: AssumptionSet, cogat: pl.DataFrame) -> tuple[float, list[Factor]]:
    """Study A's whole-period mean and the factors leading from it to Study B's published figure."""
    days = a.constants.days
    pop = a.result.population  # (1 or runs, days, 2)
    total_pop = pop.sum(axis=2)  # (runs or 1, days)
    window = (days >= np.datetime64(b.start, "D")) & (days <= np.datetime64(b.end, "D"))
    factors: list[Factor] = []

    def mean_pp(kcal: np.ndarray, mask: np.ndarray) -> float:
        return _median(kcal[:, mask].sum(axis=1) / total_pop[:, mask].sum(axis=1))

    consumed = a.result.consumed.sum(axis=2)
    start = mean_pp(consumed, np.ones_like(window))
    level = start

    def step(name: str, value: float, why: str) -> None:
        nonlocal level
        factors.append(Factor(name, round(value - level, 1), why, round(value, 1)))
        level = value

    step(
        "period",
        mean_pp(consumed, window),
        f"Study A runs 7 Oct 2023 - 31 Aug 2024; Study B covers {b.start:%d %b %Y} - {b.end:%d %b %Y} only; "
        + _deficit_weeks_in_window(a, b),
    )

    inflow = np.sum([np.broadcast_to(v, a.result.consumed.shape) for v in a.sources.values()], axis=0)
    one_area = balance.run(
        balance.BalanceInputs(
            days=days,
            areas=["gaza"],
            population=total_pop[:, :, None],
            inflows={"all": checchi.next_day_availability(inflow.sum(axis=2, keepdims=True))},
            requirement_kcal=a.constants.req_gaza,
            cap_kcal=a.act[:, None, None],
        )
    )
    pooled = mean_pp(one_area.consumed[:, :, 0], window)
    step(
        "north/south split",
        pooled,
        "Study A balances north and south-central separately, so a surplus in one cannot feed the other; "
        "Study B counts the whole Strip as one pool; "
        + (
            "pooled, the area in deficit draws down the other's stocks before B's window, so less is left inside it"
            if pooled < level
            else "pooled, one area's surplus feeds the other's deficit inside B's window"
        ),
    )
    before_cap = level
    uncapped = mean_pp(inflow.sum(axis=2), window)
    step(
        "capped consumption vs averages",
        uncapped,
        "Study A caps each day's consumption at the pre-war intake (about 2,600-2,800 kcal) and carries the rest; "
        "Study B averages all supply over the months, uncapped; "
        + (
            "here the window's inflows are below what A's people consumed in it, because consumption also drew "
            "on stocks carried in from before the window"
            if uncapped < before_cap
            else "here the cap held back supply that the uncapped average counts"
        ),
    )

    kept = {k: v for k, v in a.sources.items() if k in ("trucks", "air_boat")}
    supply = np.sum([np.broadcast_to(v, a.result.consumed.shape) for v in kept.values()], axis=0).sum(axis=2)
    step(
        "stocks and agriculture",
        mean_pp(supply, window),
        "Study A adds pre-war warehouse, market and household stocks and local agriculture; Study B counts only "
        "what entered through crossings, air and sea",
    )

    density = a.trucked.mean_kcal_per_kg
    cog = np.zeros(len(days))
    day = (cogat["date"].to_numpy().astype("datetime64[D]") - days[0]).astype(np.int64)
    ok = (day >= 0) & (day < len(days))
    np.add.at(cog, day[ok], cogat["kg"].fill_null(0).to_numpy()[ok] * density)
    cut = np.datetime64(a.periods["partial_reporting_from"], "D")
    before = days < cut
    replaced = np.where(before[None, :], cog[None, :], supply)
    step(
        "source counts and tonnage per truck (before 6 May 2024)",
        mean_pp(replaced, window),
        f"Study A converts UNRWA trucks collected (pallets x 637.5 kg, about 14 t a truck); Study B's registry counts "
        f"COGAT trucks at the crossing (nominal 15/20/30 t); here COGAT's food tonnage replaces A's trucks, airdrops "
        f"and boats at A's own density ({density:,.0f} kcal/kg)",
    )
    replaced = np.broadcast_to(cog[None, :], supply.shape)
    step(
        "UNRWA's partial reporting after 6 May 2024",
        mean_pp(replaced, window),
        "UNRWA's list is partial from 6 May 2024 (UN staff could no longer be at Kerem Shalom) and Study A does not "
        "correct it; COGAT's list goes on counting",
    )
    step(
        "losses",
        mean_pp(replaced * (1 - b.loss), window),
        f"Study A applies no loss; Study B deducts projected losses (rate not public; {100 * b.loss:.1f} % assumed, "
        "the rate that turns the COGAT CSV total into B's net tonnage)",
    )
    published_density = b_set.value("kcal_per_kg")
    step(
        "energy density",
        mean_pp(replaced * (1 - b.loss) * published_density / density, window),
        f"Study A values items one by one ({density:,.0f} kcal/kg on average); Study B's figures imply "
        f"{published_density:,.0f} kcal/kg at {b.population:,.0f} people (back-calculated, not published)",
    )
    scale = float(np.mean(total_pop[:, window])) / b.population
    step(
        "population",
        level * scale,
        f"Study A's population by day (total {a.constants.pop_total:,.0f}); Study B's census figure is not public "
        f"({b.population:,.0f} assumed)",
    )
    target = float(b_set.tables["published"]["kcal_per_person_day"])
    factors.append(
        Factor(
            "residual",
            round(target - level, 1),
            "what remains: Study B's own registry (items and weights per shipment) is not the public "
            "COGAT line list, and rounding",
            target,
        )
    )
    return start, factors
