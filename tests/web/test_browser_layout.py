"""The pages an analyst reads most, at a phone's, a laptop's and a desktop's width, in English and Arabic:
no sideways scroll, every chart drawn with data and inside the page, Arabic right-to-left; on the coverage
chart the consumption cap is named and the partial periods are marked where a reader sees them.

Screenshots of every page, width and language go to test-artifacts/ (layout-<page>-<width>-<lang>.png).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.web.live import ARTIFACTS, open_page
from tests.web.visible import english_words

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PAGES = {"overview": "/", "access": "/access", "coverage": "/coverage", "sources": "/sources"}
WIDTHS = (390, 1024, 1440)

def settled(page: Any) -> None:
    """Wait until every chart has grown to fit its legend (static/app.js marks it data-fitted)."""
    page.wait_for_function("() => Array.from(document.querySelectorAll('div.chart'))"
                           ".every(el => !document.getElementById('fig-' + el.id.slice(6)) || el.dataset.fitted)")


CHARTS = """() => Array.from(document.querySelectorAll('div.chart')).map(el => {
    const box = el.getBoundingClientRect();
    const svg = el.querySelector('svg.main-svg');
    return {id: el.id, drawn: el.classList.contains('js-plotly-plot'),
            points: (el.data || []).reduce((n, t) => n + ((t.x || t.z || []).filter(v => v !== null).length), 0),
            left: box.left, right: box.right, svgWidth: svg ? svg.getBoundingClientRect().width : 0};
})"""


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_the_width_and_hold_their_charts(live: str, browser: Any, width: int, lang: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page, problems = open_page(browser, width, 900)
    for name, path in PAGES.items():
        page.goto(f"{live}{path}?lang={lang}", wait_until="networkidle")
        settled(page)
        page.screenshot(path=str(ARTIFACTS / f"layout-{name}-{width}-{lang}.png"), full_page=True)
        assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
        if lang == "ar":
            assert page.evaluate("() => getComputedStyle(document.querySelector('main')).direction") == "rtl"
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} ({lang}) scrolls sideways by {overflow}px at {width}px"
        charts = page.evaluate(CHARTS)
        assert charts or path == "/", f"{path}: no chart"
        for chart in charts:
            assert chart["drawn"] and chart["points"] > 0, f"{path} ({lang}, {width}px): {chart['id']} is empty"
            assert chart["left"] >= -1 and chart["right"] <= width + 1, f"{path}: {chart['id']} leaves the page"
            assert 0 < chart["svgWidth"] <= width, f"{path}: {chart['id']} is {chart['svgWidth']}px wide"
        assert not problems, f"{path}: {problems}"
    page.close()


def _visible_text(page: Any, chart: str, text: str) -> bool:
    """Whether ``text`` is drawn inside the chart's area (an annotation or a legend entry), not hidden."""
    return bool(page.evaluate("""([chart, text]) => {
        const el = document.getElementById(chart); if (!el) return false;
        const box = el.getBoundingClientRect();
        return Array.from(el.querySelectorAll('text')).some(t => {
            if (!t.textContent.includes(text)) return false;
            const r = t.getBoundingClientRect(); const s = getComputedStyle(t);
            return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
                && r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1
                && r.bottom <= box.bottom + 1;
        });
    }""", [chart, text]))


@pytest.mark.parametrize(("lang", "cap", "partial"), [
    ("en", "consumption cap", "partial period"), ("ar", "سقف الاستهلاك", "فترة جزئية")])
@pytest.mark.parametrize("width", (390, 1440))
def test_coverage_chart_names_the_cap_and_marks_partial_periods(
    live: str, browser: Any, lang: str, cap: str, partial: str, width: int
) -> None:
    page, problems = open_page(browser, width, 900)
    page.goto(f"{live}/coverage?lang={lang}", wait_until="networkidle")
    settled(page)
    assert _visible_text(page, "chart-coverage", cap), f"the cap's label is not visible at {width}px ({lang})"
    marks = page.evaluate("""(label) => (document.getElementById('chart-coverage').data || [])
        .filter(t => (t.name || '').startsWith(label)).map(t => t.x.length)""", partial)
    assert marks and marks[0] >= 2, "the list's first and last weeks are partial and must be marked"
    assert _visible_text(page, "chart-coverage", partial), f"the partial-period mark has no visible label ({lang})"
    # the marks are drawn as points on the chart, not only listed in the legend
    drawn = page.evaluate("""() => document.querySelectorAll('#chart-coverage .scatterlayer .points path').length""")
    assert drawn >= marks[0]
    assert not problems
    page.close()


CHART_TEXT = """() => Array.from(document.querySelectorAll('div.chart svg text'))
    .map(t => t.textContent.trim()).filter(t => t)"""


@pytest.mark.parametrize("path", ["/", "/access", "/coverage", "/sources", "/data", "/?alerts=all"])
def test_arabic_pages_on_the_real_lists_hold_no_english(live: str, browser: Any, path: str) -> None:
    """The real lists bring notes, flags and alert messages the small test store lacks: none stays English,
    in the page's text or in what its charts draw (titles, axes, legends, labels, dates)."""
    page, problems = open_page(browser, 1440, 900)
    page.goto(f"{live}{path}{'&' if '?' in path else '?'}lang=ar", wait_until="networkidle")
    settled(page)
    left = english_words(page.content())
    assert not left, f"{path}: English left: {left[:10]}"
    drawn = " ".join(f"<p>{t}</p>" for t in page.evaluate(CHART_TEXT))
    left = english_words(drawn)
    assert not left, f"{path}: English drawn on a chart: {left[:10]}"
    assert not problems
    page.close()


LEGEND = """(id) => { const el = document.getElementById(id); const box = el.getBoundingClientRect();
    const bg = el.querySelector('.legend rect.bg'); const lb = bg ? bg.getBoundingClientRect() : null;
    const xs = (el.data || []).flatMap(t => (t.x || []).filter((v, i) => v !== null && (t.y || [])[i] != null));
    return {chart: [box.left, box.top, box.right, box.bottom], legend: lb && [lb.left, lb.top, lb.right, lb.bottom],
            plot: el._fullLayout._size.h, axisEnd: el._fullLayout.xaxis.range[1], lastX: xs.sort().slice(-1)[0],
            entries: Array.from(el.querySelectorAll('.legend .traces')).map(t => { const r = t.getBoundingClientRect();
                return [t.textContent, r.left, r.top, r.right, r.bottom]; })}; }"""


@pytest.mark.parametrize(("lang", "cap"), [("en", "consumption cap"), ("ar", "سقف الاستهلاك")])
@pytest.mark.parametrize("width", WIDTHS)
def test_coverage_legend_reads_inside_the_chart(live: str, browser: Any, width: int, lang: str, cap: str) -> None:
    """Every legend entry, the cap's last, lies inside the chart's box and inside the legend's own visible box
    (a legend Plotly cannot fit scrolls, its last entry cut at the lower edge); the plot keeps its height; a
    label on the chart does not stretch the time axis beyond the data."""
    page, problems = open_page(browser, width, 900)
    page.goto(f"{live}/coverage?lang={lang}", wait_until="networkidle")
    settled(page)
    got = page.evaluate(LEGEND, "chart-coverage")
    entries = got["entries"]
    assert any(cap in e[0] for e in entries), [e[0] for e in entries]
    left, top, right, bottom = got["chart"]
    l_left, l_top, l_right, l_bottom = got["legend"]
    for label, x0, y0, x1, y1 in entries:
        assert x0 >= left - 1 and x1 <= right + 1 and y0 >= top - 1 and y1 <= bottom + 1, \
            f"{label!r} leaves the chart at {width}px ({lang}): {(x0, y0, x1, y1)} vs {got['chart']}"
        assert y0 >= l_top - 1 and y1 <= l_bottom + 1 and x0 >= l_left - 1 and x1 <= l_right + 1, \
            f"{label!r} is cut by the legend's box at {width}px ({lang}): {(x0, y0, x1, y1)} vs {got['legend']}"
    assert got["plot"] >= 200, f"the plot is {got['plot']}px tall at {width}px ({lang})"
    end, last = date.fromisoformat(got["axisEnd"][:10]), date.fromisoformat(got["lastX"][:10])
    assert (end - last).days <= 62, f"the time axis runs to {end}, the data to {last}"
    assert not problems
    page.close()


@pytest.mark.parametrize(("window", "shape"), [
    ("from=2024-05-15&to=2024-05-20", r"\d{4}-\d{2}-\d{2}"),  # ticks days apart: read to the day
    ("from=2024-01-01&to=2024-08-31", r"\d{4}-\d{2}"),  # ticks months apart: to the month
])
def test_arabic_date_ticks_name_distinct_days_or_months(live: str, browser: Any, window: str, shape: str) -> None:
    """An Arabic chart writes its dates as numbers; over a week they once all read "2024-05"."""
    import re

    page, problems = open_page(browser, width=390)
    page.goto(f"{live}/access?{window}&lang=ar")
    settled(page)
    ticks = page.evaluate("Array.from(document.querySelectorAll('div.chart')[0].querySelectorAll('.xtick text'))"
                          ".map(t => t.textContent)")
    page.close()
    assert len(ticks) >= 2 and len(set(ticks)) == len(ticks), ticks
    assert all(re.fullmatch(shape, t) for t in ticks), ticks
    assert not problems, problems
