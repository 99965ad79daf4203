"""Classes of bad input found by walking every import kind with hand-made files (and by a reader who had
not seen the code): each is one clear line or one named rejection, never a traceback nor a wrong figure.

- a header and hashtag row with no data under them (CSV, XLSX, JSON): refused, naming the row;
- a JSON table whose elements are of mixed kinds: refused, naming the element;
- a total row ("Total", "Grand total", "الإجمالي") and a hashtag row repeated between data rows: left
  out, each named as what it is, never stored (a total would double every sum);
- a negative count of people (#population, #inneed ...): rejected, naming row and column;
- Arabic text in Windows-1256: the refusal suggests that encoding, not latin-1.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from lifeline.errors import UserError
from lifeline.ingest.service import import_file
from lifeline.store import schema
from tests.cli import helpers
from tests.cli.helpers import invoke_cli, snapshot
from tests.ingest.sheets import xlsx_file

store_url = helpers.store_url
fresh_store = helpers.fresh_store

HEADER = ["Date", "Crossing", "Item", "Trucks", "Tonnes"]
TAGS = ["#date", "#loc+crossing+name", "#item+name", "#indicator+num+trucks", "#indicator+num+tonnes"]
DATA = [["2024-05-01", "Rafah", "Flour", "3", "30"], ["2024-05-02", "Kerem Shalom", "Rice", "4", "40"]]


def _csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    return path




def _json(path: Path, rows: list[list[str]]) -> Path:
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return path


WRITERS = {"csv": _csv, "xlsx": xlsx_file, "json": _json}


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_hashtags_without_data_are_refused_naming_the_row(store_url: str, tmp_path: Path, fmt: str) -> None:
    path = WRITERS[fmt](tmp_path / f"deliveries-hxl.{fmt}", [HEADER, TAGS])
    result = invoke_cli(store_url, "import", str(path))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "row 3" in lines[0] and "hashtag row (row 2) but no data rows" in lines[0], lines[0]


def test_a_json_table_of_mixed_elements_names_the_element(fresh_store: Engine, tmp_path: Path) -> None:
    path = _json(tmp_path / "deliveries-hxl.json", [TAGS, DATA[0], "a stray string"])  # type: ignore[list-item]
    with pytest.raises(UserError, match=r"row 3: element 3 of the JSON array is text, the first is an array"):
        import_file(fresh_store, path)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("total", ["Total", "Grand total:", "الإجمالي"])
def test_total_and_repeated_hashtag_rows_are_named_and_never_stored(fresh_store: Engine, tmp_path: Path,
                                                                     fmt: str, total: str) -> None:
    rows = [HEADER, TAGS, DATA[0], TAGS, DATA[1], [total, "", "", "7", "70"]]
    report = import_file(fresh_store, WRITERS[fmt](tmp_path / f"deliveries-hxl.{fmt}", rows))
    reasons = {r["row"]: r["reason"] for r in report.rejections}
    assert reasons == {4: "row 4 repeats the hashtag row (row 2): two exports pasted together?; left out",
                       6: "row 6 is a total row; left out (its figures are the sum of other rows)"}
    assert (report.rows_read, report.rows_imported, report.rows_rejected) == (4, 2, 2)
    with fresh_store.connect() as conn:
        assert conn.execute(select(func.sum(schema.deliveries.c.trucks))).scalar() == 7  # 3 + 4, the total not added


def test_a_total_row_in_an_observations_file_of_two_value_columns_balances(fresh_store: Engine, tmp_path: Path) -> None:
    rows = [["Date", "Area", "Population", "In need"], ["#date", "#adm1+code", "#population", "#inneed"],
            ["2024-05-01", "PS-RFH", "100", "50"], ["المجموع", "", "100", "50"]]
    report = import_file(fresh_store, _csv(tmp_path / "population-hxl.csv", rows))
    assert (report.rows_read, report.rows_imported, report.rows_rejected) == (3, 2, 1)
    assert report.rejections[0]["row"] == 4 and "total row" in report.rejections[0]["reason"]


def test_a_negative_count_of_people_is_rejected(fresh_store: Engine, tmp_path: Path) -> None:
    rows = [["Date", "Area", "Population", "In need"], ["#date", "#adm1+code", "#population", "#inneed"],
            ["2024-05-01", "PS-RFH", "-5", "50"], ["2024-05-02", "PS-RFH", "100", "-1"]]
    report = import_file(fresh_store, _csv(tmp_path / "population-hxl.csv", rows))
    assert [(r["row"], r["column"], r["reason"]) for r in report.rejections] == [
        (3, "Population (#population)", "expected a count of people (zero or more), found -5"),
        (4, "In need (#inneed)", "expected a count of people (zero or more), found -1"),
    ]


def test_arabic_in_windows_1256_is_named_as_such(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "deliveries-hxl.csv"
    text = "التاريخ,المعبر,الشاحنات\n#date,#loc+crossing+name,#indicator+num+trucks\n2024-05-01,رفح,3\n"
    path.write_bytes(text.encode("cp1256"))
    result = invoke_cli(store_url, "import", str(path))
    assert result.returncode == 2 and "Windows-1256 (Arabic)?" in result.stderr and "row 1" in result.stderr, \
        result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_refusals_leave_the_store_unchanged(fresh_store: Engine, tmp_path: Path) -> None:
    before = snapshot(fresh_store)
    for name, rows in (("a-hxl.csv", [HEADER, TAGS]), ("b-hxl.json", [TAGS, DATA[0], 5])):
        with pytest.raises(UserError):
            import_file(fresh_store, (_json if name.endswith("json") else _csv)(tmp_path / name, rows))  # type: ignore[arg-type]
    assert snapshot(fresh_store) == before


def test_a_negative_figure_is_shown_as_written(fresh_store: Engine, tmp_path: Path) -> None:
    rows = [HEADER, TAGS, ["2024-05-01", "Rafah", "Flour", "-3", "30"], ["2024-05-02", "Rafah", "Flour", "3", "-2.5"],
            DATA[0]]  # one good row: a file no row of which can be read is refused whole
    report = import_file(fresh_store, _csv(tmp_path / "deliveries-hxl.csv", rows))
    assert [r["reason"] for r in report.rejections] == ["expected zero or more, found -3",
                                                        "expected zero or more, found -2.5"]
