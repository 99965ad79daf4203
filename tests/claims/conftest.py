"""Fixtures for the claims tests: a store holding the bundled reference data set.

The reference set is loaded with ``lifeline.reference.load.load_all`` (the project's own loader,
through the HXL importer). Until that loader is present in a checkout, the same CSVs are written
through the import service's ``store()`` so the tests still exercise the real figures.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, insert

from lifeline.ingest.base import Parsed, SourceInfo, conform, rejections
from lifeline.ingest.service import store as store_rows
from lifeline.store import schema
from lifeline.store.engine import open_store

REFERENCE = Path(__file__).resolve().parents[2] / "lifeline" / "reference" / "data"


def _read(name: str) -> pl.DataFrame:
    frame = pl.read_csv(REFERENCE / name, infer_schema_length=0)
    return frame.slice(1)  # drop the HXL hashtag row


def _fallback_load(engine: Engine) -> None:
    locs = _read("lifeline-reference-locations.csv")
    with engine.begin() as conn:
        for r in locs.iter_rows(named=True):
            conn.execute(
                insert(schema.locations).values(
                    code=r["code"],
                    type=r["type"],
                    name_en=r["name_en"],
                    name_ar=r["name_ar"],
                    aliases=[a for a in (r["aliases"] or "").split(";") if a],
                    parent_code=None,
                )
            )
        for path in sorted(REFERENCE.glob("lifeline-reference-*.csv")):
            if "locations" in path.name:
                continue
            f = _read(path.name)
            loc = "crossing" if "crossing" in f.columns else "location"
            rows = f.select(
                pl.col("id").alias("source_row_id"),
                pl.int_range(3, f.height + 3).alias("row_number"),
                pl.col("indicator"),
                pl.col(loc).alias("location"),
                pl.col("date").str.to_date(strict=False),
                pl.col("date_end").str.to_date(strict=False).alias("period_end"),
                (pl.col("value").cast(pl.Float64, strict=False) if "value" in f.columns else pl.lit(None)).alias(
                    "value"
                ),
                (pl.col("status") if "status" in f.columns else pl.lit(None)).alias("text_value"),
                (pl.col("unit") if "unit" in f.columns else pl.lit(None)).alias("unit"),
                pl.col("source").alias("cited_publisher"),
                pl.col("title").alias("cited_title"),
                pl.col("url").alias("cited_url"),
                pl.col("note"),
            ).filter(pl.col("date").is_not_null())
            parsed = Parsed(
                target="observations",
                rows=conform(rows, "observations"),
                rejections=rejections(),
                rows_read=rows.height,
                series=path.stem,
                source=SourceInfo(publisher="Lifeline reference set", title=path.stem),
            )
            store_rows(conn, parsed, "hxl", path, json.dumps(path.name))


def load_reference(engine: Engine) -> None:
    try:
        from lifeline.reference.load import load_all  # type: ignore[import-not-found]
    except ImportError:
        _fallback_load(engine)
        return
    load_all(engine)


@pytest.fixture(scope="session")
def reference_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One SQLite store with the reference data set, shared by the read-only claims tests."""
    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('claims') / 'ref.db'}")
    load_reference(engine)
    yield engine
    engine.dispose()
