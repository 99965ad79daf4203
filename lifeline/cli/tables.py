"""Draw a :class:`ResultTable` as plain text that fits the terminal's width.

Rich's table folded every column to fit, so a 14-column listing at 150 columns came out as
6-character fragments, and drawing 3,000 rows took seconds. Here a column is never narrower than
:data:`MIN_WIDTH` characters (or its content, when that is shorter); long notes and citations
become numbered footnotes printed below the table; and when the columns still do not fit, the
table is printed in panels of as many columns as fit, each repeating the first (the row's key).
Untrusted text is shown with its control characters replaced, so a cell cannot move the cursor.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from lifeline.formats import Column, ResultTable
from lifeline.formats.precision import decimals, rounded
from lifeline.formats.writers import _cell

MIN_WIDTH = 12  # narrowest column that still shows a date, a crossing name or a number whole
UNBROKEN = 40  # a word (a file name, a code, a date) up to this long is never split across lines
SHORT_VALUE = 16  # a value up to this long ("2026-12-07 06:51", "Kerem Shalom") stays on one line
GAP = "  "
FOOTNOTE_TAGS = ("#meta+note", "#description", "#meta+source")  # free text better read below the table
FOOTNOTE_ABOVE = 24  # such a column becomes footnotes when its widest value is longer than this
_CONTROL = {i: "\N{REPLACEMENT CHARACTER}" for i in (*range(0x20), *range(0x7F, 0xA0))}


def display(value: Any, places: int | None = None) -> str:
    """A value as the terminal shows it: thousands separated, one decimal, time to the minute,
    control characters replaced."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value == value:
        if places is not None:
            return f"{value:,.{places}f}"
        return f"{int(value):,}" if value.is_integer() else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, datetime):  # the terminal shows the minute; CSV and JSON keep the whole stamp
        return value.isoformat(sep=" ", timespec="minutes")
    return clean(_cell(value))


def clean(text: str) -> str:
    """One line of text with no control characters (newlines and tabs become spaces)."""
    if text.isprintable():
        return text
    return " ".join(text.replace("\t", " ").splitlines()).translate(_CONTROL)


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes (East Asian wide characters take two, combining marks none)."""
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def render_table(result: ResultTable, width: int) -> str:
    """The whole answer: title, the table (in panels if needed), then footnotes, notes and sources."""
    lines = [clean(result.title)]
    columns = list(result.columns)
    places = [decimals(c) for c in columns]
    cells = [[display(rounded(row.get(c.key), p), p) for c, p in zip(columns, places, strict=True)]
             for row in result.rows]
    footnotes = _move_to_footnotes(columns, cells)
    if not cells:
        lines.append("(no rows)")
    else:
        numeric = [_is_numeric(result.rows, c) for c in columns]
        sizes = [[cell_width(text) for text in row] for row in cells]
        natural = [max([cell_width(c.title), *(r[i] for r in sizes)]) for i, c in enumerate(columns)]
        minimum = [_minimum(c, n, [r[i] for r in cells], numeric[i]) for i, (c, n) in enumerate(zip(columns, natural,
                                                                                                  strict=True))]
        panels = _panels(minimum, width)
        for number, panel in enumerate(panels, 1):
            if len(panels) > 1:
                lines.append("")
                lines.append(_wrap(f"({number}/{len(panels)}: columns "
                                   f"{', '.join(columns[i].title for i in panel if i or number == 1)})", width, " "))
            widths = _fit([natural[i] for i in panel], [minimum[i] for i in panel], width)
            lines.extend(_draw(panel, widths, columns, cells, sizes, numeric))
    if footnotes:
        lines.append("")
        lines.extend(_wrap(f"[{n}] {text}", width, indent="    ") for n, text in enumerate(footnotes, 1))
    for note in result.notes:
        lines.append(_wrap(f"note: {clean(note)}", width, indent="      "))
    for src in result.sources:
        lines.append(_wrap(f"source: {clean(citation(src))}", width, indent="        "))
    return "\n".join(lines) + "\n"


def citation(src: dict[str, Any]) -> str:
    parts = [src.get("publisher"), src.get("title"), src.get("url"), str(src.get("published") or "")]
    return ", ".join(str(p) for p in parts if p)


def _move_to_footnotes(columns: Sequence[Column], cells: list[list[str]]) -> list[str]:
    """Replace long free-text cells by ``[n]`` and return the texts, each once, in order of first use."""
    texts: dict[str, int] = {}
    for i, col in enumerate(columns):
        if not col.hxl.startswith(FOOTNOTE_TAGS) or max((cell_width(r[i]) for r in cells), default=0) <= FOOTNOTE_ABOVE:
            continue
        for row in cells:
            if row[i]:
                row[i] = f"[{texts.setdefault(row[i], len(texts) + 1)}]"
    return list(texts)


def _is_numeric(rows: Sequence[dict[str, Any]], col: Column) -> bool:
    values = [row.get(col.key) for row in rows if row.get(col.key) is not None]
    return bool(values) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def _minimum(col: Column, natural: int, values: Sequence[str], numeric: bool) -> int:
    """The narrowest a column may be: its longest word (of the title or a value, up to
    :data:`UNBROKEN`) and its longest short value; a text column at least :data:`MIN_WIDTH`
    unless everything in it is shorter (a number column needs only its widest number)."""
    distinct = set(values)
    longest_word = max((cell_width(word) for text in (col.title, *distinct) for word in text.split()), default=1)
    longest_short = max((w for w in map(cell_width, distinct) if w <= SHORT_VALUE), default=0)
    return min(natural, max(0 if numeric else MIN_WIDTH, min(longest_word, UNBROKEN), longest_short))


def _panels(minimum: list[int], width: int) -> list[list[int]]:
    """Groups of column indices that fit ``width`` at their minimum widths, each starting with column 0."""
    panels: list[list[int]] = []
    current = [0]
    used = minimum[0]
    for i in range(1, len(minimum)):
        if current != [0] and used + len(GAP) + minimum[i] > width:
            panels.append(current)
            current, used = [0], minimum[0]
        current.append(i)
        used += len(GAP) + minimum[i]
    panels.append(current)
    return panels


def _fit(natural: list[int], minimum: list[int], width: int) -> list[int]:
    """Widths between each column's minimum and natural width, sharing the room in proportion to need."""
    room = width - len(GAP) * (len(natural) - 1)
    if sum(natural) <= room:
        return natural
    widths = list(minimum)
    spare = room - sum(widths)
    wants = [n - m for n, m in zip(natural, minimum, strict=True)]
    total = sum(wants)
    if spare > 0 and total:
        extra = [spare * w // total for w in wants]
        widths = [w + e for w, e in zip(widths, extra, strict=True)]
    return widths


def _draw(panel: list[int], widths: list[int], columns: Sequence[Column], cells: list[list[str]],
          sizes: list[list[int]], numeric: list[bool]) -> list[str]:
    """The header, a rule and every row of one panel; a cell wider than its column wraps at spaces."""
    right = [numeric[i] for i in panel]
    lines = _block([_lines(columns[i].title, w) for i, w in zip(panel, widths, strict=True)], widths, right)
    lines.append(GAP.join("─" * w for w in widths))
    fitted = list(zip(panel, widths, right, strict=True))
    for row, size in zip(cells, sizes, strict=True):
        if all(size[i] <= w for i, w, _r in fitted):  # the usual case: one line, padded
            lines.append(GAP.join(" " * (w - size[i]) + row[i] if r else row[i] + " " * (w - size[i])
                                  for i, w, r in fitted).rstrip())
        else:
            lines.extend(_block([[row[i]] if size[i] <= w else _lines(row[i], w) for i, w, _r in fitted],
                                widths, right))
    return lines


def _block(parts: list[list[str]], widths: list[int], right: list[bool]) -> list[str]:
    height = max(len(p) for p in parts)
    out = []
    for k in range(height):
        pieces = []
        for lines, w, r in zip(parts, widths, right, strict=True):
            text = lines[k] if k < len(lines) else ""
            pad = " " * max(w - cell_width(text), 0)
            pieces.append(pad + text if r else text + pad)
        out.append(GAP.join(pieces).rstrip())
    return out


def _wrap(text: str, width: int, indent: str) -> str:
    return "\n".join(textwrap.wrap(text, width, subsequent_indent=indent, break_on_hyphens=False)) or text


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]
