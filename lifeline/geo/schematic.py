"""Gaza's shipped schematic (``data/gaza-schematic.geojson``): governorates as ordered bands along the strip,
not boundaries, and crossings at public, approximate or schematic positions. The map falls back to it for
Gaza's places when no boundaries were imported."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

GEOJSON = Path(__file__).with_name("data") / "gaza-schematic.geojson"
SOURCE = {"publisher": "Lifeline",
          "title": "Schematic map of the Gaza Strip (lifeline/geo/data/gaza-schematic.geojson), built from the "
                   "coordinates in the project's domain reference; governorates are bands, not boundaries"}


@dataclass(frozen=True)
class Feature:
    code: str
    kind: str  # governorate | crossing
    name_en: str
    name_ar: str
    position: str  # public | approximate | schematic
    geometry: dict[str, Any]


@lru_cache(maxsize=1)
def features() -> tuple[Feature, ...]:
    doc = json.loads(GEOJSON.read_text(encoding="utf-8"))
    return tuple(Feature(f["properties"]["code"], f["properties"]["type"], f["properties"]["name_en"],
                         f["properties"]["name_ar"], f["properties"]["position"], f["geometry"])
                 for f in doc["features"])


def codes() -> frozenset[str]:
    return frozenset(f.code for f in features())
