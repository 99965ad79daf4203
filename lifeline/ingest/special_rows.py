"""Rows of an HXL table that are not data: a total row and a repeated hashtag row, named as what they are.

A spreadsheet's "Total" line under the data would double every figure it sums if it were stored, and a
hashtag row repeated between data rows (two exports pasted together) is rejected with a misleading
"expected a date, found #date". Both are left out here, before any other check, each with one rejection
saying what the row is ("row 5 is a total row; left out"), so the rest of the file is read as usual.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from lifeline.ingest.base import Parsed, rejections
from lifeline.ingest.hxl_read import HxlRaw, is_tag_row

# The words a total row starts with (its first text cell, case and spacing ignored), English and Arabic.
TOTAL_WORDS = {"total", "totals", "grand total", "sum", "subtotal", "sub-total", "المجموع", "الإجمالي",
               "الاجمالي", "المجموع الكلي", "الإجمالي العام", "المجموع العام"}


def find(raw: HxlRaw) -> dict[int, str]:
    """File row -> what the row is, for the total and repeated hashtag rows of ``raw`` (found with column
    expressions: a million-row file is not walked row by row; candidates are confirmed one by one)."""
    columns = [c for c in raw.frame.columns if c != "_row"]
    if not columns or raw.frame.height == 0:
        return {}
    text = [pl.col(c).cast(pl.String).str.strip_chars() for c in columns]
    present = [t.is_not_null() & (t != "") for t in text]
    first = pl.coalesce([pl.when(p).then(t) for p, t in zip(present, text, strict=True)])
    normalised = first.str.to_lowercase().str.replace_all(":", " ").str.replace_all(r"\s+", " ").str.strip_chars()
    tagged = pl.all_horizontal([~p | t.str.starts_with("#") for p, t in zip(present, text, strict=True)]) \
        & pl.any_horizontal(present)
    found = raw.frame.select(
        pl.col("_row"), normalised.is_in(list(TOTAL_WORDS)).alias("total"), tagged.alias("tags"),
    ).filter(pl.col("total") | pl.col("tags"))
    special: dict[int, str] = {}
    for offset, total, tags in found.iter_rows():
        file_row = int(offset) + raw.first_row
        if tags and is_tag_row(list(raw.frame.filter(pl.col("_row") == offset).select(columns).row(0))):
            special[file_row] = (f"row {file_row} repeats the hashtag row (row {raw.tag_row}): two exports pasted "
                                 "together?; left out")
        elif total:
            special[file_row] = f"row {file_row} is a total row; left out (its figures are the sum of other rows)"
    return special


def leave_out(parsed: Parsed, special: dict[int, str], column: str) -> Parsed:
    """``parsed`` without the rows of ``special``, each rejected once with its reason. A file row read as
    several records (an observations file with several value columns) counts as one row read then."""
    if not special:
        return parsed
    keys = list(special)
    has_rows = "row_number" in parsed.rows.columns
    removed = parsed.rows.filter(pl.col("row_number").is_in(keys)).height if has_rows else 0
    rows = parsed.rows.filter(~pl.col("row_number").is_in(keys)) if has_rows else parsed.rows
    others = parsed.rejections.filter(~pl.col("row").is_in(keys))
    removed += parsed.rejections.height - others.height
    named = pl.DataFrame({"row": keys, "column": [column] * len(keys), "reason": list(special.values())})
    return replace(parsed, rows=rows, rejections=rejections(others, named),
                   rows_read=parsed.rows_read - removed + len(keys))
