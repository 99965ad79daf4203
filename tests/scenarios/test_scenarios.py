"""Scenario arithmetic on cases computed by hand (one run: every assumption at its point value)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from lifeline.errors import UserError
from lifeline.model import scenarios
from tests.alerts import data

D0 = date(2024, 4, 1)
# 10 trucks/day x 20,000 kg wheat flour x 3,500 kcal/kg (commodity-kcal point value) = 7e8 kcal/day.
FLOUR_KCAL_PER_DAY = 10 * 20000 * 3500.0

SCENARIO = """
[scenario]
title = "hand case"
start = "2024-05-01"
days = 10
baseline_from = "2024-04-01"
baseline_to = "2024-04-30"
runs = 1

[population.A]
value = 100000
source = "test"
[population.B]
value = 100000
source = "test"

[reach]
ks = ["A", "B"]

[[closures]]
crossing = "ks"
from = "2024-05-03"
days = 5
"""


def _store(engine: Engine) -> None:
    with engine.begin() as conn:
        ds = data.dataset(conn, "un-list", "UNRWA")
        days = data.every_day(D0, 30, "ks", 10.0)
        data.deliveries(conn, ds, "un-list", days, commodity="wheat-flour", consignments=10)


def _scenario(tmp_path: Path, text: str = SCENARIO) -> scenarios.Scenario:
    path = tmp_path / "s.toml"
    path.write_text(text)
    return scenarios.load_scenario(path)


def test_closure_draws_down_the_carried_surplus_then_runs_out(store: Engine, tmp_path: Path) -> None:
    _store(store)
    with store.connect() as conn:
        p = scenarios.project(conn, _scenario(tmp_path))
    pc = p.per_capita[0]  # median = the one run
    # Days 1-2: 3.5e8 kcal per area per day = 3,500 kcal/person, capped at 2,700 (sphere-2100), 800 carried.
    np.testing.assert_allclose(pc[:2], 2700.0)
    # Day 3 (closed): the 2 x 800 x 100,000 carried kcal are eaten: 1,600 per person; then nothing.
    np.testing.assert_allclose(pc[2], 1600.0)
    np.testing.assert_allclose(pc[3:7], 0.0)
    np.testing.assert_allclose(pc[7:], 2700.0)  # reopened on day 8
    assert list(p.stockout_day[0]) == [3.0, 3.0]
    rows = scenarios.rows(p)
    assert rows[4]["stockout_date"] == "2024-05-03" and rows[4]["coverage"] == pytest.approx(1600 / 2100, abs=1e-3)


def test_throttle_capacity_and_movement(sqlite_store: Engine, tmp_path: Path) -> None:
    _store(sqlite_store)
    text = (
        SCENARIO.replace("[[closures]]", "[[throttles]]").replace("days = 5\n", "days = 5\nfactor = 0.5\n")
        + """
[[capacities]]
crossing = "ks"
from = "2024-05-08"
trucks_per_day = 2

[[movements]]
from_area = "A"
to = { B = 1 }
people = 50000
from = "2024-05-01"
days = 5
"""
    )
    sc = _scenario(tmp_path, text)
    with sqlite_store.connect() as conn:
        p = scenarios.project(conn, sc)
    np.testing.assert_allclose(p.trucks[:, p.crossings.index("ks")], [10, 10, 5, 5, 5, 5, 5, 2, 2, 2])
    np.testing.assert_allclose(
        p.population[:, 0], [90000, 80000, 70000, 60000, 50000, 50000, 50000, 50000, 50000, 50000]
    )
    np.testing.assert_allclose(p.population.sum(axis=1), 200000)
    # Day 8: 2 trucks x 20 t x 3,500 = 1.4e8 kcal split by population (50k / 150k): 700 kcal/person in both areas.
    np.testing.assert_allclose(p.per_capita[0, 7], [700.0, 700.0])


def test_opening_stock_in_days_of_requirement(sqlite_store: Engine, tmp_path: Path) -> None:
    _store(sqlite_store)
    text = (
        SCENARIO.replace("days = 5\n", "days = 8\n") + '\n[stocks]\ndays_of_requirement = { A = 2 }\nsource = "test"\n'
    )
    with sqlite_store.connect() as conn:
        p = scenarios.project(conn, _scenario(tmp_path, text))
    # A carries 1,600 (surplus) + 2 x 2,100 (stock) = 5,800 kcal/person into day 3: 2,700 on days 3 and 4, 400 on day 5.
    np.testing.assert_allclose(p.per_capita[0, 2:5, 0], [2700, 2700, 400])
    assert p.stockout_day[0, 0] == 5 and p.stockout_day[0, 1] == 3


def test_maximin_mode_solves_the_lp_per_day(sqlite_store: Engine, tmp_path: Path) -> None:
    _store(sqlite_store)
    text = SCENARIO.replace("runs = 1", 'runs = 1\nallocation = "maximin"').replace(
        'value = 100000\nsource = "test"\n[population.B]', 'value = 50000\nsource = "test"\n[population.B]'
    )
    with sqlite_store.connect() as conn:
        p = scenarios.project(conn, _scenario(tmp_path, text))
    # Maximin equalises coverage: 7e8 kcal over 150,000 people = 4,667 kcal/person (capped at 2,700) in both.
    np.testing.assert_allclose(p.per_capita[0, 0], [2700, 2700])


def test_allocation_comparison_on_a_day(sqlite_store: Engine, tmp_path: Path) -> None:
    _store(sqlite_store)
    with sqlite_store.connect() as conn:
        out, notes = scenarios.allocation_rows(conn, _scenario(tmp_path), date(2024, 5, 1))
    # 200,000 x 2,100 = 4.2e8 kcal/day needed = 6 trucks at 7e7 kcal/truck, 3 per area.
    assert [r["trucks_needed"] for r in out] == [3.0, 3.0]
    # 10 trucks x 7e7 kcal = 7e8 kcal for 4.2e8 kcal needed: coverage 1.667 in each area.
    assert [r["coverage_maximin"] for r in out] == [pytest.approx(7e8 / 4.2e8, abs=1e-3)] * 2
    assert "6 trucks/day needed" in notes[0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('start = "2024-05-01"', 'start = "May"'), "scenario.start must be a date"),
        (('ks = ["A", "B"]', 'ks = ["A", "Z"]'), "reach.ks must list areas"),
        (('[[closures]]\ncrossing = "ks"', '[[closures]]\nwhere = "ks"'), "closures[0] needs 'crossing'"),
        (("runs = 1", 'runs = 1\nallocation = "best"'), "scenario.allocation must be one of"),
    ],
)
def test_bad_scenario_files_name_the_key(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    with pytest.raises(UserError, match=re.escape(message)) as err:
        _scenario(tmp_path, SCENARIO.replace(*change))
    assert err.value.file and err.value.file.endswith("s.toml")


def test_no_baseline_deliveries_is_a_clear_error(sqlite_store: Engine, tmp_path: Path) -> None:
    with sqlite_store.connect() as conn, pytest.raises(UserError, match="no deliveries recorded between"):
        scenarios.project(conn, _scenario(tmp_path))


def test_shipped_rafah_scenario_on_the_real_list(sqlite_store: Engine, shared) -> None:  # type: ignore[no-untyped-def]
    from lifeline.ingest.service import import_file

    import_file(sqlite_store, shared.file("unrwa-commodities-received-20241111.csv"))
    sc = scenarios.load_scenario("rafah-2024-05")
    with sqlite_store.connect() as conn:
        p = scenarios.project(conn, sc, runs=50)
    south = [p.areas.index(a) for a in ("PS-RFH", "PS-KYS", "PS-DEB")]
    # With Rafah closed and Kerem Shalom at a third, the south falls well below the requirement by week 3.
    assert np.all(p.per_capita[0, 20, south] < 0.6 * p.requirement)
    assert np.all(np.isfinite(p.stockout_day[0, south]))
    assert p.population[-1, p.areas.index("PS-RFH")] == pytest.approx(400000)
