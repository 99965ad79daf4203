"""Reading classes the held-out sets were still missed on, each on sentences of its own, English and Arabic:
ranges ("120 to 150", "between 4,000 and 5,000", "من 100 إلى 150") as one claim with two bounds; a requirement
word of a later clause naming its own figure, not the first; fractions as shares ("less than half of the 200
trucks a day … needs", "ربع ما كان يدخل قبل الحرب"), judged against the whole the sentence names."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.claims.checked import report

DOC = date(2024, 4, 10)


def _claims(engine: Engine, text: str, doc: date = DOC) -> list[dict[str, Any]]:
    return list(report(engine, text, doc)["claims"])


# ---------------------------------------------------------------------------------------------------- ranges
@pytest.mark.parametrize(
    ("text", "indicator", "bounds"),
    [
        ("In March 2024, 110 to 140 trucks a day entered Gaza.", "trucks_per_day", [110.0, 140.0]),
        ("Gaza received 90-130 trucks a day in March 2024.", "trucks_per_day", [90.0, 130.0]),
        ("Gaza received 90–130 aid trucks a day in March 2024.", "trucks_per_day", [90.0, 130.0]),
        ("Between 3,500 and 4,200 trucks entered the Strip in March 2024.", "trucks_total", [3500.0, 4200.0]),
        ("From 3,500 to 4,200 aid trucks crossed into Gaza in March 2024.", "trucks_total", [3500.0, 4200.0]),
        ("Between 1.5 and 1.7 million people are displaced in Gaza.", "displaced", [1.5e6, 1.7e6]),
        ("دخلت من 110 إلى 140 شاحنة يومياً إلى غزة في آذار 2024.", "trucks_per_day", [110.0, 140.0]),
        ("دخل بين 3500 و4200 شاحنة إلى القطاع في آذار 2024.", "trucks_total", [3500.0, 4200.0]),
    ],
)
def test_a_range_is_one_claim_with_two_bounds(
    reference_store: Engine, text: str, indicator: str, bounds: list[float]
) -> None:
    (c,) = _claims(reference_store, text)
    assert (c["indicator"], c["bounds"], c["reading"]["bounds_kind"]) == (indicator, bounds, "range")
    assert any("the range" in n for n in c["notes"]), c["notes"]


@pytest.mark.parametrize(
    "text",
    ["Daily truck arrivals rose from 100 in February 2024 to 150 in March 2024.",
     "In March 2024 the number of trucks a day fell from 150 to 100.",
     "ارتفع عدد الشاحنات اليومي من 100 إلى 150 في آذار 2024."],
)
def test_a_change_from_one_figure_to_another_is_not_a_range(reference_store: Engine, text: str) -> None:
    claims = _claims(reference_store, text)
    assert all(c["reading"]["bounds_kind"] != "range" for c in claims), [c["figure"] for c in claims]


def test_a_descending_pair_is_not_a_range(reference_store: Engine) -> None:
    claims = _claims(reference_store, "In March 2024, 150 to 100 trucks a day entered Gaza.")
    assert all(c["reading"]["bounds_kind"] != "range" for c in claims)


# ------------------------------------------------------------------------------ requirement words by clause
@pytest.mark.parametrize(
    "text",
    ["In March 2024, 3,900 trucks entered the Strip, while the minimum needed is 600 a day.",
     "In March 2024, 3,900 trucks entered the Strip; the minimum required is 600 a day.",
     "دخلت 3900 شاحنة إلى القطاع في آذار 2024، بينما الحد الأدنى المطلوب 600 شاحنة يومياً."],
)
def test_a_requirement_in_a_later_clause_names_its_own_figure(reference_store: Engine, text: str) -> None:
    got = [(c["value"], c["indicator"]) for c in _claims(reference_store, text)]
    assert got == [(3900.0, "trucks_total"), (600.0, "trucks_needed")]


@pytest.mark.parametrize(
    "text",
    ["In February 2024 food deliveries came to about 1,700 kcal per person per day, far below the 2,100 minimum.",
     "Each person needs 2,100 kcal a day, yet in February 2024 food for only 1,700 kcal a person entered."],
)
def test_a_kcal_figure_is_a_requirement_only_in_its_own_phrase(reference_store: Engine, text: str) -> None:
    readings = {c["value"]: c["reading"]["reading"] for c in _claims(reference_store, text, date(2024, 3, 10))}
    assert readings[1700.0] == "per person per day"
    assert readings.get(2100.0, "requirement per person per day") == "requirement per person per day"


# ------------------------------------------------------------------------------------- fractions as shares
@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        (
            "In January 2024 deliveries met less than half of the 300 trucks a day that WFP says Gaza needs.",
            [0.0, 50.0],
        ),
        ("In January 2024 Gaza received only a third of the 300 trucks a day it needs.", [33.3, 33.3]),
        ("في كانون الثاني 2024 لم يدخل سوى نصف الـ300 شاحنة يومياً التي تحتاجها غزة.", [50.0, 50.0]),
    ],
)
def test_a_fraction_of_a_named_need_is_judged_against_that_figure(
    reference_store: Engine, text: str, bounds: list[float]
) -> None:
    claims = _claims(reference_store, text, date(2024, 2, 10))
    (share,) = [c for c in claims if c["indicator"] == "share_of_needs"]
    assert share["bounds"] == bounds
    assert share["reading"]["share_of"]["value"] == 300.0
    assert any("the statement itself names" in n for n in share["notes"]), share["notes"]
    assert all(e["source"].endswith("÷ the statement") for e in share["evidence"]), share["evidence"]
    assert [c["value"] for c in claims if c["indicator"] == "trucks_needed"] == [300.0]


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("In April 2024 the trucks entering Gaza were about a third of what entered before the war.", [29.97, 36.63]),
        ("لم تتجاوز الشاحنات التي دخلت غزة في نيسان/أبريل 2024 ربع ما كان يدخل قبل الحرب.", [0.0, 25.0]),
        ("دخل إلى غزة في نيسان 2024 نحو ثلث ما كان يدخل قبل الحرب.", [29.97, 36.63]),
    ],
)
def test_a_fraction_of_the_prewar_flow_is_a_share_of_the_baseline(
    reference_store: Engine, text: str, bounds: list[float]
) -> None:
    (c,) = _claims(reference_store, text, date(2024, 5, 10))
    assert (c["indicator"], c["reading"]["reading"]) == ("share_of_needs", "share of a baseline")
    assert c["bounds"] == pytest.approx(bounds)
    assert (c["date"]["from"], c["date"]["to"]) == ("2024-04-01", "2024-04-30")
