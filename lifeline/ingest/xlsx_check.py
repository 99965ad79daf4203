"""Check an xlsx archive against the limits before the spreadsheet reader sees it.

The reader lays a sheet out as a dense grid from its first to its last cell: one cell at XFD1048576
asks for 512 GB and aborts the process (no exception to catch), one at ZZ200000 takes 7 GB, and a
shared string that inflates to 1.5 GB is read whole. So the archive is read here first, member by
member, inflating in blocks and counting what actually comes out (a member's declared size can
lie), and each sheet's cell positions are found by pattern, not by an XML parser (no entity
expansion, no tree in memory). Anything beyond ``ingest.limits`` is refused with one line.

Formula cells that carry no cached value (a workbook written by a program, never opened in Excel)
would read as empty: their rows are handed back so the import can flag them.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lifeline.errors import BadFile
from lifeline.ingest import limits

BLOCK = 1 << 20
_CELL_COLUMN = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,8})[0-9]')
_WIDE_CELL = re.compile(rb'<c r="([A-Z]{2,8})[0-9]')
_CELL_ROW = re.compile(rb'<c\s[^>]*?\br="[A-Z]{1,8}([0-9]{1,12})"')
_ROW_REF = re.compile(rb'<row\s[^>]*?\br="([0-9]{1,12})"')
_DIMENSION = re.compile(rb'<dimension\s[^>]*?\bref="([A-Z]{0,8})([0-9]{0,12})(?::([A-Z]{1,8})([0-9]{1,12}))?"')
_MERGED = re.compile(rb'<mergeCell ref="([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')
_UNCACHED_FORMULA = re.compile(
    rb'<c\s[^>]*?\br="[A-Z]{1,8}([0-9]{1,12})"[^>]*>\s*<f(?:\s[^>]*)?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v></v>)?\s*</c>'
)
_LONG_TEXT = re.compile(rb">[^<]{%d,}" % (limits.MAX_CELL_CHARS * 4 + 1))  # 4 bytes: the longest UTF-8 character
_SHEET_ENTRY = re.compile(rb'<sheet\s[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_SHEET_ENTRY_REVERSED = re.compile(rb'<sheet\s[^>]*?\br:id="([^"]*)"[^>]*?\bname="([^"]*)"')
_RELATION = re.compile(rb'<Relationship\s[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_RELATION_REVERSED = re.compile(rb'<Relationship\s[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')


@dataclass
class WorkbookFacts:
    """What the check learnt: per sheet name, the rows holding a formula with no cached value."""

    uncached_formula_rows: dict[str, set[int]] = field(default_factory=dict)
    # per sheet name, its merged cell ranges as (first row, first column, last row, last column), 1-based
    merged: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)


def column_number(letters: bytes) -> int:
    """'A' -> 1, 'Z' -> 26, 'AA' -> 27, 'XFD' -> 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


@dataclass
class _Sheet:
    max_row: int = 0
    max_column: int = 0
    cells: int = 0
    rows: int = 0
    unpositioned: int = 0  # cells without an r="A1" reference: placed one after another
    uncached: set[int] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    dimension_seen: bool = False
    inexact: bool = False  # positions bounded, not found: scan again exactly before refusing

    def scan(self, text: bytes, exact: bool = False) -> None:
        """Count cells and bound their positions in one block of sheet XML.

        Excel, LibreOffice and openpyxl write ``<c r="A1" ...>`` with the reference first; then two
        cheap patterns find only the cells beyond column Z or with more digits than the last row
        number, and the bound is 10^digits - 1 rows. Any other layout (or ``exact``) finds every
        cell's position, which costs about twice as much.
        """
        if not self.dimension_seen and (found := _DIMENSION.search(text)):
            self.dimension_seen = True
            if found.group(3):  # the reader may size its grid from the declared range
                self.max_row = max(self.max_row, int(found.group(4)))
                self.max_column = max(self.max_column, column_number(found.group(3)))
        cells = text.count(b"<c ") + text.count(b"<c>")
        self.cells += cells
        self.rows += text.count(b"<row ") + text.count(b"<row>")
        last_row = max((int(r) for r in set(_ROW_REF.findall(text))), default=0)
        self.max_row = max(self.max_row, last_row)
        if b"<f" in text:
            self.uncached.update(int(r) for r in _UNCACHED_FORMULA.findall(text))
        if b"<mergeCell " in text:
            self.merged += [(int(r1), column_number(c1), int(r2), column_number(c2))
                            for c1, r1, c2, r2 in _MERGED.findall(text)]
        if not cells:
            return
        if not exact and text.count(b'<c r="') == cells:
            wide = set(_WIDE_CELL.findall(text))
            self.max_column = max(self.max_column, max((column_number(c) for c in wide), default=26))
            digits = len(str(last_row))
            deep = re.findall(rb'<c r="[A-Z]{1,8}([0-9]{%d,12})"' % (digits + 1), text)
            self.max_row = max(self.max_row, max((int(r) for r in set(deep)), default=10**digits - 1))
            self.inexact = True
            return
        columns = _CELL_COLUMN.findall(text)
        self.unpositioned += max(0, cells - len(columns))
        if columns:
            self.max_column = max(self.max_column, max(column_number(c) for c in set(columns)))
            self.max_row = max(self.max_row, max(int(r) for r in set(_CELL_ROW.findall(text))))

    def grid(self) -> tuple[int, int]:
        """(rows, columns) of the grid the reader would lay out (an upper bound)."""
        columns = self.max_column + self.unpositioned  # unpositioned cells may all fall in one row
        return max(self.max_row, self.rows), columns


def check_xlsx(path: Path) -> WorkbookFacts:
    """Refuse an archive beyond the limits; otherwise what the reader should know about its cells."""
    name = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BadFile("not a readable spreadsheet (not an .xlsx archive, or truncated)", file=name) from None
    with archive:
        members = archive.infolist()
        if len(members) > limits.MAX_XLSX_MEMBERS:
            raise BadFile(
                f"the archive holds {len(members):,} files; a workbook has far fewer "
                f"(limit {limits.MAX_XLSX_MEMBERS:,})",
                file=name,
            )
        sheets: dict[str, _Sheet] = {}
        small: dict[str, bytes] = {}
        total = 0
        for member in members:
            is_sheet = member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
            total = _read_member(
                archive, member, name, total, sheets.setdefault(member.filename, _Sheet()) if is_sheet else None, small
            )
        for member_name, sheet in sheets.items():
            if sheet.inexact and not _within(sheet):
                exact = _Sheet()
                _read_member(archive, archive.getinfo(member_name), name, 0, exact, {}, exact=True)
                sheets[member_name] = sheet = exact
            _check_sheet(name, member_name, sheet)
    names = _sheet_names(small)
    return WorkbookFacts(
        uncached_formula_rows={names.get(m, m): s.uncached for m, s in sheets.items() if s.uncached},
        merged={names.get(m, m): s.merged for m, s in sheets.items() if s.merged},
    )


def _read_member(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    name: str,
    total: int,
    sheet: _Sheet | None,
    small: dict[str, bytes],
    exact: bool = False,
) -> int:
    """Inflate one member in blocks, counting real bytes; scan sheets; keep the workbook's small index files."""
    shared = member.filename == "xl/sharedStrings.xml"
    keep = member.filename in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
    size = 0
    carry = b""
    kept: list[bytes] = []
    try:
        with archive.open(member) as fh:
            while block := fh.read(BLOCK):
                size += len(block)
                total += len(block)
                if total > limits.MAX_XLSX_UNCOMPRESSED_BYTES:
                    raise BadFile(
                        f"the workbook inflates to more than {limits.MAX_XLSX_UNCOMPRESSED_BYTES // 2**20} MB "
                        f"(at {member.filename}); save a smaller workbook or export the sheet as CSV",
                        file=name,
                    )
                if shared and size > limits.MAX_SHARED_STRINGS_BYTES:
                    raise BadFile(
                        "the workbook's shared text inflates to more than "
                        f"{limits.MAX_SHARED_STRINGS_BYTES // 2**20} MB; "
                        "export the sheet as CSV",
                        file=name,
                    )
                if keep:
                    kept.append(block)
                if sheet is None and not shared:
                    continue
                text = carry + block
                cut = text.rfind(b"<")
                if cut <= 0:  # no tag start in the block: one text node runs on
                    carry = text
                    _check_text_run(carry, name, member.filename)
                    continue
                scanned, carry = text[:cut], text[cut:]
                if _LONG_TEXT.search(scanned):
                    _too_long(name, member.filename)
                if sheet is not None:
                    sheet.scan(scanned, exact)
            if sheet is not None and carry:
                sheet.scan(carry, exact)
    except (zipfile.BadZipFile, zlib.error) as exc:  # a CRC mismatch or bad deflate data: the member is damaged
        raise BadFile(f"the workbook is damaged ({member.filename}: {exc})", file=name) from None
    except (OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise BadFile(f"not a readable spreadsheet ({member.filename}: {type(exc).__name__})", file=name) from None
    if keep:
        small[member.filename] = b"".join(kept)
    return total


def _check_text_run(carry: bytes, name: str, member: str) -> None:
    if len(carry) > limits.MAX_CELL_CHARS * 4 and _LONG_TEXT.search(b">" + carry[carry.rfind(b">") + 1 :]):
        _too_long(name, member)


def _too_long(name: str, member: str) -> None:
    raise BadFile(
        f"a cell holds more than {limits.MAX_CELL_CHARS:,} characters (Excel's own limit per cell) in {member}",
        file=name,
    )


def _within(sheet: _Sheet) -> bool:
    rows, columns = sheet.grid()
    return (
        rows <= limits.MAX_SHEET_ROWS
        and columns <= limits.MAX_SHEET_COLUMNS
        and rows * columns <= limits.MAX_SHEET_CELLS
    )


def _check_sheet(name: str, member: str, sheet: _Sheet) -> None:
    rows, columns = sheet.grid()
    label = member.rsplit("/", 1)[-1]
    if rows > limits.MAX_SHEET_ROWS or columns > limits.MAX_SHEET_COLUMNS:
        raise BadFile(
            f"{label} places a cell beyond Excel's grid (row {rows:,}, column {columns:,}; at most "
            f"{limits.MAX_SHEET_ROWS:,} rows and {limits.MAX_SHEET_COLUMNS:,} columns)",
            file=name,
        )
    if rows * columns > limits.MAX_SHEET_CELLS:
        raise BadFile(
            f"{label} spans {rows:,} rows x {columns:,} columns = {rows * columns:,} cells (limit "
            f"{limits.MAX_SHEET_CELLS:,}); a cell far from the table, or a sheet too large: export it as CSV",
            file=name,
        )


def _sheet_names(small: dict[str, bytes]) -> dict[str, str]:
    """Sheet member path -> sheet name, from xl/workbook.xml and its relationships (by pattern)."""
    book = small.get("xl/workbook.xml", b"")
    rels = small.get("xl/_rels/workbook.xml.rels", b"")
    ids = dict(_SHEET_ENTRY.findall(book)) or {n: i for i, n in _SHEET_ENTRY_REVERSED.findall(book)}
    targets = dict(_RELATION.findall(rels)) or {i: t for t, i in _RELATION_REVERSED.findall(rels)}
    out: dict[str, str] = {}
    for sheet_name, rid in ids.items():
        target = targets.get(rid)
        if target:
            path = target.decode().lstrip("/")
            path = path if path.startswith("xl/") else f"xl/{path}"
            out[path] = sheet_name.decode("utf-8", errors="replace")
    return out
