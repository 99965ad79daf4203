"""Every page in Arabic: no English word in the visible text outside data values (place and publisher names,
source titles, files and codes, marked translate="no"), numbers and dates isolated in <bdi>.

The store holds the reference set and a small UNRWA-shaped list, so every block has something to show:
statuses with their ages, needs, baselines, coverage with its notes, alerts, datasets and revisions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.web.helpers import Served, serve
from tests.web.test_map_boundaries import served_maps  # noqa: F401  (a context with imported boundaries)
from tests.web.visible import english_words

PAGES = ["/", "/access", "/coverage", "/sources", "/data", "/claims", "/login", "/no-such-page",
         "/access?from=2024-13-01", "/access?by=week", "/coverage?by=month", "/?alerts=all", "/map",
         "/map?date=2024-05-10"]


@pytest.fixture(scope="module")
def arabic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    from lifeline.alerts.evaluate import evaluate
    from lifeline.reference.load import load_all
    from lifeline.store.engine import open_store

    folder = tmp_path_factory.mktemp("arabic")
    engine: Engine = open_store(f"sqlite:///{folder / 'lifeline.db'}")
    load_all(engine)
    served = serve(engine, Path(folder))
    evaluate(engine)
    yield served
    served.client.close()
    engine.dispose()


@pytest.mark.parametrize("path", PAGES)
def test_no_english_left_on_an_arabic_page(arabic: Served, path: str) -> None:
    page = arabic.client.get(path + ("&" if "?" in path else "?") + "lang=ar")
    assert 'dir="rtl"' in page.text
    left = english_words(page.text)
    assert not left, f"{path}: English left in the Arabic page: {left[:12]}"


def test_numbers_and_dates_are_isolated_in_rtl(arabic: Served) -> None:
    html = arabic.client.get("/access?lang=ar").text
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)
    dated = [c for c in cells if re.search(r"\d{4}-\d{2}-\d{2}", c)]
    assert dated and all("<bdi>" in c for c in dated), dated[:3]
    english = arabic.client.get("/access").text
    assert "<bdi>" not in "".join(re.findall(r"<td[^>]*>(.*?)</td>", english, flags=re.S))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_alert_messages_name_places_never_codes(arabic: Served, lang: str) -> None:
    """An alert's message names its places as the page does ("Gaza Strip", "قطاع غزة"), never by their codes
    ("gaza-strip", "PS-RFH"), in the grouped list and in the table."""
    from lifeline.store import queries_web

    with arabic.engine.connect() as conn:
        places = queries_web.locations(conn)
    html = arabic.client.get(f"/?alerts=all&lang={lang}").text
    block = " ".join(re.findall(r'<details class="alert-group".*?</details>', html, re.S))
    shown = " ".join(re.sub(r"<[^>]+>", " ", li) for li in re.findall(r'<li dir="auto">(.*?)</li>', block, re.S))
    assert shown, "no alert listed"
    codes = [p["code"] for p in places if re.search(rf"(?<![\w-]){re.escape(p['code'])}(?![\w-])", shown)]
    assert not codes, f"codes in the alerts' messages: {codes}"
    names = [(p["name_ar"] if lang == "ar" else p["name_en"]) for p in places]
    assert sum(1 for n in names if n and n in shown) >= 2
    if lang == "ar":  # outside what is quoted as published (a source's own note), no English place name
        ours = " ".join(re.sub(r'<span translate="no">.*?</span>|<[^>]+>', " ", li)
                        for li in re.findall(r'<li dir="auto">(.*?)</li>', block, re.S))
        english = [p["name_en"] for p in places if p["name_en"] and p["name_ar"] and p["name_en"] != p["name_ar"]
                   and re.search(rf"\b{re.escape(p['name_en'])}\b", ours)]
        assert not english, english


def test_map_title_and_notes_follow_the_context(arabic: Served, served_maps: Served) -> None:  # noqa: F811
    """Gaza's schematic keeps "governorates and crossings"; a context with its own boundaries is titled by its
    name, and its notes (the boundaries' basis) read in Arabic."""
    gaza = arabic.client.get("/map?lang=ar").text
    assert "<h2>المحافظات والمعابر</h2>" in gaza
    zarqa = served_maps.client.get("/map?context=XZ&lang=ar").text
    assert re.search(r"<h2>وادي الزرقاء: المناطق ونقاط الدخول</h2>", zarqa) and "المحافظات والمعابر" not in zarqa
    assert "حدود المستوى الإداري" in zarqa and "boundaries of admin level" not in zarqa
    assert "<h2>Zarqa Valley: areas and entry points</h2>" in served_maps.client.get("/map?context=XZ").text
    hovers = re.findall(r"<title>(.*?)</title>", zarqa.split('id="map-svg"', 1)[1].split("</svg>", 1)[0], re.S)
    assert hovers and not [h for h in hovers if re.search(r"\b(reported|basis|days old|unknown)\b", h)], hovers
