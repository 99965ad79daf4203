"""Imported admin boundaries: the worked example's file stored and drawn (SQLite and PostgreSQL), every bad
file refused with one line and nothing written, unknown p-codes reported, large outlines simplified."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from shapely.geometry import Point, shape
from sqlalchemy import Engine, func, select

from lifeline.errors import UserError
from lifeline.geo import boundaries, drawing
from lifeline.model import contexts
from lifeline.store import schema
from lifeline.store.tables_geo import boundary_sets
from tests.contexts.boundaries_files import BOUNDARIES, edited, example, polygons_of, wiggly_districts, write
from tests.contexts.conftest import Ran, set_up_example


@pytest.fixture
def zarqa(sqlite_store: Engine) -> Engine:
    set_up_example(sqlite_store)
    return sqlite_store


def test_example_boundaries_are_stored_and_drawn(store: Engine) -> None:
    set_up_example(store)
    report = boundaries.import_boundaries(store, BOUNDARIES, publisher="Lifeline worked example (fictional)")
    assert (report.context, report.level, report.stored, report.code_property) == ("XZ", 1, 3, "ADM1_PCODE")
    assert report.unmatched == [] and report.missing == [] and not report.replaced
    with store.connect() as conn:
        ctx = contexts.resolve(conn, "XZ")
        drawn = drawing.drawing(conn, ctx, 520, 560, 24)
    assert drawn.basis == "boundaries" and drawn.level == 1
    assert {a.code for a in drawn.areas} == {"XZ01", "XZ02", "XZ03"}
    assert {p.code: (p.lat, p.lon) for p in drawn.points} == {"north-gate": (15.10, 30.20),
                                                              "river-port": (14.90, 30.40)}
    assert drawn.sources[0]["publisher"] == "Lifeline worked example (fictional)"
    outline = {a.code: polygons_of(a.d) for a in drawn.areas}
    assert len(outline["XZ03"]) == 2  # the MultiPolygon's island is its own ring
    # each entry point falls inside the district it belongs to, once projected
    gate, port = drawn.point("north-gate"), drawn.point("river-port")
    assert gate and port
    assert outline["XZ01"][0].contains(Point(gate.x, gate.y))
    assert outline["XZ03"][0].contains(Point(port.x, port.y))
    # north is up; every label inside its outline; the drawing fills the box within its margin
    labels = {a.code: a for a in drawn.areas}
    assert labels["XZ01"].y < labels["XZ02"].y < labels["XZ03"].y
    assert all(any(p.contains(Point(a.x, a.y)) for p in outline[a.code]) for a in drawn.areas)
    xs = [x for ps in outline.values() for p in ps for x, _ in p.exterior.coords]
    ys = [y for ps in outline.values() for p in ps for _, y in p.exterior.coords]
    assert 24 - 0.1 <= min(xs) and max(xs) <= 520 - 24 + 0.1 and 24 - 0.1 <= min(ys) and max(ys) <= 560 - 24 + 0.1
    assert max(ys) - min(ys) == pytest.approx(560 - 48, abs=0.2)  # taller than wide: the height binds
    # true proportions: 0.6° of longitude at 14.98°N (the middle latitude) is 0.6 × cos 14.98° = 0.5796° of
    # latitude's length; the valley spans 0.68° of latitude (14.64°N, the island, to 15.32°N)
    width_over_height = (max(xs) - min(xs)) / (max(ys) - min(ys))
    assert width_over_height == pytest.approx(0.6 * 0.96602 / 0.68, rel=0.002)


def test_context_is_found_from_the_pcodes_and_a_new_import_replaces(two_contexts_copy: Engine) -> None:
    first = boundaries.import_boundaries(two_contexts_copy, BOUNDARIES)
    again = boundaries.import_boundaries(two_contexts_copy, BOUNDARIES)
    assert first.context == again.context == "XZ" and again.replaced
    with two_contexts_copy.connect() as conn:
        assert conn.execute(select(func.count()).select_from(boundary_sets)).scalar() == 1
        assert [s["areas"] for s in boundaries.sets(conn)] == [3]
        gaza = drawing.drawing(conn, contexts.resolve(conn, "gaza-strip"))
    assert gaza.basis == "schematic" and len(gaza.areas) == 5  # Gaza without boundaries: its schematic


@pytest.fixture
def two_contexts_copy(sqlite_store: Engine, tmp_path: Path) -> Engine:
    from lifeline.ingest.service import import_file
    from lifeline.reference.load import load_all
    from tests.contexts.conftest import GAZA_DELIVERIES

    load_all(sqlite_store)
    gaza = write(tmp_path / "gaza-deliveries.csv", GAZA_DELIVERIES)
    import_file(sqlite_store, gaza)
    set_up_example(sqlite_store)
    return sqlite_store


def test_unknown_pcodes_are_reported_and_areas_without_outline_listed(zarqa: Engine, tmp_path: Path,
                                                                      lifeline: Callable[..., Ran]) -> None:
    doc = example()
    doc["features"][2]["properties"] = {"ADM1_PCODE": "XZ09", "ADM1_EN": "Far Zarqa"}  # a name of no place either
    path = write(tmp_path / "partial.geojson", doc)
    ran = lifeline(zarqa, "boundaries", "import", str(path))
    assert ran.returncode == 0, ran.stderr
    assert "2 of 3 areas stored for context XZ" in ran.stdout
    assert "p-codes that are no place of XZ: XZ09" in ran.stdout
    assert "without an outline: XZ03" in ran.stdout
    with zarqa.connect() as conn:
        drawn = drawing.drawing(conn, contexts.resolve(conn, "XZ"))
        [listed] = boundaries.sets(conn)
    assert {a.code for a in drawn.areas} == {"XZ01", "XZ02"}
    assert any("XZ03" in n for n in drawn.notes)
    assert listed["unmatched"] == 1 and listed["areas"] == 2


def test_pcodes_match_aliases_and_any_case(zarqa: Engine, tmp_path: Path) -> None:
    doc = example()
    for feature in doc["features"]:
        feature["properties"] = {"pcode": feature["properties"]["ADM1_PCODE"].lower()}
    report = boundaries.import_boundaries(zarqa, write(tmp_path / "lower.geojson", doc))
    assert report.stored == 3 and report.code_property == "pcode"


def test_a_named_code_property_is_used(zarqa: Engine, tmp_path: Path) -> None:
    doc = example()
    for feature in doc["features"]:
        feature["properties"] = {"district_id": feature["properties"]["ADM1_PCODE"], "ADM0_PCODE": "XZ"}
    report = boundaries.import_boundaries(zarqa, write(tmp_path / "named.geojson", doc), code_property="district_id")
    assert report.stored == 3


SQUARE = {"type": "Polygon", "coordinates": [[[30.0, 15.0], [30.1, 15.0], [30.1, 15.1], [30.0, 15.0]]]}
BAD = {
    "not-json": ("{not json", "expected valid JSON"),
    "not-a-collection": ({"type": "Feature", "geometry": SQUARE, "properties": {}}, "property 'type': expected "
                         "'FeatureCollection'"),
    "no-features": ({"type": "FeatureCollection", "features": []}, "property 'features': expected at least one"),
    "projected-crs": ({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:3857"}},
                       "features": []}, "property 'crs': expected WGS 84"),
    "point": (edited(f1_geometry={"type": "Point", "coordinates": [30.2, 15.1]}),
              "feature 1, property 'geometry': expected a Polygon or MultiPolygon"),
    "no-pcode": (edited(f2_props={"ADM1_EN": "Lower Zarqa"}), "feature 2, property 'ADM1_PCODE': expected a p-code"),
    "duplicate": (edited(f2_props={"ADM1_PCODE": "XZ01"}),
                  "feature 2, property 'ADM1_PCODE': expected each p-code once, 'XZ01' is also feature 0"),
    "open-ring": (edited(f0_geometry={"type": "Polygon", "coordinates": [[[30.0, 15.0], [30.1, 15.0], [30.1, 15.1],
                                                                           [30.0, 15.1]]]}),
                  "feature 0, property 'geometry': expected a closed ring"),
    "metres": (edited(f1_geometry={"type": "Polygon", "coordinates": [[[3339584.7, 1689200.1], [3e6, 1.6e6],
                                                                        [3.1e6, 1.6e6], [3339584.7, 1689200.1]]]}),
               "feature 1, property 'geometry': expected longitude -180..180"),
    "unknown-pcodes": (edited(f0_props={"ADM1_PCODE": "YY01"}, f1_props={"ADM1_PCODE": "YY02"},
                              f2_props={"ADM1_PCODE": "YY03"}),
                       "feature 0, property 'ADM1_PCODE': expected p-codes of the places of a context"),
    "entry-point": (edited(f1_props={"ADM1_PCODE": "river-port"}),
                    "feature 1, property 'ADM1_PCODE': expected the p-code of an admin area"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_file_is_one_line_exit_2_and_nothing_written(zarqa: Engine, tmp_path: Path, case: str,
                                                           lifeline: Callable[..., Ran]) -> None:
    doc, expected = BAD[case]
    path = write(tmp_path / f"{case}.geojson", doc)
    with zarqa.connect() as conn:
        sources_before = conn.execute(select(func.count()).select_from(schema.sources)).scalar()
    ran = lifeline(zarqa, "boundaries", "import", str(path))
    assert ran.returncode == 2
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in ran.stderr, ran.stderr
    assert f"{case}.geojson" in lines[0] and expected in lines[0], lines[0]
    with zarqa.connect() as conn:
        assert conn.execute(select(func.count()).select_from(boundary_sets)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(schema.sources)).scalar() == sources_before


def test_a_named_property_absent_is_named(zarqa: Engine, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="feature 0, property 'district_id': expected a p-code"):
        boundaries.import_boundaries(zarqa, BOUNDARIES, code_property="district_id")


def test_an_unknown_context_is_refused(zarqa: Engine) -> None:
    with pytest.raises(UserError, match="unknown context 'XX'"):
        boundaries.import_boundaries(zarqa, BOUNDARIES, context="XX")


def test_large_outlines_are_simplified_for_display(zarqa: Engine, tmp_path: Path) -> None:
    doc = wiggly_districts(20_000)
    path = write(tmp_path / "surveyed.geojson", doc)
    report = boundaries.import_boundaries(zarqa, path)
    assert report.vertices_read > 80_000
    assert report.vertices_kept < report.vertices_read / 20
    with zarqa.connect() as conn:
        kept = boundaries.stored(conn, "XZ")
    assert kept is not None
    for feature in doc["features"]:
        code = feature["properties"]["ADM1_PCODE"]
        full, small = shape(feature["geometry"]), shape(kept.shapes[code])
        assert small.is_valid
        assert small.area == pytest.approx(full.area, rel=0.01)  # the outline is the same at display detail
        assert full.symmetric_difference(small).area < 0.01 * full.area
    json.dumps(kept.shapes)  # stored as plain GeoJSON


def test_sitrep_map_draws_the_context_boundaries(zarqa: Engine) -> None:
    from datetime import date

    from lifeline.report.build import build

    with zarqa.connect() as conn:
        before = build(conn, date(2025, 3, 1), date(2025, 3, 30), runs=1)
    boundaries.import_boundaries(zarqa, BOUNDARIES)
    with zarqa.connect() as conn:
        after = build(conn, date(2025, 3, 1), date(2025, 3, 30), runs=1)
    # without boundaries: the entry points alone, at their coordinates; with them, the three districts too
    assert 'data-basis="points"' in before.map_svg and "<path" not in before.map_svg
    assert 'data-basis="boundaries"' in after.map_svg and after.map_svg.count("<path") == 3
    assert after.map_svg.count("<circle") == 2 and "River Port" in after.map_svg
    assert "XZ0" not in after.map_svg  # names, never codes


def test_context_init_imports_the_folder_boundaries_after_its_places(sqlite_store: Engine,
                                                                     lifeline: Callable[..., Ran]) -> None:
    from tests.contexts.conftest import EXAMPLE

    ran = lifeline(sqlite_store, "context", "init", str(EXAMPLE))
    assert ran.returncode == 0, ran.stderr
    assert "5-boundaries.geojson: 3 of 3 areas stored for context XZ (level 1" in ran.stdout
    listed = lifeline(sqlite_store, "boundaries", "list", "--format", "json")
    assert [(r["context"], r["level"], r["areas"]) for r in json.loads(listed.stdout)["rows"]] == [("XZ", 1, 3)]


def test_a_kept_drawing_follows_a_new_import_and_moved_coordinates(zarqa: Engine, tmp_path: Path) -> None:
    from sqlalchemy import update

    boundaries.import_boundaries(zarqa, BOUNDARIES)
    with zarqa.connect() as conn:
        first = drawing.drawing(conn, contexts.resolve(conn, "XZ"))
        first.notes.append("a face's own note")  # the caller's copy: the kept drawing is not changed
        again = drawing.drawing(conn, contexts.resolve(conn, "XZ"))
    assert again.areas == first.areas and "a face's own note" not in again.notes
    doc = example()
    doc["features"] = doc["features"][:2]
    boundaries.import_boundaries(zarqa, write(tmp_path / "two.geojson", doc))
    with zarqa.begin() as conn:
        conn.execute(update(schema.locations).where(schema.locations.c.code == "north-gate").values(lat=15.2))
    with zarqa.connect() as conn:
        after = drawing.drawing(conn, contexts.resolve(conn, "XZ"))
    assert {a.code for a in after.areas} == {"XZ01", "XZ02"}
    gate = after.point("north-gate")
    assert gate is not None and gate.lat == 15.2


def _broken(tmp_path: Path, name: str, damage: Callable[[bytes], tuple[bytes, int]]) -> tuple[Path, int]:
    """The example boundaries written one feature per line, damaged; (path, byte offset of the fault)."""
    doc = example()
    text = ('{"type": "FeatureCollection", "features": [\n'
            + ",\n".join(json.dumps(f) for f in doc["features"]) + "\n]}\n").encode()
    data, offset = damage(text)
    path = tmp_path / name
    path.write_bytes(data)
    return path, offset


def _cut(text: bytes) -> tuple[bytes, int]:
    at = text.index(b"30.", len(text) // 2)  # inside a coordinate of a later feature: a truncated download
    return text[:at], at


def _stray(text: bytes) -> tuple[bytes, int]:
    at = text.index(b"]]", len(text) // 2) + 1  # a ring's positions, then a character no JSON allows
    return text[:at] + b" @" + text[at:], at + 1


def _missing_comma(text: bytes) -> tuple[bytes, int]:
    at = text.index(b"}},\n") + 2  # the comma between two features dropped
    return text[:at] + text[at + 1:], at


@pytest.mark.parametrize("damage", [_cut, _stray, _missing_comma], ids=["truncated", "stray-character", "no-comma"])
def test_broken_json_names_byte_line_and_column(zarqa: Engine, tmp_path: Path, lifeline: Callable[..., Ran],
                                                damage: Callable[[bytes], tuple[bytes, int]]) -> None:
    """Every class of broken JSON: one line naming the byte offset and the line and column of the fault
    (the byte the parser stopped at: exact for a cut file, at most the next token for a malformed one)."""
    import re

    path, offset = _broken(tmp_path, "districts.geojson", damage)
    ran = lifeline(zarqa, "boundaries", "import", str(path))
    lines = ran.stderr.strip().splitlines()
    assert ran.returncode == 2 and len(lines) == 1 and "Traceback" not in ran.stderr, ran.stderr
    found = re.search(r"at byte ([\d,]*\d) \(line ([\d,]*\d), column ([\d,]*\d)", lines[0])
    assert found and "districts.geojson" in lines[0], lines[0]
    at, at_line, at_column = (int(g.replace(",", "")) for g in found.groups())
    assert offset <= at <= offset + 2, (lines[0], offset)
    data = path.read_bytes()
    assert (at_line, at_column) == (data.count(b"\n", 0, at) + 1, at - data.rfind(b"\n", 0, at)), lines[0]
    if damage is _cut:
        assert at == path.stat().st_size and "ends before the JSON does" in lines[0]
    with zarqa.connect() as conn:
        assert conn.execute(select(func.count()).select_from(boundary_sets)).scalar() == 0
