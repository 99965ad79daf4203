"""Print a :class:`ResultTable` in the format asked for: a Rich table for people, text for machines."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lifeline.formats import ResultTable, render
from lifeline.formats.writers import _cell


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    hxl = "hxl"


console = Console()
err = Console(stderr=True)


def emit(result: ResultTable, fmt: Format | str) -> None:
    fmt = fmt.value if isinstance(fmt, Format) else fmt
    if fmt != "table":
        sys.stdout.write(render(result, fmt))
        if fmt == "json":
            sys.stdout.write("\n")
        return
    table = Table(title=escape(result.title), title_justify="left")
    for col in result.columns:
        table.add_column(escape(col.title), overflow="fold")
    for row in result.rows:
        table.add_row(*[escape(_display(row.get(c.key))) for c in result.columns])
    console.print(table)
    for note in result.notes:
        console.print(f"[dim]note:[/dim] {escape(note)}", markup=True, highlight=False)
    for src in result.sources:
        console.print(f"[dim]source:[/dim] {escape(_citation(src))}", markup=True, highlight=False)


def _display(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if not value.is_integer() else f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}"
    return _cell(value)


def _citation(src: dict[str, Any]) -> str:
    parts = [src.get("publisher"), src.get("title"), src.get("url"), str(src.get("published") or "")]
    return ", ".join(p for p in parts if p)
