"""Deliveries tables mark partial periods and flag UNRWA truck counts after 6 May 2024 (issue 11, items 4, 8)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from lifeline.model.deliveries import delivery_table, latest_complete_period
from tests.model.helpers import load, write_unrwa


def _store(engine, tmp_path: Path) -> None:
    rows = [
        ("2023-10-21", "Food Items", "Rice", 1, "Ton"),
        ("2023-11-15", "Food Items", "Rice", 1, "Ton"),
        ("2024-05-05", "Food Items", "Rice", 1, "Ton"),
        ("2024-05-20", "Food Items", "Rice", 1, "Ton"),
        ("2024-06-10", "Food Items", "Rice", 1, "Ton"),
    ]
    load(engine, write_unrwa(tmp_path / "u.csv", rows))


def test_periods_cut_by_the_list_are_partial_and_never_the_latest(sqlite_store, tmp_path: Path) -> None:
    _store(sqlite_store, tmp_path)
    with sqlite_store.connect() as conn:
        t = delivery_table(conn, by="month", group="source")
    marks = {r["period"]: r["completeness"] for r in t.rows}
    assert marks["2023-10-01"] == "partial: data from 2023-10-21"
    assert marks["2023-11-01"] == "complete"
    assert marks["2024-06-01"] == "partial: data to 2024-06-10"
    assert latest_complete_period(t) == "2024-05-01"


def test_a_window_cutting_a_period_marks_it_partial(sqlite_store, tmp_path: Path) -> None:
    _store(sqlite_store, tmp_path)
    with sqlite_store.connect() as conn:
        t = delivery_table(conn, by="month", group="source", date_from=date(2023, 11, 10))
    assert t.rows[0]["completeness"] == "partial: window from 2023-11-10"


def test_unrwa_trucks_after_6_may_2024_are_flagged_as_rows(sqlite_store, tmp_path: Path) -> None:
    _store(sqlite_store, tmp_path)
    with sqlite_store.connect() as conn:
        t = delivery_table(conn, by="day", group="source")
    flags = {r["period"]: r["trucks_flag"] for r in t.rows}
    assert flags["2024-05-05"] is None
    assert flags["2024-05-20"] == "trucks after 2024-05-06: rows, not truckloads (unrwa-row-is-one-truck)"
    assert any(n.startswith("ASSUMPTION unrwa-row-is-one-truck") and "143 truckloads" in n for n in t.notes)
    with sqlite_store.connect() as conn:
        before = delivery_table(conn, by="day", group="source", date_to=date(2024, 5, 5))
    assert not any("ASSUMPTION" in n for n in before.notes)
