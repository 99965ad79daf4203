"""The one shape every importer has, and what it hands to the import service.

An importer is a module exposing ``KIND``, ``detect(path) -> bool``, ``read(path) -> RawTable`` and
``normalise(raw, rules, path) -> Parsed``. The service does detection order, the transaction,
accounting and revisions once for every kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal, Protocol

import polars as pl

from lifeline.assumptions import AssumptionSet
from lifeline.ingest.tables import RawTable

Target = Literal["deliveries", "observations"]

DELIVERY_COLUMNS: dict[str, type[pl.DataType] | pl.DataType] = {
    "source_row_id": pl.String,
    "row_number": pl.Int64,
    "date": pl.Date,
    "crossing": pl.String,
    "route": pl.String,
    "category": pl.String,
    "commodity": pl.String,
    "description": pl.String,
    "quantity": pl.Float64,
    "unit": pl.String,
    "consignments": pl.Int64,
    "kg": pl.Float64,
    "trucks": pl.Float64,
    "donor": pl.String,
    "recipient": pl.String,
    "area": pl.String,
    "flags": pl.String,
    "extra": pl.String,  # JSON text of the source columns Lifeline does not model
}

OBSERVATION_COLUMNS: dict[str, type[pl.DataType] | pl.DataType] = {
    "source_row_id": pl.String,
    "row_number": pl.Int64,
    "indicator": pl.String,
    "location": pl.String,
    "date": pl.Date,
    "period_end": pl.Date,
    "value": pl.Float64,
    "text_value": pl.String,
    "unit": pl.String,
    "cited_publisher": pl.String,
    "cited_title": pl.String,
    "cited_url": pl.String,
    "cited_date": pl.Date,
    "disaggregation": pl.String,  # JSON text
    "note": pl.String,
}

REJECTION_SCHEMA = {"row": pl.Int64, "column": pl.String, "reason": pl.String}


@dataclass
class SourceInfo:
    """Who published the file: the citation every figure derived from it carries."""

    publisher: str
    title: str
    url: str | None = None
    licence: str | None = None
    published: date | None = None
    note: str | None = None


@dataclass
class Parsed:
    """Normalised rows of one file, the rows refused with reasons, and the file's citation."""

    target: Target
    rows: pl.DataFrame
    rejections: pl.DataFrame
    rows_read: int
    source: SourceInfo
    series: str
    note: str | None = None
    extra_tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # canonical column -> the file's name for it, in messages
    # Each file row's own citation (row_number, cited_publisher, cited_title, cited_url, cited_date), set
    # when the rows name several publishers: the service then stores one dataset per publisher.
    row_sources: pl.DataFrame | None = None


class Importer(Protocol):
    KIND: str
    TARGET: Target

    def detect(self, path: Path) -> bool: ...

    def read(self, path: Path) -> RawTable: ...

    def normalise(self, raw: RawTable, rules: AssumptionSet, path: Path) -> Parsed: ...


def conform(frame: pl.DataFrame, target: Target) -> pl.DataFrame:
    """The canonical columns in canonical order and types; absent columns become nulls."""
    schema = DELIVERY_COLUMNS if target == "deliveries" else OBSERVATION_COLUMNS
    defaults = {"consignments": 1}
    return frame.select(
        [
            (pl.col(name) if name in frame.columns else pl.lit(defaults.get(name))).cast(dtype).alias(name)
            for name, dtype in schema.items()
        ]
    )


def rejections(*parts: pl.DataFrame) -> pl.DataFrame:
    """Concatenate rejection frames (row, column, reason), sorted by row."""
    frames = [p.select(list(REJECTION_SCHEMA)).cast(REJECTION_SCHEMA) for p in parts if p.height]  # type: ignore[arg-type]
    if not frames:
        return pl.DataFrame(schema=REJECTION_SCHEMA)
    return pl.concat(frames).sort("row")


def refuse_where(
    work: pl.DataFrame, where: pl.Expr, column: str, reason: str, shown: str | None = None
) -> pl.DataFrame:
    """Rejections (row, column, reason) for the rows of ``work`` where ``where`` holds.

    ``work`` has the file's row numbers in ``row_number``; '{}' in ``reason`` shows the cell of ``shown``.
    """
    text = pl.format(reason, pl.col(shown).fill_null("nothing")) if shown else pl.lit(reason)
    # The text is made on every row, then filtered: formatting a filtered string column read in
    # several chunks panics in polars 2.1 (found by fuzzing 640-line excerpts of the COGAT list).
    return (
        work.select(pl.col("row_number").alias("row"), pl.lit(column).alias("column"), text.alias("reason"), _HIT=where)
        .filter(pl.col("_HIT").fill_null(False))
        .drop("_HIT")
    )


def series_name(path: Path) -> str:
    """The family of a file across versions: its name without a trailing date stamp or suffix."""
    import re

    stem = path.name.split(".")[0]
    return re.sub(r"[-_ ]?(19|20)\d{6}$", "", stem).lower() or stem.lower()
