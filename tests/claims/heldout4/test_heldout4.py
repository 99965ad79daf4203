"""Held-out set 4: 30 statements (30 expected claims + 5 where nothing should be judged, 35 items) written by someone
who had not read the code, from the docs and ../shared/data only, scored through the public CLI exactly as held-out
sets 2 and 3 are (the scoring rules are held-out set 2's, loaded from its file).

statements.toml is the set as written; results-as-received.md is the writer's run (worktree h-unseen4). Where this
project thinks an expected value is wrong, a comment in statements.toml says why and the case is listed in DISPUTED
(xfail with the reason), never "fixed" in the code to match.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.claims import heldout_scoring as scoring

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


store = scoring.H2.store  # the held-out sets' one demo store over ../shared/data (tests/claims/conftest.py)


def test_statements_file_is_well_formed() -> None:
    scoring.assert_well_formed(STATEMENTS, 30, 30)  # 25 with claims (30), 5 with none


@pytest.mark.slow  # the CLI on every statement, against the demo store over ../shared/data
def test_heldout4_reading_rate(store: str) -> None:
    scoring.assert_floors(STATEMENTS, store, READING_FLOOR, VERDICT_FLOOR)


@pytest.mark.slow
@pytest.mark.parametrize(
    "sid", [pytest.param(k, marks=pytest.mark.xfail(reason=v, strict=True)) for k, v in DISPUTED.items()]
)
def test_disputed_expectation(store: str, sid: str) -> None:
    scoring.assert_as_expected(STATEMENTS, store, sid)
