"""A file that holds several publishers' rows is stored as one dataset per publisher.

An HXL export of ``lifeline deliveries --group crossing`` carries each row's publisher in
``#meta+source``: UNRWA's and COGAT's figures side by side. Stored as one dataset, they would be
cited as one source ("COGAT; UNRWA") and every per-source figure would merge them. So the import
service splits such a file by publisher, after every check has run: each part has its own source
(publisher, and title / URL / date when that publisher's rows agree on them), its own series
(``<file series>--<publisher>``, so a newer export is compared publisher by publisher) and its own
rows and rejections; all parts are written in the file's one transaction.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl

from lifeline.ingest.base import Parsed, SourceInfo

ROW_SOURCE_COLUMNS = ("row_number", "cited_publisher", "cited_title", "cited_url", "cited_date")


def split(parsed: Parsed, path: Path) -> list[Parsed]:
    """One ``Parsed`` per publisher named in the rows, or ``[parsed]`` when they name one or none."""
    cited = parsed.row_sources
    if cited is None or cited.height == 0:
        return [parsed]
    named = sorted(str(p) for p in cited["cited_publisher"].drop_nulls().unique().to_list())
    if len(named) < 2:
        return [parsed]
    groups: list[str | None] = [*named, *([None] if cited["cited_publisher"].null_count() else [])]
    parts = []
    for publisher in groups:
        mine = cited.filter(
            pl.col("cited_publisher").is_null() if publisher is None else pl.col("cited_publisher") == publisher
        )
        numbers = mine["row_number"].implode()
        rows = parsed.rows.filter(pl.col("row_number").is_in(numbers))
        refused = parsed.rejections.filter(pl.col("row").is_in(numbers))
        if rows.height + refused.height == 0:
            continue
        info = _source(mine, publisher, path)
        parts.append(
            replace(
                parsed,
                rows=rows,
                rejections=refused,
                rows_read=rows.height + refused.height,
                source=info,
                series=f"{parsed.series}--{slug(publisher)}",
                note=f"{parsed.note or 'file'}; the rows of {info.publisher}, one of {len(groups)} publishers in it",
                row_sources=None,
            )
        )
    kept = sum(p.rows_read for p in parts)
    assert kept == parsed.rows_read, f"split by publisher kept {kept} of {parsed.rows_read} rows"
    return parts


def slug(publisher: str | None) -> str:
    """A series suffix for a publisher: lower-case ASCII words, or a short hash for other scripts."""
    if publisher is None:
        return "unattributed"
    words = re.sub(r"[^a-z0-9]+", "-", publisher.lower()).strip("-")
    return words[:40] or hashlib.blake2b(publisher.encode(), digest_size=4).hexdigest()


def _source(cited: pl.DataFrame, publisher: str | None, path: Path) -> SourceInfo:
    def single(name: str) -> object | None:
        values = cited[name].drop_nulls().unique().to_list()
        return values[0] if len(values) == 1 else None

    title, url, published = single("cited_title"), single("cited_url"), single("cited_date")
    who = publisher or f"unknown (HXL file {path.name}, rows with no #meta+source)"
    return SourceInfo(
        publisher=who,
        title=str(title) if title is not None else f"HXL file {path.name} (the rows of {who})",
        url=str(url) if url is not None else None,
        published=published if isinstance(published, date) else None,
    )
