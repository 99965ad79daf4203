"""Study A's parameter workbook (``gaza_food_data.xlsx`` of its replication repository), read as published.

Both versions are accepted: medRxiv v1 (``truck_kg`` in kg, ``pallet_kg`` in the general sheet)
and the journal revision (``kg_truck`` = 17, a ``kg_pallet`` sheet). A missing sheet or column is a
:class:`~lifeline.errors.BadFile` naming it; nothing from the workbook is copied into Lifeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl

from lifeline.errors import BadFile

Row = dict[str, Any]
_Date = date


def _date(value: Any, file: str, sheet: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(str(value).strip(), "%d%b%Y").date()
    except ValueError:
        raise BadFile(f"sheet {sheet!r}: expected a date, found {value!r}", file=file) from None


@dataclass
class Workbook:
    """The sheets Study A uses, as rows keyed by their (trimmed) header."""

    path: str
    sheets: dict[str, list[Row]]

    def rows(self, sheet: str, *required: str) -> list[Row]:
        if sheet not in self.sheets:
            raise BadFile(f"sheet {sheet!r} is missing; expected Study A's gaza_food_data.xlsx", file=self.path)
        rows = self.sheets[sheet]
        for col in required:
            if rows and col not in rows[0]:
                raise BadFile(f"sheet {sheet!r} has no column {col!r}", file=self.path, column=col)
        return rows

    def general(self, name: str) -> Any:
        for r in self.rows("general", "parameter", "value"):
            if r["parameter"] == name:
                return r["value"]
        raise BadFile(f"sheet 'general' has no parameter {name!r}", file=self.path)

    def has_general(self, name: str) -> bool:
        return any(r["parameter"] == name for r in self.rows("general", "parameter", "value"))

    def date(self, name: str) -> date:
        return _date(self.general(name), self.path, "general")

    @property
    def version(self) -> str:
        """'v1' (truck_kg in kg) or 'journal' (kg_truck, read as kg by the published code)."""
        return "journal" if self.has_general("kg_truck") else "v1"

    @property
    def kg_per_truck_row(self) -> float:
        """The workbook's kg per 'Truck' row as written (17 in the journal workbook: tonnes meant)."""
        return float(self.general("kg_truck") if self.version == "journal" else self.general("truck_kg"))

    @property
    def kg_per_pallet(self) -> float:
        if self.has_general("pallet_kg"):
            return float(self.general("pallet_kg"))
        for r in self.rows("kg_pallet", "agency", "analysis", "kg_pallet"):
            if r["agency"] == "other" and r["analysis"] == "main":
                return float(r["kg_pallet"])
        raise BadFile(
            "no kg per pallet: neither general.pallet_kg nor kg_pallet agency=other, analysis=main", file=self.path
        )

    def dated(self, sheet: str, column: str) -> list[_Date]:
        return [_date(r[column], self.path, sheet) for r in self.rows(sheet, column)]

    def numbers(self, sheet: str, column: str) -> np.ndarray:
        rows = self.rows(sheet, column)
        try:
            return np.array([float(r[column]) if r[column] is not None else np.nan for r in rows])
        except (TypeError, ValueError):
            raise BadFile(
                f"sheet {sheet!r}: column {column!r} must be numbers", file=self.path, column=column
            ) from None


def read_workbook(path: str | Path) -> Workbook:
    """Every sheet as rows; blank rows (all cells empty) are dropped."""
    p = Path(path)
    if not p.exists():
        raise BadFile("no such file (pass Study A's gaza_food_data.xlsx with --workbook)", file=str(p))
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise BadFile(f"not a readable xlsx workbook ({type(exc).__name__})", file=str(p)) from None
    sheets: dict[str, list[Row]] = {}
    for ws in wb.worksheets:
        values = list(ws.iter_rows(values_only=True))
        if not values:
            continue
        header = [str(h).strip() if h is not None else f"col{i}" for i, h in enumerate(values[0])]
        rows = []
        for v in values[1:]:
            if all(x is None for x in v):
                continue
            rows.append({h: (x.strip() if isinstance(x, str) else x) for h, x in zip(header, v, strict=False)})
        sheets[ws.title] = rows
    wb.close()
    return Workbook(path=str(p), sheets=sheets)
