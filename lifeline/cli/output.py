"""Print a :class:`ResultTable` in the format asked for: a plain table fitted to the terminal for
people (:mod:`lifeline.cli.tables`), CSV / JSON / HXL text, or an XLSX workbook's bytes.

``console`` and ``err`` (Rich consoles, for the commands that print progress or styled lines) are
created on first use, so a command that prints only a table never imports Rich.
"""

from __future__ import annotations

import shutil
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from lifeline.cli.tables import render_table
from lifeline.errors import UserError
from lifeline.formats import ResultTable, render

if TYPE_CHECKING:
    from rich.console import Console

    console: Console
    err: Console


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    hxl = "hxl"
    xlsx = "xlsx"


def terminal_width() -> int:
    """The width to fit: ``COLUMNS`` if set, else the terminal's, else 80 (a pipe or a file)."""
    return max(shutil.get_terminal_size(fallback=(80, 24)).columns, 40)


def emit(result: ResultTable, fmt: Format | str) -> None:
    fmt = fmt.value if isinstance(fmt, Format) else fmt
    if fmt == "xlsx":
        if sys.stdout.isatty():
            raise UserError("--format xlsx writes a workbook: redirect it to a file (… --format xlsx > table.xlsx)")
        from lifeline.formats.xlsx import to_xlsx

        sys.stdout.flush()
        sys.stdout.buffer.write(to_xlsx(result))
        return
    if fmt != "table":
        sys.stdout.write(render(result, fmt))
        if fmt == "json":
            sys.stdout.write("\n")
        return
    sys.stdout.write(render_table(result, terminal_width()))


def __getattr__(name: str) -> Any:
    if name in ("console", "err"):
        from rich.console import Console

        value = Console(stderr=name == "err")
        globals()[name] = value
        return value
    raise AttributeError(name)
