"""Writers shared by the CLI, the API and reports: CSV, JSON, HXL (CSV with a hashtag row) and XLSX.

CSV and XLSX are read by people: figures are rounded to their precision
(:mod:`lifeline.formats.precision`). JSON and HXL are read by machines and keep every value as stored.
"""

from __future__ import annotations

import csv
import io
import json
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


def to_json(table: ResultTable) -> str:
    return json.dumps(table.as_dict(), default=_plain, ensure_ascii=False, indent=1)


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def to_csv(table: ResultTable, hashtags: bool = False, bom: bool = False) -> str:
    """CSV with a header row (and the HXL hashtag row when ``hashtags``); without hashtags, figures
    are rounded to their precision; ``bom`` starts it with a byte-order mark for Excel."""
    buf = io.StringIO()
    if bom:
        buf.write(BOM)
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c.key for c in table.columns])
    if hashtags:
        writer.writerow([c.hxl for c in table.columns])
        for row in table.rows:
            writer.writerow([_cell(row.get(c.key)) for c in table.columns])
        return buf.getvalue()
    places = [decimals(c) for c in table.columns]
    for row in table.rows:
        writer.writerow([_cell(rounded(row.get(c.key), p)) for c, p in zip(table.columns, places, strict=True)])
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
