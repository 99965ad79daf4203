from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.web.helpers import Served, serve


@pytest.fixture
def served(store: Engine, tmp_path: Path) -> Iterator[Served]:
    """The app on a fresh store (SQLite and PostgreSQL) holding a 12-row UNRWA-shaped list."""
    s = serve(store, tmp_path)
    yield s
    s.client.close()
