"""A store holding Gaza's reference set, a few Gaza deliveries and the worked example side by side."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lifeline.ingest.service import import_file
from tests.web.helpers import Served

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "zarqa-valley"
EXAMPLE_FILES = ["1-places.csv", "2-population.csv", "3-deliveries.csv", "4-status.csv"]

# A few Gaza consignments in the same HXL form (tonnes by crossing name), so Gaza has deliveries of its own.
GAZA_DELIVERIES = """date,crossing,item,tonnes,source
#date,#loc+crossing+name,#item+name,#indicator+num+tonnes,#meta+source
2024-05-01,Kerem Shalom,wheat flour,200,test list (hand-written)
2024-05-01,Rafah,rice,100,test list (hand-written)
2024-05-02,Kerem Shalom,wheat flour,150,test list (hand-written)
"""

# What may never appear on a page or answer of the other context (codes and names).
GAZA_MARKS = ("gaza-strip", "Gaza Strip", "kerem-shalom", "Kerem Shalom", "PS-NGZ", "North Gaza", "Rafah")
ZARQA_MARKS = ("XZ01", "XZ02", "Zarqa", "north-gate", "North Gate", "river-port", "River Port")


def set_up_example(engine: Engine, folder: Path = EXAMPLE) -> None:
    for name in EXAMPLE_FILES:
        if (folder / name).exists():
            import_file(engine, folder / name)


@pytest.fixture(scope="module")
def two_contexts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """SQLite store: Gaza's reference set and a small Gaza list, beside the worked example (read-only)."""
    from lifeline.reference.load import load_all
    from lifeline.store.engine import open_store

    folder = tmp_path_factory.mktemp("two-contexts")
    engine = open_store(f"sqlite:///{folder / 'lifeline.db'}")
    load_all(engine)
    gaza = folder / "gaza-deliveries.csv"
    gaza.write_text(GAZA_DELIVERIES, encoding="utf-8")
    import_file(engine, gaza)
    set_up_example(engine)
    yield engine
    engine.dispose()


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def lifeline(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Ran]:
    """Run the console entry point in-process (its error handling included) against a store."""
    from lifeline.cli.app import run

    def call(engine: Engine, *args: str) -> Ran:
        monkeypatch.setattr(sys, "argv", ["lifeline", "--db", engine.url.render_as_string(hide_password=False),
                                          *args])
        code = 0
        try:
            run()
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Ran(code, out.out, out.err)

    return call


@pytest.fixture(scope="module")
def served_two(two_contexts: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The app on the two-context store (no extra list), with one user per role."""
    from tests.web.helpers import serve

    s = serve(two_contexts, tmp_path_factory.mktemp("served"), data=False)
    yield s
    s.client.close()
