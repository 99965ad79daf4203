"""The import summary on stdout says which flags the kept rows carry (unseen round 6, b02: five units in one
column were stored with flags and nothing on stdout said so)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from tests.cli.helpers import run_cli

MIXED_UNITS = """date,crossing,item,quantity,unit,source
#date,#loc+crossing+name,#item+name,#indicator+num+quantity,#indicator+unit,#meta+source
2025-02-01,Kerem Shalom,wheat flour,40,MT,test list
2025-02-01,Kerem Shalom,rice,500,kg,test list
2025-02-02,Kerem Shalom,rice,3,tonnes (approx),test list
2025-02-02,Kerem Shalom,lentils,4,trucks,test list
"""


def test_import_summary_counts_each_flag_on_stdout(sqlite_store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "mixed-units.csv"
    path.write_text(MIXED_UNITS, encoding="utf-8")
    ran = run_cli(sqlite_store.url.render_as_string(hide_password=False), "import", "--kind", "hxl", str(path))
    assert ran.returncode == 0, ran.stderr
    out = " ".join(ran.stdout.split())
    assert "rows kept with flags (" in out, out
    assert "unknown-unit 1" in out and "quantity-in-trucks 1" in out, out
