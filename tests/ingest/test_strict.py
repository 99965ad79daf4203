"""--strict: a file with a rejected row is refused whole (one line, exit 2, nothing stored); without it the
other rows are stored and the rejected one named."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from lifeline.store import schema
from lifeline.store.engine import open_store
from tests.cli.helpers import invoke_cli

FILE = """date,crossing,item,trucks,tonnes,source
#date,#loc+crossing+name,#item+name,#indicator+num+trucks,#indicator+num+tonnes,#meta+source
2024-06-01,Kerem Shalom,wheat flour,3,60,strict test
2024-06-02,Kerem Shalom,rice,-2,40,strict test
2024-06-03,Kerem Shalom,lentils,1,20,strict test
"""


def _deliveries(url: str) -> int:
    engine = open_store(url)
    with engine.connect() as conn:
        n = int(conn.execute(select(func.count()).select_from(schema.deliveries)).scalar_one())
    engine.dispose()
    return n


def test_strict_refuses_the_file_on_its_first_rejected_row(tmp_path: Path) -> None:
    url, path = f"sqlite:///{tmp_path / 'store.db'}", tmp_path / "strict.csv"
    path.write_text(FILE, encoding="utf-8")
    result = invoke_cli(url, "import", "--strict", str(path))
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "row 4" in lines[0] and "trucks" in lines[0] and "--strict" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert _deliveries(url) == 0


def test_without_strict_the_other_rows_are_stored_and_the_bad_one_named(tmp_path: Path) -> None:
    url, path = f"sqlite:///{tmp_path / 'store.db'}", tmp_path / "lenient.csv"
    path.write_text(FILE, encoding="utf-8")
    result = invoke_cli(url, "import", str(path))
    assert result.returncode == 1  # stored, with its rejected row named (exit 1, docs/importers.md)
    assert "rejected row 4" in result.stdout and "1 of 3 rows rejected, not stored" in result.stdout
    assert _deliveries(url) == 2


def test_a_not_recorded_mark_in_a_weight_cell_is_missing_not_a_rejection(tmp_path: Path) -> None:
    """HDX and COGAT exports write "-" for a figure not recorded: the consignment stays, its weight unknown."""
    rows = ["date,crossing,item,trucks,tonnes,source",
            "#date,#loc+crossing+name,#item+name,#indicator+num+trucks,#indicator+num+tonnes,#meta+source",
            "2024-06-01,Kerem Shalom,rice,1,-,marks test", "2024-06-02,Kerem Shalom,rice,1,\u2014,marks test",
            "2024-06-03,Kerem Shalom,rice,1,n/a,marks test", "2024-06-04,Kerem Shalom,rice,1,abc,marks test"]
    url, path = f"sqlite:///{tmp_path / 'store.db'}", tmp_path / "marks.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = invoke_cli(url, "import", str(path))
    assert result.returncode == 1 and "rejected row 6" in result.stdout and "rejected row 3" not in result.stdout
    engine = open_store(url)
    with engine.connect() as conn:
        kept = conn.execute(select(schema.deliveries.c.kg, schema.deliveries.c.flags)).all()
    engine.dispose()
    assert len(kept) == 3 and all(t is None and "no-weight" in (f or "") for t, f in kept)
