"""Implausible values and files beyond the limits: each class refused with one line, exit 2, store unchanged.

Every file here is built in ``tmp_path`` (``tests/ingest/hostile.py``); the reader must never see
the spreadsheets among them (it would allocate the whole grid).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from lifeline.errors import BadFile
from lifeline.ingest import limits
from lifeline.ingest.service import import_file, parse
from lifeline.ingest.tables import check_line_lengths
from lifeline.store import schema
from lifeline.store.engine import open_store
from tests.cli.helpers import invoke_cli, snapshot, unrwa_csv, unrwa_row
from tests.conftest import shared_file
from tests.ingest import hostile
from tests.ingest.test_hxl import ROWS, write_csv

COGAT = "cogat-gaza-aid-data-20240924.csv"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """One SQLite store holding a good import; every refusal below must leave it exactly as it is."""
    folder = tmp_path_factory.mktemp("limits")
    url = f"sqlite:///{folder / 'store.db'}"
    engine = open_store(url)
    import_file(engine, unrwa_csv(folder / "unrwa-commodities-received-20240101.csv", [unrwa_row(1, quantity=3)]))
    yield url, engine
    engine.dispose()


def _hxl_rows(name: str, change: Callable[[list[list[str]]], list[list[str]]]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        return write_csv(folder / name, change([list(r) for r in ROWS]))

    return make


REFUSED: dict[str, tuple[Callable[[Path], Path], str]] = {
    "cell at XFD1048576": (hostile.far_cell("XFD1048576"), "cells"),
    "cell at ZZ200000": (hostile.far_cell("ZZ200000"), "cells"),
    "shared strings beyond the limit": (hostile.huge_shared_string, "shared text inflates"),
    "sheet cell beyond Excel's cell limit": (hostile.long_cell_in_sheet(), "characters"),
    "one shared string beyond Excel's cell limit": (hostile.one_huge_shared_string, "more than 32,767 characters"),
    "csv field beyond the csv module's limit": (hostile.long_field_csv(), "200,000 characters"),
    "csv quoted field over lines beyond the cell limit": (
        hostile.quoted_field_over_lines(2 * 2**20), "row 3: a quoted field runs on"
    ),
    "csv line beyond the line limit": (hostile.long_field_csv(2 * 2**20, "long-line.csv"), "line is longer than 1 MB"),
    "json nested 10,000 deep": (hostile.DEEP_JSON, "nested 10,001 levels"),
    "json integer of 5,000 digits": (hostile.LONG_INTEGER, "5,000 digits"),
    "json not UTF-8 beyond the first bytes": (hostile.json_bad_byte_late, "not UTF-8"),
    "xlsx with damaged compressed data": (hostile.damaged_deflate, "damaged"),
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


def test_a_csv_line_at_the_line_limit_is_read(tmp_path: Path) -> None:
    """Refused only beyond ``MAX_CSV_LINE_BYTES``: a line of exactly the limit goes on to the cell check."""
    path = tmp_path / "at-limit.csv"
    path.write_bytes(b"a\n" + b"b" * limits.MAX_CSV_LINE_BYTES + b"\n")
    check_line_lengths(path)
    path.write_bytes(b"a\n" + b"b" * (limits.MAX_CSV_LINE_BYTES + 1) + b"\n")
    with pytest.raises(BadFile, match="line is longer") as refused:
        check_line_lengths(path)
    assert refused.value.row == 2
