"""Study B (Fliss-Isakov et al., 2025) arithmetic applied to the public COGAT line list.

Gross food tonnage (all routes, 1 Jan - 31 Jul 2024) -> net of projected losses -> kcal through an
energy density -> divided by population x days. Study B's own registry is not public; the loss rate,
population and density it used are not in the public abstracts, so each is a named assumption.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.model import kcal
from lifeline.model.studies.table import Result

SET = "fliss-isakov-2025"


@dataclass
class StudyB:
    """Lifeline's reproduction of Study B's arithmetic."""

    start: date
    end: date
    days: int
    gross_tonnes: float
    gross_by_route: dict[str, float]
    gross_by_month: dict[str, float]
    land_rows_jan_apr: int
    tonnes_jan_apr: float
    loss: float
    net_tonnes: float
    density: float
    density_source: str
    population: float
    kcal_pp: float
    kcal_pp_by_month: dict[str, float]


def cogat_food(frame: pl.DataFrame, aset: AssumptionSet) -> pl.DataFrame:
    """COGAT food rows on Study B's routes and period."""
    p, flt = aset.tables["periods"], aset.tables["filters"]
    return frame.filter(
        (pl.col("kind") == "cogat")
        & (pl.col("category") == flt["category"])
        & pl.col("route").is_in(flt["routes"])
        & (pl.col("date") >= date.fromisoformat(p["start"]))
        & (pl.col("date") <= date.fromisoformat(p["end"]))
    )


def unrwa_density(frame: pl.DataFrame, start: date, end: date, catalogue: AssumptionSet | None = None) -> float | None:
    """Mean kcal/kg of the UNRWA food items of the period through Lifeline's commodity catalogue."""
    cat = catalogue or load_set("commodity-kcal")
    u = frame.filter((pl.col("kind") == "unrwa") & (pl.col("date") >= start) & (pl.col("date") <= end))
    u = kcal.food_items(u, cat).filter(pl.col("kg") > 0)
    if u.is_empty():
        return None
    u = u.join(kcal.point_density(cat), on="food_code", how="left").with_columns(pl.col("kg") * pl.col("share"))
    return float((u["kg"] * u["kcal_per_kg"]).sum()) / float(u["kg"].sum())


def reproduce(frame: pl.DataFrame, aset: AssumptionSet | None = None, density: str = "unrwa") -> StudyB:
    """Study B's figures from the store's COGAT rows (and UNRWA rows for the energy density)."""
    aset = aset or load_set(SET)
    start, end = (date.fromisoformat(aset.tables["periods"][k]) for k in ("start", "end"))
    days = (end - start).days + 1
    records = cogat_food(frame, aset)
    food = records.filter(pl.col("kg").is_not_null())
    gross = float(food["kg"].sum()) / 1000
    by_route = {r: float(t) / 1000 for r, t in food.group_by("route").agg(pl.col("kg").sum()).iter_rows()}
    monthly = food.with_columns(pl.col("date").dt.strftime("%Y-%m").alias("m")).group_by("m").agg(pl.col("kg").sum())
    by_month = {m: float(t) / 1000 for m, t in sorted(monthly.iter_rows())}
    jan_apr = food.filter(pl.col("date") <= date(2024, 4, 30))
    land_jan_apr = records.filter((pl.col("date") <= date(2024, 4, 30)) & (pl.col("route") == "land")).height
    loss = aset.value("loss_fraction")
    pop = aset.value("population")
    used, how = None, ""
    if density == "unrwa":
        used = unrwa_density(frame, start, end)
        how = "mean kcal/kg of the UNRWA food rows of the same months through Lifeline's commodity catalogue"
    if used is None:
        used = aset.value("kcal_per_kg")
        how = f"assumption kcal_per_kg of {aset.name} ({aset.get('kcal_per_kg').source})"
    net = gross * (1 - loss)
    per_day = 1000 * used / pop
    month_days = {m: _days_in_month(m, start, end) for m in by_month}
    return StudyB(
        start=start,
        end=end,
        days=days,
        gross_tonnes=gross,
        gross_by_route=by_route,
        gross_by_month=by_month,
        land_rows_jan_apr=land_jan_apr,
        tonnes_jan_apr=float(jan_apr["kg"].sum()) / 1000,
        loss=loss,
        net_tonnes=net,
        density=used,
        density_source=how,
        population=pop,
        kcal_pp=net * per_day / days,
        kcal_pp_by_month={m: t * (1 - loss) * per_day / month_days[m] for m, t in by_month.items()},
    )


def _days_in_month(month: str, start: date, end: date) -> int:
    first = date.fromisoformat(month + "-01")
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (min(after, end + timedelta(days=1)) - max(first, start)).days


def results(b: StudyB, aset: AssumptionSet) -> list[Result]:
    pub = aset.tables["published"]
    out = [
        Result(
            "gross food tonnage, all routes, 1 Jan - 31 Jul 2024 (COGAT line list)", None, round(b.gross_tonnes), "t"
        ),
        Result("loss adjustment applied", None, round(100 * b.loss, 1), "% of gross"),
        Result("net food tonnage after projected losses", float(pub["net_tonnes"]), round(b.net_tonnes), "t", 1.0),
        Result("energy density of net food", None, round(b.density), "kcal/kg"),
        Result("population", None, b.population, "people"),
        Result(
            "kcal per person per day, Jan-Jul 2024",
            float(pub["kcal_per_person_day"]),
            round(b.kcal_pp),
            "kcal/person/day",
            5.0,
        ),
        Result(
            "food records on land, Jan-Apr 2024 (v1 preprint: trucks)", 14916.0, float(b.land_rows_jan_apr), "records"
        ),
        Result(
            "gross food tonnage incl. airdrops, Jan-Apr 2024 (v1 preprint, crude)",
            227854.0 + 3694.0,
            round(b.tonnes_jan_apr),
            "t",
        ),
    ]
    out += [
        Result(f"kcal per person per day, {m}", None, round(v), "kcal/person/day")
        for m, v in b.kcal_pp_by_month.items()
    ]
    return out
