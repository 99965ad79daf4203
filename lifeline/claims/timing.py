"""A figure's time beyond the sentence's time words: the dateline's weekday (never a figure's period), a period
after the document date (not checkable) and "since the start of the operation" (claims.toml [events]).
"""

from __future__ import annotations

import re
from datetime import date

from lifeline.claims import dates as dt
from lifeline.claims.relative import AR_WEEKDAY
from lifeline.claims.rules import Rules

DATELINE_WEEKDAY = re.compile(
    r"(?:(?<!\w)(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?<!\w)" + AR_WEEKDAY + r")[\s,،]*$",
    re.IGNORECASE,
)


def without_dateline_weekday(sentence: str, offset: int, weekday: tuple[int, int] | None) -> str:
    """The sentence with the dateline's weekday blanked (same length, so every offset holds) for the time words."""
    if weekday is None or not offset <= weekday[0] < offset + len(sentence):
        return sentence
    a, b = weekday[0] - offset, min(weekday[1] - offset, len(sentence))
    return sentence[:a] + " " * (b - a) + sentence[b:]


def future_reason(period: dt.Period) -> str:
    return (
        f"about a time after the document date ({period.basis}): a plan or a forecast, which the store's records "
        "of what happened cannot check"
    )


def since_event(clause: str, area: str, period: dt.Period, doc: date, rules: Rules) -> dt.Period:
    """"Since the start of the operation": from the start of the latest event in the figure's area (claims.toml
    [events]) to the end of the period the clause gives (the document date, or "yesterday")."""
    m = rules.since_event.search(clause) if rules.since_event else None
    if m is None:
        return period
    events = [e for e in rules.events if area in e.places and e.start <= min(period.end, doc)]
    if not events:
        return period
    event = max(events, key=lambda e: e.start)
    return dt.Period(event.start, period.end, f"{m.group(0)} ({event.name} from {event.start}, claims.toml [events])")
