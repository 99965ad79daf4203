"""A state a crossing was in before what a sentence reports ("reopened on 8 May after being closed for three
days", "بعد إغلاقه ثلاثة أيام"): a claim about the days before, never about the reopening day.
"""

from __future__ import annotations

import re
from datetime import timedelta

from lifeline.claims.dates import Period
from lifeline.claims.rules import Rules

# A state a crossing was in before what the sentence reports: "after being closed for three days", "following a
# two-day closure", "بعد إغلاقه ثلاثة أيام", "بعد توقفه يومين".
# Only the crossing's own state: "after Israel closed Rafah on 7 May" is a closure claimed, not a past state; in
# Arabic the pronoun on the verbal noun says so ("بعد إغلاقه", "بعد إغلاقها").
_PAST_STATE = re.compile(
    r"\b(?:after|following)\s+(?:(?:being|having\s+been|it\s+was|it\s+had\s+been|its|a|an)\s+(?:[\w-]+\s+)?)?$"
    r"|(?<!\w)(?P<ar>بعد|عقب)\s+$",
    re.IGNORECASE,
)
_DURATION = re.compile(r"^(?:ه|ها)?\s*(?:for\s+)?(?:(?P<n>\d+)|(?P<w>[^\s\d]+))[\s-]+(?:days?|أيام|يوما|يوماً)(?!\w)"
                       r"|^(?:ه|ها)?\s*(?P<two>يومين)", re.IGNORECASE)


def _duration_days(after: str, rules: Rules) -> int | None:
    """The number of days a past state lasted ("for three days", "ثلاثة أيام", "يومين"), or None."""
    m = _DURATION.match(after)
    if m is None:
        return None
    if m.group("two"):
        return 2
    value = float(m.group("n")) if m.group("n") else rules.number_words.get(m.group("w").lower())
    return int(value) if value and 0 < value <= 366 else None


def is_past_state(sentence: str, start: int, end: int) -> bool:
    """Whether the status word at ``start``:``end`` names the crossing's own earlier state."""
    past = _PAST_STATE.search(sentence[max(0, start - 40) : start])
    return past is not None and (not past.group("ar") or sentence[end : end + 1] == "ه")


def days_before(sentence: str, start: int, end: int, reported: Period, rules: Rules) -> Period | None:
    """The days the past state lasted, ending the day before the reported one; None without a duration."""
    days = _duration_days(sentence[end : end + 40], rules)
    if days is None:
        return None
    last = reported.start - timedelta(days=1)
    return Period(last - timedelta(days=days - 1), last,
                  f"a past state ('{sentence[start:end]}' for {days} days): the days before {reported.start}")
