"""Which stated need stands on which days: a need is a dated statement ("200 trucks a day for at least two
months", UNRWA 28 Nov 2023) and holds only for the period its source gives, never until the next one.

Rules (documented in ``docs/access.md``):

- A statement with a stated period (``#date+end``, e.g. 28 Nov 2023 - 28 Jan 2024 for "at least two months")
  stands over that period.
- A statement without one stands for ``stated_need_valid_days`` (``access.toml``) after it was made.
- Either way it stops the day before a later statement is made: the newer word replaces it.
- A statement written as a whole calendar month or year (1 Oct - 31 Oct 2023, 1 Jan - 31 Dec 2024) is
  dated only by that month or year, not valid over it; it is listed but never taken as the need in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class Statement:
    """One stated need with the days it stands and why until then."""

    value: float
    unit: str
    stated: date
    valid_from: date
    valid_until: date
    until_why: str  # "stated period", "assumed N days", "replaced by the statement of D"
    row: dict[str, Any]

    def days_in(self, start: date, end: date) -> int:
        """How many days of ``start``..``end`` (inclusive) the statement stands."""
        lo, hi = max(start, self.valid_from), min(end, self.valid_until)
        return max(0, (hi - lo).days + 1)


def dated_only_by_month_or_year(start: date, end: date | None) -> bool:
    """True for a whole calendar month or year: the written date was a month or a year, not a validity."""
    if end is None or start.day != 1:
        return False
    nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    whole_month = end == nxt - timedelta(days=1)
    whole_year = start.month == 1 and end == date(start.year, 12, 31)
    return whole_month or whole_year


def statements(rows: list[dict[str, Any]], default_days: int) -> list[Statement]:
    """The statements that can be in force, oldest first, each cut at its period, its assumed validity, or
    the next statement. ``rows`` are stored observations (``date``, ``period_end``, ``value``, ``unit``)."""
    usable = sorted((r for r in rows if r.get("value") is not None
                     and not dated_only_by_month_or_year(r["date"], r.get("period_end"))),
                    key=lambda r: (r["date"], r["id"]))
    out: list[Statement] = []
    for i, r in enumerate(usable):
        if r.get("period_end") is not None:
            until, why = r["period_end"], "stated period"
        else:
            until, why = r["date"] + timedelta(days=default_days - 1), f"assumed {default_days} days"
        later = next((n["date"] for n in usable[i + 1:] if n["date"] > r["date"]), None)
        if later is not None and later - timedelta(days=1) < until:
            until, why = later - timedelta(days=1), f"replaced by the statement of {later}"
        if until >= r["date"]:
            out.append(Statement(float(r["value"]), str(r.get("unit") or "trucks/day"), r["date"], r["date"],
                                 until, why, r))
    return out


def in_force(found: list[Statement], start: date, end: date) -> tuple[Statement, int] | None:
    """The statement standing on most days of ``start``..``end`` (the later one on a tie), with those days."""
    best = max(((s, s.days_in(start, end)) for s in found), key=lambda p: (p[1], p[0].stated), default=None)
    return best if best and best[1] > 0 else None
