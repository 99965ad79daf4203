"""Reading dates and numbers written by people, as polars expressions (the COGAT and HXL importers share them).

Line lists mix "2024-05-01", "25 Feb 2024", "9 Sept 2024" and "01/05/2024"; a cell that fits none of
the accepted shapes becomes null so the importer can reject its row with the text it found, rather
than guessing. Everything is vectorised: no Python call per cell.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

# Month spellings accepted in day-month-year dates ("Sept" is how COGAT writes September).
MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("jan", "january"),
        ("feb", "february"),
        ("mar", "march"),
        ("apr", "april"),
        ("may",),
        ("jun", "june"),
        ("jul", "july"),
        ("aug", "august"),
        ("sep", "sept", "september"),
        ("oct", "october"),
        ("nov", "november"),
        ("dec", "december"),
    ],
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

DATE_SHAPES = "YYYY-MM-DD, YYYY-MM, YYYY, DD/MM/YYYY, '25 Feb 2024' or 'May 1, 2024'"


def _clean(expr: pl.Expr) -> pl.Expr:
    return expr.str.strip_chars().str.replace_all(r"\s+", " ")


def _month_number(word: pl.Expr) -> pl.Expr:
    return word.str.to_lowercase().str.strip_chars_end(".").replace_strict(MONTHS, default=None, return_dtype=pl.Int32)


def _ymd(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """A date from parts, null when the parts do not make a real date (e.g. 30 February)."""
    text = pl.format(
        "{}-{}-{}",
        year.cast(pl.String),
        month.cast(pl.String).str.zfill(2),
        day.cast(pl.String).str.zfill(2),
    )
    return text.str.to_date("%Y-%m-%d", strict=False)


def day_month_year(expr: pl.Expr) -> pl.Expr:
    """'25 Feb 2024', '9 Sept 2024', '1 September 2024' -> date; anything else -> null."""
    parts = _clean(expr).str.extract_groups(r"^(\d{1,2})[ -]([A-Za-z]+\.?)[ ,-]*(\d{4})$")
    return _ymd(parts.struct.field("3"), _month_number(parts.struct.field("2")), parts.struct.field("1"))


def date_period(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(start, end) of a written date: a day gives start = end; 'YYYY-MM' a month; 'YYYY' a year."""
    text = _clean(expr)
    iso = text.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$", 1).str.to_date("%Y-%m-%d", strict=False)
    slash = text.str.extract_groups(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
    day_first = _ymd(slash.struct.field("3"), slash.struct.field("2"), slash.struct.field("1"))
    words = text.str.extract_groups(r"^([A-Za-z]+\.?) (\d{1,2}),? (\d{4})$")
    month_first = _ymd(words.struct.field("3"), _month_number(words.struct.field("1")), words.struct.field("2"))
    month = text.str.extract(r"^(\d{4}-\d{2})$", 1)
    month_start = (month + "-01").str.to_date("%Y-%m-%d", strict=False)
    year = text.str.extract(r"^(\d{4})$", 1)
    year_start = (year + "-01-01").str.to_date("%Y-%m-%d", strict=False)
    day = pl.coalesce(iso, day_first, day_month_year(expr), month_first)
    start = pl.coalesce(day, month_start, year_start)
    end = pl.coalesce(day, month_start.dt.month_end(), (year + "-12-31").str.to_date("%Y-%m-%d", strict=False))
    return start, end


def number(expr: pl.Expr) -> pl.Expr:
    """'1,234.5', ' 12 ' -> float; empty -> null; text that is not a number -> null (the caller rejects it)."""
    cleaned = expr.cast(pl.String).str.strip_chars().str.replace_all(r"[,\s]", "")
    numeric = cleaned.str.contains(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
    return pl.when(numeric).then(cleaned).otherwise(None).cast(pl.Float64)


def blank(expr: pl.Expr) -> pl.Expr:
    """True where a cell is missing or only whitespace."""
    return expr.is_null() | (expr.cast(pl.String).str.strip_chars() == "")


def unique_ids(ids: pl.Expr) -> pl.Expr:
    """Ids made unique in file order: the n-th repeat of a value gets '#n' (n >= 2)."""
    occurrence = pl.int_range(pl.len()).over(ids) + 1
    return pl.when(occurrence > 1).then(pl.format("{}#{}", ids, occurrence)).otherwise(ids)


def by_distinct(frame: pl.DataFrame, column: str, rule: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """``rule`` applied once per distinct value of ``column`` and mapped back onto every row.

    Line-list columns repeat a few hundred spellings over millions of rows, so parsing the distinct
    values and joining back is much cheaper than running regular expressions on every cell.
    """
    mapped = frame.select(pl.col(column).unique().alias("_v")).with_columns(rule(pl.col("_v")).alias("_m"))
    # replace_strict maps a missing cell too when null is among the distinct values (it always is
    # when the column has one), so an empty cell gets what the rule gives for nothing.
    return frame.get_column(column).replace_strict(mapped["_v"], mapped["_m"], return_dtype=mapped.schema["_m"])
