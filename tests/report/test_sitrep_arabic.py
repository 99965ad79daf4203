"""The Arabic sitrep in Arabic: the rule names, the core's column headers, notes and marks, and a map caption
that names what the map draws (Gaza's schematic, imported boundaries or the entry points alone)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from lifeline.geo import boundaries
from lifeline.report.build import build
from lifeline.report.document import Report
from lifeline.report.i18n import prose, rule_name
from lifeline.report.render import to_html
from tests.contexts.boundaries_files import BOUNDARIES
from tests.contexts.conftest import set_up_example
from tests.report.test_report import D0, _small_store

ARABIC = re.compile(r"[\u0600-\u06ff]")
# A header or cell may be a code or a source's name only ("COGAT / UNRWA", "UNRWA", "n/a" never).
CODE_ONLY = re.compile(r"^[A-Z0-9 /_:.()%–\-]*$")


def _headers(rep: Report) -> list[str]:
    return [c for sec in [*rep.sections, rep.appendix] for tb in sec.tables for c in tb.columns]


def test_headers_notes_and_marks_are_arabic(sqlite_store: Engine) -> None:
    _small_store(sqlite_store)
    with sqlite_store.connect() as conn:
        en = build(conn, D0, D0 + timedelta(days=19), runs=20)
        ar = build(conn, D0, D0 + timedelta(days=19), lang="ar", runs=20)
    english = set(_headers(en))
    latin = [h for h in _headers(ar) if not ARABIC.search(h) and not CODE_ONLY.match(h)]
    assert not latin, f"headers left in English: {latin}"
    assert not english & set(_headers(ar)) - {h for h in english if CODE_ONLY.match(h)}
    notes = [n for sec in ar.sections for tb in sec.tables for n in tb.notes]
    assert notes and all(ARABIC.search(n) for n in notes if "lifeline" not in n), notes
    html = to_html(ar)
    # the coverage table's completeness marks ("partial: data from …", "complete") read in Arabic
    for word in ("partial:", ">complete<", "days without recorded entries", "(no crossing given)"):
        assert word not in html


@pytest.mark.parametrize("rule", ["crossing-gap", "trucks-low", "coverage-low", "crossing-closed",
                                  "sources-diverge", "facilities-worse", "revision"])
def test_every_rule_has_an_arabic_name(rule: str) -> None:
    """The rules' names in the bullets and the alerts table come from the web's table: none stays English."""
    assert ARABIC.search(rule_name("ar", rule)) and rule_name("en", rule) == rule.replace("-", " ")


def test_alert_titles_read_in_arabic_with_the_places_names() -> None:
    names = {"Kerem Shalom": "كرم أبو سالم"}.get
    for title in ("No recorded entries at Kerem Shalom for 5 days (UNRWA)", "Kerem Shalom reported closed for 3 days"):
        shown = prose("ar", title, lambda s: names(s) or s)
        assert "كرم أبو سالم" in shown and not re.search(r"[a-z]{3,}", shown), shown
    assert ARABIC.search(prose("ar", "Trucks below 20% of the pre-war baseline (COGAT)"))
    assert ARABIC.search(prose("ar", "COGAT and UNRWA truck counts differ by more than 1.5x"))
    assert ARABIC.search(prose("ar", "7-day food energy coverage below 80% in gaza-strip"))


def test_gaza_map_caption_says_schematic(sqlite_store: Engine) -> None:
    _small_store(sqlite_store)
    with sqlite_store.connect() as conn:
        for lang, word in (("en", "schematic"), ("ar", "مخطط")):
            rep = build(conn, D0, D0 + timedelta(days=19), lang=lang, runs=5)
            if rep.map_svg:
                assert 'data-basis="schematic"' in rep.map_svg and word in rep.map_caption


def test_map_caption_follows_the_basis_drawn(sqlite_store: Engine) -> None:
    set_up_example(sqlite_store)
    a, b = date(2025, 3, 1), date(2025, 3, 30)
    with sqlite_store.connect() as conn:
        before = {lang: build(conn, a, b, lang=lang, runs=1) for lang in ("en", "ar")}
    boundaries.import_boundaries(sqlite_store, BOUNDARIES)
    with sqlite_store.connect() as conn:
        after = {lang: build(conn, a, b, lang=lang, runs=1) for lang in ("en", "ar")}
    assert 'data-basis="points"' in before["en"].map_svg
    assert 'data-basis="boundaries"' in after["en"].map_svg
    for reps in (before, after):
        assert "schematic" not in reps["en"].map_caption and "مخطط" not in reps["ar"].map_caption
    assert "coordinates" in before["en"].map_caption and "إحداثيات" in before["ar"].map_caption
    assert "boundaries" in after["en"].map_caption and "حدود" in after["ar"].map_caption


@pytest.mark.parametrize(("text", "runs"), [
    ("بلغت 45 % من الاحتياج", ["45 %"]),
    ("تغيّر -23% عن (فترة 95 %: 1,388–\u20602,741).", ["-23%", "95 %", "1,388–\u20602,741"]),
    ("وفق UNRWA Situation Report #120، https://www.unrwa.org/a/، 2024-05-06.",
     ["UNRWA Situation Report #120", "https://www.unrwa.org/a/", "2024-05-06"]),
    ("معبر Kerem Shalom، Rafah (2024-05-06)", ["Kerem Shalom", "Rafah", "2024-05-06"]),
    ("لا أرقام هنا", []),
])
def test_left_to_right_runs_are_isolated_whole(text: str, runs: list[str]) -> None:
    from lifeline.i18n.wording import LRI, PDI, isolated

    out = isolated(text)
    assert re.findall(LRI + "([^" + PDI + "]*)" + PDI, out) == runs
    assert out.replace(LRI, "").replace(PDI, "") == text


def test_isolates_touch_text_only() -> None:
    from lifeline.report.render import isolate_runs

    html = ('<p class="x1" id="ref-2">وفق UNRWA في 2024-05-06</p><style>p { margin: 2px; }</style>'
            '<svg><text x="10">45 %</text><svg><text>7</text></svg><text>8</text></svg><a href="#r-1">[1]</a>')
    out = isolate_runs(html)
    assert '<p class="x1" id="ref-2">وفق \u2066UNRWA\u2069 في \u20662024-05-06\u2069</p>' in out
    assert "<style>p { margin: 2px; }</style>" in out and '<text x="10">45 %</text>' in out
    assert "<text>8</text>" in out and '<a href="#r-1">[\u20661\u2069]</a>' in out
