"""A workbook whose hashtag row has a cell merged across columns (round 6 of the unseen files: trucks under a
merged "amount" header were dropped without a word, the import exited 1 for another reason). Refused with one
line naming the merged range and the column; merged cells in the header row above it are harmless."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook

from tests.cli.helpers import invoke_cli

SRC = "Test cell (fictional)"


def _book(path: Path, merge: str) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["date", "crossing", "item", "amount", None, "source"])
    sheet.append(["#date", "#loc+crossing+name", "#item+name", "#indicator+num+tonnes",
                  None if merge.endswith("2") else "#indicator+num+trucks", "#meta+source"])
    for day in (1, 2):
        sheet.append([f"2025-02-0{day}", "Kerem Shalom", "flour", 40, 4, SRC])
    sheet.merge_cells(merge)
    book.save(path)
    return path


def test_a_hashtag_cell_merged_over_a_column_with_values_is_refused(tmp_path: Path) -> None:
    path = _book(tmp_path / "merged.xlsx", "D2:E2")
    ran = invoke_cli(f"sqlite:///{tmp_path / 'l.db'}", "import", "--kind", "hxl", str(path))
    said = " ".join(ran.stderr.split())
    assert ran.returncode == 2 and len(ran.stderr.strip().splitlines()) == 1, ran.stderr
    assert "row 2" in said and "merged cells (D2:E2)" in said and "column E" in said, said
    listed = invoke_cli(f"sqlite:///{tmp_path / 'l.db'}", "datasets", "--format", "json")
    assert json.loads(listed.stdout)["rows"] == []  # nothing recorded


def test_merged_header_cells_above_the_hashtag_row_are_harmless(tmp_path: Path) -> None:
    path = _book(tmp_path / "header.xlsx", "D1:E1")
    ran = invoke_cli(f"sqlite:///{tmp_path / 'l.db'}", "import", "--kind", "hxl", str(path))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "2 imported" in " ".join(ran.stdout.split())
