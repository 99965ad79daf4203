"""Verdict rules one by one: tolerance bands, open bounds, sources on both sides, percentage
points, statuses."""

from __future__ import annotations

import pytest

from lifeline.claims import judge


@pytest.mark.parametrize(
    ("low", "high", "values", "tol", "absolute", "verdict"),
    [
        (100, 100, [(109, "A")], 0.10, False, "consistent"),  # within 10 %
        (100, 100, [(89, "A")], 0.10, False, "overstated"),  # data lower than the claim
        (100, 100, [(112, "A")], 0.10, False, "understated"),  # data higher than the claim
        (1_500_000, None, [(5_000_000, "A")], 0.10, False, "consistent"),  # "more than": no upper limit
        (0, 450_000, [(495_000, "A")], 0.10, False, "consistent"),  # "up to", at the band's edge
        (0, 450_000, [(500_000, "A")], 0.10, False, "understated"),
        (100, 100, [(50, "A"), (300, "B")], 0.10, False, "sources disagree"),  # one lower, one higher
        (100, 100, [(50, "A"), (120, "B")], 0.10, False, "sources disagree"),  # no nearest source decides
        (100, 100, [(50, "A"), (95, "B")], 0.10, False, "sources disagree"),  # one lower, one within
        (5, 5, [(6.9, "A")], 2.0, True, "consistent"),  # percentage points
        (5, 5, [(7.1, "A")], 2.0, True, "understated"),
        (12, 12, [(12, "A")], 0.0, False, "consistent"),  # counts compared exactly
        (12, 12, [(13, "A")], 0.0, False, "understated"),
        (10, 10, [], 0.1, False, "no data"),
    ],
)
def test_numeric_verdicts(
    low: float, high: float | None, values: list[tuple[float, str]], tol: float, absolute: bool, verdict: str
) -> None:
    j = judge.numeric(low, high, values, tol, absolute, "", "'x'")
    assert j.verdict == verdict
    assert j.rule and j.explanation


def test_one_matching_source_does_not_hide_the_others() -> None:
    """Issue 13: one figure within tolerance while two others are 2-4x higher is not 'consistent'."""
    j = judge.numeric(906, 906, [(906, "UN"), (1836, "UNRWA"), (3234, "COGAT")], 0.1, False, "", "'906'")
    assert j.verdict == "sources disagree"
    for part in ("UN: 906 (consistent)", "UNRWA: 1,836 (understated)", "COGAT: 3,234 (understated)"):
        assert part in j.explanation


@pytest.mark.parametrize(
    ("claimed", "reported", "same"),
    [("closed", "closed", True), ("closed", "restricted", False), ("open", "restricted", False),
     ("open", "closed", False), ("open", "open", True), ("restricted", "restricted", True),
     ("restricted", "partially open", True), ("restricted", "open", False)],
)
def test_status_match(claimed: str, reported: str, same: bool) -> None:
    assert judge.same_status(claimed, reported) is same


def test_figures_are_written_as_people_say_them() -> None:
    assert judge.fmt(1_400_000) == "1.4 million"
    assert judge.fmt(450_000) == "450,000"
    assert judge.fmt(11.6, "%") == "11.6%"
    assert judge.fmt(12.0, "%") == "12%"
