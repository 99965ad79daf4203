"""COGAT aid line list (the "COGAT dashboard CSV"): Index, Date, Route, Classification, Donor, Aid (tons).

One row is one COGAT record, about one truckload on land. COGAT gives no crossing for land rows, so
their crossing stays empty (never guessed); maritime rows are the JLOTS pier and aerial rows are
airdrops. "-" in "Aid (tons)" means unknown: the row is kept with empty kilograms and flagged
``no-weight`` (never 0, unlike Study A's code). The file repeats one Index value (51304): the second
occurrence becomes "51304#2", so every row has a stable, unique id in file order.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from lifeline.assumptions import AssumptionSet
from lifeline.errors import BadFile
from lifeline.ingest import normalise as norm
from lifeline.ingest.base import Parsed, SourceInfo, conform, refuse_where, rejections, series_name
from lifeline.ingest.hxl_values import blank, by_distinct, date_period, number, unique_ids
from lifeline.ingest.tables import RawTable, header_names, is_spreadsheet, read_csv

KIND = "cogat"
TARGET = "deliveries"

REQUIRED = ["Index", "Date", "Route", "Classification", "Donor", "Aid (tons)"]
TONS = "Aid (tons)"
UNKNOWN_TONS = "-"
DATE_EXAMPLE = "'25 Feb 2024' or '9 Sept 2024'"

SOURCE = SourceInfo(
    publisher="COGAT",
    title="Humanitarian aid to Gaza: aid data line list (COGAT dashboard export, 24 Sep 2024)",
    url="https://gaza-aid-data.gov.il/main/",
    licence="no licence stated; republished in github.com/francescochecchi/gaza_food_availability (GPL-3.0), "
    "from which this file was taken",
    note=(
        "COGAT gives no crossing breakdown for land rows: their crossing is left empty and they count only "
        "at route level (land). Tonnages are mostly nominal 15/20/30 t values, not weighed; '-' means unknown "
        "(kept, kg empty, flagged no-weight). Index 51304 occurs twice; the second row's id is '51304#2'."
    ),
)


def detect(path: Path) -> bool:
    """A COGAT list has the 'Index', 'Date', 'Route', 'Classification' and 'Aid (tons)' columns."""
    if is_spreadsheet(path):
        return False
    return {"Index", "Date", "Route", "Classification", TONS} <= header_names(path)


def read(path: Path) -> RawTable:
    return read_csv(path)


def route_crossings(rules: AssumptionSet) -> dict[str, str]:
    """Route -> the one crossing that route stands for, from the [crossings] rules (sea -> jlots, air ->
    airdrop). Land has several crossings and COGAT does not say which, so land rows get none."""
    by_route: dict[str, list[str]] = {}
    for code, spec in rules.tables["crossings"].items():
        by_route.setdefault(spec.get("route", "land"), []).append(code)
    return {route: codes[0] for route, codes in by_route.items() if len(codes) == 1}


def day(text: pl.Expr) -> pl.Expr:
    """A calendar day in any spelling COGAT has used ('25 Feb 2024', '9 Sept 2024', '2024-02-25'); a month or
    a year alone is not a day, so it is refused rather than pinned to the 1st."""
    start, end = date_period(text)
    return pl.when(start == end).then(start)


def normalise(raw: RawTable, rules: AssumptionSet, path: Path) -> Parsed:
    frame = raw.frame
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise BadFile(
            f"missing column(s) {', '.join(repr(m) for m in missing)}; expected a COGAT aid line list "
            f"({', '.join(REQUIRED)})",
            file=str(path),
            row=1,
            column=missing[0],
        )
    tons_text = pl.col(TONS).str.strip_chars()
    tons = number(pl.col(TONS))
    route = norm.route(pl.col("Route"), rules)
    work = frame.with_columns(
        (pl.col("_row") + raw.first_row).alias("row_number"),
        by_distinct(frame, "Date", day).alias("date"),
        route.alias("route"),
        norm.category(pl.col("Classification"), rules).alias("category"),
        tons.alias("quantity"),
        pl.col("Index").str.strip_chars().alias("_index"),
    )
    work = work.with_columns(
        pl.col("route").replace_strict(route_crossings(rules), default=None, return_dtype=pl.String).alias("crossing"),
        (pl.col("quantity") * rules.value("kg_per_tonne")).alias("kg"),
        pl.when(pl.col("route").is_in(["land", "sea"]))
        .then(pl.lit(rules.value("trucks_per_cogat_row")))
        .otherwise(None)
        .alias("trucks"),
        unique_ids(pl.col("_index")).alias("source_row_id"),
    )
    refused = rejections(
        refuse_where(
            work, pl.col("date").is_null(), "Date", f"expected a date like {DATE_EXAMPLE}, found {{}}", "Date"
        ),
        refuse_where(work, blank(pl.col("Index")), "Index", "expected the row's Index, found nothing"),
        refuse_where(
            work,
            ~blank(pl.col(TONS)) & (tons_text != UNKNOWN_TONS) & pl.col("quantity").is_null(),
            TONS,
            "expected tonnes as a number or '-' (unknown), found {}",
            TONS,
        ),
        refuse_where(work, pl.col("quantity") < 0, TONS, "expected tonnes of zero or more, found {}", TONS),
    ).unique(subset="row", keep="first", maintain_order=True)
    kept = work.filter(~pl.col("row_number").is_in(refused["row"].implode()))
    other = [c for c in frame.columns if c not in REQUIRED and c != "_row"]
    flags = pl.concat_str(
        [
            pl.when(pl.col("quantity").is_null()).then(pl.lit("no-weight")),
            pl.when(pl.col("route").is_null()).then(pl.lit("unknown-route")),
            pl.when(pl.col("category").is_null()).then(pl.lit("unknown-category")),
        ],
        separator=",",
        ignore_nulls=True,
    )
    kept = kept.with_columns(
        pl.when(pl.col("quantity").is_not_null()).then(pl.lit("tons")).otherwise(None).alias("unit"),
        pl.col("Donor").alias("donor"),
        pl.when(flags == "").then(None).otherwise(flags).alias("flags"),
        # Route, classification and tons exactly as COGAT wrote them (so the normalised codes can be
        # checked), and any column a later version of the list adds.
        pl.struct([pl.col(c) for c in ["Route", "Classification", TONS, *other]]).struct.json_encode().alias("extra"),
    )
    return Parsed(
        target="deliveries",
        rows=conform(kept, "deliveries"),
        rejections=refused,
        rows_read=frame.height,
        source=SOURCE,
        series=series_name(path),
        note=SOURCE.note,
        labels={"date": "Date", "quantity": TONS, "kg": TONS, "trucks": "Route"},
    )
