"""Held-out set 3: 26 statements (30 expected claims) written by someone who had not read the code, from the
docs and ../shared/data only, scored through the public CLI exactly as held-out set 2 is (the scoring rules
are that test's, loaded from its file, so both sets are scored alike).

statements.toml is the set as written; where this project thinks an expected value is wrong, a comment in it
says why and the case is listed in DISPUTED (xfail with the reason), never "fixed" in the code to match.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.claims import heldout_scoring as scoring

HERE = Path(__file__).resolve().parent
STATEMENTS = HERE / "statements.toml"

# Scores through `lifeline claims check - --format json` on a `lifeline demo` store (reference set + the
# real line lists), 34 items (30 expected claims + 4 statements where nothing should be judged), this scoring:
#   main b4c871e (the writer's run, results-as-received.md):   22/34 readings, 20/34 verdicts
#   this branch before the round-3 fixes (items 1-3 done):    22/34 readings, 20/34 verdicts
#   after the round-3 fixes:                                   29/34 readings, 27/34 verdicts
#   after ranges, fractions as shares, requirement by clause:  33/34 readings, 31/34 verdicts
#   restricted is not open (ar-10's expected 'consistent' disputed, see DISPUTED): 33/34 readings, 30/34 verdicts
READING_FLOOR = 33 / 34
VERDICT_FLOOR = 30 / 34

# Cases where this project thinks the set's expected value is wrong (the reasoning is a comment in
# statements.toml beside each): scored as misses above, and each an xfail asserting the set's expectation.
DISPUTED = {
    "ar-01-avg-feb-eastern-digits-un": "attributed to the UN and approximate ('في المتوسط', as 'an average of'): "
    "both sources consistent, so 'consistent', not the expected 'sources disagree'",
    "ar-08-dateline-past-seven-days": "'the past seven days' is the 7 full days before the document date (8-14 "
    "Mar for 15 Mar, the documented convention); the set expects 9-15 Mar",
    "ar-10-kerem-reopened-egyptian-month": "the reference set reports Kerem Shalom restricted on 8 May 2024 (OCHA "
    "#163: 'recorded as restricted, not open'); 'restricted' is not 'open' (held-out set 4, en-08, and "
    "docs/claims.md), so a reopening that day is contradicted, not consistent",
}


store = scoring.H2.store  # the held-out sets' one demo store over ../shared/data (tests/claims/conftest.py)


def test_statements_file_is_well_formed() -> None:
    scoring.assert_well_formed(STATEMENTS, 30, 30)  # 26 with claims (30), 4 with none


@pytest.mark.slow  # the CLI on every statement, against the demo store over ../shared/data
def test_heldout3_reading_rate(store: str) -> None:
    scoring.assert_floors(STATEMENTS, store, READING_FLOOR, VERDICT_FLOOR)


@pytest.mark.slow
@pytest.mark.parametrize(
    "sid", [pytest.param(k, marks=pytest.mark.xfail(reason=v, strict=True)) for k, v in DISPUTED.items()]
)
def test_disputed_expectation(store: str, sid: str) -> None:
    scoring.assert_as_expected(STATEMENTS, store, sid)
