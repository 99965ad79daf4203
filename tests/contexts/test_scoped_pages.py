"""Every page for each of two contexts in one store: nothing of the other context appears (codes or names),
the context is kept across links and downloads, and a picker offers the contexts."""

from __future__ import annotations

import re

import pytest

from tests.contexts.conftest import GAZA_MARKS, ZARQA_MARKS
from tests.web.helpers import Served

PAGES = ["/", "/access", "/coverage", "/sources", "/map", "/data"]
ZARQA = "context=XZ&from=2025-03-01&to=2025-03-30"
GAZA = "context=gaza-strip&from=2024-05-01&to=2024-05-02"


def _body(html: str) -> str:
    """The page without its context picker (which names every context by design)."""
    return re.sub(r'<form[^>]*id="context-picker".*?</form>', "", html, flags=re.S)


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("path", PAGES)
def test_each_page_shows_only_its_context(served_two: Served, path: str, lang: str) -> None:
    zarqa = served_two.client.get(f"{path}?{ZARQA}&lang={lang}")
    gaza = served_two.client.get(f"{path}?{GAZA}&lang={lang}")
    assert zarqa.status_code == 200 and gaza.status_code == 200, path
    leaked = [m for m in GAZA_MARKS if m in _body(zarqa.text)]
    assert not leaked, (path, leaked)
    leaked = [m for m in ZARQA_MARKS if m in _body(gaza.text)]
    assert not leaked, (path, leaked)


def test_pages_show_the_context_own_figures(served_two: Served) -> None:
    coverage = served_two.client.get(f"/coverage?{ZARQA}&by=month").text
    assert "XZ02" in coverage or "Middle Zarqa" in coverage
    access = served_two.client.get(f"/access?{ZARQA}").text
    assert "river-port" in access or "River Port" in access
    gaza = served_two.client.get(f"/access?{GAZA}").text
    assert "Kerem Shalom" in gaza or "kerem-shalom" in gaza
    assert "Zarqa Valley" in served_two.client.get(f"/?{ZARQA}").text  # the tagline names the context
    zarqa_map = served_two.client.get(f"/map?{ZARQA}").text  # no boundaries imported: entry points, areas listed
    assert "no boundaries imported for Zarqa Valley" in zarqa_map and 'data-basis="points"' in zarqa_map
    assert 'data-code="north-gate"' in zarqa_map and "Middle Zarqa" in zarqa_map


def test_context_kept_across_links_and_downloads(served_two: Served) -> None:
    html = served_two.client.get(f"/access?{ZARQA}").text
    nav = re.findall(r'<nav aria-label="main">(.*?)</nav>', html, flags=re.S)[0]
    assert all("context=XZ" in href for href in re.findall(r'href="([^"]+)"', nav))
    downloads = re.findall(r'href="(/api/v1/[^"]+format=csv[^"]*)"', html)
    assert downloads and all("context=XZ" in d for d in downloads)


def test_picker_lists_the_contexts(served_two: Served) -> None:
    html = served_two.client.get("/").text
    picker = re.findall(r'<form[^>]*id="context-picker".*?</form>', html, flags=re.S)
    assert picker and 'value="XZ"' in picker[0] and 'value="gaza-strip"' in picker[0]
    assert "--context" in html or "context" in html  # the blocks ask for one
