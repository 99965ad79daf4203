"""Why a figure cannot be checked: its unit (money, weight, duration, a count of other things) or its topic
(casualties, malnutrition, famine without an IPC phase), from claims.toml [unsupported].
"""

from __future__ import annotations

import re

from lifeline.claims.rules import Rules

_IPC = ("ipc_phase5", "ipc_phase4", "ipc_phase3plus")


_OTHER_COUNT = "a count of something"


_CURRENCY_BEFORE = re.compile(r"(?<![^\s(])(\w{0,3}[$€£₪])\s*$")


def unsupported_reason(head: str, before: str, rules: Rules) -> str | None:
    """Why a figure cannot be checked, if it cannot: its unit, else its topic. A generic count
    ("four soldiers") yields to a topic beside it ("killed four soldiers" is a casualty figure)."""
    sign = _CURRENCY_BEFORE.search(before)
    if sign:  # "US$2.8 billion", "€40 million": the unit is written before the figure
        for reason, pat in rules.unsupported_units:
            if pat.match(sign.group(1)):
                return reason
    other = None
    for reason, pat in rules.unsupported_units:
        if pat.search(head):
            if not reason.startswith(_OTHER_COUNT):
                return reason
            other = other or reason
    topic = _unsupported_topic(head, before, rules)
    return topic or other


def _unsupported_topic(head: str, before: str, rules: Rules) -> str | None:
    window = before + " " + head[:60]
    ipc = any(p.search(window) for n in _IPC if n in rules.indicators for p in rules.indicators[n].patterns)
    for reason, pat in rules.unsupported_topics:
        if ipc and reason.startswith("hunger"):
            continue  # "1.1 million people face catastrophic hunger (IPC Phase 5)" is checked
        if pat.search(window):
            return f"about {reason}"
    return None
