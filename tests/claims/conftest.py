"""Fixtures for the claims tests: a store holding the bundled reference data set, loaded the way
``lifeline reference load`` does (through the HXL importer)."""

from __future__ import annotations

from collections.abc import Iterator

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
