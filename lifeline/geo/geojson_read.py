"""Read an admin-boundaries GeoJSON (the form of OCHA's COD-AB files on HDX) one feature at a time.

The file is streamed (ijson), so memory holds one feature, never the whole collection: a country's
admin-2 file at full resolution runs to hundreds of megabytes. Every fault is one :class:`BadFile`
line naming the file, the feature's index (0-based, as in the ``features`` array), the property and
what was expected; nothing is stored before the whole file has been read once and found sound.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ijson
import numpy as np

from lifeline.errors import BadFile
from lifeline.ingest.json_errors import bad_json

MAX_BYTES = 512 * 1024 * 1024  # OCHA's largest COD-AB admin-2 GeoJSON files are ~200 MB
MAX_FEATURES = 50_000  # admin-3 of the largest countries has ~10,000 areas
MAX_FEATURE_VERTICES = 1_000_000  # one area's rings: ~0.5 GB parsed (bench/contexts.py); COD-AB areas far fewer

# COD-AB names the p-code of each level ADM0_PCODE ... ADM4_PCODE (newer files in lower case); the
# feature's own code is the deepest one it carries.
PCODE_PROPERTY = re.compile(r"^adm(\d)_pcode$", re.IGNORECASE)
OTHER_CODE_PROPERTIES = ("pcode", "p_code", "code")
WGS84_NAMES = ("crs84", "epsg::4326", "epsg:4326", "wgs84", "wgs 84")
# The names COD-AB files give an area of level n (ADM2_EN, ADM2_AR, ADM2_REF, ADM2ALT1EN; newer files
# adm2_name, adm2_name1...), used to match areas whose p-codes the context does not know.
NAME_PROPERTY = r"^adm{n}_?(?:alt\d*)?_?(?:en|ar|fr|es|ref|name\d*)$"
OTHER_NAME_PROPERTY = re.compile(r"^(?:name|name_[a-z]{2}|nom)$", re.IGNORECASE)


@dataclass(frozen=True)
class Feature:
    index: int
    code_property: str
    pcode: str
    geometry: dict[str, Any]  # {"type": "Polygon" | "MultiPolygon", "coordinates": [...]}
    vertices: int
    bounds: tuple[float, float, float, float]  # west, south, east, north
    names: tuple[str, ...] = ()  # the area's names (English, Arabic...), for matching by name
    parent_names: tuple[str, ...] = ()  # the names of the level above, where the file gives them
    source: str | None = None  # the feature's own ``source`` property, where it has one


@dataclass
class Survey:
    """What one pass over the file found: the p-codes in order, vertex count and extent."""

    code_property: str
    codes: list[str]
    vertices: int
    bounds: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    names: list[tuple[str, ...]] = field(default_factory=list)  # each feature's names, in the order of codes
    parent_names: list[tuple[str, ...]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # distinct ``source`` properties, in file order


def fault(path: Path, index: int | None, prop: str, expected: str, found: Any = None) -> BadFile:
    where = f"feature {index}, property {prop!r}" if index is not None else f"property {prop!r}"
    seen = "" if found is None else f", found {_show(found)}"
    return BadFile(f"{where}: expected {expected}{seen}", file=str(path))


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_file(path: Path) -> None:
    """The whole-file checks: exists, size, a FeatureCollection in WGS 84."""
    if not path.is_file():
        raise BadFile("expected a GeoJSON file, found no such file", file=str(path))
    size = path.stat().st_size
    if size == 0:
        raise BadFile("expected a GeoJSON FeatureCollection, the file is empty", file=str(path))
    if size > MAX_BYTES:
        raise BadFile(f"expected at most {MAX_BYTES // 2**20} MB, the file has {size / 2**20:.0f} MB", file=str(path))
    kind, crs = _head(path)
    if kind is None:  # a writer that puts "type" after "features": look for it through the whole file
        kind = _first(path, "type")
    if kind != "FeatureCollection":
        raise fault(path, None, "type", "'FeatureCollection' (an admin boundaries GeoJSON)", kind)
    if crs is not None and not any(n in str(crs).lower() for n in WGS84_NAMES):
        raise fault(path, None, "crs", "WGS 84 longitude/latitude (EPSG:4326 / CRS84); reproject the file first", crs)


def _head(path: Path) -> tuple[Any, Any]:
    """The top-level ``type`` and ``crs`` name, read up to the ``features`` key only (writers put them first),
    so the header costs nothing against a pass over the features. A crs after the features is not seen;
    projected coordinates are still refused by the range check of each position."""
    kind = crs = None
    with path.open("rb") as f:
        try:
            for prefix, event, value in ijson.parse(f, use_float=True):
                if prefix == "" and event == "map_key" and value == "features":
                    break
                if prefix == "type" and event == "string":
                    kind = value
                elif prefix == "crs.properties.name" and event == "string":
                    crs = value
                elif prefix == "" and event in ("start_array", "string", "number", "boolean", "null"):
                    break  # not an object at the top: the type check says so
        except ijson.JSONError as exc:
            raise BadFile(bad_json(path, exc), file=str(path)) from None
    return kind, crs


def _first(path: Path, prefix: str) -> Any:
    """The first value at ``prefix`` (writers put ``type`` and ``crs`` before ``features``: found at once)."""
    with path.open("rb") as f:
        try:
            return next(iter(ijson.items(f, prefix, use_float=True)), None)
        except ijson.JSONError as exc:
            raise BadFile(bad_json(path, exc), file=str(path)) from None


def features(path: Path, code_property: str | None) -> Iterator[Feature]:
    """Each feature, checked: an object with a Polygon or MultiPolygon geometry and a p-code."""
    prop = code_property
    with path.open("rb") as f:
        stream = ijson.items(f, "features.item", use_float=True)
        index = -1
        try:
            for index, raw in enumerate(stream):
                if index >= MAX_FEATURES:
                    raise fault(path, index, "features", f"at most {MAX_FEATURES:,} features")
                if not isinstance(raw, dict):
                    raise fault(path, index, "features", "a GeoJSON Feature object", type(raw).__name__)
                props = raw.get("properties")
                if not isinstance(props, dict):
                    raise fault(path, index, "properties", "an object holding the p-code")
                if prop is None:
                    prop = guess_code_property(path, index, props)
                pcode = _pcode(path, index, prop, props)
                geometry, vertices, bounds = _geometry(path, index, raw.get("geometry"))
                names, parents = names_of(prop, props)
                yield Feature(index, prop, pcode, geometry, vertices, bounds, names, parents, _source_of(props))
                del raw, props, geometry  # hold one area at a time, not this one while the next is parsed
        except ijson.JSONError as exc:
            raise BadFile(bad_json(path, exc, f" after feature {index}"), file=str(path)) from None
    if index < 0:
        raise fault(path, None, "features", "at least one feature")


SOURCE_PROPERTIES = ("source", "publisher")  # a feature's citation, in any case (COD-AB files carry none)


def _source_of(props: dict[str, Any]) -> str | None:
    for key, value in props.items():
        if str(key).lower() in SOURCE_PROPERTIES and isinstance(value, str) and value.strip():
            return value.strip()
    return None


def guess_code_property(path: Path, index: int, props: dict[str, Any]) -> str:
    """The deepest ADMn_PCODE of the first feature, else pcode / code; else the user must name it."""
    levels = sorted((int(m.group(1)), k) for k in props if (m := PCODE_PROPERTY.match(k)))
    if levels:
        return levels[-1][1]
    for k in props:
        if k.lower() in OTHER_CODE_PROPERTIES:
            return k
    raise fault(path, index, "ADMn_PCODE", "a p-code property (ADM1_PCODE, ADM2_PCODE..., pcode or code); "
                "name it with --code-property", sorted(props)[:6])


def names_of(code_property: str, props: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The feature's own names and its parent's: ADMn_* beside an ADMn_PCODE, else name / name_xx."""
    level = PCODE_PROPERTY.match(code_property)
    if level is None:
        own, parent = OTHER_NAME_PROPERTY, None
    else:
        n = int(level.group(1))
        own = re.compile(NAME_PROPERTY.format(n=n), re.IGNORECASE)
        parent = re.compile(NAME_PROPERTY.format(n=n - 1), re.IGNORECASE) if n > 0 else None

    def texts(pattern: re.Pattern[str] | None) -> tuple[str, ...]:
        if pattern is None:
            return ()
        return tuple(str(v).strip() for k, v in props.items() if pattern.match(k) and isinstance(v, str) and v.strip())

    return texts(own), texts(parent)


def _pcode(path: Path, index: int, prop: str, props: dict[str, Any]) -> str:
    value = props.get(prop)
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise fault(path, index, prop, "a p-code (text)", value)
    return str(value).strip()


def _geometry(path: Path, index: int, geometry: Any) -> tuple[dict[str, Any], int, Bounds]:
    if geometry is None:  # GeoJSON allows a feature without a location; an admin area needs its shape
        raise fault(path, index, "geometry", "a Polygon or MultiPolygon, found null (the feature has no geometry)")
    if not isinstance(geometry, dict):
        raise fault(path, index, "geometry", "a Polygon or MultiPolygon", geometry)
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise fault(path, index, "geometry", "a Polygon or MultiPolygon (admin areas, not points or lines)", kind)
    coords = geometry.get("coordinates")
    polygons = [coords] if kind == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons:
        raise fault(path, index, "geometry", f"the coordinates of a {kind}")
    vertices, bounds = 0, EMPTY
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise fault(path, index, "geometry", "a polygon as a list of rings")
        for ring in polygon:
            count, extent = _ring(path, index, ring)
            vertices, bounds = vertices + count, _union(bounds, extent)
            if vertices > MAX_FEATURE_VERTICES:
                raise fault(path, index, "geometry", f"at most {MAX_FEATURE_VERTICES:,} vertices in one area")
    return {"type": kind, "coordinates": coords}, vertices, bounds


Bounds = tuple[float, float, float, float]  # west, south, east, north


def _ring(path: Path, index: int, ring: Any) -> tuple[int, Bounds]:
    """A ring's vertex count and extent, checked as one array (a surveyed ring has 10⁵–10⁶ positions);
    a ring the array cannot hold (text, ragged positions) is walked position by position to name the fault."""
    if not isinstance(ring, list) or len(ring) < 4:
        raise fault(path, index, "geometry", "a linear ring of at least 4 positions")
    try:
        xy = np.array(ring)
    except (ValueError, TypeError):
        xy = None
    if xy is None or xy.ndim != 2 or xy.shape[1] < 2 or xy.dtype.kind not in "fiu":
        _walk(path, index, ring)  # raises with the position at fault, unless the ring is only irregular
        xy = np.array([p[:2] for p in ring], dtype=float)
    lon, lat = xy[:, 0].astype(float), xy[:, 1].astype(float)
    bad = ~(np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90))
    if bad.any():
        first = int(np.argmax(bad))
        raise fault(path, index, "geometry", "longitude -180..180 and latitude -90..90 (WGS 84 degrees; "
                    "a projected file must be reprojected first)", [float(lon[first]), float(lat[first])])
    if lon[0] != lon[-1] or lat[0] != lat[-1]:
        raise fault(path, index, "geometry", "a closed ring (its last position equal to its first)")
    return len(ring), (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))


def _walk(path: Path, index: int, ring: list[Any]) -> None:
    for position in ring:
        if (not isinstance(position, list) or len(position) < 2
                or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in position[:2])):
            raise fault(path, index, "geometry", "positions [longitude, latitude]", position)


def _union(a: Bounds, b: Bounds) -> Bounds:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


EMPTY: Bounds = (math.inf, math.inf, -math.inf, -math.inf)


def survey(path: Path, code_property: str | None) -> Survey:
    """One checked pass over the file: its p-codes (each once), vertices and extent, in bounded memory."""
    check_file(path)
    codes: list[str] = []
    found_names: list[tuple[str, ...]] = []
    found_parents: list[tuple[str, ...]] = []
    first: dict[str, int] = {}
    vertices = 0
    bounds = EMPTY
    prop = code_property or ""
    sources: list[str] = []
    for feat in features(path, code_property):
        prop = feat.code_property
        if feat.source and feat.source not in sources and len(sources) < 10:
            sources.append(feat.source)
        if feat.pcode in first:
            raise fault(path, feat.index, prop, f"each p-code once, {feat.pcode!r} is also feature {first[feat.pcode]}")
        first[feat.pcode] = feat.index
        codes.append(feat.pcode)
        found_names.append(feat.names)
        found_parents.append(feat.parent_names)
        vertices += feat.vertices
        bounds = _union(bounds, feat.bounds)
        del feat
    return Survey(prop, codes, vertices, bounds, found_names, found_parents, sources)
