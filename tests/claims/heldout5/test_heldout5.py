"""Held-out set 5: 30 statements (30 expected claims + 5 where nothing should be judged, 35 items) written by someone
who had not read the code, from the docs and ../shared/data only, scored through the public CLI.

statements.toml is the set as received, with the five corrections its writer made after reflection (each marked by
a "REVISED" comment, the value as written kept in it); results-as-received.md is the writer's run. The set states
each reading as bounds, an area code and an attribution, so it is scored on those (heldout_scoring.score_bounded).
Where this project thinks an expected value is wrong, it is listed in DISPUTED (xfail with the reason), never
"fixed" in the code to match.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.claims import heldout_scoring as scoring

HERE = Path(__file__).resolve().parent
STATEMENTS = HERE / "statements.toml"

# Scores through `lifeline claims check - --format json` on a `lifeline demo` store, 35 items:
#   the writer's run (results-as-received.md, after the writer's corrections): 30/35 readings, 32/35 verdicts
#   main 54ddf1b, this scoring:                                                30/35 readings, 32/35 verdicts
#   after the round-5 classes (part of a month, compound number words, Arabic opening verbs and vowel marks, a
#   qualifier after the figure, one baseline per share, a status dated by its cause):  34/35 readings, 33/35 verdicts
#   (left: en-11 disputed below; en-17 "Israeli officials said" read as COGAT, which the writer did not expect)
READING_FLOOR = 34 / 35
VERDICT_FLOOR = 33 / 35

# Expectations this project reads otherwise, each with its reason.
DISPUTED: dict[str, str] = {
    "en-11": "the reading is right (kcal, February, Gaza Strip, at most 1,500); the writer's figure is Study A's "
    "all-Gaza mean for both sources, while the coverage engine gives 1,252 (UNRWA) and 2,350 (COGAT), so by the "
    "tolerance rule the sources disagree; the writer agrees it is not a misreading",
}


store = scoring.H2.store  # the held-out sets' one demo store over ../shared/data (tests/claims/conftest.py)


def test_statements_file_is_well_formed() -> None:
    scoring.assert_well_formed(STATEMENTS, 30, 35)  # 25 with claims (30), 5 with none


@pytest.mark.slow  # the CLI on every statement, against the demo store over ../shared/data
def test_heldout5_reading_rate(store: str) -> None:
    scoring.assert_floors(STATEMENTS, store, READING_FLOOR, VERDICT_FLOOR, scoring.score_bounded)


@pytest.mark.slow
@pytest.mark.parametrize(
    "sid", [pytest.param(k, marks=pytest.mark.xfail(reason=v, strict=True)) for k, v in DISPUTED.items()]
)
def test_disputed_expectation(store: str, sid: str) -> None:
    scoring.assert_as_expected(STATEMENTS, store, sid, scoring.score_bounded)
