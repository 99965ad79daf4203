"""The import service: one transaction per file, exact row accounting, and revisions instead of overwrites.

Rows are matched to what the store already holds by ``(series, source_row_id)``: a row not seen
before is *imported*; one whose values are the same is *unchanged*; one whose values differ is
*changed* (its old values go to ``revisions``); a stored row missing from the newer file is
*withdrawn* (kept, marked, and recorded in ``revisions``). rows_read = imported + unchanged +
changed + rejected, always. Importing a file that changes nothing records nothing and says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import polars as pl
from sqlalchemy import Connection, Date, Engine, Table, bindparam, func, insert, select, update

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.digest import sha256
from lifeline.errors import BadFile, UserError
from lifeline.ingest import bulk, plausible, publishers, records, registry, special_rows, summary, tables
from lifeline.ingest.base import Parsed, rejections
from lifeline.ingest.hxl_locations import store_locations
from lifeline.ingest.hxl_read import HxlRaw
from lifeline.ingest.records import ImportReport
from lifeline.store import schema

Progress = bulk.Progress
IGNORED_IN_COMPARISON = {"source_row_id", "row_number"}


def parse(
    path: Path, kind: str = "auto", rules: AssumptionSet | None = None, progress: Progress | None = None
) -> tuple[ModuleType, Parsed]:
    """Detect (or take) the kind, read and normalise the file; raises UserError on a bad file.

    Generic faults (missing, folder, empty, binary, wrong encoding, unreadable workbook, no table)
    are named here before detection, so the message says what is wrong rather than "not recognised".
    """
    if progress:
        progress("reading", 0, 0)
    chosen = registry.importer(kind) if kind != "auto" else None
    _check_path(path)
    with tables.remembered_reads():
        tables.check_readable(path)
        module = chosen or registry.detect(path)
        if chosen is not None and not chosen.detect(path):
            refusal = getattr(chosen, "refusal", None)  # an importer that can say what is missing says it
            if refusal is not None:
                raise refusal(path)
            raise BadFile(f"does not look like a {kind} file (its columns do not match)", file=str(path), row=1)
        raw = module.read(path)
        raw.frame = raw.frame.rechunk()  # one chunk per column: polars 2.1 panics on some multi-chunk string ops
        tables.check_cells(raw, path)
    if progress:
        progress("normalising", 0, 0)
    rules = rules or load_set()
    parsed = module.normalise(raw, rules, path)
    if isinstance(raw, HxlRaw):
        first = raw.column_label("c0") if raw.frame.width > 1 else "row"
        parsed = special_rows.leave_out(parsed, special_rows.find(raw), first)
    parsed = plausible.check(parsed, rules)
    return module, plausible.flag_rows(parsed, raw.uncached_formula_rows, plausible.FORMULA_FLAG)


def _check_path(path: Path) -> None:
    """A missing file, a folder or an empty file is the user's mistake, named before any importer looks."""
    if not path.exists():
        raise BadFile("no such file; expected the path of a CSV, XLSX or JSON file", file=str(path))
    if path.is_dir():
        raise BadFile("is a folder; give the files to import", file=str(path))
    if path.stat().st_size == 0:
        raise BadFile("the file is empty; expected a header row and data rows", file=str(path))


def import_file(
    engine: Engine,
    path: Path,
    kind: str = "auto",
    rules: AssumptionSet | None = None,
    imported_by: str | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    strict: bool = False,
) -> ImportReport:
    """Import one file whole or not at all; the store is untouched when anything fails.

    A row that cannot be read is left out and named in the report (``rejections``), the others stored;
    ``strict`` refuses the whole file instead, on its first rejected row, for a user who wants all or nothing.
    ``dry_run`` compares the file with the store and reports what an import would do, writing nothing.
    """
    from lifeline.ingest.places import with_stored_places

    with engine.connect() as conn:  # the settings plus the places this store knows (a context's own crossings)
        rules = with_stored_places(rules or load_set(), conn)
    module, parsed = parse(path, kind, rules, progress)
    digest = sha256(path)
    with engine.begin() as conn:
        return store(conn, parsed, module.KIND, path, digest, imported_by, progress, dry_run, strict)


def store(
    conn: Connection,
    parsed: Parsed,
    kind: str,
    path: Path,
    digest: str,
    imported_by: str | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    strict: bool = False,
) -> ImportReport:
    """Write parsed rows inside the caller's transaction and return the accounting (``dry_run``: write nothing).

    A file whose rows name several publishers is stored as one dataset per publisher
    (``ingest.publishers``), all in this transaction; the report adds them up and lists each.
    """
    parts = publishers.split(parsed, path)
    if len(parts) > 1:
        reports = [store(conn, part, kind, path, digest, imported_by, progress, dry_run, strict) for part in parts]
        return _combined(parsed, reports)
    if not dry_run:
        _one_writer(conn, parsed.series)
    if parsed.target == "locations":  # type: ignore[comparison-overlap]  # keyed by code: upserted (HXL)
        if dry_run:
            raise UserError("--dry-run compares line lists and observations; a locations file is upserted by code")
        return store_locations(conn, parsed, kind, path, digest, imported_by)
    table: Table = getattr(schema, parsed.target)
    rows, refused = _fit_lengths(table, parsed.rows, parsed.rejections)
    if progress:
        progress("comparing with the store", 0, 0)
    existing = _existing(conn, table, parsed.series, rows.columns)
    diff = _diff(rows, existing)
    flagged = int(rows["flags"].is_not_null().sum()) if "flags" in rows.columns else 0
    flag_counts = _flag_counts(rows) if flagged else {}
    report = ImportReport(
        path=str(path),
        kind=kind,
        series=parsed.series,
        rows_read=parsed.rows_read,
        rows_imported=diff.new.height,
        rows_unchanged=diff.unchanged,
        rows_changed=diff.changed.height,
        rows_rejected=refused.height,
        rows_flagged=flagged,
        rows_withdrawn=diff.withdrawn.height,
        rejections=refused.to_dicts(),
        flag_counts=flag_counts,
    )
    assert report.rows_read == (
        report.rows_imported + report.rows_unchanged + report.rows_changed + report.rows_rejected
    ), "row accounting does not balance"
    if strict and report.rejections and not dry_run:  # before any write: the caller's transaction rolls back
        first = report.rejections[0]
        raise BadFile(f"{first['reason']}; --strict refuses the file on a rejected row "
                      f"({report.rows_rejected} of {report.rows_read} rejected, nothing stored)",
                      file=str(path), row=first["row"], column=first["column"])
    if report.rows_read and report.rows_rejected == report.rows_read and not dry_run:
        first = report.rejections[0]  # a file no row of which can be read is refused, never an empty import
        raise BadFile(f"{first['reason']}; every row of the file was rejected ({report.rows_rejected} of "
                      f"{report.rows_read}), nothing stored", file=str(path), row=first["row"], column=first["column"])
    if dry_run:
        report.status = "dry-run"
        report.message = (
            f"would import {report.rows_imported}, change {report.rows_changed}, leave {report.rows_unchanged} "
            f"unchanged, reject {report.rows_rejected}, withdraw {report.rows_withdrawn}; nothing written"
        )
        return report
    if diff.new.height == 0 and diff.changed.height == 0 and diff.withdrawn.height == 0:
        previous = conn.execute(
            select(schema.datasets.c.id)
            .where(schema.datasets.c.series == parsed.series)
            .order_by(schema.datasets.c.id.desc())
            .limit(1)
        ).scalar()
        if previous is not None:
            report.status, report.dataset_id = "unchanged", previous
            report.message = (
                f"nothing changed: every row is already stored (dataset {previous}); nothing written"
                if not report.rows_rejected else
                f"nothing changed: every row that could be read is already stored (dataset {previous}), "
                f"{report.rows_rejected} rejected; nothing written"
            )
            return report
    source_id = records.source_row(conn, parsed.source, path, digest)
    now = datetime.now(UTC)
    dataset_id = _new_id(
        conn,
        insert(schema.datasets).values(
            kind=kind,
            series=parsed.series,
            source_id=source_id,
            path=path.name,
            sha256=digest,
            imported_at=now,
            rows_read=report.rows_read,
            rows_imported=report.rows_imported,
            rows_unchanged=report.rows_unchanged,
            rows_changed=report.rows_changed,
            rows_rejected=report.rows_rejected,
            rows_flagged=report.rows_flagged,
            rows_withdrawn=report.rows_withdrawn,
            note=parsed.note,
            imported_by=imported_by,
        ),
    )
    report.dataset_id = int(dataset_id)
    report.status = "updated" if existing.height else "imported"
    _insert_new(conn, table, diff.new, parsed.series, report.dataset_id, progress)
    _apply_changes(conn, table, diff.changed, existing, report.dataset_id, now)
    _withdraw(conn, table, diff.withdrawn, report.dataset_id, now)
    if parsed.target == "deliveries":
        if progress:
            progress("updating totals", 0, 0)
        summary.summarise(conn, parsed.series, diff.new if existing.height == 0 else None, report.dataset_id)
    if refused.height:
        conn.execute(
            insert(schema.rejections),
            [dict(r, dataset_id=report.dataset_id) for r in refused.to_dicts()],
        )
    report.message = (
        f"{report.rows_imported} imported, {report.rows_changed} changed, {report.rows_unchanged} unchanged, "
        f"{report.rows_rejected} rejected, {report.rows_withdrawn} withdrawn"
    )
    return report


def _flag_counts(rows: pl.DataFrame) -> dict[str, int]:
    """Rows per flag (flags are a comma-separated list), most frequent first."""
    names = rows["flags"].drop_nulls().str.split(",").explode().str.strip_chars()
    counted = names.filter(names != "").value_counts()
    return dict(sorted(((str(k), int(v)) for k, v in counted.iter_rows()), key=lambda kv: (-kv[1], kv[0])))


def _combined(parsed: Parsed, reports: list[ImportReport]) -> ImportReport:
    """One report for a file stored as several datasets (one per publisher): the sums, and each part."""
    first = reports[0]
    counts = {
        name: sum(getattr(r, name) for r in reports)
        for name in (
            "rows_read", "rows_imported", "rows_unchanged", "rows_changed", "rows_rejected", "rows_flagged",
            "rows_withdrawn",
        )
    }  # fmt: skip
    statuses = {r.status for r in reports}
    status = next((s for s in ("dry-run", "updated", "imported") if s in statuses), "unchanged")
    parts = [
        {
            "series": r.series,
            "dataset_id": r.dataset_id,
            "status": r.status,
            "rows_read": r.rows_read,
            "message": r.message,
        }
        for r in reports
    ]
    return ImportReport(
        path=first.path,
        kind=first.kind,
        series=parsed.series,
        **counts,
        rejections=[rejection for r in reports for rejection in r.rejections],
        flag_counts={k: sum(r.flag_counts.get(k, 0) for r in reports)
                     for k in sorted({k for r in reports for k in r.flag_counts})},
        dataset_id=first.dataset_id,
        status=status,
        message=f"{len(reports)} publishers, one dataset each: "
        + "; ".join(f"{r.series}: {r.message}" for r in reports),
        parts=parts,
    )


def _one_writer(conn: Connection, series: str) -> None:
    """Make two imports of the same series take turns, so the second compares against the first's rows.

    Without this both read the store, both find the rows new, and the second fails on the unique
    key. PostgreSQL: a transaction-scoped advisory lock on the series. SQLite: take the write lock
    now (``BEGIN IMMEDIATE``) rather than at the first INSERT; the other writer waits for the
    commit (the busy timeout set in ``store.engine``).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(func.hashtext(series))))
    elif conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        if raw is not None and not raw.in_transaction:  # nothing written yet in this transaction
            raw.execute("BEGIN IMMEDIATE")


def _new_id(conn: Connection, stmt: Any) -> int:
    """The primary key an INSERT created."""
    key = conn.execute(stmt).inserted_primary_key
    assert key is not None
    return int(key[0])


def _fit_lengths(table: Table, rows: pl.DataFrame, refused: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Reject rows whose codes are longer than the store's column allows.

    PostgreSQL enforces ``VARCHAR(n)`` and SQLite does not: without this check the same file (say,
    with an assumption override mapping a crossing to a very long code) would import on one
    backend and fail on the other. Here it is a rejection with its row and column on both.
    """
    limits = {
        c: int(table.c[c].type.length)  # type: ignore[attr-defined]
        for c in rows.columns
        if c in table.c and getattr(table.c[c].type, "length", None) and rows.schema[c] == pl.String
    }
    if not limits or rows.height == 0:
        return rows, refused
    # One parallel pass: a column whose longest value in bytes fits has no value too long in characters.
    longest = rows.select([pl.col(c).str.len_bytes().max() for c in limits]).row(0, named=True)
    limits = {c: n for c, n in limits.items() if (longest[c] or 0) > n}
    too_long = [
        rows.filter(pl.col(c).str.len_chars() > n).select(
            pl.col("row_number").alias("row"),
            pl.lit(c).alias("column"),
            pl.format(f"the value {{}} is longer than the {n} characters the store keeps for {c}", pl.col(c)).alias(
                "reason"
            ),
        )
        for c, n in limits.items()
    ]
    too_long = [f for f in too_long if f.height]
    if not too_long:
        return rows, refused
    extra = rejections(*too_long).unique("row", keep="first", maintain_order=True)
    return rows.filter(~pl.col("row_number").is_in(extra["row"].implode())), rejections(refused, extra)


def _existing(conn: Connection, table: Table, series: str, columns: Iterable[str]) -> pl.DataFrame:
    """The stored rows of a series, as a frame, for the diff.

    The statement runs on the driver's own cursor: SQLAlchemy's per-row result objects cost
    seconds for a million rows. The frame is built column by column.
    """
    wanted = ["id", "withdrawn_dataset_id", "dataset_id", *columns]
    stmt = select(*[table.c[c] for c in wanted]).where(table.c.series == series)
    compiled = stmt.compile(dialect=conn.dialect)
    params: Any = (
        tuple(compiled.params[k] for k in compiled.positiontup or []) if compiled.positional else compiled.params
    )
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), params)
        names = [d[0] for d in cursor.description]
        data = cursor.fetchall()
    finally:
        cursor.close()
    types = {"id": pl.Int64, "withdrawn_dataset_id": pl.Int64, "dataset_id": pl.Int64}
    if not data:
        return pl.DataFrame(schema={n: types.get(n, pl.String) for n in names})
    columns_of = zip(names, zip(*data, strict=True), strict=True)
    frame = pl.DataFrame({name: pl.Series(name, values, strict=False) for name, values in columns_of})
    # SQLite hands dates back as ISO text; the diff compares them with the file's dates.
    dates = [c for c in names if isinstance(table.c[c].type, Date) and frame.schema[c] == pl.String]
    return frame.with_columns([pl.col(c).str.to_date("%Y-%m-%d") for c in dates]) if dates else frame


@dataclass
class _Diff:
    new: pl.DataFrame
    changed: pl.DataFrame  # new values, with the stored row's id
    withdrawn: pl.DataFrame  # ids of stored rows absent from the file
    unchanged: int


def _diff(rows: pl.DataFrame, existing: pl.DataFrame) -> _Diff:
    if existing.height == 0:
        return _Diff(rows, rows.clear().with_columns(pl.lit(0).alias("id")), existing.select("id"), 0)
    compared = [c for c in rows.columns if c not in IGNORED_IN_COMPARISON]
    old = existing.rename({c: f"{c}__old" for c in compared}).with_columns(
        [pl.col(f"{c}__old").cast(rows.schema[c]) for c in compared]
    )
    joined = rows.join(old, on="source_row_id", how="left")
    matched = joined.filter(pl.col("id").is_not_null())
    differs = pl.any_horizontal(
        [pl.col(c).ne_missing(pl.col(f"{c}__old")) for c in compared] + [pl.col("withdrawn_dataset_id").is_not_null()]
    )
    changed = matched.filter(differs)
    new = joined.filter(pl.col("id").is_null()).select(rows.columns)
    present = rows["source_row_id"].implode()
    withdrawn = existing.filter(
        pl.col("withdrawn_dataset_id").is_null() & ~pl.col("source_row_id").is_in(present)
    ).select("id", "dataset_id", *compared)
    return _Diff(new, changed.select("id", *rows.columns), withdrawn, matched.height - changed.height)


def _insert_new(
    conn: Connection, table: Table, new: pl.DataFrame, series: str, dataset_id: int, progress: Progress | None
) -> None:
    """Insert new rows in bulk, inside the caller's transaction (so still whole or nothing)."""
    if new.height == 0:
        return
    constants = {"series": series, "dataset_id": dataset_id, "first_dataset_id": dataset_id}
    with bulk.bulk_indexes(conn, table, new.height, progress):
        bulk.write_rows(conn, table, new, constants, progress)


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}


def _apply_changes(
    conn: Connection, table: Table, changed: pl.DataFrame, existing: pl.DataFrame, dataset_id: int, now: datetime
) -> None:
    if changed.height == 0:
        return
    fields = [c for c in changed.columns if c not in {"id", "source_row_id"}]
    before = existing.filter(pl.col("id").is_in(changed["id"].implode()))
    old_by_id = {r["id"]: r for r in before.to_dicts()}
    revisions = []
    for new_row in changed.to_dicts():
        old = old_by_id[new_row["id"]]
        diff_old = {f: old[f] for f in fields if f in old and old[f] != new_row[f] and f != "row_number"}
        diff_new = {f: new_row[f] for f in diff_old}
        revisions.append(
            {
                "table_name": table.name,
                "record_id": new_row["id"],
                "dataset_id": dataset_id,
                "previous_dataset_id": old["dataset_id"],
                "changed_at": now,
                "action": "restored" if old.get("withdrawn_dataset_id") else "changed",
                "old_values": _jsonable(diff_old),
                "new_values": _jsonable(diff_new),
            }
        )
    conn.execute(insert(schema.revisions), revisions)
    stmt = (
        update(table)
        .where(table.c.id == bindparam("_id"))
        .values({f: bindparam(f"_{f}") for f in fields} | {"dataset_id": dataset_id, "withdrawn_dataset_id": None})
    )
    conn.execute(stmt, [{"_id": r["id"], **{f"_{f}": r[f] for f in fields}} for r in changed.to_dicts()])


def _withdraw(conn: Connection, table: Table, withdrawn: pl.DataFrame, dataset_id: int, now: datetime) -> None:
    if withdrawn.height == 0:
        return
    rows = withdrawn.to_dicts()
    conn.execute(
        insert(schema.revisions),
        [
            {
                "table_name": table.name,
                "record_id": r["id"],
                "dataset_id": dataset_id,
                "previous_dataset_id": r["dataset_id"],
                "changed_at": now,
                "action": "withdrawn",
                "old_values": _jsonable({k: v for k, v in r.items() if k not in {"id", "dataset_id"}}),
                "new_values": None,
            }
            for r in rows
        ],
    )
    conn.execute(
        update(table).where(table.c.id == bindparam("_id")).values(withdrawn_dataset_id=dataset_id),
        [{"_id": r["id"]} for r in rows],
    )


__all__ = ["ImportReport", "import_file", "parse", "store", "sha256", "json"]
