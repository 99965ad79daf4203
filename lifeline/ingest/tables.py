"""Read CSV and XLSX files into all-string tables, turning every way a file can be bad into one clear line.

Every importer reads through here, so an empty, binary, truncated or mis-encoded file gets the
same plain message whatever its kind.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import fastexcel
import polars as pl

from lifeline.errors import BadFile
from lifeline.ingest import limits
from lifeline.ingest.json_errors import decoded_fault
from lifeline.ingest.xlsx_check import WorkbookFacts, check_xlsx

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
SNIFF_BYTES = 8192
TAIL_BYTES = 65536  # enough for the last row of any line list
T = TypeVar("T")


@dataclass
class RawTable:
    """The cells of one sheet as text, the 1-based file row of each data row, and extra sheets' text."""

    frame: pl.DataFrame
    first_row: int  # file row number of the first data row (2 when a header row precedes it)
    sheet: str | None = None
    notes: str | None = None
    uncached_formula_rows: set[int] = field(default_factory=set)  # sheet rows with a formula but no value

    def column_label(self, column: str) -> str:
        """How a column of ``frame`` is named in messages (subclasses name positional columns)."""
        return column


def sniff(path: Path) -> bytes:
    """The first bytes of the file, for detection (never the whole file)."""
    with path.open("rb") as fh:
        return fh.read(SNIFF_BYTES)


def header_names(path: Path) -> set[str]:
    """The names in a CSV file's first line (trimmed, unquoted), from its first bytes: for detection."""
    head = sniff(path).decode("utf-8-sig", errors="replace").splitlines()[:1]
    return {c.strip().strip('"') for c in head[0].split(",")} if head else set()


def is_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in SPREADSHEET_SUFFIXES or sniff(path)[:4] == b"PK\x03\x04"


def check_text(path: Path) -> None:
    """Refuse empty, binary, UTF-16 and non-UTF-8 files before parsing them as CSV (reads the first bytes only)."""
    head = sniff(path)
    if not head.strip():
        raise BadFile("the file is empty; expected a header row and data rows", file=str(path))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        kind = {".json": "JSON", ".geojson": "GeoJSON", ".tsv": "TSV"}.get(path.suffix.lower(), "CSV")
        raise BadFile(f"the file is UTF-16 text; save it as UTF-8 {kind}", file=str(path), row=1)
    if b"\x00" in head:
        raise BadFile("the file is binary, not CSV text", file=str(path))
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The sniffed prefix may cut a multi-byte character at its end; only complain otherwise.
        if exc.start < len(head) - 4:
            raise _not_utf8(path, head, exc.start) from None
    _check_delimiter(path, head)


def _check_delimiter(path: Path, head: bytes) -> None:
    """A header row with no comma but several semicolons or tabs: an Excel export in another locale."""
    if path.suffix.lower() == ".json":
        return
    first = head.split(b"\n", 1)[0]
    if b"," in first:
        return
    for mark, name in ((b";", "semicolons"), (b"\t", "tabs")):
        if first.count(mark) >= 2:
            raise BadFile(
                f"the header row is separated by {name}, not commas; save the file as CSV (comma delimited)",
                file=str(path),
                row=1,
            )


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a byte-order mark: every other byte of ASCII-range text is zero."""
    sample = head[:512]
    if len(sample) < 8:
        return False
    return sample[1::2].count(0) > 0.9 * len(sample[1::2]) or sample[0::2].count(0) > 0.9 * len(sample[0::2])


# Arabic letters in Windows-1256 (U+0621-U+064A): a run of them is the likely encoding of a regional export.
_ARABIC = re.compile("[\u0621-\u064a]")


def _likely_encoding(data: bytes, offset: int) -> str:
    """The 8-bit encoding the bytes around ``offset`` most likely are, for the hint in the message."""
    around = data[max(0, offset - 64):offset + 64]
    high = [b for b in around if b >= 0x80]
    arabic = len(_ARABIC.findall(around.decode("cp1256", errors="ignore")))
    return "Windows-1256 (Arabic)?" if high and arabic >= 0.6 * len(high) else "latin-1 or Windows-1252?"


def _not_utf8(path: Path, data: bytes, offset: int, lines_before: int = 0) -> BadFile:
    line = lines_before + data[:offset].count(b"\n") + 1
    return BadFile(
        f"not UTF-8 text (byte 0x{data[offset]:02x} at line {line}; {_likely_encoding(data, offset)}); "
        "save it as UTF-8 CSV",
        file=str(path),
        row=line,
    )


def _find_invalid_utf8(path: Path) -> BadFile | None:
    """Where the first byte that is not UTF-8 is (read in blocks; only on the error path)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines_before = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                # exc.object is the few bytes held back from the last block (never a newline) + this block
                return _not_utf8(path, exc.object, exc.start, lines_before)
            lines_before += block.count(b"\n")
    return None


def check_line_lengths(path: Path) -> None:
    """Refuse a CSV file with a line longer than ``limits.MAX_CSV_LINE_BYTES`` or a quoted field longer than
    a cell can be (``limits.MAX_CELL_CHARS`` in 4-byte characters), naming the row, before the parser reads it.

    The parser holds a whole field in memory several times over while it reads and checks it (one
    200 MB field took 1.4 GB, one quoted over 400 lines 1.6 GB, before the cell limit refused them). One
    pass in blocks of the line limit's size, no decoding: a longer line spans a block with no newline
    or joins the tail of one block to the head of the next; text between quotes is counted across
    blocks (the quote count's parity says which side of a quote is inside a field).
    """
    line_limit, field_limit = limits.MAX_CSV_LINE_BYTES, limits.MAX_CELL_CHARS * 4
    run = 0  # bytes since the last newline
    inside, quoted, field_row = False, 0, 0  # within a quoted field; its bytes so far; the row it opened on
    lines_before = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(line_limit), b""):
            first = block.find(b"\n")
            if (run + len(block) if first < 0 else run + first) > line_limit:
                raise BadFile(
                    f"a line is longer than {line_limit // 2**20} MB; a CSV line holds one row: "
                    "the file may be damaged or mis-quoted",
                    file=str(path),
                    row=lines_before + 1,
                )
            if b'"' in block or inside:
                was_inside = inside
                inside, quoted, at = _quoted_run(block, inside, quoted, field_limit)
                if at is not None:
                    raise BadFile(
                        f"a quoted field runs on for more than {field_limit:,} bytes (a cell holds at most "
                        f"{limits.MAX_CELL_CHARS:,} characters): the file may be damaged or mis-quoted",
                        file=str(path),
                        row=field_row if at < 0 else lines_before + block.count(b"\n", 0, at) + 1,
                    )
                if inside and (not was_inside or b'"' in block):  # a field opened in this block runs on
                    field_row = lines_before + block.count(b"\n", 0, len(block) - quoted) + 1
            if first < 0:
                run += len(block)
                continue
            lines_before += block.count(b"\n")
            run = len(block) - block.rfind(b"\n") - 1


def _quoted_run(block: bytes, inside: bool, quoted: int, limit: int) -> tuple[bool, int, int | None]:
    """(inside a quoted field at the block's end, its bytes so far, where in the block a field over ``limit``
    began (negative: in an earlier block) or None). Parts of ``block.split('"')`` alternate outside/inside."""
    parts = block.split(b'"')
    if inside and quoted + len(parts[0]) > limit:
        return inside, quoted, -1
    if len(parts) == 1:
        return inside, quoted + len(block) if inside else 0, None
    first_inside = 2 if inside else 1  # index of the first part wholly inside a field
    middle = parts[first_inside:-1:2]
    if middle and max(map(len, middle)) > limit:
        index = next(i for i in range(first_inside, len(parts) - 1, 2) if len(parts[i]) > limit)
        return inside, quoted, sum(map(len, parts[:index])) + index
    ends_inside = inside != ((len(parts) - 1) % 2 == 1)
    return ends_inside, len(parts[-1]) if ends_inside else 0, None


def read_csv(path: Path, skip_rows_after_header: int = 0) -> RawTable:
    """A CSV file as strings; ragged or truncated rows, bad encodings and empty files are user errors."""
    check_text(path)
    check_line_lengths(path)
    try:
        frame = pl.read_csv(
            path,
            infer_schema=False,
            skip_rows_after_header=skip_rows_after_header,
            encoding="utf8",
            truncate_ragged_lines=False,
            raise_if_empty=True,
            glob=False,  # a file name with [ ] * ? is a name, not a pattern
        )
    except pl.exceptions.NoDataError:
        raise BadFile("the file has no rows; expected a header row and data rows", file=str(path)) from None
    except pl.exceptions.ComputeError as exc:
        raise _csv_problem(path, str(exc)) from None
    _check_last_row(path, frame.width)
    frame = _drop_blank_rows(_strip_headers(_tidy_cells(frame)))
    if frame.height == 0:
        raise BadFile("the file has a header row but no data rows", file=str(path), row=2)
    return RawTable(frame=frame, first_row=2 + skip_rows_after_header)


def _csv_problem(path: Path, message: str) -> BadFile:
    """Turn a parser error into one line that says where the file is bad (the file is re-read only here)."""
    lowered = message.lower()
    if "utf-8" in lowered or "utf8" in lowered:
        return _find_invalid_utf8(path) or BadFile("not UTF-8 text; save the file as UTF-8 CSV", file=str(path))
    unclosed = _unclosed_quote(path)
    if unclosed is not None:
        return BadFile(
            "a quoted field opened here is never closed; the file may be truncated or mis-quoted",
            file=str(path),
            row=unclosed,
        )
    ragged = _first_ragged_row(path)
    if ragged is not None:
        row, found, expected = ragged
        return BadFile(
            f"the row has {found} fields but the header has {expected}; the file may be truncated or mis-quoted",
            file=str(path),
            row=row,
        )
    first = message.strip().splitlines()[0] if message.strip() else "unreadable CSV"
    return BadFile(f"cannot parse as CSV: {first}", file=str(path))


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(file row where the record starts, fields) for each CSV record, by Python's csv module (error path only)."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.reader(fh)
        start = 1
        try:
            for fields in reader:
                yield start, fields
                start = reader.line_num + 1
        except csv.Error as exc:  # a field beyond the csv module's limit, or a NUL in the text
            raise BadFile(f"cannot read the record as CSV ({exc})", file=str(path), row=start) from None


def _unclosed_quote(path: Path) -> int | None:
    """The file row of a quoted field that runs to the end of the file, if any."""
    data = path.read_bytes()
    if data.count(b'"') % 2 == 0:
        return None
    last_start = 1
    for start, _fields in _records(path):
        last_start = start
    return last_start


def _first_ragged_row(path: Path) -> tuple[int, int, int] | None:
    """(file row, fields found, fields expected) of the first record longer than the header."""
    expected = None
    for start, fields in _records(path):
        if expected is None:
            expected = len(fields)
        elif len(fields) > expected:
            return start, len(fields), expected
    return None


def _check_last_row(path: Path, width: int) -> None:
    """A file cut off mid-row ends without a newline on a row with fewer fields than the header.

    The parser pads such a row with empty cells, which would import half a row silently. Only the
    last bytes of the file are read; a complete last row without a final newline is accepted.
    """
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - TAIL_BYTES))
        tail = fh.read()
    if not tail or tail.endswith((b"\n", b"\r")):
        return
    last = tail.rsplit(b"\n", 1)[-1]
    if last.count(b'"') % 2:  # the row started on an earlier line inside a quoted field
        return
    try:
        fields = next(csv.reader([last.decode("utf-8", errors="replace")]), [])
    except csv.Error:  # a last line the csv module cannot take (an endless field): checked with the cells
        return
    if len(fields) < width:
        with path.open("rb") as fh:
            row = sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b"")) + 1
        raise BadFile(
            f"the last row has {len(fields)} of {width} fields and no line end; the file looks truncated",
            file=str(path),
            row=row,
        )


def load_json(path: Path) -> object:
    """The file's JSON value, or one line: too large, nested too deep, an integer too long, or invalid.

    The limits are checked before or while parsing (``ingest.limits``): the parser recurses once per
    level and Python refuses integers of over 4,300 digits, both as exceptions no reader expects.
    """
    if path.stat().st_size > limits.MAX_JSON_BYTES:
        raise _too_big(path, limits.MAX_JSON_BYTES)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadFile(f"not UTF-8 text (byte {exc.start:,} cannot be decoded)", file=str(path)) from None
    depth = _json_depth(text)
    if depth > limits.MAX_JSON_DEPTH:
        raise BadFile(
            f"the JSON is nested {depth:,} levels deep; at most {limits.MAX_JSON_DEPTH} are read "
            "(a table is an array of arrays or objects)",
            file=str(path),
        )
    try:
        return json.loads(text, parse_int=lambda digits: _json_int(digits, path))
    except json.JSONDecodeError as exc:
        where, why = decoded_fault(text, exc.pos, exc.msg, bom=sniff(path).startswith(codecs.BOM_UTF8))
        raise BadFile(f"expected valid JSON: {why} {where}", file=str(path)) from None
    except (RecursionError, ValueError) as exc:  # defensive: the checks above should have caught these
        raise BadFile(f"not valid JSON ({type(exc).__name__})", file=str(path)) from None


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects, with strings skipped (a fast pass, no parse)."""
    depth = deepest = 0
    for ch in re.sub(r"[^\[\]{}]", "", _JSON_STRING.sub("", text)):
        depth += 1 if ch in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _json_int(digits: str, path: Path) -> int:
    if len(digits.lstrip("-")) > limits.MAX_INTEGER_DIGITS:
        raise BadFile(
            f"a JSON number has {len(digits):,} digits; at most {limits.MAX_INTEGER_DIGITS} are read",
            file=str(path),
        )
    return int(digits)


def check_cells(raw: RawTable, path: Path) -> None:
    """Refuse a table with a NUL character or a cell longer than the limit, naming the first such cell.

    A NUL is never text (PostgreSQL cannot store it; it marks a binary or damaged file) and the sniff
    only sees the first bytes; an endless cell is a damaged or hostile file. One parallel pass over
    all columns; the row is looked up only when a column fails.
    """
    frame = raw.frame
    for name in frame.columns:
        if len(name) > limits.MAX_CELL_CHARS or "\x00" in name:
            raise BadFile(_cell_problem(name), file=str(path), row=1)
    texts = [c for c, dtype in frame.schema.items() if dtype == pl.String and c != "_row"]
    if not texts or frame.height == 0:
        return
    found = frame.select(
        [pl.col(c).str.contains("\x00", literal=True).any().alias(f"n{i}") for i, c in enumerate(texts)]
        + [pl.col(c).str.len_bytes().max().alias(f"l{i}") for i, c in enumerate(texts)]
    ).row(0, named=True)
    for i, name in enumerate(texts):
        nul = bool(found[f"n{i}"])
        if not nul and (found[f"l{i}"] or 0) <= limits.MAX_CELL_CHARS:
            continue
        bad = pl.col(name).str.contains("\x00", literal=True) | (pl.col(name).str.len_chars() > limits.MAX_CELL_CHARS)
        hit = frame.with_row_index("_position").filter(bad.fill_null(False)).head(1)
        if hit.height == 0:  # long in bytes, not in characters
            continue
        row = int(hit["_row"][0] if "_row" in hit.columns else hit["_position"][0]) + raw.first_row
        raise BadFile(_cell_problem(hit[name][0]), file=str(path), row=row, column=raw.column_label(name))


def _cell_problem(text: str) -> str:
    if "\x00" in text:
        return "the cell holds a NUL character (binary or damaged data), not text"
    return (
        f"the cell holds {len(text):,} characters; at most {limits.MAX_CELL_CHARS:,} are read "
        "(Excel's limit per cell): the file may be damaged or mis-quoted"
    )


def check_readable(path: Path) -> None:
    """Refuse a file no importer could read, with the reason, before any importer guesses at its kind."""
    if is_spreadsheet(path):
        reader = open_workbook(path)
        if _table_sheet(path, reader, list(reader.sheet_names)) is None:
            raise BadFile(NO_TABLE, file=str(path))
    else:
        check_text(path)


NO_TABLE = "the spreadsheet has no sheet with a table (a header row and at least one data row)"


def check_workbook(path: Path) -> WorkbookFacts:
    """The archive checked against the limits (once per import), before any reader opens it.

    Only xlsx/xlsm archives are read: the reader lays out .xls and .ods sheets in ways the archive
    check cannot bound (an .ods cell may repeat itself a million times), so those are refused.
    """
    if path.suffix.lower() in (".xls", ".ods"):
        raise BadFile(f"{path.suffix.lower()} workbooks are not read; save the sheet as .xlsx or CSV", file=str(path))
    if path.stat().st_size > limits.MAX_FILE_BYTES:
        raise _too_big(path)
    return _remembered(path, "workbook-check", None, lambda: check_xlsx(path))


def _too_big(path: Path, limit: int = limits.MAX_FILE_BYTES) -> BadFile:
    return BadFile(
        f"the file is {path.stat().st_size / 2**20:,.0f} MB; files of up to {limit // 2**20} MB are "
        "imported (split it by date)",
        file=str(path),
    )


def open_workbook(path: Path) -> fastexcel.ExcelReader:
    """The workbook, or one line saying why it cannot be opened (empty, not a workbook, truncated)."""
    if path.stat().st_size == 0:
        raise BadFile("the file is empty; expected a spreadsheet", file=str(path))
    check_workbook(path)
    try:
        return fastexcel.read_excel(str(path))
    except Exception as exc:  # fastexcel raises its own error types for corrupt, truncated or non-zip files
        if path.stat().st_size == 0:
            raise BadFile("the file is empty; expected a spreadsheet", file=str(path)) from None
        if not zipfile.is_zipfile(path):
            raise BadFile("not a readable spreadsheet (not an .xlsx archive, or truncated)", file=str(path)) from None
        raise BadFile(f"cannot open the spreadsheet ({type(exc).__name__})", file=str(path)) from None


_READS: ContextVar[dict[tuple[object, ...], object] | None] = ContextVar("lifeline_ingest_reads", default=None)


@contextmanager
def remembered_reads() -> Iterator[None]:
    """Within this block a workbook is read once even if detection and the importer both ask for it.

    Detection opens a workbook to look at its columns, then the importer reads it again; for the
    UNRWA list that was half of the parse time. The memo lives only for one import (and is per
    thread or task), so nothing stays in memory afterwards and a changed file is never served stale.
    """
    token = _READS.set({})
    try:
        yield
    finally:
        _READS.reset(token)


def _remembered(path: Path, what: str, extra: object, compute: Callable[[], T]) -> T:
    memo = _READS.get()
    if memo is None:
        return compute()
    stat = path.stat()
    key = (what, str(path.resolve()), stat.st_mtime_ns, stat.st_size, extra)
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[return-value]


def read_xlsx(path: Path, sheet: str | int | None = None) -> RawTable:
    """One sheet of a workbook as strings (the first with a table, unless named); other sheets' text as notes."""
    return _remembered(path, "sheet", sheet, lambda: _read_xlsx(path, sheet))


def _read_xlsx(path: Path, sheet: str | int | None) -> RawTable:
    reader = open_workbook(path)
    names = list(reader.sheet_names)
    chosen = sheet if sheet is not None else _table_sheet(path, reader, names)
    if chosen is None:
        raise BadFile(NO_TABLE, file=str(path))
    try:
        frame = reader.load_sheet(chosen, dtypes="string").to_polars()
    except Exception as exc:
        raise BadFile(f"cannot read sheet {chosen!r} ({type(exc).__name__})", file=str(path)) from None
    frame = _drop_blank_rows(_strip_headers(_tidy_cells(frame)))
    if frame.height == 0:
        raise BadFile(f"sheet {chosen!r} has a header but no data rows", file=str(path))
    name = chosen if isinstance(chosen, str) else names[chosen]
    notes = [_sheet_text(reader, other) for other in names if other != name]
    return RawTable(
        frame=frame,
        first_row=2,
        sheet=name,
        notes="\n\n".join(n for n in notes if n) or None,
        uncached_formula_rows=check_workbook(path).uncached_formula_rows.get(name, set()),
    )


def _table_sheet(path: Path, reader: fastexcel.ExcelReader, names: list[str]) -> str | None:
    return _remembered(path, "table-sheet", None, lambda: _first_sheet_with_table(reader, names))


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
    Each column is first scanned for the markers (a fast substring search) and rewritten only when
    it has them: most columns of a big file have neither.
    """
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not texts:
        return frame
    # One pass over all columns at once (polars runs the columns in parallel), two flags per column.
    found = frame.select(
        [pl.col(c).str.starts_with("1899-12-3").any().alias(f"t{i}") for i, c in enumerate(texts)]
        + [pl.col(c).str.contains("_x00", literal=True).any().alias(f"x{i}") for i, c in enumerate(texts)]
    ).row(0, named=True)
    fixes = []
    for i, name in enumerate(texts):
        expr = pl.col(name)
        if found[f"t{i}"]:
            expr = expr.str.replace(r"^1899-12-3[01] (\d\d:\d\d:\d\d)$", "$1")
        if found[f"x{i}"]:
            expr = (
                expr.str.replace_all("_x001[fF]_", "\x1f")
                .str.replace_all("_x000[dD]_", "\r")
                .str.replace_all("_x0009_", "\t")
            )
        if found[f"t{i}"] or found[f"x{i}"]:
            fixes.append(expr)
    return frame.with_columns(fixes) if fixes else frame


def _strip_headers(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({c: c.strip() for c in frame.columns})


def _drop_blank_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """Keep the original row positions: blank rows are removed, but row numbers come from ``_row``."""
    frame = frame.with_row_index("_row")
    cells = [c for c in frame.columns if c != "_row"]
    if not cells:
        return frame
    # A cell counts when it has a non-space character. Column by column, only the rows still blank
    # so far are looked at: in a real file the first column rules out nearly every row.
    candidates = frame.select("_row", *cells)
    for c in cells:
        candidates = candidates.filter(~pl.col(c).str.contains(r"\S").fill_null(False))
        if candidates.height == 0:
            return frame
    return frame.filter(~pl.col("_row").is_in(candidates["_row"].implode()))
