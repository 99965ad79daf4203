"""PostgreSQL's staged load (``bulk._postgres_staged``): the same store as SQLite's, and whole or nothing.

A load of at least ``PG_STAGE_MIN_ROWS`` rows into a table that keeps its keys is copied into a
temporary table and moved in with one ``INSERT … SELECT``, the per-row foreign-key checks skipped when
every key is a per-import constant checked once. These tests compare that store row for row with the
SQLite import of the same generated file (first load and a revised version), and fail a load part-way
(after the first ``COPY`` block; in the ``INSERT`` on the unique key; on a dataset that is not there).
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import psycopg
import pytest
from sqlalchemy import Engine, MetaData, func, select, text
from sqlalchemy.exc import IntegrityError

from bench.ingest import generate
from lifeline.ingest import bulk
from lifeline.ingest.service import import_file
from lifeline.store import schema
from lifeline.store.engine import open_store
from tests.cli.helpers import private_postgres, snapshot
from tests.conftest import postgres_url

pytestmark = pytest.mark.postgres

ROWS = 3 * bulk.CHUNK  # several COPY blocks, and above the staging threshold
assert ROWS >= bulk.PG_STAGE_MIN_ROWS
TIME_COLUMNS = {"imported_at", "changed_at"}  # when the import ran: differs between any two stores
# Rebuilt by a GROUP BY: its ids follow the backend's grouping order, its sums its order of addition
# (43.1 against 43.099999999999994), so it is compared sorted, without ids, to 9 decimals.
DERIVED = {"delivery_summary"}
WRITTEN = {"sources", "datasets", "deliveries", "revisions", "rejections", *DERIVED}  # what an import writes


@pytest.fixture
def pg_store() -> Iterator[Engine]:
    with private_postgres(postgres_url()) as url:
        engine = open_store(url)
        yield engine
        engine.dispose()


def _revised(first: Path, into: Path) -> Path:
    """A later version of the generated file: every 100th row's quantity edited, 100 rows gone, ROWS new ones."""
    with first.open(encoding="utf-8", newline="") as fh:
        lines = list(csv.reader(fh))
    header, tags, body = lines[0], lines[1], lines[2:]
    quantity, ident = header.index("Quantity"), header.index("ID")
    kept = [row for i, row in enumerate(body) if i % 97 != 5]
    for i, row in enumerate(kept):
        if i % 100 == 0:
            row[quantity] = f"{float(row[quantity]) + 1.5:.1f}"
    extra = [[*row] for row in body[:ROWS]]
    for n, row in enumerate(extra):
        row[ident] = f"N{n:07d}"
    with into.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, tags, *kept, *extra])
    return into


def _tables(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of every table an import writes, in id order, dates as ISO text (as SQLite returns them)."""
    meta = MetaData()
    meta.reflect(engine)
    out = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            if name not in WRITTEN:
                continue
            columns = [c for c in table.c if c.name not in TIME_COLUMNS]
            order = [table.c.id] if "id" in table.c else list(table.c)[:1]
            rows = conn.execute(select(*columns).order_by(*order)).all()
            plain = [tuple(_plain(v) for v in row) for row in rows]
            if name in DERIVED:
                plain = sorted((tuple(round(v, 9) if isinstance(v, float) else v for v in row[1:]) for row in plain),
                               key=repr)
            out[name] = plain
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return repr(value)
    return value


def test_copy_loaded_import_is_the_sqlite_import_row_for_row(pg_store: Engine, tmp_path: Path) -> None:
    first = generate(tmp_path / "deliveries-20240101.csv", ROWS)
    revised = _revised(first, tmp_path / "deliveries-20240201.csv")
    sqlite = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        for path, counts in ((first, (ROWS, 0, 0)), (revised, (ROWS, 594, 619))):
            reports = [import_file(engine, path) for engine in (sqlite, pg_store)]
            assert [(r.rows_imported, r.rows_changed, r.rows_withdrawn) for r in reports] == [counts, counts]
            assert reports[0].message == reports[1].message
            lite, pg = _tables(sqlite), _tables(pg_store)
            assert lite.keys() == pg.keys()
            for name in lite:
                assert pg[name] == lite[name], name  # same ids, same order, same values
        assert len(pg["deliveries"]) == 2 * ROWS
        assert len([r for r in pg["revisions"] if r[-3] == "changed"]) == 594  # every edit kept its old values
    finally:
        sqlite.dispose()
    with pg_store.connect() as conn:
        assert conn.exec_driver_sql("SHOW session_replication_role").scalar() == "origin"


def _stages_left(engine: Engine) -> int:
    with engine.connect() as conn:
        query = "SELECT count(*) FROM pg_class WHERE relname LIKE %(prefix)s"
        return int(conn.exec_driver_sql(query, {"prefix": bulk.PG_STAGE_PREFIX + "%"}).scalar() or 0)


class Interrupted(Exception):
    """Raised by the progress hook, as a killed or cancelled import would stop."""


def test_failure_mid_load_leaves_the_store_unchanged(pg_store: Engine, tmp_path: Path) -> None:
    first = generate(tmp_path / "deliveries-20240101.csv", ROWS)
    import_file(pg_store, first)
    revised = _revised(first, tmp_path / "deliveries-20240201.csv")
    before = snapshot(pg_store)

    def stop_after_first_block(stage: str, done: int, _total: int) -> None:
        if stage == "storing" and done >= bulk.CHUNK:
            raise Interrupted(f"stopped after {done} rows were copied")

    with pytest.raises(Interrupted):
        import_file(pg_store, revised, progress=stop_after_first_block)
    assert snapshot(pg_store) == before
    assert _stages_left(pg_store) == 0
    with pg_store.connect() as conn:
        assert conn.exec_driver_sql("SHOW session_replication_role").scalar() == "origin"
    report = import_file(pg_store, revised)  # and the same file then imports whole
    assert (report.rows_imported, report.rows_changed, report.rows_withdrawn) == (ROWS, 594, 619)


def _frame(ids: list[str]) -> pl.DataFrame:
    n = len(ids)
    return pl.DataFrame(
        {
            "source_row_id": ids,
            "row_number": list(range(3, n + 3)),
            "date": [date(2024, 1, 1)] * n,
            "consignments": [1] * n,
            "quantity": [1.5] * n,
        }
    )


def _dataset(conn: Any) -> int:
    source = conn.execute(schema.sources.insert().values(publisher="test", title="test")).inserted_primary_key[0]
    values = {name: 0 for name in ("rows_read", "rows_imported", "rows_unchanged", "rows_changed", "rows_rejected")}
    stmt = schema.datasets.insert().values(
        kind="hxl", series="s", source_id=source, path="x.csv", sha256="0" * 64, imported_at=func.now(), **values
    )
    return int(conn.execute(stmt).inserted_primary_key[0])


def test_the_unique_key_and_the_foreign_keys_still_refuse_a_staged_load(pg_store: Engine) -> None:
    """The per-row checks skipped are the foreign keys' only: the unique key refuses a duplicate in the
    ``INSERT … SELECT``, and a dataset id that is not in ``datasets`` is refused before anything is copied."""
    ids = [f"r{i}" for i in range(bulk.PG_STAGE_MIN_ROWS)]
    with pg_store.begin() as conn:
        dataset = _dataset(conn)
    before = snapshot(pg_store)
    with pytest.raises(psycopg.errors.UniqueViolation, match="uq_deliveries_row"), pg_store.begin() as conn:
        constants = {"series": "s", "dataset_id": dataset, "first_dataset_id": dataset}
        bulk.write_rows(conn, schema.deliveries, _frame(ids[:1]), constants, None)  # below the threshold: straight
        bulk.write_rows(conn, schema.deliveries, _frame(ids), constants, None)  # staged: r0 again
    assert snapshot(pg_store) == before
    with pytest.raises(IntegrityError, match="not a key of datasets"), pg_store.begin() as conn:
        missing = {"series": "s", "dataset_id": dataset + 99, "first_dataset_id": dataset}
        bulk.write_rows(conn, schema.deliveries, _frame(ids), missing, None)
    assert snapshot(pg_store) == before
    assert _stages_left(pg_store) == 0
    with pg_store.begin() as conn:  # and a good load goes in whole
        constants = {"series": "s", "dataset_id": dataset, "first_dataset_id": dataset}
        bulk.write_rows(conn, schema.deliveries, _frame(ids), constants, None)
        assert conn.execute(select(func.count()).select_from(schema.deliveries)).scalar() == len(ids)
        low, high = conn.execute(text("SELECT min(id), max(id) FROM deliveries")).one()  # the failed loads used ids
        assert high - low + 1 == len(ids)


def test_a_role_that_may_not_skip_the_checks_loads_the_same_rows(pg_store: Engine) -> None:
    """A plain role (not a superuser, no grant) keeps the per-row checks and still loads; granted
    ``SET`` on ``session_replication_role`` it skips them. Run in one transaction rolled back (the role too)."""
    role = f"lifeline_plain_{uuid.uuid4().hex[:8]}"
    ids = [f"r{i}" for i in range(bulk.PG_STAGE_MIN_ROWS)]
    with pg_store.connect() as conn:
        transaction = conn.begin()
        dataset = _dataset(conn)
        constants = {"series": "s", "dataset_id": dataset, "first_dataset_id": dataset}
        for statement in (
            f"CREATE ROLE {role}",
            f"GRANT SELECT, INSERT ON deliveries, datasets TO {role}",
            f"GRANT USAGE ON SEQUENCE deliveries_id_seq TO {role}",
            f"SET LOCAL ROLE {role}",
        ):
            conn.exec_driver_sql(statement)
        assert not bulk._may_skip_triggers(conn, schema.deliveries)
        bulk.write_rows(conn, schema.deliveries, _frame(ids), constants, None)
        conn.exec_driver_sql("RESET ROLE")
        conn.exec_driver_sql(f"GRANT SET ON PARAMETER session_replication_role TO {role}")
        conn.exec_driver_sql(f"SET LOCAL ROLE {role}")
        assert bulk._may_skip_triggers(conn, schema.deliveries)
        bulk.write_rows(conn, schema.deliveries, _frame([f"g{i}" for i in range(len(ids))]), constants, None)
        assert conn.exec_driver_sql("SHOW session_replication_role").scalar() == "origin"
        conn.exec_driver_sql("RESET ROLE")
        assert conn.execute(select(func.count()).select_from(schema.deliveries)).scalar() == 2 * len(ids)
        transaction.rollback()
