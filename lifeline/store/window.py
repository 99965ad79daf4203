"""The window of days any question may cover: clamped to the data present and to a documented maximum.

Daily models build one row per day (and crossing, area, run) of their window, and take the window from
the data when the caller gives none. One stored row dated 0001-01-01 or 9999-12-31 would then ask for
millions of days (23 GB for the access timeline, 27 GiB for coverage's arrays) or for day 10000-01-01.
Every face (API, pages, CLI) passes its ``from`` / ``to`` through :func:`bounded` before calling a model,
so no stored value can widen a question beyond these limits. When the data is within them and the caller
gives no window, the bounds stay empty and each model keeps choosing its own (narrower) range.
"""

from __future__ import annotations

import re
import threading
import weakref
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
    """Smallest and largest stored day, read as text (so out-of-range values are clipped, not raised on)."""
    firsts: list[object] = []
    lasts: list[object] = []
    for column in (schema.deliveries.c.date, schema.observations.c.date, schema.observations.c.period_end):
        lo, hi = conn.execute(select(cast(func.min(column), String), cast(func.max(column), String))).one()
        firsts.append(lo)
        lasts.append(hi)
    days_lo = [d for d in map(_day, firsts) if d is not None]
    days_hi = [d for d in map(_day, lasts) if d is not None]
    return (min(days_lo) if days_lo else None), (max(days_hi) if days_hi else None)


_EXTENTS = _Extents()


def extent(conn: Connection) -> tuple[date | None, date | None]:
    """First and last stored day of deliveries and observations, each clipped to EARLIEST_DAY..LATEST_DAY."""
    return _EXTENTS.get(conn)


def bounded(
    conn: Connection, date_from: date | None, date_to: date | None, names: tuple[str, str] = ("'from'", "'to'")
) -> tuple[date | None, date | None]:
    """The window to ask a model for: the caller's, checked, with any missing bound filled in only where
    the stored data would otherwise take the model outside EARLIEST_DAY..LATEST_DAY or beyond
    MAX_WINDOW_DAYS (then the most recent MAX_WINDOW_DAYS are kept, or those after an explicit ``from``)."""
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
