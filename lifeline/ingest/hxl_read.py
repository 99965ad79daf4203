"""Find the hashtag row of an HXL file (CSV, XLSX or JSON) and hand back its cells as text, by column position.

HXL puts one row of hashtags directly under the header row (or in its place). Everything below it
is data. Columns are named ``c0, c1, ...`` by position, because headers and even hashtags may repeat;
the tags and header texts travel alongside. Row numbers are the file's own (header row = 1).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import hxl.model
import polars as pl

from lifeline.errors import BadFile
from lifeline.ingest.tables import (
    RawTable,
    check_text,
    check_workbook,
    is_spreadsheet,
    load_json,
    open_workbook,
    read_csv,
    sniff,
)

TAG_ROW_SEARCH = 5  # the hashtag row is looked for in the first rows only (HXL puts it at row 1 or 2)
_DUPLICATE_SUFFIX = re.compile(r"_duplicated_\d+$")


@dataclass
class HxlRaw(RawTable):
    """The data rows of an HXL table: columns ``c<i>`` as text, ``_row`` = file row - ``first_row``."""

    tags: list[str] = field(default_factory=list)  # the hashtag cell of each column ("" when untagged)
    headers: list[str] = field(default_factory=list)  # the header text above it ("" when none)
    tag_row: int = 1  # file row of the hashtag row

    def column_label(self, column: str) -> str:
        if not column.startswith("c") or not column[1:].isdigit() or int(column[1:]) >= len(self.tags):
            return column
        i = int(column[1:])
        header = self.headers[i] if i < len(self.headers) else ""
        tag = self.tags[i]
        return f"{header} ({tag})" if header and tag else (tag or header or f"column {i + 1}")


def is_tag_row(cells: list[object]) -> bool:
    """True when every non-empty cell is a hashtag spec (``#tag +attr ...``) and there is at least one."""
    texts = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    return bool(texts) and all(t.startswith("#") and hxl.model.Column.parse(t) for t in texts)


def parse_column(tag: str, header: str = "") -> hxl.model.Column | None:
    """libhxl's reading of one hashtag cell (None when the cell is not a hashtag)."""
    if not tag.strip():
        return None
    column = hxl.model.Column.parse(tag.strip(), header=header or None)
    return column or None


# ---------------------------------------------------------------------------------------------- detection


def looks_like_hxl(path: Path) -> bool:
    """Cheap check on the first bytes (CSV, JSON) or first rows of each sheet (XLSX) for a hashtag row."""
    if is_spreadsheet(path):
        try:
            reader = open_workbook(path)
            for name in reader.sheet_names:
                probe = _sheet_grid(reader, name, TAG_ROW_SEARCH)
                if any(is_tag_row(list(row)) for row in probe.iter_rows()):
                    return True
        except Exception:  # an unreadable workbook is not HXL; the error is reported by the importer that claims it
            return False
        return False
    head = sniff(path).decode("utf-8-sig", errors="replace")
    if head.lstrip().startswith(("[", "{")):
        return re.search(r'"\s*#[A-Za-z]', head) is not None
    lines = head.splitlines()[:TAG_ROW_SEARCH]
    try:
        rows = list(csv.reader(io.StringIO("\n".join(lines))))
    except csv.Error:
        return False
    return any(is_tag_row(list(r)) for r in rows)


# ---------------------------------------------------------------------------------------------- reading


def read_hxl(path: Path) -> HxlRaw:
    if is_spreadsheet(path):
        raw = _read_xlsx(path)
    elif sniff(path).decode("utf-8-sig", errors="replace").lstrip().startswith(("[", "{")):
        raw = _read_json(path)
    else:
        raw = _read_csv(path)
    if raw.frame.height == 0:  # a header and hashtags, nothing under them: never an empty import
        raise BadFile(f"the file has a hashtag row (row {raw.tag_row}) but no data rows under it; expected at "
                      "least one row of data", file=str(path), row=raw.tag_row + 1)
    return raw


def _kind(value: object) -> str:
    """How a JSON value is named in messages."""
    return {dict: "an object", list: "an array", str: "text", bool: "true/false", type(None): "null"}.get(
        type(value), "a number")


# The tag a plain header usually stands for (docs/hxl.md, "Deliveries file" and "Observations file"): only to
# show a missing hashtag row for the file's own columns; nothing is ever read through it.
USUAL_TAGS = {
    "id": "#meta+id", "date": "#date", "day": "#date", "crossing": "#loc+crossing+name",
    "entry point": "#loc+crossing+name", "item": "#item+name", "commodity": "#item+name",
    "description": "#item+name", "cargo": "#item+name", "category": "#item+type", "tonnes": "#indicator+num+tonnes",
    "tons": "#indicator+num+tonnes", "kg": "#indicator+num+kg", "trucks": "#indicator+num+trucks",
    "quantity": "#indicator+num+quantity", "unit": "#indicator+unit", "destination": "#adm1+code",
    "district": "#adm1+code", "area": "#adm1+code", "population": "#population", "status": "#status",
    "source": "#meta+source", "publisher": "#meta+source", "url": "#meta+url", "donor": "#org+donor",
}


def example_tag_row(headers: list[str]) -> str:
    """A hashtag row for these header cells: the usual tag of each, ``#?`` where there is none to guess."""
    return ",".join(USUAL_TAGS.get(" ".join(h.strip().lower().replace("_", " ").split()), "#?") for h in headers)


def no_tag_row(path: Path, headers: list[str] | None = None) -> BadFile:
    """The refusal of a file with no hashtag row: where it was looked for and, when the header row is known,
    a hashtag row for its own columns."""
    shown = [h for h in headers or [] if h.strip()]
    example = (f"; for its columns ({', '.join(shown)}) add under the header row a row such as "
               f"{example_tag_row(shown)}" if shown else
               "; expected a row of hashtags such as #date,#loc+crossing+name,#item+name under the header row")
    return BadFile(
        f"the HXL hashtag row is missing: none of the first {TAG_ROW_SEARCH} rows is a row of #tags{example} "
        "(see docs/hxl.md)",
        file=str(path),
        row=2,
    )


def header_cells(path: Path) -> list[str]:
    """The first row of a CSV file (for the refusal above); none for a workbook or JSON."""
    if is_spreadsheet(path):
        return []
    head = sniff(path).decode("utf-8-sig", errors="replace")
    if head.lstrip().startswith(("[", "{")):
        return []
    try:
        return next(csv.reader(io.StringIO(head.splitlines()[0] if head else "")), [])
    except csv.Error:
        return []


def _read_csv(path: Path) -> HxlRaw:
    table = read_csv(path)
    frame = table.frame
    headers = [_DUPLICATE_SUFFIX.sub("", c) for c in frame.columns if c != "_row"]
    data_columns = [c for c in frame.columns if c != "_row"]
    if is_tag_row(list(headers)):
        tags, tag_row = headers, 1
        header_texts = [""] * len(tags)
        body = frame
    else:
        probe = frame.head(TAG_ROW_SEARCH - 1).filter(pl.col("_row") < TAG_ROW_SEARCH - 1)
        position = next(
            (i for i, r in enumerate(probe.iter_rows(named=True)) if is_tag_row([r[c] for c in data_columns])), None
        )
        if position is None:
            raise no_tag_row(path, headers)
        row = probe.row(position, named=True)
        tags = [row[c] or "" for c in data_columns]
        tag_row = int(row["_row"]) + table.first_row
        header_texts = headers
        body = frame.slice(position + 1)  # no copy: the hashtag row is among the first rows
    body = body.rename({c: f"c{i}" for i, c in enumerate(data_columns)})
    return HxlRaw(frame=tidy(body), first_row=table.first_row, tags=tags, headers=header_texts, tag_row=tag_row)


def _sheet_grid(reader: fastexcel.ExcelReader, name: str | int, n_rows: int | None = None) -> pl.DataFrame:
    sheet = reader.load_sheet(name, header_row=None, skip_rows=0, n_rows=n_rows, dtypes="string")
    return sheet.to_polars()


def _read_xlsx(path: Path) -> HxlRaw:
    reader = open_workbook(path)
    for name in reader.sheet_names:
        try:  # look at the first rows only; load the whole sheet once it holds the hashtag row
            probe = _sheet_grid(reader, name, TAG_ROW_SEARCH)
        except Exception:  # an unreadable sheet cannot hold the table; try the next
            continue
        index = next((i for i, row in enumerate(probe.iter_rows()) if is_tag_row(list(row))), None)
        if index is None:
            continue
        grid = _sheet_grid(reader, name)
        tags = ["" if v is None else str(v) for v in grid.row(index)]
        headers = ["" if v is None else str(v) for v in grid.row(index - 1)] if index else [""] * len(tags)
        body = grid.with_row_index("_row").slice(index + 1)
        body = body.rename({c: f"c{i}" for i, c in enumerate(grid.columns)})
        body = tidy(_drop_blank(body.with_columns(pl.col("_row") - 1)))
        facts = check_workbook(path)
        _refuse_merged_tags(path, facts.merged.get(str(name), []), index + 1, body)
        formulas = facts.uncached_formula_rows.get(str(name), set())
        return HxlRaw(
            frame=body,
            first_row=2,
            sheet=str(name),
            tags=tags,
            headers=headers,
            tag_row=index + 1,
            uncached_formula_rows=formulas,
        )
    raise no_tag_row(path)


def _refuse_merged_tags(path: Path, merged: list[tuple[int, int, int, int]], tag_row: int, body: pl.DataFrame) -> None:
    """A hashtag cell merged across columns tags only its first: the others' values would be dropped without a
    word (round 6: trucks under a merged "amount" header). Refused when a covered column holds values."""
    from openpyxl.utils import get_column_letter

    for r1, c1, r2, c2 in merged:
        if not (r1 <= tag_row <= r2) or c2 <= c1:
            continue
        for column in range(c1 + 1, c2 + 1):  # 1-based; body columns are c0, c1, ...
            name = f"c{column - 1}"
            if name in body.columns and body[name].drop_nulls().len() > 0:
                ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
                raise BadFile(
                    f"the hashtag row has merged cells ({ref}): column {get_column_letter(column)} holds values but no "
                    "hashtag of its own, so they would be dropped; unmerge the cells and give each column its hashtag",
                    file=str(path), row=tag_row,
                )


def _read_json(path: Path) -> HxlRaw:
    """An array of arrays (hashtag row first or second) or an array of objects keyed by hashtag."""
    check_text(path)
    data = load_json(path)
    if not isinstance(data, list) or not data:
        raise BadFile("expected a JSON array of rows (arrays or objects keyed by hashtag)", file=str(path))
    if all(isinstance(item, dict) for item in data):
        tags = list(dict.fromkeys(k for item in data for k in item))
        if not is_tag_row(list(tags)):
            raise BadFile(
                f"the object keys are not all hashtags (found {', '.join(tags[:8])}); expected keys such as "
                "#date, #indicator+num (see docs/hxl.md)",
                file=str(path),
                row=1,
            )
        rows = [[_text(item.get(t)) for t in tags] for item in data]
        return _from_rows(rows, tags, [""] * len(tags), first_row=1, tag_row=0)
    odd = next((i for i, item in enumerate(data) if not isinstance(item, list)), None)
    if odd is not None:
        first = "an object" if isinstance(data[0], dict) else "an array"
        raise BadFile(f"element {odd + 1} of the JSON array is {_kind(data[odd])}, the first is {first}; expected "
                      "every element to be an array (a row), or every one an object keyed by hashtag",
                      file=str(path), row=odd + 1)
    for index in range(min(2, len(data))):
        if is_tag_row(data[index]):
            tags = [_text(v) or "" for v in data[index]]
            headers = [_text(v) or "" for v in data[0]] if index == 1 else [""] * len(tags)
            width = len(tags)
            body = [[_text(v) for v in row[:width]] + [None] * (width - len(row)) for row in data[index + 1 :]]
            return _from_rows(body, tags, headers, first_row=index + 2, tag_row=index + 1)
    raise BadFile(
        "no HXL hashtag row: expected the first or second array of the JSON to hold hashtags such as #date",
        file=str(path),
        row=2,
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _from_rows(
    rows: list[list[str | None]], tags: list[str], headers: list[str], first_row: int, tag_row: int
) -> HxlRaw:
    schema = {f"c{i}": pl.String for i in range(len(tags))}
    frame = pl.DataFrame(rows, schema=schema, orient="row").with_row_index("_row")
    return HxlRaw(frame=tidy(_drop_blank(frame)), first_row=first_row, tags=tags, headers=headers, tag_row=tag_row)


def _drop_blank(frame: pl.DataFrame) -> pl.DataFrame:
    cells = [c for c in frame.columns if c != "_row"]
    if not cells:
        return frame
    blank = pl.all_horizontal([pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in cells])
    return frame.filter(~blank)


def tidy(frame: pl.DataFrame) -> pl.DataFrame:
    """Cells trimmed and empty cells null, touching only the columns that need it.

    One cheap scan per column decides; most line-list columns need nothing, and rewriting a
    million-row string column costs time and memory for no change.
    """
    cells = [c for c in frame.columns if c != "_row" and frame.schema[c] == pl.String]
    if not cells or frame.height == 0:
        return frame
    needs = frame.select([(pl.col(c).str.contains(r"^\s|\s$") | (pl.col(c) == "")).any().alias(c) for c in cells]).row(
        0, named=True
    )
    fix = [c for c in cells if needs[c]]
    if not fix:
        return frame
    return frame.with_columns(
        [
            pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c).str.strip_chars()).alias(c)
            for c in fix
        ]
    )
