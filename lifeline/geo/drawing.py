"""One context's map as projected shapes: what the web map and the sitrep's small map both draw.

The outlines are the context's imported boundaries (finest level); for Gaza's places without imported
boundaries, the shipped schematic; otherwise none. Entry points are drawn at the coordinates their
places file records (the schematic's own positions when the schematic is drawn). Longitude and
latitude are projected equirectangularly, x scaled by the cosine of the middle latitude (true shapes
at the scale of a district or a governorate), and fitted into the view box with a margin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from shapely.geometry import shape
from sqlalchemy import Connection, select

from lifeline.geo import boundaries, schematic
from lifeline.model.contexts import Context
from lifeline.store import schema


@dataclass(frozen=True)
class Area:
    code: str
    d: str  # SVG path, every ring closed (draw with fill-rule evenodd so holes stay holes)
    x: float  # label anchor, a point inside the outline
    y: float


@dataclass(frozen=True)
class Point:
    code: str
    x: float
    y: float
    lon: float
    lat: float
    position: str  # recorded (the places file's coordinates) | public | approximate | schematic


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    basis: str  # boundaries | schematic | points | none
    areas: tuple[Area, ...] = ()
    points: tuple[Point, ...] = ()
    sources: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    level: int | None = None

    def area(self, code: str) -> Area | None:
        return next((a for a in self.areas if a.code == code), None)

    def point(self, code: str) -> Point | None:
        return next((p for p in self.points if p.code == code), None)


_DRAWN: dict[Any, Drawing] = {}  # projected maps by what they are drawn from (see drawing())
_DRAWN_MAX = 32


def drawing(conn: Connection, ctx: Context | None, width: float = 520.0, height: float = 560.0,
            pad: float = 24.0) -> Drawing:
    """The map of ``ctx`` (None: a store without places, drawn as Gaza's schematic, as before contexts).

    Projecting a country's outlines costs tens of milliseconds, so a drawing is kept while what it is drawn
    from is unchanged: the store, the context's places, its boundary set (id and import time) and its
    entry points' coordinates, all read here on every call (two small queries)."""
    latest = boundaries.latest_set(conn, ctx.code) if ctx is not None else None
    recorded, unplaced = _recorded_points(conn, ctx) if ctx is not None else ({}, [])
    key = (conn.engine.url.render_as_string(hide_password=True), tuple(ctx.places.values()) if ctx else None,
           (latest.id, latest.imported_at) if latest is not None else None, tuple(sorted(recorded.items())),
           width, height, pad)
    if key not in _DRAWN:
        if len(_DRAWN) >= _DRAWN_MAX:
            _DRAWN.pop(next(iter(_DRAWN)))
        _DRAWN[key] = _draw(conn, ctx, latest, recorded, unplaced, width, height, pad)
    kept = _DRAWN[key]  # the caller gets its own lists: a face adding to them leaves the kept drawing as it was
    return replace(kept, sources=[dict(s) for s in kept.sources], notes=list(kept.notes))


def _draw(conn: Connection, ctx: Context | None, latest: Any, recorded: dict[str, tuple[float, float, str]],
          unplaced: list[str], width: float, height: float, pad: float) -> Drawing:
    imported = boundaries.stored(conn, ctx.code, latest) if ctx is not None and latest is not None else None
    outlines: dict[str, dict[str, Any]] = {}
    points: dict[str, tuple[float, float, str]] = {}
    notes: list[str] = []
    sources: list[dict[str, Any]] = []
    if imported is not None and ctx is not None:
        basis, outlines, sources, points = "boundaries", imported.shapes, [imported.source], recorded
    elif ctx is None or ctx.members & schematic.codes():
        basis, sources, unplaced = "schematic", [schematic.SOURCE], []
        for f in schematic.features():
            if ctx is not None and f.code not in ctx.members:
                continue
            if f.geometry["type"] == "Point":
                points[f.code] = (*f.geometry["coordinates"][:2], f.position)
            else:
                outlines[f.code] = f.geometry
    else:
        points = recorded
        basis = "points" if points else "none"
        notes.append(f"no boundaries imported for {ctx.code} (`lifeline boundaries import FILE`): "
                     "its areas are listed without outlines")
    if unplaced:
        notes.append(f"entry points without coordinates, not drawn: {', '.join(unplaced)}")
    if imported is not None and ctx is not None:
        absent = [c for c in boundaries.peers(ctx, imported.level, set(outlines)) if c not in outlines]
        if absent:
            notes.append(f"areas without an imported outline, not drawn: {', '.join(absent)}")
    return _fit(width, height, pad, basis, outlines, points, sources, notes,
                imported.level if imported is not None else None)


def _recorded_points(conn: Connection, ctx: Context) -> tuple[dict[str, tuple[float, float, str]], list[str]]:
    t = schema.locations
    rows = conn.execute(select(t.c.code, t.c.lon, t.c.lat).where(t.c.code.in_(ctx.entry_points))).all()
    placed = {code: (float(lon), float(lat), "recorded") for code, lon, lat in rows
              if lon is not None and lat is not None}
    return placed, sorted(set(ctx.entry_points) - set(placed))


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [ring for polygon in polygons for ring in polygon]


def _fit(width: float, height: float, pad: float, basis: str, outlines: dict[str, dict[str, Any]],
         points: dict[str, tuple[float, float, str]], sources: list[dict[str, Any]], notes: list[str],
         level: int | None) -> Drawing:
    lons = [p[0] for g in outlines.values() for ring in _rings(g) for p in ring] + [p[0] for p in points.values()]
    lats = [p[1] for g in outlines.values() for ring in _rings(g) for p in ring] + [p[1] for p in points.values()]
    if not lons:
        return Drawing(width, height, "none", sources=sources, notes=notes, level=level)
    kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
    west, east, south, north = min(lons) * kx, max(lons) * kx, min(lats), max(lats)
    dx, dy = max(east - west, 1e-6), max(north - south, 1e-6)  # one point alone still gets a scale
    scale = min((width - 2 * pad) / dx, (height - 2 * pad) / dy)
    # centre the drawing in the box
    ox = pad + ((width - 2 * pad) - (east - west) * scale) / 2
    oy = pad + ((height - 2 * pad) - (north - south) * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return ox + (lon * kx - west) * scale, height - oy - (lat - south) * scale

    areas = []
    for code, geometry in outlines.items():
        d = " ".join("M" + " L".join("{:.1f},{:.1f}".format(*project(p[0], p[1])) for p in ring[:-1]) + " Z"
                     for ring in _rings(geometry))
        inside = shape(geometry).point_on_surface()
        x, y = project(inside.x, inside.y)
        areas.append(Area(code, d, x, y))
    placed = [Point(code, *project(lon, lat), lon, lat, position) for code, (lon, lat, position) in points.items()]
    return Drawing(width, height, basis, tuple(areas), tuple(placed), sources, notes, level)
