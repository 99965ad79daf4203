"""The access timeline, closures and throughput of one context in a store holding two: only its own
crossings, statuses, baselines and needs; a store of one context keeps its own crossings only."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine

from lifeline.errors import UserError
from lifeline.model import access
from tests.contexts.conftest import GAZA_MARKS, ZARQA_MARKS, Ran, set_up_example

MARCH = (date(2025, 3, 1), date(2025, 3, 30))


def test_timeline_lists_the_context_crossings_only(two_contexts: Engine) -> None:
    with two_contexts.connect() as conn:
        with pytest.raises(UserError, match="2 contexts"):
            access.timeline(conn, *MARCH)
        zarqa = access.timeline(conn, *MARCH, context="XZ")
        gaza = access.timeline(conn, date(2024, 5, 1), date(2024, 5, 2), context="gaza-strip")
    assert {r["crossing"] for r in zarqa.rows} == {"north-gate", "river-port"}
    assert zarqa.query["context"] == "XZ"
    port = {r["period"]: r for r in zarqa.rows if r["crossing"] == "river-port"}
    assert port[date(2025, 3, 19)]["status"] == "open" and port[date(2025, 3, 20)]["status"] == "closed"
    crossings = {r["crossing"] for r in gaza.rows if r["level"] == "crossing"}
    assert {"kerem-shalom", "rafah", "erez", "jlots"} <= crossings and not crossings & {"north-gate", "river-port"}
    assert not {s["title"] for s in zarqa.sources} & {s["title"] for s in gaza.sources if "event" in s["title"]}
    text = json.dumps(zarqa.rows, default=str) + json.dumps(zarqa.sources, default=str)
    assert not [m for m in GAZA_MARKS if m in text]
    text = json.dumps(gaza.rows, default=str) + json.dumps(gaza.sources, default=str)
    assert not [m for m in ZARQA_MARKS if m in text]


def test_closures_are_the_context_own(two_contexts: Engine) -> None:
    with two_contexts.connect() as conn:
        zarqa = access.closures(conn, *MARCH, context="XZ")
        gaza = access.closures(conn, date(2024, 5, 1), date(2024, 5, 31), context="gaza-strip")
    assert [(r["crossing"], r["start"]) for r in zarqa.rows] == [("river-port", date(2025, 3, 20))]
    assert zarqa.rows[0]["days"] == 11 and zarqa.rows[0]["ongoing"]
    assert gaza.rows and {r["crossing"] for r in gaza.rows}.isdisjoint({"north-gate", "river-port"})


def test_throughput_has_no_baseline_or_need_of_another_context(two_contexts: Engine) -> None:
    with two_contexts.connect() as conn:
        zarqa = access.throughput(conn, *MARCH, context="XZ")
        gaza = access.throughput(conn, date(2024, 5, 1), date(2024, 5, 31), context="gaza-strip")
    assert zarqa.rows and all(r["prewar_trucks_per_day"] is None and r["stated_need"] is None for r in zarqa.rows)
    assert any("no pre-war baseline is stored for context 'XZ'" in n for n in zarqa.notes)
    assert not [s for s in zarqa.sources if "500" in str(s.get("title"))]
    assert gaza.rows and all(r["prewar_trucks_per_day"] is not None for r in gaza.rows)
    assert {r["source"] for r in zarqa.rows}.isdisjoint({r["source"] for r in gaza.rows})


def test_a_new_context_alone_shows_its_own_crossings(sqlite_store: Engine) -> None:
    set_up_example(sqlite_store)
    with sqlite_store.connect() as conn:
        rows = access.timeline(conn, *MARCH).rows
    assert {r["crossing"] for r in rows} == {"north-gate", "river-port"}


def test_cli_access_takes_context(two_contexts: Engine, lifeline: Callable[..., Ran]) -> None:
    asked = lifeline(two_contexts, "access", "--from", "2025-03-01", "--to", "2025-03-02")
    assert asked.returncode == 2 and "--context" in asked.stderr and "Traceback" not in asked.stderr
    ok = lifeline(two_contexts, "access", "--context", "XZ", "--from", "2025-03-01", "--to", "2025-03-02",
                  "--format", "json")
    assert ok.returncode == 0, ok.stderr
    assert {r["crossing"] for r in json.loads(ok.stdout)["rows"]} == {"north-gate", "river-port"}
    for show in ("closures", "throughput"):
        ran = lifeline(two_contexts, "access", "--show", show, "--context", "XZ", "--format", "json")
        assert ran.returncode == 0, ran.stderr
        assert not [m for m in GAZA_MARKS if m in ran.stdout], show
