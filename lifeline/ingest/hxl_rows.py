"""What every HXL table needs whatever it holds: row numbers, row ids, rejections, extra columns and the citation.

Kept apart from the deliveries / observations / locations readers so the three stay small and agree
on how a row is identified and how a refusal is worded.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import polars as pl

from lifeline.ingest.base import SourceInfo, series_name
from lifeline.ingest.hxl_read import HxlRaw
from lifeline.ingest.hxl_tags import Columns, cell
from lifeline.ingest.hxl_values import date_period, unique_ids

ROW = "row_number"
ID_HEADER = re.compile(r"^\s*id\s*$", re.I)
# Tags that say what a figure is or how it is cited, never which figure it is (left out of content ids).
NOT_KEY = (
    "#indicator+num",
    "#population",
    "#affected",
    "#inneed",
    "#targeted",
    "#reached",
    "#status",
    "#indicator+unit",
    "#meta+title",
    "#meta+url",
    "#meta+note",
    "#date+reported",
    "#description",
)

# Publishers of well-known HXL files that carry no #meta+source column, by file-name prefix.
KNOWN_SERIES: dict[str, SourceInfo] = {
    "idmc-event-data": SourceInfo(
        publisher="IDMC (Internal Displacement Monitoring Centre)",
        title="IDMC displacement event data (HXL), via the Humanitarian Data Exchange",
        url="https://www.internal-displacement.org/",
        licence="attribution required (IDMC via HDX, data.humdata.org)",
        note="Each event keeps the report it cites (#meta+url) in cited_url.",
    ),
}


def refuse(frame: pl.DataFrame, where: pl.Expr, column: str, reason: pl.Expr | str) -> pl.DataFrame:
    """Rejections (row, column, reason) for the rows where ``where`` holds."""
    text = pl.lit(reason) if isinstance(reason, str) else reason
    return frame.filter(where).select(pl.col(ROW).alias("row"), pl.lit(column).alias("column"), text.alias("reason"))


def found(expr: pl.Expr) -> pl.Expr:
    return expr.fill_null("nothing")


def row_ids(frame: pl.DataFrame, columns: Columns) -> tuple[pl.Series, list[pl.DataFrame]]:
    """The rows' own ids (``#meta+id``, else an untagged 'id' column, else a hash of the row's key cells).

    The key of an id-less row is what the figure is *about* (date, place, item, indicator, publisher...),
    not its value, status, note or citation details: so a newer version of the file that corrects a
    value shows up as a change with a revision, not as a row withdrawn and another added. Rows with the
    same key are numbered in file order (``#2``, ``#3``...). Returns the ids and the rejections for
    blank or repeated explicit ids.
    """
    index = columns.take("#meta+id")
    if index is None:
        untagged = [i for i, c in enumerate(columns.parsed) if c is None and ID_HEADER.match(columns.headers[i] or "")]
        index = untagged[0] if untagged else None
    if index is not None:
        label = columns.label(index)
        ids = frame.select(cell(columns, index).alias("id"), pl.col(ROW))
        blank = refuse(ids, pl.col("id").is_null(), label, "expected the row's id, found nothing")
        if ids["id"].n_unique() == ids.height:  # the usual case, checked with one hash pass
            return ids["id"], [blank]
        repeated = ids.filter(pl.col("id").is_not_null() & (pl.int_range(pl.len()).over("id") > 0))
        repeated = refuse(
            repeated, pl.lit(True), label, pl.format("duplicate id {} (an earlier row has it)", pl.col("id"))
        )
        return ids["id"], [blank, repeated]
    tagged = [i for i, c in enumerate(columns.parsed) if c is not None and not columns.matches(i, NOT_KEY)]
    joined = frame.select(pl.concat_str([cell(columns, i).fill_null("") for i in tagged], separator="\x1f").alias("k"))[
        "k"
    ]
    digests = pl.Series("k", [hashlib.blake2b(k.encode(), digest_size=8).hexdigest() for k in joined.to_list()])
    return pl.DataFrame({"k": digests}).select(unique_ids(pl.col("k")))["k"], []


def extra_fields(columns: Columns) -> list[pl.Expr]:
    """The columns no rule modelled, each named by its hashtag (or header when untagged)."""
    keys: dict[str, int] = {}
    for i, parsed in enumerate(columns.parsed):
        if i in columns.used:
            continue
        key = columns.tag(i) if parsed is not None else (columns.headers[i] or "").strip()
        if key and key not in keys:
            keys[key] = i
    return [cell(columns, i).alias(k) for k, i in keys.items()]


def json_where_any(frame: pl.DataFrame, fields: list[pl.Expr]) -> pl.Series:
    """JSON text of ``fields`` for the rows where any is set, null elsewhere; only those rows are encoded."""
    if not fields:
        return pl.Series("extra", [None] * frame.height, dtype=pl.String)
    present = frame.select(pl.any_horizontal([f.is_not_null() for f in fields]).alias("p"))["p"]
    out = pl.Series("extra", [None] * frame.height, dtype=pl.String)
    if not present.any():
        return out
    encoded = frame.filter(present).select(pl.struct(fields).struct.json_encode().alias("extra"))["extra"]
    return out.scatter(present.arg_true(), encoded)


def citation(frame: pl.DataFrame, columns: Columns) -> dict[str, pl.Expr]:
    """Per-row citation cells: publisher, title, URL and date reported (nulls where the file has none)."""
    reported, _ = date_period(cell(columns, columns.take("#date+reported")))
    return {
        "cited_publisher": cell(columns, columns.take("#meta+source")),
        "cited_title": cell(columns, columns.take("#meta+title")),
        "cited_url": cell(columns, columns.take("#meta+url")),
        "cited_date": reported,
    }


def source_of(rows: pl.DataFrame, raw: HxlRaw, path: Path) -> SourceInfo:
    """The dataset's citation: the file's own #meta columns when uniform, else a known publisher, else 'unknown'."""

    def single(name: str) -> list[object]:
        if name not in rows.columns:
            return []
        return rows[name].drop_nulls().unique().sort().to_list()

    publishers, titles, urls, dates = (single(n) for n in ("cited_publisher", "cited_title", "cited_url", "cited_date"))
    series = series_name(path)
    known = next((info for prefix, info in KNOWN_SERIES.items() if series.startswith(prefix)), None)
    if publishers:
        shown = [str(p) for p in publishers[:6]] + (["..."] if len(publishers) > 6 else [])
        publisher = "; ".join(shown)
    elif known is not None:
        return known
    else:
        publisher = f"unknown (HXL file {path.name})"
    where = f" ({raw.sheet})" if raw.sheet else ""
    return SourceInfo(
        publisher=publisher,
        title=str(titles[0]) if len(titles) == 1 else f"HXL file {path.name}{where}",
        url=str(urls[0]) if len(urls) == 1 else None,
        published=dates[0] if len(dates) == 1 else None,  # type: ignore[arg-type]
        note=None if len(publishers) <= 1 else "several publishers: each row keeps its own citation",
    )
