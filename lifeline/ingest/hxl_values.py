"""Reading dates and numbers written by people, as polars expressions (the COGAT and HXL importers share them).

Line lists mix "2024-05-01", "25 Feb 2024", "9 Sept 2024" and "01/05/2024"; a cell that fits none of
the accepted shapes becomes null so the importer can reject its row with the text it found, rather
than guessing. Everything is vectorised: no Python call per cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

from lifeline.errors import BadFile

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
# Excel serial dates (days since 30 Dec 1899, the 1900 date system) a date column exported unformatted holds:
# read from 1 Jan 1990 (32874) to 31 Dec 2099 (73050); a five-digit number outside is not read as a date.
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIALS = (32874, 73050)


def _clean(expr: pl.Expr) -> pl.Expr:
    return ascii_digits(expr).str.strip_chars().str.replace_all(r"\s+", " ")


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
    serial = text.str.extract(r"^(\d{5})(?:\.0+)?$", 1).cast(pl.Int64, strict=False)
    excel = pl.when(serial.is_between(*EXCEL_SERIALS)).then(pl.lit(EXCEL_EPOCH) + pl.duration(days=serial))
    day = pl.coalesce(iso, day_first, day_month_year(expr), month_first, excel.cast(pl.Date))
    start = pl.coalesce(day, month_start, year_start)
    end = pl.coalesce(day, month_start.dt.month_end(), (year + "-12-31").str.to_date("%Y-%m-%d", strict=False))
    return start, end


# Arabic-Indic (U+0660..) and Persian (U+06F0..) digits, and the Arabic thousands (٬ U+066C) and decimal
# (٫ U+066B) separators, as ASCII: Arabic-speaking publishers write figures so, and they are the same numbers.
_ARABIC_DIGITS = [chr(0x0660 + d) for d in range(10)] + [chr(0x06F0 + d) for d in range(10)]
_ASCII_DIGITS = [str(d) for d in range(10)] * 2
# Spaces that group thousands ("1 200", "1 200" with a no-break or narrow no-break space).
_GROUP_SPACE = r"[\s\u00a0\u202f\u2009]"
_NUMERIC = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"


def ascii_digits(expr: pl.Expr) -> pl.Expr:
    """Text with Arabic-Indic / Persian digits and the Arabic separators written as ASCII (٬ is a thousands
    separator, so it becomes a thin space: a group, never a comma that could be read as a decimal)."""
    return expr.str.replace_many([*_ARABIC_DIGITS, "\u066c", "\u066b"], [*_ASCII_DIGITS, "\u2009", "."])


def number(expr: pl.Expr, decimal_comma: bool = False) -> pl.Expr:
    """'1,234.5', ' 12 ', '١٢٠٠', '1 200' -> float; empty -> null; text that is not a number -> null (the caller
    rejects it). With ``decimal_comma`` the comma is the decimal mark and points group thousands ('1.200,5');
    which one a column uses is decided for the whole column (``number_format``), never per cell."""
    text = ascii_digits(expr.cast(pl.String)).str.strip_chars()
    if decimal_comma:
        cleaned = text.str.replace_all(_GROUP_SPACE, "").str.replace_all(r"\.", "").str.replace_all(",", ".")
    else:
        cleaned = text.str.replace_all(r"[,\s\u00a0\u202f\u2009]", "")
    numeric = cleaned.str.contains(_NUMERIC)
    return pl.when(numeric).then(cleaned).otherwise(None).cast(pl.Float64)


# How a cell shows its column's number format once digits are ASCII and grouping spaces removed.
_THOUSANDS_COMMA = r"^[+-]?[0-9]{1,3}(?:,[0-9]{3}){2,}(?:\.[0-9]*)?$|^[+-]?[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]*$"
_DECIMAL_COMMA = r"^[+-]?[0-9]{1,3}(?:\.[0-9]{3}){2,}(?:,[0-9]*)?$|^[+-]?[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]*$"
_SPACED_DECIMAL = r"^[+-]?[0-9]{1,3}(?:" + _GROUP_SPACE + r"[0-9]{3})+,[0-9]+$"
_DECIMAL_POINT = r"^[+-]?[0-9]*\.(?:[0-9]{1,2}|[0-9]{4,})$"  # '12.5', '0.25': a point that is no grouping
_ONE_COMMA = r"^[+-]?[0-9]+,[0-9]+$"
_COMMA_AS_THOUSANDS = r"^[+-]?[0-9]{1,3},[0-9]{3}$"


@dataclass(frozen=True)
class NumberFormat:
    """A column's number format: ``decimal_comma`` or not; ``ambiguous`` names a value that reads two ways
    in a column with no other evidence (``"12,5"``: 12.5 or 125), which the caller refuses."""

    decimal_comma: bool = False
    ambiguous: str | None = None
    readings: tuple[float, float] | None = None


def number_format(values: pl.Series) -> NumberFormat:
    """Decide, from all of a column's distinct values, whether its comma is a thousands or a decimal mark.

    Evidence: '1,234,567', '1,234.5' or '12.5' (point style); '1.234.567', '1.234,5' or '1 234,5' (decimal comma).
    Without evidence a single comma before exactly three digits ('1,200') is a thousands comma, as before; a
    comma before other digit counts ('12,5', '1,25') is ambiguous. Both kinds of evidence in one column, or an
    ambiguous value with none, leave the column ambiguous (the first such value is named)."""
    text = values.drop_nulls().unique(maintain_order=True).to_frame("v").select(
        ascii_digits(pl.col("v")).str.strip_chars().alias("v")
    )["v"]
    if text.is_empty():
        return NumberFormat()
    compact = text.str.replace_all(_GROUP_SPACE, "")
    point_style = compact.str.contains(_THOUSANDS_COMMA) | compact.str.contains(_DECIMAL_POINT)
    comma_style = compact.str.contains(_DECIMAL_COMMA) | text.str.contains(_SPACED_DECIMAL)
    thousands, decimal = bool(point_style.any()), bool(comma_style.any())
    if decimal and not thousands:
        return NumberFormat(decimal_comma=True)
    unclear = text.filter(compact.str.contains(_ONE_COMMA) & ~compact.str.contains(_COMMA_AS_THOUSANDS))
    if not decimal and unclear.is_empty():
        return NumberFormat()
    first = text.filter(point_style)[0] if thousands and decimal else unclear[0]
    as_decimal = pl.select(number(pl.lit(first), decimal_comma=True)).item()
    as_thousands = pl.select(number(pl.lit(first))).item()
    return NumberFormat(ambiguous=first, readings=(as_decimal, as_thousands))


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


def column_numbers(frame: pl.DataFrame, column: str, label: str, file: str, row: str = "row_number") -> pl.Series:
    """The numbers of a text column read in the one format its values show (``number_format``).

    An ambiguous column refuses the file with one line naming the row, the column and both readings: a
    figure is never silently multiplied by ten or a thousand."""
    fmt = number_format(frame.get_column(column))
    if fmt.ambiguous is not None and fmt.readings is not None:
        at = frame.filter(ascii_digits(pl.col(column)).str.strip_chars() == fmt.ambiguous)
        decimal, thousands = (f"{r:,.10g}" if r is not None else "not a number" for r in fmt.readings)
        raise BadFile(
            f"expected one number format in the column, found {at[column][0]!r}: {decimal} with a decimal comma "
            f"or {thousands} with a thousands comma; write the column's figures with a decimal point (12.5) and "
            "no thousands separator, or all in one style (1.200,5 or 1,200.5)",
            file=file, row=int(at[row][0]) if at.height and row in at.columns else None, column=label,
        )
    return by_distinct(frame, column, lambda text: number(text, decimal_comma=fmt.decimal_comma))
