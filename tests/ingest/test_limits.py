"""Implausible values and files beyond the limits: each class refused with one line, exit 2, store unchanged.

Every file here is built in ``tmp_path``. The spreadsheets are real xlsx archives whose sheet XML
is rewritten to place a cell far away or to carry one huge shared string, as a careless export or
a hostile upload would; the reader must never see them (it would allocate the whole grid).
"""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from lifeline.ingest import limits
from lifeline.ingest.service import import_file, parse
from lifeline.store import schema
from lifeline.store.engine import open_store
from tests.cli.helpers import invoke_cli, snapshot, unrwa_csv, unrwa_row
from tests.conftest import shared_file
from tests.ingest.test_hxl import HEADER, ROWS, TAGS, write_csv

COGAT = "cogat-gaza-aid-data-20240924.csv"

SHEET = "xl/worksheets/sheet1.xml"
SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
SHEET_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData>'
    "</worksheet>"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """One SQLite store holding a good import; every refusal below must leave it exactly as it is."""
    folder = tmp_path_factory.mktemp("limits")
    url = f"sqlite:///{folder / 'store.db'}"
    engine = open_store(url)
    import_file(engine, unrwa_csv(folder / "unrwa-commodities-received-20240101.csv", [unrwa_row(1, quantity=3)]))
    yield url, engine
    engine.dispose()


def _xlsx_with_sheet(path: Path, sheet_xml: str, shared: bytes | None = None) -> Path:
    """A valid workbook (openpyxl) whose first sheet's XML (and shared strings) are replaced."""
    book = Workbook()
    book.active.append(["Date", "Qty"])  # type: ignore[union-attr]
    source = path.with_suffix(".base.xlsx")
    book.save(source)
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in src.infolist():
            if item.filename == SHEET:
                out.writestr(SHEET, sheet_xml)
            elif item.filename != "xl/sharedStrings.xml" or shared is None:
                out.writestr(item, src.read(item))
        if shared is not None:
            out.writestr("xl/sharedStrings.xml", shared)
    source.unlink()
    return path


def _far_cell(reference: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        row = "".join(ch for ch in reference if ch.isdigit())
        xml = SHEET_XML.format(
            rows=f'<row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c></row>'
            f'<row r="{row}"><c r="{reference}"><v>1</v></c></row>'
        )
        return _xlsx_with_sheet(folder / f"far-{reference}.xlsx", xml)

    return make


def _huge_shared_string(folder: Path) -> Path:
    one = b"<si><t>" + b"x" * 1000 + b"</t></si>"  # each string within the cell limit; all of them beyond
    many = one * (limits.MAX_SHARED_STRINGS_BYTES // len(one) + 1000)
    shared = SST + many + b"</sst>"
    xml = SHEET_XML.format(rows='<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    return _xlsx_with_sheet(folder / "shared.xlsx", xml, shared)


def _one_huge_shared_string(folder: Path) -> Path:
    text = b"x" * (16 * 2**20)  # one string: refused by the cell limit while the archive is read
    shared = SST + b"<si><t>" + text + b"</t></si></sst>"
    xml = SHEET_XML.format(rows='<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    return _xlsx_with_sheet(folder / "one-shared.xlsx", xml, shared)


def _long_cell_in_sheet(folder: Path) -> Path:
    long = "y" * (limits.MAX_CELL_CHARS * 4 + 10)  # beyond the limit in any encoding: refused in the archive
    xml = SHEET_XML.format(rows=f'<row r="1"><c r="A1" t="inlineStr"><is><t>{long}</t></is></c></row>')
    return _xlsx_with_sheet(folder / "long-cell.xlsx", xml)


def _hxl_rows(name: str, change: Callable[[list[list[str]]], list[list[str]]]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        return write_csv(folder / name, change([list(r) for r in ROWS]))

    return make


def _text(name: str, content: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_text(content, encoding="utf-8")
        return path

    return make


def _hxl_json(body: str) -> str:
    return f'[{HEADER[:5]!r}, {TAGS[:5]!r}, {body}]'.replace("'", '"')


def _long_field_csv(folder: Path) -> Path:
    path = folder / "long-field.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        out.writerow(TAGS)
        row = list(ROWS[0])
        row[3] = "z" * 200_000  # beyond the csv module's field limit (131,072) and the cell limit
        out.writerow(row)
    return path


def _json_bad_byte_late(folder: Path) -> Path:
    path = folder / "late-byte.json"
    rows = ", ".join('["2024-05-01", "Rafah", "Food", "Flour", 3]' for _ in range(400))  # past the 8 KB sniff
    path.write_bytes(_hxl_json(rows).encode()[:-1] + b', ["\x80"]]')
    return path


def _damaged_deflate(folder: Path) -> Path:
    """A workbook whose sheet's compressed bytes are overwritten (found by fuzzing: a zlib error escaped)."""
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 2000))
    path = _xlsx_with_sheet(folder / "damaged.xlsx", SHEET_XML.format(rows=rows))
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SHEET)
    raw = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 40
    raw[start : start + 8] = b"~o\xbcN\xb9\xb3\x8bb"
    path.write_bytes(bytes(raw))
    return path


REFUSED: dict[str, tuple[Callable[[Path], Path], str]] = {
    "cell at XFD1048576": (_far_cell("XFD1048576"), "cells"),
    "cell at ZZ200000": (_far_cell("ZZ200000"), "cells"),
    "shared strings beyond the limit": (_huge_shared_string, "shared text inflates"),
    "sheet cell beyond Excel's cell limit": (_long_cell_in_sheet, "characters"),
    "one shared string beyond Excel's cell limit": (_one_huge_shared_string, "more than 32,767 characters"),
    "csv field beyond the csv module's limit": (_long_field_csv, "200,000 characters"),
    "json nested 10,000 deep": (_text("deep.json", _hxl_json("[" * 10_000 + "]" * 10_000)), "nested 10,001 levels"),
    "json integer of 5,000 digits": (
        _text("digits.json", _hxl_json('["2024-05-01", "Rafah", "Food", "Flour", ' + "9" * 5000 + "]")),
        "5,000 digits",
    ),
    "json not UTF-8 beyond the first bytes": (_json_bad_byte_late, "not UTF-8"),
    "xlsx with damaged compressed data": (_damaged_deflate, "damaged"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_file_beyond_a_limit_is_refused_in_one_line(name: str, store: tuple[str, Engine], tmp_path: Path) -> None:
    url, engine = store
    make, says = REFUSED[name]
    path = make(tmp_path)
    before = snapshot(engine)
    result = invoke_cli(url, "import", str(path))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("lifeline: error: ") and str(path) in lines[0] and says in lines[0], lines[0]
    assert snapshot(engine) == before


def _dates(first: str, second: str) -> Callable[[list[list[str]]], list[list[str]]]:
    def change(rows: list[list[str]]) -> list[list[str]]:
        rows[0][0], rows[2][0] = first, second
        return [rows[0], rows[2]]

    return change


def _quantities(rows: list[list[str]]) -> list[list[str]]:
    rows[0][4], rows[1][4] = "1e309", "1e308"
    rows[1][5] = "MT"
    return rows


IMPLAUSIBLE: dict[str, tuple[Callable[[Path], Path], list[tuple[int, str, str]]]] = {
    "dates 0001-01-01 and 9999-12-31": (
        _hxl_rows("dates.csv", _dates("0001-01-01", "9999-12-31")),
        [(3, "Date (#date)", "found 0001-01-01"), (4, "Date (#date)", "found 9999-12-31")],
    ),
    "year 0": (
        _hxl_rows("year0.csv", _dates("0000-01-01", "1947-12-31")),
        [(3, "Date (#date)", "found 0000-01-01"), (4, "Date (#date)", "found 1947-12-31")],
    ),
    "1e309 and 1e308 tonnes": (
        _hxl_rows("huge.csv", _quantities),
        [(3, "Qty (#indicator+num+quantity)", "finite number"), (4, "Qty (#indicator+num+quantity)", "at most")],
    ),
}


@pytest.mark.parametrize("name", list(IMPLAUSIBLE))
def test_implausible_values_are_row_rejections_naming_row_and_column(
    name: str, store: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = store
    make, expected = IMPLAUSIBLE[name]
    path = make(tmp_path)
    before = snapshot(engine)
    result = invoke_cli(url, "import", "--dry-run", "--format", "json", str(path))
    assert result.returncode == 1, result.stderr  # would be stored with these rows rejected
    assert "Infinity" not in result.stdout
    report = json.loads(result.stdout)["datasets"][0]
    found = [(r["row"], r["column"], r["reason"]) for r in report["rejections"]]
    assert len(found) == len(expected), found
    for (row, column, reason), (want_row, want_column, says) in zip(found, expected, strict=True):
        assert (row, column) == (want_row, want_column) and says in reason, (row, column, reason)
    assert snapshot(engine) == before


def test_a_file_of_only_implausible_dates_stores_nothing(store: tuple[str, Engine], tmp_path: Path) -> None:
    url, engine = store
    path = _hxl_rows("only-bad.csv", _dates("0001-01-01", "9999-12-31"))(tmp_path)
    result = invoke_cli(url, "import", str(path))
    # Every row rejected: the file is refused (exit 2, one line naming the first bad cell), not recorded empty.
    assert result.returncode == 2 and "every row of the file was rejected (2 of 2)" in result.stderr, result.stderr
    assert "found 0001-01-01" in result.stderr and "Traceback" not in result.stderr
    with engine.connect() as conn:
        stored = conn.execute(
            select(func.count()).select_from(schema.deliveries).where(schema.deliveries.c.series == "only-bad")
        ).scalar_one()
    assert stored == 0


def test_a_truck_over_the_ceiling_is_kept_and_flagged(tmp_path: Path) -> None:
    rows = [list(ROWS[3])]
    rows[0][4], rows[0][6] = "150", "1"  # 150 t on one truck
    _, parsed = parse(write_csv(tmp_path / "heavy.csv", rows))
    assert parsed.rows.height == 1 and "over-100t-per-truck" in (parsed.rows["flags"][0] or "")


def test_cogat_excerpt_that_made_polars_panic_is_read(store: tuple[str, Engine], tmp_path: Path) -> None:
    """640 lines of the real COGAT list with one date split over two lines (found by fuzzing).

    Formatting the rejection text of a filtered date column read in two chunks panicked inside
    polars (PanicException, a traceback); now the two broken lines are rejections naming their rows.
    """
    lines = shared_file(COGAT).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("20471,"))
    excerpt = [line.replace("21055,2 Apr 2024", "21055,2 Apr 202\n4") for line in lines[start : start + 640]]
    path = tmp_path / "cogat-gaza-aid-data-excerpt.csv"
    path.write_text("\n".join([lines[0], *excerpt]) + "\n", encoding="utf-8")
    url, engine = store
    before = snapshot(engine)
    result = invoke_cli(url, "import", "--dry-run", "--format", "json", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr  # two rows would be rejected
    report = json.loads(result.stdout)["datasets"][0]
    assert [(r["row"], r["column"]) for r in report["rejections"]] == [(586, "Date"), (587, "Date")]
    assert snapshot(engine) == before


def test_a_month_of_trucks_on_a_daily_row_is_kept_and_flagged(tmp_path: Path) -> None:
    """1,500 trucks for 30 t (20 kg a truck): a period's total written on a daily row, flagged, never silent."""
    rows = [list(ROWS[3])]
    rows[0][4], rows[0][6] = "30", "1500"
    _, parsed = parse(write_csv(tmp_path / "light.csv", rows))
    assert parsed.rows.height == 1 and "under-0.5t-per-truck" in (parsed.rows["flags"][0] or "")
    ordinary = [list(ROWS[3])]
    ordinary[0][4], ordinary[0][6] = "40", "2"
    _, parsed = parse(write_csv(tmp_path / "ordinary.csv", ordinary))
    assert "per-truck" not in (parsed.rows["flags"][0] or "")
