"""HXL deliveries: one row per consignment (or per aggregate row, with ``#indicator+num+consignments``).

Every column is normalised as a whole polars column: repetitive ones (dates, crossings, categories,
units, quantities) once per distinct value, joined back; only the distinct free-text descriptions go
through the commodity catalogue in Python (a few thousand at most). So the path stays vectorised for
files of millions of rows.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from lifeline.assumptions import AssumptionSet
from lifeline.ingest import normalise as norm
from lifeline.ingest.base import Parsed, conform, rejections, series_name
from lifeline.ingest.hxl_read import HxlRaw
from lifeline.ingest.hxl_rows import ROW, citation, extra_fields, found, json_where_any, refuse, row_ids, source_of
from lifeline.ingest.hxl_tags import Columns, cell
from lifeline.ingest.hxl_values import DATE_SHAPES, by_distinct, column_numbers, date_period
from lifeline.ingest.places import destination

# Any of these next to a #date makes a file a deliveries file (docs/hxl.md, "Which kind of file").
MARKERS = (
    "#item",
    "#loc+crossing",
    "#loc+route",
    "#indicator+num+quantity",
    "#indicator+num+tonnes",
    "#indicator+num+kg",
    "#indicator+num+trucks",
    "#indicator+num+consignments",
)
DATE = "#date-reported"
# What publishers write in a figure's cell for "not recorded" (HDX and COGAT exports use "-"): missing, never a
# rejection and never zero, so the consignment is kept and its weight left unknown (flagged as weightless rows are).
MISSING_MARKS = ("-", "\u2013", "\u2014", "n/a", "N/A", "na", "NA", "..", "?")


def is_deliveries(columns: Columns) -> bool:
    return columns.has(DATE) and any(columns.has(m) for m in MARKERS)


def _numeric(
    work: pl.DataFrame, columns: Columns, index: int | None, name: str, path: Path
) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Parse one numeric column into ``name``, in the number format of the whole column (a decimal comma or a
    thousands comma, ``column_numbers``); a "not recorded" mark (``MISSING_MARKS``) is missing; refuse
    other text that is not a number, and negative values."""
    given = f"_{name.lstrip('_')}_text"
    if index is None:
        return work.with_columns(
            pl.lit(None, dtype=pl.String).alias(given), pl.lit(None, dtype=pl.Float64).alias(name)
        ), []
    text = cell(columns, index)
    work = work.with_columns(
        pl.when(text.str.strip_chars().is_in(MISSING_MARKS)).then(None).otherwise(text).alias(given)
    )
    label = columns.label(index)
    work = work.with_columns(column_numbers(work, given, label, str(path), ROW).alias(name))
    bad = refuse(
        work,
        pl.col(given).is_not_null() & pl.col(name).is_null(),
        label,
        pl.format("expected a number, found {}", pl.col(given)),
    )
    return work, [bad]


def normalise(raw: HxlRaw, columns: Columns, rules: AssumptionSet, path: Path) -> Parsed:
    frame = raw.frame
    date_at = columns.take(DATE)
    assert date_at is not None  # is_deliveries() checked it
    crossing_code_at = columns.take("#loc+crossing+code")
    crossing_name_at = columns.take("#loc+crossing-code")
    route_at = columns.take("#loc+route")
    category_at = columns.take("#item+type")
    commodity_at = columns.take("#item+code")
    description_at = columns.take("#item+name", "#item-type-code")
    quantity_at = columns.take("#indicator+num+quantity")
    unit_at = columns.take("#indicator+unit")
    tonnes_at = columns.take("#indicator+num+tonnes")
    kg_at = columns.take("#indicator+num+kg")
    trucks_at = columns.take("#indicator+num+trucks")
    consignments_at = columns.take("#indicator+num+consignments")
    donor_at = columns.take("#org+donor")
    recipient_at = columns.take("#org+recipient")
    area_cells = [cell(columns, columns.take(tag)) for tag in ("#adm3+code", "#adm2+code", "#adm1+code")
                  if columns.has(tag)]
    area, area_unknown = destination(area_cells, rules)

    crossing_text = pl.coalesce(cell(columns, crossing_code_at), cell(columns, crossing_name_at))
    work = frame.with_columns(
        (pl.col("_row") + raw.first_row).alias(ROW),
        cell(columns, date_at).alias("_date_text"),
        crossing_text.alias("_crossing_text"),
        cell(columns, route_at).alias("_route_text"),
        cell(columns, category_at).alias("_category_text"),
        cell(columns, description_at).alias("description"),
        cell(columns, commodity_at).alias("_commodity_code"),
        cell(columns, unit_at).alias("unit"),
        cell(columns, donor_at).alias("donor"),
        cell(columns, recipient_at).alias("recipient"),
        area.alias("area"),  # a p-code alias -> the place's code, at the level the stored areas are at
        area_unknown.alias("_area_unknown"),
        **citation(frame, columns),
    )
    work = work.with_columns(
        by_distinct(work, "_date_text", lambda text: date_period(text)[0]).alias("date"),
        by_distinct(work, "_date_text", lambda text: date_period(text)[1]).alias("_date_end"),
        by_distinct(work, "_crossing_text", lambda text: norm.crossing(text, rules)).alias("crossing"),
        by_distinct(work, "_route_text", lambda text: norm.route(text, rules)).alias("_route"),
        by_distinct(work, "_category_text", lambda text: norm.category(text, rules)).alias("category"),
    )
    ids, id_problems = row_ids(work, columns)
    work = work.with_columns(ids.alias("source_row_id"))
    problems = list(id_problems)
    for index, name in (
        (quantity_at, "quantity"),
        (tonnes_at, "_tonnes"),
        (kg_at, "_kg"),
        (trucks_at, "trucks"),
        (consignments_at, "_consignments"),
    ):
        work, bad = _numeric(work, columns, index, name, path)
        problems += bad
    for index, name in ((tonnes_at, "_tonnes"), (kg_at, "_kg"), (trucks_at, "trucks")):
        if index is not None:
            problems.append(
                refuse(
                    work,
                    pl.col(name) < 0,
                    columns.label(index),
                    # as written (-3, not the parsed -3.0)
                    pl.format("expected zero or more, found {}", pl.col(name).cast(pl.String).str.replace(r"\.0$", "")),
                )
            )
    if consignments_at is not None:
        problems.append(
            refuse(
                work,
                pl.col("_consignments").is_not_null()
                & ((pl.col("_consignments") < 1) | (pl.col("_consignments") != pl.col("_consignments").floor())),
                columns.label(consignments_at),
                pl.format(
                    "expected a whole number of consignments (1 or more), found {}", pl.col("_consignments_text")
                ),
            )
        )
    problems.insert(
        0,
        refuse(
            work,
            pl.col("date").is_null(),
            columns.label(date_at),
            pl.format(f"expected a date ({DATE_SHAPES}), found {{}}", found(pl.col("_date_text"))),
        ),
    )
    # A row dated by a month or a year in a list of days is a period's total, never one day's entries (it
    # would be stored on the 1st): refused, naming the period. A list dated by months throughout is read as it is.
    coarse = pl.col("date").is_not_null() & (pl.col("_date_end") != pl.col("date"))
    if work.select((pl.col("date").is_not_null() & ~coarse).any()).item():
        problems.append(
            refuse(
                work,
                coarse,
                columns.label(date_at),
                pl.format(
                    "expected a day (YYYY-MM-DD or DD/MM/YYYY) as the list's other rows are, found {}, a whole "
                    "period ({} to {}): a period's total is not one day's deliveries; give its days, or import it "
                    "as a list of its own", found(pl.col("_date_text")), pl.col("date"), pl.col("_date_end"),
                ),
            )
        )
    refused = rejections(*problems).unique(subset="row", keep="first", maintain_order=True)
    kept = work.filter(~pl.col(ROW).is_in(refused["row"].implode())) if refused.height else work

    spelling, factor = norm.unit_factors(rules)
    kept = kept.with_columns(
        by_distinct(kept, "unit", lambda unit: norm.map_values(unit, spelling)).alias("_unit_code")
    )
    # A unit that counts trucks ("3 trucks") gives the truck count, not a weight (docs/ingest.md, "Units").
    truck_units = [code for code, spec in rules.tables["units"].items() if spec.get("counts") == "trucks"]
    in_trucks = pl.col("_unit_code").is_in(truck_units) & pl.col("quantity").is_not_null()
    weighed = {code: kg for code, kg in factor.items() if code not in truck_units}
    unit_kg = pl.col("quantity") * pl.col("_unit_code").replace_strict(weighed, default=None, return_dtype=pl.Float64)
    kept = kept.with_columns(
        pl.when(in_trucks).then(pl.coalesce(pl.col("trucks"), pl.col("quantity"))).otherwise(pl.col("trucks"))
        .alias("trucks"),
        in_trucks.alias("_in_trucks"),
    )
    catalogue = norm.CommodityCatalogue(rules)
    described = pl.Series("d", catalogue.column(pl.col("description"), kept))
    overruled = _food_overrules(described, kept, catalogue, rules)
    described = pl.Series("d", described).zip_with(~overruled, pl.Series([None] * len(described), dtype=pl.String))
    kept = kept.with_columns(overruled.alias("_guess_over_type"))
    kept = kept.with_columns(
        pl.coalesce(pl.col("_route"), norm.crossing_route(pl.col("crossing"), rules)).alias("route"),
        pl.coalesce(pl.col("_commodity_code"), described).alias("commodity"),
        pl.coalesce(
            pl.col("_kg"),
            pl.col("_tonnes") * rules.value("kg_per_tonne"),
            pl.when(pl.col("quantity") > 0).then(unit_kg),
        ).alias("kg"),
        pl.col("_consignments").fill_null(1).cast(pl.Int64).alias("consignments"),
    )
    # A file without #item+type: the category the catalogue gives the commodity (wheat flour is food),
    # flagged so the reader knows it was implied, never left empty (coverage counts only food).
    uncertain = [t for t in kept["description"].unique().drop_nulls().to_list() if catalogue.uncertain(t)]
    known_categories = set(rules.tables.get("categories", {}))
    implied = {c: g for c, g in catalogue.groups.items() if g in known_categories}
    # An item the catalogue does not know in a file without #item+type takes the category the rules name
    # (food: a list of deliveries to a besieged place is mostly food; counted at the fallback density, flagged
    # and listed, so its kcal is neither 0 nor hidden); an empty setting leaves it without a category.
    assumed = rules.tables["commodity_rules"].get("untyped_unknown_category") or None
    untyped_unknown = (pl.col("_category_text").is_null() & pl.col("category").is_null()
                       & pl.col("commodity").is_null() & pl.col("description").is_not_null())
    kept = kept.with_columns(
        pl.when(pl.col("_category_text").is_null() & pl.col("category").is_null())
        .then(pl.coalesce(pl.col("commodity").replace_strict(implied, default=None, return_dtype=pl.String),
                          pl.when(untyped_unknown).then(pl.lit(assumed, dtype=pl.String))))
        .otherwise(pl.col("category"))
        .alias("category"),
        (pl.col("_category_text").is_null() & pl.col("commodity").is_in(list(implied))).alias("_category_implied"),
        (untyped_unknown & pl.lit(assumed is not None)).alias("_category_assumed"),
    )
    flags = pl.concat_str(
        [
            pl.when(pl.col("quantity") <= 0).then(pl.lit("quantity<=0")),
            pl.when(pl.col("kg").is_null()).then(pl.lit("no-weight")),
            pl.when(pl.col("_in_trucks")).then(pl.lit("quantity-in-trucks")),
            pl.when(pl.col("_crossing_text").is_not_null() & pl.col("crossing").is_null()).then(
                pl.lit("unknown-crossing")
            ),
            pl.when(pl.col("_area_unknown")).then(pl.lit("unknown-destination")),
            pl.when(pl.col("_route_text").is_not_null() & pl.col("_route").is_null()).then(pl.lit("unknown-route")),
            pl.when(pl.col("_category_text").is_not_null() & pl.col("category").is_null()).then(
                pl.lit("unknown-category")
            ),
            pl.when(pl.col("unit").is_not_null() & pl.col("_unit_code").is_null()).then(pl.lit("unknown-unit")),
            pl.when(pl.col("_category_implied")).then(pl.lit("category-from-commodity")),
            pl.when(pl.col("_category_assumed")).then(pl.lit("category-assumed")),
            pl.when(pl.col("description").is_not_null() & pl.col("commodity").is_null()).then(
                pl.lit("unmapped-commodity")
            ),
            pl.when(pl.col("commodity").is_null() & pl.col("_guess_over_type")).then(pl.lit("type-over-commodity")),
            pl.when(pl.col("commodity").is_null() & pl.col("description").is_in(uncertain)).then(
                pl.lit("uncertain-commodity")
            ),
        ],
        separator=",",
        ignore_nulls=True,
    )
    source = source_of(kept, raw, path)
    several = source.note is not None
    kept = kept.with_columns(
        pl.when(flags == "").then(None).otherwise(flags).alias("flags"),
    )
    kept = kept.with_columns(_extra(kept, columns, several))
    return Parsed(
        target="deliveries",
        rows=conform(kept, "deliveries"),
        rejections=refused,
        rows_read=frame.height,
        source=source,
        series=series_name(path),
        note=f"HXL deliveries file (hashtag row {raw.tag_row}{', sheet ' + raw.sheet if raw.sheet else ''})",
        row_sources=work.select(ROW, "cited_publisher", "cited_title", "cited_url", "cited_date") if several else None,
        labels=_labels(
            columns,
            {
                "date": date_at,
                "quantity": quantity_at,
                "trucks": trucks_at,
                "kg": kg_at if kg_at is not None else tonnes_at if tonnes_at is not None else quantity_at,
            },
        ),
    )


def _food_overrules(described: pl.Series, kept: pl.DataFrame, catalogue: norm.CommodityCatalogue,
                    rules: AssumptionSet) -> pl.Series:
    """Rows their file types Food whose item only a non-food rule matched: there the declared type wins and
    the item is left unmapped (flagged, listed, counted at the fallback density; never 0 kcal silently)."""
    keeps = set(rules.tables["commodity_rules"].get("declared_food_keeps", []))
    non_food = [c for c, g in catalogue.groups.items() if g != "food" and g not in keeps]
    typed_food = kept["_category_text"].is_not_null() & (kept["category"] == "food")
    return (typed_food & described.is_in(non_food)).fill_null(False).alias("_guess_over_type")


def _labels(columns: Columns, at: dict[str, int | None]) -> dict[str, str]:
    """How the file names the columns behind canonical ones, for messages about their values."""
    return {name: columns.label(index) for name, index in at.items() if index is not None}


def _extra(kept: pl.DataFrame, columns: Columns, several_sources: bool) -> pl.Series:
    """Unmodelled columns, the spellings that no rule mapped, and per-row citations when sources differ."""
    fields = extra_fields(columns)
    for given, mapped, key in (
        ("_crossing_text", "crossing", "crossing"),
        ("_route_text", "_route", "route"),
        ("_category_text", "category", "category"),
    ):
        fields.append(pl.when(pl.col(mapped).is_null()).then(pl.col(given)).alias(f"{key} as given"))
    if several_sources:
        fields += [pl.col(n) for n in ("cited_publisher", "cited_title", "cited_url")]
        fields.append(pl.col("cited_date").cast(pl.String))
    return json_where_any(kept, fields)
