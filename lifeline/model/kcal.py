"""Kilograms of food to kcal through the commodity catalogue (assumption set ``commodity-kcal``).

A row counts as food when its commodity code has an energy density in the catalogue, or when its
cargo category is food and its commodity is unknown or mixed: those take the ``mixed-food`` density.
A row holding several items ("Rice + Sugar + Hygiene kits") is split into its items with equal
shares of the weight, as Study A does, so only its food items carry kcal (:func:`food_items`).
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.ingest.normalise import CommodityCatalogue
from lifeline.model import montecarlo

MIXED = "mixed-food"
SEVERAL = ("mixed-food", "mixed")  # importer codes for rows holding several commodities


def food_code(frame: pl.DataFrame, catalogue: AssumptionSet) -> pl.Expr:
    """The catalogue code each row's kcal come from, or null for non-food rows."""
    codes = list(catalogue.assumptions)
    return (
        pl.when(pl.col("commodity").is_in(codes))
        .then(pl.col("commodity"))
        # Unknown or mixed items of the food category take the fallback density; a known non-food item
        # (bottled water, tents) filed under food carries no kcal.
        .when((pl.col("category") == "food") & (pl.col("commodity").is_null() | pl.col("commodity").is_in(SEVERAL)))
        .then(pl.lit(MIXED))
        .otherwise(None)
        .alias("food_code")
    )


def densities(catalogue: AssumptionSet, runs: int, gen: np.random.Generator) -> tuple[list[str], NDArray[np.float64]]:
    """Codes and their kcal/kg per run, shaped (runs, codes)."""
    codes = list(catalogue.assumptions)
    return codes, np.stack([montecarlo.draw(catalogue.get(c), runs, gen) for c in codes], axis=1)


def point_density(catalogue: AssumptionSet) -> pl.DataFrame:
    """The catalogue's point values as a frame (food_code, kcal_per_kg)."""
    return pl.DataFrame(
        {"food_code": list(catalogue.assumptions), "kcal_per_kg": [a.value for a in catalogue.assumptions.values()]}
    )


def item_shares(descriptions: list[str], rules: AssumptionSet | None = None) -> pl.DataFrame:
    """(description, code, share): each recognised item of each description and its equal share of the weight.

    Descriptions are split with the normalisation catalogue's separators; an item no rule recognises
    still takes its share (it carries no kcal), so "Rice + unknown" is half rice.
    """
    cc = CommodityCatalogue(rules or load_set("normalisation"))
    out: dict[str, list] = {"description": [], "code": [], "share": []}
    for text in descriptions:
        parts = [p for p in cc.split.split(text or "") if p.strip()]
        for part in parts:
            code = cc.match_part(part)
            if code is not None:
                out["description"].append(text)
                out["code"].append(code)
                out["share"].append(1.0 / len(parts))
    return pl.DataFrame(out, schema={"description": pl.String, "code": pl.String, "share": pl.Float64})


def food_items(frame: pl.DataFrame, catalogue: AssumptionSet, rules: AssumptionSet | None = None) -> pl.DataFrame:
    """Food rows, those holding several items exploded into one row per food item with its weight share.

    Adds ``food_code`` and ``share``; ``kg`` is the row's kg (multiply by ``share``). Rows with no
    food item are dropped, except rows of the food category none of whose items is recognised, which
    count whole as mixed food.
    """
    # A null commodity (no rule matched) must not make the condition null: polars drops null rows in a
    # filter, and those are exactly the unknown food rows that take the fallback density.
    holds_several = pl.col("commodity").is_in(SEVERAL).fill_null(False) & pl.col("description").is_not_null()
    single = frame.filter(~holds_several)
    single = single.with_columns(food_code(single, catalogue), pl.lit(1.0).alias("share"))
    several = frame.filter(holds_several)
    if several.height:
        shares = item_shares(several["description"].unique().to_list(), rules)
        split = several.join(shares, on="description", how="left")
        split = split.with_columns(
            pl.when(pl.col("code").is_in(list(catalogue.assumptions)))
            .then(pl.col("code"))
            .when(pl.col("code").is_null() & (pl.col("category") == "food"))
            .then(pl.lit(MIXED))
            .alias("food_code"),
            pl.col("share").fill_null(1.0),
        )
        single = pl.concat([single, split.select(single.columns)], how="vertical_relaxed")
    return single.filter(pl.col("food_code").is_not_null())


def fallback_rows(frame: pl.DataFrame) -> tuple[int, float]:
    """Food rows whose item is unknown (no catalogue rule matched) and their tonnes: they take the
    ``mixed-food`` density, and every table built on them says how many there were."""
    unknown = frame.filter((pl.col("category") == "food") & pl.col("commodity").is_null())
    return unknown.height, float(unknown["kg"].sum() or 0.0) / 1000.0


def uncertain_rows(frame: pl.DataFrame) -> tuple[int, float]:
    """Food rows left unmapped because a rule matched them only on a modified head word ("peanut butter"),
    and their tonnes: counted among the fallback rows, and named on their own in the notes."""
    if "description" not in frame.columns:
        return 0, 0.0
    unknown = frame.filter((pl.col("category") == "food") & pl.col("commodity").is_null())
    if unknown.is_empty():
        return 0, 0.0
    catalogue = CommodityCatalogue(load_set("normalisation"))
    texts = unknown["description"].unique().drop_nulls().to_list()
    doubtful = [t for t in texts if catalogue.uncertain(t)]
    hit = unknown.filter(pl.col("description").is_in(doubtful))
    return hit.height, float(hit["kg"].sum() or 0.0) / 1000.0


def non_food_in_food(frame: pl.DataFrame, catalogue: AssumptionSet) -> tuple[int, float]:
    """Rows filed under the food category whose item is a known non-food commodity (water, tents...):
    they carry no kcal, and the notes say how many rows and tonnes that is."""
    codes = [*catalogue.assumptions, *SEVERAL]
    other = frame.filter(
        (pl.col("category") == "food") & pl.col("commodity").is_not_null() & ~pl.col("commodity").is_in(codes)
    )
    return other.height, float(other["kg"].sum() or 0.0) / 1000.0
