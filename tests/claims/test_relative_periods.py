"""One convention for relative periods, English and Arabic (lifeline/claims/relative.py, docs/claims.md):
a window of a length is that many full days before the document date (the document day is not counted);
"last week" is the Monday-to-Sunday week before the document's; "this week" / "this month" run from the
unit's first day to the day before the document date (the document day itself on that first day)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from lifeline.claims import dates
from lifeline.claims.check import check_document
from lifeline.claims.rules import load_rules

WAR = load_rules().war_start
MON, WED, SUN, FIRST = date(2024, 5, 20), date(2024, 5, 22), date(2024, 5, 26), date(2024, 6, 1)


def _period(sentence: str, doc: date) -> tuple[date, date]:
    p = dates.resolve_period(sentence, dates.find_dates(sentence), doc, WAR)
    return p.start, p.end


@pytest.mark.parametrize(
    ("english", "arabic"),
    [
        ("Aid trucks entered over the past week.", "دخلت الشاحنات خلال الأسبوع الماضي."),
        ("Aid trucks entered in the last seven days.", "دخلت الشاحنات خلال الأيام السبعة الماضية."),
        ("Aid trucks entered over the past 7 days.", "دخلت الشاحنات في آخر ٧ أيام."),
        ("Aid trucks entered over the past 7 days.", "دخلت الشاحنات خلال الـ7 أيام الماضية."),
    ],
)
@pytest.mark.parametrize("doc", [MON, WED, SUN, FIRST])
def test_the_past_week_is_the_seven_full_days_before_the_document(english: str, arabic: str, doc: date) -> None:
    start, end = doc - timedelta(days=7), doc - timedelta(days=1)
    assert _period(english, doc) == (start, end)
    assert _period(arabic, doc) == (start, end)


@pytest.mark.parametrize("doc", [MON, WED, SUN])
@pytest.mark.parametrize("sentence", ["Aid trucks entered last week.", "Trucks came in the previous week.",
                                      "دخلت الشاحنات الأسبوع الماضي.", "في الأسبوع المنصرم دخلت الشاحنات."])
def test_last_week_is_the_calendar_week_before_the_documents(sentence: str, doc: date) -> None:
    assert _period(sentence, doc) == (date(2024, 5, 13), date(2024, 5, 19))  # Monday to Sunday, on any day of the week


@pytest.mark.parametrize(
    ("sentence", "doc", "start", "end"),
    [
        ("Trucks entered this week.", WED, date(2024, 5, 20), date(2024, 5, 21)),
        ("دخلت الشاحنات هذا الأسبوع.", WED, date(2024, 5, 20), date(2024, 5, 21)),
        ("Trucks entered this week.", MON, MON, MON),  # the week's first day: no full day yet
        ("Trucks entered this month.", WED, date(2024, 5, 1), date(2024, 5, 21)),
        ("دخلت الشاحنات خلال الشهر الجاري.", WED, date(2024, 5, 1), date(2024, 5, 21)),
        ("Trucks entered this month.", FIRST, FIRST, FIRST),
        ("Trucks entered last month.", FIRST, date(2024, 5, 1), date(2024, 5, 31)),
        ("دخلت الشاحنات الشهر الماضي.", WED, date(2024, 4, 1), date(2024, 4, 30)),
        ("Trucks entered over the past month.", WED, date(2024, 4, 22), date(2024, 5, 21)),
        ("دخلت الشاحنات خلال الشهر الماضي.", WED, date(2024, 4, 22), date(2024, 5, 21)),
        ("Trucks entered in the past 24 hours.", WED, date(2024, 5, 21), date(2024, 5, 21)),
        ("دخلت الشاحنات خلال الساعات الـ24 الماضية.", WED, date(2024, 5, 21), date(2024, 5, 21)),
        ("Trucks entered over the past 48 hours.", WED, date(2024, 5, 20), date(2024, 5, 21)),
        ("دخلت الشاحنات خلال اليومين الماضيين.", WED, date(2024, 5, 20), date(2024, 5, 21)),
        ("Trucks entered over the past three days.", WED, date(2024, 5, 19), date(2024, 5, 21)),
        ("Trucks entered over the past two weeks.", WED, date(2024, 5, 8), date(2024, 5, 21)),
        ("دخلت الشاحنات خلال الأسبوعين الماضيين.", WED, date(2024, 5, 8), date(2024, 5, 21)),
        ("دخلت الشاحنات خلال الأسابيع الثلاثة الماضية.", WED, date(2024, 5, 1), date(2024, 5, 21)),
        ("Trucks entered yesterday.", MON, date(2024, 5, 19), date(2024, 5, 19)),
        ("دخلت الشاحنات أمس.", MON, date(2024, 5, 19), date(2024, 5, 19)),
        ("Trucks entered since Monday.", WED, date(2024, 5, 20), WED),  # "since": to the document date
    ],
)
def test_each_relative_phrase(sentence: str, doc: date, start: date, end: date) -> None:
    assert _period(sentence, doc) == (start, end)


def test_the_window_used_is_shown_with_its_rule(reference_store: Engine) -> None:
    text = "Amman, 20 May 2024. Over the past week, fewer than 100 trucks a day entered Gaza."
    with reference_store.connect() as conn:
        (claim,) = check_document(conn, text).as_dict()["claims"]
    assert (claim["date"]["from"], claim["date"]["to"]) == ("2024-05-13", "2024-05-19")
    assert "the 7 full days before the document date" in claim["date"]["basis"]
    assert claim["reading"]["period"] == claim["date"]


def test_arabic_window_shown_the_same(reference_store: Engine) -> None:
    text = "عمّان، 20 أيار/مايو 2024 - دخلت أقل من 100 شاحنة يوميا إلى غزة خلال الأيام السبعة الماضية."
    with reference_store.connect() as conn:
        (claim,) = check_document(conn, text).as_dict()["claims"]
    assert (claim["date"]["from"], claim["date"]["to"]) == ("2024-05-13", "2024-05-19")
    assert "the 7 full days before the document date" in claim["date"]["basis"]


def test_a_rate_with_no_period_is_the_past_week(reference_store: Engine) -> None:
    text = "Amman, 20 May 2024. About 100 trucks a day enter Gaza."
    with reference_store.connect() as conn:
        (claim,) = check_document(conn, text).as_dict()["claims"]
    assert (claim["date"]["from"], claim["date"]["to"]) == ("2024-05-13", "2024-05-19")


def test_a_count_of_people_in_a_window_is_as_of_the_document_date(reference_store: Engine) -> None:
    text = "GAZA, 14 May 2024 - About 450,000 people have fled Rafah over the past week."
    with reference_store.connect() as conn:
        (claim,) = check_document(conn, text).as_dict()["claims"]
    assert claim["indicator"] == "fled" and claim["date"]["to"] == "2024-05-14"
    assert "as of the document date" in claim["date"]["basis"]
