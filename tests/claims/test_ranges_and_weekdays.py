"""Known misses of issue 13, each a class with sentences of its own: a range written in Arabic number words with
the و joined to the second ("ما بين مئة ومئتين"), and a day named by its weekday ("يوم الأربعاء", "الأربعاء
الماضي", "أمس الثلاثاء", "on Wednesday", "last Tuesday") resolved against the document date; a weekday to come
("next Wednesday", "الأحد المقبل") is not checkable."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.claims.checked import report as _report

WED = date(2024, 5, 22)  # a Wednesday


def _trucks(engine: Engine, text: str, doc: date = WED) -> dict[str, Any]:
    out = _report(engine, text, doc)
    found = [c for c in out["claims"] if c["indicator"].startswith("trucks")]
    assert len(found) == 1, out
    return found[0]


# ------------------------------------------------------------------------------- ranges in words and digits
@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("دخلت ما بين مئة ومئتين شاحنة إلى غزة أمس.", [100, 200]),
        ("دخلت بين مئة و مئتين شاحنة إلى غزة أمس.", [100, 200]),
        ("دخل ما بين خمسين وسبعين شاحنة إلى غزة أمس.", [50, 70]),
        ("دخلت من مئة إلى مئة وخمسين شاحنة إلى غزة أمس.", [100, 150]),
        ("دخلت بين ٥٠ و٧٠ شاحنة إلى غزة أمس.", [50, 70]),
        ("دخلت من 100 إلى 150 شاحنة إلى غزة أمس.", [100, 150]),
        ("Between fifty and seventy trucks entered Gaza yesterday.", [50, 70]),
    ],
)
def test_a_range_in_words_or_digits_is_one_claim(reference_store: Engine, text: str, bounds: list[int]) -> None:
    claim = _trucks(reference_store, text)
    assert claim["bounds"] == bounds
    assert claim["reading"]["bounds_kind"] == "range"


def test_a_compound_word_figure_is_still_one_figure(reference_store: Engine) -> None:
    claim = _trucks(reference_store, "دخلت ثلاثة آلاف وخمسمئة شاحنة إلى غزة في نيسان.", date(2024, 5, 2))
    assert claim["bounds"] == [3500, 3500]


def test_a_change_in_words_stays_two_figures(reference_store: Engine) -> None:
    out = _report(reference_store, "ارتفع عدد الشاحنات من مئة إلى مئتين في اليوم.", WED)
    assert sorted(c["value"] for c in out["claims"]) == [100, 200]


def test_a_joined_word_alone_is_a_figure(reference_store: Engine) -> None:
    out = _report(reference_store, "دخلت 300 شاحنة إلى رفح وخمسين شاحنة إلى كرم أبو سالم أمس.", WED)
    assert sorted(c["value"] for c in out["claims"]) == [50, 300]


# ------------------------------------------------------------------------------- weekdays
@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("دخلت 200 شاحنة إلى غزة يوم الأربعاء.", "2024-05-22"),  # the document day is that weekday
        ("دخلت 200 شاحنة إلى غزة الأربعاء الماضي.", "2024-05-15"),  # "last": before the document day
        ("دخلت 200 شاحنة إلى غزة يوم الأحد.", "2024-05-19"),
        ("دخلت 200 شاحنة إلى غزة الخميس.", "2024-05-16"),
        ("200 trucks entered Gaza on Wednesday.", "2024-05-22"),
        ("200 trucks entered Gaza last Tuesday.", "2024-05-21"),
        ("200 trucks entered Gaza last Wednesday.", "2024-05-15"),
        ("On Sunday, 200 trucks entered Gaza.", "2024-05-19"),
    ],
)
def test_a_weekday_is_the_latest_such_day(reference_store: Engine, text: str, day: str) -> None:
    claim = _trucks(reference_store, text)
    assert claim["indicator"] == "trucks_total"
    assert (claim["date"]["from"], claim["date"]["to"]) == (day, day), claim["date"]
    assert "before the document date" in claim["date"]["basis"]


def test_yesterday_named_by_its_weekday_is_yesterday(reference_store: Engine) -> None:
    claim = _trucks(reference_store, "دخلت 200 شاحنة إلى غزة أمس الثلاثاء.")
    assert (claim["date"]["from"], claim["date"]["to"], claim["date"]["basis"]) == ("2024-05-21", "2024-05-21",
                                                                                    "أمس الثلاثاء")


def test_since_a_weekday_runs_to_the_document_date(reference_store: Engine) -> None:
    claim = _trucks(reference_store, "دخلت 900 شاحنة إلى غزة منذ يوم السبت.")
    assert (claim["date"]["from"], claim["date"]["to"]) == ("2024-05-18", "2024-05-22")


def test_a_status_on_a_weekday_is_that_day(reference_store: Engine) -> None:
    out = _report(reference_store, "أغلق معبر رفح يوم الاثنين.", WED)
    (claim,) = [c for c in out["claims"] if c["indicator"] == "crossing_status"]
    assert (claim["date"]["from"], claim["date"]["to"]) == ("2024-05-20", "2024-05-20")


@pytest.mark.parametrize(
    "text",
    [
        "200 trucks will enter Gaza next Wednesday.",
        "ستدخل 200 شاحنة إلى غزة يوم الأحد المقبل.",
        "The Rafah crossing will reopen next Monday.",
        "سيعاد فتح معبر رفح الخميس القادم.",
    ],
)
def test_a_weekday_to_come_is_not_checkable(reference_store: Engine, text: str) -> None:
    out = _report(reference_store, text, WED)
    assert out["claims"] == []
    assert any("after the document date" in n["reason"] for n in out["not_checkable"]), out


def test_the_one_and_the_two_are_not_weekdays(reference_store: Engine) -> None:
    out = _report(reference_store, "دخلت 200 شاحنة عبر أحد المعابر، الأحد منها كرم أبو سالم.", WED)
    (claim,) = [c for c in out["claims"] if c["indicator"].startswith("trucks")]
    assert claim["date"]["basis"].endswith("(no period stated)")
