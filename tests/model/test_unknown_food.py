"""Food is never silently nothing (issue 11, item 7): unknown food items take the documented
``mixed-food`` fallback density, staples of other crises have their own sourced densities, and
``lifeline commodities unmapped`` lists the unknown ones heaviest first."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from lifeline.assumptions import load_set
from lifeline.model import kcal
from lifeline.model.commodities import unmapped_table
from lifeline.store.queries_model import deliveries_frame
from tests.model.helpers import load, write_unrwa

STAPLES = [
    "sorghum",
    "maize-grain",
    "maize-meal",
    "millet",
    "corn-soy-blend",
    "lipid-nutrient-supplement",
    "dates",
    "wheat-grain",
]


def _items(engine, tmp_path: Path, rows: list[tuple[str, str, str, float, str]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    load(engine, write_unrwa(tmp_path / "u.csv", rows))
    with engine.connect() as conn:
        frame = deliveries_frame(conn, None, None, None)
    return frame, kcal.food_items(frame, load_set("commodity-kcal"), load_set("normalisation"))


def test_unknown_food_takes_the_mixed_food_density_and_is_counted(sqlite_store, tmp_path: Path) -> None:
    frame, items = _items(
        sqlite_store,
        tmp_path,
        [("2024-01-01", "Food Items", "Pistachio", 2, "Ton"), ("2024-01-01", "Food Items", "Rice", 1, "Ton")],
    )
    got = dict(zip(items["description"].to_list(), items["food_code"].to_list(), strict=True))
    assert got == {"Pistachio": "mixed-food", "Rice": "rice"}
    assert kcal.fallback_rows(frame) == (1, 2.0)


def test_a_known_non_food_item_filed_under_food_carries_no_kcal(sqlite_store, tmp_path: Path) -> None:
    frame, items = _items(sqlite_store, tmp_path, [("2024-01-01", "Food Items", "Bottled Water", 10, "Ton")])
    assert items.height == 0
    assert kcal.non_food_in_food(frame, load_set("commodity-kcal")) == (1, 10.0)


@pytest.mark.parametrize(
    ("description", "code"),
    [
        ("Sorghum", "sorghum"),
        ("Maize grain", "maize-grain"),
        ("Maize meal", "maize-meal"),
        ("Millet", "millet"),
        ("Corn Soy Blend (CSB+)", "corn-soy-blend"),
        ("Lipid-based nutrient supplement", "lipid-nutrient-supplement"),
        ("Dates", "dates"),
        ("Wheat grain", "wheat-grain"),
    ],
)
def test_staples_of_other_crises_have_their_own_density(
    sqlite_store, tmp_path: Path, description: str, code: str
) -> None:
    _, items = _items(sqlite_store, tmp_path, [("2024-01-01", "Food Items", description, 1, "Ton")])
    assert items["food_code"].to_list() == [code]


def test_every_staple_density_is_sourced_and_plausible() -> None:
    cat = load_set("commodity-kcal")
    for code in STAPLES:
        a = cat.get(code)
        assert 2500 <= a.value <= 6000 and a.source, code


def test_unmapped_lists_heaviest_first_with_tonnes_and_density(sqlite_store, tmp_path: Path) -> None:
    load(
        sqlite_store,
        write_unrwa(
            tmp_path / "u.csv",
            [
                ("2024-01-01", "Food Items", "Pistachio", 1, "Ton"),
                ("2024-01-02", "Food Items", "Pistachio", 1, "Ton"),
                ("2024-01-01", "Food Items", "Tahini", 5, "Ton"),
                ("2024-01-01", "Non-Food Items", "Widgets", 1, "Ton"),
            ],
        ),
    )
    with sqlite_store.connect() as conn:
        t = unmapped_table(conn)
        food = unmapped_table(conn, category="food")
    assert [(r["description"], r["rows"], r["tonnes"]) for r in t.rows] == [
        ("Tahini", 1, 5.0),
        ("Pistachio", 2, 2.0),
        ("Widgets", 1, 1.0),
    ]
    assert [r["density"] for r in t.rows] == ["mixed-food (fallback)"] * 2 + ["none (not food)"]
    assert [r["description"] for r in food.rows] == ["Tahini", "Pistachio"]
    assert any("3 of these rows (7.0 t)" in n for n in t.notes)


def test_coverage_counts_unknown_food_at_the_fallback_and_says_so(sqlite_store, tmp_path: Path) -> None:
    from datetime import date

    from lifeline.model.coverage import coverage_table

    load(sqlite_store, write_unrwa(tmp_path / "u.csv", [("2024-01-01", "Food Items", "Pistachio", 1, "Ton")]))
    with sqlite_store.connect() as conn:
        t = coverage_table(conn, date_from=date(2024, 1, 1), date_to=date(2024, 1, 1), by="all", runs=1)
    mixed = load_set("commodity-kcal").value("mixed-food")
    population = t.rows[0]["population"]
    assert t.rows[0]["kcal_in_pp"] == round(1000 * mixed / population)
    assert any(n.startswith("FLAG: 1 food rows (1.0 t) match no catalogue entry") for n in t.notes)
