"""What a rule finds: an alert candidate with a stable key, its place, period, evidence and sources."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

STATES = ("open", "acknowledged", "resolved")


def legacy_key(rule: str, place: str | None, start: date | None, *extra: str) -> str:
    """The key alerts had before short ids: every part joined with ``/``, a publisher's whole sentence
    included. Kept as each alert's alias (acknowledgements and links already sent name it), and as the
    text the short id's hash is drawn from."""
    parts = [rule, place or "-", start.isoformat() if start else "-", *extra]
    return "/".join(p.replace("/", "-") for p in parts)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "-"


def short_key(legacy: str) -> str:
    """The short id of the alert whose legacy key is ``legacy``: ``rule.place.date[.extra].hash``, URL-safe
    (letters, digits, ``-``, ``_``, ``.``), at most ~130 characters: the rule, place and first day as they
    are, the rest (a series, a source's sentence) cut to a 24-character slug, then 8 hex digits of the
    legacy key's SHA-256 so two episodes never share an id. Migration ``0022a`` gives stored alerts the same."""
    parts = legacy.split("/")
    rule, place, day, *extra = parts + ["-"] * (3 - len(parts))
    head = [_slug(rule), _slug(place), _slug(day)]
    if extra:
        head.append(_slug("-".join(extra).lower())[:EXTRA_SLUG].strip("-") or "-")
    return ".".join([*head, hashlib.sha256(legacy.encode("utf-8")).hexdigest()[:8]])


EXTRA_SLUG = 24


def alert_key(rule: str, place: str | None, start: date | None, *extra: str) -> str:
    """A short id that is the same every time the same episode is found (so it is stored once)."""
    return short_key(legacy_key(rule, place, start, *extra))


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

    @property
    def legacy_key(self) -> str:
        return legacy_key(self.rule, self.place, self.period_start, *self.key_extra)
