"""Draw the shipped schematic GeoJSON as SVG shapes on the server: no tiles, no network, no JS needed."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

GEOJSON = Path(__file__).with_name("geo") / "gaza-schematic.geojson"
WIDTH, HEIGHT, PAD = 520.0, 560.0, 24.0


@dataclass
class Shape:
    code: str
    kind: str  # governorate | crossing
    name_en: str
    name_ar: str
    position: str  # public | approximate | schematic
    source: str
    d: str = ""  # SVG path (governorates)
    x: float = 0.0  # label anchor or point
    y: float = 0.0
    lat: float | None = None
    lon: float | None = None


@lru_cache(maxsize=1)
def geojson() -> dict[str, Any]:
    return json.loads(GEOJSON.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _coords(doc: dict[str, Any]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for f in doc["features"]:
        g = f["geometry"]
        if g["type"] == "Point":
            out.append(tuple(g["coordinates"]))  # type: ignore[arg-type]
        else:
            for ring in g["coordinates"]:
                out += [tuple(p) for p in ring]  # type: ignore[misc]
    return out


@lru_cache(maxsize=1)
def shapes() -> tuple[Shape, ...]:
    """Features projected equirectangularly (x scaled by cos of the mean latitude), fitted to the view box."""
    doc = geojson()
    pts = _coords(doc)
    lat0 = sum(p[1] for p in pts) / len(pts)
    kx = math.cos(math.radians(lat0))
    xs = [p[0] * kx for p in pts]
    ys = [p[1] for p in pts]
    scale = min((WIDTH - 2 * PAD) / (max(xs) - min(xs)), (HEIGHT - 2 * PAD) / (max(ys) - min(ys)))

    def project(lon: float, lat: float) -> tuple[float, float]:
        return PAD + (lon * kx - min(xs)) * scale, HEIGHT - PAD - (lat - min(ys)) * scale

    out = []
    for f in doc["features"]:
        p, g = f["properties"], f["geometry"]
        shape = Shape(p["code"], p["type"], p["name_en"], p["name_ar"], p["position"], p["source"])
        if g["type"] == "Point":
            shape.lon, shape.lat = g["coordinates"]
            shape.x, shape.y = project(*g["coordinates"])
        else:
            ring = [project(*c) for c in g["coordinates"][0]]
            shape.d = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + " Z"
            shape.x = sum(x for x, _ in ring[:-1]) / (len(ring) - 1)
            shape.y = sum(y for _, y in ring[:-1]) / (len(ring) - 1)
        out.append(shape)
    return tuple(out)


def names() -> dict[str, dict[str, str]]:
    """English and Arabic names of the shipped places (used when the reference set is not loaded)."""
    return {s.code: {"en": s.name_en, "ar": s.name_ar} for s in shapes()}


def coverage_colour(value: float | None, requirement: float | None) -> str:
    """Sequential red-to-green by share of the requirement; grey when unknown (never 'zero')."""
    if value is None or not requirement:
        return "#d9d9d9"
    share = max(0.0, min(value / requirement, 1.2))
    steps = [(0.25, "#b2182b"), (0.5, "#ef8a62"), (0.75, "#fddbc7"), (1.0, "#d1e5f0"), (99, "#67a9cf")]
    return next(colour for limit, colour in steps if share < limit)
