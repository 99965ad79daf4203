"""Resolve HXL tag patterns to column positions once per file, with libhxl's own matching rules.

``TagPattern.match`` is called once per (pattern, column) pair, never per cell: after this step the
importer works on whole polars columns, which is what keeps a million-row file fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import hxl.model
import polars as pl

from lifeline.ingest.hxl_read import HxlRaw, parse_column


@dataclass
class Columns:
    """The parsed hashtag of every column of one file, and the lookups the importers need."""

    parsed: list[hxl.model.Column | None]
    headers: list[str]
    used: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, raw: HxlRaw) -> Columns:
        headers = raw.headers + [""] * (len(raw.tags) - len(raw.headers))
        return cls([parse_column(t, h) for t, h in zip(raw.tags, headers, strict=False)], headers)

    def find(self, *patterns: str) -> int | None:
        """Position of the first column (left to right) matching the first pattern that matches any column."""
        for spec in patterns:
            pattern = hxl.model.TagPattern.parse(spec)
            for index, column in enumerate(self.parsed):
                if column is not None and pattern.match(column):
                    return index
        return None

    def find_all(self, spec: str) -> list[int]:
        pattern = hxl.model.TagPattern.parse(spec)
        return [i for i, c in enumerate(self.parsed) if c is not None and pattern.match(c)]

    def take(self, *patterns: str) -> int | None:
        """Like :meth:`find`, and mark the column as modelled (it will not go to ``extra``)."""
        index = self.find(*patterns)
        if index is not None:
            self.used.add(index)
        return index

    def matches(self, index: int, patterns: tuple[str, ...]) -> bool:
        """Whether column ``index`` matches any of the patterns."""
        column = self.parsed[index]
        return column is not None and any(hxl.model.TagPattern.parse(p).match(column) for p in patterns)

    def has(self, *patterns: str) -> bool:
        return self.find(*patterns) is not None

    def tag(self, index: int) -> str:
        column = self.parsed[index]
        return column.get_display_tag(sort_attributes=True) if column is not None else ""

    def label(self, index: int) -> str:
        """How a column is named in messages: its hashtag, and its header when there is one."""
        tag = self.tag(index)
        header = self.headers[index] if index < len(self.headers) else ""
        return f"{header} ({tag})" if header and tag else (tag or header or f"column {index + 1}")

    def attributes(self, index: int) -> set[str]:
        column = self.parsed[index]
        return set(column.attributes) if column is not None else set()

    def found(self) -> str:
        tags = [self.tag(i) for i, c in enumerate(self.parsed) if c is not None]
        return ", ".join(tags[:12]) + (", ..." if len(tags) > 12 else "")


def cell(columns: Columns, index: int | None) -> pl.Expr:
    """The text cells of a column (trimmed, empty -> null by ``hxl_read.tidy``), or nulls when the file lacks it."""
    if index is None:
        return pl.lit(None, dtype=pl.String)
    return pl.col(f"c{index}")
