"""Admin boundaries into the store, keyed by the places of one context, and back out for the map.

``import_boundaries`` reads a GeoJSON twice, one feature at a time: once to check every feature and
find its p-codes and extent (nothing is written if any feature is bad), once to simplify each outline
for display and store it, all in one transaction. A feature is matched to a place of the context by its
p-code (the place's code or one of its aliases), else by its names (``boundary_match``), and a p-code
matched by name is recorded as an alias of its place, so files keyed by those p-codes fit the place too;
p-codes that match no place are stored nowhere and reported, and so are the context's areas at that level
that the file has no outline for. One set is kept per context and admin
level: a new import of the same level replaces the earlier set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

from lifeline.digest import sha256
from lifeline.errors import UserError
from lifeline.geo import boundary_match, geojson_read, place_aliases, simplify
from lifeline.model import contexts
from lifeline.store import schema
from lifeline.store.tables_geo import boundaries, boundary_sets


@dataclass
class BoundaryReport:
    context: str
    level: int
    path: str
    code_property: str
    features_read: int
    stored: int
    vertices_read: int
    vertices_kept: int
    unmatched: list[str] = field(default_factory=list)  # p-codes of the file that are no place of the context
    missing: list[str] = field(default_factory=list)  # the context's areas at that level without an outline
    replaced: bool = False
    by_name: list[boundary_match.Matched] = field(default_factory=list)  # p-codes matched by the area's name
    by_mapping: list[boundary_match.Matched] = field(default_factory=list)  # p-codes the user mapped
    aliases_recorded: int = 0  # p-codes added to their place's aliases (a revision each)

    def lines(self) -> list[str]:
        out = [f"{Path(self.path).name}: {self.stored} of {self.features_read} areas stored for context {self.context} "
               f"(level {self.level}, p-codes from {self.code_property!r}); their {self.vertices_read:,} vertices "
               f"simplified to {self.vertices_kept:,} for display" + ("; replaces the earlier set" if self.replaced
                                                                       else "")]
        if self.by_name:
            shown = [f"{m.pcode} {m.name!r} -> {m.place}" + (" (spelling variant)" if m.how == "spelling" else "")
                     for m in self.by_name]
            out.append(f"matched by name ({len(shown)}), each p-code recorded as an alias of its place: "
                       + _few(shown, 20))
        if self.by_mapping:
            out.append(f"matched by --match ({len(self.by_mapping)}), each p-code recorded as an alias of its place: "
                       + _few([f"{m.pcode} -> {m.place}" for m in self.by_mapping], 20))
        if self.unmatched:
            out.append(f"not stored, p-codes that are no place of {self.context}: {_few(self.unmatched)}")
        if self.missing:
            out.append(f"areas of {self.context} at level {self.level} without an outline: {_few(self.missing)}")
        return out


@dataclass(frozen=True)
class StoredBoundaries:
    """A context's outlines at one level, with the source and age the map cites."""

    context: str
    level: int
    shapes: dict[str, dict[str, Any]]  # place code -> GeoJSON geometry
    source: dict[str, Any]


def _few(codes: list[str], shown: int = 10) -> str:
    more = f" and {len(codes) - shown} more" if len(codes) > shown else ""
    return ", ".join(codes[:shown]) + more


def depth(code: str, ctx: contexts.Context) -> int:
    """Steps from ``code`` up to the context's root: 1 for its first admin level."""
    steps, current, seen = 0, code, set()
    while current != ctx.code and current not in seen:
        seen.add(current)
        parent = ctx.places[current].parent
        if parent is None or parent not in ctx.places:
            break
        steps, current = steps + 1, parent
    return steps


def peers(ctx: contexts.Context, level: int, outlined: set[str]) -> list[str]:
    """The context's areas a boundaries file of ``level`` should outline: those at that depth of the types
    it outlines (governorates, districts), not analysis areas that share the depth (Gaza's north/south)."""
    types = {ctx.places[c].type for c in outlined if c in ctx.places}
    return [c for c in ctx.areas if c != ctx.code and depth(c, ctx) == level and ctx.places[c].type in types]


def _choose_context(conn: Connection, path: Path, found_file: geojson_read.Survey, named: str | None,
                    mapping: dict[str, str]) -> contexts.Context:
    codes, prop = found_file.codes, found_file.code_property
    if named is not None:
        ctx = contexts.resolve(conn, named)
        assert ctx is not None  # resolve raises on an unknown code
        return ctx
    found = contexts.all_contexts(conn)
    if not found:
        raise UserError("the store has no places yet: import the context's places file first", file=str(path))
    wanted = {c.upper() for c in codes}
    hits = [c for c in found if wanted & set(boundary_match.lookup(conn, c))]
    if not hits and mapping:  # the places a mapping names
        hits = [c for c in found if set(mapping.values()) & c.members]
    if not hits:  # no p-code known: the contexts whose areas the features' names fit
        hits = boundary_match.contexts_by_name(conn, found, found_file)
    if len(hits) == 1:
        return hits[0]
    if not hits:
        known = ", ".join(c.code for c in found)
        raise geojson_read.fault(path, 0, prop, f"p-codes of the places of a context in this store ({known}); "
                                 "import its places first, or name the property with --code-property", codes[0])
    raise UserError(f"the p-codes match places of {len(hits)} contexts ({', '.join(c.code for c in hits)}): "
                    "name one with --context CODE", file=str(path))


def import_boundaries(
    engine: Engine, path: Path, *, context: str | None = None, code_property: str | None = None,
    publisher: str | None = None, title: str | None = None, url: str | None = None, imported_by: str | None = None,
    mapping: dict[str, str] | None = None,
) -> BoundaryReport:
    """Check, match, simplify and store one boundaries file (whole or not at all). ``mapping``: p-code ->
    place code, for areas the file's codes and names do not decide; each p-code matched by name or by
    mapping is recorded as an alias of its place, with the file as its source."""
    found = geojson_read.survey(path, code_property)
    prop = found.code_property
    mapping = mapping or {}
    with engine.connect() as conn:
        ctx = _choose_context(conn, path, found, context, mapping)
        matching = boundary_match.match(conn, ctx, path, found, mapping)
    matched: dict[str, str] = {}
    level: int | None = None
    first_index = 0
    for index, pcode in enumerate(found.codes):
        hit = matching.matched.get(pcode)
        if hit is None:
            continue
        code = hit.place
        if ctx.places[code].route is not None:
            raise geojson_read.fault(path, index, prop, "the p-code of an admin area", f"{pcode} (an entry point)")
        here = depth(code, ctx)
        if level is None:
            level, first_index = here, index
        elif here != level:
            raise geojson_read.fault(path, index, prop, f"an area at level {level} like feature {first_index}",
                                     f"{pcode} (level {here})")
        if code in matched.values():
            raise geojson_read.fault(path, index, prop, f"one feature per place, {code!r} is matched twice", pcode)
        matched[pcode] = code
    unmatched = matching.unmatched
    if level is None:
        example = next(iter(ctx.children(ctx.code)), ctx.code)
        raise geojson_read.fault(path, 0, prop, f"p-codes or names of places of context {ctx.code} (e.g. "
                                 f"{example!r})", found.codes[0])
    missing = [c for c in peers(ctx, level, set(matched.values())) if c not in matched.values()]
    tol = simplify.tolerance(found.bounds)
    report = BoundaryReport(ctx.code, level, str(path), prop, len(found.codes), len(matched), 0, 0, unmatched,
                            missing, by_name=[m for m in matching.new_aliases if m.how != "mapping"],
                            by_mapping=[m for m in matching.new_aliases if m.how == "mapping"])
    now = datetime.now(UTC)
    with engine.begin() as conn:
        old = conn.execute(select(boundary_sets.c.id).where(boundary_sets.c.context == ctx.code,
                                                            boundary_sets.c.level == level)).scalar()
        if old is not None:
            conn.execute(delete(boundaries).where(boundaries.c.set_id == old))
            conn.execute(delete(boundary_sets).where(boundary_sets.c.id == old))
            report.replaced = True
        source_id = _source(conn, path, publisher or "; ".join(found.sources) or None, title, url)
        report.aliases_recorded = place_aliases.record(conn, matching.new_aliases, path, source_id, imported_by)
        set_id = _new_id(conn, insert(boundary_sets).values(
            context=ctx.code, level=level, code_property=prop, path=str(path), sha256=sha256(path),
            source_id=source_id, imported_at=now, imported_by=imported_by, features_read=len(found.codes),
            vertices_read=found.vertices, vertices_kept=0, tolerance_deg=tol, unmatched=unmatched,
        ))
        kept = read = 0
        for feat in geojson_read.features(path, prop):
            if feat.pcode not in matched:
                continue
            geometry, vertices = simplify.simplified(feat.geometry, tol)
            kept, read = kept + vertices, read + feat.vertices
            conn.execute(insert(boundaries).values(set_id=set_id, code=matched[feat.pcode], pcode=feat.pcode,
                                                   geometry=geometry))
            del feat  # one area's coordinates in memory at a time
        conn.execute(boundary_sets.update().where(boundary_sets.c.id == set_id)
                     .values(vertices_read=read, vertices_kept=kept))
    report.vertices_read, report.vertices_kept = read, kept
    return report


def _source(conn: Connection, path: Path, publisher: str | None, title: str | None, url: str | None) -> int:
    t = schema.sources
    return _new_id(conn, insert(t).values(
        publisher=publisher or "not stated (name it with --publisher)",
        title=title or f"Admin boundaries ({path.name})", url=url, retrieved=date.today(), sha256=sha256(path),
        note="Admin boundaries (GeoJSON), simplified for display by Lifeline; p-codes matched to the context's places",
    ))


def _new_id(conn: Connection, stmt: Any) -> int:
    key = conn.execute(stmt).inserted_primary_key
    assert key is not None
    return int(key[0])


def sets(conn: Connection, context: str | None = None) -> list[dict[str, Any]]:
    """Every stored boundary set (or one context's), with its source, for ``lifeline boundaries list``."""
    b, s = boundary_sets, schema.sources
    stmt = (select(b.c.id, b.c.context, b.c.level, b.c.code_property, b.c.path, b.c.imported_at, b.c.features_read,
                   b.c.vertices_read, b.c.vertices_kept, b.c.unmatched, s.c.publisher, s.c.title)
            .select_from(b.join(s, b.c.source_id == s.c.id)).order_by(b.c.context, b.c.level))
    if context is not None:
        stmt = stmt.where(b.c.context == context)
    out = []
    for r in conn.execute(stmt):
        row = dict(r._mapping)
        count = conn.execute(select(boundaries.c.id).where(boundaries.c.set_id == row["id"])).all()
        out.append(row | {"areas": len(count), "unmatched": len(row["unmatched"] or [])})
    return out


def latest_set(conn: Connection, context: str) -> Any:
    """The row of the context's finest imported level (id, level, path, imported_at, its source), or None."""
    b, s = boundary_sets, schema.sources
    return conn.execute(
        select(b.c.id, b.c.level, b.c.path, b.c.imported_at, s.c.publisher, s.c.title, s.c.url, s.c.retrieved)
        .select_from(b.join(s, b.c.source_id == s.c.id)).where(b.c.context == context)
        .order_by(b.c.level.desc()).limit(1)
    ).first()


def stored(conn: Connection, context: str, row: Any = None) -> StoredBoundaries | None:
    """The context's outlines at its finest imported level (``row``: its :func:`latest_set`, when already
    read), or None when none were imported."""
    row = row if row is not None else latest_set(conn, context)
    if row is None:
        return None
    shapes = {code: geometry for code, geometry in
              conn.execute(select(boundaries.c.code, boundaries.c.geometry).where(boundaries.c.set_id == row.id))}
    source = {"publisher": row.publisher, "title": row.title, "url": row.url,
              "retrieved": row.retrieved.isoformat() if row.retrieved else None,
              "imported_at": row.imported_at.isoformat() if row.imported_at else None,
              "note": f"boundaries of level {row.level} imported from {Path(row.path).name}, simplified for display"}
    return StoredBoundaries(context, int(row.level), shapes, source)
