"""`lifeline demo`: a fresh store with the reference set and the line lists of --data, notes for the rest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from lifeline.cli.serve import line_lists, study_workbook
from lifeline.store import schema
from lifeline.store.engine import open_store
from tests.web.helpers import unrwa_csv

LIFELINE = Path(sys.executable).with_name("lifeline")


def test_line_lists_oldest_first_and_one_copy_per_publication(tmp_path: Path) -> None:
    for name in ("unrwa-commodities-received-20241111.xlsx", "unrwa-commodities-received-20241111.csv",
                 "unrwa-commodities-received-20240911.xlsx", "cogat-gaza-aid-data-20240924.csv"):
        (tmp_path / name).write_text("x")
    files, notes = line_lists(tmp_path)
    assert [f.name for f in files] == [
        "cogat-gaza-aid-data-20240924.csv",
        "unrwa-commodities-received-20240911.xlsx",  # the older list first, so the newer one revises it
        "unrwa-commodities-received-20241111.csv",
    ]
    assert notes == ["skipped unrwa-commodities-received-20241111.xlsx: same publication as "
                     "unrwa-commodities-received-20241111.csv"]


def test_study_workbook_prefers_the_journal_version(tmp_path: Path) -> None:
    assert study_workbook(tmp_path) is None
    for name in ("lshtm-gaza_food_data-v1-20241016.xlsx", "lshtm-gaza_food_data-journal-20250508.xlsx"):
        (tmp_path / name).write_text("x")
    assert study_workbook(tmp_path).name == "lshtm-gaza_food_data-journal-20250508.xlsx"  # type: ignore[union-attr]


def test_demo_builds_a_store_and_notes_what_it_skips(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    unrwa_csv(data / "unrwa-commodities-received-20240201.csv")
    (data / "readme.txt").write_text("not a line list\n")
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    done = subprocess.run([str(LIFELINE), "--db", db, "demo", "--data", str(data), "--no-serve"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"demo database: {db}" in done.stdout
    assert "imported unrwa-commodities-received-20240201.csv" in done.stderr
    assert "skipped readme.txt" in done.stderr
    engine = open_store(db)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.deliveries)).scalar() == 12
        assert conn.execute(select(func.count()).select_from(schema.locations)).scalar() > 5  # reference set
    engine.dispose()


def test_demo_starts_when_a_list_has_rejected_rows(tmp_path: Path) -> None:
    """`lifeline demo` is not an import command: a list stored with rejected rows is said, and the demo
    goes on (exit 0), where `lifeline import` would exit 1 (docs/importers.md)."""
    data = tmp_path / "data"
    data.mkdir()
    unrwa_csv(data / "unrwa-commodities-received-20240201.csv", bad_rows=2)
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    done = subprocess.run([str(LIFELINE), "--db", db, "demo", "--data", str(data), "--no-serve"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "2 rows of unrwa-commodities-received-20240201.csv rejected, listed at /api/v1/datasets/" in done.stderr
    assert f"demo database: {db}" in done.stdout


def test_demo_refuses_a_missing_folder(tmp_path: Path) -> None:
    done = subprocess.run([str(LIFELINE), "--db", f"sqlite:///{tmp_path / 'd.db'}", "demo", "--data",
                           str(tmp_path / "nope"), "--no-serve"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "nope" in done.stderr and "Traceback" not in done.stderr
