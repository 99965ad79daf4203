"""Evacuation ("displacement") orders as mapped by gazamaps.com: one JSON object per order.

Each object has the order's date, the link to where it was announced (``source``, mostly posts on X),
the map page (``link``), the blocks it names and two areas in km² that gazamaps measured on its own
map: the area ordered evacuated and the area labelled "safe". An order becomes one observation,
``evacuation_order_area`` in km², for the Gaza Strip, cited to gazamaps (the area is its measurement).
The announcement link, blocks, the labelled safe area, the map link and every other key are kept in
``disaggregation``; the note names the announcement and the map. The file has no population figures
and Lifeline does not estimate any from areas. Areas of orders on the same day may overlap; they are
gazamaps' measurements, not OCHA's (OCHA gave ~31 km² for eastern Rafah on 6 May 2024, gazamaps 6.31).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from lifeline.assumptions import AssumptionSet
from lifeline.errors import BadFile
from lifeline.ingest.base import Parsed, SourceInfo, conform, refuse_where, rejections, series_name
from lifeline.ingest.hxl_values import blank, number, unique_ids
from lifeline.ingest.tables import RawTable, check_text, is_spreadsheet, load_json, sniff

KIND = "gazamaps"
TARGET = "observations"

REQUIRED = ["id", "date", "area_sq_km_displacement"]
OPTIONAL = ["source", "link", "displacement_blocks", "labeled_safe_blocks", "area_sq_km_labeled_safe"]
INDICATOR = "evacuation_order_area"
LOCATION = "gaza-strip"

SOURCE = SourceInfo(
    publisher="gazamaps.com",
    title="Gaza displacement (evacuation) orders, mapped with their areas",
    url="https://gazamaps.com/displacement",
    licence="not stated with the file",
    note=(
        "One row per evacuation order as gazamaps.com mapped it: date, the announcement it links to, the "
        "blocks named, and the areas (km²) gazamaps measured for the order and for any area labelled safe. "
        "Areas are gazamaps' own measurements; orders may overlap."
    ),
)


def detect(path: Path) -> bool:
    """A JSON array whose objects have 'date', 'area_sq_km_displacement' and 'displacement_blocks'."""
    if is_spreadsheet(path):
        return False
    head = sniff(path).decode("utf-8-sig", errors="replace").lstrip()
    return head.startswith("[") and '"area_sq_km_displacement"' in head and '"date"' in head


def read(path: Path) -> RawTable:
    """The array as a table of text cells; row N is the N-th object of the array."""
    check_text(path)
    data = load_json(path)
    if not isinstance(data, list) or not data:
        raise BadFile("expected a JSON array of evacuation orders (objects)", file=str(path))
    for number_, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise BadFile(
                f"element {number_} of the array is not an object; expected one object per order",
                file=str(path),
                row=number_,
            )
    columns = list(dict.fromkeys([*REQUIRED, *OPTIONAL, *(k for item in data for k in item)]))
    cells = {c: [_text(item.get(c)) for item in data] for c in columns}
    frame = pl.DataFrame(cells, schema=dict.fromkeys(columns, pl.String)).with_row_index("_row")
    return RawTable(frame=frame, first_row=1)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text.strip() or None


def normalise(raw: RawTable, rules: AssumptionSet, path: Path) -> Parsed:
    frame = raw.frame
    missing = [c for c in REQUIRED if frame[c].null_count() == frame.height]
    if missing:
        raise BadFile(
            f"no order has {', '.join(repr(m) for m in missing)}; expected gazamaps.com's evacuation orders "
            f"({', '.join(REQUIRED + OPTIONAL)})",
            file=str(path),
            row=1,
            column=missing[0],
        )
    work = frame.with_columns(
        (pl.col("_row") + raw.first_row).alias("row_number"),
        pl.col("date").str.to_date("%Y-%m-%d", strict=False).alias("date"),
        number(pl.col("area_sq_km_displacement")).alias("value"),
        number(pl.col("area_sq_km_labeled_safe")).alias("_safe"),
        unique_ids(pl.col("id")).alias("source_row_id"),
    )
    refused = rejections(
        refuse_where(work, blank(pl.col("id")), "id", "expected the order's id, found nothing"),
        refuse_where(work, pl.col("date").is_null(), "date", "expected a date as YYYY-MM-DD, found {}", "date"),
        refuse_where(
            work,
            pl.col("value").is_null() | (pl.col("value") < 0),
            "area_sq_km_displacement",
            "expected the area in km² as a number of zero or more, found {}",
            "area_sq_km_displacement",
        ),
    ).unique(subset="row", keep="first", maintain_order=True)
    kept = work.filter(~pl.col("row_number").is_in(refused["row"].implode()))
    # Every other key of the order (map images, anything a later version adds) is kept as given.
    others = [c for c in frame.columns if c not in {*REQUIRED, *OPTIONAL, "_row"}]
    details = pl.struct(
        pl.col("source").alias("announcement"),
        pl.col("displacement_blocks").alias("blocks"),
        pl.col("_safe").alias("labeled_safe_area_km2"),
        pl.col("labeled_safe_blocks").alias("labeled_safe_blocks"),
        pl.col("link").alias("map"),
        *[pl.col(c) for c in others],
    )
    kept = kept.with_columns(
        pl.lit(INDICATOR).alias("indicator"),
        pl.lit(LOCATION).alias("location"),
        pl.lit("km2").alias("unit"),
        details.struct.json_encode().alias("disaggregation"),
        pl.concat_str(
            [
                pl.format("order {} mapped at {}", pl.col("id"), pl.col("link")),
                pl.format("announced at {}", pl.col("source")),
                pl.when(pl.col("source").is_null()).then(pl.lit("no announcement link given")),
                pl.when(pl.col("value") == 0).then(pl.lit("gazamaps gives an area of 0 km² for this order")),
            ],
            separator="; ",
            ignore_nulls=True,
        ).alias("note"),
    )
    return Parsed(
        target="observations",
        rows=conform(kept, "observations"),
        rejections=refused,
        rows_read=frame.height,
        source=SOURCE,
        series=series_name(path),
        note=SOURCE.note,
        labels={"value": "area_sq_km_displacement"},
    )
