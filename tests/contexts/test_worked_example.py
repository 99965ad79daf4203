"""The worked example of docs/new-context.md: a fictional three-district context set up from its own HXL
files only (no settings file), its coverage by district checked against the hand computation."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lifeline.errors import UserError
from lifeline.ingest.service import import_file
from lifeline.model import context_gaps, contexts
from lifeline.model.coverage import coverage_table

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "zarqa-valley"
FILES = ["1-places.csv", "2-population.csv", "3-deliveries.csv", "4-status.csv"]

# The hand computation (docs/new-context.md, "What Lifeline computes"), from the files' figures and the
# catalogue's point densities (commodity-kcal.toml): wheat flour 3,500, rice 3,520, pulses 3,520 kcal/kg.
FLOUR, RICE, PULSES = 3500.0, 3520.0, 3520.0
DAYS = 30  # 1-30 March 2025, the days the deliveries file covers
PORT_DAYS = 19  # River Port delivers 1-19 March, then is reported closed
# Upper Zarqa falls linearly from 100,000 (1 March) to 80,000 (31 March): person-days over 1-30 March.
UPPER_PERSON_DAYS = sum(100_000 - 20_000 * i / 30 for i in range(DAYS))
EXPECTED = {
    # North Gate serves Upper Zarqa only, so its rows without a destination are counted there.
    "XZ01": 50_000 * DAYS * FLOUR / UPPER_PERSON_DAYS,
    "XZ02": 10_000 * PORT_DAYS * PULSES / (50_000 * DAYS),
    "XZ03": 40_000 * PORT_DAYS * RICE / (150_000 * DAYS),
}

WHOLE_PERSON_DAYS = UPPER_PERSON_DAYS + 50_000 * DAYS + 150_000 * DAYS
WHOLE_KCAL = (50_000 * DAYS * FLOUR + 10_000 * PORT_DAYS * PULSES + 40_000 * PORT_DAYS * RICE) / WHOLE_PERSON_DAYS


def set_up(engine: Engine, folder: Path = EXAMPLE) -> None:
    for name in FILES:
        if (folder / name).exists():
            import_file(engine, folder / name)


def test_hand_computation_by_district(store: Engine) -> None:
    set_up(store)
    with store.connect() as conn:
        (ctx,) = contexts.all_contexts(conn)
        result = coverage_table(conn, runs=1)
    assert (ctx.code, ctx.entry_points, ctx.areas) == ("XZ", ["north-gate", "river-port"],
                                                        ["XZ", "XZ01", "XZ02", "XZ03"])
    got = {r["area"]: r for r in result.rows}
    assert set(got) == set(EXPECTED) | {"XZ"}  # coverage by district and the whole; nothing of Gaza
    whole = got.pop("XZ")
    # the whole context: all kcal over all person-days (not the mean of the three districts' figures)
    assert whole["kcal_pp"] == round(WHOLE_KCAL) and whole["population"] == round(WHOLE_PERSON_DAYS / DAYS)
    assert "population-weighted" in whole["flag"]
    for area, kcal in EXPECTED.items():
        assert got[area]["kcal_pp"] == round(kcal), area
        assert got[area]["coverage"] == round(round(kcal) / 2100, 3) or abs(got[area]["coverage"] - kcal / 2100) < 1e-3
    assert got["XZ01"]["population"] == round(UPPER_PERSON_DAYS / DAYS)
    assert any("imported estimates" in n for n in result.notes)
    assert any("entry point serves" in n for n in result.notes)


def test_monte_carlo_median_brackets_the_point_estimate(sqlite_store: Engine) -> None:
    set_up(sqlite_store)
    with sqlite_store.connect() as conn:
        rows = {r["area"]: r for r in coverage_table(conn, runs=1000).rows}
    for area, kcal in (EXPECTED | {"XZ": WHOLE_KCAL}).items():
        r = rows[area]
        assert r["kcal_pp_low"] < kcal < r["kcal_pp_high"], (area, kcal, r)
        assert abs(r["kcal_pp"] - kcal) / kcal < 0.05, (area, kcal, r["kcal_pp"])  # losses and weights are centred


def test_beside_gaza_nothing_leaks(sqlite_store: Engine) -> None:
    from lifeline.reference.load import load_all

    load_all(sqlite_store)
    set_up(sqlite_store)
    with sqlite_store.connect() as conn:
        assert [c.code for c in contexts.all_contexts(conn)] == ["XZ", "gaza-strip"]
        with pytest.raises(UserError, match="2 contexts"):
            coverage_table(conn, runs=1)
        zarqa = coverage_table(conn, runs=1, context="XZ", date_from=date(2025, 3, 1), date_to=date(2025, 3, 30))
        assert {r["area"] for r in zarqa.rows} == set(EXPECTED) | {"XZ"}
        assert {r["area"]: r["kcal_pp"] for r in zarqa.rows} == {a: round(k) for a, k in EXPECTED.items()} | {
            "XZ": round(WHOLE_KCAL)}
        assert {s["publisher"] for s in zarqa.sources} == {"Lifeline worked example (fictional)"}  # no Gaza list
        gaza = contexts.resolve(conn, "gaza-strip")
        assert gaza is not None and "north-gate" not in gaza.members and "kerem-shalom" in gaza.entry_points
        with pytest.raises(UserError, match="unknown context 'atlantis'"):
            contexts.resolve(conn, "atlantis")


def test_a_crossing_serving_an_unknown_area_is_refused_with_its_row(sqlite_store: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "places.csv"
    text = (EXAMPLE / "1-places.csv").read_text(encoding="utf-8").replace("land,XZ01,", "land,XZ09,")
    bad.write_text(text.replace(",port,", ",teleporter,").replace("XZ02;XZ03", "XZ02;XZ03"), encoding="utf-8")
    report = import_file(sqlite_store, bad)
    (rejected,) = report.rejections
    assert rejected["row"] == 7 and rejected["column"] == "#loc+code+serves" and "XZ09" in rejected["reason"]


def test_an_unknown_route_is_a_row_rejection(sqlite_store: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "places.csv"
    bad.write_text((EXAMPLE / "1-places.csv").read_text(encoding="utf-8").replace(",land,", ",by balloon,"),
                   encoding="utf-8")
    report = import_file(sqlite_store, bad)
    (rejected,) = report.rejections
    assert "#loc+route" in rejected["column"] and "by balloon" in rejected["reason"]


def test_what_a_context_lacks_is_said(sqlite_store: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "partial"
    folder.mkdir()
    shutil.copy(EXAMPLE / "1-places.csv", folder / "1-places.csv")
    text = (folder / "1-places.csv").read_text(encoding="utf-8").replace(",XZ01,15.10", ",,15.10")
    (folder / "1-places.csv").write_text(text, encoding="utf-8")
    set_up(sqlite_store, folder)
    with sqlite_store.connect() as conn:
        ctx = contexts.resolve(conn, None)
        assert ctx is not None
        lacks = context_gaps.gaps(conn, ctx)
        with pytest.raises(UserError, match="no population for context 'XZ'"):
            coverage_table(conn, runs=1, date_from=date(2025, 3, 1), date_to=date(2025, 3, 2))
    assert any(line.startswith("no population") for line in lacks)
    assert any("north-gate serves no area" in line for line in lacks)


def test_places_that_are_each_others_parent_are_refused_with_their_rows(sqlite_store: Engine, tmp_path: Path) -> None:
    """A loop in the parent chain (and a place hanging from it) is refused row by row, never an assertion."""
    bad = tmp_path / "loop.csv"
    bad.write_text("code,type,name,parent\n#loc+code,#loc+type,#loc+name,#loc+code+parent\nXV,country,V,\n"
                   "XV01,district,A,XV02\nXV02,district,B,XV01\nXV03,district,C,XV01\n", encoding="utf-8")
    report = import_file(sqlite_store, bad)
    assert (report.rows_imported, report.rows_rejected) == (1, 3)
    reasons = {r["row"]: r["reason"] for r in report.rejections}
    assert "XV01 -> XV02 -> XV01" in reasons[4] and "comes back to itself" in reasons[5]
    assert "XV01 is refused in this file" in reasons[6]
