"""The window of days any question may cover: clamped to a documented maximum and to the data present.

Daily models build one row per day (and crossing, area, run) of their window, and take the window from
the data when the caller gives none. One stored row dated 0001-01-01 or 9999-12-31 would then ask for
millions of days (23 GB for the access timeline, 27 GiB for coverage's arrays) or for day 10000-01-01.
Two rules keep every question inside these limits:

- every face (API, pages, CLI) checks the ``from`` / ``to`` a caller gives with :func:`check` and passes
  them on as given: a missing bound is the model's to choose, so every face shows the same days;
- a model with a default of its own (the access timeline: its delivery lists' span; coverage: its list's
  span) takes its days from :func:`span`, which clamps only that default to MAX_WINDOW_DAYS (the most
  recent days kept, or those after an explicit ``from``) and to EARLIEST_DAY..LATEST_DAY, and says so
  (:meth:`Span.note`). A model with none (the deliveries table, the sources comparison: every stored row)
  falls back on :func:`bounded`, which fills a missing bound only where the store's delivery lists reach
  beyond the limits.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, Engine, String, cast, func, select

from lifeline.errors import UserError
from lifeline.store import schema

# Before any humanitarian record Lifeline could hold for Gaza (UNRWA began operations in 1950; 1948
# leaves room for the first relief lists) and far beyond any planning horizon.
EARLIEST_DAY = date(1948, 1, 1)
LATEST_DAY = date(2100, 12, 31)
# Ten years: far more than any line list covers (the real ones span about a year), small enough that a
# daily model over it stays within the per-request budgets of docs/web.md.
MAX_WINDOW_DAYS = 3660

_YEAR = re.compile(r"^\s*(-?\d+)")


def check(date_from: date | None, date_to: date | None, names: tuple[str, str] = ("'from'", "'to'")) -> None:
    """Refuse windows asked for explicitly that no model can sensibly compute, with a plain message that
    names the bounds as the caller wrote them (``names``: the API's parameters or the CLI's options)."""
    for day, name in ((date_from, names[0]), (date_to, names[1])):
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            raise UserError(f"{name} {day.isoformat()} is outside {EARLIEST_DAY}..{LATEST_DAY}")
    if date_from and date_to:
        if date_to < date_from:
            raise UserError(f"{names[0]} {date_from.isoformat()} is after {names[1]} {date_to.isoformat()}")
        if (date_to - date_from).days > MAX_WINDOW_DAYS:
            raise UserError(f"the window is longer than {MAX_WINDOW_DAYS} days; ask for a shorter one")


def _day(text: object) -> date | None:
    """A stored day read as text, clipped into the allowed range (year 0 or 10000 cannot be a ``date``)."""
    if text is None:
        return None
    raw = str(text)
    found = _YEAR.match(raw)
    if found is None:
        return None
    year = int(found.group(1))
    if "BC" in raw.upper() or year < EARLIEST_DAY.year:
        return EARLIEST_DAY
    if year > LATEST_DAY.year:
        return LATEST_DAY
    try:
        return date.fromisoformat(raw.strip()[:10])
    except ValueError:
        return None


class _Extents:
    """The stored days' first and last, per engine and data version (a version changes with every import).

    Keyed on the engine object, not its URL: a store dropped and re-created at the same URL starts its
    dataset ids again, so (URL, version) could name two different stores."""

    def __init__(self) -> None:
        self._items: weakref.WeakKeyDictionary[Engine, tuple[object, tuple[date | None, date | None]]] = (
            weakref.WeakKeyDictionary())
        self._lock = threading.Lock()

    def get(self, conn: Connection) -> tuple[date | None, date | None]:
        from lifeline.store.queries_web import data_version

        version = data_version(conn)
        with self._lock:
            cached = self._items.get(conn.engine)
        if cached is not None and cached[0] == version:
            return cached[1]
        found = _raw_extent(conn)
        with self._lock:
            self._items[conn.engine] = (version, found)
        return found


def _raw_extent(conn: Connection) -> tuple[date | None, date | None]:
    """Smallest and largest stored delivery day, read as text (so out-of-range values are clipped, not raised
    on). Observations do not count: they are dated figures (a capacity, a population estimate, a report, an
    event), and no model without a default of its own spreads them over days; a 2012 capacity figure must not
    stretch the window of a 2024 list."""
    column = schema.deliveries.c.date
    lo, hi = conn.execute(select(cast(func.min(column), String), cast(func.max(column), String))).one()
    return _day(lo), _day(hi)


_EXTENTS = _Extents()


def extent(conn: Connection) -> tuple[date | None, date | None]:
    """First and last stored delivery day (the store's daily series), each clipped to EARLIEST_DAY..LATEST_DAY."""
    return _EXTENTS.get(conn)


def bounded(
    conn: Connection, date_from: date | None, date_to: date | None, names: tuple[str, str] = ("'from'", "'to'")
) -> tuple[date | None, date | None]:
    """The fallback window of a model with no default of its own: the caller's, checked, with any missing
    bound filled in only where the stored delivery lists would otherwise take the model outside
    EARLIEST_DAY..LATEST_DAY or beyond MAX_WINDOW_DAYS (then the most recent MAX_WINDOW_DAYS are kept, or
    those after an explicit ``from``). A model with a default of its own uses :func:`span` instead."""
    check(date_from, date_to, names)
    if date_from is not None and date_to is not None:
        return date_from, date_to
    first, last = extent(conn)
    if first is None or last is None:
        return date_from, date_to
    lo, hi = date_from, date_to
    if lo is None and (first <= EARLIEST_DAY or first >= LATEST_DAY):
        lo = first
    if hi is None and (last >= LATEST_DAY or last <= EARLIEST_DAY):
        hi = last
    span_lo, span_hi = lo or first, hi or last
    if span_hi < span_lo:  # the data lies wholly outside the caller's half-open window
        return date_from, date_to
    if (span_hi - span_lo).days > MAX_WINDOW_DAYS:
        if date_from is not None:
            lo, hi = date_from, min(date_from + timedelta(days=MAX_WINDOW_DAYS), LATEST_DAY)
        else:
            lo, hi = max(span_hi - timedelta(days=MAX_WINDOW_DAYS), EARLIEST_DAY), span_hi
    return lo, hi


def fallback(conn: Connection, date_from: date | None, date_to: date | None) -> Span:
    """:func:`bounded` as a :class:`Span` whose default is the store's extent, so a model with no default of
    its own can say which days it kept (``Span.note`` when ``Span.cut``)."""
    lo, hi = bounded(conn, date_from, date_to)
    first, last = extent(conn)
    return Span(lo, hi, (first, last) if first and last else None, (date_from, date_to))


@dataclass(frozen=True)
class Span:
    """The days a model answers for: the caller's bounds where given, the rest from the model's own default,
    clamped. ``default`` is that default as the data gives it, ``asked`` the caller's bounds."""

    first: date | None
    last: date | None
    default: tuple[date, date] | None
    asked: tuple[date | None, date | None]

    @property
    def cut(self) -> bool:
        """Whether the days shown are fewer than the default's (it was longer than a window may be, or
        reached outside EARLIEST_DAY..LATEST_DAY)."""
        if self.default is None or self.first is None or self.last is None:
            return False
        lo, hi = self.default
        return (self.asked[0] is None and self.first > lo) or (self.asked[1] is None and self.last < hi)

    def note(self, what: str) -> str | None:
        """Which days are shown and why, for a model whose default is the span of ``what`` ("the delivery
        lists"); None when the caller gave both bounds (the days are the ones asked for)."""
        if self.default is None or self.first is None or self.last is None or None not in self.asked:
            return None
        lo, hi = self.default
        start = f"{self.first} (asked)" if self.asked[0] else str(self.first)
        end = f"{self.last} (asked)" if self.asked[1] else str(self.last)
        if not self.cut and self.asked == (None, None):
            return f"days shown: the span of {what}, {lo} to {hi} (--from / --to for other days)"
        if not self.cut:
            return f"days shown: {start} to {end} (the span of {what}: {lo} to {hi}; --from / --to for other days)"
        kept = ("the days from --from on" if self.asked[0] else "the days up to --to" if self.asked[1]
                else "the most recent days")
        return (f"days shown: {start} to {end}, of the span of {what}, {lo} to {hi}, which is more than a window "
                f"may cover ({MAX_WINDOW_DAYS:,} days within {EARLIEST_DAY} to {LATEST_DAY}): {kept} are kept "
                "(--from / --to for other days)")


def span(default: tuple[date, date] | None, date_from: date | None, date_to: date | None) -> Span:
    """The days to answer for: ``date_from`` / ``date_to`` where given (a face has checked them), each missing
    one from the model's ``default`` span, which alone is clamped to EARLIEST_DAY..LATEST_DAY and to
    MAX_WINDOW_DAYS: the most recent days are kept, or those after an explicit ``from``, or those up to an
    explicit ``to``. Without a default the bounds stay as given (the model says there is nothing to show)."""
    asked = (date_from, date_to)
    if default is None or (date_from is not None and date_to is not None):
        return Span(date_from, date_to, default, asked)
    lo = date_from or _within_limits(default[0])
    hi = date_to or _within_limits(default[1])
    if date_from is not None:
        hi = min(hi, date_from + timedelta(days=MAX_WINDOW_DAYS))
    else:
        lo = max(lo, hi - timedelta(days=MAX_WINDOW_DAYS))
    return Span(lo, hi, default, asked)


def _within_limits(day: date) -> date:
    return min(max(day, EARLIEST_DAY), LATEST_DAY)
