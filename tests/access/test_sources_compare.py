"""UNRWA vs COGAT side by side on the real files: ~1.1x before 6 May 2024 and ~2x after, in consignments."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from sqlalchemy import Engine

from lifeline.assumptions import load_set
from lifeline.errors import UserError
from lifeline.model.sources_compare import category_filter, comparison

BEFORE = (date(2023, 10, 21), date(2024, 5, 5))
AFTER = (date(2024, 5, 6), date(2024, 9, 17))


def _total(rows: list[dict]) -> dict:
    return next(r for r in rows if r["period"] == "total")


def test_ratio_before_and_after_6_may(real_store: Engine) -> None:
    with real_store.connect() as conn:
        before = _total(comparison(conn, "consignments", "all", "month", *BEFORE).rows)
        after = _total(comparison(conn, "consignments", "all", "month", *AFTER).rows)
    assert (before["UNRWA"], before["COGAT"]) == (25247, 28776)  # direct counts of the two files
    assert before["ratio_COGAT"] == pytest.approx(1.14, abs=0.01)
    assert after["ratio_COGAT"] == pytest.approx(2.18, abs=0.02)
    assert 1.0 < before["ratio_COGAT"] < 1.3 < 1.8 < after["ratio_COGAT"] < 2.5
    assert before["flag"] == "days all sources cover: 2023-10-21 to 2024-05-05"
    assert "beyond" in after["flag"]


def test_monthly_rows_flag_divergence_and_partial_monitoring(real_store: Engine) -> None:
    with real_store.connect() as conn:
        result = comparison(conn, "consignments", "all", "month")
    by_month = {r["period"]: r for r in result.rows}
    assert by_month[date(2024, 4, 1)]["flag"] is None
    june = by_month[date(2024, 6, 1)]
    assert june["ratio_COGAT"] == pytest.approx(5276 / 2509, abs=1e-3)
    assert "COGAT/UNRWA = 2.10" in june["flag"] and "UNRWA partial from 2024-05-06" in june["flag"]
    notes = " ".join(result.notes)
    assert "trucks crossing" in notes and "partial from 6 May 2024" in notes
    assert [c.key for c in result.columns][:4] == ["period", "COGAT", "UNRWA", "ratio_COGAT"]


def test_food_tonnes_match_the_published_cogat_totals(real_store: Engine) -> None:
    """COGAT food tonnes for April 2024 equal studies.md S.1 (109,537.5 t, all routes)."""
    with real_store.connect() as conn:
        rows = comparison(conn, "tonnes", "food", "month", date(2024, 4, 1), date(2024, 4, 30)).rows
    assert rows[0]["COGAT"] == pytest.approx(109537.5)


def test_category_mapping_is_explicit_per_vocabulary() -> None:
    rules = load_set("access")
    rows = pl.DataFrame({
        "publisher": ["UNRWA", "UNRWA", "UNRWA", "COGAT", "COGAT", "COGAT"],
        "category": ["food", "nfi", "nfi", "water", "fuel", "food"],
        "commodity": ["wheat-flour", "water", "shelter", None, None, None],
    })

    def picked(category: str, publisher: str) -> list[int]:
        mask = rows.with_columns(category_filter(category, publisher, rules).alias("m"))["m"]
        return [i for i, (m, p) in enumerate(zip(mask, rows["publisher"], strict=True)) if m and p == publisher]

    assert picked("food", "UNRWA") == [0] and picked("food", "COGAT") == [5]
    assert picked("water", "UNRWA") == [1]  # UNRWA has no water category: NFI rows described as water
    assert picked("water", "COGAT") == [3]
    assert picked("shelter", "UNRWA") == [2]
    assert picked("fuel", "COGAT") == [4]  # COGAT 'Gas' and 'Fuel' are both fuel after normalisation
    assert picked("all", "COGAT") == [3, 4, 5]
    with pytest.raises(UserError, match="unknown category 'toys'"):
        category_filter("toys", "UNRWA", rules)


def test_cogat_gas_maps_to_fuel() -> None:
    """The vocabulary step before the comparison: COGAT 'Gas' and 'Fuel' -> fuel, UNRWA 'Medical Supply' -> medical."""
    from lifeline.ingest.normalise import category

    rules = load_set("normalisation")
    frame = pl.DataFrame({"c": ["Gas", "Fuel", "Medical Supply", "Medical Supplies", "Food Items", "Food"]})
    assert frame.select(category(pl.col("c"), rules))["c"].to_list() == [
        "fuel", "fuel", "medical", "medical", "food", "food"]


def test_bad_options_are_user_errors(real_store: Engine) -> None:
    with real_store.connect() as conn:
        with pytest.raises(UserError, match="--indicator"):
            comparison(conn, "kilos")
        with pytest.raises(UserError, match="--by"):
            comparison(conn, by="year")


@pytest.mark.slow
def test_ratio_on_both_backends(store: Engine) -> None:
    """The same figures from PostgreSQL as from SQLite (real files imported with ``import_file``)."""
    from lifeline.ingest.service import import_file
    from tests.access.conftest import COGAT, UNRWA
    from tests.conftest import shared_file

    import_file(store, shared_file(UNRWA))
    import_file(store, shared_file(COGAT))
    with store.connect() as conn:
        before = _total(comparison(conn, "consignments", "all", "month", *BEFORE).rows)
        after = _total(comparison(conn, "consignments", "all", "month", *AFTER).rows)
    assert (before["UNRWA"], before["COGAT"], after["UNRWA"], after["COGAT"]) == (25247, 28776, 10895, 23703)


def test_reported_figures_against_the_line_lists(real_with_reference: Engine) -> None:
    """OCHA's 176 aid trucks/day (1 Apr - 6 May 2024) next to the same rate from each line list."""
    from lifeline.model.sources_compare import reported_vs_recorded
    from tests.access.conftest import COGAT, UNRWA
    from tests.conftest import shared_file

    with real_with_reference.connect() as conn:
        rows = reported_vs_recorded(conn).rows
    april = next(r for r in rows if r["indicator"] == "aid_trucks_per_day" and r["start"] == date(2024, 4, 1))
    assert (april["reported"], april["reported_by"]) == (176, "OCHA (via WAFA and i24news)")
    unrwa = pl.read_csv(shared_file(UNRWA), infer_schema=False).with_columns(
        pl.col("Received Date").str.slice(0, 10).str.to_date().alias("d"))
    in_window = unrwa.filter(pl.col("d").is_between(date(2024, 4, 1), date(2024, 5, 6))).height
    assert april["UNRWA"] == pytest.approx(in_window / 36, abs=0.05)  # UNRWA has no fuel category
    cogat = pl.read_csv(shared_file(COGAT), infer_schema=False).with_columns(
        pl.col("Date").str.replace("Sept", "Sep").str.to_date("%d %b %Y").alias("d"))
    trucks = cogat.filter(pl.col("d").is_between(date(2024, 4, 1), date(2024, 5, 6))
                          & (pl.col("Route") != "Aerial Route") & ~pl.col("Classification").is_in(["Fuel", "Gas"]))
    assert april["COGAT"] == pytest.approx(trucks.height / 36, abs=0.05)
    assert april["ratio_UNRWA"] == pytest.approx(april["UNRWA"] / 176, abs=1e-3)
    ks = next(r for r in rows if r["indicator"] == "aid_truckloads" and r["location"] == "kerem-shalom")
    assert ks["reported"] == 143 and ks["COGAT"] is None and "no crossing breakdown" in ks["note"]
    october = next(r for r in rows if r["start"] == date(2024, 10, 1))
    assert october["UNRWA"] is None and "does not cover" in october["note"]
