"""``lifeline commodities unmapped``: descriptions no catalogue rule matched, with row counts, per source."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lifeline.ingest.service import import_file
from lifeline.model.commodities import unmapped_table

TAGS = "#date,#item+name,#indicator+num+quantity,#indicator+unit,#meta+id,#meta+source\n"


def _file(path: Path, publisher: str, rows: list[tuple[str, str]]) -> Path:
    lines = [f"2024-05-0{i % 9 + 1},{desc},1,Pallets,{rid},{publisher}\n" for i, (rid, desc) in enumerate(rows)]
    path.write_text("Date,Cargo,Qty,Units,ID,Publisher\n" + TAGS + "".join(lines), encoding="utf-8")
    return path


def test_unmapped_descriptions_are_counted_per_source(store: Engine, tmp_path: Path) -> None:
    import_file(
        store,
        _file(
            tmp_path / "ngo-a.csv",
            "NGO A",
            [
                ("1", "Wheat flour"),
                ("2", "Mystery cargo"),
                ("3", "Mystery cargo"),
                ("4", "Paper cups"),
                ("5", "Rice + Sugar"),
            ],
        ),
    )
    import_file(store, _file(tmp_path / "ngo-b.csv", "NGO B", [("1", "Mystery cargo"), ("2", "Tents")]))
    with store.connect() as conn:
        table = unmapped_table(conn)
        only_b = unmapped_table(conn, "NGO B")
    got = [(r["source"], r["description"], r["rows"]) for r in table.rows]
    assert got == [("NGO A", "Mystery cargo", 2), ("NGO A", "Paper cups", 1), ("NGO B", "Mystery cargo", 1)]
    assert [(r["source"], r["rows"]) for r in only_b.rows] == [("NGO B", 1)]
    assert table.rows[0]["first_date"] == "2024-05-02" and table.rows[0]["last_date"] == "2024-05-03"


@pytest.mark.slow  # two CLI processes
def test_cli_prints_one_json_document(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    path = _file(tmp_path / "ngo.csv", "NGO", [("1", "Mystery cargo"), ("2", "Flour")])
    cli = [str(Path(sys.executable).with_name("lifeline"))]
    subprocess.run([*cli, "--db", db, "import", str(path), "--format", "json"], check=True, capture_output=True)
    out = subprocess.run(
        [*cli, "--db", db, "commodities", "unmapped", "--format", "json"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    document = json.loads(out.stdout)
    assert [(r["description"], r["rows"]) for r in document["rows"]] == [("Mystery cargo", 1)]
    assert any("normalisation.toml" in n for n in document["notes"])
