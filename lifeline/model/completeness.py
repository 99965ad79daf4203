"""What each line list covers: its recorded span, its declared partial-monitoring periods, and how a
period sits against them. Missing is never zero: a figure is 0 only inside the span of a source that
covers the place and day; a period cut by the span's ends is marked partial (and kept out of "latest
period" headlines); days in a declared partial-monitoring period are marked on every face.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, select

from lifeline.assumptions import load_set
from lifeline.store import as_of as as_of_store
from lifeline.store import schema
from lifeline.store.queries import current_deliveries_filter
from lifeline.store.scope import DeliveryScope

COMPLETE = "complete"


@dataclass(frozen=True)
class Span:
    """First and last recorded day of one publisher's line list."""

    publisher: str
    first: date
    last: date


@dataclass(frozen=True)
class PartialMonitoring:
    """A period a source declares it recorded only part of what entered, with the declaration."""

    publisher: str
    start: date
    end: date | None
    text: str
    source: str

    def touches(self, a: date, b: date) -> bool:
        return self.start <= b and (self.end is None or self.end >= a)


def spans(conn: Connection, source: str | None = None, scope: DeliveryScope | None = None) -> dict[str, Span]:
    """Per publisher: the first and last day its current rows (of one context) record (the days it covers),
    as held at the moment of ``store.as_of.held_at`` when one is set."""
    d, ds, s = as_of_store.deliveries(conn, None), schema.datasets, schema.sources
    stmt = (
        select(s.c.publisher, func.min(d.c.date), func.max(d.c.date))
        .select_from(d.join(ds, d.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(and_(*current_deliveries_filter(source=source, rows=d, scope=scope)))
        .group_by(s.c.publisher)
    )
    return {str(p): Span(str(p), _day(a), _day(b)) for p, a, b in conn.execute(stmt) if a is not None}


def _day(v: Any) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v)[:10])


def partial_monitoring() -> list[PartialMonitoring]:
    """Declared partial-monitoring periods (``access`` assumption set, ``[dates]``, named ``PUBLISHER_partial_from``
    with an optional ``PUBLISHER_partial_to``), so one place holds each declaration and its citation."""
    aset = load_set("access")
    dates = aset.tables.get("dates", {})
    out = []
    for key, raw in dates.items():
        if not key.endswith("_partial_from") or not isinstance(raw, dict):
            continue
        name = key[: -len("_partial_from")]
        end = dates.get(f"{name}_partial_to", {}).get("value")
        start = _day(raw["value"])
        out.append(
            PartialMonitoring(
                publisher=name.upper(),
                start=start,
                end=_day(end) if end else None,
                text=f"{name.upper()} declares its data partial from {start}"
                + (f" to {_day(end)}" if end else "")
                + ": a lower count reflects monitoring as well as entries",
                source=str(raw.get("source", "")),
            )
        )
    return out


def monitoring_for(publisher: str | None) -> list[PartialMonitoring]:
    """The declared partial-monitoring periods of one publisher (case-insensitive)."""
    if not publisher:
        return []
    return [p for p in partial_monitoring() if p.publisher.lower() == publisher.lower()]


def nominal_start(day: date, by: str) -> date:
    """The calendar start of the period holding ``day``: the day, its Monday, or the 1st of its month."""
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def period_end(start: date, by: str, last: date | None = None) -> date:
    """Last day of the period that starts on ``start`` (``all``: ``last``)."""
    if by == "day":
        return start
    if by == "week":
        return start + timedelta(days=6) if start <= date.max - timedelta(days=6) else date.max
    if by == "month":
        if start.year == date.max.year and start.month == 12:
            return date.max  # the calendar's last day: a stored 9999-12 month must not overflow
        nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return nxt - timedelta(days=1)
    if last is None:
        raise ValueError("an 'all' period needs its last day")
    return last


def completeness(a: date, b: date, span: Span | None) -> str:
    """How the period ``a``..``b`` sits against a source's span: complete, partial (and why), or not covered."""
    if span is None or b < span.first or a > span.last:
        return "n/a: outside the source's recorded span" + (f" ({span.first} to {span.last})" if span else "")
    cut = []
    if a < span.first:
        cut.append(f"from {span.first}")
    if b > span.last:
        cut.append(f"to {span.last}")
    return f"partial: data {' '.join(cut)}" if cut else COMPLETE


def monitoring_flag(a: date, b: date, periods: list[PartialMonitoring]) -> str | None:
    """A mark for a period touching a declared partial-monitoring period, else None."""
    hits = [p for p in periods if p.touches(a, b)]
    if not hits:
        return None
    return "; ".join(
        f"{p.publisher} partial monitoring from {p.start}" + (f" to {p.end}" if p.end else "") for p in hits
    )


def is_complete(mark: Any) -> bool:
    return mark == COMPLETE
