"""Write many rows fast, on the caller's connection and inside its transaction.

SQLAlchemy's ``insert(table), [dicts]`` costs about 15 µs a row in parameter processing. Here the
driver gets plain values: SQLite ``executemany`` with tuples built column by column from polars,
PostgreSQL ``COPY ... FROM STDIN`` with CSV blocks written by polars. Both run on the same DBAPI
connection as the rest of the import, so an import is still whole or nothing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import polars as pl
from sqlalchemy import Connection, Table, func, insert, inspect, literal, select
from sqlalchemy.exc import IntegrityError

from lifeline.ingest import bulk_staged

Progress = Callable[[str, int, int], None]  # (stage, done, total); total 0 = not known yet
CHUNK = 20_000  # rows per driver call: large enough to amortise the call, small enough for memory
REINDEX_MIN_ROWS = 100_000  # below this, rebuilding secondary indexes costs more than it saves
# PostgreSQL: dropping an index, the unique key or a foreign key takes ACCESS EXCLUSIVE on the table (and the
# foreign key's drop locks `datasets` too) until the import commits, so every reader of `deliveries` and
# `datasets` (the data version, every page) waits for the whole load (measured: docs/performance.md, "Reads
# during an import"). Readers come first: the keys stay and rows are checked as they are copied. A load into a
# store nobody reads (a first bulk load) may set LIFELINE_PG_BULK_REBUILD=1 to drop and rebuild them instead.
POSTGRES_KEEP_KEYS = os.environ.get("LIFELINE_PG_BULK_REBUILD", "") != "1"
# PostgreSQL loads into a table that keeps its keys are staged through a temporary table (see _postgres_staged).
# Below this many rows the staging table's creation is not worth it (the SQLite staging threshold, kept alike).
PG_STAGE_MIN_ROWS = bulk_staged.MIN_ROWS
PG_STAGE_PREFIX = "lifeline_pg_stage_"
# Skip the per-row foreign-key checks when every key is a constant checked once (LIFELINE_PG_ROW_CHECKS=1: never).
PG_SKIP_KEY_TRIGGERS = os.environ.get("LIFELINE_PG_ROW_CHECKS", "") != "1"


def write_rows(
    conn: Connection, table: Table, rows: pl.DataFrame, constants: dict[str, Any], progress: Progress | None
) -> None:
    """Write a frame's rows, plus per-import constants (series, dataset ids), with the driver's fastest path.

    Columns that are NULL in every row are not sent: the database fills them with NULL.
    """
    columns = [
        c
        for c in rows.columns
        if c not in constants and (not table.c[c].nullable or rows[c].null_count() < rows.height)
    ]
    frame = rows.select(columns)
    dialect = conn.dialect.name
    if dialect == "sqlite":
        _sqlite_insert(conn, table, frame, constants, progress)
    elif dialect == "postgresql":
        _postgres_copy(conn, table, frame, constants, progress)
    else:  # any other SQLAlchemy backend: portable, slower
        full = frame.with_columns([pl.lit(v).alias(k) for k, v in constants.items()])
        for done, chunk in _chunks(full):
            conn.execute(insert(table), chunk.to_dicts())
            _report(progress, done, rows.height)


def _chunks(frame: pl.DataFrame) -> Iterable[tuple[int, pl.DataFrame]]:
    done = 0
    for chunk in frame.iter_slices(CHUNK):
        done += chunk.height
        yield done, chunk


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress:
        progress("storing", done, total)


def _as_text_dates(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates as ISO text: how SQLAlchemy stores ``Date`` on SQLite, and unambiguous for COPY."""
    return frame.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d"))


def _sqlite_insert(
    conn: Connection, table: Table, frame: pl.DataFrame, constants: dict[str, Any], progress: Progress | None
) -> None:
    # The per-import constants are written into the statement once (as SQL literals rendered by
    # SQLAlchemy), so each row binds only its own values.
    literals = [_sql_literal(conn, v) for v in constants.values()]
    if bulk_staged.available(conn, frame.height):
        select_list = literals + [conn.dialect.identifier_preparer.quote(c) for c in frame.columns]
        if bulk_staged.insert_staged(
            conn,
            table,
            _as_text_dates(frame),
            select_list,
            [*constants, *frame.columns],
            lambda done: _report(progress, done, frame.height),
        ):
            return
    names = _names(conn, [*constants, *frame.columns])
    sql = f"INSERT INTO {_names(conn, [table.name])} ({names}) VALUES ({', '.join(literals + ['?'] * frame.width)})"
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for done, chunk in _chunks(_as_text_dates(frame)):
            cursor.executemany(sql, zip(*(chunk[c].to_list() for c in chunk.columns), strict=True))
            _report(progress, done, frame.height)
    finally:
        cursor.close()


def _names(conn: Connection, names: list[str]) -> str:
    """Identifiers quoted as the dialect needs (a column called ``date`` or ``rows`` stays a name)."""
    return ", ".join(conn.dialect.identifier_preparer.quote(n) for n in names)


def _sql_literal(conn: Connection, value: Any) -> str:
    return str(literal(value).compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))


def _postgres_copy(
    conn: Connection, table: Table, frame: pl.DataFrame, constants: dict[str, Any], progress: Progress | None
) -> None:
    """``COPY`` the rows in: staged through a temporary table when the target keeps its keys (the default).

    A target that has only its primary key (``bulk_indexes`` dropped the rest) takes the rows straight.
    """
    if frame.height >= PG_STAGE_MIN_ROWS and _keeps_keys(conn, table):
        _postgres_staged(conn, table, frame, constants, progress)
        return
    full = frame.with_columns([pl.lit(v).alias(k) for k, v in constants.items()])
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        _copy_csv(cursor, _names(conn, [table.name]), full, lambda done: _report(progress, done, frame.height))


def _copy_csv(cursor: Any, target: str, frame: pl.DataFrame, report: Callable[[int], None]) -> None:
    """``COPY target`` from CSV blocks written by polars (strings quoted, NULL an unquoted ``\\N``).

    So an empty or ``"\\N"`` string stays a string.
    """
    quote = '"'
    columns = ", ".join(quote + c.replace(quote, quote * 2) + quote for c in frame.columns)
    sql = f"COPY {target} ({columns}) FROM STDIN (FORMAT csv, NULL '\\N')"
    with cursor.copy(sql) as copy:
        for done, chunk in _chunks(_as_text_dates(frame)):
            copy.write(chunk.write_csv(include_header=False, null_value="\\N", quote_style="non_numeric"))
            report(done)


def _keeps_keys(conn: Connection, table: Table) -> bool:
    """Whether the table has a trigger (a foreign key's checks) or an index besides its primary key."""
    found = conn.exec_driver_sql(
        "SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = t.oid), "
        "(SELECT count(*) FROM pg_index WHERE indrelid = t.oid AND NOT indisprimary) "
        "FROM pg_class t WHERE t.oid = to_regclass(%(name)s)",
        {"name": table.name},
    ).first()
    return found is None or bool(found[0] or found[1])


def _postgres_staged(
    conn: Connection, table: Table, frame: pl.DataFrame, constants: dict[str, Any], progress: Progress | None
) -> None:
    """``COPY`` into a temporary table with no index, then one ``INSERT … SELECT`` into ``table``.

    Straight into a table that keeps its keys, ``COPY`` updates four indexes and runs one foreign-key
    trigger per row and key (measured, 1M rows: 24.5 s of server CPU straight, 8.3–9.6 s staged with
    the row triggers skipped; docs/performance.md). The per-import constants (series, dataset ids) are
    literals of the ``INSERT``; when every foreign key of the rows is such a constant (or left NULL),
    the key is checked once here and, where the role may (``_may_skip_triggers``), the per-row
    checks are skipped for this one statement. All on the import's connection and in its
    transaction: the temporary table goes at commit or rollback, as does the setting.
    Rows keep the file's order (a temporary table is scanned by one process, in insertion order).
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    quote = conn.dialect.identifier_preparer.quote
    stage = f"{PG_STAGE_PREFIX}{uuid.uuid4().hex[:12]}"
    columns = _names(conn, frame.columns)
    literals = [_sql_literal(conn, v) for v in constants.values()]
    skip = _constant_keys_hold(conn, table, frame, constants) and _may_skip_triggers(conn, table)
    with raw.cursor() as cursor:
        # AS SELECT ... WITH NO DATA: the columns' types without their NOT NULL, defaults or keys.
        cursor.execute(f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS SELECT {columns} FROM {quote(table.name)} "
                       "WITH NO DATA")
        _copy_csv(cursor, stage, frame, lambda done: _report(progress, done, frame.height))
        if skip:  # restored after the one INSERT
            cursor.execute("SELECT current_setting('session_replication_role')")
            previous = cursor.fetchone()[0]
            cursor.execute("SELECT set_config('session_replication_role', 'replica', true)")
        cursor.execute(
            f"INSERT INTO {quote(table.name)} ({_names(conn, [*constants, *frame.columns])}) "
            f"SELECT {', '.join([*literals, columns])} FROM {stage}"
        )
        if skip:  # for this statement only (a failure above aborts the transaction, whose rollback resets it)
            cursor.execute("SELECT set_config('session_replication_role', %s, true)", (previous,))
        cursor.execute(f"DROP TABLE {stage}")


def _constant_keys_hold(conn: Connection, table: Table, frame: pl.DataFrame, constants: dict[str, Any]) -> bool:
    """Whether every foreign key of the rows is a per-import constant that exists (checked once), or absent.

    A column of the frame with a foreign key (a value per row) leaves the per-row checks in place.
    A constant that points nowhere is refused as the per-row check would refuse it.
    """
    for fk in table.foreign_keys:
        name = fk.parent.name
        if name in frame.columns:
            return False
        if name not in constants or constants[name] is None:
            continue
        target = fk.column
        found = conn.execute(select(literal(1)).select_from(target.table).where(target == constants[name])).first()
        if found is None:
            raise IntegrityError(
                f"INSERT INTO {table.name}",
                {name: constants[name]},
                ValueError(f"{name} = {constants[name]} is not a key of {target.table.name} ({fk.name})"),
            )
    return True


def _may_skip_triggers(conn: Connection, table: Table) -> bool:
    """Whether the per-row trigger calls may be skipped: only foreign-key checks on the table, and a
    role allowed to set ``session_replication_role`` (a superuser, or on PostgreSQL 15+ one granted
    ``SET`` on it: ``GRANT SET ON PARAMETER session_replication_role TO …``).

    Any other trigger (an auditing or refusing trigger of the deployment's own) must see every row,
    so then nothing is skipped.
    """
    if not PG_SKIP_KEY_TRIGGERS:
        return False
    found = conn.exec_driver_sql(
        "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(%(name)s) AND NOT tgisinternal), "
        "current_setting('is_superuser') = 'on', current_setting('server_version_num')::int",
        {"name": table.name},
    ).first()
    if found is None or found[0]:
        return False
    if found[1]:
        return True
    if found[2] < 150000:  # has_parameter_privilege and GRANT SET ON PARAMETER came with PostgreSQL 15
        return False
    granted = conn.exec_driver_sql("SELECT has_parameter_privilege('session_replication_role', 'SET')").scalar()
    return bool(granted)


@contextmanager
def bulk_indexes(conn: Connection, table: Table, adding: int, progress: Progress | None = None) -> Iterator[None]:
    """Rebuild secondary indexes (and, on PostgreSQL, re-check foreign keys) once after a big insert.

    Only when the insert at least doubles the table: then sorting once is cheaper than updating
    each index for every row, and PostgreSQL checks a foreign key for a whole table with one join
    instead of one trigger call per row (measured: 12 s -> 5 s for COPY of a million rows). DDL is
    transactional on SQLite and PostgreSQL, so a failed import rolls the drops back too.

    On PostgreSQL nothing is dropped unless ``POSTGRES_KEEP_KEYS`` is off (readers would wait for the
    whole load, see above). Then the unique key ``(series, source_row_id)`` is dropped and built again too:
    maintaining it row by row was about 40 % of the server's COPY time, and building it once by
    sorting refuses a duplicate all the same (the import then fails whole). On SQLite it is part
    of the table's definition and stays.
    """
    secondary = [ix for ix in table.indexes if not ix.unique]
    if adding < REINDEX_MIN_ROWS:
        yield
        return
    postgres = conn.dialect.name == "postgresql"
    if postgres and POSTGRES_KEEP_KEYS:
        yield
        return
    present = conn.execute(select(func.count()).select_from(table)).scalar() or 0
    if adding < present:
        yield
        return
    keys = [fk for fk in inspect(conn).get_foreign_keys(table.name) if fk["name"]] if postgres else []
    uniques = [uq for uq in inspect(conn).get_unique_constraints(table.name) if uq["name"]] if postgres else []
    quote = conn.dialect.identifier_preparer.quote
    for ix in secondary:
        ix.drop(conn)
    for constraint in [*keys, *uniques]:
        conn.exec_driver_sql(f"ALTER TABLE {quote(table.name)} DROP CONSTRAINT {quote(str(constraint['name']))}")
    yield
    if progress:
        progress("rebuilding indexes", 0, 0)
    for uq in uniques:
        columns = ", ".join(quote(c) for c in uq["column_names"])
        conn.exec_driver_sql(
            f"ALTER TABLE {quote(table.name)} ADD CONSTRAINT {quote(str(uq['name']))} UNIQUE ({columns})"
        )
    for ix in secondary:
        ix.create(conn)
    for fk in keys:
        mine = ", ".join(quote(c) for c in fk["constrained_columns"])
        theirs = ", ".join(quote(c) for c in fk["referred_columns"])
        conn.exec_driver_sql(
            f"ALTER TABLE {quote(table.name)} ADD CONSTRAINT {quote(str(fk['name']))} "
            f"FOREIGN KEY ({mine}) REFERENCES {quote(fk['referred_table'])} ({theirs})"
        )
