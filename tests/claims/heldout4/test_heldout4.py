"""Held-out set 4: 30 statements (30 expected claims + 5 where nothing should be judged, 35 items) written by someone
who had not read the code, from the docs and ../shared/data only, scored through the public CLI exactly as held-out
sets 2 and 3 are (the scoring rules are held-out set 2's, loaded from its file).

statements.toml is the set as written; results-as-received.md is the writer's run (worktree h-unseen4). Where this
project thinks an expected value is wrong, a comment in statements.toml says why and the case is listed in DISPUTED
(xfail with the reason), never "fixed" in the code to match.
"""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

HERE = Path(__file__).resolve().parent
STATEMENTS = HERE / "statements.toml"

# Scores through `lifeline claims check - --format json` on a `lifeline demo` store, 35 items, this scoring:
#   the writer's run (results-as-received.md, h-unseen4):           19/35 readings, 20/35 verdicts (own scoring)
#   this branch when the set arrived (before any round-4 fix):      24/35 readings, 21/35 verdicts
#   after the round-4 classes (other crises, "not one", "since it opened on", crossing over area, clause-bound
#   attribution, Arabic names of COGAT and the pier, restricted != open, Arabic "from X in M1 to Y in M2",
#   the need in force):                                             32/35 readings, 31/35 verdicts
#   and Arabic fraction words under "لا تتجاوز" (ar-04):              33/35 readings, 32/35 verdicts
READING_FLOOR = 33 / 35
VERDICT_FLOOR = 32 / 35

# Expectations this project reads otherwise, each with its reason (a comment in statements.toml too).
DISPUTED: dict[str, str] = {
    "ar-05-rafah-still-closed-ordinal": "'لا يزال … مغلقا … منذ السابع من أيار' asserts the closure over 7-22 May, "
    "read so (consistent); the set expects the document day only, and its writer calls the span the better reading",
}


def _heldout2() -> ModuleType:
    """The scoring of held-out set 2 (tests/claims/heldout2/test_heldout2.py), one rule for both sets."""
    path = HERE.parent / "heldout2" / "test_heldout2.py"
    spec = importlib.util.spec_from_file_location("claims_heldout2_scoring", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


H2 = _heldout2()
store = H2.store  # the module-scoped fixture: a demo store built from ../shared/data


def test_statements_file_is_well_formed() -> None:
    statements = tomllib.loads(STATEMENTS.read_text(encoding="utf-8"))["statement"]
    assert len(statements) == 30  # 25 with expected claims (30 of them), 5 where nothing should be judged
    assert sum(len(s.get("claims", [])) for s in statements) + sum(1 for s in statements if s.get("no_claim")) >= 30
    for s in statements:
        for claim in s.get("claims", []):
            assert {"figure", "indicator", "period", "place", "unit", "sources", "verdict", "working"} <= set(claim)


@pytest.mark.slow  # about three minutes: one CLI run per statement against a store built from ../shared/data
def test_heldout4_reading_rate(store: str) -> None:
    statements = tomllib.loads(STATEMENTS.read_text(encoding="utf-8"))["statement"]
    scores = [score for s in statements for score in H2._score_statement(s, H2._check(store, s))]
    reading = sum(s.reading_ok for s in scores) / len(scores)
    verdict = sum(s.verdict_ok for s in scores) / len(scores)
    print("\n" + H2._table(scores))
    print(
        f"\nreading rate {sum(s.reading_ok for s in scores)}/{len(scores)} = {reading:.0%}; "
        f"verdict accuracy {sum(s.verdict_ok for s in scores)}/{len(scores)} = {verdict:.0%}"
    )
    assert reading >= READING_FLOOR, f"reading rate {reading:.0%} fell below the floor {READING_FLOOR:.0%}"
    assert verdict >= VERDICT_FLOOR, f"verdict accuracy {verdict:.0%} fell below the floor {VERDICT_FLOOR:.0%}"


def _statement(sid: str) -> dict:  # type: ignore[type-arg]
    statements = tomllib.loads(STATEMENTS.read_text(encoding="utf-8"))["statement"]
    (found,) = [s for s in statements if s["id"] == sid]
    return found  # type: ignore[no-any-return]


@pytest.mark.slow
@pytest.mark.parametrize(
    "sid", [pytest.param(k, marks=pytest.mark.xfail(reason=v, strict=True)) for k, v in DISPUTED.items()]
)
def test_disputed_expectation(store: str, sid: str) -> None:
    statement = _statement(sid)
    scores = H2._score_statement(statement, H2._check(store, statement))
    assert all(s.reading_ok and s.verdict_ok for s in scores), H2._table(scores)
