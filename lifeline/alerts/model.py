"""What a rule finds: an alert candidate with a stable key, its place, period, evidence and sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

STATES = ("open", "acknowledged", "resolved")


def alert_key(rule: str, place: str | None, start: date | None, *extra: str) -> str:
    """A readable key that is the same every time the same episode is found (so it is stored once)."""
    parts = [rule, place or "-", start.isoformat() if start else "-", *extra]
    return "/".join(p.replace("/", "-") for p in parts)


@dataclass
class Alert:
    """One finding of one rule; ``evidence`` holds the figures behind it, ``sources`` their citations."""

    rule: str
    severity: str
    place: str | None
    period_start: date | None
    period_end: date | None
    title: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)
    key_extra: tuple[str, ...] = ()
    # Whether the condition still holds at the end of the data the rule read; False: it ended on period_end
    # (entries resumed, the closure's next status, the mean back above the line) and the alert is resolved.
    # One-off events (a revision, a facility report) have no end and stay open until acknowledged.
    ongoing: bool = True

    @property
    def key(self) -> str:
        return alert_key(self.rule, self.place, self.period_start, *self.key_extra)
