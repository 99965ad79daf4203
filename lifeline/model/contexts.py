"""Contexts: the areas of operation a store holds, read from its own locations.

A context is a root of the stored location tree (a place without a parent: a territory, a country, a
besieged town) with everything below it: admin areas at any level and entry points (locations with a
route: crossings, ports, air routes). Nothing about a context lives in settings, so a new crisis is set
up by importing its locations file, and Gaza's places never appear in another context's answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select, union

from lifeline.errors import UserError
from lifeline.store import schema
from lifeline.store.scope import DeliveryScope
from lifeline.store.tables_ingest import delivery_summary


@dataclass(frozen=True)
class Place:
    code: str
    type: str
    name_en: str
    name_ar: str | None
    parent: str | None
    route: str | None
    serves: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    """One area of operation: its root place and every place below it, by code."""

    code: str
    name_en: str
    name_ar: str | None
    places: dict[str, Place] = field(default_factory=dict)

    @property
    def members(self) -> frozenset[str]:
        return frozenset(self.places)

    @property
    def areas(self) -> list[str]:
        """Admin areas (every member that is not an entry point), the root first."""
        return [c for c, p in self.places.items() if p.route is None]

    @property
    def entry_points(self) -> list[str]:
        return sorted(c for c, p in self.places.items() if p.route is not None)

    def children(self, code: str) -> list[str]:
        return sorted(c for c, p in self.places.items() if p.parent == code and p.route is None)

    def served_area(self, entry_point: str) -> str | None:
        """The one area an entry point's deliveries reach when a row names no destination: the single
        area it is declared to serve, else none (several served areas need a split assumption)."""
        place = self.places.get(entry_point)
        if place is None:
            return None
        return place.serves[0] if len(place.serves) == 1 else None


def _places(conn: Connection) -> dict[str, Place]:
    t = schema.locations
    rows = conn.execute(
        select(t.c.code, t.c.type, t.c.name_en, t.c.name_ar, t.c.parent_code, t.c.route, t.c.serves)
    ).all()
    return {
        r[0]: Place(r[0], r[1], r[2], r[3], r[4], r[5], tuple(r[6] or ()))
        for r in rows
    }


def root_of(code: str, places: dict[str, Place]) -> str:
    """The root of ``code``'s parent chain (a cycle stops at the first place seen twice)."""
    seen: set[str] = set()
    current = code
    while current in places and places[current].parent and current not in seen:
        seen.add(current)
        parent = places[current].parent
        if parent is None or parent not in places:
            break
        current = parent
    return current


def all_contexts(conn: Connection) -> list[Context]:
    """Every context of the store, by code."""
    places = _places(conn)
    grouped: dict[str, dict[str, Place]] = {}
    for code in places:
        grouped.setdefault(root_of(code, places), {})[code] = places[code]
    out = []
    for root, members in sorted(grouped.items()):
        top = places[root]
        ordered = {root: members[root], **{c: p for c, p in sorted(members.items()) if c != root}}
        out.append(Context(root, top.name_en, top.name_ar, ordered))
    return out


def resolve(conn: Connection, code: str | None) -> Context | None:
    """The context a question is about: the one named, else the store's only one; None when the store
    has no places at all (a bare line list is then answered as a whole, as before contexts existed)."""
    found = all_contexts(conn)
    if code is not None:
        for ctx in found:
            if ctx.code == code or code in ctx.members and ctx.places[code].parent is None:
                return ctx
        known = ", ".join(c.code for c in found) or "none (import a locations file first)"
        raise UserError(f"unknown context {code!r}; contexts in this store: {known}")
    if not found:
        return None
    if len(found) > 1:
        raise UserError(
            f"this store holds {len(found)} contexts ({', '.join(c.code for c in found)}): "
            "name one with --context CODE (API: ?context=CODE)"
        )
    return found[0]


def dataset_contexts(conn: Connection, contexts: Iterable[Context]) -> dict[int, str]:
    """Each delivery dataset's context, where the places its rows name all belong to one."""
    where: dict[str, str] = {code: ctx.code for ctx in contexts for code in ctx.members}
    seen: dict[int, set[str]] = {}
    for dataset_id, crossing, area in _dataset_places(conn):
        for code in (crossing, area):
            if code is not None and code in where:
                seen.setdefault(int(dataset_id), set()).add(where[code])
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def _dataset_places(conn: Connection) -> list[tuple[Any, Any, Any]]:
    """Every (dataset, crossing, area) of the stored delivery rows, current or withdrawn, read without a
    pass over the rows: the current rows' from ``delivery_summary`` (per-day sums, kept in step by every
    import), the withdrawn rows' through their ``withdrawn`` revisions. A small context's question then
    costs what the store's datasets and withdrawals cost, not its millions of rows (bench/contexts.py)."""
    d, r, s = schema.deliveries, schema.revisions, delivery_summary
    current = select(s.c.dataset_id, s.c.crossing, s.c.area).distinct()
    withdrawn = (select(d.c.dataset_id, d.c.crossing, d.c.area).distinct()
                 .select_from(r.join(d, d.c.id == r.c.record_id))
                 .where(r.c.table_name == "deliveries", r.c.action == "withdrawn",
                        d.c.withdrawn_dataset_id.is_not(None)))
    return [tuple(row) for row in conn.execute(union(current, withdrawn))]


@dataclass(frozen=True)
class Scope:
    """What one question may see: its context (None in a store without places) and, when the store holds
    several contexts, the filter that keeps the others out. With one context nothing is filtered, so a
    store of Gaza alone answers exactly as before contexts existed."""

    context: Context | None
    deliveries: DeliveryScope | None = None

    @property
    def code(self) -> str | None:
        return self.context.code if self.context else None

    def keeps(self, location: str | None) -> bool:
        """Whether an observation at ``location`` (a status, baseline, need, series value) is the context's."""
        return self.deliveries is None or (self.context is not None and location in self.context.members)

    def keeps_alert(self, alert: dict[str, Any]) -> bool:
        """Whether a stored alert is about this context: the context its evidence names (alerts evaluated
        beside other contexts), else its place; every alert in a store of one context."""
        if self.deliveries is None or self.context is None:
            return True
        named = (alert.get("evidence") or {}).get("context")
        return bool(named == self.code) if named else alert.get("place") in self.context.members

    def crossings(self) -> dict[str, str] | None:
        """The context's entry points and their routes, or None when the store has no places."""
        if self.context is None:
            return None
        return {c: self.context.places[c].route or "land" for c in self.context.entry_points}


def scope(conn: Connection, code: str | None) -> Scope:
    """The scope of a question about context ``code`` (default: the store's only one; asked for when there
    are several)."""
    ctx = resolve(conn, code)
    found = all_contexts(conn)
    if ctx is None or len(found) < 2:
        return Scope(ctx)
    datasets = tuple(sorted(d for d, c in dataset_contexts(conn, found).items() if c == ctx.code))
    return Scope(ctx, DeliveryScope(tuple(sorted(ctx.members)), datasets))
