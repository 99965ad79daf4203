"""The size limits every input file is held to, named once (documented in docs/importers.md, "Limits").

They bound the memory and time of one import: with them, a file of the real lists' size class
(the 1M-row HXL bench file is 69 MB) stays under ``MEMORY_CEILING_MB``. Each limit is several times
what the real lists need (figures beside each), and a file beyond one is refused with one line
before any reader allocates for it.
"""

from __future__ import annotations

# Peak resident memory of one `lifeline import` process (decimal MB, bench/memory.py; docs/importers.md "Memory").
MEMORY_CEILING_MB = 1000  # any file within the limits; measured at most 637 MB (500k-row HXL JSON, 48 MB)
REFUSAL_CEILING_MB = 300  # any file beyond a limit, refused; measured at most 167 MB (issue 15's files)

# Any file
MAX_FILE_BYTES = 128 * 1024 * 1024  # largest real list 9.9 MB; the 1M-row bench file 69 MB

# Spreadsheets (xlsx / xlsm), checked on the zip archive before the reader opens it
MAX_XLSX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024  # all members inflated; UNRWA xlsx 33 MB
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024  # xl/sharedStrings.xml inflated; UNRWA 0.1 MB
MAX_XLSX_MEMBERS = 1000  # files inside the archive; UNRWA 12
MAX_SHEET_CELLS = 5_000_000  # rows x columns the reader lays out for one sheet; UNRWA 37,374 x 26 = 1.0 M
MAX_SHEET_ROWS = 1_048_576  # Excel's own row limit
MAX_SHEET_COLUMNS = 16_384  # Excel's own column limit (XFD)

# Cells (every kind)
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell; the longest real cell is under 2,000
MAX_CSV_LINE_BYTES = 1024 * 1024  # one physical line of a CSV file; the longest real line is 1,339 bytes (IDMC)

# JSON
MAX_JSON_BYTES = 64 * 1024 * 1024  # gazamaps 0.1 MB
MAX_JSON_DEPTH = 32  # an HXL or gazamaps JSON is an array of arrays or objects: depth 2 or 3
MAX_INTEGER_DIGITS = 30  # digits of one JSON integer; no real figure has more than 9 (Python refuses over 4,300)
