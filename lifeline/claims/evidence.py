"""Evidence from the store, loaded once and held in memory: observations (reference figures,
status events) and deliveries summed per day, crossing and publisher.

Loading is one pass of two queries; every claim after that is a filter on small polars frames, which
is what makes a 3 KB statement take milliseconds and a batch of documents run at thousands a minute.
The index is rebuilt only when a dataset is added to the store.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Connection, func, select

from lifeline.assumptions import load_set
from lifeline.store import schema
from lifeline.store.tables_ingest import delivery_summary


@dataclass
class EvidenceIndex:
    """Everything the checker reads from the store, with the citation of each figure."""

    observations: pl.DataFrame
    deliveries: pl.DataFrame  # date, crossing, route, publisher, trucks, consignments
    coverage: dict[str, tuple[date, date]]  # publisher -> first and last delivery date
    publisher_notes: dict[str, str] = field(default_factory=dict)
    signature: tuple[Any, ...] = ()
    _crossings: dict[str, set[str]] = field(default_factory=dict)
    # publisher -> the contexts (roots of the location tree) its rows' crossings and areas belong to
    publisher_contexts: dict[str, frozenset[str]] = field(default_factory=dict)
    place_contexts: dict[str, str] = field(default_factory=dict)  # location code -> its context's root
    # (area, from, to, the coverage set's files) -> the engine's rows and note
    coverage_memo: dict[tuple[Any, ...], tuple[list[dict[str, Any]], str]] = field(default_factory=dict)

    # ------------------------------------------------------------------ observations
    def observations_for(self, indicators: tuple[str, ...] | list[str], location: str | None) -> pl.DataFrame:
        obs = self.observations
        if obs.is_empty() or not indicators:
            return obs.clear()
        cond = pl.col("indicator").is_in(list(indicators))
        if location is not None:
            cond = cond & (pl.col("location") == location)
        return obs.filter(cond)

    # ------------------------------------------------------------------ deliveries
    def trucks(
        self, publisher: str, start: date, end: date, crossing: str | None, category: str | None = None
    ) -> tuple[float, int] | None:
        """Trucks (and source rows) a publisher recorded in [start, end] at a crossing or over all,
        or None when the publisher's list does not cover the whole window."""
        first_last = self.coverage.get(publisher)
        if first_last is None or start < first_last[0] or end > first_last[1]:
            return None
        d = self.deliveries
        cond = (pl.col("publisher") == publisher) & (pl.col("date") >= start) & (pl.col("date") <= end)
        if crossing is not None:
            cond = cond & (pl.col("crossing") == crossing)
        if category is not None:
            cond = cond & (pl.col("category") == category)
        sub = d.filter(cond)
        return float(sub["trucks"].sum() or 0.0), int(sub["consignments"].sum() or 0)

    def publishers(self, place: str | None = None) -> list[str]:
        """Every publisher of deliveries, or those whose lists are about ``place``'s context (in a store of
        several contexts, Gaza's totals never count another crisis's trucks; a list that names no place of
        any context is kept only in a store of one)."""
        if place is None or len(set(self.place_contexts.values())) < 2:
            return sorted(self.coverage)
        root = self.place_contexts.get(place)
        return sorted(p for p in self.coverage if root in self.publisher_contexts.get(p, frozenset()))

    def breaks_down(self, publisher: str, crossing: str) -> bool:
        """Whether a publisher's list says which crossing each of its entries on that crossing's route
        used (UNRWA per land crossing; COGAT only for the sea and air routes, never smeared over land)."""
        d = self.deliveries
        routes = d.filter(pl.col("crossing") == crossing)["route"].drop_nulls().unique().to_list()
        if not routes and crossing in CROSSING_ROUTES:
            routes = [CROSSING_ROUTES[crossing]]
        if not routes:
            return crossing in self.crossings_of(publisher)
        mine = d.filter((pl.col("publisher") == publisher) & pl.col("route").is_in(routes))
        return not mine.is_empty() and mine["crossing"].null_count() == 0

    def crossings_of(self, publisher: str) -> set[str]:
        """The crossings a publisher's list names (empty when it has no crossing breakdown)."""
        if publisher not in self._crossings:
            d = self.deliveries.filter(pl.col("publisher") == publisher)
            self._crossings[publisher] = {c for c in d["crossing"].unique().to_list() if c}
        return self._crossings[publisher]


# Route of each crossing code (land, sea, air), from the normalisation rules the importers use.
CROSSING_ROUTES: dict[str, str] = {
    code: str(spec.get("route"))
    for code, spec in load_set("normalisation").tables.get("crossings", {}).items()
    if spec.get("route")
}

_OBS_SCHEMA = {
    "indicator": pl.String,
    "location": pl.String,
    "date": pl.Date,
    "period_end": pl.Date,
    "value": pl.Float64,
    "text_value": pl.String,
    "unit": pl.String,
    "publisher": pl.String,
    "title": pl.String,
    "url": pl.String,
    "cited_date": pl.Date,
    "note": pl.String,
    "dataset_publisher": pl.String,
}
_DEL_SCHEMA = {
    "date": pl.Date,
    "crossing": pl.String,
    "route": pl.String,
    "category": pl.String,
    "publisher": pl.String,
    "trucks": pl.Float64,
    "consignments": pl.Int64,
}

_lock = threading.Lock()
_cache: dict[str, EvidenceIndex] = {}


def signature(conn: Connection) -> tuple[Any, ...]:
    """Changes whenever a dataset is imported or updated: the cache key's second half."""
    ds = schema.datasets
    row = conn.execute(select(func.count(ds.c.id), func.max(ds.c.id), func.max(ds.c.imported_at))).one()
    return (row[0], row[1], str(row[2]))


def load(conn: Connection) -> EvidenceIndex:
    """The evidence index of this store, from cache when no dataset changed since it was built."""
    key = conn.engine.url.render_as_string(hide_password=True)
    sig = signature(conn)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached.signature == sig:
            return cached
    index = build(conn)
    index.signature = sig
    with _lock:
        _cache[key] = index
    return index


def build(conn: Connection) -> EvidenceIndex:
    o, ds, s = schema.observations, schema.datasets, schema.sources
    rows = conn.execute(
        select(
            o.c.indicator,
            o.c.location,
            o.c.date,
            o.c.period_end,
            o.c.value,
            o.c.text_value,
            o.c.unit,
            func.coalesce(o.c.cited_publisher, s.c.publisher).label("publisher"),
            func.coalesce(o.c.cited_title, s.c.title).label("title"),
            func.coalesce(o.c.cited_url, s.c.url).label("url"),
            o.c.cited_date,
            o.c.note,
            s.c.publisher.label("dataset_publisher"),
        )
        .select_from(o.join(ds, o.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(o.c.withdrawn_dataset_id.is_(None))
    ).all()
    observations = pl.DataFrame([tuple(r) for r in rows], schema=_OBS_SCHEMA, orient="row")
    d = schema.deliveries
    drows = conn.execute(
        select(
            d.c.date,
            d.c.crossing,
            d.c.route,
            d.c.category,
            s.c.publisher,
            # As the deliveries model counts them: rows without a truck count (airdrops, pier loads)
            # add no trucks; they are not trucks, and counting each as one gave other totals than every face.
            func.sum(d.c.trucks),
            func.sum(d.c.consignments),
        )
        .select_from(d.join(ds, d.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
        .where(d.c.withdrawn_dataset_id.is_(None))
        .group_by(d.c.date, d.c.crossing, d.c.route, d.c.category, s.c.publisher)
    ).all()
    deliveries = pl.DataFrame([tuple(r) for r in drows], schema=_DEL_SCHEMA, orient="row")
    coverage: dict[str, tuple[date, date]] = {}
    if not deliveries.is_empty():
        span = deliveries.group_by("publisher").agg(pl.col("date").min().alias("a"), pl.col("date").max().alias("b"))
        coverage = {r["publisher"]: (r["a"], r["b"]) for r in span.iter_rows(named=True)}
    notes = {
        str(p): str(n)
        for p, n in conn.execute(select(s.c.publisher, s.c.note).where(s.c.note.is_not(None))).all()
        if p in coverage
    }
    roots = _place_contexts(conn)
    return EvidenceIndex(observations, deliveries, coverage, notes, publisher_contexts=_publisher_contexts(conn, roots),
                         place_contexts=roots)


def _place_contexts(conn: Connection) -> dict[str, str]:
    """Each stored location's context: the root of its parent chain (model.contexts, one rule for every face)."""
    from lifeline.model.contexts import all_contexts

    return {code: ctx.code for ctx in all_contexts(conn) for code in ctx.members}


def _publisher_contexts(conn: Connection, roots: dict[str, str]) -> dict[str, frozenset[str]]:
    """The contexts each publisher's current rows are about, read from the per-day summary (no pass over rows)."""
    if len(set(roots.values())) < 2:
        return {}
    d, ds, s = delivery_summary, schema.datasets, schema.sources
    rows = conn.execute(
        select(s.c.publisher, d.c.crossing, d.c.area).distinct()
        .select_from(d.join(ds, d.c.dataset_id == ds.c.id).join(s, ds.c.source_id == s.c.id))
    ).all()
    found: dict[str, set[str]] = {}
    for publisher, crossing, area in rows:
        mine = found.setdefault(str(publisher), set())
        mine.update(roots[c] for c in (crossing, area) if c in roots)
    return {p: frozenset(v) for p, v in found.items()}


def as_of(frame: pl.DataFrame) -> pl.Series:
    """The date a figure holds for: the end of its period when it has one (cumulative counts)."""
    return frame.select(pl.coalesce("period_end", "date")).to_series()


def window_days(start: date, end: date) -> int:
    return (end - start).days + 1


def days_before(d: date, n: int) -> date:
    return d - timedelta(days=n)
