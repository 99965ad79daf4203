"""PostgreSQL's bulk path: the unique key dropped for a big load is built again, and still refuses duplicates.

``bulk.bulk_indexes`` drops ``uq_deliveries_row`` on PostgreSQL while a load at least doubles the
table and builds it once at the end; a duplicate (series, source_row_id) must then fail the whole
transaction, leaving the rows and the constraint as they were.
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import psycopg
import pytest
from sqlalchemy import Engine, func, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from lifeline.ingest import bulk
from lifeline.store import schema
from lifeline.store.engine import open_store
from tests.conftest import _reset_postgres, postgres_url

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _rebuild_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the drop-and-rebuild path (LIFELINE_PG_BULK_REBUILD=1); the default keeps the keys."""
    monkeypatch.setattr(bulk, "POSTGRES_KEEP_KEYS", False)


def _dataset(engine: Engine) -> int:
    with engine.begin() as conn:
        source = conn.execute(insert(schema.sources).values(publisher="test", title="test")).inserted_primary_key
        assert source is not None
        key = conn.execute(
            insert(schema.datasets).values(
                kind="hxl",
                series="s",
                source_id=source[0],
                path="x.csv",
                sha256="0" * 64,
                imported_at=func.now(),
                rows_read=0,
                rows_imported=0,
                rows_unchanged=0,
                rows_changed=0,
                rows_rejected=0,
                rows_flagged=0,
                rows_withdrawn=0,
            )  # fmt: skip
        ).inserted_primary_key
    assert key is not None
    return int(key[0])


def _rows(ids: list[str]) -> pl.DataFrame:
    n = len(ids)
    return pl.DataFrame(
        {
            "source_row_id": ids,
            "row_number": list(range(3, n + 3)),
            "date": pl.date_range(pl.date(2024, 1, 1), pl.date(2024, 1, 1), eager=True).extend_constant(
                pl.date(2024, 1, 1), n - 1
            ),
            "consignments": [1] * n,
            "quantity": [1.5] * n,
        }
    )


def _unique_keys(engine: Engine) -> list[str]:
    return sorted(str(uq["name"]) for uq in inspect(engine).get_unique_constraints("deliveries"))


def _load(engine: Engine, dataset: int, frame: pl.DataFrame) -> None:
    constants = {"series": "s", "dataset_id": dataset, "first_dataset_id": dataset}
    with engine.begin() as conn, bulk.bulk_indexes(conn, schema.deliveries, frame.height):
        assert "uq_deliveries_row" not in [uq["name"] for uq in inspect(conn).get_unique_constraints("deliveries")]
        bulk.write_rows(conn, schema.deliveries, frame, constants, None)


@pytest.fixture
def store() -> Iterator[Engine]:
    url = postgres_url()
    _reset_postgres(url)
    engine = open_store(url)
    yield engine
    engine.dispose()


def test_duplicate_in_a_big_load_fails_whole_and_the_key_stays(store: Engine) -> None:
    dataset = _dataset(store)
    ids = [f"r{i}" for i in range(bulk.REINDEX_MIN_ROWS)]
    with pytest.raises(IntegrityError, match="uq_deliveries_row"):
        _load(store, dataset, _rows([*ids, "r17"]))  # the last row repeats an earlier id
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.deliveries)).scalar() == 0
    assert _unique_keys(store) == ["uq_deliveries_row"]

    _load(store, dataset, _rows(ids))
    assert _unique_keys(store) == ["uq_deliveries_row"]  # built again after the load
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.deliveries)).scalar() == len(ids)
    with pytest.raises(psycopg.errors.UniqueViolation, match="uq_deliveries_row"), store.begin() as conn:
        bulk.write_rows(
            conn,
            schema.deliveries,
            _rows(["r5"]),
            {"series": "s", "dataset_id": dataset, "first_dataset_id": dataset},
            None,
        )
