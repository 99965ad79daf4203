"""Plausible values only: dates inside a named window, numbers finite and under named ceilings.

Every importer's rows pass through here once (``service.parse``), so no kind of file can store a
date of year 0 or 9999 (which made queries over "the whole period" allocate gigabytes) or a
quantity of 1e309 (stored as infinity, then answered as a 500 or as ``Infinity``, which is not
JSON). The bounds are data (``[plausible]`` and the ``max_*`` assumptions of the normalisation
set), overridable with ``--assumptions FILE``. Out-of-bounds values are row rejections naming the
file's row and column; a truck carrying more than ``max_kg_per_truck``, or less than
``min_kg_per_truck`` (a month's trucks on a daily row, trucks and tonnes swapped), is kept and flagged.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl

from lifeline.assumptions import AssumptionSet
from lifeline.ingest.base import Parsed, rejections

DATE_COLUMNS = ("date", "period_end", "cited_date")
DELIVERY_NUMBERS = {"quantity": "max_count_per_row", "trucks": "max_count_per_row", "kg": "max_kg_per_row"}
OBSERVATION_NUMBERS = {"value": "max_observation_value"}
HEAVY_FLAG = "over-100t-per-truck"
LIGHT_FLAG = "under-0.5t-per-truck"
_INDEX = "_plausible_index"


def window(rules: AssumptionSet) -> tuple[date, date]:
    """The first and last day a stored date may have."""
    spec = rules.tables.get("plausible", {})
    return spec.get("earliest_date", date(1948, 1, 1)), spec.get("latest_date", date(2100, 12, 31))


def check(parsed: Parsed, rules: AssumptionSet) -> Parsed:
    """``parsed`` with out-of-bounds rows moved to its rejections (one per row) and heavy trucks flagged."""
    rows = parsed.rows
    if parsed.target not in ("deliveries", "observations") or rows.height == 0:
        return parsed
    earliest, latest = window(rules)
    shown = f"{earliest.isoformat()} to {latest.isoformat()}"
    checks: list[tuple[pl.Expr, str, pl.Expr]] = []
    for name in DATE_COLUMNS:
        if name in rows.columns:
            outside = pl.col(name).is_not_null() & ((pl.col(name) < earliest) | (pl.col(name) > latest))
            reason = pl.format(f"expected a date from {shown}, found {{}}", _date_text(pl.col(name)))
            checks.append((outside, parsed.labels.get(name, name), reason))
    numbers = DELIVERY_NUMBERS if parsed.target == "deliveries" else OBSERVATION_NUMBERS
    for name, ceiling_name in numbers.items():
        if name not in rows.columns:
            continue
        ceiling = rules.value(ceiling_name)
        value = pl.col(name)
        checks.append(
            (
                value.is_nan() | value.is_infinite(),
                parsed.labels.get(name, name),
                pl.lit("expected a finite number, found one too large to hold (or not a number)"),
            )
        )
        checks.append(
            (
                value.abs() > ceiling,
                parsed.labels.get(name, name),
                pl.format(f"expected at most {ceiling:,.0f} ({ceiling_name}), found {{}}", value),
            )
        )
    indexed = rows.with_row_index(_INDEX)
    column = pl.coalesce([pl.when(w.fill_null(False)).then(pl.lit(c)) for w, c, _ in checks])
    reason = pl.coalesce([pl.when(w.fill_null(False)).then(r) for w, _, r in checks])
    marked = indexed.select(_INDEX, "row_number", column.alias("column"), reason.alias("reason"))
    bad = marked.filter(pl.col("reason").is_not_null())
    kept = indexed.filter(~pl.col(_INDEX).is_in(bad[_INDEX].implode())).drop(_INDEX) if bad.height else rows
    if parsed.target == "deliveries":
        kept = _flag_truck_loads(kept, rules)
    if bad.height == 0 and kept is rows:
        return parsed
    refused = rejections(parsed.rejections, bad.select(pl.col("row_number").alias("row"), "column", "reason"))
    return replace(parsed, rows=kept, rejections=refused)


def _date_text(expr: pl.Expr) -> pl.Expr:
    """A date as ISO text, with the year in four digits even for year 0 (polars writes it without padding)."""
    return pl.format(
        "{}-{}-{}",
        expr.dt.year().cast(pl.String).str.zfill(4),
        expr.dt.month().cast(pl.String).str.zfill(2),
        expr.dt.day().cast(pl.String).str.zfill(2),
    )


def _flag_truck_loads(rows: pl.DataFrame, rules: AssumptionSet) -> pl.DataFrame:
    """Flag rows whose kilograms per truck lie outside [min_kg_per_truck, max_kg_per_truck]: kept, a figure
    to check, not refuse."""
    if not {"kg", "trucks", "flags"} <= set(rows.columns):
        return rows
    per_truck = pl.col("kg") / pl.col("trucks")
    for flag, outside in ((HEAVY_FLAG, per_truck > rules.value("max_kg_per_truck")),
                          (LIGHT_FLAG, per_truck < rules.value("min_kg_per_truck"))):
        hit = ((pl.col("trucks") > 0) & outside).fill_null(False)
        if not rows.select(hit.any()).item():
            continue
        flagged = pl.when(pl.col("flags").is_null()).then(pl.lit(flag)).otherwise(pl.col("flags") + "," + flag)
        rows = rows.with_columns(pl.when(hit).then(flagged).otherwise(pl.col("flags")).alias("flags"))
    return rows


FORMULA_FLAG = "formula-without-value"


def flag_rows(parsed: Parsed, file_rows: set[int], flag: str) -> Parsed:
    """``flag`` added to the rows read from ``file_rows`` (deliveries: ``flags``; observations: ``note``)."""
    if not file_rows or parsed.target not in ("deliveries", "observations") or parsed.rows.height == 0:
        return parsed
    hit = pl.col("row_number").is_in(sorted(file_rows))
    column = "flags" if parsed.target == "deliveries" else "note"
    text = f"a cell is a formula with no cached value ({flag}): it reads as empty" if column == "note" else flag
    added = (
        pl.when(pl.col(column).is_null())
        .then(pl.lit(text))
        .otherwise(pl.col(column) + ("; " if column == "note" else ",") + text)
    )
    rows = parsed.rows.with_columns(pl.when(hit).then(added).otherwise(pl.col(column)).alias(column))
    return replace(parsed, rows=rows)
