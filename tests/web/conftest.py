from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.web.helpers import Served, serve
from tests.web.live import browser, live  # noqa: F401  (package-scoped: one server for every browser test)


@pytest.fixture
def served(sqlite_store: Engine, tmp_path: Path) -> Iterator[Served]:
    """The app on a fresh SQLite store holding a 12-row UNRWA-shaped list (the API tests cover PostgreSQL)."""
    s = serve(sqlite_store, tmp_path)
    yield s
    s.client.close()
