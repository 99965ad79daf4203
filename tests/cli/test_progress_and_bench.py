"""The import progress bar (only for imports over a second) and the ingest benchmark's one table."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.ingest import generate
from tests.cli.helpers import ROOT, run_cli, unrwa_csv, unrwa_row

INTERACTIVE = {"TTY_INTERACTIVE": "1", "TTY_COMPATIBLE": "1"}  # Rich draws live bars as on a terminal


def _cli_as_terminal(db: str, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    old = {k: os.environ.get(k) for k in INTERACTIVE}
    os.environ.update(INTERACTIVE)
    try:
        started = time.monotonic()
        result = run_cli(db, *args)
        return result, time.monotonic() - started
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_quick_import_shows_no_bar(tmp_path: Path) -> None:
    path = unrwa_csv(tmp_path / "small.csv", [unrwa_row(i) for i in range(1, 30)])
    result, _ = _cli_as_terminal(f"sqlite:///{tmp_path / 's.db'}", "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "storing" not in result.stderr


@pytest.mark.slow
def test_long_import_shows_the_stages_with_row_counts(tmp_path: Path) -> None:
    path = generate(tmp_path / "big.csv", 1_000_000)  # storing starts after the bar's one-second mark
    result, elapsed = _cli_as_terminal(f"sqlite:///{tmp_path / 's.db'}", "import", str(path))
    assert result.returncode == 0, result.stderr
    if elapsed < 2.0:
        pytest.skip(f"the import took {elapsed:.1f} s here: too quick for the bar to be drawn reliably")
    assert "storing big.csv" in result.stderr
    assert "1,000,000/1,000,000 rows" in result.stderr
    assert result.stderr.index("storing big.csv") < result.stderr.index("updating totals big.csv")
    assert "1000000 imported" in result.stdout


@pytest.mark.slow
def test_bench_ingest_prints_one_table(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ingest.py"), "--rows", "20000", "--no-pg"],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Lifeline ingest benchmark (generated file: 20,000 rows")
    header = next(i for i, line in enumerate(lines) if line.startswith("step "))
    body = lines[header + 2:]
    names = [line.split("  ")[0] for line in body]
    for expected in ("read + validate + store (SQLite)", "aggregate area x commodity (SQLite)", "libhxl", "pandas"):
        assert any(expected in n for n in names), (expected, names)
    stored = next(line for line in body if "read + validate + store (SQLite)" in line)
    assert "20,000" in stored and "failed" not in stored
