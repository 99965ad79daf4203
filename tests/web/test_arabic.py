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


@pytest.fixture(scope="module")
def zarqa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The worked example (a context that is not Gaza, its publisher a name of several words) beside Gaza's
    reference set, its boundaries imported, and its delivery list re-published with 20 March rows doubled:
    a revision alert in a month other than Gaza's, with no trucks in the list (tonnes only)."""
    from lifeline.alerts.evaluate import evaluate
    from lifeline.geo import boundaries
    from lifeline.ingest.service import import_file
    from lifeline.reference.load import load_all
    from lifeline.store.engine import open_store
    from tests.contexts.conftest import EXAMPLE, set_up_example

    folder = tmp_path_factory.mktemp("zarqa-arabic")
    engine: Engine = open_store(f"sqlite:///{folder / 'lifeline.db'}")
    load_all(engine)
    set_up_example(engine)
    boundaries.import_boundaries(engine, EXAMPLE / "5-boundaries.geojson")  # no publisher, no title: Lifeline's own
    head, tags, *data = (EXAMPLE / "3-deliveries.csv").read_text(encoding="utf-8").splitlines()
    doubled = [",".join(str(int(float(c)) * 2) if i == 3 else c for i, c in enumerate(line.split(",")))
               if n < 20 else line for n, line in enumerate(data)]
    (folder / "v2").mkdir()
    (folder / "v2" / "3-deliveries.csv").write_text("\n".join([head, tags, *doubled]) + "\n", encoding="utf-8")
    assert import_file(engine, folder / "v2" / "3-deliveries.csv").rows_changed == 20
    served = serve(engine, Path(folder), data=False)
    evaluate(engine)
    yield served
    served.client.close()
    engine.dispose()


ZARQA_PAGES = ["/map", "/map?date=2025-03-20", "/", "/?alerts=all", "/access", "/coverage", "/sources", "/data"]


@pytest.mark.parametrize("path", ZARQA_PAGES)
def test_no_english_left_in_another_context(zarqa: Served, path: str) -> None:
    """The Map page's notes and the boundaries' source (which Lifeline titles itself when the import names
    none), the alerts and revisions of a context with a publisher of several words: all in Arabic."""
    page = zarqa.client.get(path + ("&" if "?" in path else "?") + "context=XZ&lang=ar")
    assert page.status_code == 200 and 'dir="rtl"' in page.text
    left = english_words(page.text)
    assert not left, f"{path}: English left in the Arabic page: {left[:12]}"


def test_revision_alert_in_arabic_names_its_month_and_counts_its_rows(zarqa: Served) -> None:
    from lifeline.alerts.store import list_alerts

    with zarqa.engine.connect() as conn:
        (alert,) = list_alerts(conn, rule="revision")
    assert "March 2025" in alert["message"] and "nan" not in alert["title"] + alert["message"]
    assert "trucks" not in alert["message"]  # the list has no trucks: no "0 -> 0"
    html = zarqa.client.get("/?alerts=all&context=XZ&lang=ar").text
    text = re.sub(r"<[^>]+>", "", html)
    assert "آذار/مارس 2025" in text and "March" not in text
    assert "سحب 20 صفًا بتاريخ" in text
    sources = re.findall(r'<div class="sources">.*?</div>', zarqa.client.get("/map?context=XZ&lang=ar").text, re.S)
    shown = re.sub(r"<[^>]+>", "", " ".join(sources))
    assert "حدود إدارية (5-boundaries.geojson)" in shown and "Admin boundaries" not in shown
    # the publisher is the features' own `source` property (docs/new-context.md), never "not stated" in English
    assert "Lifeline worked example (fictional)" in shown and "not stated" not in shown
    english = re.sub(r"<[^>]+>", "", " ".join(re.findall(
        r'<div class="sources">.*?</div>', zarqa.client.get("/map?context=XZ").text, re.S)))
    assert "Admin boundaries (5-boundaries.geojson)" in english  # English pages keep it as written


def test_as_of_control_reads_in_arabic_and_submits_iso(arabic: Served) -> None:
    """A browser's date picker writes mm/dd/yyyy whatever the page's language: the Arabic page gives an ISO text
    field with its format in Arabic and, once chosen, the day written out with its Arabic month."""
    html = arabic.client.get("/access?lang=ar").text
    field = re.search(r'<input[^>]*name="as_of"[^>]*>', html)
    assert field and 'type="text"' in field.group(0) and 'placeholder="YYYY-MM-DD"' in field.group(0)
    assert re.search(r'id="as-of-hint">بصيغة سنة-شهر-يوم', html)
    chosen = arabic.client.get("/access?lang=ar&as_of=2030-09-15").text
    hint = re.search(r'id="as-of-hint">(.*?)</span>', chosen, re.S)
    assert hint and "أيلول/سبتمبر" in hint.group(1) and "<bdi>2030</bdi>" in hint.group(1)
    assert 'value="2030-09-15"' in chosen and "as_of=2030-09-15" in chosen  # submitted and kept as ISO
    english = arabic.client.get("/access").text
    assert re.search(r'<input type="date"[^>]*name="as_of"', english)
