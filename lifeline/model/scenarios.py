"""What-if projections: close or throttle crossings, change capacities, move people, from a date.

A scenario file (TOML) names a start date and a horizon, the baseline window whose recorded
deliveries set each crossing's trucks per day and kcal per truck, the areas with their population
at the start (each with a source), which areas each crossing reaches, and the changes to apply.
The projection reuses the coverage engine (:mod:`lifeline.model.balance`, the commodity kcal
catalogue and the Monte Carlo draws of :mod:`lifeline.model.coverage`), so a scenario and the
coverage of recorded deliveries are computed the same way: kcal per person per day per area and
day with intervals, and the day each area's stock runs out.

Trucks reaching a crossing are split between the areas it reaches in proportion to population
(``allocation = "proportional"``) or by the maximin LP of :mod:`lifeline.model.allocation`
(``allocation = "maximin"``), solved once per distinct day.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray
from sqlalchemy import Connection

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.errors import NotFound, UserError
from lifeline.formats import Column, ResultTable
from lifeline.model import allocation, balance, kcal, montecarlo
from lifeline.model.coverage import CATALOGUE, DEFAULT_SET, daily_kg_by_code
from lifeline.store import queries
from lifeline.store.queries_model import deliveries_frame
from lifeline.store.scope import DeliveryScope

Array = NDArray[np.float64]
SHIPPED = Path(__file__).with_name("scenario_files")
MODES = ("proportional", "maximin")


@dataclass
class Change:
    """One change to a crossing from ``start`` for ``days`` (None: to the end of the horizon)."""

    crossing: str
    start: date
    days: int | None
    factor: float | None = None  # closure = 0, throttle = fraction kept
    trucks_per_day: float | None = None  # capacity set outright


@dataclass
class Movement:
    """``people`` leave ``origin`` for the ``shares`` destinations, evenly over ``days`` from ``start``."""

    origin: str
    shares: dict[str, float]
    people: float
    start: date
    days: int
    source: str = ""


@dataclass
class Scenario:
    title: str
    start: date
    days: int
    baseline_from: date
    baseline_to: date
    areas: list[str]
    population: Array  # (A,) at the start
    population_sources: dict[str, str]
    reach: dict[str, list[str]]
    changes: list[Change] = field(default_factory=list)
    movements: list[Movement] = field(default_factory=list)
    opening_stock_days: Array | None = None  # (A,) days of requirement held at the start
    stock_source: str = ""
    source: str | None = None  # publisher or series of the baseline deliveries
    assumptions: str = DEFAULT_SET
    runs: int = 200
    seed: int | None = None
    allocation: str = "proportional"
    file: str = "scenario"
    notes: list[str] = field(default_factory=list)
    # The context whose deliveries set the baseline (``lifeline scenario --context``); None = the whole store.
    scope: DeliveryScope | None = None

    @property
    def day_index(self) -> NDArray[np.datetime64]:
        return np.arange(np.datetime64(self.start, "D"), np.datetime64(self.start, "D") + self.days)


def _date(raw: Any, key: str, file: str) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise UserError(f"{key} must be a date YYYY-MM-DD, got {raw!r}", file=file) from None


def _num(raw: Any, key: str, file: str, low: float = 0.0) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise UserError(f"{key} must be a number, got {raw!r}", file=file) from None
    if not np.isfinite(value) or value < low:
        raise UserError(f"{key} must be a finite number >= {low:g}, got {raw!r}", file=file)
    return value


def resolve(path: str | Path) -> Path:
    """A scenario file path, or the name of one shipped with Lifeline."""
    p = Path(path)
    if p.exists():
        return p
    shipped = SHIPPED / f"{p.name}.toml"
    if shipped.exists():
        return shipped
    names = ", ".join(sorted(f.stem for f in SHIPPED.glob("*.toml")))
    raise NotFound(f"scenario file not found (shipped scenarios: {names})", file=str(path))


def load_scenario(path: str | Path) -> Scenario:
    """Parse and check a scenario file; every problem names the file and the key."""
    p = resolve(path)
    file = str(p)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"not valid TOML ({exc})", file=file) from None
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text", file=file) from None
    return parse(doc, file)


def parse(doc: Mapping[str, Any], file: str = "scenario") -> Scenario:
    head = doc.get("scenario")
    if not isinstance(head, Mapping):
        raise UserError("needs a [scenario] table with title, start and days", file=file)
    for key in ("start", "days", "baseline_from", "baseline_to"):
        if key not in head:
            raise UserError(f"[scenario] needs {key!r}", file=file)
    start = _date(head["start"], "scenario.start", file)
    days = int(_num(head["days"], "scenario.days", file, 1))
    pop_tab = doc.get("population")
    if not isinstance(pop_tab, Mapping) or not pop_tab:
        raise UserError("needs a [population] table: AREA = {value = N, source = '...'}", file=file)
    areas, pops, pop_src = [], [], {}
    for area, raw in pop_tab.items():
        if not isinstance(raw, Mapping) or "value" not in raw or "source" not in raw:
            raise UserError(f"population.{area} needs 'value' and 'source'", file=file)
        areas.append(str(area))
        pops.append(_num(raw["value"], f"population.{area}.value", file))
        pop_src[str(area)] = str(raw["source"])
    reach_tab = doc.get("reach", {})
    if not isinstance(reach_tab, Mapping) or not reach_tab:
        raise UserError("needs a [reach] table: CROSSING = ['AREA', ...]", file=file)
    reach: dict[str, list[str]] = {}
    for crossing, raw in reach_tab.items():
        if crossing in {"source", "note"}:
            continue
        targets = [str(a) for a in (raw if isinstance(raw, list) else [])]
        bad = [a for a in targets if a not in areas]
        if bad or not isinstance(raw, list):
            raise UserError(f"reach.{crossing} must list areas of [population]; unknown: {bad or raw!r}", file=file)
        reach[str(crossing)] = targets
    changes: list[Change] = []
    for kind in ("closures", "throttles", "capacities"):
        for i, raw in enumerate(doc.get(kind, []) or []):
            key = f"{kind}[{i}]"
            if not isinstance(raw, Mapping) or "crossing" not in raw:
                raise UserError(f"{key} needs 'crossing'", file=file)
            ch = Change(
                crossing=str(raw["crossing"]),
                start=_date(raw.get("from", start), f"{key}.from", file),
                days=int(_num(raw["days"], f"{key}.days", file, 1)) if "days" in raw else None,
            )
            if kind == "closures":
                ch.factor = 0.0
            elif kind == "throttles":
                ch.factor = _num(raw.get("factor"), f"{key}.factor", file)
            else:
                ch.trucks_per_day = _num(raw.get("trucks_per_day"), f"{key}.trucks_per_day", file)
            changes.append(ch)
    movements: list[Movement] = []
    for i, raw in enumerate(doc.get("movements", []) or []):
        key = f"movements[{i}]"
        if not isinstance(raw, Mapping) or not {"from_area", "to", "people"} <= set(raw):
            raise UserError(f"{key} needs from_area, to = {{AREA = share}}, people", file=file)
        shares = {str(k): _num(v, f"{key}.to.{k}", file) for k, v in dict(raw["to"]).items()}
        unknown = [a for a in [str(raw["from_area"]), *shares] if a not in areas]
        if unknown:
            raise UserError(f"{key}: unknown area(s) {unknown}; areas are {areas}", file=file)
        total = sum(shares.values())
        if total <= 0:
            raise UserError(f"{key}.to shares must add up to more than 0", file=file)
        movements.append(
            Movement(
                origin=str(raw["from_area"]),
                shares={k: v / total for k, v in shares.items()},
                people=_num(raw["people"], f"{key}.people", file),
                start=_date(raw.get("from", start), f"{key}.from", file),
                days=int(_num(raw.get("days", 1), f"{key}.days", file, 1)),
                source=str(raw.get("source", "")),
            )
        )
    stock = doc.get("stocks", {})
    stock_days = None
    if stock:
        per = stock.get("days_of_requirement", {})
        stock_days = np.array([_num(per.get(a, 0.0), f"stocks.days_of_requirement.{a}", file) for a in areas])
    mode = str(head.get("allocation", "proportional"))
    if mode not in MODES:
        raise UserError(f"scenario.allocation must be one of {', '.join(MODES)}, got {mode!r}", file=file)
    return Scenario(
        title=str(head.get("title", Path(file).stem)),
        start=start,
        days=days,
        baseline_from=_date(head["baseline_from"], "scenario.baseline_from", file),
        baseline_to=_date(head["baseline_to"], "scenario.baseline_to", file),
        areas=areas,
        population=np.array(pops),
        population_sources=pop_src,
        reach=reach,
        changes=changes,
        movements=movements,
        opening_stock_days=stock_days,
        stock_source=str(stock.get("source", "")) if stock else "",
        source=head.get("source"),
        assumptions=str(head.get("assumptions", DEFAULT_SET)),
        runs=int(_num(head.get("runs", 200), "scenario.runs", file, 1)),
        seed=int(head["seed"]) if "seed" in head else None,
        allocation=mode,
        file=file,
        notes=[str(n) for n in head.get("notes", [])],
    )


@dataclass
class Baseline:
    """Per crossing: recorded trucks per day and kcal per truck (per run) over the baseline window."""

    crossings: list[str]
    trucks_per_day: Array  # (C,)
    kcal_per_truck: Array  # (runs, C)
    days: int
    sources: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def baseline(conn: Connection, sc: Scenario, aset: AssumptionSet, cat: AssumptionSet, runs: int) -> Baseline:
    """Trucks/day and kcal/truck per crossing from the deliveries recorded in the baseline window."""
    frame = deliveries_frame(conn, sc.baseline_from, sc.baseline_to, sc.source, scope=sc.scope)
    if frame.is_empty():
        raise UserError(
            f"no deliveries recorded between {sc.baseline_from} and {sc.baseline_to}"
            + (f" from {sc.source!r}" if sc.source else "")
            + ": import a line list or change baseline_from/baseline_to",
            file=sc.file,
        )
    frame = frame.with_columns(pl.col("crossing").fill_null("unknown"))
    crossings = sorted(set(frame["crossing"].to_list()) | set(sc.reach) | {c.crossing for c in sc.changes})
    bdays = np.arange(np.datetime64(sc.baseline_from, "D"), np.datetime64(sc.baseline_to, "D") + 1)
    # The coverage engine's kg-by-code routine, keyed by crossing instead of area.
    _, kg, _ = daily_kg_by_code(frame.with_columns(pl.col("crossing").alias("area")), cat, bdays, crossings, "unknown")
    gen = montecarlo.rng(sc.seed)
    _, dens = kcal.densities(cat, runs, gen)
    factor = np.ones(runs)
    if "kg_weight_error" in aset.assumptions:
        factor = factor * montecarlo.draw(aset.get("kg_weight_error"), runs, gen)
    if "loss_fraction" in aset.assumptions:
        factor = factor * (1 - montecarlo.draw(aset.get("loss_fraction"), runs, gen))
    kcal_total = np.einsum("rc,cdx->rx", dens, kg) * factor[:, None]  # (runs, crossings)
    trucks = frame.group_by("crossing").agg(pl.col("trucks").sum()).to_dict(as_series=False)
    t_by = dict(zip(trucks["crossing"], trucks["trucks"], strict=True))
    total_trucks = np.array([float(t_by.get(c) or 0.0) for c in crossings])
    with np.errstate(divide="ignore", invalid="ignore"):
        kpt = np.where(total_trucks > 0, kcal_total / total_trucks, np.nan)
    overall = kcal_total.sum(axis=1) / max(total_trucks.sum(), 1e-9)  # (runs,)
    kpt = np.where(np.isfinite(kpt), kpt, overall[:, None])
    publishers = sorted({str(p) for p in frame["source"].unique().to_list()})
    notes = []
    if len(publishers) > 1:
        notes.append(
            f"the baseline mixes {len(publishers)} lists ({', '.join(publishers)}): a truck both record is counted "
            "twice; set scenario.source to one list"
        )
    return Baseline(
        crossings=crossings,
        trucks_per_day=total_trucks / len(bdays),
        kcal_per_truck=kpt,
        days=len(bdays),
        sources=queries.sources_of_deliveries(conn, sc.baseline_from, sc.baseline_to, sc.source, scope=sc.scope),
        notes=notes,
    )


def trucks_plan(sc: Scenario, base: Baseline) -> Array:
    """Trucks per day per crossing over the horizon, (days, C), after the scenario's changes in order."""
    days = sc.day_index
    plan = np.broadcast_to(base.trucks_per_day, (len(days), len(base.crossings))).copy()
    for ch in sc.changes:
        c = base.crossings.index(ch.crossing)
        lo = np.datetime64(ch.start, "D")
        hi = lo + ch.days if ch.days is not None else days[-1] + 1
        mask = (days >= lo) & (days < hi)
        if ch.trucks_per_day is not None:
            plan[mask, c] = ch.trucks_per_day
        else:
            plan[mask, c] *= float(ch.factor if ch.factor is not None else 1.0)
    return plan


def population_plan(sc: Scenario) -> Array:
    """Population per day and area, (days, A): the start value plus the movements completed by each day."""
    days = sc.day_index
    pop = np.broadcast_to(sc.population, (len(days), len(sc.areas))).copy()
    for m in sc.movements:
        elapsed = (days - np.datetime64(m.start, "D")).astype(np.int64) + 1
        moved = m.people * np.clip(elapsed / m.days, 0.0, 1.0)  # (days,)
        o = sc.areas.index(m.origin)
        moved = np.minimum(moved, sc.population[o])  # nobody leaves who is not there
        pop[:, o] -= moved
        for area, share in m.shares.items():
            pop[:, sc.areas.index(area)] += moved * share
    return np.maximum(pop, 0.0)


def reach_matrix(sc: Scenario, crossings: list[str]) -> NDArray[np.bool_]:
    r = np.zeros((len(crossings), len(sc.areas)), dtype=bool)
    for c, targets in sc.reach.items():
        if c in crossings:
            for a in targets:
                r[crossings.index(c), sc.areas.index(a)] = True
    return r


def shares(sc: Scenario, base: Baseline, trucks: Array, pop: Array, reach: NDArray[np.bool_], req: float) -> Array:
    """Fraction of each crossing's trucks going to each area per day, (days, C, A)."""
    weights = reach[np.newaxis, :, :] * pop[:, np.newaxis, :]
    if sc.allocation == "maximin":
        out = np.zeros_like(weights)
        kpt = np.median(base.kcal_per_truck, axis=0)
        solved: dict[bytes, Array] = {}
        for t in range(trucks.shape[0]):
            key = np.round(trucks[t], 6).tobytes() + np.round(pop[t]).tobytes()
            if key not in solved:
                prob = allocation.Problem(base.crossings, sc.areas, trucks[t], reach, pop[t], req, kpt)
                x = allocation.maximin(prob).trucks
                with np.errstate(divide="ignore", invalid="ignore"):
                    solved[key] = np.where(x.sum(axis=1, keepdims=True) > 0, x / x.sum(axis=1, keepdims=True), 0.0)
            out[t] = solved[key]
        return out
    total = weights.sum(axis=2, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, weights / total, 0.0)


@dataclass
class Projection:
    scenario: Scenario
    days: NDArray[np.datetime64]
    areas: list[str]
    population: Array  # (days, A)
    trucks: Array  # (days, C)
    crossings: list[str]
    per_capita: Array  # (5 quantiles, days, A)
    stock_days: Array  # (5 quantiles, days, A): stock left, in days of requirement
    stockout_day: Array  # (5 quantiles, A): day (1 = start) when stock first runs out; NaN = not within horizon
    requirement: float
    runs: int
    sources: list[dict[str, Any]]
    notes: list[str]
    unreached: list[str]


def project(conn: Connection, sc: Scenario, runs: int | None = None) -> Projection:
    """Run the scenario: per run, day and area kcal per person, stock, and the day the stock runs out."""
    runs = runs or sc.runs
    aset = load_set(sc.assumptions)
    cat = load_set(CATALOGUE)
    base = baseline(conn, sc, aset, cat, runs)
    req = aset.value("requirement_kcal")
    trucks = trucks_plan(sc, base)
    pop = population_plan(sc)
    reach = reach_matrix(sc, base.crossings)
    share = shares(sc, base, trucks, pop, reach, req)
    # kcal into each area: sum over crossings of trucks x kcal/truck (per run) x share.
    flow = trucks[:, :, np.newaxis] * share  # (days, C, A) trucks/day to each area
    inflow = np.einsum("rc,dca->rda", base.kcal_per_truck, flow)
    gen = montecarlo.rng(None if sc.seed is None else sc.seed + 1)
    cap = None
    if "consumption_cap_kcal" in aset.assumptions:
        cap = montecarlo.draw(aset.get("consumption_cap_kcal"), runs, gen)[:, None, None]
    opening = 0.0 if sc.opening_stock_days is None else (sc.opening_stock_days * sc.population * req)[None, None, :]
    inputs = balance.BalanceInputs(
        days=sc.day_index,
        areas=sc.areas,
        population=pop[np.newaxis],
        inflows={"trucks": inflow},
        requirement_kcal=req,
        cap_kcal=cap,
        opening_stock=opening,
    )
    res = balance.run(inputs)
    pc = res.per_capita
    need = np.maximum(pop * req, 1e-9)[np.newaxis]
    stock_days = res.carry / need
    short = (res.carry <= 1e-6) & (pc < req)
    first = np.where(short.any(axis=1), short.argmax(axis=1) + 1.0, np.nan)  # (runs, A)
    unreached = [a for j, a in enumerate(sc.areas) if not reach[:, j].any()]
    notes = [
        f"{runs} Monte Carlo run(s); intervals are 2.5-97.5 % across runs of kcal per kg, recorded weight and losses",
        f"baseline: deliveries recorded {sc.baseline_from} to {sc.baseline_to} ({base.days} days)"
        + (f" from {sc.source}" if sc.source else "")
        + "; trucks/day and kcal/truck per crossing are held at that level unless the scenario changes them",
        f"trucks split between the areas a crossing reaches by {sc.allocation}"
        + (" (population shares)" if sc.allocation == "proportional" else " LP (HiGHS), solved per distinct day"),
        "a stock runs out on the first day it is empty and the day's kcal per person fall short of the requirement",
        *(f"population of {a}: {s}" for a, s in sc.population_sources.items()),
        *([f"opening stocks: {sc.stock_source}"] if sc.stock_source else []),
        *(f"movement from {m.origin}: {m.source}" for m in sc.movements if m.source),
        *sc.notes,
        *base.notes,
    ]
    if unreached:
        notes.append(f"no crossing reaches {', '.join(unreached)}: they receive nothing in this scenario")
    return Projection(
        scenario=sc,
        days=sc.day_index,
        areas=sc.areas,
        population=pop,
        trucks=trucks,
        crossings=base.crossings,
        per_capita=montecarlo.quantiles(pc),
        stock_days=montecarlo.quantiles(stock_days),
        stockout_day=np.quantile(first, montecarlo.QUANTILES, axis=0) if runs > 1 else np.repeat(first, 5, axis=0),
        requirement=req,
        runs=runs,
        sources=base.sources + [{"publisher": "scenario file", "title": sc.title, "url": sc.file}],
        notes=notes,
        unreached=unreached,
    )


def _r(x: float, nd: int = 0) -> float | None:
    return None if not np.isfinite(x) else (round(float(x), nd) if nd else float(round(float(x))))


def rows(p: Projection, by: str = "day") -> list[dict[str, Any]]:
    """One row per period and area: population, kcal/person/day (median, 95 %), coverage, stock, stock-out day."""
    starts, periods = balance.period_index(p.days, by)
    pc = balance.period_mean(p.per_capita, starts)  # (5, periods, A)
    stock = balance.period_mean(p.stock_days, starts)
    popm = balance.period_mean(p.population[np.newaxis], starts)[0]
    out = []
    for i, start in enumerate(periods):
        for j, area in enumerate(p.areas):
            so = p.stockout_day[:, j]
            out.append(
                {
                    "period": str(start),
                    "area": area,
                    "population": _r(popm[i, j]),
                    "kcal_pp": _r(pc[0, i, j]),
                    "kcal_pp_low": _r(pc[3, i, j]),
                    "kcal_pp_high": _r(pc[4, i, j]),
                    "coverage": _r(pc[0, i, j] / p.requirement, 3),
                    "stock_days": _r(stock[0, i, j], 1),
                    "stockout_day": _r(so[0]),
                    "stockout_day_low": _r(so[3]),
                    "stockout_day_high": _r(so[4]),
                    "stockout_date": str(p.days[0] + int(so[0]) - 1) if np.isfinite(so[0]) else None,
                }
            )
    return out


def allocation_rows(conn: Connection, sc: Scenario, day: date | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """On one day of the scenario: the maximin allocation, the trucks needed, and what was recorded."""
    aset, cat = load_set(sc.assumptions), load_set(CATALOGUE)
    base = baseline(conn, sc, aset, cat, 1)
    req = aset.value("requirement_kcal")
    when = day or sc.start
    t = int((np.datetime64(when, "D") - np.datetime64(sc.start, "D")).astype(np.int64))
    if not 0 <= t < sc.days:
        raise UserError(f"--day {when} is outside the scenario ({sc.start} + {sc.days} days)", file=sc.file)
    trucks, pop = trucks_plan(sc, base)[t], population_plan(sc)[t]
    reach = reach_matrix(sc, base.crossings)
    prob = allocation.Problem(base.crossings, sc.areas, trucks, reach, pop, req, base.kcal_per_truck[0])
    best, need = allocation.maximin(prob), allocation.trucks_needed(prob)
    prop = shares(Scenario(**{**sc.__dict__, "allocation": "proportional"}), base, trucks[None], pop[None], reach, req)[
        0
    ]
    prop_cov = allocation.coverage(prob, trucks[:, None] * prop)
    # What was recorded on the scenario's days (if the store holds them), split like the proportional rule.
    rec = deliveries_frame(conn, sc.start, sc.start + timedelta(days=sc.days - 1), sc.source, scope=sc.scope)
    rec_by = dict(rec.group_by("crossing").agg(pl.col("trucks").sum()).iter_rows()) if rec.height else {}
    rec_trucks = np.array([float(rec_by.get(c) or 0.0) for c in base.crossings]) / sc.days
    rec_cov = allocation.coverage(prob, rec_trucks[:, None] * prop) if rec.height else np.full(len(sc.areas), np.nan)
    out = []
    for j, area in enumerate(sc.areas):
        out.append(
            {
                "area": area,
                "population": _r(pop[j]),
                "trucks_proportional": _r(float((trucks[:, None] * prop)[:, j].sum()), 1),
                "coverage_proportional": _r(prop_cov[j], 3),
                "trucks_maximin": _r(float(best.trucks[:, j].sum()), 1),
                "coverage_maximin": _r(best.coverage[j], 3),
                "trucks_needed": _r(float(need.per_area[j]), 1),
                "trucks_recorded": _r(float((rec_trucks[:, None] * prop)[:, j].sum()), 1) if rec.height else None,
                "coverage_recorded": _r(rec_cov[j], 3),
            }
        )
    extra = ", ".join(f"{c} +{v:,.0f}" for c, v in zip(base.crossings, need.extra_capacity, strict=True) if v > 0.5)
    notes = [
        f"day {when}: {trucks.sum():,.1f} trucks/day available across crossings; maximin lowest coverage "
        f"{best.min_coverage:.3f}; {need.total_per_day:,.0f} trucks/day needed to bring every reachable area to "
        f"{req:g} kcal/person/day" + (f" (extra capacity: {extra})" if extra else ""),
        "trucks/day are food-equivalent rates at the baseline kcal per truck of each crossing",
        "recorded: line-list trucks per day over the scenario's days, split between reachable areas by population "
        "(the lists record crossings, not destinations)"
        if rec.height
        else "recorded: the store holds no deliveries for the scenario's days",
    ]
    if need.unreachable:
        notes.append(f"no route reaches: {', '.join(need.unreachable)}")
    return out, notes


PROJECTION_COLUMNS = [
    Column("period", "#date+start", "period start"),
    Column("area", "#adm1+code"),
    Column("population", "#population+total"),
    Column("kcal_pp", "#indicator+num+kcal+median", "kcal/person/day (median)"),
    Column("kcal_pp_low", "#indicator+num+kcal+low", "low (2.5 %)"),
    Column("kcal_pp_high", "#indicator+num+kcal+high", "high (97.5 %)"),
    Column("coverage", "#indicator+num+coverage", "coverage (median)"),
    Column("stock_days", "#indicator+num+stock+days", "stock left (days of need)"),
    Column("stockout_date", "#date+stockout", "stock runs out (median)"),
    Column("stockout_day_low", "#indicator+num+stockout+low", "run-out day low"),
    Column("stockout_day_high", "#indicator+num+stockout+high", "run-out day high"),
]

ALLOCATION_COLUMNS = [
    Column("area", "#adm1+code"),
    Column("population", "#population+total"),
    Column("trucks_proportional", "#indicator+num+trucks+proportional", "trucks/day (population split)"),
    Column("coverage_proportional", "#indicator+num+coverage+proportional", "coverage"),
    Column("trucks_maximin", "#indicator+num+trucks+maximin", "trucks/day (maximin LP)"),
    Column("coverage_maximin", "#indicator+num+coverage+maximin", "coverage"),
    Column("trucks_needed", "#indicator+num+trucks+needed", "trucks/day needed"),
    Column("trucks_recorded", "#indicator+num+trucks+recorded", "trucks/day recorded"),
    Column("coverage_recorded", "#indicator+num+coverage+recorded", "coverage"),
]


def projection_table(p: Projection, by: str = "week") -> ResultTable:
    """The projection per period and area as a cited table (the CLI, API and web print this)."""
    sc = p.scenario
    return ResultTable(
        title=f"{sc.title}: projection from {sc.start} for {sc.days} days",
        columns=PROJECTION_COLUMNS,
        rows=rows(p, by),
        sources=p.sources,
        notes=p.notes,
        query={"scenario": sc.file, "by": by, "runs": p.runs},
    )


def allocation_table(conn: Connection, sc: Scenario, day: date | None = None) -> ResultTable:
    """Proportional, maximin and needed trucks per area on one day, against what was recorded, cited."""
    out, notes = allocation_rows(conn, sc, day)
    sources = queries.sources_of_deliveries(conn, sc.baseline_from, sc.baseline_to, sc.source, scope=sc.scope)
    return ResultTable(
        title=f"{sc.title}: allocation of trucks on {day or sc.start}",
        columns=ALLOCATION_COLUMNS,
        rows=out,
        sources=sources + [{"publisher": "scenario file", "title": sc.title, "url": sc.file}],
        notes=notes,
        query={"scenario": sc.file, "day": day or sc.start},
    )
