"""Every hostile file of issue 15, and a file of the real lists' size class, within the documented memory ceiling.

Each import runs as the ``lifeline`` command in a child of a small launcher (``bench._common.run_measured``)
that stops it once its resident memory passes the ceiling and reads its exact peak with ``wait4``; a
child of this test process directly would report pytest's own size as its peak. The ceilings are
``limits.REFUSAL_CEILING_MB`` for a refused file and ``limits.MEMORY_CEILING_MB`` for an imported one
(docs/importers.md, "Memory"). The files are built in ``tmp_path`` (``tests/ingest/hostile.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bench._common import run_measured
from bench.ingest import generate
from lifeline.ingest import limits
from lifeline.ingest.service import import_file
from lifeline.store.engine import open_store
from tests.cli.helpers import lifeline_argv, snapshot, unrwa_csv, unrwa_row
from tests.ingest.hostile import ISSUE_SIZES

# Large to build or to refuse (a 1.5 GB bomb, 200 MB of one cell or field): the slow run only.
SLOW = {
    "xlsx: shared strings inflating to 1.5 GB", "xlsx: one 200 MB cell", "csv: one 200 MB field",
    "csv: one quoted 200 MB field over 400 lines",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """A store holding one good import: a refusal must leave it exactly as it is."""
    folder = tmp_path_factory.mktemp("memory")
    url = f"sqlite:///{folder / 'store.db'}"
    engine = open_store(url)
    import_file(engine, unrwa_csv(folder / "unrwa-commodities-received-20240101.csv", [unrwa_row(1, quantity=3)]))
    yield url, engine
    engine.dispose()


def _cases() -> list[object]:
    return [pytest.param(name, marks=[pytest.mark.slow] if name in SLOW else [], id=name) for name in ISSUE_SIZES]


@pytest.mark.parametrize("dry_run", [False, True], ids=["import", "dry run"])
@pytest.mark.parametrize("name", _cases())
def test_hostile_file_is_refused_within_the_ceiling(
    name: str, dry_run: bool, store: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = store
    make, says = ISSUE_SIZES[name]
    path = make(tmp_path)
    before = snapshot(engine)
    argv = [*lifeline_argv(), "--db", url, "import", *(["--dry-run"] if dry_run else []), str(path)]
    run = run_measured(argv, ceiling_mb=limits.REFUSAL_CEILING_MB, timeout=300)
    assert not run.stopped, f"{run.stopped}; stderr: {run.stderr[-500:]}"
    assert run.peak_mb <= limits.REFUSAL_CEILING_MB, f"peak {run.peak_mb:.0f} MB"
    assert run.returncode == 2, (run.returncode, run.stderr[-1000:])
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and says in lines[0], lines
    assert snapshot(engine) == before


@pytest.mark.slow
def test_a_file_of_the_real_lists_size_class_is_imported_within_the_ceiling(tmp_path: Path) -> None:
    """The 1,000,000-row HXL file of bench/ingest.py (69 MB), stored in a fresh SQLite store."""
    path = generate(tmp_path / "deliveries-1000000.csv", 1_000_000)
    argv = [*lifeline_argv(), "--db", f"sqlite:///{tmp_path / 'big.db'}", "import", str(path)]
    run = run_measured(argv, ceiling_mb=limits.MEMORY_CEILING_MB, timeout=600)
    assert not run.stopped, f"{run.stopped}; stderr: {run.stderr[-500:]}"
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-1000:]
    assert run.peak_mb <= limits.MEMORY_CEILING_MB, f"peak {run.peak_mb:.0f} MB"
