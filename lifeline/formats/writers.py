"""Writers shared by the CLI, the API and reports: CSV, JSON and HXL (CSV with a hashtag row)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

from lifeline.formats.table import ResultTable

FORMATS = ("table", "csv", "json", "hxl")


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


def to_csv(table: ResultTable, hashtags: bool = False) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c.key for c in table.columns])
    if hashtags:
        writer.writerow([c.hxl for c in table.columns])
    for row in table.rows:
        writer.writerow([_cell(row.get(c.key)) for c in table.columns])
    return buf.getvalue()


def to_hxl(table: ResultTable) -> str:
    return to_csv(table, hashtags=True)


def render(table: ResultTable, fmt: str) -> str:
    """Text for a machine format; the terminal table is drawn by the CLI face."""
    if fmt == "json":
        return to_json(table)
    if fmt == "csv":
        return to_csv(table)
    if fmt == "hxl":
        return to_hxl(table)
    raise ValueError(f"no text writer for format {fmt!r}")
