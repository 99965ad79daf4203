"""Terminal tables fit the width they are given, keep words whole, and print long notes below."""

from __future__ import annotations

from datetime import datetime

import pytest

from lifeline.cli.tables import MIN_WIDTH, cell_width, render_table
from lifeline.formats import Column, ResultTable

WIDE = ResultTable(
    title="Datasets imported",
    columns=[Column("id", "#meta+id"), Column("kind", "#meta+kind"), Column("series", "#meta+series"),
             Column("path", "#meta+file"), Column("publisher", "#org+name"),
             Column("imported_at", "#date+imported"),
             *(Column(f"rows_{k}", f"#indicator+num+{k}") for k in
               ("read", "imported", "unchanged", "changed", "rejected", "flagged", "withdrawn")),
             Column("note", "#meta+note")],
    rows=[{"id": i, "kind": "unrwa", "series": "unrwa-commodities-received",
           "path": "unrwa-commodities-received-20241111.csv", "publisher": "UNRWA",
           "imported_at": datetime(2026, 12, 7, 6, 51, 32, 566727),
           **{f"rows_{k}": 37373 * i for k in ("read", "imported", "unchanged", "changed", "rejected",
                                                "flagged", "withdrawn")},
           "note": "Counts are of manifest lines, not trucks; one truck may carry several lines of cargo."}
          for i in (1, 2)],
    notes=["A note that explains a caveat at some length, so that it has to wrap at eighty columns at least once."],
    sources=[{"publisher": "UNRWA", "title": "Commodities received", "url": "https://www.unrwa.org/x",
              "published": "2024-11-11"}],
)


@pytest.mark.parametrize("width", [80, 150])
def test_every_line_fits_and_no_value_is_cut(width: int) -> None:
    text = render_table(WIDE, width)
    lines = text.splitlines()
    assert all(cell_width(line) <= width for line in lines), max(lines, key=cell_width)
    for value in ("unrwa-commodities-received-20241111.csv", "unrwa-commodities-received", "2026-12-07 06:51",
                  "37,373", "74,746"):
        assert value in text, f"{value!r} was split across lines at {width} columns"


@pytest.mark.parametrize("width", [80, 150])
def test_no_column_is_narrower_than_the_minimum_unless_its_content_is(width: int) -> None:
    lines = render_table(WIDE, width).splitlines()
    rules = [line for line in lines if line.startswith("─")]
    assert rules
    for rule in rules:
        for dashes in rule.split("  "):
            assert len(dashes) >= min(MIN_WIDTH, 2), rule  # "id" holds two characters; nothing else is cut short


def test_long_notes_are_footnotes_below_the_table_each_text_once() -> None:
    text = render_table(WIDE, 150)
    note = WIDE.rows[0]["note"]
    assert text.count("[1]") == 3  # two rows point at it, and the footnote itself
    assert f"[1] {note}" in text
    assert text.index(f"[1] {note}") > text.index("74,746")
    assert "note: A note that explains" in text and "source: UNRWA, Commodities received" in text


def test_a_table_that_fits_is_one_panel_and_one_too_wide_repeats_its_first_column() -> None:
    assert "(1/" not in render_table(WIDE, 400)
    narrow = render_table(WIDE, 80)
    assert "(1/" in narrow and "(2/" in narrow
    panels = narrow.split("\n\n(")[1:]
    assert len(panels) >= 2
    assert all(any(line.startswith("id  ") for line in panel.splitlines()) for panel in panels)


def test_control_characters_in_cells_cannot_reach_the_terminal() -> None:
    hostile = ResultTable(title="t\x1b[2J", columns=[Column("name", "#org+name")],
                          rows=[{"name": "evil\x1b]0;title\x07 name\nsecond line"}])
    text = render_table(hostile, 80)
    assert "\x1b" not in text and "\x07" not in text
    assert "second line" in text


def test_missing_is_blank_and_numbers_are_right_aligned() -> None:
    table = ResultTable(title="t", columns=[Column("k", "#meta+k"), Column("trucks", "#indicator+trucks")],
                        rows=[{"k": "a", "trucks": 5}, {"k": "b", "trucks": None}, {"k": "c", "trucks": 12345}])
    lines = render_table(table, 80).splitlines()
    assert lines[-3].endswith("     5") and lines[-1].endswith("12,345")
    assert lines[-2].rstrip() == "b"
    assert render_table(ResultTable(title="t", columns=[Column("k", "#meta+k")], rows=[]), 80).splitlines()[1] \
        == "(no rows)"


def test_tonnes_show_to_the_tonne_unless_the_column_was_measured_finer() -> None:
    table = ResultTable(title="t", columns=[Column("k", "#meta+k"), Column("tonnes", "#indicator+num+tonnes"),
                                            Column("weighed", "#indicator+num+tonnes", decimals=2)],
                        rows=[{"k": "a", "tonnes": 877.838, "weighed": 877.838}])
    last = render_table(table, 80).splitlines()[-1]
    assert last.split() == ["a", "878", "877.84"]
