"""Observation series with every source's values side by side, citations and UNVERIFIED flags."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from lifeline.errors import NotFound
from lifeline.model.series import series_table
from tests.access.conftest import load_reference_observations, put_observations


def test_rafah_population_series_from_reference(sqlite_store: Engine) -> None:
    load_reference_observations(sqlite_store)
    with sqlite_store.connect() as conn:
        result = series_table(conn, "population", "PS-RFH")
    dates = [r["date"] for r in result.rows]
    assert dates == sorted(dates)
    before = next(r for r in result.rows if r["date"] == date(2024, 5, 6))
    assert before["values"] == {"UNRWA (via IFP News and Mehr)": 1400000.0}
    assert all(s["url"].startswith("http") for s in result.sources)


def test_two_sources_for_one_date_sit_side_by_side(sqlite_store: Engine) -> None:
    base = {"indicator": "hospitals_functioning", "location": "PS-GZA", "date": date(2024, 3, 1), "unit": "hospitals",
            "cited_url": "https://example.org", "cited_title": "t", "cited_date": date(2024, 3, 2)}
    put_observations(sqlite_store, [
        dict(base, value=5.0, cited_publisher="WHO"),
        dict(base, value=4.0, cited_publisher="OCHA", note="UNVERIFIED: count from a press report"),
    ])
    with sqlite_store.connect() as conn:
        result = series_table(conn, "hospitals_functioning")
    (row,) = result.rows
    assert (row["value:WHO"], row["value:OCHA"], row["verification"]) == (5.0, 4.0, "UNVERIFIED")
    assert [c.key for c in result.columns][3:5] == ["value:OCHA", "value:WHO"]


def test_unknown_indicator_names_what_is_held(sqlite_store: Engine) -> None:
    load_reference_observations(sqlite_store)
    with sqlite_store.connect() as conn, pytest.raises(NotFound, match="indicators held: .*population"):
        series_table(conn, "rainfall")


def test_unverified_reference_figure_is_shown_as_such(sqlite_store: Engine) -> None:
    load_reference_observations(sqlite_store)
    with sqlite_store.connect() as conn:
        rows = series_table(conn, "ipc_phase5_people", "gaza-strip").rows
    by_start = {r["date"]: r for r in rows}
    assert by_start[date(2023, 12, 8)]["verification"] == "UNVERIFIED"  # derived from the March brief
    assert by_start[date(2024, 2, 15)]["verification"] == "as published"
    assert by_start[date(2024, 2, 15)]["values"] == {"IPC": 677000.0}
