"""Hostile and careless input files, built on demand in a folder (never committed).

Shared by the limit tests (``tests/ingest/test_limits.py``), the memory-ceiling test
(``tests/ingest/test_memory.py``) and the memory bench (``bench/memory.py``), so every one of them
measures the same files. The spreadsheets are real xlsx archives whose sheet XML is rewritten to place
a cell far away or to carry huge text, as a careless export or a hostile upload would. The issue-15
sizes (a 1.5 GB shared-string bomb, a 200 MB cell) are written in blocks, so building them takes
seconds and little memory.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from openpyxl import Workbook

from lifeline.ingest import limits
from tests.ingest.test_hxl import HEADER, ROWS, TAGS

SHEET = "xl/worksheets/sheet1.xml"
SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
SHEET_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData>'
    "</worksheet>"
)
BLOCK = 1 << 20

Builder = Callable[[Path], Path]


def xlsx_with_sheet(
    path: Path, sheet_xml: str | Iterator[bytes], shared: bytes | Iterator[bytes] | None = None
) -> Path:
    """A valid workbook (openpyxl) whose first sheet's XML (and shared strings) are replaced.

    Either part may be an iterator of byte blocks, written as it comes (for members of gigabytes).
    """
    book = Workbook()
    book.active.append(["Date", "Qty"])  # type: ignore[union-attr]
    source = path.with_suffix(".base.xlsx")
    book.save(source)
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in src.infolist():
            if item.filename == SHEET:
                _write_member(out, SHEET, sheet_xml)
            elif item.filename != "xl/sharedStrings.xml" or shared is None:
                out.writestr(item, src.read(item))
        if shared is not None:
            _write_member(out, "xl/sharedStrings.xml", shared)
    source.unlink()
    return path


def _write_member(out: zipfile.ZipFile, name: str, content: str | bytes | Iterator[bytes]) -> None:
    if isinstance(content, str | bytes):
        out.writestr(name, content)
        return
    with out.open(name, "w", force_zip64=True) as fh:
        for block in content:
            fh.write(block)


def _repeated(head: bytes, unit: bytes, total: int, tail: bytes) -> Iterator[bytes]:
    """``head``, then ``unit`` repeated to at least ``total`` bytes (in blocks of about 1 MB), then ``tail``."""
    yield head
    block = unit * max(1, BLOCK // len(unit))
    for _ in range(-(-total // len(block))):
        yield block
    yield tail


def far_cell(reference: str) -> Builder:
    """One cell at ``reference`` (XFD1048576: the reader would ask for a 512 GB grid)."""

    def make(folder: Path) -> Path:
        row = "".join(ch for ch in reference if ch.isdigit())
        xml = SHEET_XML.format(
            rows=f'<row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c></row>'
            f'<row r="{row}"><c r="{reference}"><v>1</v></c></row>'
        )
        return xlsx_with_sheet(folder / f"far-{reference}.xlsx", xml)

    return make


def _sheet_of_shared_cell() -> str:
    return SHEET_XML.format(rows='<row r="1"><c r="A1" t="s"><v>0</v></c></row>')


def shared_strings(total_bytes: int, name: str = "shared.xlsx") -> Builder:
    """Shared strings of 1,000 characters each (each within the cell limit), ``total_bytes`` in all."""

    def make(folder: Path) -> Path:
        one = b"<si><t>" + b"x" * 1000 + b"</t></si>"
        parts = _repeated(SST, one, total_bytes, b"</sst>")
        return xlsx_with_sheet(folder / name, _sheet_of_shared_cell(), parts)

    return make


def huge_shared_string(folder: Path) -> Path:
    """Just beyond the shared-text limit (the limit test's size: quick to build)."""
    one = len(b"<si><t>" + b"x" * 1000 + b"</t></si>")
    return shared_strings((limits.MAX_SHARED_STRINGS_BYTES // one + 1000) * one)(folder)


def one_huge_shared_string(folder: Path) -> Path:
    """One 16 MB string: refused by the cell limit while the archive is read."""
    shared = SST + b"<si><t>" + b"x" * (16 * 2**20) + b"</t></si></sst>"
    return xlsx_with_sheet(folder / "one-shared.xlsx", _sheet_of_shared_cell(), shared)


def long_cell_in_sheet(chars: int = limits.MAX_CELL_CHARS * 4 + 10, name: str = "long-cell.xlsx") -> Builder:
    """An inline string of ``chars`` characters in the sheet itself (beyond the limit in any encoding)."""

    def make(folder: Path) -> Path:
        head = SHEET_XML.split("{rows}")[0].encode() + b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
        tail = b"</t></is></c></row>" + SHEET_XML.split("{rows}")[1].encode()
        return xlsx_with_sheet(folder / name, _repeated(head, b"y" * 1024, chars, tail))

    return make


def long_field_csv(chars: int = 200_000, name: str = "long-field.csv") -> Builder:
    """An HXL CSV whose first data row has one field of ``chars`` characters, written in blocks."""

    def make(folder: Path) -> Path:
        path = folder / name
        with path.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(HEADER)
            out.writerow(TAGS)
            row = [str(cell) for cell in ROWS[0]]
            fh.write(",".join(row[:3]) + ",")
            block = "z" * BLOCK
            for _ in range(chars // BLOCK):
                fh.write(block)
            fh.write("z" * (chars % BLOCK) + "," + ",".join(row[4:]) + "\n")
        return path

    return make


def quoted_field_over_lines(total: int, name: str = "quoted-field.csv") -> Builder:
    """An HXL CSV with one quoted field of about ``total`` bytes in lines of 512 KB (each under the line limit)."""

    def make(folder: Path) -> Path:
        path = folder / name
        row = [str(cell) for cell in ROWS[0]]
        with path.open("w", encoding="utf-8") as fh:
            fh.write(",".join(HEADER) + "\n" + ",".join(TAGS) + "\n" + ",".join(row[:3]) + ',"')
            line = "q" * (512 * 1024 - 1) + "\n"
            for _ in range(-(-total // len(line))):
                fh.write(line)
            fh.write('",' + ",".join(row[4:]) + "\n")
        return path

    return make


def text_file(name: str, content: str) -> Builder:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_text(content, encoding="utf-8")
        return path

    return make


def hxl_json(body: str) -> str:
    """An HXL JSON table (header row, hashtag row) whose data rows are ``body``."""
    return f"[{HEADER[:5]!r}, {TAGS[:5]!r}, {body}]".replace("'", '"')


def json_bad_byte_late(folder: Path) -> Path:
    path = folder / "late-byte.json"
    rows = ", ".join('["2024-05-01", "Rafah", "Food", "Flour", 3]' for _ in range(400))  # past the 8 KB sniff
    path.write_bytes(hxl_json(rows).encode()[:-1] + b', ["\x80"]]')
    return path


def damaged_deflate(folder: Path) -> Path:
    """A workbook whose sheet's compressed bytes are overwritten (found by fuzzing: a zlib error escaped)."""
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 2000))
    path = xlsx_with_sheet(folder / "damaged.xlsx", SHEET_XML.format(rows=rows))
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SHEET)
    raw = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 40
    raw[start : start + 8] = b"~o\xbcN\xb9\xb3\x8bb"
    path.write_bytes(bytes(raw))
    return path


DEEP_JSON = text_file("deep.json", hxl_json("[" * 10_000 + "]" * 10_000))
LONG_INTEGER = text_file("digits.json", hxl_json('["2024-05-01", "Rafah", "Food", "Flour", ' + "9" * 5000 + "]"))

# The refusals of issue 15 at the sizes it found them: name -> (builder, what the one line says).
ISSUE_SIZES: dict[str, tuple[Builder, str]] = {
    "xlsx: one cell at XFD1048576": (far_cell("XFD1048576"), "cells"),
    "xlsx: one cell at ZZ200000": (far_cell("ZZ200000"), "cells"),
    "xlsx: shared strings inflating to 1.5 GB": (shared_strings(1536 * 2**20, "shared-bomb.xlsx"), "shared text"),
    "xlsx: one 200 MB cell": (long_cell_in_sheet(200 * 2**20, "cell-200mb.xlsx"), "characters"),
    "json: nested 10,000 deep": (DEEP_JSON, "nested 10,001 levels"),
    "json: an integer of 5,000 digits": (LONG_INTEGER, "5,000 digits"),
    "csv: a 200,000-character field": (long_field_csv(), "200,000 characters"),
    "csv: one 200 MB field": (long_field_csv(200 * 2**20, "field-200mb.csv"), "a line is longer than 1 MB"),
    "csv: one quoted 200 MB field over 400 lines": (quoted_field_over_lines(200 * 2**20), "quoted field runs on"),
}
