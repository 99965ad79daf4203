"""HXL observations: dated figures (population, displacement, crossing and facility status, needs...).

A file may hold its figures long (one ``#indicator+num`` column, the indicator named per row) or wide
(several value columns such as ``#population+f`` and ``#population+m``); each value cell becomes one
observation, so rows read are counted per (row, value column) pair.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import polars as pl

from lifeline.assumptions import AssumptionSet
from lifeline.ingest import pcodes, status_words
from lifeline.ingest.base import Parsed, conform, rejections, series_name
from lifeline.ingest.hxl_read import HxlRaw
from lifeline.ingest.hxl_rows import ROW, citation, found, row_ids, source_of
from lifeline.ingest.hxl_tags import Columns, cell
from lifeline.ingest.hxl_values import DATE_SHAPES, column_numbers, date_period
from lifeline.ingest.places import place_code

# Value tags that name their indicator (docs/hxl.md), most specific first.
IMPLIED: list[tuple[str, str, set[str]]] = [
    ("#population", "population", set()),
    ("#affected+idps", "idps", {"idps"}),
    ("#affected+displaced", "displaced", {"displaced"}),
    ("#affected+killed", "killed", {"killed"}),
    ("#affected+injured", "injured", {"injured"}),
    ("#affected", "affected", set()),
    ("#inneed", "inneed", set()),
    ("#targeted", "targeted", set()),
    ("#reached", "reached", set()),
]
# The indicators above count people: a negative count is a typing or export fault, never a figure.
PEOPLE_COUNTS = {indicator for _pattern, indicator, _implying in IMPLIED}
VALUE = "#indicator+num-area_km2"
INDICATOR_HINT = "#indicator+code or #indicator+name, or a value tag such as #population"
NOT_DISAGGREGATION = {"num", "code", "name"}
SEX = {"f", "m", "i"}
AGE = {"infants", "children", "adolescents", "adults", "elderly"}
LOCATION = ("#loc+code-parent", "#adm1+code", "#adm2+code", "#country+code", "#country+iso3")


@dataclass
class ValueColumn:
    index: int
    indicator: str | None  # None: the indicator comes from the row's #indicator+code / +name
    disaggregation: str | None  # JSON text


def value_columns(columns: Columns) -> list[ValueColumn]:
    """Every column that holds a figure, with the indicator its tag implies and its disaggregation."""
    out: list[ValueColumn] = []
    taken: set[int] = set()
    named = columns.has("#indicator+code", "#indicator+name")
    for index in columns.find_all(VALUE):
        extra = columns.attributes(index) - NOT_DISAGGREGATION
        if named:
            out.append(ValueColumn(index, None, _disaggregation(extra)))
        else:
            out.append(ValueColumn(index, "_".join(sorted(extra)) or None, None))
        taken.add(index)
    for pattern, indicator, implying in IMPLIED:
        for index in columns.find_all(pattern):
            if index in taken:
                continue
            extra = columns.attributes(index) - NOT_DISAGGREGATION - implying
            out.append(ValueColumn(index, indicator, _disaggregation(extra)))
            taken.add(index)
    columns.used.update(taken)
    return sorted(out, key=lambda v: v.index)


def _disaggregation(attributes: set[str]) -> str | None:
    if not attributes:
        return None
    spec: dict[str, object] = {}
    sex, age, other = attributes & SEX, attributes & AGE, attributes - SEX - AGE
    if sex:
        spec["sex"] = ",".join(sorted(sex))
    if age:
        spec["age"] = ",".join(sorted(age))
    if other:
        spec["attributes"] = sorted(other)
    return json.dumps(spec, sort_keys=True)


def is_observations(columns: Columns) -> bool:
    has_value = bool(columns.find_all(VALUE)) or any(columns.has(p) for p, _i, _a in IMPLIED) or columns.has("#status")
    return has_value and columns.has("#date")


def normalise(raw: HxlRaw, columns: Columns, rules: AssumptionSet, path: Path) -> Parsed:
    frame = raw.frame
    values = value_columns(columns)
    status_at = columns.take("#status")
    code_at = columns.take("#indicator+code")
    name_at = columns.take("#indicator+name-code")
    start_at = columns.take("#date+start")
    end_at = columns.take("#date+end") if start_at is not None else None
    date_at = start_at if start_at is not None else columns.take("#date-reported-start-end", "#date-reported")
    location_at = next((i for i in (columns.take(p) for p in LOCATION) if i is not None), None)
    unit_at = columns.take("#indicator+unit")
    notes = [columns.take("#description"), columns.take("#meta+note")]

    start, start_end = date_period(cell(columns, date_at))
    end, end_end = date_period(cell(columns, end_at))
    indicator_name = cell(columns, name_at).str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "_").str.strip_chars("_")
    note_cells = [cell(columns, i) for i in notes if i is not None]
    base = frame.with_columns(
        (pl.col("_row") + raw.first_row).alias(ROW),
        cell(columns, date_at).alias("_date_text"),
        cell(columns, end_at).alias("_end_text"),
        start.alias("date"),
        pl.coalesce(end_end, pl.when(start != start_end).then(start_end)).alias("period_end"),
        end.alias("_end"),
        pl.coalesce(cell(columns, code_at), indicator_name).alias("_row_indicator"),
        place_code(cell(columns, location_at), rules).alias("location"),  # a p-code alias -> the place's code
        cell(columns, unit_at).alias("unit"),
        cell(columns, status_at).alias("text_value"),
        (
            pl.concat_str(note_cells, separator=" | ", ignore_nulls=True)
            if note_cells
            else pl.lit(None, dtype=pl.String)
        ).alias("note"),
        **citation(frame, columns),
    )
    ids, id_problems = row_ids(base, columns)
    base = base.with_columns(ids.alias("_id"))
    id_refused = rejections(*id_problems).unique(subset="row", keep="first")
    base = base.join(
        id_refused.select(
            pl.col("row").alias(ROW), pl.col("column").alias("_id_column"), pl.col("reason").alias("_id_reason")
        ),
        on=ROW,
        how="left",
        maintain_order="left",
    )
    parts = _long(base, columns, values, status_at, str(path))
    reported_at = columns.find("#date+reported")
    date_shape = f"expected a date ({DATE_SHAPES}), found {{}}"
    indicator_label = (
        columns.label(code_at)
        if code_at is not None
        else (columns.label(name_at) if name_at is not None else "#indicator")
    )
    checks: list[tuple[pl.Expr, pl.Expr | str, pl.Expr]] = [
        (pl.col("_id_reason").is_not_null(), pl.col("_id_column"), pl.col("_id_reason")),
        (
            pl.col("date").is_null(),
            columns.label(date_at) if date_at is not None else "#date",
            pl.format(date_shape, found(pl.col("_date_text"))),
        ),
    ]
    if end_at is not None:
        checks += [
            (
                pl.col("_end_text").is_not_null() & pl.col("_end").is_null(),
                columns.label(end_at),
                pl.format(date_shape, pl.col("_end_text")),
            ),
            (
                pl.col("period_end") < pl.col("date"),
                columns.label(end_at),
                pl.format("the period ends ({}) before it starts ({})", pl.col("_end_text"), pl.col("_date_text")),
            ),
        ]
    if reported_at is not None:
        reported = cell(columns, reported_at)
        checks.append(
            (
                reported.is_not_null() & pl.col("cited_date").is_null(),
                columns.label(reported_at),
                pl.format(date_shape, reported),
            )
        )
    checks += [
        (
            pl.col("indicator").is_null(),
            indicator_label,
            pl.lit(f"expected an indicator ({INDICATOR_HINT}), found nothing"),
        ),
        (
            pl.col("_value_text").is_not_null() & pl.col("value").is_null(),
            pl.col("_value_label"),
            pl.format("expected a number, found {}", pl.col("_value_text")),
        ),
        (
            pl.col("_value_text").is_null() & pl.col("text_value").is_null(),
            pl.col("_value_label"),
            pl.lit("expected a value, found nothing"),
        ),
        (
            pl.col("indicator").is_in(list(PEOPLE_COUNTS)) & (pl.col("value") < 0),
            pl.col("_value_label"),
            pl.format("expected a count of people (zero or more), found {}", pl.col("_value_text")),
        ),
    ]
    more, status_word = _place_and_status_checks(parts, columns, rules, location_at, status_at)
    checks += more
    parts = parts.with_columns(status_word.alias("_status_word"))
    parts = parts.with_columns(_first(checks, 1).alias("_reject_column"), _first(checks, 2).alias("_reject_reason"))
    refused = parts.filter(pl.col("_reject_reason").is_not_null()).select(
        pl.col(ROW).alias("row"), pl.col("_reject_column").alias("column"), pl.col("_reject_reason").alias("reason")
    )
    kept = _status_as_read(parts.filter(pl.col("_reject_reason").is_null()))
    return Parsed(
        target="observations",
        rows=conform(kept, "observations"),
        rejections=rejections(refused),
        rows_read=parts.height,
        source=source_of(kept, raw, path),
        series=series_name(path),
        note=f"HXL observations file (hashtag row {raw.tag_row}{', sheet ' + raw.sheet if raw.sheet else ''})",
        labels={
            name: columns.label(index)
            for name, index in (("date", date_at), ("period_end", end_at), ("cited_date", reported_at))
            if index is not None
        },
    )


def _place_and_status_checks(
    parts: pl.DataFrame, columns: Columns, rules: AssumptionSet, location_at: int | None, status_at: int | None
) -> tuple[list[tuple[pl.Expr, pl.Expr | str, pl.Expr]], pl.Expr]:
    """Rejections for a p-code that is no stored place (the likely code named, ``pcodes``) and for a crossing
    status word outside the vocabulary, and the word of the vocabulary each crossing status reads as."""
    out: list[tuple[pl.Expr, pl.Expr | str, pl.Expr]] = []
    known = rules.tables.get("admin_codes") or []
    if location_at is not None and known and re.match(r"^#adm\d", columns.tag(location_at)):
        reasons = pcodes.unknown_reasons(parts["location"], known)
        if reasons:
            reason = pl.col("location").replace_strict(reasons, default=None, return_dtype=pl.String)
            out.append((reason.is_not_null(), columns.label(location_at), reason))
    if status_at is not None:
        entry_points = list(rules.tables.get("crossings", {}))
        unplaced = _unknown_status_places(parts, entry_points, known)
        if unplaced:
            reason = pl.col("location").replace_strict(unplaced, default=None, return_dtype=pl.String)
            label = columns.label(location_at) if location_at is not None else "location"
            out.append((reason.is_not_null(), label, reason))
        is_crossing = (pl.col("indicator") == "crossing_status") | (
            (pl.col("indicator") == "status") & pl.col("location").is_in(entry_points)
        )
        word = status_words.read(pl.col("text_value"), rules)
        out.append(
            (
                is_crossing & pl.col("text_value").is_not_null() & word.is_null(),
                columns.label(status_at),
                pl.format(
                    f"expected a crossing status ({status_words.accepted(rules)}), found {{}}", pl.col("text_value")
                ),
            )
        )
        return out, pl.when(is_crossing).then(word)
    return out, pl.lit(None, dtype=pl.String)


def _unknown_status_places(parts: pl.DataFrame, entry_points: list[str], areas: list[str]) -> dict[str, str]:
    """A status (``status``, ``crossing_status``) at a place the store does not hold would be stored and shown
    in no context: rejected, naming the entry point or area most likely meant, as an unknown p-code is
    (a delivery at an unknown crossing is kept, flagged, since its trucks still count in the whole file).
    Only when the store knows entry points: a bare store takes statuses as given."""
    if not entry_points or "indicator" not in parts.columns or "location" not in parts.columns:
        return {}
    statuses = parts.filter(pl.col("indicator").is_in(["status", "crossing_status"]))["location"]
    known = [*entry_points, *areas]
    upper = {k.upper() for k in known}
    out: dict[str, str] = {}
    for given in statuses.drop_nulls().unique().to_list():
        if str(given).strip().upper() in upper:
            continue
        hit = pcodes.nearest(str(given).strip().lower().replace(" ", "-"), entry_points) or pcodes.nearest(
            str(given), known)
        hint = f"; did you mean {hit[0]}? ({hit[1]})" if hit else f"; entry points: {', '.join(sorted(entry_points))}"
        out[given] = f"expected the code of a known entry point or area for a status, found {given}{hint}"
    return out


def _status_as_read(kept: pl.DataFrame) -> pl.DataFrame:
    """Crossing statuses stored as the vocabulary's word (مغلق -> closed), the word as written kept in the note."""
    written = pl.col("_status_word").is_not_null() & (pl.col("text_value").str.strip_chars() != pl.col("_status_word"))
    return kept.with_columns(
        pl.coalesce(pl.col("_status_word"), pl.col("text_value")).alias("text_value"),
        pl.when(written)
        .then(
            pl.concat_str(
                [pl.format("status as written: {}", pl.col("text_value")), pl.col("note")],
                separator=" | ",
                ignore_nulls=True,
            )
        )
        .otherwise(pl.col("note"))
        .alias("note"),
    )


def _first(checks: list[tuple[pl.Expr, pl.Expr | str, pl.Expr]], part: int) -> pl.Expr:
    """The column (part 1) or reason (part 2) of the first check that fails, null when all pass."""

    def value(check: tuple[pl.Expr, pl.Expr | str, pl.Expr]) -> pl.Expr:
        item = check[part]
        return pl.lit(item) if isinstance(item, str) else item

    chain: Any = pl.when(checks[0][0]).then(value(checks[0]))
    for check in checks[1:]:
        chain = chain.when(check[0]).then(value(check))
    return cast(pl.Expr, chain.otherwise(None))


def _long(
    base: pl.DataFrame, columns: Columns, values: list[ValueColumn], status_at: int | None, file: str
) -> pl.DataFrame:
    """One frame row per (file row, value column); a status-only file gives one per file row. Each value
    column's figures are read in that column's one number format (``column_numbers``)."""
    several = len(values) > 1
    pieces = []
    specs: list[ValueColumn | None] = list(values) or [None]
    for spec in specs:
        if spec is None:
            value_text = pl.lit(None, dtype=pl.String)
            label = columns.label(status_at) if status_at is not None else "#status"
            indicator = pl.coalesce(pl.col("_row_indicator"), pl.lit("status"))
            disaggregation = pl.lit(None, dtype=pl.String)
            suffix = ""
        else:
            value_text = cell(columns, spec.index)
            label = columns.label(spec.index)
            indicator = pl.lit(spec.indicator) if spec.indicator else pl.col("_row_indicator")
            disaggregation = pl.lit(spec.disaggregation, dtype=pl.String)
            suffix = f"/{columns.tag(spec.index)}" if several else ""
        piece = base.with_columns(value_text.alias("_value_text"))
        pieces.append(
            piece.with_columns(
                column_numbers(piece, "_value_text", label, file, ROW).alias("value"),
                pl.lit(label).alias("_value_label"),
                indicator.alias("indicator"),
                disaggregation.alias("disaggregation"),
                (pl.col("_id") + pl.lit(suffix)).alias("source_row_id"),
            )
        )
    long = pl.concat(pieces, how="vertical")
    return long.sort(ROW, maintain_order=True) if several else long
