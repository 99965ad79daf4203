from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.web.helpers import Served, serve


@pytest.fixture
def served(sqlite_store: Engine, tmp_path: Path) -> Iterator[Served]:
    """The app on a fresh SQLite store holding a 12-row UNRWA-shaped list (the API tests cover PostgreSQL)."""
    s = serve(sqlite_store, tmp_path)
    yield s
    s.client.close()
