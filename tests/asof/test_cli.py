"""--as-of and --compare-now on the query commands; a bad moment is one line and exit status 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lifeline.cli.app import app
from lifeline.store import queries
from lifeline.store.engine import open_store
from tests.asof.conftest import load_versions
from tests.cli.helpers import invoke_cli

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


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, Any]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = open_store(url)

    def observe(e: Any) -> Any:
        with e.connect() as conn:
            return queries.delivery_totals(conn)

    held = load_versions(engine, tmp_path, observe)
    engine.dispose()
    return url, held


def _json(url: str, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["--db", url, *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_deliveries_as_of_gives_the_first_version(db: tuple[str, Any]) -> None:
    url, held = db
    t = _json(url, "deliveries", "--as-of", "2024-09-15")
    assert [(r["period"], r["crossing"], r["tonnes"]) for r in t["rows"]] == [
        (r["period"], r["group"], round(r["tonnes"], 3)) for r in held.seen["v1"]]
    assert t["query"]["as_of"] == "2024-09-15T23:59:59Z"
    assert any(n.startswith("as of 2024-09-15T23:59:59Z") for n in t["notes"])


def test_deliveries_compare_now_shows_then_now_and_change(db: tuple[str, Any]) -> None:
    url, _ = db
    t = _json(url, "deliveries", "--as-of", "2024-09-15", "--compare-now")
    ks = next(r for r in t["rows"] if r["crossing"] == "kerem-shalom" and r["period"].startswith("2024-04"))
    assert ks["tonnes_change"] == pytest.approx(ks["tonnes_now"] - ks["tonnes_then"]) and ks["tonnes_change"] > 0
    assert t["query"]["compare_now"] is True


def test_coverage_compare_now(db: tuple[str, Any], tmp_path: Path) -> None:
    url, _ = db
    override = tmp_path / "pop.toml"
    override.write_text(POPULATION)
    t = _json(url, "coverage", "--runs", "1", "--from", "2024-04-01", "--to", "2024-04-30", "--assumptions",
              str(override), "--as-of", "2024-09-15T00:00:00", "--compare-now")
    (row,) = t["rows"]
    assert row["kcal_pp_now"] > row["kcal_pp_then"] > 0  # the second version doubled 12 rows
    assert row["area"] == "gaza-strip"


@pytest.mark.parametrize("command", [["deliveries"], ["access"], ["access", "--show", "throughput"],
                                     ["sources", "compare"], ["sources", "reported"]])
def test_every_query_command_takes_as_of(db: tuple[str, Any], command: list[str]) -> None:
    url, _ = db
    t = _json(url, *command, "--as-of", "2024-09-15")
    assert t["query"]["as_of"] == "2024-09-15T23:59:59Z"
    side = _json(url, *command, "--as-of", "2024-09-15", "--compare-now")
    assert side["query"]["compare_now"] is True


@pytest.mark.parametrize("value", ["2024-02-30", "soon", "2024-09-15T10"])
def test_a_bad_as_of_is_one_line_and_exit_2(db: tuple[str, Any], value: str) -> None:
    url, _ = db
    result = invoke_cli(url, "deliveries", "--as-of", value)
    assert result.returncode == 2
    assert "--as-of" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_compare_now_needs_as_of(db: tuple[str, Any]) -> None:
    url, _ = db
    result = invoke_cli(url, "deliveries", "--compare-now")
    assert result.returncode == 2 and "--as-of" in result.stderr


def test_report_as_of_states_its_moment(db: tuple[str, Any], tmp_path: Path) -> None:
    url, _ = db
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["--db", url, "report", "-o", str(out), "--runs", "1",
                                      "--from", "2024-04-01", "--to", "2024-04-30", "--as-of", "2024-09-15"])
    assert result.exit_code == 0, result.output
    assert "As of 2024-09-15T23:59:59Z" in out.read_text(encoding="utf-8")
