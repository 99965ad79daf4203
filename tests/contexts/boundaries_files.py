"""GeoJSON builders for the boundaries tests: the worked example's file, edited copies, and big outlines."""

from __future__ import annotations

import copy
import json
import math
import re
from pathlib import Path
from typing import Any

from shapely.geometry import Polygon

from tests.contexts.conftest import EXAMPLE

BOUNDARIES = EXAMPLE / "5-boundaries.geojson"


def example() -> dict[str, Any]:
    return json.loads(BOUNDARIES.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def write(path: Path, doc: Any) -> Path:
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def edited(**changes: Any) -> dict[str, Any]:
    """The example with feature ``i``'s parts replaced: ``f1_geometry={...}``, ``f2_props={...}``."""
    doc = copy.deepcopy(example())
    for key, value in changes.items():
        index, part = key[1:].split("_", 1)
        feature = doc["features"][int(index)]
        if part == "props":
            feature["properties"] = value
        else:
            feature[part] = value
    return doc


def polygons_of(d: str) -> list[Polygon]:
    """The rings of an SVG path drawn by lifeline.geo.drawing, as polygons in view-box units."""
    rings = re.findall(r"M([^Z]+)Z", d)
    return [Polygon([tuple(map(float, p.split(","))) for p in ring.replace("L", " ").split()]) for ring in rings]


def wiggly_districts(n: int) -> dict[str, Any]:
    """The example's three districts with each shared border a zig-zag of ``n`` vertices (amplitude 5 m):
    a file the size of a surveyed boundary, whose outline at display detail is the example's."""
    def border(lat: float) -> list[list[float]]:
        return [[30.0 + 0.6 * i / (n - 1), lat + (0.00005 if i % 2 else 0.0) + 0.01 * math.sin(i / n * math.pi)]
                for i in range(n)]
    a, b = border(15.05), border(14.95)
    xz01 = a + [[30.60, 15.30], [30.00, 15.30]] + [a[0]]
    xz02 = b + a[::-1] + [b[0]]
    xz03 = b + [[30.60, 14.70], [30.00, 14.70]] + [b[0]]
    doc = example()
    for feature, ring in zip(doc["features"], (xz01, xz02, xz03), strict=True):
        feature["geometry"] = {"type": "Polygon", "coordinates": [ring]}
    return doc
