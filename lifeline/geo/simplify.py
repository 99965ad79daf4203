"""Shapes simplified for display: a map a few hundred pixels wide needs a few thousand vertices, not the
millions a surveyed boundary file holds, so the store keeps each area's outline at display detail."""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import mapping, shape

# The tolerance is the larger side of the file's extent divided by DETAIL: 1/4000 of the map is about
# a tenth of a pixel on the 520-pixel web map and a fifth on the sitrep's, so the outline looks unchanged.
DETAIL = 4000.0
DECIMALS = 6  # ~0.1 m in latitude: far below the tolerance, so rounding never shows


def tolerance(bounds: tuple[float, float, float, float]) -> float:
    west, south, east, north = bounds
    return max(east - west, north - south, 1e-9) / DETAIL


def simplified(geometry: dict[str, Any], tol: float) -> tuple[dict[str, Any], int]:
    """The outline at display detail (Douglas-Peucker, topology kept: no ring crosses itself) and its
    vertex count. A ring that crosses itself in the file is repaired first (its polygonal part kept)."""
    geom = shape(geometry)
    if not geom.is_valid:
        geom = _polygonal(shapely.make_valid(geom))
    small = shapely.simplify(geom, tol, preserve_topology=True)
    if small.is_empty:  # an area smaller than the tolerance keeps its own outline
        small = geom
    out = mapping(small)
    coords = _rounded(out["coordinates"])
    return {"type": out["type"], "coordinates": coords}, int(shapely.get_num_coordinates(small))


def _polygonal(geom: Any) -> Any:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else geom


def _rounded(value: Any) -> Any:
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], (int, float)):
        return [round(float(c), DECIMALS) for c in value[:2]]
    return [_rounded(v) for v in value]
