"""Fixtures for the access tests: stores holding the real line lists and crossing-status events."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine

from lifeline.ingest.base import Parsed, SourceInfo, conform, rejections
from lifeline.ingest.service import import_file, store
from tests.conftest import shared_file

UNRWA = "unrwa-commodities-received-20241111.csv"
COGAT = "cogat-gaza-aid-data-20240924.csv"


def put_observations(engine: Engine, rows: list[dict[str, Any]], series: str = "test-observations") -> None:
    """Store observation rows through the import service's ``store()`` (accounting and provenance)."""
    frame = pl.DataFrame(
        [dict({"row_number": i + 3, "source_row_id": f"r{i}"}, **r) for i, r in enumerate(rows)],
        infer_schema_length=None,
    )
    parsed = Parsed(
        target="observations",
        rows=conform(frame, "observations"),
        rejections=rejections(),
        rows_read=len(rows),
        source=SourceInfo(publisher="test", title=series),
        series=series,
    )
    with engine.begin() as conn:
        store(conn, parsed, "test", Path(f"{series}.csv"), "0" * 64)


def event(crossing: str, start: date, status: str, end: date | None = None, note: str = "") -> dict[str, Any]:
    return {
        "indicator": "crossing_status", "location": crossing, "date": start, "period_end": end,
        "text_value": status, "cited_publisher": "OCHA", "cited_title": f"event {crossing} {start}",
        "cited_url": "https://example.org/", "cited_date": start, "note": note or None,
    }


@pytest.fixture(scope="session")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """SQLite store with both real line lists imported once per test session (read-only for tests)."""
    from lifeline.store.engine import open_store

    unrwa, cogat = shared_file(UNRWA), shared_file(COGAT)
    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('access') / 'real.db'}")
    import_file(engine, unrwa)
    import_file(engine, cogat)
    return engine


def load_reference_observations(engine: Engine) -> None:
    """Load the whole reference set through the HXL importer (``lifeline.reference.load``)."""
    from lifeline.reference.load import load_all

    load_all(engine)


@pytest.fixture(scope="session")
def real_with_reference(real_store: Engine, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """A copy of the real store plus the whole reference set (crossing status events, needs...)."""
    import shutil

    from sqlalchemy import text

    from lifeline.store.engine import open_store

    with real_store.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    source = Path(str(real_store.url.database))
    target = tmp_path_factory.mktemp("access-ref") / "real-ref.db"
    shutil.copyfile(source, target)
    engine = open_store(f"sqlite:///{target}")
    load_reference_observations(engine)
    return engine
