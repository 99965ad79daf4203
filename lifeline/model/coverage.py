"""Coverage for any area and period: deliveries -> kcal -> balance -> kcal/person/day vs requirement.

This is the question behind ``lifeline coverage`` and the function the web, claims and scenario
code call: :func:`coverage_table` for a cited table, :func:`build_inputs` for the arrays (so a
scenario can change inflows, population or closures before calling :func:`lifeline.model.balance.run`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Connection

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.errors import UserError
from lifeline.formats import Column, ResultTable
from lifeline.model import balance, completeness, contexts, destination_split, kcal, montecarlo, population
from lifeline.model.population_observed import observed_series
from lifeline.store import queries, window
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
    # Index of the first day asked about: the balance starts at the list's first recorded day, so the
    # stock carried into a period is the same whatever day a question starts on (one answer).
    report_from: int = 0
    span: completeness.Span | None = None
    entry_days: np.ndarray | None = None  # (days,) rows recorded by the source on each day
    # (days,) rows recorded for each area with deliveries (an area without any has none: no entries)
    area_entry_days: dict[str, np.ndarray] | None = None
    monitoring: list[completeness.PartialMonitoring] = field(default_factory=list)
    cap_value: float | None = None
    context: str | None = None  # the context's code: the name of its whole-context row
    split: str | None = None  # the split assumption the areas' figures rest on (named beside each figure)


def _window(
    frame: pl.DataFrame, date_from: date | None, date_to: date | None, source: str | None
) -> tuple[date, date, date, str | None]:
    """(first day of the balance, first day asked about, last day, the note when the list's span was cut):
    the balance runs from the list's first recorded day and stops at its last, so no day outside what the
    source covers is modelled; without --from / --to the days shown are the list's span, clamped by
    :func:`lifeline.store.window.span` (a list reaching over more than MAX_WINDOW_DAYS keeps its latest)."""
    if frame.is_empty():
        where = f" from {source}" if source else ""
        raise UserError(
            f"no deliveries{where} match: import a line list first (`lifeline import FILE`) or widen "
            "--from/--to/--source"
        )
    first: date = frame["date"].min()  # type: ignore[assignment]
    last: date = frame["date"].max()  # type: ignore[assignment]
    shown = window.span((first, last), date_from, date_to)
    assert shown.first is not None and shown.last is not None  # a default span always gives both
    start, end = max(shown.first, first), min(shown.last, last)
    # The stock carried into the period asked comes from at most MAX_WINDOW_DAYS before it: a stored row dated
    # 0001-01-01 must not make the balance run for two thousand years (memory grows with the days).
    first = max(first, start - timedelta(days=window.MAX_WINDOW_DAYS))
    if start > end:
        raise UserError(
            f"the {source or 'deliveries'} list covers {first} to {last}: nothing recorded in the window asked "
            f"({date_from or first} to {date_to or last}); that is no coverage, not zero"
        )
    return first, start, end, shown.note(f"the {source or 'deliveries'} list") if shown.cut else None


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
    sc = contexts.scope(conn, context)
    ctx = sc.context
    split = destination_split.for_context(aset, sc.code, ctx.members if ctx else frozenset())
    series, context_notes = (list(split.population), []) if split else _population_of(conn, ctx, aset)
    if area and not (split and area == sc.code):  # the whole of a split context: both areas, then the whole row
        known = ", ".join(s.area for s in series)
        series = [s for s in series if s.area == area]
        if not series:
            raise UserError(f"no population series for area {area!r} in assumption set {aset.name!r} (areas: {known})")
    if not series:
        raise UserError(f"assumption set {aset.name!r} has no [population.AREA] series")
    # The whole list, not the window: its first and last recorded days bound the balance, so a window that
    # ends before the list does still counts its last days (and the stock carried into them).
    history = scoped_deliveries(conn, sc, source)
    first, asked, end, cut = _window(history, date_from, date_to, source)
    frame = history.filter((pl.col("date") <= end) & (pl.col("date") >= first))
    days = population.day_range(first, end)
    areas = [s.area for s in series]
    default_area = str(aset.tables.get("coverage", {}).get("default_area", areas[0]))
    if ctx is not None and default_area not in ctx.members:
        default_area = ctx.code
    if ctx is not None:
        frame, implied = _destination_from_entry_point(frame, ctx)
        if implied:
            context_notes.append(f"{implied} rows name no destination: counted in the one area their entry point "
                                 "serves (#loc+code+serves of the locations file)")
    if split:
        frame = destination_split.place(frame, split)
    pop = population.matrix(series, days)
    codes, kg, unweighed = daily_kg_by_code(frame, cat, days, areas, default_area)
    if split:
        _, kg_unplaced, _ = daily_kg_by_code(frame, cat, days, [destination_split.UNPLACED], default_area)
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
    cap_value = None
    if "consumption_cap_kcal" in aset.assumptions:
        cap = montecarlo.draw(aset.get("consumption_cap_kcal"), runs, gen)[:, None, None]
        cap_value = aset.value("consumption_cap_kcal")
    lag = int(aset.tables.get("coverage", {}).get("inflow_lag_days", 0))
    flows: dict[str, Any] = {"deliveries": delivered, "other": extra[np.newaxis]}
    if split:
        unplaced_kcal = np.einsum("rk,kd->rd", delivered.weights, kg_unplaced[:, :, 0])
        shares = split.shares(days, runs, gen)
        flows["deliveries without destination"] = destination_split.inflow(split, unplaced_kcal, shares, areas)
    inputs = balance.BalanceInputs(
        days=days,
        areas=areas,
        population=pop[np.newaxis],
        inflows=flows,
        requirement_kcal=aset.value("requirement_kcal"),
        cap_kcal=cap,
        lag_days=lag,
    )
    shown = frame.filter(pl.col("date") >= asked)
    notes = [
        *context_notes,
        *(_split_notes(split, shown, days[int((np.datetime64(asked, "D") - days[0]).astype(np.int64))], days[-1])
          if split else _default_area_note(shown, default_area)),
        f"kcal from kilograms through the commodity catalogue {cat.name!r}",
    ]
    fallback, fallback_t = kcal.fallback_rows(shown)
    if fallback:
        notes.append(
            f"FLAG: {fallback} food rows ({fallback_t:,.1f} t) match no catalogue entry and are counted at the "
            "'mixed-food' fallback density (list them: `lifeline commodities unmapped --category food`)"
        )
        uncertain, uncertain_t = kcal.uncertain_rows(shown)
        if uncertain:
            notes.append(
                f"FLAG: {uncertain} of these food rows ({uncertain_t:,.1f} t) matched a catalogue rule only on a head "
                "word their modifier may redefine (e.g. 'peanut butter'): an uncertain match, not used"
            )
    other, other_t = kcal.non_food_in_food(shown, cat)
    if other:
        notes.append(
            f"{other} rows of the food category ({other_t:,.1f} t) hold a known non-food item (e.g. bottled water) "
            "and carry no kcal"
        )
    counted = [*areas, destination_split.UNPLACED] if split else areas
    outside = shown.filter(~pl.col("area").fill_null(default_area).is_in(counted) & (pl.col("category") == "food"))
    if outside.height:
        names = ", ".join(sorted(str(a) for a in outside["area"].fill_null(default_area).unique().to_list())[:5])
        notes.append(f"{outside.height} food rows in areas without a population series ({names}) are not counted")
    if unweighed:
        notes.append(f"{unweighed} food rows have no weight (counts of items or unknown tonnage) and add no kcal")
    notes += [f"other inflow - {c}" for c in extra_cited]
    if cut:
        notes.append(cut)
    if first < asked:
        notes.append(
            f"the balance runs from the list's first recorded day ({first}; at most {window.MAX_WINDOW_DAYS:,} days "
            f"before the period asked), so the stock carried into {asked} is the same whatever day a question starts on"
        )
    if date_to and date_to > end:
        notes.append(f"the list's last recorded day is {end}: later days are not covered (n/a, not zero)")
    seen = set(frame["area"].fill_null(default_area).unique().to_list()) if frame.height else set()
    if split and destination_split.UNPLACED in seen:
        seen |= set(split.areas)  # each receives its share of the rows without a destination
    seen |= {a for j, a in enumerate(areas) if extra[:, j].any()}
    no_data = [a for a in areas if a not in seen]
    if no_data:
        notes.append(f"no deliveries recorded for {', '.join(no_data)} in this window: shown as missing, not as zero")
    entry_days = _rows_per_day(frame, days)
    area_entry_days = {a: _rows_per_day(frame.filter(pl.col("area").fill_null(default_area) == a), days)
                       for a in areas if a not in no_data}
    publisher = str(frame["source"][0]) if frame.height and frame["source"].n_unique() == 1 else source
    return ModelRun(
        areas_without_data=no_data,
        inputs=inputs,
        assumptions=aset,
        catalogue=cat,
        sources=queries.sources_of_deliveries(conn, asked, end, source, scope=sc.deliveries),
        notes=notes,
        population_sources={s.area: s.source for s in series},
        report_from=int((np.datetime64(asked, "D") - days[0]).astype(np.int64)),
        span=_recorded_span(conn, source, publisher, first, end),
        entry_days=entry_days,
        area_entry_days=area_entry_days,
        monitoring=completeness.monitoring_for(publisher),
        cap_value=cap_value,
        context=ctx.code if ctx is not None else None,
        split=f"{split.name} ({split.to} / {split.rest}, see notes)" if split else None,
    )


def _publishers(conn: Connection, date_from: date | None, date_to: date | None, context: str | None) -> list[str]:
    """The publishers with deliveries in the window, within the question's context when the store has one."""
    sc = contexts.scope(conn, context)
    return sorted({str(s["publisher"]) for s in
                   queries.sources_of_deliveries(conn, date_from, date_to, scope=sc.deliveries)})


def lists_note(conn: Connection, publishers: list[str], date_from: date | None, date_to: date | None,
               context: str | None) -> str:
    """Why several lists are computed each on its own: "the same flows counted differently" only where they
    overlap (a crossing and commodity recorded by two of them on one day); lists that never overlap (different
    commodities, as El Fasher's two) may add up, said so, and are still not summed by Lifeline."""
    from lifeline.model.access import KNOWN_DIFFERENCE

    names = ", ".join(publishers)
    frame = scoped_deliveries(conn, contexts.scope(conn, context), None, date_from, date_to)
    keys = frame.filter(pl.col("source").is_in(publishers)).select("date", "crossing", "commodity", "source").unique()
    pairs = keys.join(keys, on=["date", "commodity"], suffix="_b").filter(
        (pl.col("source") < pl.col("source_b"))  # a row naming no crossing may be at any of them
        & (pl.col("crossing").is_null() | pl.col("crossing_b").is_null()
           | (pl.col("crossing") == pl.col("crossing_b"))))
    shared = pairs.select("date", "commodity").unique().height
    if KNOWN_DIFFERENCE[0] <= set(publishers):  # documented: UNRWA and COGAT count the same entries
        return (f"{names} record the same flows counted differently: each is computed on its own "
                "(one row per source), never summed; pick one with --source")
    if shared:
        return (f"{names} record the same flows counted differently ({shared} commodity-days at one crossing in "
                "common): each is computed on its own (one row per source), never summed; pick one with --source")
    return (f"{names} share no crossing, commodity and day in this window, so their lists may add up; each is "
            "still computed on its own (one row per source), Lifeline does not sum lists; pick one with --source")


def scoped_deliveries(conn: Connection, sc: contexts.Scope, source: str | None = None,
                      date_from: date | None = None, date_to: date | None = None) -> pl.DataFrame:
    """The delivery rows coverage counts for a question's scope: the same SQL condition every store query
    adds (:class:`lifeline.store.scope.DeliveryScope`), so one context gives one set of deliveries everywhere."""
    return deliveries_frame(conn, date_from, date_to, source, scope=sc.deliveries)


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


def _split_notes(split: destination_split.Split, shown: pl.DataFrame, first: np.datetime64,
                 last: np.datetime64) -> list[str]:
    """What the split did to the rows of the period asked, and the share it used, period by period."""
    food = shown.filter(pl.col("category") == "food")
    unplaced = food.filter(pl.col("area") == destination_split.UNPLACED).height
    placed = {a: food.filter(pl.col("area") == a).height for a in split.areas}
    return [
        f"{split.to} against {split.rest}: {unplaced:,} food rows name no destination and are split by the "
        f"{split.name} (its range drawn in each Monte Carlo run); rows with a recorded destination go where they "
        f"went ({', '.join(f'{n:,} to {a}' for a, n in placed.items())}: an area inside one of them, or an entry "
        f"point reaching only one: {', '.join(f'{c} -> {a}' for c, a in sorted(split.entry_points.items()))})",
        *split.notes(first, last),
        f"{split.name}: {split.source}",
    ]


def _rows_per_day(frame: pl.DataFrame, days: np.ndarray) -> np.ndarray:
    """Rows recorded on each of ``days`` (0 where none)."""
    out = np.zeros(len(days))
    per_day = frame.group_by("date").agg(pl.len().alias("n"))
    if per_day.height:
        di = (per_day["date"].cast(pl.Date).to_numpy().astype("datetime64[D]") - days[0]).astype(np.int64)
        out[di] = per_day["n"].to_numpy()
    return out


def _default_area_note(shown: pl.DataFrame, default_area: str) -> list[str]:
    """Say where rows without an area went, only when some did (after the entry points' own areas)."""
    unplaced = shown.filter(pl.col("area").is_null()).height if shown.height else 0
    return [f"{unplaced:,} rows name no area: counted in {default_area!r}"] if unplaced else []


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


def _recorded_span(
    conn: Connection, source: str | None, publisher: str | None, first: date, end: date
) -> completeness.Span:
    """The days the list records, whatever the window asked (its last day may lie after ``--to``)."""
    found = completeness.spans(conn, source)
    if publisher in found:
        return found[str(publisher)]
    if found:
        return completeness.Span(
            str(publisher or "all"), min(s.first for s in found.values()), max(s.last for s in found.values())
        )
    return completeness.Span(str(publisher or "all"), first, end)


COLUMNS = [
    Column("period", "#date+start", "period start"),
    Column("period_end", "#date+end", "period end"),
    Column("area", "#adm1+code"),
    Column("source", "#meta+source+list", "line list"),
    Column("days", "#indicator+num+days"),
    Column("days_with_entries", "#indicator+num+days+entries", "days with recorded entries"),
    Column("completeness", "#status+period", "period"),
    Column("monitoring", "#meta+monitoring", "source monitoring"),
    Column("population", "#population+total", "mean population"),
    Column("kcal_in_pp", "#indicator+num+kcal+entering", "kcal entering/person/day (flows, median)"),
    Column("kcal_pp", "#indicator+num+kcal+median", "kcal available/person/day (consumed, capped; median)"),
    Column("kcal_pp_low80", "#indicator+num+kcal+low+p10", "low (10 %)"),
    Column("kcal_pp_high80", "#indicator+num+kcal+high+p90", "high (90 %)"),
    Column("kcal_pp_low", "#indicator+num+kcal+low", "low (2.5 %)"),
    Column("kcal_pp_high", "#indicator+num+kcal+high", "high (97.5 %)"),
    Column("requirement", "#indicator+num+kcal+requirement", "requirement kcal"),
    Column("cap", "#indicator+num+kcal+cap", "consumption cap kcal"),
    Column("days_at_cap", "#indicator+num+days+cap", "days at the cap (median)"),
    Column("coverage", "#indicator+num+coverage", "coverage (median)"),
    Column("coverage_low", "#indicator+num+coverage+low", "coverage low"),
    Column("coverage_high", "#indicator+num+coverage+high", "coverage high"),
    Column("days_below", "#indicator+num+days+below", "days below requirement (median)"),
    Column("flag", "#meta+flag"),
    Column("sources", "#meta+source"),
    Column("assumptions", "#meta+assumptions", "assumption set"),
]

# What the two kcal series are, said once and shown with every table.
SERIES_NOTE = (
    "kcal entering = the kcal of the food the list records entering, per person per day (flows, uncapped); "
    "kcal available = what can be eaten: entering kcal plus the stock carried over from earlier days, consumed up "
    "to the consumption cap per person per day (known stocks enter only as named [[inflows]] of the assumption set)"
)


def daily_window(aset: AssumptionSet) -> int:
    """Days of the trailing window of daily figures (``[coverage] daily_window_days``; Study A uses 7)."""
    return int(aset.tables.get("coverage", {}).get("daily_window_days", 1))


def coverage_table(
    conn: Connection,
    area: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    by: str = "month",
    source: str | None = None,
    assumptions: str | Path | AssumptionSet = DEFAULT_SET,
    overrides: Iterable[str | Path] = (),
    runs: int = montecarlo.DEFAULT_RUNS,
    seed: int | None = None,
    context: str | None = None,
) -> ResultTable:
    """kcal per person per day (median and 95 % interval) and coverage per period and area, cited.

    Line lists of different publishers count the same flows (UNRWA trucks collected, COGAT trucks
    screened), so without ``source`` each publisher is computed on its own, never summed. The answer
    for a period does not depend on the window asked: the balance starts at the list's first day.
    """
    return coverage_tables(conn, area, date_from, date_to, (by,), source, assumptions, overrides, runs, seed,
                           context)[by]


def coverage_tables(
    conn: Connection,
    area: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    bys: Iterable[str] = ("month",),
    source: str | None = None,
    assumptions: str | Path | AssumptionSet = DEFAULT_SET,
    overrides: Iterable[str | Path] = (),
    runs: int = montecarlo.DEFAULT_RUNS,
    seed: int | None = None,
    context: str | None = None,
) -> dict[str, ResultTable]:
    """:func:`coverage_table` for several period kinds from one set of model runs (a report needs three)."""
    bys = list(bys)
    # a set already composed (the claims route their override files among the sets they use) is taken as is
    aset = assumptions if isinstance(assumptions, AssumptionSet) else load_set(str(assumptions), overrides)
    publishers: list[str] = [source] if source else _publishers(conn, date_from, date_to, context)
    rows: dict[str, list[dict[str, Any]]] = {b: [] for b in bys}
    notes: list[str] = []
    sources: list[dict[str, Any]] = []
    if len(publishers) > 1:
        notes.append(lists_note(conn, publishers, date_from, date_to, context))
    window = daily_window(aset)
    model = None
    for publisher in publishers or [""]:  # no deliveries at all: build_inputs says so
        model = build_inputs(conn, area, date_from, date_to, publisher or None, aset, runs, seed, context=context)
        first_day = model.inputs.days[model.report_from]
        origin = first_day - ((first_day.astype("datetime64[D]").astype(np.int64) + 3) % 7)  # the Monday
        for b in bys:
            summary = balance.summarise(
                model.inputs, by=b, report_from=model.report_from, window=window,
                origin=origin if b == "week" else None,
                whole=(area is None or area == model.context) and len(model.inputs.areas) > 1,
            )
            found = _rows(model, summary, aset, b)
            # the whole of a context balanced by area (a split): only its whole row was asked for
            rows[b] += [r for r in found if r["area"] == area] if area and area == model.context else found
        sources += [s for s in model.sources if s not in sources]
        notes += [n for n in model.notes if n not in notes]
        notes += [f"{m.text} ({m.source})" for m in model.monitoring if f"{m.text} ({m.source})" not in notes]
    assert model is not None
    cap = f"{model.cap_value:,.0f}" if model.cap_value else None
    head = [
        f"parameters: source {source or ', '.join(publishers)}; assumption set {aset.name}"
        + "".join(f" + {Path(f).name}" for f in aset.files[1:])
        + f"; {runs} Monte Carlo run(s), seed {montecarlo.DEFAULT_SEED if seed is None else seed}",
        SERIES_NOTE,
        "kcal/person/day = kcal consumed in the period / person-days"
        + (
            f"; consumption capped at {cap} kcal/person/day (central value) with the surplus carried over; a period "
            "flagged 'at the cap' shows the cap, not the supply: see kcal entering"
            if cap
            else ""
        ),
        "periods cut by the list's first or last recorded day are marked partial and are never a 'latest period' "
        "headline; weeks start on Monday",
    ]
    out = {}
    for b in bys:
        extra = []
        if b == "day" and window > 1:
            extra.append(
                f"daily figures are {window}-day trailing means (the {window} days ending that day; Study A uses "
                "7 days): a day without a recorded entry is never read as a day without food; a day whose window "
                "holds no recorded entry at all is shown as a gap"
            )
        out[b] = ResultTable(
            title=f"Food energy coverage by {b} and area",
            columns=COLUMNS,
            rows=rows[b],
            sources=sources,
            notes=[*head, *extra, *notes, *(f"population of {k}: {v}" for k, v in model.population_sources.items())],
            query={
                "area": area,
                "from": date_from,
                "to": date_to,
                "by": b,
                "source": source,
                "runs": runs,
                "seed": montecarlo.DEFAULT_SEED if seed is None else seed,
                "context": context,
                "assumptions": aset.files,
            },
        )
    return out


def _rows(model: ModelRun, summary: balance.Summary, aset: AssumptionSet, by: str) -> list[dict[str, Any]]:
    req = model.inputs.requirement_kcal
    cited = ", ".join(sorted({str(s["publisher"]) for s in model.sources})) or "none"
    used = " + ".join([aset.name, model.catalogue.name] + [Path(f).name for f in aset.files[1:]])
    if model.split:
        used += f"; split: {model.split}"
    last = model.inputs.days[-1].astype("datetime64[D]").astype(date)
    entries = model.entry_days if model.entry_days is not None else np.zeros(len(model.inputs.days))
    k = model.report_from
    starts = np.r_[0, np.cumsum(summary.days)[:-1]] + k
    rows = []
    for p, start in enumerate(summary.periods):
        first_day = start.astype("datetime64[D]").astype(date)
        a_day = completeness.nominal_start(first_day, by)
        b_day = completeness.period_end(a_day, by, last)
        in_window = entries[starts[p] : starts[p] + summary.days[p]]
        with_entries = int((in_window > 0).sum())
        full = (b_day - a_day).days + 1
        mark = completeness.completeness(a_day, b_day, model.span)
        if mark == completeness.COMPLETE and by != "all" and summary.days[p] < full:
            mark = f"partial: {int(summary.days[p])} of {full} days in the window asked"
        gap = False
        span_days = int(summary.days[p]) if by != "day" else int(min(summary.window, starts[p] + 1))
        if by == "day":
            lo = max(0, starts[p] - summary.window + 1)
            gap = not entries[lo : starts[p] + 1].any()
        for a, name in enumerate(summary.areas):
            area_mark, area_entries = mark, with_entries
            if model.area_entry_days is not None and name not in model.area_entry_days:
                area_entries = 0  # no row reached this area: its days have no entries, the period is not complete
                area_mark = "n/a: no deliveries recorded for this area"
            elif model.area_entry_days is not None:
                area_entries = int((model.area_entry_days[name][starts[p] : starts[p] + summary.days[p]] > 0).sum())
            # montecarlo.QUANTILES order: median, 10 %, 90 %, 2.5 %, 97.5 %.
            med, low80, high80, low, high = (float(summary.per_capita[q, p, a]) for q in range(5))
            entering = float(summary.inflow_per_capita[0, p, a]) if summary.inflow_per_capita is not None else np.nan
            at_cap = float(summary.days_at_cap[0, p, a]) if summary.days_at_cap is not None else 0.0
            missing = name in model.areas_without_data or gap
            if missing:
                med = low80 = high80 = low = high = entering = float("nan")
            flags = []
            if gap:
                flags.append(f"gap: no entry recorded in the {summary.window} days ending this day")
            if not missing and model.cap_value and at_cap >= span_days - 0.5:
                flags.append(
                    f"at the cap ({model.cap_value:,.0f} kcal) every day: the figure is the cap, not the supply"
                )
            elif not missing and model.cap_value and at_cap >= span_days / 2:
                flags.append(f"at the cap on {at_cap:.0f} of {span_days} days: held down by the cap")
            if area_mark != completeness.COMPLETE:
                flags.append(area_mark)
            monitoring = completeness.monitoring_flag(a_day, b_day, model.monitoring)
            rows.append(
                {
                    "period": a_day.isoformat() if by != "all" else first_day.isoformat(),
                    "period_end": b_day.isoformat(),
                    "area": name,
                    "source": model.span.publisher if model.span else cited,
                    "days": int(summary.days[p]),
                    "days_with_entries": area_entries,
                    "completeness": area_mark,
                    "monitoring": monitoring,
                    "population": round(float(summary.population[p, a])),
                    "kcal_in_pp": _round(entering),
                    "kcal_pp": _round(med),
                    "kcal_pp_low80": _round(low80),
                    "kcal_pp_high80": _round(high80),
                    "kcal_pp_low": _round(low),
                    "kcal_pp_high": _round(high),
                    "requirement": req,
                    "cap": model.cap_value,
                    "days_at_cap": None if missing else _round(at_cap, 1),
                    "coverage": _round(med / req, 3),
                    "coverage_low": _round(low / req, 3),
                    "coverage_high": _round(high / req, 3),
                    "days_below": None if missing else _round(float(summary.days_below[0, p, a]), 1),
                    "flag": "; ".join(flags) or None,
                    "sources": cited,
                    "assumptions": used,
                }
            )
        if summary.whole is not None:
            # the whole row carries the list's completeness and entry days, not its last area's
            whole_base = rows[-1] | {"completeness": mark, "days_with_entries": with_entries}
            rows.append(_whole_row(model, summary, p, whole_base, gap))
    return rows


WHOLE_NOTE = ("the whole context: total kcal consumed in its areas / their total person-days (population-weighted), "
              "not a mean of the areas' figures")


def _whole_row(model: ModelRun, summary: balance.Summary, p: int, last: dict[str, Any], gap: bool) -> dict[str, Any]:
    """The row of all areas together for period ``p``, beside the areas' rows (``last`` is one of them). It is
    missing (n/a) where an area has no deliveries recorded: its figure is unknown, so the whole's is too."""
    whole = summary.whole
    assert whole is not None
    req = model.inputs.requirement_kcal
    med, low80, high80, low, high = (float(whole.per_capita[q, p]) for q in range(5))
    entering = float(whole.inflow_per_capita[0, p])
    flags = [WHOLE_NOTE]
    missing = bool(model.areas_without_data) or gap
    if model.areas_without_data:
        flags.append(f"n/a: no deliveries recorded for {', '.join(model.areas_without_data)}")
    if missing:
        med = low80 = high80 = low = high = entering = float("nan")
    mark = str(last["completeness"])
    if mark != completeness.COMPLETE:
        flags.append(mark)
    if model.areas_without_data:  # the figures are missing, so the mark says n/a as they do
        mark = f"n/a: no deliveries recorded for {', '.join(model.areas_without_data)}"
    return last | {
        "completeness": mark,
        "area": model.context if model.context and model.context not in summary.areas else "all areas",
        "population": round(float(whole.population[p])),
        "kcal_in_pp": _round(entering),
        "kcal_pp": _round(med),
        "kcal_pp_low80": _round(low80),
        "kcal_pp_high80": _round(high80),
        "kcal_pp_low": _round(low),
        "kcal_pp_high": _round(high),
        "days_at_cap": None,
        "coverage": _round(med / req, 3),
        "coverage_low": _round(low / req, 3),
        "coverage_high": _round(high / req, 3),
        "days_below": None if missing else _round(float(whole.days_below[0, p]), 1),
        "flag": "; ".join(flags),
    }


def latest_complete(rows: list[dict[str, Any]]) -> str | None:
    """The newest period start whose period is complete: the only one a 'latest period' headline may show."""
    done = [
        str(r["period"])
        for r in rows
        if completeness.is_complete(r.get("completeness")) and r.get("kcal_pp") is not None
    ]
    return max(done) if done else None


def _round(x: float, nd: int = 0) -> float | None:
    if not np.isfinite(x):
        return None
    return round(x, nd) if nd else float(round(x))


# The list coverage is computed from when none is named and the context holds it: the UN's (Gaza).
DEFAULT_LIST = "UNRWA"


def context_lists(conn: Connection, context: str | None) -> list[str]:
    """The publishers whose deliveries belong to the context (every publisher in a store of one context)."""
    from lifeline.store.queries_access import delivery_coverage

    return [str(r["publisher"]) for r in delivery_coverage(conn, scope=contexts.scope(conn, context).deliveries)]


def default_list(publishers: list[str] | None) -> str | None:
    """The list coverage is computed from by default, one rule for the coverage and map pages and the sitrep:
    ``DEFAULT_LIST`` where the context holds it (or the store holds several contexts and none is named:
    ``None`` publishers), else the context's one list, else none (each list on its own row, as the CLI and API
    answer without --source)."""
    if publishers is None or DEFAULT_LIST in publishers or not publishers:
        return DEFAULT_LIST
    return publishers[0] if len(publishers) == 1 else None


def named_list(conn: Connection, context: str | None, source: str) -> str:
    """The publisher of the context's line list ``source`` names as ``deliveries --source`` accepts it
    (publisher, series or kind, any case); an unknown name is refused with the lists the context holds."""
    from sqlalchemy import distinct, select

    from lifeline.store import schema

    sc = contexts.scope(conn, context)
    d, ds, s = schema.deliveries, schema.datasets, schema.sources
    stmt = (select(distinct(s.c.publisher)).select_from(d.join(ds, d.c.dataset_id == ds.c.id)
                                                        .join(s, ds.c.source_id == s.c.id))
            .where(*queries.current_deliveries_filter(None, None, source, d, sc.deliveries)))
    found = sorted(str(p) for p in conn.execute(stmt).scalars())
    if len(found) == 1:
        return found[0]
    held = context_lists(conn, context)
    if not found:
        where = f" in context {sc.code!r}" if sc.context is not None else ""
        raise UserError(f"--source {source!r}: no line list of that publisher, series or kind{where}; "
                        f"lists held: {'; '.join(held) or 'none'}")
    raise UserError(f"--source {source!r} names {len(found)} lists ({'; '.join(found)}): name one publisher")
