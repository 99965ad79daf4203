"""Extraction rules one by one: qualifiers to bounds, vague quantities, labels that are not figures,
sentence splitting, and date resolution against the document date."""

from __future__ import annotations

import math
from datetime import date

import pytest

from lifeline.claims import dates, quantities, sentences
from lifeline.claims.rules import load_rules

RULES = load_rules()
INF = math.inf


def one(text: str) -> quantities.Quantity:
    found = quantities.find(text, RULES)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "low", "high", "kind"),
    [
        ("2.5 million people", 2_500_000, 2_500_000, 2_500_000, "exact"),
        ("400,000 people", 400_000, 400_000, 400_000, "exact"),
        ("more than 1.5 million", 1_500_000, 1_500_000, INF, "lower"),
        ("over 200 trucks", 200, 200, INF, "lower"),
        ("at least 100 trucks", 100, 100, INF, "lower"),
        ("up to 450,000 people", 450_000, 0, 450_000, "upper"),
        ("fewer than 50 trucks", 50, 0, 50, "upper"),
        ("nearly 800,000 people", 800_000, 720_000, 800_000, "near"),
        ("almost 2,000 trucks", 2000, 1800, 2000, "near"),
        ("about 58 trucks", 58, 52.2, 63.8, "approx"),
        ("around 1.4 million", 1_400_000, 1_260_000, 1_540_000, "approx"),
        ("hundreds of trucks", 599.5, 200, 999, "vague"),
        ("dozens of people", 61.5, 24, 99, "vague"),
        ("hundreds of thousands of people", 599_999.5, 200_000, 999_999, "vague"),
        ("half a million people", 500_000, 500_000, 500_000, "exact"),
        ("one million people", 1_000_000, 1_000_000, 1_000_000, "exact"),
        ("200 trucks or more", 200, 200, INF, "lower"),
        ("only 12 hospitals", 12, 12, 12, "exact"),
        ("أكثر من 1.5 مليون نازح", 1_500_000, 1_500_000, INF, "lower"),
        ("نحو 1.4 مليون شخص", 1_400_000, 1_260_000, 1_540_000, "approx"),
    ],
)
def test_qualifier_bounds(text: str, value: float, low: float, high: float, kind: str) -> None:
    q = one(text)
    assert q.value == pytest.approx(value)
    assert q.low == pytest.approx(low)
    assert q.high == pytest.approx(high) if high != INF else q.high == INF
    assert q.qualifier_kind == kind


def test_percent_and_denominator() -> None:
    q = one("trucks meet 5% of needs")
    assert q.percent and q.value == 5
    assert one("4 per cent of what is needed").percent
    found = quantities.find("Only 12 of 36 hospitals are functioning", RULES)
    assert found[0].value == 12 and found[0].denominator == 36


@pytest.mark.parametrize(
    "text",
    ["Security Council resolution 2720 was adopted", "Flash Update #163 said", "in 2024 and 2023",
     "at 10 am local time", "the 16th consecutive day", "Brigade 401 moved"],
)
def test_labels_years_times_and_ordinals_are_not_figures(text: str) -> None:
    assert quantities.find(text, RULES) == []


def test_sentence_spans_respect_abbreviations() -> None:
    text = "Dr. Tedros said the U.N. counted 3 trucks. The next one e.g. here follows! Last\n\nParagraph two"
    spans = sentences.split(text, RULES.abbreviations)
    parts = [text[a:b] for a, b in spans]
    assert parts == ["Dr. Tedros said the U.N. counted 3 trucks.", "The next one e.g. here follows!", "Last",
                     "Paragraph two"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WASHINGTON, May 7, 2024 - text", date(2024, 5, 7)),
        ("GAZA, 7 May 2024 (OCHA) - text", date(2024, 5, 7)),
        ("Published 2024-05-07. Text", date(2024, 5, 7)),
        ("Tuesday 7th of May 2024", date(2024, 5, 7)),
        ("غزة، 7 مايو 2024 - نص", date(2024, 5, 7)),
        ("No date in this one, only May and 2024.", None),
    ],
)
def test_document_dateline(text: str, expected: date | None) -> None:
    assert dates.document_date(text) == expected


DOC = date(2024, 5, 8)  # a Wednesday


@pytest.mark.parametrize(
    ("sentence", "start", "end"),
    [
        ("Kerem Shalom was closed yesterday.", date(2024, 5, 7), date(2024, 5, 7)),
        ("The crossing has been closed today.", DOC, DOC),
        ("Aid has fallen since October.", date(2023, 10, 1), DOC),
        ("Aid has fallen since 7 October.", date(2023, 10, 7), DOC),
        ("Aid has fallen since the start of the war.", date(2023, 10, 7), DOC),
        ("Trucks entered last week.", date(2024, 4, 29), date(2024, 5, 5)),
        ("Trucks entered in the past week.", date(2024, 5, 1), date(2024, 5, 7)),  # full days before the document
        ("Trucks entered this week.", date(2024, 5, 6), date(2024, 5, 7)),
        ("Trucks entered last month.", date(2024, 4, 1), date(2024, 4, 30)),
        ("Trucks entered this month.", date(2024, 5, 1), date(2024, 5, 7)),
        ("Trucks entered over the past 3 days.", date(2024, 5, 5), date(2024, 5, 7)),
        ("Trucks entered in April.", date(2024, 4, 1), date(2024, 4, 30)),
        ("Trucks entered between 7 and 28 May.", date(2024, 5, 7), date(2024, 5, 28)),
        ("Trucks entered from 1 April to 6 May.", date(2024, 4, 1), date(2024, 5, 6)),
        ("Trucks entered on Monday.", date(2024, 5, 6), date(2024, 5, 6)),
        ("Three hospitals worked before 7 May.", date(2024, 5, 6), date(2024, 5, 6)),
        ("The pier opened on 17 May.", date(2023, 5, 17), date(2023, 5, 17)),  # no year, after the document
        ("Nothing about time here.", DOC, DOC),
        ("Aid fell in mid-April.", date(2024, 4, 11), date(2024, 4, 20)),
        ("By the end of April, trucks had stopped.", date(2024, 4, 26), date(2024, 4, 30)),
        ("Aid has fallen since late October.", date(2023, 10, 21), DOC),
        ("In early March 2024 aid rose.", date(2024, 3, 1), date(2024, 3, 10)),
    ],
)
def test_period_resolution(sentence: str, start: date, end: date) -> None:
    period = dates.resolve_period(sentence, dates.find_dates(sentence), DOC, RULES.war_start)
    assert (period.start, period.end) == (start, end)


def test_may_is_a_month_only_in_date_context() -> None:
    assert dates.find_dates("Aid may enter soon") == []
    assert [m.month for m in dates.find_dates("since May, aid fell")] == [5]
