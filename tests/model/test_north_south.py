"""Gaza balanced north against south: the split of deliveries without a destination, by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from lifeline.assumptions import load_set
from lifeline.errors import UserError
from lifeline.ingest.service import import_file
from lifeline.model import destination_split
from lifeline.model.coverage import build_inputs, coverage_table

# Wheat flour (3,500 kcal/kg at its central value): 300 t without a destination (Kerem Shalom), 100 t
# through Erez (reaches the north only), 40 t recorded as going to Rafah governorate (PS-RFH).
DELIVERIES = """date,crossing,item,tonnes,destination,source
#date,#loc+crossing+name,#item+name,#indicator+num+tonnes,#adm1+code,#meta+source
2024-05-01,Kerem Shalom,wheat flour,200,,split test list
2024-05-01,Erez,wheat flour,100,,split test list
2024-05-02,Kerem Shalom,wheat flour,100,,split test list
2024-05-02,Kerem Shalom,wheat flour,40,PS-RFH,split test list
"""

# A 25 % north share (10-40 %), flat populations, and no cap binding, so the arithmetic is plain.
OVERRIDE = """
[assumptions.consumption_cap_kcal]
value = 1e9
low = 1e9
high = 1e9
source = "test: no cap"

[split.population.gaza-north]
dates = ["2024-01-01"]
values = [1000000]
source = "test population"

[split.population.gaza-south]
dates = ["2024-01-01"]
values = [3000000]
source = "test population"

[[split.periods]]
date_from = "2024-01-01"
value = 0.25
low = 0.10
high = 0.40
source = "test share"
"""


@pytest.fixture(scope="module")
def gaza(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Path]]:
    """Gaza's reference places (gaza-north, gaza-south, Erez...) and the small list above."""
    from lifeline.reference.load import load_all
    from lifeline.store.engine import open_store

    folder = tmp_path_factory.mktemp("north-south")
    engine = open_store(f"sqlite:///{folder / 'lifeline.db'}")
    load_all(engine)
    (folder / "deliveries.csv").write_text(DELIVERIES, encoding="utf-8")
    import_file(engine, folder / "deliveries.csv")
    override = folder / "split.toml"
    override.write_text(OVERRIDE, encoding="utf-8")
    yield engine, override
    engine.dispose()


def _by_area(rows: list[dict]) -> dict[str, dict]:
    return {r["area"]: r for r in rows}


def test_hand_computed_north_against_south(gaza: tuple[Engine, Path]) -> None:
    engine, override = gaza
    with engine.connect() as conn:
        table = coverage_table(conn, by="all", overrides=[override], runs=1)
    rows = _by_area(table.rows)
    assert set(rows) == {"gaza-north", "gaza-south", "gaza-strip"}
    # north: 25 % of the 300 t without destination + 100 t through Erez = 175 t over 2 days, 1 M people
    assert rows["gaza-north"]["kcal_pp"] == pytest.approx(175_000 * 3500 / 2 / 1_000_000, abs=0.5)  # 306.25
    # south: 75 % of 300 t + 40 t recorded to Rafah = 265 t over 2 days, 3 M people
    assert rows["gaza-south"]["kcal_pp"] == pytest.approx(265_000 * 3500 / 2 / 3_000_000, abs=0.5)  # 154.6
    # the whole Strip: all 440 t over 4 M people (not a mean of the two areas' figures)
    assert rows["gaza-strip"]["kcal_pp"] == pytest.approx(440_000 * 3500 / 2 / 4_000_000, abs=0.5)  # 192.5
    assert rows["gaza-strip"]["population"] == 4_000_000
    assert all("split: north share (gaza-north / gaza-south" in r["assumptions"] for r in table.rows)
    notes = " | ".join(table.notes)
    assert "north share: 25.0 % (10.0-40.0 %) from 2024-01-01 on, source: test share" in notes
    assert "2 food rows name no destination" in notes and "1 to gaza-north, 1 to gaza-south" in notes


def test_the_share_range_drives_the_monte_carlo_interval(gaza: tuple[Engine, Path]) -> None:
    engine, override = gaza
    with engine.connect() as conn:
        rows = _by_area(coverage_table(conn, by="all", overrides=[override], runs=400, seed=7).rows)
    north, south = rows["gaza-north"], rows["gaza-south"]
    density = (3460.0, 3640.0)  # the catalogue's wheat-flour range; the weight error adds 0.8-1.2
    # north kg per day: 50 t (Erez) + share x 150 t; at the share's bounds 10 % and 40 %
    lowest = (50_000 + 0.10 * 150_000) * density[0] * 0.8 * 0.9 / 1_000_000
    highest = (50_000 + 0.40 * 150_000) * density[1] * 1.2 / 1_000_000
    assert lowest <= north["kcal_pp_low"] < north["kcal_pp"] < north["kcal_pp_high"] <= highest
    # the median share (triangular 10-25-40: 25 %) gives about the point figure
    assert north["kcal_pp"] == pytest.approx(306.25, rel=0.06)
    assert south["kcal_pp"] == pytest.approx(154.6, rel=0.06)


def test_shares_are_drawn_per_period_within_their_ranges() -> None:
    split = destination_split.from_set(load_set("sphere-2100"))
    assert split is not None and split.areas == ["gaza-north", "gaza-south"]
    days = np.arange(np.datetime64("2023-10-07"), np.datetime64("2024-06-01"))
    shares = split.shares(days, 500, np.random.default_rng(1))
    assert shares.shape == (500, len(days))
    day = {str(d): i for i, d in enumerate(days)}
    assert np.all(shares[:, day["2023-10-10"]] == 0.0)  # no trucks at all into Gaza
    nov = shares[:, day["2023-11-01"]]
    assert 0.025 <= nov.min() and nov.max() <= 0.10 and np.median(nov) == pytest.approx(0.055, abs=0.01)
    assert np.all(shares[:, day["2024-01-15"]] == shares[:, day["2024-02-20"]])  # one draw per period
    assert 0.0 <= shares[:, day["2024-05-20"]].min() and shares[:, day["2024-05-20"]].max() <= 0.05
    assert split.shares(days, 1, np.random.default_rng(1))[0, day["2024-03-10"]] == 0.020  # runs=1: the value


def test_the_whole_context_asked_by_name_is_its_whole_row(gaza: tuple[Engine, Path]) -> None:
    engine, override = gaza
    with engine.connect() as conn:
        rows = coverage_table(conn, "gaza-strip", by="all", overrides=[override], runs=1).rows
        north = coverage_table(conn, "gaza-north", by="all", overrides=[override], runs=1).rows
    assert [r["area"] for r in rows] == ["gaza-strip"]
    assert rows[0]["kcal_pp"] == pytest.approx(192.5, abs=0.5)
    assert [r["area"] for r in north] == ["gaza-north"] and north[0]["kcal_pp"] == pytest.approx(306.25, abs=0.5)


def test_a_split_for_another_context_is_off(gaza: tuple[Engine, Path], tmp_path: Path) -> None:
    engine, override = gaza
    other = tmp_path / "other.toml"
    other.write_text('[split]\ncontext = "XZ"\n', encoding="utf-8")
    with engine.connect() as conn:
        model = build_inputs(conn, runs=1, assumptions=load_set("sphere-2100", [other]))
    assert model.inputs.areas == ["gaza-strip"]  # the split names another context: Gaza as one area
    assert not [n for n in model.notes if "north share" in n]


def test_a_malformed_split_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[split.periods]]\ndate_from = "2024-01-01"\nvalue = 0.5\nlow = 0.6\nhigh = 0.9\nsource = "x"\n',
                   encoding="utf-8")
    with pytest.raises(UserError, match="low <= value <= high"):
        destination_split.from_set(load_set("sphere-2100", [bad]))


def test_the_default_gaza_split_names_its_share_and_source(gaza: tuple[Engine, Path]) -> None:
    engine, _ = gaza
    with engine.connect() as conn:
        table = coverage_table(conn, by="all", runs=1, date_from=date(2024, 5, 1))
    notes = " | ".join(table.notes)
    assert "north share: 0.0 % (0.0-5.0 %) from 2024-04-17 on" in notes
    assert "trucks_to_north" in notes
    rows = _by_area(table.rows)
    # share 0 after 16 Apr 2024: the north has only what came through Erez
    assert rows["gaza-north"]["kcal_in_pp"] == pytest.approx(100_000 * 3500 / 2 / 250_000, abs=0.5)
