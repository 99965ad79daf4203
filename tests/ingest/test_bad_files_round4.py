"""Classes of bad input from a fourth round of files made by a reader who had not seen the code.

- figures in Arabic-Indic / Persian digits, with the Arabic separators (٬ ٫): read as the numbers they are,
  in CSV, XLSX and HXL observations alike;
- a decimal comma ("12,5", "1 200,5"): the format is decided per column; a column that reads two ways is
  refused naming both readings, never multiplied by ten;
- Excel serial dates (45474) in a date column: read in the 1900 date system; a file no row of which can be
  read is refused (exit 2, nothing recorded), never an empty import;
- p-codes that are no stored place ("1518" for "YE1518"): rejected by row, naming the code likely meant;
- crossing status words in English and Arabic (مغلق is closed); an unknown word rejected by row;
- a quantity in trucks: a truck count with its weight unknown, never tonnes from a per-truck assumption.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, select

from lifeline.errors import BadFile, UserError
from lifeline.ingest.hxl_values import number, number_format
from lifeline.ingest.pcodes import nearest
from lifeline.ingest.service import import_file
from lifeline.store import schema
from tests.cli.helpers import invoke_cli, snapshot
from tests.ingest.sheets import csv_file, xlsx_file

SOURCE = "Test monitoring cell (fictional figures)"
DELIVERY_HEADER = ["Date", "Crossing", "Item", "Tonnes", "Trucks", "Source"]
DELIVERY_TAGS = ["#date", "#loc+crossing+name", "#item+name", "#indicator+num+tonnes", "#indicator+num+trucks",
                 "#meta+source"]






def _deliveries(path: Path, tonnes: list[str], trucks: list[str] | None = None, dates: list[str] | None = None
                ) -> list[list[str]]:
    trucks = trucks or ["2"] * len(tonnes)
    dates = dates or [f"2024-05-{i + 1:02d}" for i in range(len(tonnes))]
    body = [[d, "Rafah", "Wheat flour", t, n, SOURCE] for d, t, n in zip(dates, tonnes, trucks, strict=True)]
    return [DELIVERY_HEADER, DELIVERY_TAGS, *body]


def _stored(engine: Engine, column: str) -> list[object]:
    t = schema.deliveries
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(select(t.c[column]).order_by(t.c.row_number))]


# --- 1. Arabic-Indic digits ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("written", "value"),
    [("١٢٠٠", 1200.0), ("۱۲۰۰", 1200.0), ("1٬200", 1200.0), ("١٬٢٠٠٫٥", 1200.5), ("٦٠", 60.0), ("۳۵٫۷۵", 35.75),
     ("1 200", 1200.0), ("12", 12.0), ("ten", None), ("١٢x", None)],
)
def test_number_reads_arabic_indic_and_persian_digits(written: str, value: float | None) -> None:
    assert pl.select(number(pl.lit(written))).item() == value


@pytest.mark.parametrize("writer", [csv_file, xlsx_file])
def test_arabic_indic_figures_import_as_numbers(sqlite_store: Engine, tmp_path: Path, writer: object) -> None:
    suffix = "csv" if writer is csv_file else "xlsx"
    rows = _deliveries(tmp_path, ["١٢٠٠", "۱۵۰", "1٬200", "٢٢٫٥"], ["٦٠", "۸", "60", "١"])
    report = import_file(sqlite_store, writer(tmp_path / f"deliveries-hxl.{suffix}", rows))  # type: ignore[operator]
    assert (report.rows_imported, report.rows_rejected) == (4, 0)
    assert _stored(sqlite_store, "kg") == [1_200_000.0, 150_000.0, 1_200_000.0, 22_500.0]
    assert _stored(sqlite_store, "trucks") == [60.0, 8.0, 60.0, 1.0]


def test_arabic_indic_population_imports_as_a_number(sqlite_store: Engine, tmp_path: Path) -> None:
    path = csv_file(tmp_path / "population-hxl.csv", [["Area", "Date", "Population", "Source"],
                                                   ["#adm1+code", "#date", "#population", "#meta+source"],
                                                   ["XQ01", "٢٠٢٤-٠٧-٠١", "١١٧٬٠٠٠", SOURCE]])
    report = import_file(sqlite_store, path)
    assert report.rows_imported == 1
    t = schema.observations
    with sqlite_store.connect() as conn:
        assert conn.execute(select(t.c.value, t.c.date)).one() == (117_000.0, date(2024, 7, 1))


# --- 2. decimal comma, decided per column -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("values", "decimal_comma", "ambiguous"),
    [
        (["1 200,5", "12,5"], True, None),  # space-grouped with a decimal comma: the column's comma is decimal
        (["1.200,5", "3,25", "7"], True, None),
        (["1.234.567", "12,5"], True, None),
        (["1,234,567", "1,200", "12"], False, None),  # thousands commas (1,200 alone reads so, as before)
        (["1,234.5", "1,200"], False, None),
        (["1,200", "60"], False, None),
        (["12,5"], False, "12,5"),  # no other evidence: 12.5 or 125
        (["1,25", "60"], False, "1,25"),
        (["1,234.5", "1.234,5"], False, "1,234.5"),  # both formats in one column
        (["1,234,567", "12,5"], False, "12,5"),
        (["1 200,5", "12.5"], False, "12.5"),  # a decimal point beside a decimal comma: never 125
        (["12.5", "60"], False, None),
    ],
)
def test_the_number_format_is_decided_for_the_whole_column(values: list[str], decimal_comma: bool,
                                                            ambiguous: str | None) -> None:
    fmt = number_format(pl.Series(values))
    assert (fmt.decimal_comma, fmt.ambiguous) == (decimal_comma, ambiguous)


def test_a_decimal_comma_column_is_read_as_decimals(sqlite_store: Engine, tmp_path: Path) -> None:
    rows = _deliveries(tmp_path, ["1\u00a0200,5", "12,5", "1\u202f200", "٣٠"])
    import_file(sqlite_store, csv_file(tmp_path / "deliveries-hxl.csv", rows))
    assert _stored(sqlite_store, "kg") == [1_200_500.0, 12_500.0, 1_200_000.0, 30_000.0]


@pytest.mark.parametrize("cells", [["12,5", "40"], ["2,75"], ["1,234.5", "1.234,5"]])
def test_an_ambiguous_column_is_refused_naming_both_readings(tmp_path: Path, cells: list[str]) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    path = csv_file(tmp_path / "deliveries-hxl.csv", _deliveries(tmp_path, cells))
    result = invoke_cli(db, "import", str(path))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "column 'Tonnes (#indicator+num+tonnes)'" in lines[0] and "row 3" in lines[0], lines[0]
    assert "with a decimal comma" in lines[0] and "with a thousands comma" in lines[0], lines[0]
    listed = invoke_cli(db, "datasets", "--format", "csv")
    assert listed.stdout.strip().count("\n") == 0, listed.stdout  # the header alone: nothing recorded


def test_an_ambiguous_observation_value_is_refused(sqlite_store: Engine, tmp_path: Path) -> None:
    path = csv_file(tmp_path / "needs-hxl.csv", [["Area", "Date", "Share", "Source"],
                                              ["#adm1+code", "#date", "#indicator+num+share", "#meta+source"],
                                              ["XQ01", "2024-07-01", "12,5", SOURCE]])
    with pytest.raises(BadFile, match=r"row 3, column 'Share \(#indicator\+num\+share\)': .*12\.5 with a decimal "
                                      r"comma or 125 with a thousands comma"):
        import_file(sqlite_store, path)


# --- 3. Excel serial dates; a file of which no row can be read ----------------------------------------------

@pytest.mark.parametrize("writer", [csv_file, xlsx_file])
def test_excel_serial_dates_are_read_in_the_1900_system(sqlite_store: Engine, tmp_path: Path,
                                                        writer: object) -> None:
    suffix = "csv" if writer is csv_file else "xlsx"
    rows = _deliveries(tmp_path, ["30", "40", "50"], dates=["45413", "45444.0", "2024-06-02"])
    report = import_file(sqlite_store, writer(tmp_path / f"deliveries-hxl.{suffix}", rows))  # type: ignore[operator]
    assert report.rows_rejected == 0
    assert _stored(sqlite_store, "date") == [date(2024, 5, 1), date(2024, 6, 1), date(2024, 6, 2)]


def test_a_five_digit_number_outside_the_serial_range_is_no_date(sqlite_store: Engine, tmp_path: Path) -> None:
    rows = _deliveries(tmp_path, ["30", "40"], dates=["12345", "2024-05-02"])
    report = import_file(sqlite_store, csv_file(tmp_path / "deliveries-hxl.csv", rows))
    assert [(r["row"], r["reason"].split(",")[0]) for r in report.rejections] == [(3, "expected a date (YYYY-MM-DD")]


@pytest.mark.parametrize("target", ["deliveries", "observations"])
def test_a_file_whose_every_row_is_rejected_is_refused_and_nothing_recorded(tmp_path: Path, target: str) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    if target == "deliveries":
        rows = _deliveries(tmp_path, ["30", "40"], dates=["not a date", "1/13/2024"])
    else:
        rows = [["Area", "Date", "Population", "Source"], ["#adm1+code", "#date", "#population", "#meta+source"],
                ["XQ01", "soon", "100", SOURCE], ["XQ02", "later", "200", SOURCE]]
    path = csv_file(tmp_path / f"{target}-hxl.csv", rows)
    result = invoke_cli(db, "import", str(path))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "row 3" in lines[0] and "every row of the file was rejected (2 of 2), nothing stored" in lines[0]
    listed = invoke_cli(db, "datasets", "--format", "csv")
    assert listed.stdout.strip().count("\n") == 0, listed.stdout


# --- 4. p-codes that are no place ---------------------------------------------------------------------------

PLACES = [
    ["code", "type", "name", "parent", "route", "source"],
    ["#loc+code", "#loc+type", "#loc+name+i_en", "#loc+code+parent", "#loc+route", "#meta+source"],
    ["XQ", "region", "Test region", "", "", SOURCE],
    ["XQ0512", "district", "North", "XQ", "", SOURCE],
    ["XQ1519", "district", "South", "XQ", "", SOURCE],
    ["XQ1518", "district", "East", "XQ", "", SOURCE],
    ["west-gate", "crossing", "West gate", "XQ", "land", SOURCE],
]


def _with_places(engine: Engine, tmp_path: Path) -> None:
    import_file(engine, csv_file(tmp_path / "places-hxl.csv", PLACES))


@pytest.mark.parametrize(
    ("given", "meant", "why"),
    [("1518", "XQ1518", "country prefix lost"), ("512", "XQ0512", "country prefix and leading zero lost"),
     ("XQ15019", "XQ1519", "a zero added"), ("XQ512", "XQ0512", "a zero lost"), ("XQ1591", "XQ1519", "nearest")],
)
def test_the_nearest_known_code_is_named(given: str, meant: str, why: str) -> None:
    hit = nearest(given, ["XQ", "XQ0512", "XQ1519", "XQ1518"])
    assert hit is not None and hit[0] == meant and why in hit[1], hit


def test_population_at_a_code_that_is_no_place_is_rejected_naming_the_likely_code(sqlite_store: Engine,
                                                                                   tmp_path: Path) -> None:
    _with_places(sqlite_store, tmp_path)
    path = csv_file(tmp_path / "population-hxl.csv", [
        ["District", "P-code", "Date", "Population", "Source"],
        ["#adm2+name", "#adm2+code", "#date", "#population", "#meta+source"],
        ["South", "XQ1519", "2024-07-01", "1000", SOURCE],
        ["East", "1518", "2024-07-01", "2000", SOURCE],
        ["North", "XQ05012", "2024-07-01", "3000", SOURCE],
        ["Nowhere", "ZZ9999", "2024-07-01", "4000", SOURCE],
    ])
    report = import_file(sqlite_store, path)
    reasons = {r["row"]: (r["column"], r["reason"]) for r in report.rejections}
    assert set(reasons) == {4, 5, 6} and report.rows_imported == 1
    assert reasons[4] == ("P-code (#adm2+code)", "expected the p-code of a known place, found 1518: no place has "
                          "this code; did you mean XQ1518? (its country prefix lost, a common spreadsheet artefact)")
    assert "did you mean XQ0512? (a zero added" in reasons[5][1]
    assert reasons[6][1].endswith("found ZZ9999: no place has this code")
    with sqlite_store.connect() as conn:
        assert conn.execute(select(schema.observations.c.location)).scalars().all() == ["XQ1519"]


# --- 5. crossing status words -------------------------------------------------------------------------------

def test_status_words_in_english_and_arabic_are_read_and_unknown_ones_rejected(sqlite_store: Engine,
                                                                               tmp_path: Path) -> None:
    _with_places(sqlite_store, tmp_path)
    words = ["Open", "مغلق", "مقيّد", "Partially  open", "مغلق جزئياً", "intermittent", "مفتوح"]
    path = csv_file(tmp_path / "status-hxl.csv", [
        ["Entry point", "Status", "Date", "Source"], ["#loc+code", "#status", "#date", "#meta+source"],
        *[["west-gate", w, f"2024-07-{i + 1:02d}", SOURCE] for i, w in enumerate(words)],
    ])
    report = import_file(sqlite_store, path)
    assert [(r["row"], r["column"]) for r in report.rejections] == [(8, "Status (#status)")]
    reason = report.rejections[0]["reason"]
    assert reason.startswith("expected a crossing status (open: open,") and reason.endswith("found intermittent")
    assert "مغلق" in reason and "restricted: restricted" in reason
    t = schema.observations
    with sqlite_store.connect() as conn:
        stored = conn.execute(select(t.c.text_value, t.c.note).order_by(t.c.date)).all()
    assert [s for s, _ in stored] == ["open", "closed", "restricted", "restricted", "restricted", "open"]
    assert stored[1][1] == "status as written: مغلق"


def test_a_status_at_a_place_that_is_no_entry_point_keeps_its_own_words(sqlite_store: Engine,
                                                                         tmp_path: Path) -> None:
    _with_places(sqlite_store, tmp_path)
    path = csv_file(tmp_path / "facilities-hxl.csv", [
        ["Area", "Status", "Date", "Source"], ["#loc+code", "#status", "#date", "#meta+source"],
        ["XQ0512", "functional", "2024-07-01", SOURCE],
    ])
    report = import_file(sqlite_store, path)
    assert (report.rows_imported, report.rows_rejected) == (1, 0)


# --- 6. a quantity in trucks --------------------------------------------------------------------------------

def test_a_quantity_in_trucks_is_a_truck_count_with_no_weight(sqlite_store: Engine, tmp_path: Path) -> None:
    path = csv_file(tmp_path / "deliveries-hxl.csv", [
        ["Date", "Crossing", "Item", "Quantity", "Unit", "Source"],
        ["#date", "#loc+crossing+name", "#item+name", "#indicator+num+quantity", "#indicator+unit", "#meta+source"],
        ["2024-05-01", "Rafah", "Wheat flour", "3", "trucks", SOURCE],
        ["2024-05-02", "Rafah", "Wheat flour", "1", "Truckload", SOURCE],
        ["2024-05-03", "Rafah", "Wheat flour", "20", "MT", SOURCE],
    ])
    import_file(sqlite_store, path)
    assert _stored(sqlite_store, "trucks") == [3.0, 1.0, None]
    assert _stored(sqlite_store, "kg") == [None, None, 20_000.0]
    flags = _stored(sqlite_store, "flags")
    assert all("no-weight" in str(f) and "quantity-in-trucks" in str(f) for f in flags[:2]), flags
    assert flags[2] is None or "quantity-in-trucks" not in str(flags[2])


# --- 7. messages ----------------------------------------------------------------------------------------------

def test_a_utf16_json_is_told_to_save_as_utf8_json(sqlite_store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "deliveries-hxl.json"
    path.write_bytes('[{"#date": "2024-05-01"}]'.encode("utf-16"))
    before = snapshot(sqlite_store)
    with pytest.raises(UserError, match=r"UTF-16 text; save it as UTF-8 JSON$"):
        import_file(sqlite_store, path)
    assert snapshot(sqlite_store) == before


def test_a_null_geometry_is_named(tmp_path: Path) -> None:
    from lifeline.geo.geojson_read import _geometry

    with pytest.raises(BadFile, match=r"feature 2, property 'geometry': expected a Polygon or MultiPolygon, "
                                      r"found null"):
        _geometry(tmp_path / "areas.geojson", 2, None)
