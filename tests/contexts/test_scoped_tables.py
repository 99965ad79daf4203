"""Deliveries, sources compared, reported figures and series of one context in a store holding two."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from lifeline.errors import UserError
from lifeline.model.deliveries import delivery_table
from lifeline.model.series import series_table
from lifeline.model.sources_compare import comparison, reported_vs_recorded
from tests.contexts.conftest import GAZA_MARKS, ZARQA_MARKS, Ran


def _text(table: object) -> str:
    return json.dumps({"rows": table.rows, "sources": table.sources}, default=str)  # type: ignore[attr-defined]


def test_deliveries_of_one_context(two_contexts: Engine) -> None:
    with two_contexts.connect() as conn:
        with pytest.raises(UserError, match="2 contexts"):
            delivery_table(conn)
        zarqa = delivery_table(conn, by="month", group="crossing", context="XZ")
        gaza = delivery_table(conn, by="month", group="crossing", context="gaza-strip")
    assert {r["crossing"] for r in zarqa.rows} == {"north-gate", "river-port"}
    # 50 t a day for 30 days at North Gate; 40 + 10 t a day for 19 days at River Port
    assert {r["crossing"]: r["tonnes"] for r in zarqa.rows} == {"north-gate": 1500.0, "river-port": 950.0}
    assert {r["crossing"]: r["tonnes"] for r in gaza.rows} == {"kerem-shalom": 350.0, "rafah": 100.0}
    assert not [m for m in GAZA_MARKS if m in _text(zarqa)]
    assert not [m for m in ZARQA_MARKS if m in _text(gaza)]


def test_sources_compare_and_reported_of_one_context(two_contexts: Engine) -> None:
    with two_contexts.connect() as conn:
        zarqa = comparison(conn, "consignments", "all", "month", context="XZ")
        reported = reported_vs_recorded(conn, context="XZ")
        gaza_reported = reported_vs_recorded(conn, context="gaza-strip")
    publishers = {c.key for c in zarqa.columns if not c.key.startswith("ratio_")} - {"period", "flag"}
    assert publishers == {"Lifeline worked example (fictional)"}
    assert zarqa.rows[0]["Lifeline worked example (fictional)"] == 30 + 2 * 19
    assert reported.rows == [] and gaza_reported.rows  # Gaza's reported truckloads stay with Gaza
    assert not [m for m in GAZA_MARKS if m in _text(reported)]


def test_series_of_one_context(two_contexts: Engine) -> None:
    with two_contexts.connect() as conn:
        zarqa = series_table(conn, "population", context="XZ")
        gaza = series_table(conn, "population", context="gaza-strip")
    assert {r["location"] for r in zarqa.rows} == {"XZ01", "XZ02", "XZ03"}
    assert {r["location"] for r in gaza.rows}.isdisjoint({"XZ01", "XZ02", "XZ03"}) and gaza.rows


@pytest.mark.parametrize("command", [
    ["deliveries"], ["sources", "compare"], ["sources", "reported"], ["series", "--indicator", "population"],
])
def test_cli_commands_take_context(two_contexts: Engine, lifeline: Callable[..., Ran], command: list[str]) -> None:
    asked = lifeline(two_contexts, *command)
    assert asked.returncode == 2 and "--context" in asked.stderr
    ran = lifeline(two_contexts, *command, "--context", "XZ", "--format", "json")
    assert ran.returncode == 0, ran.stderr
    assert not [m for m in GAZA_MARKS if m in ran.stdout]
