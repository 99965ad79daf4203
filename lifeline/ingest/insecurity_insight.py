"""Insecurity Insight incident list (via HDX): one row per reported incident, by governorate.

Insecurity Insight publishes its incident datasets with the same columns: ID, Date (month/day/year),
Country, Admin 1, Admin 2, Location, Reported Perpetrator Name, Reported Means of Action, Object
Affected, Sub-Object Affected, Latitude, Longitude, Geo-Precision. Each incident becomes one
observation (value 1, unit ``incidents``) at its governorate: Admin 2 mapped through the ``[areas]``
rules, or Admin 1 (the Gaza Strip) when Admin 2 is blank. Everything else is kept as given in the
observation's ``disaggregation``; nothing is summed or dropped.

The published file's traits are handled and explained, not fixed: blank lines and unnamed empty
columns are not rows; a date written day-month-year (``28-10-2023``) among month/day/year dates is
read as written and says so in the note; coordinates outside the Gaza Strip are kept and noted; an
Admin 2 spelling no rule maps leaves the location at the Strip and the note names it.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from lifeline.assumptions import AssumptionSet
from lifeline.errors import BadFile
from lifeline.ingest import normalise as norm
from lifeline.ingest.base import Parsed, SourceInfo, conform, refuse_where, rejections, series_name
from lifeline.ingest.hxl_values import blank, unique_ids
from lifeline.ingest.tables import RawTable, header_names, is_spreadsheet, read_csv

KIND = "insecurity-insight"
TARGET = "observations"

REQUIRED = [
    "ID",
    "Date",
    "Admin 1",
    "Admin 2",
    "Reported Perpetrator Name",
    "Reported Means of Action",
    "Object Affected",
    "Sub-Object Affected",
]
DETAILS = {  # disaggregation key -> column, as published
    "perpetrator": "Reported Perpetrator Name",
    "means": "Reported Means of Action",
    "object": "Object Affected",
    "sub_object": "Sub-Object Affected",
    "place": "Location",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "geo_precision": "Geo-Precision",
    "country": "Country",
}
# Insecurity Insight names each dataset in its file name; the indicator says what was counted.
INDICATORS = {"fivc": "food_system_incidents"}
DEFAULT_INDICATOR = "incidents"
DATE_EXAMPLE = "month/day/year such as '12/3/2023'"

SOURCE = SourceInfo(
    publisher="Insecurity Insight",
    title="Incidents affecting food systems in Gaza (Insecurity Insight incident data, via HDX)",
    url="https://insecurityinsight.org/",
    licence="as stated on HDX for the dataset (not recorded with the file)",
    note=(
        "One row per reported incident, as Insecurity Insight coded it from open sources; Lifeline counts "
        "rows (value 1 each) and keeps perpetrator, means, objects, place and coordinates as given."
    ),
)


def detect(path: Path) -> bool:
    """An Insecurity Insight list has 'ID', 'Date', 'Admin 1', 'Admin 2' and 'Reported Perpetrator Name'."""
    if is_spreadsheet(path):
        return False
    return {"ID", "Date", "Admin 1", "Admin 2", "Reported Perpetrator Name"} <= header_names(path)


def read(path: Path) -> RawTable:
    return read_csv(path)


def indicator_for(path: Path) -> str:
    series = series_name(path)
    return next((name for key, name in INDICATORS.items() if key in series), DEFAULT_INDICATOR)


def incident_day(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(date, whether it was written day-month-year). Slashes are month/day/year, as the publisher
    writes them; dashes with the year last are day-month-year; ISO dates are accepted too."""
    clean = text.str.strip_chars()
    month_first = clean.str.to_date("%m/%d/%Y", strict=False)
    day_first = clean.str.to_date("%d-%m-%Y", strict=False)
    iso = clean.str.to_date("%Y-%m-%d", strict=False)
    return pl.coalesce(month_first, iso, day_first), month_first.is_null() & iso.is_null() & day_first.is_not_null()


def normalise(raw: RawTable, rules: AssumptionSet, path: Path) -> Parsed:
    frame = raw.frame
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise BadFile(
            f"missing column(s) {', '.join(repr(m) for m in missing)}; expected an Insecurity Insight incident "
            f"list ({', '.join(REQUIRED)})",
            file=str(path),
            row=1,
            column=missing[0],
        )
    frame = frame.with_columns([pl.lit(None, pl.String).alias(c) for c in DETAILS.values() if c not in frame.columns])
    day, day_month_year = incident_day(pl.col("Date"))
    admin2 = norm.area(pl.col("Admin 2"), rules)
    admin1 = norm.area(pl.col("Admin 1"), rules)
    south, west, north, east = rules.tables["areas"]["gaza-strip"]["bbox"]
    lat = pl.col("Latitude").str.strip_chars().cast(pl.Float64, strict=False)
    lon = pl.col("Longitude").str.strip_chars().cast(pl.Float64, strict=False)
    outside = lat.is_not_null() & lon.is_not_null() & ~(lat.is_between(south, north) & lon.is_between(west, east))
    work = frame.with_columns(
        (pl.col("_row") + raw.first_row).alias("row_number"),
        day.alias("date"),
        pl.coalesce(admin2, admin1).alias("location"),
        unique_ids(pl.col("ID").str.strip_chars().str.replace_all(r"[,\s]", "")).alias("source_row_id"),
        pl.concat_str(
            [
                pl.when(day_month_year).then(pl.format("date written day-month-year ({})", pl.col("Date"))),
                pl.when(~blank(pl.col("Admin 2")) & admin2.is_null()).then(
                    pl.format("Admin 2 '{}' is no governorate Lifeline knows; placed in the Strip", pl.col("Admin 2"))
                ),
                pl.when(outside).then(
                    pl.format("coordinates ({}, {}) fall outside the Gaza Strip; kept as given", lat, lon)
                ),
            ],
            separator="; ",
            ignore_nulls=True,
        ).alias("_note"),
    )
    refused = rejections(
        refuse_where(work, pl.col("date").is_null(), "Date", f"expected a date ({DATE_EXAMPLE}), found {{}}", "Date"),
        refuse_where(work, blank(pl.col("ID")), "ID", "expected the incident's ID, found nothing"),
        refuse_where(
            work,
            pl.col("location").is_null(),
            "Admin 1",
            "expected the Gaza Strip or a governorate in Admin 1 / Admin 2, found {}",
            "Admin 1",
        ),
    ).unique(subset="row", keep="first", maintain_order=True)
    kept = work.filter(~pl.col("row_number").is_in(refused["row"].implode()))
    details = pl.struct([pl.col(column).str.strip_chars().alias(key) for key, column in DETAILS.items()])
    kept = kept.with_columns(
        pl.lit(indicator_for(path)).alias("indicator"),
        pl.lit(1.0).alias("value"),
        pl.lit("incidents").alias("unit"),
        details.struct.json_encode().alias("disaggregation"),
        pl.when(pl.col("_note") == "").then(None).otherwise(pl.col("_note")).alias("note"),
    )
    return Parsed(
        target="observations",
        rows=conform(kept, "observations"),
        rejections=refused,
        rows_read=frame.height,
        source=SOURCE,
        series=series_name(path),
        note=SOURCE.note,
        labels={"date": "Date"},
    )
