"""Writing small test files row by row: a CSV (cells with a comma quoted) and a one-sheet workbook."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook


def csv_file(path: Path, rows: list[list[str]]) -> Path:
    def quoted(value: str) -> str:
        return f'"{value}"' if "," in value else value

    path.write_text("".join(",".join(quoted(v) for v in r) + "\n" for r in rows), encoding="utf-8")
    return path


def xlsx_file(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    for r in rows:
        book.active.append(r)  # type: ignore[union-attr]
    book.save(path)
    return path
