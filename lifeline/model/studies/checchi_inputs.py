"""Study A's inputs turned into daily arrays: population, requirement, intake cap, and each kcal source.

Each function follows one step of the method as written up in the studies reference (A.1) and takes
the workbook, so the numbers come from where the study published them; switches correct the known
defects of the published code one at a time (``fix`` holds the keys of ``[defects]`` corrected).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.ingest.normalise import CommodityCatalogue
from lifeline.model.studies import checchi_items as items
from lifeline.model.studies.workbook import Workbook

AREAS = ["north", "south-central"]
Array = NDArray[np.float64]
TRUCK_LIKE = {"truck", "ctn", "piece", "box", "vehicles", "tents", "each"}
TONNE_UNITS = {"ton", "mt", "tons", "tonne", "tonnes"}
NUTRITION = "nutrition-supplement"


def _lower_age(label: str) -> int:
    """Lower bound in years of an age label ('0mo', '12 to 59mo', '20 to 24yo', '>=70yo', '60 to 100yo')."""
    text = label.replace(">=", "").strip()
    if text.endswith("mo"):
        return 0
    return int(text.split()[0].replace("yo", ""))


def _band(intake_req: list[dict], lower: int) -> dict:
    bands = sorted((_lower_age(r["age"]), r) for r in intake_req if r["age"] not in ("pregnant", "lactating"))
    return [r for lo, r in bands if lo <= lower][-1]


@dataclass
class Constants:
    """Deterministic quantities derived from the workbook."""

    days: NDArray[np.datetime64]
    pop_total: float
    population: Array  # (days, 2)
    req_gaza: float
    prewar_pop: Array  # (2,)
    aid_share: Array  # (2,)
    prewar_aid_per_day: float  # kcal/day of pre-war food aid, all Gaza
    intake_log: Array  # (strata,)
    intake_log_sd: Array
    intake_weight: Array
    intake_rec: Array


def constants(wb: Workbook, aset: AssumptionSet) -> Constants:
    start, end = wb.date("date_start"), wb.date("date_end")
    days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    pop = float(wb.general("pop"))
    north_dates = np.array(wb.dated("pop_north", "date"), dtype="datetime64[D]")
    north = np.interp(days.astype(np.int64), north_dates.astype(np.int64), wb.numbers("pop_north", "pop_north"))
    population = np.stack([north, pop - north], axis=1)

    intake_req = wb.rows("intake_req", "age", "male", "female")
    ages = [r for r in wb.rows("prop_age_sex", "age", "male", "female") if r["age"]]
    extra = {r["age"]: float(r["female"]) for r in intake_req if r["age"] in ("pregnant", "lactating")}
    req = 0.0
    for r in ages:
        if r["age"] in ("pregnant", "lactating"):
            req += float(r["female"]) * extra[r["age"]]
            continue
        band = _band(intake_req, _lower_age(r["age"]))
        req += float(r["male"]) * float(band["male"]) + float(r["female"]) * float(band["female"])

    strata = wb.rows("adult_intake", "age_cat", "sex", "intake_log", "intake_log_sd")
    weights, recs = [], []
    for s in strata:
        lo = _lower_age(s["age_cat"])
        hi = lo + 10 if not s["age_cat"].startswith(">=") else 200
        sex = s["sex"]
        weights.append(
            sum(
                float(r[sex])
                for r in ages
                if r["age"] not in ("pregnant", "lactating")
                and lo <= _lower_age(r["age"]) < hi
                and not r["age"].endswith("mo")
            )
        )
        recs.append(float(_band(intake_req, lo)[sex]))

    reliant = wb.rows("prop_reliant", "location", "received_food_parcels", "pop_share")
    prewar = np.array([sum(pop * float(r["pop_share"]) for r in reliant if r["location"] == a) for a in AREAS])
    recipients = np.array(
        [
            sum(pop * float(r["pop_share"]) * float(r["received_food_parcels"]) for r in reliant if r["location"] == a)
            for a in AREAS
        ]
    )

    v = aset.value
    kcal_unrwa = v("unrwa_parcel_recipients") * v("unrwa_parcel_kcal") + v("unrwa_other_recipients") * v(
        "unrwa_other_kcal"
    )
    rations: dict[object, float] = {}
    for r in wb.rows("parcels", "agency", "version", "type", "kg", "kcal_kg"):
        if r["agency"] == "WFP" and r["type"] == "warehouse":
            rations[r["version"]] = rations.get(r["version"], 0.0) + float(r["kg"]) * float(r["kcal_kg"])
    kcal_wfp = (
        (v("wfp_distributions_per_year") / 365)
        * (pop / float(wb.general("mean_hh_size")))
        * v("wfp_household_share")
        * sum(rations.values())
    )
    return Constants(
        days=days,
        pop_total=pop,
        population=population,
        req_gaza=req,
        prewar_pop=prewar,
        aid_share=recipients / recipients.sum(),
        prewar_aid_per_day=kcal_unrwa + kcal_wfp,
        intake_log=np.array([float(s["intake_log"]) for s in strata]),
        intake_log_sd=np.array([float(s["intake_log_sd"]) for s in strata]),
        intake_weight=np.array(weights),
        intake_rec=np.array(recs),
    )


def act_gaza(c: Constants, runs: int, gen: np.random.Generator) -> Array:
    """Pre-war intake per person per run: req_gaza x (weighted drawn intake / weighted recommended), 40+ strata."""
    if runs == 1:
        drawn = np.exp(c.intake_log)[np.newaxis, :]
    else:
        drawn = np.exp(gen.normal(c.intake_log, c.intake_log_sd, (runs, len(c.intake_log))))
    ratio = (drawn @ c.intake_weight) / (c.intake_weight @ c.intake_rec)
    return c.req_gaza * ratio


def _step_interp(days: NDArray[np.datetime64], rows: list[dict], date_key: str, value_key: str, area: str) -> Array:
    pts = sorted(
        (np.datetime64(r[date_key].date() if hasattr(r[date_key], "date") else r[date_key], "D"), float(r[value_key]))
        for r in rows
        if r["location"] == area
    )
    x = np.array([p[0] for p in pts]).astype(np.int64)
    return np.interp(days.astype(np.int64), x, np.array([p[1] for p in pts]))


def household_stocks(wb: Workbook, c: Constants, aset: AssumptionSet, runs: int, gen: np.random.Generator) -> Array:
    """Pantry stocks over the first ``pantry_days``: intact share x pre-war ration x U(0,1) x area aid share."""
    rows = wb.rows("hh_destroyed", "date", "location", "prop_destroyed")
    intact = np.stack([1 - _step_interp(c.days, rows, "date", "prop_destroyed", a) for a in AREAS], axis=1)
    window = (np.arange(len(c.days)) <= int(aset.value("pantry_days")))[:, None]  # days 0 to 90 inclusive
    u = gen.uniform(0, 1, (runs, 1, 2)) if runs > 1 else np.full((1, 1, 2), 0.5)
    return (intact * window * c.prewar_aid_per_day * c.aid_share)[np.newaxis] * u


def market_stocks(wb: Workbook, c: Constants, act: Array) -> Array:
    """Private shops until date_stores_end: share operational x (pre-war intake x pre-war pop - pre-war aid)."""
    rows = wb.rows("private_stores", "location", "date", "prop_operational")
    operating = np.stack([_step_interp(c.days, rows, "date", "prop_operational", a) for a in AREAS], axis=1)
    operating = operating * (c.days <= np.datetime64(wb.date("date_stores_end"), "D"))[:, None]
    unmet = act[:, None, None] * c.prewar_pop[None, None, :] - (c.prewar_aid_per_day * c.aid_share)[None, None, :]
    return operating[np.newaxis] * unmet


def agriculture(
    wb: Workbook, c: Constants, act: Array, runs: int, gen: np.random.Generator, fix: frozenset[str]
) -> Array:
    """Local production: pre-war intake x population x prop_agri(month); one U(0,1) per run between min and max.

    Published (D7): the pre-war area population; corrected: the population present that day.
    """
    rows = sorted(wb.rows("prop_agri", "month_start", "min", "max"), key=lambda r: r["month_start"])
    starts = np.array([np.datetime64(r["month_start"].date(), "D") for r in rows])
    idx = np.clip(np.searchsorted(starts, c.days, side="right") - 1, 0, len(rows) - 1)
    lo = np.array([float(r["min"]) for r in rows])[idx]
    hi = np.array([float(r["max"]) for r in rows])[idx]
    u = gen.uniform(0, 1, runs) if runs > 1 else np.full(1, 0.5)
    share = lo[None, :] + u[:, None] * (hi - lo)[None, :]  # (runs, days)
    base = c.population[np.newaxis] if "agriculture_prewar_population" in fix else c.prewar_pop[None, None, :]
    return act[:, None, None] * share[:, :, None] * base


def warehouses(wb: Workbook, c: Constants, runs: int, gen: np.random.Generator, fix: frozenset[str]) -> Array:
    """Stocks on day one: UNRWA's stock by aid share plus WFP warehouses (kcal_min as published, D6)."""
    out = np.zeros((runs, len(c.days), 2))
    out[:, 0, :] = float(wb.general("stock_unrwa")) * c.aid_share
    for r in wb.rows("warehouses", "location", "agency", "kcal_min", "kcal_max"):
        if r["agency"] != "WFP":
            continue
        a = AREAS.index(r["location"])
        lo, hi = float(r["kcal_min"]), float(r["kcal_max"])
        if "warehouse_draw_fixed" in fix and runs > 1:
            out[:, 0, a] += lo + gen.uniform(0, 1, runs) * (hi - lo)
        elif "warehouse_draw_fixed" in fix:
            out[:, 0, a] += (lo + hi) / 2
        else:
            out[:, 0, a] += lo
    return out


def air_boat(wb: Workbook, c: Constants) -> Array:
    """Airdrops and boats as the workbook converts them (meals x 1,250 kcal; tonnes x WCK 2,657 kcal/kg)."""
    out = np.zeros((1, len(c.days), 2))
    for r in wb.rows("boats_airdrops", "date", "area", "kcal"):
        d = (np.datetime64(r["date"].date(), "D") - c.days[0]).astype(int)
        if 0 <= d < len(c.days) and r["kcal"] is not None:
            out[0, d, AREAS.index(r["area"])] += float(r["kcal"])
    return out


def specialised_food(wb: Workbook, c: Constants) -> Array:
    """Nutrition Cluster products, each period's kcal spread evenly over its days (south-central)."""
    out = np.zeros(len(c.days))
    for r in wb.rows("specialised_food", "date_1", "date_2", "quantity", "kcal_unit"):
        a, b = np.datetime64(r["date_1"].date(), "D"), np.datetime64(r["date_2"].date(), "D")
        mask = (c.days >= a) & (c.days <= b)
        n = int((b - a) // np.timedelta64(1, "D")) + 1
        out[mask] += float(r["quantity"]) * float(r["kcal_unit"]) / n
    return out


def study_densities(wb: Workbook, catalogue: AssumptionSet) -> dict[str, float]:
    """kcal/kg per Lifeline commodity code from the workbook's own tables.

    Each kcal_equi item is classified with Lifeline's commodity catalogue and averaged per code;
    food parcels take the mean of the trucked parcels of the ``parcels`` sheet. Codes with no item
    fall back to Lifeline's catalogue (``commodity-kcal``).
    """
    classify = CommodityCatalogue(load_set("normalisation"))
    per: dict[str, list[float]] = {}
    for r in wb.rows("kcal_equi", "item", "kcal_kg"):
        if r["kcal_kg"] is None or r["item"] is None:
            continue
        code = classify.classify(str(r["item"]))
        if code and code in catalogue.assumptions:
            per.setdefault(code, []).append(float(r["kcal_kg"]))
    parcels: dict[tuple, list[float]] = {}
    for r in wb.rows("parcels", "agency", "version", "type", "kg", "kcal_kg"):
        if r["type"] == "trucked" and r["kg"] is not None and r["kcal_kg"] is not None:
            k = parcels.setdefault((r["agency"], r["version"]), [0.0, 0.0])
            k[0] += float(r["kg"]) * float(r["kcal_kg"])
            k[1] += float(r["kg"])
    out = {code: a.value for code, a in catalogue.assumptions.items()}
    out.update({code: float(np.mean(v)) for code, v in per.items()})
    if parcels:
        out["food-parcel"] = float(np.mean([kc / kg for kc, kg in parcels.values() if kg > 0]))
    return out


@dataclass
class MultiItem:
    """Rows of ``k`` items each: item kcal/kg (rows, k), their kg from pallets and otherwise, and their day."""

    dens: Array
    kg_pallet: Array
    kg_other: Array
    day: NDArray[np.int64]


def random_share_deltas(groups: list[MultiItem], days: int, runs: int, gen: np.random.Generator) -> tuple[Array, Array]:
    """Change in kcal per run and day when items share their truck's weight at random (uniform spacings,
    03:153) instead of equally: zero on average, it widens the trucked intervals as Study A's runs do."""
    pallet = np.zeros((runs, days))
    other = np.zeros((runs, days))
    for g in groups:
        # Flat Dirichlet = uniform spacings; float32 draws halve the cost and are ample for weight shares.
        spacings = gen.standard_exponential((runs, *g.dens.shape), dtype=np.float32)
        spacings /= spacings.sum(axis=2, keepdims=True)
        delta = np.einsum("rmk,mk->rm", spacings, g.dens.astype(np.float32)).astype(np.float64)
        delta -= g.dens.mean(axis=1)[None, :]
        onehot = np.zeros((len(g.day), days))
        onehot[np.arange(len(g.day)), g.day] = 1.0
        pallet += (delta * g.kg_pallet[None, :]) @ onehot
        other += (delta * g.kg_other[None, :]) @ onehot
    return pallet, other


@dataclass
class Trucked:
    """UNRWA food trucks by day: kcal from pallet rows (to be scaled by the pallet error) and from the rest."""

    pallet_kcal: Array  # (days,)
    other_kcal: Array  # (days,)
    per_truck: Array  # empirical kcal per food-carrying truck (deterministic, as 02 builds kcal_tr)
    mean_kcal_per_kg: float
    food_rows: int
    food_tonnes: float
    densities: dict[str, float]
    multi: list[MultiItem]
    has_rows: NDArray[np.bool_]  # days with at least one row in the list (the study's merge leaves the others NA)


def trucked(
    frame: pl.DataFrame,
    wb: Workbook,
    c: Constants,
    catalogue: AssumptionSet,
    fix: frozenset[str],
    aset: AssumptionSet | None = None,
) -> Trucked:
    """Study A's conversion of the UNRWA list: units to kg, items to kcal/kg (:mod:`checchi_items`), by day.

    As the study's code: blank units are pallets, a missing quantity is the median pallet count,
    quantities are taken as given (a negative one subtracts), and a row's items share its weight
    equally here (at random in each run, :func:`random_share_deltas`).
    """
    aset = aset or load_set("checchi-2024")
    kg_truck = wb.kg_per_truck_row
    if wb.version == "journal" and "kg_truck_as_kg" in fix:
        kg_truck *= 1000.0  # D5: 17 meant tonnes
    f = frame.filter(pl.col("description").is_not_null() & (pl.col("description").str.strip_chars() != ""))
    unit = pl.col("unit").str.strip_chars().str.to_lowercase().fill_null("pallets")
    f = f.with_columns(unit.alias("u"))
    median_pallets = f.filter(pl.col("u") == "pallets")["quantity"].median() or 0.0
    f = f.with_columns(pl.col("quantity").fill_null(median_pallets).alias("q"))
    q = pl.col("q")
    f = f.with_columns(
        pl.when(pl.col("u") == "pallets").then(q * wb.kg_per_pallet).otherwise(0.0).alias("kg_pallet"),
        pl.when(pl.col("u").is_in(list(TONNE_UNITS)))
        .then(q * 1000.0)
        .when(pl.col("u").is_in(list(TRUCK_LIKE)))
        .then(pl.lit(kg_truck))
        .otherwise(0.0)
        .alias("kg_other"),
    )
    dens = study_densities(wb, catalogue)
    valuer = items.Valuer(wb, catalogue, items.Rules.from_set(aset), dens)
    per_item = items.item_frame(f, valuer)
    per_row = per_item.group_by("row").agg(
        pl.col("kcal_kg").mean().alias("kcal_kg"),
        (pl.col("food").sum() / pl.len()).alias("food_share"),
        pl.len().alias("n"),
    )
    f = f.with_row_index("row").with_columns(pl.col("row").cast(pl.Int64)).join(per_row, on="row", how="inner")
    day = (f["date"].to_numpy().astype("datetime64[D]") - c.days[0]).astype(np.int64)
    ok = (day >= 0) & (day < len(c.days))
    has_rows = np.zeros(len(c.days), dtype=bool)
    has_rows[day[ok]] = True
    pallet = np.zeros(len(c.days))
    other = np.zeros(len(c.days))
    kp = (f["kg_pallet"] * f["kcal_kg"]).to_numpy()
    ko = (f["kg_other"] * f["kcal_kg"]).to_numpy()
    np.add.at(pallet, day[ok], kp[ok])
    np.add.at(other, day[ok], ko[ok])
    per_truck = (kp + ko)[ok]
    kg = ((f["kg_pallet"] + f["kg_other"]) * f["food_share"]).to_numpy()[ok]
    groups = _multi_item_groups(f, per_item, day, ok)
    return Trucked(
        multi=groups,
        pallet_kcal=pallet,
        other_kcal=other,
        per_truck=per_truck[per_truck > 0],
        mean_kcal_per_kg=float((kp + ko)[ok].sum() / kg.sum()) if kg.sum() else 0.0,
        food_rows=int((ok & (f["food_share"].to_numpy() > 0)).sum()),
        food_tonnes=float(kg.sum() / 1000),
        densities=dens,
        has_rows=has_rows,
    )


def _multi_item_groups(
    f: pl.DataFrame, per_item: pl.DataFrame, day: NDArray[np.int64], ok: NDArray[np.bool_]
) -> list[MultiItem]:
    """Rows of several items grouped by their item count, for the random weight shares of each run."""
    rows_ok = set(f["row"].filter(pl.Series(ok) & (f["n"] > 1)).to_list())
    multi = per_item.filter((pl.col("n") > 1) & pl.col("row").is_in(list(rows_ok)))
    position = {r: i for i, r in enumerate(f["row"].to_list())}
    kgp, kgo = f["kg_pallet"].to_numpy(), f["kg_other"].to_numpy()
    groups = []
    for (k,), g in sorted(multi.group_by("n"), key=lambda kg: int(kg[0][0])):
        g = g.sort("row", maintain_order=True)
        vec = g["kcal_kg"].to_numpy().reshape(-1, int(k))  # type: ignore[call-overload]
        idx = np.array([position[r] for r in g["row"].unique(maintain_order=True).to_list()])
        groups.append(MultiItem(vec, kgp[idx], kgo[idx], day[idx]))
    return groups


def north_trucks(
    wb: Workbook, c: Constants, t: Trucked, runs: int, gen: np.random.Generator, fix: frozenset[str]
) -> Array:
    """kcal trucked to the north per run and day, from the trucks_to_north sheet.

    Published: every row's n is a truck count (D1), spread per day and truncated (D2), later rows
    overwriting earlier ones on the same date (D3); each truck's kcal is drawn from the empirical
    per-truck distribution. Corrections: MT rows as tonnes at the mean trucked density; fractional
    trucks rounded stochastically (same expectation); rows on the same date added.
    """
    d = len(c.days)
    trucks = np.zeros(d)
    tonnes = np.zeros(d)
    for r in wb.rows("trucks_to_north", "date_1", "date_2", "n_trucks", "unit"):
        a = int((np.datetime64(r["date_1"].date(), "D") - c.days[0]).astype(int))
        b = int((np.datetime64(r["date_2"].date(), "D") - c.days[0]).astype(int))
        a, b = max(a, 0), min(b, d - 1)
        if b < a:
            continue
        per_day = float(r["n_trucks"]) / (b - a + 1)
        is_mt = str(r["unit"]).strip().lower() in TONNE_UNITS
        target = tonnes if (is_mt and "tonnage_rows_as_trucks" in fix) else trucks
        if "later_rows_overwrite" in fix:
            target[a : b + 1] += per_day
        else:
            trucks[a : b + 1] = 0.0
            tonnes[a : b + 1] = 0.0
            target[a : b + 1] = per_day
    if "truncate_fractional_trucks" in fix:
        frac = trucks - np.floor(trucks)
        u = gen.uniform(0, 1, (runs, d)) if runs > 1 else np.full((1, d), 0.5)
        n = (np.floor(trucks)[None, :] + (u < frac[None, :])).astype(np.int64)
    else:
        n = np.broadcast_to(np.floor(trucks).astype(np.int64), (runs, d))
    out: Array
    if runs > 1:
        total = n.sum(axis=1)
        width = int(total.max())
        draws = t.per_truck[gen.integers(0, len(t.per_truck), (n.shape[0], width))]
        ends = np.cumsum(n, axis=1)
        csum = np.concatenate([np.zeros((n.shape[0], 1)), np.cumsum(draws, axis=1)], axis=1)
        begin = ends - n
        out = np.take_along_axis(csum, ends, axis=1) - np.take_along_axis(csum, begin, axis=1)
    else:
        out = n.astype(np.float64) * float(np.mean(t.per_truck))
    out = out + tonnes[None, :] * 1000.0 * t.mean_kcal_per_kg
    return out
