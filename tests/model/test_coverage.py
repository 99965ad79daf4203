"""Coverage engine on hand-computed cases: exact kcal/person/day, conversions, carry-over, seeds."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from lifeline.cli.app import app
from lifeline.errors import UserError
from lifeline.model.coverage import coverage_table
from tests.model.helpers import load, write_override, write_unrwa

ONE_AREA = """
[assumptions.requirement_kcal]
value = {req}
source = "test"
[assumptions.consumption_cap_kcal]
value = {cap}
distribution = "fixed"
source = "test"
[coverage]
daily_window_days = {window}
source = "test"
[population.gaza-strip]
dates = ["2024-01-01"]
values = [1000]
source = "test: 1,000 people"
"""

# A non-food row on the last day: the list then records (covers) every day of the window asked.
CLOSE = ("2024-01-10", "Non-Food Items", "Tents", 5, "Pallets")


def _override(tmp_path: Path, req: float = 2100.0, cap: float = 1.0e6, window: int = 1) -> Path:
    return write_override(tmp_path / "one.toml", ONE_AREA.format(req=req, cap=cap, window=window))


def test_hand_computed_kcal_per_person_and_coverage(store, tmp_path: Path) -> None:
    # 8 pallets of wheat flour = 8 x 637.5 kg = 5,100 kg x 3,500 kcal/kg = 17,850,000 kcal,
    # plus 2 Ton of rice = 2,000 kg x 3,520 = 7,040,000 kcal; over 10 days x 1,000 people:
    # (17,850,000 + 7,040,000) / 10,000 = 2,489 kcal/person/day; coverage 2,489 / 2,100 = 1.185.
    path = write_unrwa(
        tmp_path / "u.csv",
        [
            ("2024-01-01", "Food Items", "Wheat Flour", 8, "Pallets"),
            ("2024-01-03", "Food Items", "Rice", 2, "Ton"),
            ("2024-01-04", "Non-Food Items", "Tents", 5, "Pallets"),
            ("2024-01-10", "Non-Food Items", "Tents", 5, "Pallets"),  # the list covers 1-10 Jan
        ],
    )
    load(store, path)
    with store.connect() as conn:
        t = coverage_table(
            conn,
            date_from=date(2024, 1, 1),
            date_to=date(2024, 1, 10),
            by="month",
            overrides=[_override(tmp_path)],
            runs=1,
        )
    (row,) = t.rows
    assert row["kcal_pp"] == 2489
    assert row["coverage"] == pytest.approx(2489 / 2100, abs=1e-3)
    assert row["population"] == 1000 and row["days"] == 10
    assert row["sources"] == "UNRWA"


def test_carry_over_under_a_cap(sqlite_store, tmp_path: Path) -> None:
    # 17,850,000 kcal on day 1, 1,000 people capped at 2,000 kcal: 2,000/day for 8 days (16 M),
    # 1,850 on day 9, nothing on day 10. Requirement 1,900 -> days 9 and 10 are below it.
    load(
        sqlite_store,
        write_unrwa(tmp_path / "u.csv", [("2024-01-01", "Food Items", "Wheat Flour", 8, "Pallets"), CLOSE]),
    )
    with sqlite_store.connect() as conn:
        t = coverage_table(
            conn,
            date_from=date(2024, 1, 1),
            date_to=date(2024, 1, 10),
            by="day",
            overrides=[_override(tmp_path, req=1900, cap=2000)],
            runs=1,
        )
    # With a 1-day window a day without any recorded entry is a gap, never a zero (issue 11); the days
    # below the requirement still come from the balance, which carries the stock over those days.
    assert [r["kcal_pp"] for r in t.rows] == [2000] + [None] * 8 + [0]
    assert [r["days_below"] for r in t.rows] == [0] + [None] * 8 + [1]
    with sqlite_store.connect() as conn:
        whole = coverage_table(
            conn,
            date_from=date(2024, 1, 1),
            date_to=date(2024, 1, 10),
            by="all",
            overrides=[_override(tmp_path, req=1900, cap=2000)],
            runs=1,
        )
        days = coverage_table(
            conn,
            date_from=date(2024, 1, 1),
            date_to=date(2024, 1, 10),
            by="all",
            overrides=[_override(tmp_path, req=1900, cap=2000)],
            runs=1,
        )
    assert whole.rows[0]["kcal_pp"] == (2000 * 8 + 1850) / 10 == days.rows[0]["kcal_pp"]
    assert whole.rows[0]["days_below"] == 2


def test_daily_figures_are_trailing_window_means_and_never_artefact_zeros(sqlite_store, tmp_path: Path) -> None:
    # 7,000,000 kcal (2,000 kg of rice at 3,500... here 2 t of rice x 3,520 = 7,040,000) on 1 Jan, then entries
    # of non-food only; no cap. 7-day trailing window: each day from 1 to 7 Jan shows 7,040,000 / (1,000 x n days)
    # over the days so far, days 8-10 show 0 only because the list records entries (tents) in that window.
    rows = [
        ("2024-01-01", "Food Items", "Rice", 2, "Ton"),
        ("2024-01-09", "Non-Food Items", "Tents", 1, "Pallets"),
        CLOSE,
    ]
    load(sqlite_store, write_unrwa(tmp_path / "u.csv", rows))
    with sqlite_store.connect() as conn:
        t = coverage_table(
            conn,
            date_from=date(2024, 1, 1),
            date_to=date(2024, 1, 10),
            by="day",
            overrides=[_override(tmp_path, window=7)],
            runs=1,
        )
    got = [r["kcal_pp"] for r in t.rows]
    assert got[:7] == [round(7_040_000 / (1000 * n)) for n in range(1, 8)]
    assert got[7] is None  # 2-8 Jan: no entry recorded in the window, a gap, not zero
    assert got[8:] == [0, 0]  # 3-9 and 4-10 Jan hold recorded entries (tents): a true zero of food
    assert any("7-day trailing means" in n for n in t.notes)
    # The entering series is named and equals the available one when nothing is capped.
    assert [r["kcal_in_pp"] for r in t.rows] == got


def test_seeded_monte_carlo_is_reproducible(sqlite_store, tmp_path: Path) -> None:
    load(
        sqlite_store,
        write_unrwa(
            tmp_path / "u.csv",
            [
                ("2024-01-01", "Food Items", "Wheat Flour", 8, "Pallets"),
                ("2024-01-05", "Food Items", "Canned tuna + rice", 20, "Pallets"),
                ("2024-01-31", "Non-Food Items", "Tents", 5, "Pallets"),
            ],
        ),
    )
    kw = dict(date_from=date(2024, 1, 1), date_to=date(2024, 1, 31), by="week", runs=300)
    with sqlite_store.connect() as conn:
        a = coverage_table(conn, seed=7, overrides=[_override(tmp_path, cap=2500)], **kw).rows
        b = coverage_table(conn, seed=7, overrides=[_override(tmp_path, cap=2500)], **kw).rows
        c = coverage_table(conn, seed=8, overrides=[_override(tmp_path, cap=2500)], **kw).rows
    assert a == b
    assert a != c
    assert all(r["kcal_pp_low"] <= r["kcal_pp"] <= r["kcal_pp_high"] for r in a)
    assert any(r["kcal_pp_low"] < r["kcal_pp_high"] for r in a)


def test_unknown_area_is_a_user_error(sqlite_store, tmp_path: Path) -> None:
    load(sqlite_store, write_unrwa(tmp_path / "u.csv", [("2024-01-01", "Food Items", "Rice", 1, "Ton")]))
    with sqlite_store.connect() as conn, pytest.raises(UserError, match="no population series for area 'mars'"):
        coverage_table(conn, area="mars", runs=1)


def test_cli_coverage_json_is_one_document(tmp_path: Path) -> None:
    from lifeline.store.engine import open_store

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = open_store(url)
    load(
        engine,
        write_unrwa(
            tmp_path / "u.csv",
            [("2024-01-01", "Food Items", "Rice", 1, "Ton"), ("2024-01-14", "Non-Food Items", "Tents", 1, "Pallets")],
        ),
    )
    engine.dispose()
    result = CliRunner().invoke(
        app,
        [
            "--db",
            url,
            "coverage",
            "--runs",
            "50",
            "--by",
            "week",
            "--format",
            "json",
            "--from",
            "2024-01-01",
            "--to",
            "2024-01-14",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [r["period"] for r in doc["rows"]] == ["2024-01-01", "2024-01-08"]
    # 1 t of rice x 3,520 kcal/kg in week one over 2,226,544 people x 7 days is about 0.23 kcal/person/day
    assert 0.1 < doc["rows"][0]["kcal_pp"] + 0.5 < 2 and doc["rows"][1]["kcal_pp"] == 0
    assert doc["rows"][0]["assumptions"].startswith("sphere-2100")


def test_assumptions_show_prints_every_value_with_its_source() -> None:
    result = CliRunner().invoke(app, ["assumptions", "show", "commodity-kcal", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    flour = next(r for r in rows if r["name"] == "wheat-flour")
    assert flour["value"] == 3500 and "Platt" in flour["source"]
    assert all(r["source"] for r in rows)
    for name in ("sphere-2100", "checchi-2024", "fliss-isakov-2025"):
        shown = CliRunner().invoke(app, ["assumptions", "show", name, "--format", "json"])
        assert shown.exit_code == 0 and all(r["source"] for r in json.loads(shown.stdout)["rows"])
    assert np.isfinite(1.0)


def test_rows_with_several_items_share_their_weight(sqlite_store, tmp_path: Path) -> None:
    # "Rice + Hygiene kits": 4 pallets = 2,550 kg, half rice (1,275 kg x 3,520 = 4,488,000 kcal), half non-food.
    # "Sugar + Rice": 1 t, 500 kg x 3,870 + 500 kg x 3,520 = 3,695,000 kcal. Over 10 days x 1,000 people: 818.3.
    load(
        sqlite_store,
        write_unrwa(
            tmp_path / "u.csv",
            [
                ("2024-01-01", "Food Items", "Rice + Hygiene kits", 4, "Pallets"),
                ("2024-01-02", "Food Items", "Sugar + Rice", 1, "Ton"),
                CLOSE,
            ],
        ),
    )
    with sqlite_store.connect() as conn:
        t = coverage_table(
            conn,
            date_from=date(2024, 1, 1),
            date_to=date(2024, 1, 10),
            by="month",
            overrides=[_override(tmp_path)],
            runs=1,
        )
    assert t.rows[0]["kcal_pp"] == round((4_488_000 + 3_695_000) / 10_000)


def test_cli_error_is_one_line_and_exit_status_2(tmp_path: Path) -> None:
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("lifeline")
    db = f"sqlite:///{tmp_path / 'e.db'}"
    done = subprocess.run([str(exe), "--db", db, "study", "checchi-2024"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--workbook" in done.stderr
    done = subprocess.run(
        [str(exe), "--db", db, "coverage", "--area", "x", "--from", "2024-01-01", "--to", "2024-01-02"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "no population series for area 'x'" in done.stderr


def test_hxl_output_has_a_hashtag_row(sqlite_store, tmp_path: Path) -> None:
    from lifeline.formats import render

    load(sqlite_store, write_unrwa(tmp_path / "u.csv", [("2024-01-01", "Food Items", "Rice", 1, "Ton")]))
    with sqlite_store.connect() as conn:
        t = coverage_table(conn, runs=1, overrides=[_override(tmp_path)])
    lines = render(t, "hxl").splitlines()
    assert lines[1].startswith("#date+start,#date+end,#adm1+code")


def test_two_publishers_are_never_summed(sqlite_store, tmp_path: Path) -> None:
    from lifeline.assumptions import load_set
    from lifeline.ingest.service import import_file

    load(
        sqlite_store,
        write_unrwa(tmp_path / "u.csv", [("2024-01-01", "Food Items", "Wheat Flour", 8, "Pallets"), CLOSE]),
    )
    cogat = tmp_path / "cogat.csv"
    cogat.write_text(
        "Index,Date,Route,Classification,Donor,Aid (tons)\n1,1 Jan 2024,Land Crossings,Food,X,20\n"
        "2,10 Jan 2024,Land Crossings,Shelter Equipment,X,5\n"
    )
    import_file(sqlite_store, cogat, kind="cogat", rules=load_set("normalisation"))
    with sqlite_store.connect() as conn:
        t = coverage_table(
            conn, date_from=date(2024, 1, 1), date_to=date(2024, 1, 10), overrides=[_override(tmp_path)], runs=1
        )
    by_source = {r["sources"]: r["kcal_pp"] for r in t.rows}
    # UNRWA: 8 x 637.5 kg x 3,500 kcal = 1,785 kcal/p/d; COGAT: 20 t of food (mixed, 3,000 kcal/kg) = 6,000.
    assert by_source == {"UNRWA": 1785, "COGAT": 6000}
    assert any("never summed" in n for n in t.notes)


def test_a_period_at_the_consumption_cap_says_so(sqlite_store, tmp_path: Path) -> None:
    # 8 pallets of flour (17,850,000 kcal) for 1,000 people capped at 2,000: every one of the ten days
    # consumes 2,000 except the last two; days 1-8 sit at the cap and are flagged, the cap is named.
    rows = [(f"2024-01-{d:02d}", "Non-Food Items", "Tents", 1, "Pallets") for d in range(2, 11)]
    load(
        sqlite_store,
        write_unrwa(tmp_path / "u.csv", [("2024-01-01", "Food Items", "Wheat Flour", 8, "Pallets"), *rows]),
    )
    with sqlite_store.connect() as conn:
        t = coverage_table(
            conn,
            date_from=date(2024, 1, 1),
            date_to=date(2024, 1, 10),
            by="day",
            overrides=[_override(tmp_path, req=1900, cap=2000)],
            runs=1,
        )
    flags = [r["flag"] or "" for r in t.rows]
    assert all("at the cap (2,000 kcal) every day" in f for f in flags[:8])
    assert not any("at the cap" in f for f in flags[8:])
    assert t.rows[0]["cap"] == 2000 and t.rows[0]["kcal_in_pp"] > t.rows[0]["kcal_pp"] == 2000
    assert any("consumption capped at 2,000 kcal/person/day" in n for n in t.notes)


def test_days_in_a_declared_partial_monitoring_period_are_marked(sqlite_store, tmp_path: Path) -> None:
    load(
        sqlite_store,
        write_unrwa(
            tmp_path / "u.csv",
            [("2024-05-05", "Food Items", "Rice", 1, "Ton"), ("2024-05-07", "Food Items", "Rice", 1, "Ton")],
        ),
    )
    with sqlite_store.connect() as conn:
        t = coverage_table(conn, by="day", source="UNRWA", overrides=[_override(tmp_path)], runs=1)
    marks = {r["period"]: r["monitoring"] for r in t.rows}
    assert marks["2024-05-05"] is None
    assert "UNRWA partial monitoring from 2024-05-06" in marks["2024-05-07"]
    assert any("UNRWA declares its data partial from 2024-05-06" in n for n in t.notes)


def test_a_partial_last_month_is_never_the_latest_headline(sqlite_store, tmp_path: Path) -> None:
    from lifeline.model.coverage import latest_complete

    rows = [("2024-01-01", "Food Items", "Rice", 1, "Ton"), ("2024-02-10", "Food Items", "Rice", 1, "Ton")]
    load(sqlite_store, write_unrwa(tmp_path / "u.csv", rows))
    with sqlite_store.connect() as conn:
        t = coverage_table(conn, by="month", overrides=[_override(tmp_path)], runs=1)
    marks = {r["period"]: r["completeness"] for r in t.rows}
    assert marks == {"2024-01-01": "complete", "2024-02-01": "partial: data to 2024-02-10"}
    assert latest_complete(t.rows) == "2024-01-01"
