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
        f"consistent if at least one source's value lies within the claimed range widened by {band}; "
        "overstated if every source is below it, understated if every source is above it; "
        "when sources fall on both sides, the nearest decides"
    )


def numeric(
    low: float,
    high: float | None,
    values: list[tuple[float, str]],
    tolerance: float,
    absolute: bool,
    unit: str,
    claimed: str,
) -> Judgement:
    """Claimed [low, high] (high None = open above) against (value, label) pairs from the sources."""
    rule = numeric_rule(tolerance, absolute)
    if not values:
        return Judgement("no data", "No source in the store has a figure for this indicator, area and date.", rule)
    hi = math.inf if high is None else high
    lo_w = low - tolerance if absolute else low * (1 - tolerance)
    hi_w = hi + tolerance if absolute else hi * (1 + tolerance)
    inside = [(v, lab) for v, lab in values if lo_w <= v <= hi_w]
    band = f"{tolerance:g} points" if absolute else f"{tolerance:.0%}"
    if inside:
        within = "exactly" if tolerance == 0 else f"within {band}"
        mid = low if hi == math.inf else (low + hi) / 2
        v, lab = min(inside, key=lambda p: abs(p[0] - mid))
        others = len(inside) - 1
        more = f" (and {others} other source{'s' if others > 1 else ''})" if others else ""
        outside = [val for val, _ in values if not lo_w <= val <= hi_w]
        differ = ""
        if outside:
            n = len(outside)
            span = fmt(min(outside), unit) + ("" if n == 1 else f" to {fmt(max(outside), unit)}")
            differ = f" {n} other figure{'s differ' if n > 1 else ' differs'}: {span}."
        return Judgement(
            "consistent",
            f"The stated {claimed} agrees {within} with {lab}: {fmt(v, unit)}{more}.{differ}",
            rule,
        )

    def distance(v: float) -> float:
        if v < lo_w:
            return (lo_w - v) / max(abs(lo_w), 1e-9)
        return (v - hi_w) / max(abs(hi_w), 1e-9)

    v, lab = min(values, key=lambda p: distance(p[0]))
    below = all(val < lo_w for val, _ in values)
    above = all(val > hi_w for val, _ in values)
    if v < lo_w:
        lead = "every source is lower" if below else "the nearest source is lower"
        return Judgement(
            "overstated",
            f"The stated {claimed} is higher than the data: {lead}; closest is {lab}: {fmt(v, unit)} "
            f"({_outside(tolerance, band)}).",
            rule,
        )
    lead = "every source is higher" if above else "the nearest source is higher"
    return Judgement(
        "understated",
        f"The stated {claimed} is lower than the data: {lead}; closest is {lab}: {fmt(v, unit)} "
        f"({_outside(tolerance, band)}).",
        rule,
    )


def _outside(tolerance: float, band: str) -> str:
    return "compared exactly" if tolerance == 0 else f"outside a {band} tolerance"


STATUS_RULE = (
    "consistent if every reported status in effect during the claim's dates matches the claim ('restricted' "
    "counts as open: some entry was possible); contradicted if one does not; without a reported status, "
    "trucks recorded through the crossing contradict 'closed' and support 'open'; no report and no record "
    "is no data, never closed"
)


def same_status(claimed: str, reported: str) -> bool:
    reported = reported.strip().lower()
    if claimed == "closed":
        return reported == "closed"
    return reported in {"open", "restricted", "partially open"}
