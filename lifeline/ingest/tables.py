"""Read CSV and XLSX files into all-string tables, turning every way a file can be bad into one clear line.

Every importer reads through here, so an empty, binary, truncated or mis-encoded file gets the
same plain message whatever its kind.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

from lifeline.errors import BadFile

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
SNIFF_BYTES = 8192


@dataclass
class RawTable:
    """The cells of one sheet as text, the 1-based file row of each data row, and extra sheets' text."""

    frame: pl.DataFrame
    first_row: int  # file row number of the first data row (2 when a header row precedes it)
    sheet: str | None = None
    notes: str | None = None


def sniff(path: Path) -> bytes:
    """The first bytes of the file, for detection (never the whole file)."""
    with path.open("rb") as fh:
        return fh.read(SNIFF_BYTES)


def is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in SPREADSHEET_SUFFIXES or sniff(path)[:4] == b"PK\x03\x04"


def check_text(path: Path) -> None:
    """Refuse empty, binary and non-UTF-8 files before parsing them as CSV."""
    head = sniff(path)
    if not head.strip():
        raise BadFile("the file is empty; expected a header row and data rows", file=str(path))
    if b"\x00" in head:
        raise BadFile("the file is binary, not CSV text", file=str(path))
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The sniffed prefix may cut a multi-byte character at its end; only complain otherwise.
        if exc.start < len(head) - 4:
            line = head[: exc.start].count(b"\n") + 1
            raise BadFile(
                f"not UTF-8 text (byte 0x{head[exc.start]:02x} at line {line}); save the file as UTF-8 CSV",
                file=str(path),
                row=line,
            ) from None


def read_csv(path: Path, skip_rows_after_header: int = 0) -> RawTable:
    """A CSV file as strings; ragged rows, bad encodings and empty files are user errors."""
    check_text(path)
    try:
        frame = pl.read_csv(
            path,
            infer_schema=False,
            skip_rows_after_header=skip_rows_after_header,
            encoding="utf8",
            truncate_ragged_lines=False,
            raise_if_empty=True,
        )
    except pl.exceptions.NoDataError:
        raise BadFile("the file has no rows; expected a header row and data rows", file=str(path)) from None
    except pl.exceptions.ComputeError as exc:
        raise BadFile(_csv_problem(str(exc)), file=str(path)) from None
    frame = _drop_blank_rows(_strip_headers(_tidy_cells(frame)))
    return RawTable(frame=frame, first_row=2 + skip_rows_after_header)


def _csv_problem(message: str) -> str:
    first = message.strip().splitlines()[0] if message.strip() else "unreadable CSV"
    if "invalid utf-8" in message.lower() or "utf8" in message.lower():
        return "not UTF-8 text; save the file as UTF-8 CSV"
    if "found more fields" in message.lower():
        return f"a row has more fields than the header ({first}); the file may be truncated or mis-quoted"
    return f"cannot parse as CSV: {first}"


def read_xlsx(path: Path, sheet: str | int | None = None) -> RawTable:
    """One sheet of a workbook as strings (the first with a table, unless named); other sheets' text as notes."""
    try:
        reader = fastexcel.read_excel(str(path))
    except Exception as exc:  # fastexcel raises its own error types for corrupt, truncated or non-zip files
        if path.stat().st_size == 0:
            raise BadFile("the file is empty; expected a spreadsheet", file=str(path)) from None
        if not zipfile.is_zipfile(path):
            raise BadFile("not a readable spreadsheet (the file is not an .xlsx archive or is truncated)", file=str(path)) from None
        raise BadFile(f"cannot open the spreadsheet ({type(exc).__name__})", file=str(path)) from None
    names = list(reader.sheet_names)
    chosen = sheet if sheet is not None else _first_sheet_with_table(reader, names)
    if chosen is None:
        raise BadFile("the spreadsheet has no sheet with a header row and data rows", file=str(path))
    try:
        frame = reader.load_sheet(chosen, dtypes="string").to_polars()
    except Exception as exc:
        raise BadFile(f"cannot read sheet {chosen!r} ({type(exc).__name__})", file=str(path)) from None
    frame = _drop_blank_rows(_strip_headers(_tidy_cells(frame)))
    if frame.height == 0:
        raise BadFile(f"sheet {chosen!r} has a header but no data rows", file=str(path))
    name = chosen if isinstance(chosen, str) else names[chosen]
    notes = [_sheet_text(reader, other) for other in names if other != name]
    return RawTable(frame=frame, first_row=2, sheet=name, notes="\n\n".join(n for n in notes if n) or None)


def _first_sheet_with_table(reader: fastexcel.ExcelReader, names: list[str]) -> str | None:
    for name in names:
        try:
            probe = reader.load_sheet(name, n_rows=5, dtypes="string").to_polars()
        except Exception:
            continue
        if probe.width >= 2 and probe.height >= 1:
            return name
    return None


def _sheet_text(reader: fastexcel.ExcelReader, name: str) -> str:
    try:
        frame = reader.load_sheet(name, header_row=None, dtypes="string").to_polars()
    except Exception:
        return ""
    lines = [" ".join(str(v) for v in row if v not in (None, "")) for row in frame.iter_rows()]
    body = "\n".join(line for line in lines if line)
    return f"[{name}]\n{body}" if body else ""


def _tidy_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """One spelling for cells that spreadsheet tools write differently, so xlsx and csv versions compare equal.

    Excel stores a time-only cell as a time on its epoch day (1899-12-31), and writes control
    characters as ``_xHHHH_`` escapes, which CSV exports sometimes keep literally; both are undone.
    """
    return frame.with_columns(
        pl.col(pl.String)
        .str.replace(r"^1899-12-3[01] (\d\d:\d\d:\d\d)$", "$1")
        .str.replace_all("_x001[fF]_", "\x1f")
        .str.replace_all("_x000[dD]_", "\r")
        .str.replace_all("_x0009_", "\t")
    )


def _strip_headers(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({c: c.strip() for c in frame.columns})


def _drop_blank_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Keep the original row positions: blank rows are removed, but row numbers come from ``_row``."""
    frame = frame.with_row_index("_row")
    cells = [c for c in frame.columns if c != "_row"]
    if not cells:
        return frame
    blank = pl.all_horizontal([pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in cells])
    return frame.filter(~blank)
