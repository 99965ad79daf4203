"""Fixtures for the claims tests: a store holding the bundled reference data set, loaded the way
``lifeline reference load`` does (through the HXL importer)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lifeline.reference.load import load_all
from lifeline.store.engine import open_store


@pytest.fixture(scope="session")
def reference_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One SQLite store with the reference data set, shared by the read-only claims tests."""
    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('claims') / 'ref.db'}")
    load_all(engine)
    yield engine
    engine.dispose()


SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture(scope="session")
def heldout_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A `lifeline demo` store over ../shared/data's real line lists, which every held-out set is scored
    against (built once: the held-out modules are one scheduling unit, tests/conftest.py)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent: the held-out sets are scored against the real line lists")
    db = f"sqlite:///{tmp_path_factory.mktemp('heldout') / 'l.db'}"
    exe = Path(sys.executable).with_name("lifeline")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "lifeline"]
    subprocess.run([*command, "--db", db, "demo", "--data", str(SHARED_DATA), "--no-serve"],
                   check=True, capture_output=True, text=True, timeout=600)
    return db
