"""``commodities unmapped --context`` and ``scenario --context``: the same option and the same refusal as
every other command in a store holding two contexts (unseen round 6, findings 13 and 21)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from lifeline.ingest.service import import_file
from tests.contexts.conftest import Ran

# One cargo description no catalogue rule matches in each context (this module's own copy of the store).
UNMAPPED = """date,crossing,item,tonnes,source
#date,#loc+crossing+name,#item+name,#indicator+num+tonnes,#meta+source
2025-03-02,{crossing},{item},5,{source}
"""

# A what-if over both contexts' delivery dates (Gaza's test list: May 2024; the example: March 2025).
SCENARIO = """[scenario]
title = "North Gate closed"
start = "2025-04-01"
days = 10
baseline_from = "2024-05-01"
baseline_to = "2025-03-31"
runs = 5
seed = 1

[population.XZ01]
value = 1000
source = "test figure"

[reach]
north-gate = ["XZ01"]

[[closures]]
crossing = "north-gate"
from = "2025-04-05"
"""


def test_commodities_unmapped_asks_for_a_context_and_keeps_to_it(
    two_contexts: Engine, lifeline: Callable[..., Ran], tmp_path: Path
) -> None:
    for name, crossing, item, source in (("xz.csv", "North Gate", "zzqx", "Zarqa unmapped list"),
                                         ("gz.csv", "Kerem Shalom", "qqzx", "Gaza unmapped list")):
        path = tmp_path / name
        path.write_text(UNMAPPED.format(crossing=crossing, item=item, source=source), encoding="utf-8")
        import_file(two_contexts, path)
    asked = lifeline(two_contexts, "commodities", "unmapped")
    assert asked.returncode == 2 and "--context" in asked.stderr
    for code, own, other in (("XZ", "Zarqa", "Gaza"), ("gaza-strip", "Gaza", "Zarqa")):
        ran = lifeline(two_contexts, "commodities", "unmapped", "--context", code, "--format", "json")
        assert ran.returncode == 0, ran.stderr
        doc = json.loads(ran.stdout)
        assert doc["query"]["context"] == code
        assert doc["rows"] and all(own in r["source"] for r in doc["rows"]), doc["rows"]
        assert all(other not in r["source"] for r in doc["rows"])


def test_scenario_asks_for_a_context_and_reads_its_baseline_only(
    two_contexts: Engine, lifeline: Callable[..., Ran], tmp_path: Path
) -> None:
    file = tmp_path / "what-if.toml"
    file.write_text(SCENARIO, encoding="utf-8")
    asked = lifeline(two_contexts, "scenario", str(file))
    assert asked.returncode == 2 and "--context" in asked.stderr
    ran = lifeline(two_contexts, "scenario", str(file), "--context", "XZ", "--format", "json")
    assert ran.returncode == 0, ran.stderr
    cited = {s.get("publisher") for s in json.loads(ran.stdout)["sources"]}
    assert "Lifeline worked example (fictional)" in cited and "test list (hand-written)" not in cited
