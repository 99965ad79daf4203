"""Big SQLite loads staged through ADBC: rows reach SQLite without passing through Python one by one.

Python's ``sqlite3`` binds every value through the interpreter: for a million 15-column rows that
is about 1.3 s on top of SQLite's own 0.9 s. ADBC's SQLite driver binds Arrow columns in C, so the
rows are written (outside the import's transaction) into small scratch databases, one per chunk,
and the import's own connection copies each chunk in with ``INSERT ... SELECT`` — inside its
transaction, so an import is still whole or nothing; a failure leaves only scratch files, which
are removed. Staging chunk *k+1* (a worker thread; the driver releases the GIL) overlaps copying
chunk *k* (SQLite releases it too), so the two cores both work.

Scratch databases stay attached until the transaction ends (SQLite cannot detach a database a
transaction has read); ``store.engine`` detaches and deletes them when the connection goes back
to the pool (names start with ``STAGED_PREFIX``), and removes the folder (``store.scratch``) on
every way out: commit, failure, KeyboardInterrupt, invalidated connection.
"""

from __future__ import annotations

import os
import queue
import sqlite3
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection, Table

from lifeline.store import scratch
from lifeline.store.engine import STAGED_PREFIX

try:  # a pinned dependency; without it (a platform with no wheel) imports use executemany
    import adbc_driver_manager
    import adbc_driver_sqlite

    INSTALLED = True
except ImportError:  # pragma: no cover - exercised only where the wheel is missing
    INSTALLED = False

MIN_ROWS = 10_000  # measured: COGAT (52k rows) 0.40 -> 0.30 s, UNRWA csv (37k) 0.38 -> 0.34 s staged
MAX_CHUNKS = 8  # enough to keep both cores busy; each chunk is one attached database
MIN_CHUNK_ROWS = 50_000
SPARE_ATTACHMENTS = 1  # left free for anything else the transaction might attach


def available(conn: Connection, rows: int) -> bool:
    """Whether this load should be staged: a big load into an SQLite file, with the driver installed."""
    if not INSTALLED or rows < MIN_ROWS or conn.dialect.name != "sqlite":
        return False
    database = conn.engine.url.database
    return bool(database) and database != ":memory:" and not str(database).startswith("file::memory:")


def insert_staged(
    conn: Connection,
    table: Table,
    frame: pl.DataFrame,
    select_list: list[str],
    columns: list[str],
    report: Callable[[int], None],
) -> bool:
    """Copy ``frame`` into ``table`` through scratch databases; ``select_list`` may hold SQL literals.

    ``columns`` names the target columns and ``select_list`` what goes in each, in order: a
    quoted column of the frame or a per-import constant rendered as a literal. Returns False,
    having written nothing, when the connection has no attachment left for a scratch database
    (they stay attached until the transaction ends; a second big load in it may find none).
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    slots = _free_attachments(raw)
    if slots < 1:
        return False
    chunk_rows = max(MIN_CHUNK_ROWS, -(-frame.height // min(MAX_CHUNKS, slots)))  # at most that many chunks
    folder = scratch.new_folder(conn.connection.record_info)
    staged: queue.Queue[tuple[str, Path, int] | BaseException | None] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def stage_all() -> None:
        try:
            for i, chunk in enumerate(frame.iter_slices(chunk_rows)):
                if stop.is_set():
                    return
                name = f"{STAGED_PREFIX}{uuid.uuid4().hex[:12]}_{i}"
                path = folder / f"{name}.db"
                _stage(chunk, path)
                staged.put((name, path, chunk.height))
            staged.put(None)
        except BaseException as exc:  # handed to the importing thread, which raises it
            staged.put(exc)

    worker = threading.Thread(target=stage_all, name="lifeline-stage", daemon=True)
    worker.start()
    target = f"{_quote(conn, table.name)} ({', '.join(_quote(conn, c) for c in columns)})"
    done = 0
    try:
        while (item := staged.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            name, path, height = item
            raw.execute(f"ATTACH DATABASE ? AS {name}", (str(path),))
            raw.execute(f"INSERT INTO {target} SELECT {', '.join(select_list)} FROM {name}.rows")
            done += height
            report(done)
    finally:
        stop.set()
        while worker.is_alive():  # let the worker finish its chunk and see the stop
            try:
                staged.get(timeout=0.1)
            except queue.Empty:
                pass
        worker.join()
        _forget_unattached(raw, folder)
    return True


def _free_attachments(raw: Any) -> int:
    """How many more scratch databases this connection may attach (SQLite's limit, 10 by default)."""
    attached = [row for row in raw.execute("PRAGMA database_list").fetchall() if row[1] not in ("main", "temp")]
    return int(raw.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED)) - len(attached) - SPARE_ATTACHMENTS


def _stage(chunk: pl.DataFrame, path: Path) -> None:
    """Write one chunk into a new scratch database (table ``rows``) with ADBC's bulk ingest."""
    database = adbc_driver_sqlite.connect(str(path))
    try:
        connection = adbc_driver_manager.AdbcConnection(database)
        try:
            statement = adbc_driver_manager.AdbcStatement(connection)
            try:
                statement.set_options(
                    **{"adbc.ingest.target_table": "rows", "adbc.ingest.mode": "adbc.ingest.mode.create"}
                )
                statement.bind_stream(chunk.__arrow_c_stream__())
                statement.execute_update()
            finally:
                statement.close()
        finally:
            connection.close()
    finally:
        database.close()


def _forget_unattached(raw: Any, folder: Path) -> None:
    """Delete scratch files that never got attached (a failure part-way); attached ones go at check-in."""
    attached = {row[2] for row in raw.execute("PRAGMA database_list").fetchall()}
    for path in folder.glob("*"):
        if str(path) not in attached:
            path.unlink(missing_ok=True)
    if not any(folder.iterdir()):
        os.rmdir(folder)


def _quote(conn: Connection, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote(name))
