"""What the reports say about one crossing on one day: which report stands, how old it is, until when it
stands, and whether another source's report contradicts it.

A report is a ``crossing_status`` observation: a status (open / closed / restricted) that took effect on
``start``, optionally with an ``end``, published on ``reported`` (``#date+reported``). Rules (documented in
``docs/access.md``):

- A report *attests* its status from ``start`` up to the day it was published (``attested`` = the later of
  ``start`` and ``reported``): a report published on 30 May that the pier has operated since 17 May speaks
  of 17-30 May.
- Seen from a day before its publication, a report speaks of that day itself: its basis date is the day
  (age 0, never negative, never the later publication date) and the day says "reported later, on D".
- After that it *stands* for the validity of its kind (``status_valid_days_<kind>`` in ``access.toml``,
  e.g. 14 days) and then lapses: the day becomes "unknown — last reported …". A later report renews it. A report with an
  end date stands until that end, no longer and no shorter.
- The report in force is the standing one that took effect last (a dated short event wins over an
  open-ended one of the same start; then the later publication).
- Sources disagree when another publisher's standing report with another status was published on or
  after the day the report in force took effect (so it was not superseded by it): the day is disputed.

Entries recorded on the day are judged by :mod:`lifeline.model.access`, which combines them with this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from lifeline.assumptions import AssumptionSet

REPORTED_STATUSES = ("open", "closed", "restricted")


@dataclass(frozen=True)
class Report:
    """One reported crossing status with its citation."""

    crossing: str
    status: str
    start: date
    end: date | None
    reported: date | None
    publisher: str
    source: str  # one-line citation
    verified: bool
    id: int

    @property
    def attested(self) -> date:
        """The last day the report speaks of: its publication, never before the status took effect."""
        day = max(self.start, self.reported or self.start)
        return min(day, self.end) if self.end else day

    def basis_on(self, day: date) -> date:
        """The last day the report speaks of, seen from ``day``: never after it. A report published after
        ``day`` that dates its status from before it speaks of ``day`` itself (age 0), and says it was
        reported later (:meth:`reported_after`)."""
        return min(self.attested, day)

    def reported_after(self, day: date) -> date | None:
        """The publication date when the report was made after ``day``, else None."""
        return self.reported if self.reported is not None and self.reported > day else None

    def stands_until(self, validity: dict[str, int]) -> date:
        if self.end is not None:
            return self.end
        return self.attested + timedelta(days=validity.get(self.status, validity.get("default", 0)))

    def describe(self) -> str:
        return f"{self.status}: {self.source}" + ("" if self.verified else " [UNVERIFIED]")


@dataclass(frozen=True)
class Reading:
    """The reports' verdict on one crossing-day; ``report`` is None when none stands."""

    report: Report | None
    valid_until: date | None
    contradicted_by: tuple[Report, ...]
    last: Report | None  # of the reports dated on or before the day, the one published last (standing or not)

    def age(self, day: date) -> int | None:
        """Days between the report's last attested day and ``day`` (0 while the report speaks of the day, also
        when it was published later): never negative."""
        shown = self.report or self.last
        return (day - shown.basis_on(day)).days if shown else None


def validity_days(rules: AssumptionSet) -> dict[str, int]:
    """Per status kind, how many days a report stands after it was published (assumptions in access.toml)."""
    return {kind: int(rules.value(f"status_valid_days_{kind}")) for kind in REPORTED_STATUSES}


def read(reports: list[Report], day: date, validity: dict[str, int]) -> Reading:
    """The reports' verdict on ``day`` for one crossing (``reports`` all of that crossing)."""
    dated = [r for r in reports if r.start <= day]
    standing = [r for r in dated if day <= r.stands_until(validity)]
    last = max(dated, key=lambda r: (r.attested, r.start, r.id), default=None)  # the newest word on the crossing
    if not standing:
        return Reading(None, None, (), last)
    winner = max(standing, key=lambda r: (r.start, r.end is not None, r.attested, r.id))
    against = tuple(
        r for r in standing
        if r.status != winner.status and r.publisher != winner.publisher and r.attested >= winner.start
    )
    return Reading(winner, winner.stands_until(validity), against, last)


def reports_from(observations: list[dict[str, Any]], citation: Any, verified: Any, publisher: Any) -> list[Report]:
    """Reports from stored ``crossing_status`` observations (statuses other than the three are dropped)."""
    out = []
    for o in observations:
        word = (o.get("text_value") or "").strip().lower()
        if not o.get("location") or word not in REPORTED_STATUSES or o.get("date") is None:
            continue
        out.append(Report(
            crossing=o["location"], status=word, start=o["date"], end=o.get("period_end"),
            reported=o.get("cited_date"), publisher=str(publisher(o)), source=citation(o),
            verified=bool(verified(o)), id=int(o["id"]),
        ))
    return out
