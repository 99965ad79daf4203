"""Held-out set 6: 30 statements (27 expected claims + 3 where nothing should be judged, 30 items) written by a tester
who had not read the code, from the docs and ../shared/data only, scored through the public CLI.

statements.toml is the set as received (expected.json, converted to held-out set 5's fields; its header says how);
results-as-received.md is the writer's run on main. It is scored as set 5 is (heldout_scoring.score_bounded). Where
this project reads an expected value otherwise, it would be listed as disputed (an xfail with the reason, as set 5
does), never "fixed" in the code to match; none is. The set is never tuned on after it was added: its floors only rise.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.claims import heldout_scoring as scoring

HERE = Path(__file__).resolve().parent
STATEMENTS = HERE / "statements.toml"

# Scores through `lifeline claims check - --format json` on a `lifeline demo` store, 30 items:
#   the writer's run (results-as-received.md):                 27/30 readings, 28/30 verdicts
#   main b69e649, this scoring:                                27/30 readings, 28/30 verdicts
#   after the round-6 classes (a weekday in the dateline, a later IPC analysis replacing an older projection, the
#   Famine Review Committee as a source; tests/claims/test_heldout6_classes.py):  30/30 readings, 30/30 verdicts
READING_FLOOR = 30 / 30
VERDICT_FLOOR = 30 / 30

# No expectation is disputed: every one agrees with the data and docs/claims.md's conventions.


store = scoring.H2.store  # the held-out sets' one demo store over ../shared/data (tests/claims/conftest.py)


def test_statements_file_is_well_formed() -> None:
    scoring.assert_well_formed(STATEMENTS, 30, 30)  # 27 with claims (27), 3 with none


@pytest.mark.slow  # the CLI on every statement, against the demo store over ../shared/data
def test_heldout6_reading_rate(store: str) -> None:
    scoring.assert_floors(STATEMENTS, store, READING_FLOOR, VERDICT_FLOOR, scoring.score_bounded)

