"""The early-warning rules. Each reads the store through query functions and returns alert candidates.

Wording matters: a crossing with no recorded entries is reported as *no recorded entries*, never as
closed; only a reported status event is a closure. Every alert carries the figures behind it and the
threshold it crossed (value and source), and cites the datasets the figures come from.
"""


from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from lifeline.alerts.config import AlertConfig
from lifeline.alerts.model import Alert
from lifeline.alerts.rules.coverage import coverage_low
from lifeline.alerts.rules.crossings import crossing_closed, crossing_gap
from lifeline.alerts.rules.facilities import facilities_worse
from lifeline.alerts.rules.reading import WHOLE_STORE
from lifeline.alerts.rules.revisions import by_crossing, revision
from lifeline.alerts.rules.trucks import own_baseline, sources_diverge, trucks_low
from lifeline.model.contexts import Scope

# Each rule answers about one context (``scope``): its deliveries, observations and crossings only.
Rule = Callable[[Connection, AlertConfig, Scope], list[Alert]]

RULES: dict[str, Rule] = {
    "crossing-gap": crossing_gap,
    "crossing-closed": crossing_closed,
    "trucks-low": trucks_low,
    "sources-diverge": sources_diverge,
    "revision": revision,
    "facilities-worse": facilities_worse,
    "coverage-low": coverage_low,
}

__all__ = ["RULES", "WHOLE_STORE", "Rule", "by_crossing", "coverage_low", "crossing_closed", "crossing_gap",
           "facilities_worse", "own_baseline", "revision", "sources_diverge", "trucks_low"]
