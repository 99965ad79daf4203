"""Coverage for any area and period: deliveries -> kcal -> balance -> kcal/person/day vs requirement.

This is the question behind ``lifeline coverage`` and the function the web, claims and scenario
code call: :func:`coverage_table` for a cited table, :func:`build_inputs` for the arrays (so a
scenario can change inflows, population or closures before calling :func:`lifeline.model.balance.run`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Connection

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.errors import UserError
from lifeline.formats import Column, ResultTable
from lifeline.model import balance, contexts, kcal, montecarlo, population
from lifeline.model.population_observed import observed_series
from lifeline.store import queries
from lifeline.store.queries_model import deliveries_frame

DEFAULT_SET = "sphere-2100"
CATALOGUE = "commodity-kcal"


@dataclass
class ModelRun:
    """Inputs built from the store and an assumption set, plus what they were built from."""

    inputs: balance.BalanceInputs
    assumptions: AssumptionSet
    catalogue: AssumptionSet
    sources: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    population_sources: dict[str, str] = field(default_factory=dict)
    areas_without_data: list[str] = field(default_factory=list)


def _window(frame: pl.DataFrame, date_from: date | None, date_to: date | None) -> tuple[date, date]:
    if date_from and date_to:
        return date_from, date_to
    if frame.is_empty():
        raise UserError(
            "no deliveries match: import a line list first (`lifeline import FILE`) or widen --from/--to/--source"
        )
    return date_from or frame["date"].min(), date_to or frame["date"].max()  # type: ignore[return-value]


def daily_kg_by_code(
    frame: pl.DataFrame, catalogue: AssumptionSet, days: np.ndarray, areas: list[str], default_area: str
) -> tuple[list[str], np.ndarray, int]:
    """Food kilograms per (code, day, area) and the number of food rows without a weight.

    Rows holding several items are split into their food items with equal weight shares.
    """
    codes = list(catalogue.assumptions)
    food = kcal.food_items(frame.with_columns(pl.col("area").fill_null(default_area)), catalogue)
    unweighed = food.filter(pl.col("kg").is_null())["share"].sum()
    food = food.filter(pl.col("kg").is_not_null() & (pl.col("kg") > 0) & pl.col("area").is_in(areas))
    food = food.with_columns(pl.col("kg") * pl.col("share"))
    agg = food.group_by("food_code", "date", "area").agg(pl.col("kg").sum())
    out = np.zeros((len(codes), len(days), len(areas)))
    if agg.height:
        ci = agg["food_code"].replace_strict(codes, list(range(len(codes))), return_dtype=pl.Int64).to_numpy()
        di = (agg["date"].cast(pl.Date).to_numpy().astype("datetime64[D]") - days[0]).astype(np.int64)
        ai = agg["area"].replace_strict(areas, list(range(len(areas))), return_dtype=pl.Int64).to_numpy()
        ok = (di >= 0) & (di < len(days))
        np.add.at(out, (ci[ok], di[ok], ai[ok]), agg["kg"].to_numpy()[ok])
    return codes, out, round(float(unweighed or 0))


def other_inflows(tables: Mapping[str, Any], days: np.ndarray, areas: list[str]) -> tuple[np.ndarray, list[str]]:
    """kcal per (day, area) from the set's ``[[inflows]]`` (airdrops, sea, stocks, local production)."""
    out = np.zeros((len(days), len(areas)))
    cited = []
    for i, raw in enumerate(tables.get("inflows", []) or []):
        try:
            area = str(raw["area"])
            source = str(raw["source"])
            if "kcal" in raw:
                start = end = np.datetime64(str(raw["date"])[:10], "D")
                per_day = float(raw["kcal"])
            else:
                start = np.datetime64(str(raw["date_from"])[:10], "D")
                end = np.datetime64(str(raw["date_to"])[:10], "D")
                per_day = float(raw["kcal_per_day"])
        except (KeyError, TypeError, ValueError):
            raise UserError(
                f"inflows[{i}] needs area, source and either date + kcal or date_from + date_to + kcal_per_day"
            ) from None
        if area not in areas:
            continue
        mask = (days >= start) & (days <= end)
        out[mask, areas.index(area)] += per_day
        cited.append(f"{raw.get('name', 'other inflow')} ({area}): {source}")
    return out, cited


def build_inputs(
    conn: Connection,
    area: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    source: str | None = None,
    assumptions: AssumptionSet | None = None,
    runs: int = montecarlo.DEFAULT_RUNS,
    seed: int | None = None,
    catalogue: AssumptionSet | None = None,
    context: str | None = None,
) -> ModelRun:
    """Balance inputs from the store's deliveries and an assumption set, with the draws for ``runs`` runs."""
    if runs < 1:
        raise UserError("--runs must be at least 1")
    aset = assumptions or load_set(DEFAULT_SET)
    cat = catalogue or load_set(CATALOGUE)
    ctx = contexts.resolve(conn, context)
    frame = deliveries_frame(conn, date_from, date_to, source)
    if ctx is not None:
        frame = contexts.deliveries_in(frame, ctx, contexts.dataset_contexts(conn, contexts.all_contexts(conn)))
    start, end = _window(frame, date_from, date_to)
    days = population.day_range(start, end)
    series, context_notes = _population_of(conn, ctx, aset)
    if area:
        known = ", ".join(s.area for s in series)
        series = [s for s in series if s.area == area]
        if not series:
            raise UserError(f"no population series for area {area!r} in assumption set {aset.name!r} (areas: {known})")
    if not series:
        raise UserError(f"assumption set {aset.name!r} has no [population.AREA] series")
    areas = [s.area for s in series]
    default_area = str(aset.tables.get("coverage", {}).get("default_area", areas[0]))
    if ctx is not None and default_area not in ctx.members:
        default_area = ctx.code
    if ctx is not None:
        frame, implied = _destination_from_entry_point(frame, ctx)
        if implied:
            context_notes.append(f"{implied} rows name no destination: counted in the one area their entry point "
                                 "serves (#loc+code+serves of the locations file)")
    pop = population.matrix(series, days)
    codes, kg, unweighed = daily_kg_by_code(frame, cat, days, areas, default_area)
    gen = montecarlo.rng(seed)
    _, dens = kcal.densities(cat, runs, gen)  # (runs, codes)
    weight_error = (
        montecarlo.draw(aset.get("kg_weight_error"), runs, gen)
        if "kg_weight_error" in aset.assumptions
        else np.ones(runs)
    )
    loss = (
        montecarlo.draw(aset.get("loss_fraction"), runs, gen) if "loss_fraction" in aset.assumptions else np.zeros(runs)
    )
    delivered = balance.Mixture(dens * (weight_error * (1 - loss))[:, None], kg)
    extra, extra_cited = other_inflows(aset.tables, days, areas)
    cap = None
    if "consumption_cap_kcal" in aset.assumptions:
        cap = montecarlo.draw(aset.get("consumption_cap_kcal"), runs, gen)[:, None, None]
    lag = int(aset.tables.get("coverage", {}).get("inflow_lag_days", 0))
    inputs = balance.BalanceInputs(
        days=days,
        areas=areas,
        population=pop[np.newaxis],
        inflows={"deliveries": delivered, "other": extra[np.newaxis]},
        requirement_kcal=aset.value("requirement_kcal"),
        cap_kcal=cap,
        lag_days=lag,
    )
    notes = [
        *context_notes,
        f"deliveries without an area are counted in {default_area!r}",
        f"kcal from kilograms through the commodity catalogue {cat.name!r}; food rows with an unknown or mixed "
        "commodity take the 'mixed-food' density",
    ]
    outside = frame.filter(~pl.col("area").fill_null(default_area).is_in(areas) & (pl.col("category") == "food"))
    if outside.height:
        names = ", ".join(sorted(str(a) for a in outside["area"].fill_null(default_area).unique().to_list())[:5])
        notes.append(f"{outside.height} food rows in areas without a population series ({names}) are not counted")
    if unweighed:
        notes.append(f"{unweighed} food rows have no weight (counts of items or unknown tonnage) and add no kcal")
    notes += [f"other inflow - {c}" for c in extra_cited]
    seen = set(frame["area"].fill_null(default_area).unique().to_list()) if frame.height else set()
    seen |= {a for j, a in enumerate(areas) if extra[:, j].any()}
    no_data = [a for a in areas if a not in seen]
    if no_data:
        notes.append(f"no deliveries recorded for {', '.join(no_data)} in this window: shown as missing, not as zero")
    return ModelRun(
        areas_without_data=no_data,
        inputs=inputs,
        assumptions=aset,
        catalogue=cat,
        sources=queries.sources_of_deliveries(conn, start, end, source),
        notes=notes,
        population_sources={s.area: s.source for s in series},
    )


def _publishers(conn: Connection, date_from: date | None, date_to: date | None, context: str | None) -> list[str]:
    """The publishers with deliveries in the window, within the question's context when the store has one."""
    every = sorted({str(s["publisher"]) for s in queries.sources_of_deliveries(conn, date_from, date_to)})
    ctx = contexts.resolve(conn, context)
    if ctx is None or len(contexts.all_contexts(conn)) == 1:
        return every
    frame = contexts.deliveries_in(deliveries_frame(conn, date_from, date_to), ctx,
                                   contexts.dataset_contexts(conn, contexts.all_contexts(conn)))
    return sorted(frame["source"].unique().drop_nulls().to_list())


def _population_of(
    conn: Connection, ctx: contexts.Context | None, aset: AssumptionSet
) -> tuple[list[population.Series], list[str]]:
    """The population series of the question's context: the assumption set's ``[population.AREA]`` tables
    for its areas, else the population estimates imported for them (a context set up from its files)."""
    series = population.from_tables(aset.tables.get("population", {}), aset.files[-1])
    if ctx is None:
        return series, []
    own = [s for s in series if s.area in ctx.members]
    if own:
        return own, []
    observed = observed_series(conn, ctx)
    if not observed:
        raise UserError(
            f"no population for context {ctx.code!r}: import #population estimates by #adm1+code (or "
            f"#adm2+code) for its areas, or give [population.AREA] tables with --assumptions"
        )
    return observed, [f"population of {ctx.code} from its imported estimates, by area at the finest level "
                      "that has them; linear between dated estimates, flat before the first and after the last"]


def _destination_from_entry_point(frame: pl.DataFrame, ctx: contexts.Context) -> tuple[pl.DataFrame, int]:
    served = {c: a for c in ctx.entry_points if (a := ctx.served_area(c)) is not None}
    if not served or frame.is_empty():
        return frame, 0
    implied = frame.filter(pl.col("area").is_null() & pl.col("crossing").is_in(list(served))).height
    frame = frame.with_columns(
        pl.coalesce(pl.col("area"), pl.col("crossing").replace_strict(served, default=None, return_dtype=pl.String))
        .alias("area")
    )
    return frame, implied


COLUMNS = [
    Column("period", "#date+start", "period start"),
    Column("area", "#adm1+code"),
    Column("days", "#indicator+num+days"),
    Column("population", "#population+total", "mean population"),
    Column("kcal_pp", "#indicator+num+kcal+median", "kcal/person/day (median)"),
    Column("kcal_pp_low80", "#indicator+num+kcal+low+p10", "low (10 %)"),
    Column("kcal_pp_high80", "#indicator+num+kcal+high+p90", "high (90 %)"),
    Column("kcal_pp_low", "#indicator+num+kcal+low", "low (2.5 %)"),
    Column("kcal_pp_high", "#indicator+num+kcal+high", "high (97.5 %)"),
    Column("requirement", "#indicator+num+kcal+requirement", "requirement kcal"),
    Column("coverage", "#indicator+num+coverage", "coverage (median)"),
    Column("coverage_low", "#indicator+num+coverage+low", "coverage low"),
    Column("coverage_high", "#indicator+num+coverage+high", "coverage high"),
    Column("days_below", "#indicator+num+days+below", "days below requirement (median)"),
    Column("sources", "#meta+source"),
    Column("assumptions", "#meta+assumptions", "assumption set"),
]


def coverage_table(
    conn: Connection,
    area: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    by: str = "month",
    source: str | None = None,
    assumptions: str | Path = DEFAULT_SET,
    overrides: Iterable[str | Path] = (),
    runs: int = montecarlo.DEFAULT_RUNS,
    seed: int | None = None,
    context: str | None = None,
) -> ResultTable:
    """kcal per person per day (median and 95 % interval) and coverage per period and area, cited.

    Line lists of different publishers count the same flows (UNRWA trucks collected, COGAT trucks
    screened), so without ``source`` each publisher is computed on its own, never summed.
    """
    aset = load_set(str(assumptions), overrides)
    publishers: list[str] = [source] if source else _publishers(conn, date_from, date_to, context)
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    sources: list[dict[str, Any]] = []
    if len(publishers) > 1:
        notes.append(
            f"{', '.join(publishers)} record the same flows counted differently: each is computed on its own "
            "(one row per source), never summed; pick one with --source"
        )
    for publisher in publishers or [""]:  # no deliveries at all: build_inputs says so
        model = build_inputs(conn, area, date_from, date_to, publisher or None, aset, runs, seed, context=context)
        summary = balance.summarise(model.inputs, by=by)
        rows += _rows(model, summary, aset)
        sources += [s for s in model.sources if s not in sources]
        notes += [n for n in model.notes if n not in notes]
    notes = [
        f"{runs} Monte Carlo run(s), seed {montecarlo.DEFAULT_SEED if seed is None else seed}; "
        "kcal/person/day = kcal consumed in the period / person-days, consumption capped per person per day "
        "with the surplus carried over",
        *notes,
        *(f"population of {k}: {v}" for k, v in model.population_sources.items()),
    ]
    return ResultTable(
        title=f"Food energy coverage by {by} and area",
        columns=COLUMNS,
        rows=rows,
        sources=sources,
        notes=notes,
        query={
            "area": area,
            "from": date_from,
            "to": date_to,
            "by": by,
            "source": source,
            "runs": runs,
            "context": context,
            "assumptions": aset.files,
        },
    )


def _rows(model: ModelRun, summary: balance.Summary, aset: AssumptionSet) -> list[dict[str, Any]]:
    req = model.inputs.requirement_kcal
    cited = ", ".join(sorted({str(s["publisher"]) for s in model.sources})) or "none"
    used = " + ".join([aset.name, model.catalogue.name] + [Path(f).name for f in aset.files[1:]])
    rows = []
    for p, start in enumerate(summary.periods):
        for a, name in enumerate(summary.areas):
            # montecarlo.QUANTILES order: median, 10 %, 90 %, 2.5 %, 97.5 %.
            med, low80, high80, low, high = (float(summary.per_capita[q, p, a]) for q in range(5))
            missing = name in model.areas_without_data
            if missing:
                med = low80 = high80 = low = high = float("nan")
            rows.append(
                {
                    "period": str(start),
                    "area": name,
                    "days": int(summary.days[p]),
                    "population": round(float(summary.population[p, a])),
                    "kcal_pp": _round(med),
                    "kcal_pp_low80": _round(low80),
                    "kcal_pp_high80": _round(high80),
                    "kcal_pp_low": _round(low),
                    "kcal_pp_high": _round(high),
                    "requirement": req,
                    "coverage": _round(med / req, 3),
                    "coverage_low": _round(low / req, 3),
                    "coverage_high": _round(high / req, 3),
                    "days_below": None if missing else _round(float(summary.days_below[0, p, a]), 1),
                    "sources": cited,
                    "assumptions": used,
                }
            )
    return rows


def _round(x: float, nd: int = 0) -> float | None:
    if not np.isfinite(x):
        return None
    return round(x, nd) if nd else float(round(x))
