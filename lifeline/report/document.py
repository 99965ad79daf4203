"""The sitrep as a document: its sections, tables, charts and numbered references, filled by
:mod:`lifeline.report.build` (and :mod:`lifeline.report.freshness`) and laid out by :mod:`lifeline.report.render`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


class Citations:
    """Numbered references, one per distinct (publisher, title, url)."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self._index: dict[tuple[Any, ...], int] = {}

    def add(self, src: dict[str, Any]) -> int:
        key = (src.get("publisher"), src.get("title"), src.get("url"))
        if key not in self._index:
            self.items.append(src)
            self._index[key] = len(self.items)
        return self._index[key]

    def many(self, srcs: Iterable[dict[str, Any]]) -> list[int]:
        return sorted({self.add(s) for s in srcs})


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]
    refs: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    narrow: bool = False  # few short columns: laid out beside the next narrow table
    # columns quoted as written (codes, an assumption's English source): marked translate="no" in the HTML
    data_columns: tuple[int, ...] = ()


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    # (caption, SVG, legend): captions and legends are HTML text (so Arabic is shaped and laid out right to left);
    # the SVG built by lifeline.report.svg holds only numbers, dates, codes and units, its labels escaped there.
    charts: list[tuple[str, str, list[tuple[str, str, str]]]] = field(default_factory=list)
    chart_refs: list[int] = field(default_factory=list)
    chart_notes: list[str] = field(default_factory=list)  # partial periods drawn (lifeline.report.periods)
    tables: list[Table] = field(default_factory=list)
    empty: str = ""

    def table_rows(self) -> list[list[Table]]:
        """The tables in reading order, two consecutive narrow ones side by side."""
        out: list[list[Table]] = []
        for tb in self.tables:
            if tb.narrow and out and len(out[-1]) == 1 and out[-1][0].narrow:
                out[-1].append(tb)
            else:
                out.append([tb])
        return out


@dataclass
class Report:
    lang: str
    title: str
    date_from: date
    date_to: date
    area: str
    generated: str
    key_figures: list[dict[str, Any]]
    sections: list[Section]
    appendix: Section
    references: list[dict[str, Any]]
    labels: dict[str, str]
    as_of: str = ""  # the moment the figures were answered as of (lifeline.store.as_of), if any
    flags: list[str] = field(default_factory=list)  # shown above the key figures: as-of, overdue sources
    # Page 1: the Overview's key figures (lifeline.model.key_figures) and the template bullets built on them.
    strip: list[Any] = field(default_factory=list)
    bullets: list[dict[str, Any]] = field(default_factory=list)
    map_svg: str = ""
    map_caption: str = ""
    map_names: list[str] = field(default_factory=list)  # the numbered map's key (Arabic: no words in the SVG)

    @property
    def direction(self) -> str:
        return "rtl" if self.lang == "ar" else "ltr"
