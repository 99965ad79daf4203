"""A broken JSON input names where it breaks: byte offset, line and column, in its one line (exit 2).

The classes: cut short (a truncated download), a character no JSON allows, a missing separator, a
byte-order mark and multi-byte text before the fault (the byte offset counts bytes, the column
characters); for the table readers' JSON (gazamaps orders, HXL JSON) through ``lifeline import``. The
streamed GeoJSON reader is tested in tests/contexts/test_boundaries.py, the claims API's JSON body in
tests/api/test_json_body.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lifeline.ingest.json_errors import char_position, position_in
from tests.cli import helpers
from tests.cli.helpers import invoke_cli

store_url = helpers.store_url

ORDER = {"id": 1, "date": "2024-05-06", "source": "https://example.org/a", "link": "https://gazamaps.com/displacement/1",
         "displacement_blocks": "1, 2", "area_sq_km_displacement": "1.50", "area_sq_km_labeled_safe": "0.00"}
HXL_HEAD = [["Date", "Location", "Value"], ["#date", "#loc+name", "#indicator+value"]]
WHERE = re.compile(r"at byte ([\d,]*\d) \(line ([\d,]*\d), column ([\d,]*\d)")


def _lines(items: list[object]) -> bytes:
    """A JSON array written one item a line, as exports do."""
    return ("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in items) + "\n]\n").encode()


def _text(reader: str) -> tuple[bytes, str]:
    if reader == "gazamaps":
        orders = [dict(ORDER, id=i, source=f"https://example.org/أمر-{i}") for i in range(1, 6)]
        return _lines(orders), "gazamaps-orders.json"
    return _lines([*HXL_HEAD, *[[f"2024-05-0{i}", f"أمر-{i}", "6"] for i in range(1, 6)]]), "observations-hxl.json"


def _damaged(kind: str, text: bytes) -> tuple[bytes, int]:
    """``text`` damaged by ``kind``; the byte offset the refusal must name."""
    if kind == "truncated":
        at = text.index(b'"', len(text) // 2)
        return text[:at], at
    if kind == "stray-character":
        at = text.index("أمر-3".encode()) + len("أمر-3".encode()) + 1  # after multi-byte text on its line
        return text[:at] + b" @" + text[at:], at + 1
    if kind == "missing-comma":
        at = text.index(b",\n", len(text) // 3)
        return text[:at] + text[at + 1:], at + 1  # the next line's first character is where it cannot go on
    if kind == "bom-and-stray":
        damaged, at = _damaged("stray-character", text)
        return b"\xef\xbb\xbf" + damaged, at + 3
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["truncated", "stray-character", "missing-comma", "bom-and-stray"])
@pytest.mark.parametrize("reader", ["gazamaps", "hxl-json"])
def test_a_broken_json_file_names_its_byte_line_and_column(store_url: str, tmp_path: Path, kind: str,
                                                           reader: str) -> None:
    text, name = _text(reader)
    data, offset = _damaged(kind, text)
    path = tmp_path / name
    path.write_bytes(data)
    result = invoke_cli(store_url, "import", "--kind", "gazamaps" if reader == "gazamaps" else "hxl", str(path))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    found = WHERE.search(lines[0])
    assert found and name in lines[0] and "expected valid JSON" in lines[0], lines[0]
    expected = position_in(data, offset)
    assert tuple(int(g.replace(",", "")) for g in found.groups()) == (expected.offset, expected.line, expected.column)


def test_char_position_counts_bytes_for_the_offset_and_characters_for_the_column() -> None:
    text = 'ab\n"أمر" x'
    where = char_position(text, text.index("x"), bom=True)
    assert (where.offset, where.line, where.column) == (3 + 3 + 8 + 1, 2, 7)
