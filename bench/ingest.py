"""Ingest benchmark: the real line lists, and a generated 1,000,000-row HXL deliveries file, in one table.

Run ``python bench/ingest.py`` (or ``make bench``). Each step runs in its own child process so its
peak memory is its own. Steps:

- Lifeline importing the UNRWA xlsx and csv and the COGAT csv from ``../shared/data`` (fresh SQLite store);
- a generated HXL deliveries file (``--rows``, default 1,000,000; deterministic seed), read and
  validated only, then read, validated and stored by Lifeline on SQLite (and on PostgreSQL when
  ``--pg URL`` or ``LIFELINE_TEST_PG`` is given), then aggregated by area and commodity in SQL;
- the same aggregation by libhxl (the ``count`` filter behind ``hxlcount``) and by pandas
  (``read_csv`` + ``groupby``) on the same file;
- two floors, not Lifeline: polars reading the file and nothing else, and SQLite alone copying the
  rows Lifeline stored into a fresh store of the same schema (what storing costs whatever the code).

Targets (issue 2): UNRWA xlsx < 3 s; 1M-row file stored at >= 500k rows/s with peak < 500 MB;
its aggregation < 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import (  # noqa: E402
    ROOT,
    SHARED_DATA,
    StepResult,
    machine,
    python_child,
    render,
    report_from_child,
    run_child,
)

SEED = 20241111
HXL_HEADER = ["Date", "Crossing", "Item", "Category", "Quantity", "Unit", "Governorate", "ID"]
HXL_TAGS = [
    "#date", "#loc+crossing+name", "#item+name", "#item+type",
    "#indicator+num+quantity", "#indicator+unit", "#adm1+code", "#meta+id",
]
# Spellings as they occur in the real line lists (UNRWA, COGAT) so normalisation does real work.
CROSSINGS = ["Kerem Shalom", "Karem Abu Salem", "Rafah", "Erez", "Zikim", "Gate 96", "Kissufim", "JLOTS"]
ITEMS = [
    ("Wheat Flour", "Food"), ("Rice + Sugar", "Food Items"), ("Food parcels", "Food"), ("Canned food", "Food"),
    ("Bottled water", "Water"), ("Hygiene kits", "Non-Food Items"), ("Medical consumables", "Medical Supplies"),
    ("Tents", "Shelter"), ("Tarpaulins", "Shelter Equipment"), ("Medicine", "Medical Supply"),
]
UNITS = ["Pallets", "Pallets", "Pallets", "MT", "kg", "Truck"]
AREAS = ["PS-NGZ", "PS-GZA", "PS-DEB", "PS-KYS", "PS-RFH"]


def generate(path: Path, rows: int, seed: int = SEED) -> Path:
    """Write a deterministic HXL deliveries CSV (header row, hashtag row, ``rows`` data rows)."""
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-10-21")
    item = rng.integers(0, len(ITEMS), rows)
    frame = pl.DataFrame(
        {
            "Date": (start + rng.integers(0, 346, rows).astype("timedelta64[D]")).astype(str),
            "Crossing": np.array(CROSSINGS)[rng.integers(0, len(CROSSINGS), rows)],
            "Item": np.array([i for i, _ in ITEMS])[item],
            "Category": np.array([c for _, c in ITEMS])[item],
            "Quantity": np.round(rng.gamma(2.0, 12.0, rows), 1),
            "Unit": np.array(UNITS)[rng.integers(0, len(UNITS), rows)],
            "Governorate": np.array(AREAS)[rng.integers(0, len(AREAS), rows)],
        }
    ).with_columns(pl.format("G{}", pl.int_range(1, rows + 1).cast(pl.String).str.zfill(7)).alias("ID"))
    with path.open("w", encoding="utf-8") as fh:
        fh.write(",".join(HXL_HEADER) + "\n" + ",".join(HXL_TAGS) + "\n")
        frame.write_csv(fh, include_header=False)
    return path


# ---------------------------------------------------------------- child steps (one per process)


def step_parse(path: Path, kind: str) -> None:
    from lifeline.ingest.service import parse

    started = time.perf_counter()
    _module, parsed = parse(path, kind)
    seconds = time.perf_counter() - started
    note = f"{parsed.rows.height:,} rows valid, {parsed.rejections.height:,} rejected"
    report_from_child(parsed.rows_read, seconds, note)


def step_import(path: Path, kind: str, db: str) -> None:
    from lifeline.ingest.service import import_file
    from lifeline.store.engine import open_store

    engine = open_store(db)
    server = _server_cpu(engine)
    cpu_before = server()
    started = time.perf_counter()
    report = import_file(engine, path, kind)
    seconds = time.perf_counter() - started
    server_cpu = server() - cpu_before
    engine.dispose()
    note = f"{report.rows_imported:,} stored, {report.rows_rejected:,} rejected"
    if server_cpu:
        note += f", server CPU {server_cpu:.2f} s"
    report_from_child(report.rows_read, seconds, note)


def _server_cpu(engine: Any) -> Any:
    """A reader of the CPU seconds the PostgreSQL backend serving ``engine`` has used (0 on SQLite).

    The import reuses the pool's one connection, so its backend is the one asked here. Read from
    ``/proc`` (the server runs on this machine): on a shared machine CPU time moves much less than
    wall time with the others' load.
    """
    if engine.dialect.name != "postgresql":
        return lambda: 0.0
    with engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():  # a server on another machine
        return lambda: 0.0

    def read() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    return read


def step_aggregate(db: str) -> None:
    from lifeline.store import queries
    from lifeline.store.engine import open_store

    engine = open_store(db)
    with engine.connect() as conn:
        started = time.perf_counter()
        rows = queries.delivery_breakdown(conn, ("area", "commodity"))
        seconds = time.perf_counter() - started
    engine.dispose()
    consignments = sum(int(r["consignments"]) for r in rows)
    report_from_child(consignments, seconds, f"{len(rows)} groups (SQL GROUP BY)")


def step_read_only(path: Path) -> None:
    """The reading floor: polars reads the file as text (what Lifeline's reader starts from), nothing else."""
    import polars as pl

    started = time.perf_counter()
    frame = pl.read_csv(path, skip_rows_after_header=1, infer_schema=False)
    seconds = time.perf_counter() - started
    report_from_child(frame.height, seconds, "polars read_csv, all columns as text")


def step_sqlite_floor(db: str, stored: str) -> None:
    """The storing floor: the rows Lifeline stored, copied by SQLite alone into a fresh store.

    ``INSERT ... SELECT`` from the attached store of the import step, with the same secondary-index
    drop and rebuild and the same commit: no file, no Python per row. Whatever the code in front
    of it, storing these rows in this schema costs at least this.
    """
    from sqlalchemy import text

    from lifeline.ingest.bulk import bulk_indexes
    from lifeline.store import schema
    from lifeline.store.engine import open_store

    engine = open_store(db)
    source = stored.split("///", 1)[-1]
    columns = ", ".join(c.name for c in schema.deliveries.c)
    with engine.connect() as conn:
        conn.exec_driver_sql(f"ATTACH DATABASE '{source}' AS stored")
        conn.commit()
        for parent in ("sources", "datasets"):  # what the rows' foreign keys point to
            conn.exec_driver_sql(f"INSERT INTO {parent} SELECT * FROM stored.{parent}")
        conn.commit()
        rows = conn.execute(text("SELECT count(*) FROM stored.deliveries")).scalar() or 0
        conn.execute(text("SELECT count(*), sum(length(description)) FROM stored.deliveries")).all()  # warm cache
        conn.commit()
        started = time.perf_counter()
        with conn.begin():
            with bulk_indexes(conn, schema.deliveries, rows):
                conn.exec_driver_sql(f"INSERT INTO deliveries ({columns}) SELECT {columns} FROM stored.deliveries")
        seconds = time.perf_counter() - started
    engine.dispose()
    report_from_child(rows, seconds, "INSERT ... SELECT + index rebuild + commit, no Python per row")


def step_libhxl(path: Path) -> None:
    import hxl

    started = time.perf_counter()
    counted = hxl.data(str(path), hxl.InputOptions(allow_local=True)).count(
        ["#adm1+code", "#item+name"], aggregators=["sum(#indicator+num+quantity) as Quantity#indicator+num+quantity"]
    )
    groups = sum(1 for _ in counted)
    seconds = time.perf_counter() - started
    report_from_child(_data_rows(path), seconds, f"{groups} groups (hxl count filter = hxlcount)")


def step_pandas(path: Path) -> None:
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_csv(path, skiprows=[1])
    groups = frame.groupby(["Governorate", "Item"]).agg(rows=("ID", "size"), quantity=("Quantity", "sum"))
    seconds = time.perf_counter() - started
    report_from_child(len(frame), seconds, f"{len(groups)} groups (read_csv + groupby)")


def _data_rows(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh) - 2


def step_generate(path: Path, rows: int) -> None:
    started = time.perf_counter()
    generate(path, rows)
    report_from_child(rows, time.perf_counter() - started, f"{path.stat().st_size / 1e6:.0f} MB written")


STEPS = {"generate", "read", "parse", "import", "floor", "aggregate", "libhxl", "pandas"}


def child_main(args: argparse.Namespace) -> None:
    path = Path(args.file) if args.file else Path()
    if args.step == "generate":
        step_generate(path, args.rows)
    elif args.step == "read":
        step_read_only(path)
    elif args.step == "floor":
        step_sqlite_floor(args.db, args.stored)
    elif args.step == "parse":
        step_parse(path, args.kind)
    elif args.step == "import":
        step_import(path, args.kind, args.db)
    elif args.step == "aggregate":
        step_aggregate(args.db)
    elif args.step == "libhxl":
        step_libhxl(path)
    elif args.step == "pandas":
        step_pandas(path)


# ---------------------------------------------------------------- the run


def fresh_postgres(url: str, name: str = "lifeline_bench") -> str:
    """A fresh database ``name`` on the server of ``url`` (dropped and created again)."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    base = plain.rsplit("/", 1)[0]
    return f"{base}/{name}"


def drop_postgres(url: str, name: str) -> None:
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# ---------------------------------------------------------------- baseline vs this tree, side by side


def baseline_tree(ref: str, into: Path) -> Path:
    """The project's files at git ``ref`` (e.g. ``main``), unpacked into ``into``: the baseline's code."""
    import subprocess
    import tarfile

    archive = into.with_suffix(".tar")
    with archive.open("wb") as out:
        subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref], stdout=out, check=True)
    into.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    archive.unlink()
    return into


def _server_cpu_of(result: StepResult) -> float | None:
    import re

    found = re.search(r"server CPU ([0-9.]+) s", result.note)
    return float(found[1]) if found else None


def compare(args: argparse.Namespace) -> int:
    """Import the same files with the baseline's code and this tree's, on SQLite and PostgreSQL; one table.

    Both run this script's ``import`` step in fresh processes, into fresh stores; only the
    ``lifeline`` package differs (``--tree`` puts the baseline's first on the path). Runs
    alternate (baseline, this, baseline, this ...) so both see the same load; the best of
    ``--repeat`` is kept.
    """
    me = Path(__file__).resolve()
    rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="lifeline-bench-") as tmp:
        work = Path(tmp)
        base = baseline_tree(args.compare, work / "baseline")
        inputs: list[tuple[str, Path]] = []
        for n in args.sizes:
            path = work / f"deliveries-{n}.csv"
            # in a child: a child's peak memory starts from its parent's size at fork (see main)
            run_child("generate", python_child(me, "--step", "generate", "--file", str(path), "--rows", str(n)))
            inputs.append((f"{n:,}-row HXL (generated)", path))
        for file in ("unrwa-commodities-received-20241111.csv", "unrwa-commodities-received-20241111.xlsx"):
            if (SHARED_DATA / file).exists():
                inputs.append((f"UNRWA {file.rsplit('.', 1)[1]} (real list)", SHARED_DATA / file))
        backends = ["SQLite"] + (["PostgreSQL"] if args.pg and not args.no_pg else [])
        database = f"lifeline_bench_{os.getpid()}"
        for label, path in inputs:
            for backend in backends:
                best: dict[str, StepResult | None] = {"baseline": None, "this": None}
                for attempt in range(args.repeat):
                    for who, tree in (("baseline", str(base)), ("this", str(ROOT))):
                        if backend == "SQLite":
                            db = f"sqlite:///{work / f'{who}-{attempt}.db'}"
                        else:
                            db = fresh_postgres(args.pg, database)
                        argv = python_child(me, "--step", "import", "--tree", tree, "--file", str(path), "--db", db)
                        result = run_child(f"{label} {backend} {who}", argv)
                        if backend == "SQLite":
                            Path(db.split("///", 1)[1]).unlink(missing_ok=True)
                        kept = best[who]
                        if kept is None or kept.seconds is None or (result.seconds or float("inf")) < kept.seconds:
                            best[who] = result
                rows.append(_compare_row(label, backend, best["baseline"], best["this"]))
        if "PostgreSQL" in backends:
            drop_postgres(args.pg, database)
    header = [
        "input", "backend", "rows", f"{args.compare} rows/s", "this rows/s", "speed-up",
        f"{args.compare} wall s", "this wall s", f"{args.compare} server CPU s", "this server CPU s",
        f"{args.compare} peak MB", "this peak MB",
    ]  # fmt: skip
    print(f"Lifeline ingest: {args.compare} vs this tree (best of {args.repeat}; fresh store each run)")
    print(machine())
    print()
    print(_table(header, rows))
    return 0


def _compare_row(label: str, backend: str, old: StepResult | None, new: StepResult | None) -> list[str]:
    def rate(r: StepResult | None) -> str:
        return "failed" if r is None or r.rows_per_s is None else f"{r.rows_per_s:,.0f}"

    def num(value: float | None, pattern: str) -> str:
        return "n/a" if value is None else format(value, pattern)

    speed = (
        f"{new.rows_per_s / old.rows_per_s:.2f}x"
        if old and new and old.rows_per_s and new.rows_per_s
        else "n/a"
    )
    rows = next((r.rows for r in (new, old) if r and r.rows), None)
    return [
        label, backend, num(rows, ","), rate(old), rate(new), speed,
        num(old.seconds if old else None, ".2f"), num(new.seconds if new else None, ".2f"),
        num(_server_cpu_of(old) if old else None, ".2f"), num(_server_cpu_of(new) if new else None, ".2f"),
        num(old.peak_mb if old else None, ".0f"), num(new.peak_mb if new else None, ".0f"),
    ]  # fmt: skip


def _table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (pastes into docs/performance.md as it is)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the generated HXL file")
    parser.add_argument("--pg", default=os.environ.get("LIFELINE_TEST_PG"), help="PostgreSQL URL (optional)")
    parser.add_argument("--no-pg", action="store_true", help="skip the PostgreSQL steps")
    parser.add_argument("--no-real", action="store_true", help="skip the real files of ../shared/data")
    parser.add_argument(
        "--compare",
        metavar="REF",
        help="instead: import with the code at git REF (e.g. main) and with this tree, side by side",
    )
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[100_000, 1_000_000],
        help="with --compare: rows of the generated files (default 100000,1000000)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="with --compare: runs of each, best kept")
    parser.add_argument("--tree", help=argparse.SUPPRESS)
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--kind", default="auto", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--stored", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        if args.tree:  # the baseline's lifeline package, ahead of this tree's
            sys.path.insert(0, args.tree)
            import lifeline

            assert str(Path(lifeline.__file__).resolve()).startswith(str(Path(args.tree).resolve())), lifeline.__file__
        child_main(args)
        return 0
    if args.compare:
        return compare(args)

    me = Path(__file__).resolve()
    results: list[StepResult] = []
    with tempfile.TemporaryDirectory(prefix="lifeline-bench-") as tmp:
        work = Path(tmp)
        if not args.no_real:
            real = [
                ("UNRWA xlsx import (37k rows)", "unrwa-commodities-received-20241111.xlsx", "< 3 s"),
                ("UNRWA csv import", "unrwa-commodities-received-20241111.csv", ""),
                ("COGAT csv import", "cogat-gaza-aid-data-20240924.csv", ""),
            ]
            for i, (name, file, target) in enumerate(real):
                path = SHARED_DATA / file
                if not path.exists():
                    results.append(StepResult(name, None, None, None, f"skipped: ../shared/data/{file} absent", target))
                    continue
                db = f"sqlite:///{work / f'real{i}.db'}"
                argv = python_child(me, "--step", "import", "--file", str(path), "--db", db)
                results.append(run_child(name, argv, target))

        label = f"{args.rows:,}-row HXL"
        # Generated in a child too: on Linux a child's peak memory starts from its parent's size at
        # fork, so the parent stays small (it never imports polars) to keep every figure honest.
        hxl_file = work / f"deliveries-{args.rows}.csv"
        made = run_child(
            f"{label}: generate (not Lifeline)",
            python_child(me, "--step", "generate", "--file", str(hxl_file), "--rows", str(args.rows)),
        )
        if made.rows is None:
            print(render("Lifeline ingest benchmark: generating the HXL file failed", [*results, made]))
            return 1
        size_mb = hxl_file.stat().st_size / 1e6
        read_only = python_child(me, "--step", "read", "--file", str(hxl_file))
        results.append(run_child(f"{label}: read only (polars, floor)", read_only))
        results.append(
            run_child(f"{label}: read + validate only", python_child(me, "--step", "parse", "--file", str(hxl_file)))
        )
        backends = [("SQLite", f"sqlite:///{work / 'big.db'}")]
        if args.pg and not args.no_pg:
            try:
                backends.append(("PostgreSQL", fresh_postgres(args.pg)))
            except Exception as exc:  # the server may be absent: say so in the table, keep the rest
                results.append(StepResult(f"{label}: PostgreSQL", None, None, None, f"skipped: {exc}"[:120]))
        for backend, db in backends:
            results.append(
                run_child(
                    f"{label}: read + validate + store ({backend})",
                    python_child(me, "--step", "import", "--file", str(hxl_file), "--db", db),
                    ">= 500k rows/s, < 500 MB",
                )
            )
            if backend == "SQLite":
                results.append(
                    run_child(
                        f"{label}: store only, SQLite alone (floor)",
                        python_child(me, "--step", "floor", "--db", f"sqlite:///{work / 'floor.db'}", "--stored", db),
                    )
                )
            results.append(
                run_child(
                    f"{label}: aggregate area x commodity ({backend})",
                    python_child(me, "--step", "aggregate", "--db", db),
                    "< 0.5 s",
                )
            )
        for name, step in (("libhxl count (hxlcount)", "libhxl"), ("pandas read_csv + groupby", "pandas")):
            results.append(run_child(f"{label}: {name}", python_child(me, "--step", step, "--file", str(hxl_file))))
    title = f"Lifeline ingest benchmark (generated file: {args.rows:,} rows, {size_mb:.0f} MB, seed {SEED})"
    print(render(title, results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
