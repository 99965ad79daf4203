"""The store as held at T: as of a moment between two imports the answers are the first version's,
as of after the second they are the second's, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from lifeline.errors import UserError
from lifeline.model.access import timeline
from lifeline.model.as_of import answer, then_and_now
from lifeline.model.coverage import coverage_table
from lifeline.model.deliveries import delivery_table
from lifeline.store import as_of, queries, queries_access
from lifeline.store.queries_model import deliveries_frame
from tests.asof.conftest import AFTER, BEFORE, BETWEEN, V3_AT, load_versions

POPULATION = """
[assumptions.consumption_cap_kcal]
value = 1.0e6
distribution = "fixed"
source = "test: no cap, so every kilogram shows"
[population.gaza-strip]
dates = ["2024-01-01"]
values = [1000]
source = "test: 1,000 people"
"""


def _questions(engine: Engine, override: Path, at: datetime | None = None) -> dict[str, Any]:
    with engine.connect() as conn, as_of.held_at(at):
        return {
            "totals": queries.delivery_totals(conn, by="month", group="crossing"),
            "breakdown": queries.delivery_breakdown(conn, ("crossing",)),
            "frame": deliveries_frame(conn).sort("date", "kg", "crossing").select("date", "crossing", "kg").rows(),
            "coverage": coverage_table(conn, date_from=date(2024, 4, 1), date_to=date(2024, 5, 31),
                                       overrides=[override], runs=1).rows,
            "timeline": timeline(conn, by="month").rows,
            "daily": sorted(queries_access.daily_deliveries(conn), key=lambda r: (r["date"], str(r["crossing"]))),
            "sources": queries.sources_of_deliveries(conn),
        }


@pytest.fixture
def versions(store: Engine, tmp_path: Path) -> tuple[Any, Path]:
    override = tmp_path / "population.toml"
    override.write_text(POPULATION)
    return load_versions(store, tmp_path, lambda e: _questions(e, override)), override


def test_between_the_imports_the_answers_are_the_first_versions(versions: tuple[Any, Path]) -> None:
    held, override = versions
    for name in ("totals", "coverage", "timeline", "frame"):  # the second version moved April
        assert held.seen["v1"][name] != held.seen["v2"][name], name
    with held.engine.connect() as conn:  # by revising and withdrawing rows, not only adding some
        actions = sorted(r["action"] for r in queries.revisions(conn))
    assert actions == ["changed"] * 12 + ["withdrawn"] * 2
    then = _questions(held.engine, override, BETWEEN)
    for name, value in held.seen["v1"].items():
        assert then[name] == value, name


def test_after_the_second_import_the_answers_are_the_second_versions(versions: tuple[Any, Path]) -> None:
    held, override = versions
    now = _questions(held.engine, override, AFTER)
    for name, value in held.seen["v2"].items():
        assert now[name] == value, name


def test_withdrawn_then_restored_and_revised_twice(store: Engine, tmp_path: Path) -> None:
    override = tmp_path / "population.toml"
    override.write_text(POPULATION)
    held = load_versions(store, tmp_path, lambda e: _questions(e, override), third=True)
    assert held.seen["v2"]["totals"] != held.seen["v3"]["totals"] != held.seen["v1"]["totals"]
    with store.connect() as conn:
        actions = {r["action"] for r in queries.revisions(conn)}
    assert actions == {"changed", "withdrawn", "restored"}
    for at, version in ((BETWEEN, "v1"), (datetime(2024, 10, 15, tzinfo=UTC), "v2"), (V3_AT, "v3")):
        answers = _questions(store, override, at)
        for name, value in held.seen[version].items():
            assert answers[name] == value, (version, name)


def test_before_any_import_nothing_was_known(versions: tuple[Any, Path]) -> None:
    held, _ = versions
    with held.engine.connect() as conn:
        assert queries.delivery_totals(conn, as_of=BEFORE) == []
        assert deliveries_frame(conn, as_of=BEFORE).height == 0


def test_then_and_now_side_by_side(versions: tuple[Any, Path]) -> None:
    held, _ = versions
    with held.engine.connect() as conn:
        t = then_and_now(BETWEEN, lambda: delivery_table(conn, by="month", group="crossing"), ["tonnes", "trucks"])
    rows = {(str(r["period"])[:7], r["crossing"]): r for r in t.rows}
    v1 = {(str(r["period"])[:7], r["group"]): r for r in held.seen["v1"]["totals"]}
    v2 = {(str(r["period"])[:7], r["group"]): r for r in held.seen["v2"]["totals"]}
    ks = rows[("2024-04", "kerem-shalom")]
    assert ks["tonnes_then"] == pytest.approx(v1[("2024-04", "kerem-shalom")]["tonnes"])
    assert ks["tonnes_now"] == pytest.approx(v2[("2024-04", "kerem-shalom")]["tonnes"])
    assert ks["tonnes_change"] == pytest.approx(ks["tonnes_now"] - ks["tonnes_then"])
    assert ks["tonnes_change"] > 0
    may = rows[("2024-05", "rafah")]  # only the second version has May: then is missing, not zero
    assert may["tonnes_then"] is None and may["tonnes_change"] is None and may["tonnes_now"] > 0
    assert t.query["as_of"] == "2024-09-15T00:00:00Z"
    assert any("missing, not zero" in n for n in t.notes)
    with held.engine.connect() as conn:  # by default every figure, matched on the other columns
        first = then_and_now(BETWEEN, lambda: delivery_table(conn)).rows[0]
    assert {"consignments_then", "consignments_now", "rows_with_weight_change"} <= set(first)
    assert {"period", "crossing", "source"} <= set(first)


def test_an_answer_states_its_moment(versions: tuple[Any, Path]) -> None:
    held, _ = versions
    with held.engine.connect() as conn:
        t = answer(BETWEEN, lambda: delivery_table(conn))
    assert t.query["as_of"] == "2024-09-15T00:00:00Z"
    assert any(n.startswith("as of 2024-09-15T00:00:00Z") for n in t.notes)


@pytest.mark.parametrize("text", ["2024-13-01", "yesterday", "2024-09-15T25:00:00", "15/09/2024", ""])
def test_bad_moments_are_refused_with_one_line(text: str) -> None:
    with pytest.raises(UserError, match="--as-of"):
        as_of.parse(text)


def test_a_day_means_the_whole_day_utc() -> None:
    assert as_of.label(as_of.parse("2024-09-15")) == "2024-09-15T23:59:59Z"
    assert as_of.label(as_of.parse("2024-09-15T08:30:00")) == "2024-09-15T08:30:00Z"
    assert as_of.label(as_of.parse("2024-09-15T08:30:00+03:00")) == "2024-09-15T05:30:00Z"


def test_observations_and_series_as_of(store: Engine, tmp_path: Path) -> None:
    from lifeline.ingest.service import import_file
    from lifeline.model.series import series_table
    from tests.asof.conftest import V1_AT, V2_AT, stamp

    header = "#adm1+code,#date,#population,#meta+source,#meta+url\n"
    for folder, body, at in (
        ("v1", "PS-GZA,2024-01,600000,PCBS,https://example.org/1\nPS-RFH,2024-01,275000,PCBS,https://example.org/1\n",
         V1_AT),
        ("v2", "PS-GZA,2024-01,610000,PCBS,https://example.org/1\n", V2_AT),  # revised, and PS-RFH withdrawn
    ):
        path = tmp_path / folder / "population-2024.csv"  # the same name in both folders: one series
        path.parent.mkdir()
        path.write_text(header + body, encoding="utf-8")
        report = import_file(store, path)
        assert report.dataset_id is not None
        stamp(store, report.dataset_id, at)
    with store.connect() as conn:
        then = {r["location"]: r["value"] for r in queries_access.observations(conn, "population", as_of=BETWEEN)}
        now = {r["location"]: r["value"] for r in queries_access.observations(conn, "population")}
        assert then == {"PS-GZA": 600000.0, "PS-RFH": 275000.0}
        assert now == {"PS-GZA": 610000.0}
        assert queries_access.observations(conn, "population", as_of=BEFORE) == []
        side = then_and_now(BETWEEN, lambda: series_table(conn, "population"))
    values = {r["location"] if "location" in r else r.get("area"): r for r in side.rows}
    assert any(v is not None for r in side.rows for k, v in r.items() if k.endswith("_then"))
    assert len(values) >= 1


def test_then_and_now_of_the_access_timeline_matches_rows_by_crossing_and_period(versions: tuple[Any, Path]) -> None:
    held, _ = versions
    with held.engine.connect() as conn:
        side = then_and_now(BETWEEN, lambda: timeline(conn, by="day"))
        now = timeline(conn, by="day")
    assert len(side.rows) == len({(r["crossing"], str(r["period"])) for r in side.rows})  # one row per key
    assert len(side.rows) >= len(now.rows)
    may = [r for r in side.rows if str(r["period"]) == "2024-05-02" and r["crossing"] == "rafah"]
    assert may and may[0]["status_now"] == "open" and may[0]["status_then"] in (None, "no data", "unknown")


def test_last_update_per_series_as_of(versions: tuple[Any, Path]) -> None:
    from lifeline.store import queries_web

    held, _ = versions
    with held.engine.connect() as conn:
        now = {r["series"]: r for r in queries_web.last_update_per_series(conn)}
        with as_of.held_at(BETWEEN):
            then = {r["series"]: r for r in queries_web.last_update_per_series(conn)}
    (series,) = now
    assert (now[series]["versions"], then[series]["versions"]) == (2, 1)
    assert str(now[series]["latest_data"]) == "2024-05-02" and str(then[series]["latest_data"]) == "2024-04-30"
