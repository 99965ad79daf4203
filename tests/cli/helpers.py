"""Helpers for tests that drive the real ``lifeline`` command and compare whole stores.

- :func:`run_cli` runs the installed console script in a subprocess, as a user would (each command
  family keeps one such test: the entry point, its exit status and its streams);
- :func:`invoke_cli` runs the same entry point (``lifeline.cli.app.run``, its error handling included)
  in this process and returns the same kind of result: 2-3 s of interpreter and import start-up less
  per command, for tests that check what a command prints and answers;
- :func:`snapshot` fingerprints every table (row count + SHA-256 of all rows in key order), so a
  test can assert the store is *exactly* as before a failed import;
- :func:`unrwa_csv` writes small UNRWA-shaped line lists, so update semantics can be tested on
  rows a test controls;
- :func:`private_postgres` gives a test its own PostgreSQL database, so parallel runs (several
  people share one test server) never drop each other's schema.
"""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, create_engine, select, text

ROOT = Path(__file__).resolve().parents[2]
CONSOLE_SCRIPT = ROOT / ".venv" / "bin" / "lifeline"

UNRWA_HEADER = [
    "ID", "Last Edited Time", "Received Date", "Data Source", "Manifest of", "Description of Cargo",
    "Cargo Category", "Status", "Time of Opening Gate", "Quantity", "Units", "Donating Country/ Organization",
    "Donation Type", "Crossing", "Destination Recipient/ Partner", "Data Period",
]


def lifeline_argv() -> list[str]:
    """The installed ``lifeline`` script, or the same entry point through this interpreter."""
    if CONSOLE_SCRIPT.exists():
        return [str(CONSOLE_SCRIPT)]
    return [sys.executable, "-c", "from lifeline.cli.app import run; run()"]


def run_cli(db: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``lifeline --db DB ARGS...`` in a subprocess and capture its output."""
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    return subprocess.run(
        [*lifeline_argv(), "--db", db, *args], capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT
    )


def invoke_cli(db: str | None, *args: str, timeout: float | None = None, env: dict[str, str] | None = None,
               stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``lifeline [--db DB] ARGS...`` in-process, as :func:`run_cli` does in a subprocess.

    The console-script function itself runs (a ``UserError`` is one line and status 2, usage errors
    status 2), with stdout and stderr captured apart, ``stdin`` as its standard input and
    ``COLUMNS``/``NO_COLOR`` as :func:`run_cli` sets them; ``timeout`` is accepted for the same
    signature and not enforced (pytest-timeout is).
    An unexpected exception propagates to the test, which fails with its traceback.
    """
    from click.testing import CliRunner

    from lifeline.cli.app import run, state
    from lifeline.store.engine import connect

    connect.cache_clear()  # each command opens (and migrates) its store afresh, as a new process does
    argv = ["lifeline", *(["--db", db] if db is not None else []), *args]
    saved = sys.argv
    code: int = 0
    with CliRunner().isolation(input=stdin, env={"COLUMNS": "200", "NO_COLOR": "1", **(env or {})}) as (out, err, _):
        sys.argv = argv
        try:
            run()
        except SystemExit as exc:
            if isinstance(exc.code, str):  # sys.exit("message"): printed and status 1, as the interpreter does
                sys.stderr.write(exc.code + "\n")
                code = 1
            else:
                code = int(exc.code or 0)
        finally:
            sys.argv = saved
            if connect.cache_info().currsize:  # the one engine this command opened: close its connections
                connect(state.db).dispose()
                connect.cache_clear()
            sys.stdout.flush()  # the text wrappers over the captured bytes
            sys.stderr.flush()
        stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    return subprocess.CompletedProcess(argv, code, stdout, stderr)


def snapshot(engine: Engine) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of all its rows (in a fixed order)."""
    meta = MetaData()
    meta.reflect(engine)
    out: dict[str, tuple[int, str]] = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            # Sorted in Python: PostgreSQL cannot order by a JSON column.
            rows = sorted(repr(tuple(row)) for row in conn.execute(select(table)))
            digest = hashlib.sha256("\n".join(rows).encode())
            out[name] = (len(rows), digest.hexdigest())
    return out


def unrwa_row(row_id: int, day: str = "2024-05-06", quantity: Any = 10, crossing: str = "Kerem Shalom",
              description: str = "Wheat flour", category: str = "Food Items", units: str = "Pallets") -> dict[str, Any]:
    """One UNRWA line-list row with the columns the real list has."""
    return {
        "ID": str(row_id), "Last Edited Time": f"{day} 10:00:00", "Received Date": day, "Data Source": "UNRWA",
        "Manifest of": f"Manifest ({day})", "Description of Cargo": description, "Cargo Category": category,
        "Status": "Received", "Time of Opening Gate": "", "Quantity": str(quantity), "Units": units,
        "Donating Country/ Organization": "UNRWA", "Donation Type": "Humanitarian - UN", "Crossing": crossing,
        "Destination Recipient/ Partner": "UNRWA", "Data Period": "Current Data (after Rafah Operation)",
    }


def unrwa_csv(path: Path, rows: Sequence[dict[str, Any]], encoding: str = "utf-8") -> Path:
    """Write ``rows`` as a UNRWA commodities-received CSV."""
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.DictWriter(fh, fieldnames=UNRWA_HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def rafah_gap_listing(tmp_path: Path) -> Path:
    """An UNRWA list of 40 days from 1 April 2024 at Kerem Shalom and Rafah, Rafah with nothing from day 30 on:
    its import raises an open crossing-gap alert for Rafah."""
    from datetime import date, timedelta

    rows, n = [], 0
    for d in range(40):
        day = (date(2024, 4, 1) + timedelta(days=d)).isoformat()
        for crossing in ("Kerem Shalom", "Rafah"):
            if crossing == "Rafah" and d >= 30:
                continue
            n += 1
            rows.append(unrwa_row(n, day=day, crossing=crossing, quantity=20))
    return unrwa_csv(tmp_path / "unrwa-commodities-received-20240601.csv", rows)


@contextmanager
def private_postgres(server_url: str) -> Iterator[str]:
    """A new, empty database on the test server for one test; dropped afterwards."""
    base = server_url.replace("postgresql+psycopg://", "postgresql://", 1)
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    name = f"lifeline_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{base.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh, migrated store on SQLite and on a private PostgreSQL database."""
    from lifeline.store.engine import open_store
    from tests.conftest import postgres_url

    if request.param == "sqlite":
        engine = open_store(f"sqlite:///{tmp_path / 'lifeline.db'}")
        yield engine
        engine.dispose()
        return
    with private_postgres(postgres_url()) as url:
        engine = open_store(url)
        yield engine
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh store (for the CLI) on SQLite and on a private PostgreSQL database."""
    from tests.conftest import postgres_url

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lifeline.db'}"
        return
    with private_postgres(postgres_url()) as url:
        yield url
