"""The HXL importer: tag-pattern matching, CSV/XLSX/JSON sources, observations (IDMC), and the round trip."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from sqlalchemy import Engine, func, select

from lifeline.errors import BadFile
from lifeline.formats import render
from lifeline.ingest import hxl
from lifeline.ingest.service import ImportReport, import_file, parse
from lifeline.model.deliveries import delivery_table
from lifeline.store import schema
from lifeline.store.engine import open_store
from tests.conftest import shared_file

IDMC = "idmc-event-data-pse-2024-12_2025-06.csv"

HEADER = ["Date", "Crossing", "Category", "Cargo", "Qty", "Units", "Trucks", "Area", "ID", "Publisher"]
TAGS = [
    "#date",
    "#loc+crossing+name",
    "#item+type",
    "#item+name",
    "#indicator+num+quantity",
    "#indicator+unit",
    "#indicator+num+trucks",
    "#adm1+code",
    "#meta+id",
    "#meta+source",
]
# Attributes reordered, upper case and spaces between the parts: the same columns to libhxl.
TAGS_VARIANT = [
    " #DATE ",
    "#loc +name +crossing",
    "#item+TYPE",
    "#item +name+i_en",
    "#indicator +quantity +num",
    "#indicator+unit",
    "#indicator+trucks+num",
    "#adm1 +code",
    "#meta +id",
    "#meta+source",
]
ROWS = [
    ["2024-05-01", "Karem Abu Salem", "Food Items", "Wheat Flour", "20", "Pallets", "1", "PS-DEB", "a1", "Test NGO"],
    ["2 May 2024", "Rafah", "Medical Supply", "Medicines + Surgical", "3,000", "kg", "1", "PS-RFH", "a2", "Test NGO"],
    ["2024-05-03", "Zikim", "Shelter", "Tents", "40", "Tents", "2", "PS-NGZ", "a3", "Test NGO"],
    ["2024-05-03", "Nowhere Gate", "Food", "Mystery cargo", "5", "MT", "", "", "a4", "Test NGO"],
]


def write_csv(path: Path, rows: list[list[str]], tags: list[str] = TAGS, header: list[str] | None = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        if header is not None:
            out.writerow(header)
        out.writerow(tags)
        out.writerows(rows)
    return path


def comparable(frame: pl.DataFrame) -> list[dict[str, object]]:
    return frame.drop("row_number").sort("source_row_id").to_dicts()


def test_deliveries_rows_are_normalised_through_the_rules(tmp_path: Path) -> None:
    module, parsed = parse(write_csv(tmp_path / "sample.csv", ROWS))
    assert module is hxl and parsed.target == "deliveries"
    assert (parsed.rows_read, parsed.rows.height, parsed.rejections.height) == (4, 4, 0)
    rows = {r["source_row_id"]: r for r in parsed.rows.to_dicts()}
    assert rows["a1"]["crossing"] == "kerem-shalom" and rows["a1"]["route"] == "land"
    assert rows["a1"]["kg"] == pytest.approx(20 * 637.5)  # kg_per_pallet
    assert (rows["a1"]["category"], rows["a1"]["commodity"]) == ("food", "wheat-flour")
    assert rows["a1"]["row_number"] == 3  # header row 1, hashtag row 2
    assert rows["a2"]["date"] == date(2024, 5, 2) and rows["a2"]["kg"] == 3000.0
    assert (rows["a2"]["category"], rows["a2"]["commodity"]) == ("medical", "medical")
    assert rows["a3"]["crossing"] == "western-erez" and rows["a3"]["kg"] is None
    assert rows["a3"]["trucks"] == 2.0 and rows["a3"]["area"] == "PS-NGZ"
    assert rows["a4"]["crossing"] is None and rows["a4"]["kg"] == 5000.0
    assert set(rows["a4"]["flags"].split(",")) == {"unknown-crossing", "unmapped-commodity"}
    assert json.loads(rows["a4"]["extra"])["crossing as given"] == "Nowhere Gate"
    assert parsed.source.publisher == "Test NGO"


def test_attribute_order_case_and_whitespace_do_not_matter(tmp_path: Path) -> None:
    _m, plain = parse(write_csv(tmp_path / "plain.csv", ROWS))
    _m, variant = parse(write_csv(tmp_path / "variant.csv", ROWS, TAGS_VARIANT))
    _m, no_header = parse(write_csv(tmp_path / "tags-only.csv", ROWS, TAGS_VARIANT, header=None))
    assert comparable(variant.rows) == comparable(plain.rows)
    assert comparable(no_header.rows) == comparable(plain.rows)
    assert no_header.rows["row_number"].to_list() == [2, 3, 4, 5]  # the hashtag row replaces the header


def test_xlsx_and_json_variants_give_the_same_rows(tmp_path: Path) -> None:
    _m, from_csv = parse(write_csv(tmp_path / "sample.csv", ROWS))
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "About"
    notes.append(["This sheet has no hashtags"])
    data = book.create_sheet("Data")
    for row in [HEADER, TAGS_VARIANT, *ROWS]:
        data.append(row)
    data["A3"] = datetime(2024, 5, 1)  # a real date cell and a number cell read like their text
    data["E3"] = 20
    book.save(tmp_path / "sample.xlsx")
    arrays = tmp_path / "arrays.json"
    arrays.write_text(json.dumps([HEADER, TAGS, *ROWS]), encoding="utf-8")
    objects = tmp_path / "objects.json"
    numeric = [dict(zip(TAGS, r, strict=True)) for r in ROWS]
    numeric[0]["#indicator+num+quantity"] = 20  # JSON numbers are read like their text
    objects.write_text(json.dumps(numeric), encoding="utf-8")
    for path in (tmp_path / "sample.xlsx", arrays, objects):
        module, parsed = parse(path)
        assert module is hxl, path
        assert comparable(parsed.rows) == comparable(from_csv.rows), path
    _m, from_objects = parse(objects)
    assert from_objects.rows.sort("source_row_id")["row_number"].to_list() == [1, 2, 3, 4]


def test_every_rejection_names_row_column_and_reason(tmp_path: Path) -> None:
    rows = [
        ["2024-05-01", "Rafah", "Food", "Rice", "10", "MT", "1", "", "b1", "X"],
        ["31/02/2024", "Rafah", "Food", "Rice", "10", "MT", "1", "", "b2", "X"],
        ["2024-05-02", "Rafah", "Food", "Rice", "ten", "MT", "1", "", "b3", "X"],
        ["2024-05-02", "Rafah", "Food", "Rice", "10", "MT", "-1", "", "b4", "X"],
        ["2024-05-02", "Rafah", "Food", "Rice", "10", "MT", "1", "", "b1", "X"],
        ["", "", "", "", "", "", "", "", "", ""],
        ["2024-05-02", "Rafah", "Food", "Rice", "10", "MT", "1", "", "", "X"],
    ]
    _m, parsed = parse(write_csv(tmp_path / "bad.csv", rows))
    assert parsed.rows_read == 6  # the blank line is not a row
    got = [(r["row"], r["column"].split(" (")[0], r["reason"]) for r in parsed.rejections.to_dicts()]
    assert [(r, c) for r, c, _ in got] == [(4, "Date"), (5, "Qty"), (6, "Trucks"), (7, "ID"), (9, "ID")]
    assert "31/02/2024" in got[0][2] and "ten" in got[1][2] and "duplicate id b1" in got[3][2]
    assert parsed.rows["source_row_id"].to_list() == ["b1"]


def test_hashtag_row_matching_nothing_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Name,Colour\n#x_name,#x_colour +fav\nAda,blue\n", encoding="utf-8")
    with pytest.raises(BadFile) as info:
        parse(path)
    error = info.value
    assert error.row == 2
    assert "#x_name" in str(error) and "#x_colour+fav" in str(error) and "expected" in str(error)
    assert "\n" not in str(error)


def test_json_without_hashtags_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.json"
    path.write_text(json.dumps([{"#date": "2024-05-01", "colour": "blue"}]), encoding="utf-8")
    with pytest.raises(BadFile, match="not all hashtags"):
        parse(path, "hxl")


def test_idmc_displacement_events_become_observations(store: Engine) -> None:
    path = shared_file(IDMC)
    with path.open(encoding="utf-8") as fh:
        lines = list(csv.reader(fh))
    data = [r for r in lines[2:] if any(c.strip() for c in r)]
    figure = lines[0].index("figure")
    report = import_file(store, path)
    assert report.kind == "hxl"
    assert (report.rows_read, report.rows_imported, report.rows_rejected) == (len(data), len(data), 0)
    assert report.rows_read == 61
    with store.connect() as conn:
        o = schema.observations
        total, indicators, locations = conn.execute(
            select(func.sum(o.c.value), func.count(func.distinct(o.c.indicator)), func.min(o.c.location))
        ).one()
        first = conn.execute(select(o).where(o.c.source_row_id == data[0][0])).mappings().one()
        publisher = conn.execute(select(schema.sources.c.publisher)).scalar()
    assert total == pytest.approx(sum(float(r[figure]) for r in data))
    assert (indicators, locations) == (1, "PSE")
    assert first["indicator"] == "displaced" and first["value"] == float(data[0][figure])
    assert (first["date"], first["period_end"]) == (date(2025, 5, 28), date(2025, 6, 3))
    assert first["cited_url"].startswith("https://www.cccmcluster.org/")
    assert first["note"].startswith("Palestine: 7,555 displacements")
    assert publisher.startswith("IDMC")
    again = import_file(store, path)
    assert again.status == "unchanged" and again.rows_unchanged == 61


def test_wide_observations_and_status_events(tmp_path: Path) -> None:
    wide = tmp_path / "population.csv"
    wide.write_text(
        "Area,Date,Total,Women,Girls,Source\n"
        "#adm1+code,#date,#population+total,#population+f+adults,#population+f+children,#meta+source\n"
        "PS-GZA,2023-10,600000,150000,,PCBS\n"
        "PS-RFH,2023-10,275000,70000,60000,PCBS\n",
        encoding="utf-8",
    )
    _m, parsed = parse(wide)
    assert parsed.target == "observations"
    assert parsed.rows_read == 6 and parsed.rows.height == 5
    assert parsed.rejections.to_dicts() == [
        {"row": 3, "column": "Girls (#population+children+f)", "reason": "expected a value, found nothing"}
    ]
    rows = {r["source_row_id"].split("/")[-1] + r["location"]: r for r in parsed.rows.to_dicts()}
    girls = rows["#population+children+fPS-RFH"]
    assert girls["indicator"] == "population" and girls["value"] == 60000.0
    assert json.loads(girls["disaggregation"]) == {"sex": "f", "age": "children"}
    assert rows["#population+totalPS-GZA"]["period_end"] == date(2023, 10, 31)
    assert parsed.source.publisher == "PCBS"

    status = tmp_path / "crossing-status.csv"
    status.write_text(
        "#indicator+code,#loc+code,#date,#status,#meta+source,#meta+url,#date+reported\n"
        "crossing_status,kerem-shalom,2024-05-05,closed,OCHA,https://example.org/a,2024-05-06\n"
        "crossing_status,rafah,2024-05-07,closed,OCHA,https://example.org/b,not a date\n",
        encoding="utf-8",
    )
    _m, events = parse(status)
    first = events.rows.row(0, named=True)
    assert (first["indicator"], first["location"], first["text_value"], first["value"]) == (
        "crossing_status",
        "kerem-shalom",
        "closed",
        None,
    )
    assert first["cited_date"] == date(2024, 5, 6) and first["cited_url"] == "https://example.org/a"
    assert events.rejections.to_dicts()[0]["row"] == 3 and "not a date" in events.rejections.to_dicts()[0]["reason"]


def _export(engine: Engine, group: str, source: str | None = None) -> str:
    with engine.connect() as conn:
        return render(delivery_table(conn, by="month", group=group, source=source), "hxl")


def _numbers(text: str) -> pl.DataFrame:
    """The round trip's figures: consignments, trucks and tonnes per period, group and source."""
    frame = pl.read_csv(text.encode(), skip_rows_after_header=1, infer_schema_length=0)
    # "completeness" is read from the span of the list in the store: an aggregate file's span starts on a
    # period's first day, so a period partial in the origin may read complete after the round trip.
    # Counts of source rows (with a weight, without a truck count) are the origin list's: an aggregate row is one.
    skip = {"consignments", "trucks", "tonnes", "rows_with_weight", "rows_without_trucks", "completeness"}
    keys = [c for c in frame.columns if c not in skip]
    return frame.select(*keys, "consignments", "trucks", "tonnes").sort(keys, nulls_last=True)


@pytest.mark.parametrize("group", ["crossing", "route", "category"])
def test_round_trip_of_the_hxl_export(store: Engine, tmp_path: Path, group: str) -> None:
    origin = open_store(f"sqlite:///{tmp_path / 'origin.db'}")
    import_file(origin, shared_file("cogat-gaza-aid-data-20240924.csv"))
    first = _export(origin, group)
    exported = tmp_path / f"deliveries-by-{group}.csv"
    exported.write_text(first, encoding="utf-8")
    report = import_file(store, exported)
    assert report.kind == "hxl" and report.rows_rejected == 0 and report.rows_imported == first.count("\n") - 2
    second = _export(store, group)
    assert _numbers(second).equals(_numbers(first))
    again = import_file(store, exported)
    assert again.status == "unchanged"
    origin.dispose()


LOCATIONS = (
    "code,type,name_en,name_ar,parent,aliases,lat,lon,area\n"
    "#loc+code,#loc+type,#loc+name+i_en,#loc+name+i_ar,#loc+code+parent,#loc+name+alias,#geo+lat,#geo+lon,"
    "#indicator+num+area_km2\n"
    "PS-RFH,governorate,Rafah,رفح,gaza-strip,Rafah governorate; Rafah city,,,64\n"
    "gaza-strip,territory,Gaza Strip,قطاع غزة,,,,,365\n"
    "rafah,crossing,Rafah crossing,معبر رفح,PS-RFH,,31.246,34.259,\n"
    "bad,site,Bad,,nowhere,,north,,\n"
    "orphan,site,Orphan,,nowhere,,,,\n"
)


def _store_locations(engine: Engine, path: Path) -> ImportReport:
    _module, parsed = parse(path)
    assert parsed.target == "locations"
    return import_file(engine, path)


def test_locations_are_upserted_by_code_with_revisions(store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "places.csv"
    path.write_text(LOCATIONS, encoding="utf-8")
    first = _store_locations(store, path)
    assert (first.rows_read, first.rows_imported, first.rows_rejected) == (5, 3, 2)
    assert [(r["row"], r["reason"][:26]) for r in first.rejections] == [
        (6, "expected a number, found n"),
        (7, "parent code nowhere is not"),
    ]
    again = _store_locations(store, path)
    assert again.status == "unchanged" and again.rows_unchanged == 3
    path.write_text(LOCATIONS.replace("Rafah crossing", "Rafah border crossing"), encoding="utf-8")
    third = _store_locations(store, path)
    assert (third.rows_changed, third.rows_unchanged) == (1, 2)
    with store.connect() as conn:
        loc = schema.locations
        rows = {r["code"]: r for r in conn.execute(select(loc)).mappings()}
        revision = (
            conn.execute(select(schema.revisions).where(schema.revisions.c.table_name == "locations")).mappings().one()
        )
    assert rows["rafah"]["name_en"] == "Rafah border crossing" and rows["rafah"]["parent_code"] == "PS-RFH"
    assert rows["PS-RFH"]["aliases"] == ["Rafah governorate", "Rafah city"] and rows["PS-RFH"]["area_km2"] == 64.0
    assert rows["rafah"]["lat"] == pytest.approx(31.246)
    assert revision["old_values"] == {"code": "rafah", "name_en": "Rafah crossing"}


def _generated_deliveries(path: Path, n: int = 3000) -> Path:
    """A deterministic deliveries file with every field the export groups by (no randomness, no shared data)."""
    crossings = ["Kerem Shalom", "Rafah", "Erez", "Western Erez", "JLOTS", "Airdrop"]
    items = ["Wheat Flour", "Rice + Sugar", "Food parcels", "Medicines", "Tents", "Bottled water", "Paper cups"]
    categories = ["Food Items", "Food", "Medical Supplies", "Shelter", "Water", "Mixed Items", "Other"]
    units = ["Pallets", "MT", "kg", "Truck", "Tents"]
    areas = ["PS-NGZ", "PS-GZA", "PS-DEB", "PS-KYS", "PS-RFH"]
    rows = [
        [
            (date(2024, 1, 1).toordinal() + (i * 7) % 200, i),
            crossings[i % 6],
            categories[(i // 3) % 7],
            items[(i // 2) % 7],
            str(1 + i % 23),
            units[(i // 5) % 5],
            "" if i % 11 == 0 else str(1 + i % 2),
            areas[(i // 7) % 5],
            f"g{i}",
        ]
        for i in range(n)
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(TAGS[:8] + ["#meta+id"])
        for (day, _i), *rest in rows:
            out.writerow([date.fromordinal(day).isoformat(), *rest])
    return path


@pytest.mark.parametrize(
    ("by", "group"),
    [("month", "commodity"), ("week", "area"), ("day", "source"), ("week", "crossing"), ("month", "route")],
)
def test_round_trip_for_every_grouping(sqlite_store: Engine, tmp_path: Path, by: str, group: str) -> None:
    origin = open_store(f"sqlite:///{tmp_path / 'origin.db'}")
    import_file(origin, _generated_deliveries(tmp_path / "generated.csv"))
    with origin.connect() as conn:
        first = render(delivery_table(conn, by=by, group=group), "hxl")
    exported = tmp_path / f"export-{by}-{group}.csv"
    exported.write_text(first, encoding="utf-8")
    report = import_file(sqlite_store, exported)
    assert report.rows_rejected == 0
    with sqlite_store.connect() as conn:
        second = render(delivery_table(conn, by=by, group=group), "hxl")
    assert _numbers(second).equals(_numbers(first))
    origin.dispose()


def test_idmc_update_becomes_a_revision_keyed_by_its_untagged_id_column(sqlite_store: Engine, tmp_path: Path) -> None:
    original = shared_file(IDMC).read_text(encoding="utf-8")
    first = tmp_path / IDMC
    first.write_text(original, encoding="utf-8")
    import_file(sqlite_store, first)
    assert (
        '184565,Palestine,PSE,31.43317,34.37793,"[31.43317, 34.37793]",Recommended figure,Conflict,total,7555,'
        in original
    )
    updated = tmp_path / "v2" / IDMC  # a newer version of the same file (same series)
    updated.parent.mkdir()
    updated.write_text(original.replace("Conflict,total,7555,", "Conflict,total,7600,", 1), encoding="utf-8")
    report = import_file(sqlite_store, updated)
    assert (report.rows_changed, report.rows_unchanged) == (1, 60)
    with sqlite_store.connect() as conn:
        revision = conn.execute(select(schema.revisions)).mappings().one()
    assert revision["old_values"] == {"value": 7555.0} and revision["new_values"] == {"value": 7600.0}


def test_files_without_ids_get_content_ids_and_repeats_are_numbered(tmp_path: Path) -> None:
    path = tmp_path / "no-ids.csv"
    path.write_text(
        "#date,#item+name,#indicator+num+trucks\n2024-05-01,Flour,1\n2024-05-01,Flour,1\n2024-05-02,Rice,2\n",
        encoding="utf-8",
    )
    _m, parsed = parse(path)
    ids = parsed.rows["source_row_id"].to_list()
    assert ids[1] == ids[0] + "#2" and len(set(ids)) == 3
    _m, again = parse(path)
    assert again.rows["source_row_id"].to_list() == ids  # deterministic: the same file gives the same ids


def test_indicator_named_by_attributes_when_no_indicator_column(tmp_path: Path) -> None:
    path = tmp_path / "kcal.csv"
    path.write_text("#adm1+code,#date,#indicator+num+kcal\nPS-GZA,2024-03-01,1500\n", encoding="utf-8")
    _m, parsed = parse(path)
    row = parsed.rows.row(0, named=True)
    assert (row["indicator"], row["value"], row["location"], row["disaggregation"]) == ("kcal", 1500.0, "PS-GZA", None)


def test_corrected_value_in_an_id_less_file_is_a_change_with_revision(sqlite_store: Engine, tmp_path: Path) -> None:
    text = (
        "#adm1+code,#date,#population,#meta+source,#meta+url\n"
        "PS-GZA,2024-01,600000,PCBS,https://example.org/1\n"
        "PS-RFH,2024-01,275000,PCBS,https://example.org/1\n"
    )
    first = tmp_path / "v1" / "population-20240101.csv"
    first.parent.mkdir()
    first.write_text(text, encoding="utf-8")
    import_file(sqlite_store, first)
    second = tmp_path / "v2" / "population-20240201.csv"
    second.parent.mkdir()
    second.write_text(
        text.replace("275000,PCBS,https://example.org/1", "280000,PCBS,https://example.org/2"), encoding="utf-8"
    )
    report = import_file(sqlite_store, second)
    assert (report.rows_changed, report.rows_unchanged, report.rows_imported, report.rows_withdrawn) == (1, 1, 0, 0)
    with sqlite_store.connect() as conn:
        revision = conn.execute(select(schema.revisions)).mappings().one()
    assert revision["old_values"]["value"] == 275000.0 and revision["new_values"]["value"] == 280000.0
