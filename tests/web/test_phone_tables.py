"""Every data table read on a phone (390 px) in English and Arabic: each row a card, each value under its
column's name (the cell's data-label, from the same header list as the head row), no sideways scroll of the
page, no card taller than MAX_CARD_PX. Screenshots go to test-artifacts/phone-tables-<page>-<lang>.png.

On the demo store's real lists the tallest card is the studies table's (coverage, 857 px: 9 fields, a
result sentence and a flag); before the cards a closure row was one word per line inside a sideways scroll.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.live import ARTIFACTS, open_page

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WIDTH = 390
# A card's height at most: about 1.3 screens of a 390 x 844 phone, what a row of the widest table (the
# studies table: 9 fields) takes when its sentences wrap.
MAX_CARD_PX = 1100
# Access: crossings' status and closures; Overview: crossings now, coverage by area, alerts, consignments;
# Coverage: by area and the studies; Sources: the publishers side by side.
PAGES = {"overview": "/?alerts=all", "access": "/access", "coverage": "/coverage", "sources": "/sources"}

CARDS = """() => {
  const tables = Array.from(document.querySelectorAll('.table-wrap table'));
  return tables.map(table => {
    const headers = Array.from(table.querySelectorAll('thead th')).map(th => th.textContent.trim());
    const rows = Array.from(table.querySelectorAll('tbody tr'));
    return {stacks: table.classList.contains('stacks'), headers: headers, rows: rows.length,
      tallest: Math.max(0, ...rows.map(r => r.getBoundingClientRect().height)),
      cells: rows.flatMap(r => Array.from(r.children).map((td, i) => {
        const label = getComputedStyle(td, '::before');
        const box = td.getBoundingClientRect();
        return {i: i, label: td.dataset.label, shown: label.content, display: getComputedStyle(td).display,
                empty: td.textContent.trim() === '', left: box.left, right: box.right};
      }))};
  });
}"""


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_table_reads_as_cards_at_390_px(live: str, browser: Any, lang: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page, _problems = open_page(browser, WIDTH, 844)
    seen = 0
    for name, path in PAGES.items():
        page.goto(f"{live}{path}&lang={lang}" if "?" in path else f"{live}{path}?lang={lang}",
                  wait_until="networkidle")
        page.screenshot(path=str(ARTIFACTS / f"phone-tables-{name}-{lang}.png"), full_page=True)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width == WIDTH, f"{path} ({lang}) is {width}px wide at {WIDTH}px"
        for table in page.evaluate(CARDS):
            if not table["rows"]:
                continue
            seen += 1
            assert table["stacks"], f"{path} ({lang}): a table that does not stack: {table['headers']}"
            assert table["tallest"] <= MAX_CARD_PX, f"{path} ({lang}): a {table['tallest']:.0f}px card in " \
                                                   f"{table['headers']}"
            for cell in table["cells"]:
                header = table["headers"][cell["i"]]
                assert cell["label"] == header, (path, lang, cell, header)  # the label is the column's header
                if cell["display"] == "none":
                    assert cell["empty"], (path, lang, cell)  # only an empty cell is left out
                    continue
                assert cell["shown"] == f'"{header}"', (path, lang, cell)  # ... and it is shown
                assert -1 <= cell["left"] and cell["right"] <= WIDTH + 1, (path, lang, cell)
    assert seen >= 6, f"only {seen} tables with rows"
    page.close()


def test_a_desktop_keeps_the_table(live: str, browser: Any) -> None:
    page, _problems = open_page(browser, 1440, 900)
    page.goto(f"{live}/access", wait_until="networkidle")
    assert page.evaluate("() => getComputedStyle(document.querySelector('table.stacks')).display") == "table"
    assert page.evaluate("() => getComputedStyle(document.querySelector('table.stacks thead')).position") != "absolute"
    page.close()
