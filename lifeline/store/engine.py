"""Open the store: create the engine and bring the schema to the newest migration on first use."""

from __future__ import annotations

import ast
import os
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

from lifeline.config import resolve_db_url
from lifeline.store import scratch

MIGRATIONS = Path(__file__).with_name("migrations")
SORTER_THREADS = min(4, os.cpu_count() or 1)
SQLITE_BUSY_TIMEOUT_S = 120.0  # longer than a million-row import takes on a small machine
STAGED_PREFIX = "lifeline_staged_"  # scratch databases a big import attaches (see ingest.bulk_staged)
STAGED_FOLDER_PREFIX = scratch.FOLDER_PREFIX  # the temporary folder holding them


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Per-connection SQLite settings: enforce foreign keys; WAL so readers never block an import.

    ``threads`` lets SQLite's sorter use helper threads for big sorts (GROUP BY over a million
    rows, rebuilding an index after a bulk import); results are the same, only faster.
    """
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute(f"PRAGMA threads={SORTER_THREADS}")
    cur.close()


def _detach_staged(dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
    """Detach and delete the scratch databases a big import attached, once its transaction is over.

    SQLite refuses to detach a database while a transaction that read it is open, so the import
    cannot do it itself; a connection coming back to the pool has ended its transaction. Then the
    scratch folders recorded on the connection go too (``store.scratch``); an invalidated
    connection is already closed, so nothing of its folders is in use any more.
    """
    in_use: set[Path] = set()
    if dbapi_connection is not None:
        attached = dbapi_connection.execute("PRAGMA database_list").fetchall()
        for _seq, name, file in attached:
            if not name.startswith(STAGED_PREFIX):
                continue
            try:
                dbapi_connection.execute(f"DETACH DATABASE {name}")
            except sqlite3.Error:  # still in use: the next check-in tries again
                in_use.add(Path(file).parent)
                continue
            Path(file).unlink(missing_ok=True)
    if record is not None and record.record_info:
        scratch.remove_recorded(record.record_info, keep=in_use)


@lru_cache(maxsize=1)
def declared_heads() -> frozenset[str]:
    """The head revisions of the migration files, read from their ``revision`` / ``down_revision``
    assignments without importing Alembic (which costs about 0.1 s of every command's start-up)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if not isinstance(target, ast.Name):
                continue
            if target.id == "revision":
                revisions.add(ast.literal_eval(value))
            elif target.id == "down_revision":
                down = ast.literal_eval(value)
                parents.update([down] if isinstance(down, str) else (down or ()))
    return frozenset(revisions - parents)


def _current_heads(engine: Engine) -> set[str]:
    try:
        with engine.connect() as conn:
            return {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
    except DBAPIError:  # no version table yet: a new store
        return set()


def upgrade(engine: Engine) -> None:
    """Apply any pending migration; cheap when the schema is current (Alembic is imported only then)."""
    declared = declared_heads()
    if declared and _current_heads(engine) == declared:
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    # Each area of Lifeline may add its own branch of migrations from 0001: upgrade to all heads.
    heads = set(ScriptDirectory.from_config(cfg).get_heads())
    with engine.begin() as conn:
        if set(MigrationContext.configure(conn).get_current_heads()) == heads:
            return
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


@lru_cache(maxsize=8)
def connect(url: str | None = None) -> Engine:
    """The engine for ``url`` (or the configured default), migrated to the newest schema; one per URL."""
    return open_store(url)


def open_store(url: str | None = None) -> Engine:
    """A new engine for ``url``, migrated to the newest schema (tests use this to get a fresh one)."""
    resolved = resolve_db_url(url)
    if resolved.startswith("postgresql://"):
        resolved = "postgresql+psycopg://" + resolved[len("postgresql://"):]
    if resolved.startswith("sqlite"):
        if "///" in resolved and ":memory:" not in resolved:
            Path(resolved.split("///", 1)[-1]).parent.mkdir(parents=True, exist_ok=True)
        # A second writer (another import, the web app saving a setting) waits for the first to
        # finish instead of failing with "database is locked" after the driver's default 5 s.
        engine = create_engine(resolved, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "checkin", _detach_staged)
        scratch.sweep_stale()  # folders of imports killed before they could clean up
    else:
        engine = create_engine(resolved, pool_pre_ping=True)
    upgrade(engine)
    return engine
