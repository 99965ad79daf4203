"""A :class:`ResultTable` as an Excel workbook (openpyxl): the table on one sheet, notes and
sources on a second, so the figures stay a clean rectangle an analyst can filter and sum.

Numbers are stored as numbers (rounded to their precision, with a matching number format), dates
as dates, missing as empty cells (never 0). Every text cell is stored as text and, where it begins like
a formula, with OWASP's leading single quote (:func:`lifeline.formats.writers.spreadsheet_text`), so an
untrusted cell cannot run anything when the file is opened, nor after it is saved again as CSV.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from lifeline.formats.precision import decimals, rounded
from lifeline.formats.table import ResultTable
from lifeline.formats.writers import _plain, spreadsheet_text


def to_xlsx(table: ResultTable) -> bytes:
    """The workbook's bytes: sheet "data" with a header row, sheet "about" with title, notes and sources."""
    from openpyxl import Workbook  # imported here: only an XLSX export pays for it
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "data"
    sheet.append([spreadsheet_text(c.title) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    places = [decimals(c) for c in table.columns]
    for number, row in enumerate(table.rows, start=2):
        for index, (column, place) in enumerate(zip(table.columns, places, strict=True), start=1):
            _put(sheet, number, index, rounded(row.get(column.key), place))
    for index, (column, place) in enumerate(zip(table.columns, places, strict=True), start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = min(max(len(column.title), 10) + 2, 60)
        if place is not None:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "#,##0" if place == 0 else "#,##0." + "0" * place
    sheet.freeze_panes = "A2"
    about = book.create_sheet("about")
    lines: list[list[Any]] = [["title", table.title], *(["note", note] for note in table.notes)]
    lines += [["source", *(src.get(k) for k in ("publisher", "title", "url", "published"))] for src in table.sources]
    lines += [["columns (key, HXL hashtag)"], *([c.key, c.hxl] for c in table.columns)]
    for number, values in enumerate(lines, start=1):
        for index, value in enumerate(values, start=1):
            _put(about, number, index, value)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _put(sheet: Any, row: int, column: int, value: Any) -> None:
    """One cell: numbers and dates as themselves, missing as empty, text always as text."""
    if value is None or (isinstance(value, float) and value != value):
        sheet.cell(row=row, column=column)  # an empty cell, so a row of missing values still counts
        return
    if isinstance(value, datetime):
        sheet.cell(row=row, column=column, value=value.replace(tzinfo=None))
        return
    if isinstance(value, (bool, int, float, date)):
        sheet.cell(row=row, column=column, value=value)
        return
    plain = _plain(value)
    text = spreadsheet_text(plain if isinstance(plain, str) else str(plain))
    cell = sheet.cell(row=row, column=column, value=text)
    cell.data_type = "s"  # "=HYPERLINK(...)" in a source file stays text, never a formula
