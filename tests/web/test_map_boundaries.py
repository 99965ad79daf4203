"""The map page draws a context's imported boundaries and its entry points at their recorded coordinates,
for any context, and Gaza's schematic when Gaza has no boundaries imported."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from lifeline.geo import boundaries, schematic
from tests.contexts.conftest import EXAMPLE, GAZA_MARKS, ZARQA_MARKS, set_up_example
from tests.web.helpers import Served, serve

ZARQA, GAZA = "context=XZ", "context=gaza-strip"


@pytest.fixture(scope="module")
def served_maps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Gaza's reference set beside the worked example, whose boundaries are imported (Gaza's are not)."""
    from lifeline.reference.load import load_all
    from lifeline.store.engine import open_store

    folder = tmp_path_factory.mktemp("maps")
    engine = open_store(f"sqlite:///{folder / 'lifeline.db'}")
    load_all(engine)
    set_up_example(engine)
    boundaries.import_boundaries(engine, EXAMPLE / "5-boundaries.geojson",
                                 publisher="Lifeline worked example (fictional)")
    s = serve(engine, folder, data=False)
    yield s
    s.client.close()
    engine.dispose()


def _svg(html: str) -> str:
    return re.findall(r'<svg class="map".*?</svg>', html, flags=re.S)[0]


def test_zarqa_map_draws_its_imported_districts_and_entry_points(served_maps: Served) -> None:
    html = served_maps.client.get(f"/map?{ZARQA}").text
    svg = _svg(html)
    assert 'data-basis="boundaries"' in svg
    assert re.findall(r'<path class="area district" data-code="(\w+)"', svg) == ["XZ01", "XZ02", "XZ03"]
    assert re.findall(r'<g class="entry-point (\w+)" data-code="([\w-]+)"', svg) == [
        ("crossing", "north-gate"), ("port", "river-port")]
    # River Port reported closed on 20 March: the last day with data shows it closed
    assert re.search(r'data-code="river-port" data-status="closed"', svg)
    assert "Upper Zarqa" in svg and "Lifeline worked example (fictional)" in html  # the boundaries' source
    assert "admin level 1" in html
    assert not [m for m in GAZA_MARKS if m in html.split("<main", 1)[-1]]


def test_zarqa_map_in_arabic(served_maps: Served) -> None:
    svg = _svg(served_maps.client.get(f"/map?{ZARQA}&lang=ar").text)
    assert "الزرقاء العليا" in svg and "ميناء النهر" in svg


def test_gaza_without_boundaries_falls_back_to_its_schematic(served_maps: Served) -> None:
    html = served_maps.client.get(f"/map?{GAZA}").text
    svg = _svg(html)
    assert 'data-basis="schematic"' in svg
    assert len(re.findall(r'<path class="area governorate"', svg)) == 5
    assert "Schematic map" in html
    assert not [m for m in ZARQA_MARKS if m in html.split("<main", 1)[-1]]


def test_gaza_with_imported_boundaries(served_maps: Served, tmp_path: Path) -> None:
    """Outlines keyed by the governorates' codes replace the schematic; crossings are drawn at the coordinates
    of the reference set, and those it has none for are named as not drawn."""
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ADM1_PCODE": f.code}, "geometry": f.geometry}
        for f in schematic.features() if f.kind == "governorate"]}
    path = tmp_path / "gaza-adm1.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    report = boundaries.import_boundaries(served_maps.engine, path, publisher="test outlines")
    assert (report.context, report.stored, report.missing) == ("gaza-strip", 5, [])
    try:
        html = served_maps.client.get(f"/map?{GAZA}").text
        svg = _svg(html)
        assert 'data-basis="boundaries"' in svg and "Schematic map" not in html
        drawn = set(re.findall(r'<g class="entry-point \S+" data-code="([\w-]+)"', svg))
        assert drawn == {"kerem-shalom", "rafah", "erez", "western-erez"}  # the four with coordinates
        # named as the page names places (the note's codes as names)
        assert "entry points without coordinates, not drawn: Airdrops, Gate 96, JLOTS floating pier, Kissufim" in html
        zarqa = _svg(served_maps.client.get(f"/map?{ZARQA}").text)
        assert "PS-" not in zarqa and "XZ01" in zarqa
    finally:
        from sqlalchemy import delete

        from lifeline.store.tables_geo import boundaries as shapes
        from lifeline.store.tables_geo import boundary_sets

        with served_maps.engine.begin() as conn:  # the module's store goes back to Gaza without boundaries
            ids = [r.id for r in conn.execute(boundary_sets.select().where(boundary_sets.c.context == "gaza-strip"))]
            conn.execute(delete(shapes).where(shapes.c.set_id.in_(ids)))
            conn.execute(delete(boundary_sets).where(boundary_sets.c.id.in_(ids)))


