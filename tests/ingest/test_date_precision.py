"""A row dated by a month in a line list of days (round 6 of the unseen files: a month's 58 trucks dated
``2025-02`` among daily rows was stored as 1 February's deliveries, exit 0). It is refused, naming its row,
column and the period it spans; a list dated by months throughout is read as before."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.helpers import invoke_cli

HEAD = ("date,crossing,item,trucks,source\n"
        "#date,#loc+crossing+name,#item+name,#indicator+num+trucks,#meta+source\n")
SRC = "Test cell (fictional)"


def _import(tmp_path: Path, name: str, rows: list[str]) -> tuple[int, str, str]:
    path = tmp_path / name
    path.write_text(HEAD + "".join(f"{r},{SRC}\n" for r in rows), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'lifeline.db'}"
    ran = invoke_cli(db, "import", "--kind", "hxl", str(path))
    listed = invoke_cli(db, "deliveries", "--by", "day", "--format", "json")
    return ran.returncode, ran.stdout + ran.stderr, listed.stdout


def test_a_month_among_days_is_refused_with_its_row_and_period(tmp_path: Path) -> None:
    code, said, listed = _import(tmp_path, "daily.csv", ["2025-02-03,Kerem Shalom,flour,2",
                                                          "2025-02-04,Kerem Shalom,flour,2",
                                                          "2025-02,Kerem Shalom,flour,58"])
    assert code == 1, said  # rows rejected, the others stored (docs/ingest.md exit statuses)
    said = " ".join(said.split())
    assert "rejected row 5, column 'date (#date)'" in said and "found 2025-02" in said, said
    assert "2025-02-01 to 2025-02-28" in said and "Traceback" not in said
    rows = json.loads(listed)["rows"]
    assert "2025-02-01" not in {r["period"] for r in rows} and sum(float(r["trucks"]) for r in rows) == 4, rows


def test_a_list_of_months_throughout_is_read_as_before(tmp_path: Path) -> None:
    code, said, listed = _import(tmp_path, "monthly.csv", ["2025-01,Kerem Shalom,flour,40",
                                                            "2025-02,Kerem Shalom,flour,58"])
    assert code == 0, said
    assert sum(float(r["trucks"]) for r in json.loads(listed)["rows"]) == 98
