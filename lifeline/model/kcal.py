"""Kilograms of food to kcal through the commodity catalogue (assumption set ``commodity-kcal``).

A row counts as food when its commodity code has an energy density in the catalogue, or when its
cargo category is food and its commodity is unknown or mixed: those take the ``mixed-food`` density.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from lifeline.assumptions import AssumptionSet
from lifeline.model import montecarlo

MIXED = "mixed-food"


def food_code(frame: pl.DataFrame, catalogue: AssumptionSet) -> pl.Expr:
    """The catalogue code each row's kcal come from, or null for non-food rows."""
    codes = list(catalogue.assumptions)
    return (
        pl.when(pl.col("commodity").is_in(codes))
        .then(pl.col("commodity"))
        .when(pl.col("category") == "food")
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
