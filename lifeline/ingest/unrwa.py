"""UNRWA "Commodities Received" line list (Gaza supplies and dispatch tracking), xlsx or csv.

One row is about one truck collected. Every column is kept: the modelled ones become delivery
fields, the rest go to ``extra``. The workbook's disclaimer sheet becomes the dataset's note.
Rows with a quantity of zero or less are kept and flagged ``quantity<=0`` (they still record a
truck; their kilograms stay empty), so monthly counts match a direct count of the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from lifeline.assumptions import AssumptionSet
from lifeline.errors import BadFile
from lifeline.ingest import normalise as norm
from lifeline.ingest.base import Parsed, SourceInfo, conform, rejections, series_name
from lifeline.ingest.tables import RawTable, header_names, is_spreadsheet, read_csv, read_xlsx

KIND = "unrwa"
TARGET = "deliveries"

REQUIRED = ["ID", "Received Date", "Crossing", "Cargo Category", "Description of Cargo", "Quantity", "Units"]
MODELLED = REQUIRED + ["Donating Country/ Organization", "Destination Recipient/ Partner"]

SOURCE = SourceInfo(
    publisher="UNRWA",
    title="Gaza Strip: supplies and dispatch tracking - commodities received (line list)",
    url="https://www.unrwa.org/what-we-do/gaza-supplies-and-dispatch-tracking",
    licence="no licence stated; republished in github.com/francescochecchi/gaza_food_availability (GPL-3.0)",
    note="UNRWA states that data from 6 May 2024 is partial (UN staff could no longer be present at Kerem Shalom).",
)


def detect(path: Path) -> bool:
    """A UNRWA list has the 'Received Date', 'Cargo Category' and 'Description of Cargo' columns."""
    if is_spreadsheet(path):
        try:
            columns = read_xlsx(path).frame.columns
        except BadFile:
            return False
    else:
        columns = list(header_names(path))
    return {"Received Date", "Cargo Category", "Description of Cargo"} <= set(columns)


def read(path: Path) -> RawTable:
    return read_xlsx(path) if is_spreadsheet(path) else read_csv(path)


def normalise(raw: RawTable, rules: AssumptionSet, path: Path) -> Parsed:
    frame = raw.frame
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise BadFile(
            f"missing column(s) {', '.join(repr(m) for m in missing)}; expected a UNRWA commodities-received list",
            file=str(path),
            row=1,
            column=missing[0],
        )
    row_number = pl.col("_row") + raw.first_row
    date = pl.col("Received Date").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    quantity = pl.col("Quantity").str.strip_chars().str.replace_all(",", "").cast(pl.Float64, strict=False)
    unit_code, kg = norm.kilograms(quantity, pl.col("Units"), rules)
    work = frame.with_columns(
        row_number.alias("row_number"),
        date.alias("date"),
        quantity.alias("quantity"),
        norm.crossing(pl.col("Crossing"), rules).alias("crossing"),
        norm.category(pl.col("Cargo Category"), rules).alias("category"),
        unit_code.alias("_unit_code"),
        pl.when(quantity > 0).then(kg).otherwise(None).alias("kg"),
        pl.col("ID").str.strip_chars().alias("source_row_id"),
    )
    work = work.with_columns(
        norm.crossing_route(pl.col("crossing"), rules).alias("route"),
        pl.lit(rules.value("trucks_per_unrwa_row")).alias("trucks"),
        pl.Series("commodity", norm.CommodityCatalogue(rules).column(pl.col("Description of Cargo"), frame)),
    )
    bad_date = work.filter(pl.col("date").is_null()).select(
        pl.col("row_number").alias("row"),
        pl.lit("Received Date").alias("column"),
        pl.format("expected a date as YYYY-MM-DD, found {}", pl.col("Received Date").fill_null("nothing")).alias(
            "reason"
        ),
    )
    bad_id = work.filter(pl.col("source_row_id").is_null() | (pl.col("source_row_id") == "")).select(
        pl.col("row_number").alias("row"),
        pl.lit("ID").alias("column"),
        pl.lit("expected the row's ID, found nothing").alias("reason"),
    )
    dup = work.filter(pl.col("source_row_id").is_duplicated() & pl.col("source_row_id").is_not_null())
    dup = dup.filter(pl.int_range(pl.len()).over("source_row_id") > 0).select(
        pl.col("row_number").alias("row"),
        pl.lit("ID").alias("column"),
        pl.format("duplicate ID {} (an earlier row has it)", pl.col("source_row_id")).alias("reason"),
    )
    bad_qty = work.filter(pl.col("Quantity").is_not_null() & pl.col("quantity").is_null()).select(
        pl.col("row_number").alias("row"),
        pl.lit("Quantity").alias("column"),
        pl.format("expected a number, found {}", pl.col("Quantity")).alias("reason"),
    )
    refused = rejections(bad_date, bad_id, dup, bad_qty).unique(subset="row", keep="first", maintain_order=True)
    kept = work.filter(~pl.col("row_number").is_in(refused["row"].implode()))
    flags = pl.concat_str(
        [
            pl.when(pl.col("quantity") <= 0).then(pl.lit("quantity<=0")),
            pl.when(pl.col("quantity").is_null()).then(pl.lit("no-quantity")),
            pl.when(pl.col("crossing").is_null()).then(pl.lit("unknown-crossing")),
            pl.when(pl.col("category").is_null()).then(pl.lit("unknown-category")),
            pl.when(pl.col("Units").is_not_null() & pl.col("_unit_code").is_null()).then(pl.lit("unknown-unit")),
            pl.when(pl.col("commodity").is_null()).then(pl.lit("unmapped-commodity")),
        ],
        separator=",",
        ignore_nulls=True,
    )
    other = [c for c in frame.columns if c not in MODELLED and c != "_row"]
    kept = kept.with_columns(
        pl.col("Description of Cargo").alias("description"),
        pl.col("Units").alias("unit"),
        pl.col("Donating Country/ Organization").alias("donor")
        if "Donating Country/ Organization" in frame.columns
        else pl.lit(None).alias("donor"),
        pl.col("Destination Recipient/ Partner").alias("recipient")
        if "Destination Recipient/ Partner" in frame.columns
        else pl.lit(None).alias("recipient"),
        pl.when(flags == "").then(None).otherwise(flags).alias("flags"),
        _extra_json(other),
    )
    return Parsed(
        target="deliveries",
        rows=conform(kept, "deliveries"),
        rejections=refused,
        rows_read=frame.height,
        source=SOURCE,
        series=series_name(path),
        note=raw.notes,
        labels={"date": "Received Date", "quantity": "Quantity", "kg": "Quantity"},
    )


def _extra_json(columns: list[str]) -> pl.Expr:
    """The unmodelled source columns of each row as compact JSON text (null when there are none)."""
    if not columns:
        return pl.lit(None, dtype=pl.String).alias("extra")
    return pl.struct([pl.col(c) for c in columns]).struct.json_encode().alias("extra")


__all__ = ["KIND", "TARGET", "detect", "read", "normalise", "json"]
