"""Verdict rules: a claimed range against each source's value, and a claimed status against the
status in effect. Pure functions; the rule text they return goes into the output verbatim.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Judgement:
    verdict: str
    explanation: str
    rule: str


def fmt(value: float | None, unit: str = "") -> str:
    """A figure as a person would say it: 1.4 million, 58, 12.5%."""
    if value is None or (isinstance(value, float) and math.isinf(value)):
        return "no limit"
    if unit == "%":
        return f"{value:.1f}%".replace(".0%", "%")
    if abs(value) >= 1e6:
        return f"{value / 1e6:.2f}".rstrip("0").rstrip(".") + " million"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def numeric_rule(tolerance: float, absolute: bool) -> str:
    band = f"{tolerance:g} percentage points" if absolute else f"{tolerance:.0%}"
    return (
        f"each source is judged on its own: consistent if its value lies within the claimed range widened by {band}, "
        "overstated if below it, understated if above it (a source's minimum, 'at least N', is never below a claim; "
        "a maximum never above it); the claim is consistent, overstated or understated when "
        "every source says so, and 'sources disagree' when they fall on different sides; a figure attributed to a "
        "source is judged against that source first"
    )


def side(
    low: float, high: float | None, value: float, tolerance: float, absolute: bool, bound: str | None = None
) -> str:
    """One source's verdict on a claimed [low, high]: consistent, overstated or understated. A source
    that states its figure as a bound ("at least 300": ``bound="lower"``) only rules out claims
    entirely on the other side of it."""
    hi = math.inf if high is None else high
    lo_w = low - tolerance if absolute else low * (1 - tolerance)
    hi_w = hi + tolerance if absolute else hi * (1 + tolerance)
    if value < lo_w and bound != "lower":
        return "overstated"
    if value > hi_w and bound != "upper":
        return "understated"
    return "consistent"


def numeric(
    low: float,
    high: float | None,
    values: list[tuple[float, str]] | list[tuple[float, str, str | None]],
    tolerance: float,
    absolute: bool,
    unit: str,
    claimed: str,
) -> Judgement:
    """Claimed [low, high] (high None = open above) against (value, label) pairs, one per source."""
    rule = numeric_rule(tolerance, absolute)
    if not values:
        return Judgement("no data", "No source in the store has a figure for this indicator, area and date.", rule)
    band = f"{tolerance:g} points" if absolute else f"{tolerance:.0%}"
    verdicts = [
        (side(low, high, t[0], tolerance, absolute, t[2] if len(t) > 2 else None), t[0], t[1])  # type: ignore[misc]
        for t in values
    ]
    kinds = {k for k, _, _ in verdicts}
    listed = "; ".join(f"{lab}: {fmt(v, unit)} ({k})" for k, v, lab in verdicts)
    if len(kinds) > 1:
        return Judgement(
            "sources disagree",
            f"The sources fall on different sides of the stated {claimed}: {listed}.",
            rule,
        )
    kind = kinds.pop()
    if kind == "consistent":
        within = "exactly" if tolerance == 0 else f"within {band}"
        return Judgement("consistent", f"The stated {claimed} agrees {within} with every source: {listed}.", rule)
    lead = "lower" if kind == "overstated" else "higher"
    return Judgement(
        kind,
        f"The stated {claimed} is {'higher' if kind == 'overstated' else 'lower'} than the data: every source is "
        f"{lead} ({_outside(tolerance, band)}): {listed}.",
        rule,
    )


def _outside(tolerance: float, band: str) -> str:
    return "compared exactly" if tolerance == 0 else f"outside a {band} tolerance"


STATUS_RULE = (
    "consistent if every reported status in effect during the claim's dates matches the claim ('restricted' is "
    "not 'open': a crossing reported restricted was not open as the claim says, though some entry was possible); "
    "contradicted if one does not; without a reported status, "
    "trucks recorded through the crossing contradict 'closed' and support 'open'; no report and no record "
    "is no data, never closed"
)


def same_status(claimed: str, reported: str) -> bool:
    """Whether a reported state is the claimed one: open is open, restricted (or partially open) is restricted."""
    reported = reported.strip().lower()
    if claimed == "restricted":
        return reported in {"restricted", "partially open"}
    return reported == claimed


def allows_entry(reported: str) -> bool:
    """Whether a reported state let anything in (open or restricted): another way in for "the only crossing"."""
    return reported.strip().lower() in {"open", "restricted", "partially open"}
