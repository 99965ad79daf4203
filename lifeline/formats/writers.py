"""Writers shared by the CLI, the API and reports: CSV, JSON, HXL (CSV with a hashtag row) and XLSX.

CSV and XLSX are read by people: figures are rounded to their precision
(:mod:`lifeline.formats.precision`), and text that a spreadsheet would run as a formula is neutralised
(:func:`spreadsheet_text`). JSON and HXL are read by machines and keep every value as stored.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from typing import Any

from lifeline.formats.precision import decimals, rounded
from lifeline.formats.table import ResultTable

FORMATS = ("table", "csv", "json", "hxl", "xlsx")
BOM = "\ufeff"  # lets Excel read a CSV download as UTF-8 (Arabic names intact) instead of the locale's code page


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN is missing, never zero
        return None
    return value


# OWASP "CSV Injection": a cell beginning with one of these is read as a formula by Excel, LibreOffice or
# Google Sheets (a publisher's "=HYPERLINK(...)" would run). The full-width forms are read as the same by
# Excel in East Asian locales.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
TEXT_MARK = "'"  # OWASP's neutraliser: a leading single quote makes the cell text
# A signed number written as text ("-5", "+0.25", "-1,234.5", "-2e3"): a spreadsheet reads it as the
# number, which can run nothing, so it is left as it is.
NUMBER_TEXT = re.compile(r"[+\-](?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+\-]?\d+)?%?")


def spreadsheet_text(text: str) -> str:
    """``text`` a spreadsheet shows and never runs: a single quote before a formula's first character.
    A number (-5), stored as a number or written as one, stays a number."""
    if text.startswith(FORMULA_STARTS) and not NUMBER_TEXT.fullmatch(text):
        return TEXT_MARK + text
    return text


def to_json(table: ResultTable) -> str:
    return json.dumps(table.as_dict(), default=_plain, ensure_ascii=False, indent=1)


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _safe_cell(value: Any) -> str:
    """A CSV cell for a spreadsheet: text neutralised (:func:`spreadsheet_text`), numbers and dates as such."""
    return spreadsheet_text(value) if isinstance(value, str) else _cell(value)


class _RowWriter:
    """CSV rows ending in LF. Python's csv quotes only fields holding a character of the line terminator,
    so a field with a CR would be written bare and split the row: such rows are written with CRLF (which
    quotes them) and their terminator put back to LF."""

    def __init__(self, buf: io.StringIO) -> None:
        self.buf, self.plain = buf, csv.writer(buf, lineterminator="\n")
        self.scratch = io.StringIO()
        self.quoting = csv.writer(self.scratch, lineterminator="\r\n")

    def writerow(self, row: list[str]) -> None:
        if not any("\r" in cell for cell in row):
            self.plain.writerow(row)
            return
        self.scratch.seek(0)
        self.scratch.truncate()
        self.quoting.writerow(row)
        self.buf.write(self.scratch.getvalue()[:-2] + "\n")


def to_csv(table: ResultTable, hashtags: bool = False, bom: bool = False, safe: bool | None = None) -> str:
    """CSV with a header row (and the HXL hashtag row when ``hashtags``); without hashtags, figures
    are rounded to their precision; ``bom`` starts it with a byte-order mark for Excel. ``safe`` (default:
    without hashtags, the CSV people open) neutralises text a spreadsheet would run, headers included;
    HXL for machines keeps every value as stored, so it imports back as exported."""
    safe = not hashtags if safe is None else safe
    cell = _safe_cell if safe else _cell
    buf = io.StringIO()
    if bom:
        buf.write(BOM)
    writer = _RowWriter(buf)
    writer.writerow([cell(c.key) for c in table.columns])
    if hashtags:
        writer.writerow([c.hxl for c in table.columns])
        for row in table.rows:
            writer.writerow([cell(row.get(c.key)) for c in table.columns])
        return buf.getvalue()
    places = [decimals(c) for c in table.columns]
    for row in table.rows:
        writer.writerow([cell(rounded(row.get(c.key), p)) for c, p in zip(table.columns, places, strict=True)])
    return buf.getvalue()


def to_hxl(table: ResultTable) -> str:
    """HXL for machines: every value as stored, no byte-order mark (HXL tools read the first row as is)."""
    return to_csv(table, hashtags=True)


def render(table: ResultTable, fmt: str) -> str:
    """Text for a text format; XLSX is bytes (:func:`lifeline.formats.xlsx.to_xlsx`), the terminal
    table is drawn by the CLI face."""
    if fmt == "json":
        return to_json(table)
    if fmt == "csv":
        return to_csv(table)
    if fmt == "hxl":
        return to_hxl(table)
    raise ValueError(f"no text writer for format {fmt!r}")
