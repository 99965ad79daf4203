"""A question's answer as plain rows with typed, HXL-tagged columns and the sources behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    """A column: its key in each row, its HXL hashtag, a human label, and (when a source measures
    finer than :mod:`lifeline.formats.precision` assumes for its unit) the decimals worth showing."""

    key: str
    hxl: str
    label: str = ""
    decimals: int | None = None

    @property
    def title(self) -> str:
        return self.label or self.key.replace("_", " ")


@dataclass
class ResultTable:
    """Rows answering one question; ``sources`` cite every figure; ``notes`` explain caveats."""

    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    sources: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    query: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "query": self.query,
            "columns": [{"key": c.key, "hxl": c.hxl, "label": c.title} for c in self.columns],
            "rows": self.rows,
            "sources": self.sources,
            "notes": self.notes,
        }
