"""Shared fixtures: the real data in ../shared/data, and a fresh store on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from lifeline.store.engine import open_store

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
PG_ENV = "LIFELINE_TEST_PG"


def shared_file(name: str) -> Path:
    """A file of ../shared/data, or skip the test with the reason when it is absent."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"real data file ../shared/data/{name} is absent on this machine")
    return path


@pytest.fixture
def shared() -> type:
    class Shared:
        file = staticmethod(shared_file)
        folder = SHARED_DATA

    return Shared


def postgres_url() -> str:
    """The test server `make test` starts; under CI its absence is a failure, elsewhere a skip."""
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: run the suite with `make test`, which starts PostgreSQL")
        pytest.skip(f"{PG_ENV} is not set (run `make test` to start a local PostgreSQL server)")
    return url


def _reset_postgres(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh, migrated store on each backend."""
    if request.param == "sqlite":
        engine = open_store(f"sqlite:///{tmp_path / 'lifeline.db'}")
    else:
        url = postgres_url()
        _reset_postgres(url)
        engine = open_store(url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path / 'lifeline.db'}")
    yield engine
    engine.dispose()
