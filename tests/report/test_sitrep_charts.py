"""The sitrep's charts tell partial periods and gaps as they are: a month only partly covered by a list is a
hollow marker reached by dashes, with a footnote "partial: N of M days" (the core's completeness mark, the one
`lifeline deliveries` and the web's charts give); a period without data is a gap, never a line drawn across it."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import Engine

from lifeline import palette
from lifeline.report import periods, svg
from lifeline.report.build import build
from lifeline.report.render import to_html
from tests.alerts import data


def _polylines(chart: str) -> list[list[tuple[float, float]]]:
    return [[tuple(float(v) for v in pt.split(",")) for pt in m.group(1).split()]  # type: ignore[misc]
            for m in re.finditer(r'<polyline class="series" points="([^"]+)"', chart)]


def test_a_missing_value_breaks_the_line_and_a_partial_point_is_hollow_and_dashed() -> None:
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(6)]
    line = svg.Line("UNRWA", [5.0, 6.0, None, None, 7.0, 8.0], partial=[True, False, False, False, False, False])
    chart = svg.line_chart(days, [line], "")
    runs = _polylines(chart)
    assert len(runs) == 2  # the dashed run from the partial point, then the line after the gap
    step = runs[0][1][0] - runs[0][0][0]
    assert runs[1][0][0] - runs[0][-1][0] > 2.5 * step  # nothing drawn over the two missing days
    assert all(abs(b[0] - a[0] - step) < 0.2 for run in runs for a, b in zip(run, run[1:], strict=False))
    dashed = re.findall(r'<polyline class="series" points="[^"]+"[^>]*?(stroke-dasharray="4 3")?/>', chart)
    assert dashed == ['stroke-dasharray="4 3"', ""]  # dashed where it touches the partial period only
    assert chart.count('class="partial"') == 1
    assert ("partial period", palette.REFERENCE_COLOURS["partial"], "hollow") in svg.legend_items([line])


def test_the_sitrep_colours_a_source_as_the_web_does() -> None:
    """One palette: a source keeps its colour on the pages and in the PDF, whatever its place among the
    lines; an area is coloured by its code (not its translated name); reference lines keep their own colour."""
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(3)]
    lines = [svg.Line(pub, [1.0, 2.0, 3.0]) for pub in ("WFP", "COGAT", "UNRWA")]
    chart = svg.line_chart(days, lines, "", reference=2.5, reference_label="need",
                           reference_colour=palette.REFERENCE_COLOURS["need"])
    strokes = re.findall(r'<polyline class="series" [^>]*stroke="(#[0-9A-Fa-f]+)"', chart)
    assert strokes == [palette.colour("WFP"), palette.colour("COGAT"), palette.colour("UNRWA")]
    blue, orange = palette.OKABE_ITO["blue"], palette.OKABE_ITO["orange"]
    assert (palette.colour("UNRWA"), palette.colour("COGAT")) == (blue, orange)
    assert f'stroke="{palette.REFERENCE_COLOURS["need"]}" stroke-dasharray="6 3"' in chart
    assert svg.Line("شمال غزة", [1.0], key="PS-NG").hue == svg.Line("North Gaza", [1.0], key="PS-NG").hue
    assert svg.Line("cap", [1.0], key="x", colour="#123456").hue == "#123456"
    bars = svg.bar_chart(["Kerem Shalom"], {"COGAT": [4.0], "UNRWA": [3.0]}, "")
    assert f'fill="{palette.colour("COGAT")}"><title>' in bars and f'fill="{palette.colour("UNRWA")}"><title>' in bars


def test_chart_period_follows_the_window() -> None:
    assert periods.chart_by(date(2024, 5, 1), date(2024, 5, 31)) == "day"
    assert periods.chart_by(date(2024, 5, 1), date(2024, 8, 31)) == "week"
    assert periods.chart_by(date(2023, 10, 1), date(2024, 9, 30)) == "month"
    assert periods.starts(date(2024, 5, 15), date(2024, 7, 2), "month") == [date(2024, 5, 1), date(2024, 6, 1),
                                                                            date(2024, 7, 1)]
    assert periods.starts(date(2024, 5, 15), date(2024, 5, 21), "week") == [date(2024, 5, 13), date(2024, 5, 20)]


def test_months_cut_by_the_list_are_marked_partial_and_footnoted(sqlite_store: Engine) -> None:
    """A list from 21 January to 10 April, asked January to July: January and April are partial (hollow,
    footnoted with the days they hold), May to July lie outside the list and are gaps, not zeros."""
    with sqlite_store.begin() as conn:
        un = data.dataset(conn, "un-list", "UNRWA")
        data.deliveries(conn, un, "un-list", data.every_day(date(2024, 1, 21), 81, "kerem-shalom", 7))
    with sqlite_store.connect() as conn:
        rep = build(conn, date(2024, 1, 1), date(2024, 7, 31), runs=5)
    access = next(s for s in rep.sections if s.charts and "Trucks" in s.charts[0][0])
    chart = access.charts[0][1]
    assert chart.count('class="partial"') == 2
    assert len({x for run in _polylines(chart) for x, _ in run}) == 4  # January to April, nothing after
    assert "partial: UNRWA 2024-01, 11 of 31 days, data from 2024-01-21" in access.chart_notes
    assert "partial: UNRWA 2024-04, 10 of 30 days, data to 2024-04-10" in access.chart_notes
    html = to_html(rep)
    assert 'class="partial"' in html and "partial period (see note)" in html
    assert "partial: UNRWA 2024-04, 10 of 30 days" in html
    coverage = next(s for s in rep.sections if s.charts and s is not access)
    assert 'class="partial"' in coverage.charts[0][1]
    assert any(n.startswith("partial: ") and "2024-01" in n for n in coverage.chart_notes)


def test_no_line_is_drawn_across_days_without_data(sqlite_store: Engine) -> None:
    """Ten days without any entry: the daily kcal line stops where the 7-day window holds no entry and starts
    again after; no segment joins the two sides."""
    d0 = date(2024, 5, 1)
    hole = {d0 + timedelta(days=i) for i in range(10, 20)}
    with sqlite_store.begin() as conn:
        un = data.dataset(conn, "un-list", "UNRWA")
        data.deliveries(conn, un, "un-list", data.every_day(d0, 30, "kerem-shalom", 7, skip=hole))
    with sqlite_store.connect() as conn:
        rep = build(conn, d0, d0 + timedelta(days=29), runs=5)
    coverage = next(s for s in rep.sections if s.charts and "kcal" in s.charts[0][0])
    runs = [r for r in _polylines(coverage.charts[0][1]) if len({y for _, y in r}) > 1]  # the series, not the cap
    assert len(runs) >= 2, "the line is not broken by the gap"
    xs = sorted({x for r in _polylines(coverage.charts[0][1]) for x, _ in r})
    step = min(b - a for a, b in zip(xs, xs[1:], strict=False))
    for r in runs:
        assert all(b[0] - a[0] <= step + 0.2 for a, b in zip(r, r[1:], strict=False)), "a segment spans the gap"
