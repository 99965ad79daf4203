"""Insecurity Insight incidents and gazamaps evacuation orders: real files counted exactly, messy rows
kept and explained, bad rows rejected with row and column, bad files refused with the store untouched;
and every file of ``../shared/data`` through ``lifeline import`` into one store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from lifeline.ingest.service import import_file
from lifeline.model.series import series_table
from lifeline.store import schema
from tests.cli import helpers
from tests.cli.helpers import invoke_cli, snapshot
from tests.conftest import shared_file

fresh_store = helpers.fresh_store  # fixture: a fresh store on SQLite and on a private PostgreSQL database
store_url = helpers.store_url

FIVC = "insecurityinsight-fivc-gaza.csv"
ORDERS = "gazamaps-idf-displacement-orders.json"
II_HEADER = (
    "ID,Date,Country ,Admin 1,Admin 2,Location,Reported Perpetrator Name,Reported Means of Action,"
    "Object Affected,Sub-Object Affected,Latitude,Longitude,Geo-Precision,,\n"
)


def _incident(i: str, day: str = "5/6/2024", admin2: str = "Rafah", lat: str = "31.29", lon: str = "34.25") -> str:
    return (
        f'"{i}",{day},oPt,Gaza Strip,{admin2},Tal as Sultan,Reported party,Shelling,Food Supply Chains,Bakery,'
        f"{lat},{lon},[1] Exact,,\n"
    )


def _observations(engine: Engine, indicator: str) -> list[dict[str, Any]]:
    o = schema.observations
    with engine.connect() as conn:
        rows = conn.execute(select(o).where(o.c.indicator == indicator).order_by(o.c.row_number)).mappings().all()
    return [dict(r) for r in rows]


def test_fivc_incidents_are_counted_placed_and_explained(fresh_store: Engine) -> None:
    report = import_file(fresh_store, shared_file(FIVC))
    assert report.kind == "insecurity-insight"
    # 810 blank lines are not rows
    assert (report.rows_read, report.rows_imported, report.rows_rejected) == (284, 284, 0)
    rows = _observations(fresh_store, "food_system_incidents")
    by_place: dict[str, int] = {}
    for r in rows:
        by_place[r["location"]] = by_place.get(r["location"], 0) + 1
    assert by_place == {"PS-DEB": 78, "PS-GZA": 69, "PS-KYS": 44, "PS-NGZ": 26, "PS-RFH": 61, "gaza-strip": 6}
    by_id = {r["source_row_id"]: r for r in rows}
    assert by_id["3237"]["date"] == date(2023, 10, 28)
    assert by_id["3237"]["note"] == "date written day-month-year (28-10-2023)"
    assert by_id["3070"]["date"] == date(2023, 12, 3)  # 12/3/2023: month first, as the publisher writes
    assert "coordinates (31.45, 31.45) fall outside the Gaza Strip" in by_id["3075"]["note"]
    details = json.loads(by_id["3075"]["disaggregation"])
    assert (details["latitude"], details["longitude"], details["sub_object"]) == ("31.45", "31.45", "Bakery")
    assert by_id["3075"]["row_number"] == 7  # the file's own line, blank lines counted
    again = import_file(fresh_store, shared_file(FIVC))
    assert (again.status, again.rows_unchanged) == ("unchanged", 284)


def test_several_incidents_on_one_day_are_counted_in_the_series(fresh_store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "insecurityinsight-fivc-gaza-20240601.csv"
    path.write_text(II_HEADER + _incident("1") + _incident("2") + _incident("3", admin2="Khan Younis"))
    import_file(fresh_store, path)
    with fresh_store.connect() as conn:
        table = series_table(conn, "food_system_incidents")
    rafah = next(r for r in table.rows if r["location"] == "PS-RFH")
    assert rafah["value:Insecurity Insight"] == 2
    assert "2 incidents on this date" in rafah["note"]
    assert next(r for r in table.rows if r["location"] == "PS-KYS")["value:Insecurity Insight"] == 1


def test_messy_incident_rows_are_rejected_or_noted_with_row_and_column(fresh_store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "insecurityinsight-aid-security-20240601.csv"
    body = [
        _incident("1,001"),
        _incident("1,002", day="31/2/2024"),  # not a date in any accepted spelling
        "\n",
        _incident("", day="5/7/2024"),  # no id
        _incident("1,004", admin2="Atlantis"),  # unknown governorate: kept in the Strip, named
        _incident("1,001"),  # a repeated id
    ]
    path.write_text(II_HEADER + "".join(body))
    report = import_file(fresh_store, path)
    assert (report.rows_read, report.rows_imported, report.rows_rejected) == (5, 3, 2)
    assert report.rejections == [
        {"row": 3, "column": "Date", "reason": "expected a date (month/day/year such as '12/3/2023'), found 31/2/2024"},
        {"row": 5, "column": "ID", "reason": "expected the incident's ID, found nothing"},
    ]
    rows = {r["source_row_id"]: r for r in _observations(fresh_store, "incidents")}  # not FIVC: generic indicator
    assert set(rows) == {"1001", "1004", "1001#2"}
    assert rows["1004"]["location"] == "gaza-strip"
    assert rows["1004"]["note"] == "Admin 2 'Atlantis' is no governorate Lifeline knows; placed in the Strip"


def test_gazamaps_orders_are_cited_and_summed_per_day(fresh_store: Engine) -> None:
    report = import_file(fresh_store, shared_file(ORDERS))
    assert report.kind == "gazamaps"
    assert (report.rows_read, report.rows_imported, report.rows_rejected) == (109, 109, 0)
    rows = {r["source_row_id"]: r for r in _observations(fresh_store, "evacuation_order_area")}
    rafah = rows["10"]
    assert (rafah["date"], rafah["value"], rafah["unit"]) == (date(2024, 5, 6), 6.31, "km2")
    assert rafah["location"] == "gaza-strip"
    details = json.loads(rafah["disaggregation"])
    assert details["announcement"] == "https://x.com/AvichayAdraee/status/1787344298943365560"
    assert details["blocks"] == "10, 11, 12, 13, 14, 15, 16, 28"
    assert details["map_idf"].startswith("https://gazamaps.com/storage/displacement-maps/")  # every key kept
    assert "announced at https://x.com/AvichayAdraee/status/1787344298943365560" in rafah["note"]
    assert rafah["cited_url"] is None  # the area is gazamaps' measurement: the dataset's source stands for it
    assert sum(1 for r in rows.values() if json.loads(r["disaggregation"])["announcement"] is None) == 2
    assert "no announcement link given" in rows["6"]["note"]
    with fresh_store.connect() as conn:
        table = series_table(conn, "evacuation_order_area")
    may_11 = next(r for r in table.rows if r["date"] == date(2024, 5, 11))
    assert may_11["value:gazamaps.com"] == pytest.approx(6.01 + 11.67)
    assert "2 orders on this date" in may_11["note"]


def test_bad_order_rows_are_rejected_and_bad_order_files_refused(store_url: str, tmp_path: Path) -> None:
    good = {"id": 1, "date": "2024-05-06", "source": "https://example.org/a", "link": "https://gazamaps.com/displacement/1",
            "displacement_blocks": "1, 2", "area_sq_km_displacement": "1.50", "area_sq_km_labeled_safe": "0.00"}
    rows = [good, dict(good, id=2, date="6 May"), dict(good, id=3, area_sq_km_displacement="-1"), dict(good, id=4)]
    path = tmp_path / "gazamaps-orders.json"
    path.write_text(json.dumps(rows))
    result = invoke_cli(store_url, "import", "--format", "json", str(path))
    assert result.returncode == 1, result.stderr  # stored with 2 rows rejected
    imported = json.loads(result.stdout)["datasets"][0]
    assert (imported["rows_read"], imported["rows_imported"], imported["rows_rejected"]) == (4, 2, 2)
    assert imported["outcome"] == "stored-with-rejections" and imported["rejections_file"]
    assert [(r["row"], r["column"]) for r in imported["rejections"]] == [(2, "date"), (3, "area_sq_km_displacement")]

    from lifeline.store.engine import open_store

    engine = open_store(store_url)
    before = snapshot(engine)
    for name, text, expected in [
        ("gazamaps-cut.json", json.dumps(rows)[:-40], "expected valid JSON"),
        ("gazamaps-mixed.json", json.dumps([good, ["not", "an", "object"]]), "element 2 of the array is not an object"),
    ]:
        bad = tmp_path / name
        bad.write_text(text)
        result = invoke_cli(store_url, "import", "--kind", "gazamaps", str(bad))
        assert result.returncode == 2
        assert expected in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(engine) == before
    engine.dispose()


def test_study_a_workbook_is_named_and_sent_to_the_study_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    result = invoke_cli(url, "import", str(shared_file("lshtm-gaza_food_data-v1-20241016.xlsx")))
    assert result.returncode == 2
    assert "Study A's parameter workbook" in result.stderr
    assert "lifeline study checchi-2024 --workbook" in result.stderr


@pytest.mark.slow
def test_every_shared_file_through_lifeline_import(tmp_path: Path) -> None:
    """The issue's 'done when': each file of ../shared/data, imported in turn into one store."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    expected = {  # file: (exit status, rows_read, rows_imported, rows_unchanged, rows_rejected)
        "cogat-gaza-aid-data-20240924.csv": (0, 52479, 52479, 0, 0),
        "gazamaps-idf-displacement-orders.json": (0, 109, 109, 0, 0),
        "idmc-event-data-pse-2024-12_2025-06.csv": (0, 61, 61, 0, 0),
        "insecurityinsight-fivc-gaza.csv": (0, 284, 284, 0, 0),
        "lshtm-gaza_food_data-journal-20250508.xlsx": (2, None, None, None, None),
        "lshtm-gaza_food_data-v1-20241016.xlsx": (2, None, None, None, None),
        "unrwa-commodities-received-20240911.xlsx": (0, 35521, 35521, 0, 0),
        "unrwa-commodities-received-20241111.csv": (0, 37373, 1852, 35521, 0),
        "unrwa-commodities-received-20241111.xlsx": (0, 37373, 0, 37373, 0),
    }
    folder = shared_file(next(iter(expected))).parent
    files = sorted(p for p in folder.iterdir() if p.is_file())  # folders (Study A's R outputs) are not imports
    assert [p.name for p in files] == sorted(expected), "../shared/data has files this test lacks"
    for name, (status, *counts) in expected.items():
        result = invoke_cli(url, "import", "--format", "json", str(folder / name), timeout=300)
        assert result.returncode == status, (name, result.stderr)
        if status:
            assert len(result.stderr.strip().splitlines()) == 1, name
            assert json.loads(result.stdout)["datasets"] == [], name
            continue
        got = json.loads(result.stdout)["datasets"][0]
        keys = ("rows_read", "rows_imported", "rows_unchanged", "rows_rejected")
        assert tuple(got[k] for k in keys) == tuple(counts), name
    from lifeline.store.engine import open_store

    engine = open_store(url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.datasets)).scalar() == 6  # the xlsx wrote nothing
    engine.dispose()
    # All at once, as `lifeline import ../shared/data/*`: the workbooks are refused, everything else imported.
    together = invoke_cli(f"sqlite:///{tmp_path / 'all.db'}", "import", "--format", "json",
                       *(str(p) for p in files), timeout=600)
    assert together.returncode == 2
    doc = json.loads(together.stdout)
    assert len(doc["datasets"]) == 7
    assert sorted(Path(e["file"]).name for e in doc["errors"]) == [
        "lshtm-gaza_food_data-journal-20250508.xlsx", "lshtm-gaza_food_data-v1-20241016.xlsx"
    ]
    assert len(together.stderr.strip().splitlines()) == 2
