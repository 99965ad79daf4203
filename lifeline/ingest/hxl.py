"""HXL-tagged CSV, XLSX and JSON files: deliveries, observations or locations, decided per file by its hashtags.

The general case, so it is detected last. The hashtags accepted are listed in ``docs/hxl.md``; tag
patterns are matched with libhxl (``hxl.model.TagPattern``) once per file, then every column is
processed with polars. A hashtag row that matches nothing Lifeline reads is refused in one line that
names the row, the tags found and what was expected.
"""

from __future__ import annotations

from pathlib import Path

from lifeline.assumptions import AssumptionSet
from lifeline.errors import BadFile
from lifeline.ingest import hxl_deliveries, hxl_locations, hxl_observations
from lifeline.ingest.base import Parsed
from lifeline.ingest.hxl_read import HxlRaw, header_cells, looks_like_hxl, no_tag_row, read_hxl
from lifeline.ingest.hxl_tags import Columns
from lifeline.ingest.tables import RawTable

KIND = "hxl"
TARGET = "deliveries"  # the usual case; each file's own target is decided from its hashtags (Parsed.target)


def detect(path: Path) -> bool:
    """A hashtag row in the first rows (CSV, XLSX) or hashtag keys (JSON)."""
    return looks_like_hxl(path)


def refusal(path: Path) -> BadFile:
    """Why a file given as ``--kind hxl`` is not one: its hashtag row is missing (with one for its columns)."""
    return no_tag_row(path, header_cells(path))


def read(path: Path) -> HxlRaw:
    return read_hxl(path)


def target_of(columns: Columns) -> str | None:
    """deliveries, observations or locations (in that order), or None when the tags fit none of them."""
    if hxl_deliveries.is_deliveries(columns):
        return "deliveries"
    if hxl_observations.is_observations(columns):
        return "observations"
    if hxl_locations.is_locations(columns):
        return "locations"
    return None


def normalise(raw: RawTable, rules: AssumptionSet, path: Path) -> Parsed:
    assert isinstance(raw, HxlRaw), "the HXL importer normalises what its own read() returned"
    columns = Columns.of(raw)
    target = target_of(columns)
    if target == "deliveries":
        return hxl_deliveries.normalise(raw, columns, rules, path)
    if target == "observations":
        return hxl_observations.normalise(raw, columns, rules, path)
    if target == "locations":
        return hxl_locations.normalise(raw, columns, rules, path)
    raise unknown_tags(columns, path, raw.tag_row or 1)


def unknown_tags(columns: Columns, path: Path, row: int) -> BadFile:
    """The one-line refusal for a hashtag row that matches no kind of file Lifeline knows."""
    return BadFile(
        f"the hashtags ({columns.found() or 'none'}) match nothing Lifeline reads; expected deliveries "
        "(#date with #item+name / #loc+crossing+name / #indicator+num+quantity ...), observations "
        "(#indicator+num, #population, #affected+idps, #status ... with #date) or locations "
        "(#loc+code, #loc+type, #loc+name) - see docs/hxl.md",
        file=str(path),
        row=row,
    )
