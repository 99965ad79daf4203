from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lifeline.store.engine import open_store
from tests.live.replay import Replay


@pytest.fixture
def replay() -> Iterator[Replay]:
    server = Replay()
    yield server
    server.close()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A fresh SQLite store and snapshot folder; HDX pointed at nothing until a test says where."""
    monkeypatch.setenv("LIFELINE_SNAPSHOTS", str(tmp_path / "snapshots"))
    monkeypatch.delenv("HDX_KEY", raising=False)
    engine = open_store(f"sqlite:///{tmp_path / 'live.db'}")
    yield engine
    engine.dispose()
