"""The classes of statement the held-out set exposed, each on sentences of its own (never the held-out
ones): Arabic number words, Arabic "فقط" after the noun, Arabic ordinal days, appositives that speak of
part of a population, a town that is also a crossing beside a status word, "is now the only crossing",
and a need word in a later clause."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from lifeline.claims import dates, quantities
from lifeline.claims.check import check_parsed
from lifeline.claims.documents import from_text
from lifeline.claims.rules import load_rules

RULES = load_rules()


@pytest.mark.parametrize(
    ("text", "value"),
    [("وصلت خمسمئة شاحنة", 500), ("دخلت مائتا شاحنة", 200), ("عبرت أربعمائة شاحنة", 400),
     ("نحو ثلاثة آلاف شاحنة", 3000), ("خمسين شاحنة", 50)],
)
def test_arabic_number_words(text: str, value: float) -> None:
    (q,) = quantities.find(text, RULES)
    assert q.value == value


def test_arabic_only_after_the_noun_is_exact() -> None:
    (q,) = quantities.find("دخلت 40 شاحنة وقود فقط إلى الشمال", RULES)
    assert (q.qualifier, q.qualifier_kind, q.low, q.high) == ("فقط", "exact", 40, 40)


@pytest.mark.parametrize(
    ("text", "day", "month"),
    [("منذ الحادي والعشرين من تشرين الأول", 21, 10), ("في الثالث عشر من شهر آذار", 13, 3),
     ("منذ الأول من نيسان", 1, 4), ("حتى الثلاثين من حزيران/يونيو", 30, 6)],
)
def test_arabic_ordinal_days(text: str, day: int, month: int) -> None:
    (m,) = dates.find_dates(text)
    assert (m.day, m.month) == (day, month)


def _claims(engine: Engine, text: str) -> list[tuple[str, str, object]]:
    with engine.connect() as conn:
        report = check_parsed(conn, from_text(text), date(2024, 5, 25))
    return [(c.indicator, c.area, c.value) for c in report.claims]


@pytest.mark.parametrize(
    ("text", "indicator"),
    [("About 1.9 million people are in Gaza, the vast majority of them displaced.", "population"),
     ("يعيش في خان يونس نحو 600 ألف شخص، أغلبهم من النازحين.", "population")],
)
def test_an_appositive_does_not_name_the_figure(reference_store: Engine, text: str, indicator: str) -> None:
    assert [c[0] for c in _claims(reference_store, text)] == [indicator]


def test_a_town_that_is_a_crossing_beside_a_status_word(reference_store: Engine) -> None:
    got = _claims(reference_store, "Aid agencies say that with Rafah shut, Erez is still the only crossing in use.")
    assert ("crossing_status", "rafah", "closed") in got
    assert ("crossing_status", "erez", "open") in got
    # a town with no crossing talk is a town
    assert not [c for c in _claims(reference_store, "Schools in Rafah closed last week.") if c[1] == "rafah"]


def test_a_need_word_in_a_later_clause_is_not_a_need(reference_store: Engine) -> None:
    got = _claims(reference_store, "In April, 5,000 trucks crossed into Gaza, far below what is needed.")
    assert [c[0] for c in got] == ["trucks_total"]


@pytest.mark.parametrize(
    ("text", "qualifier", "kind"),
    [("لم يدخل سوى 20 شاحنة", "سوى", "exact"), ("يقدر عددهم بنحو 900 ألف", "بنحو", "approx")],
)
def test_arabic_only_and_fused_qualifiers(text: str, qualifier: str, kind: str) -> None:
    (q,) = quantities.find(text, RULES)
    assert (q.qualifier, q.qualifier_kind) == (qualifier, kind)


def _read(engine: Engine, text: str) -> list[tuple[str, str, object, str, str]]:
    with engine.connect() as conn:
        report = check_parsed(conn, from_text(text), date(2024, 5, 25))
    return [(c.indicator, c.area, c.value, c.date["from"], c.date["to"]) for c in report.claims]


def test_arabic_still_is_not_a_negation(reference_store: Engine) -> None:
    got = _read(reference_store, "وقال المتحدث إن معبر كرم أبو سالم ما زال مغلقاً، وإن معبر رفح لا يزال مغلقا.")
    assert {(g[1], g[2]) for g in got} == {("kerem-shalom", "closed"), ("rafah", "closed")}


def test_a_clause_break_ends_a_figures_area_and_period(reference_store: Engine) -> None:
    got = _read(reference_store, "قال المسؤول إن القطاع يحتاج إلى 400 شاحنة يومياً، وإن المعبر في رفح أغلق أمس.")
    assert got[0][:2] == ("trucks_needed", "gaza-strip")
    got = _read(reference_store, "Kerem Shalom is open, and 90 trucks entered through Erez yesterday.")
    (status,) = [g for g in got if g[0] == "crossing_status"]
    assert status[3:] == ("2024-05-25", "2024-05-25")


def test_a_need_verb_before_the_figure(reference_store: Engine) -> None:
    assert [g[0] for g in _read(reference_store, "Gaza needs 600 trucks a day to meet basic needs.")] == [
        "trucks_needed"
    ]


def test_a_baseline_word_in_the_next_clause_belongs_to_the_next_figure(reference_store: Engine) -> None:
    got = _read(reference_store, "تدخل الآن 40 شاحنة يومياً، بينما كانت تدخل 500 شاحنة يومياً قبل الحرب.")
    assert [g[0] for g in got] == ["trucks_per_day", "trucks_prewar"]


def test_without_a_dateline_a_figure_dated_in_full_is_checked(reference_store: Engine) -> None:
    text = ("In October 2024, about 30 aid trucks a day entered Gaza, against 500 a day before the war. "
            "Yesterday 50 trucks entered.")
    with reference_store.connect() as conn:
        report = check_parsed(conn, from_text(text))
    assert report.date is None
    assert [(c.figure, c.date["from"], c.date["to"], c.verdict) for c in report.claims] == [
        ("about 30", "2024-10-01", "2024-10-31", "consistent"), ("500", "2023-10-06", "2023-10-06", "consistent")
    ]
    assert [n.figure for n in report.not_checkable] == ["50"]  # "yesterday" needs the document's date


def test_since_the_start_of_the_operation_is_the_events_date(reference_store: Engine) -> None:
    got = _read(reference_store, "More than 800,000 people have fled Rafah since the start of the offensive.")
    assert got == [("fled", "PS-RFH", 800000.0, "2024-05-06", "2024-05-25")]
    # no event held for the area: the period is the document's
    got = _read(reference_store, "Some 300,000 people have fled Khan Yunis since the operation began.")
    assert got[0][3:] == ("2024-05-25", "2024-05-25")


@pytest.mark.parametrize(
    ("text", "reading"),
    [("دخلت 40 شاحنة يومياً في تشرين الأول، أي نحو 8 في المئة مما كان يدخل قبل الحرب.", "share of a baseline"),
     ("لا تغطي المساعدات سوى 15 في المئة من احتياجات السكان.", "share"),
     ("Only 40 trucks a day entered in October, some 8 per cent of the pre-war flow.", "share of a baseline")],
)
def test_a_percentage_of_the_pre_war_flow_or_of_needs(reference_store: Engine, text: str, reading: str) -> None:
    with reference_store.connect() as conn:
        report = check_parsed(conn, from_text(text), date(2024, 10, 30))
    (share,) = [c for c in report.claims if c.indicator == "share_of_needs"]
    assert share.reading["reading"] == reading


@pytest.mark.parametrize(
    "text",
    ["From 1 to 6 May 2024, 300 trucks entered.", "Between 3 and 9 March 2024 aid slowed.",
     "دخلت الشاحنات بين 1 آذار و9 آذار/مارس 2024.", "Since 7 May 2024 the crossing has been shut."],
)
def test_a_period_is_not_a_dateline(text: str) -> None:
    assert dates.dateline(text) is None


def test_a_dateline_after_a_title_dash_is_kept() -> None:
    found = dates.dateline("Joint statement - 3 June 2024\nAid is blocked.")
    assert found is not None and found[1] == date(2024, 6, 3)


def test_arabic_per_day_is_not_today(reference_store: Engine) -> None:
    with reference_store.connect() as conn:
        report = check_parsed(conn, from_text("دخلت في آذار/مارس 2024 نحو 150 شاحنة في اليوم."), date(2024, 4, 20))
    (c,) = report.claims
    assert (c.indicator, c.date["from"], c.date["to"]) == ("trucks_per_day", "2024-03-01", "2024-03-31")


@pytest.mark.parametrize(
    "text",
    ["From 2 March to 9 April 2024, an average of 150 trucks a day entered Gaza.",
     "دخلت بمعدل 150 شاحنة يوميا بين 2 آذار/مارس و9 نيسان/أبريل 2024."],
)
def test_a_range_takes_its_year_from_its_end(reference_store: Engine, text: str) -> None:
    with reference_store.connect() as conn:
        report = check_parsed(conn, from_text(text))  # no dateline: the range dates the figure itself
    (c,) = report.claims
    assert (c.date["from"], c.date["to"]) == ("2024-03-02", "2024-04-09")


@pytest.mark.parametrize(
    ("text", "day"),
    [("The Rafah crossing was closed on 7 May 2024 when troops took it.", "2024-05-07"),
     ("Erez shut on 9 May 2024.", "2024-05-09"),
     ("أغلق معبر رفح يوم 7 أيار/مايو 2024 بعد سيطرة القوات عليه.", "2024-05-07")],
)
def test_a_date_after_on_is_the_events_date_not_the_dateline(reference_store: Engine, text: str, day: str) -> None:
    assert dates.dateline(text) is None
    with reference_store.connect() as conn:
        report = check_parsed(conn, from_text(text), date(2024, 5, 12))
    (c,) = report.claims
    assert (c.indicator, c.date["from"], c.date["to"]) == ("crossing_status", day, day)


@pytest.mark.parametrize(
    "text", ["Issued on 3 June 2024\nAid is blocked.", "Statement on 3 June 2024\nAid is blocked."]
)
def test_a_heading_date_after_on_is_still_the_dateline(text: str) -> None:
    found = dates.dateline(text)
    assert found is not None and found[1] == date(2024, 6, 3)


@pytest.mark.parametrize(
    ("text", "figure"),
    [("Erez was closed on 9 May 2024 after shelling killed three workers.", "three (3)"),
     ("أغلق معبر رفح بعد أن قتل خمسة جنود.", "خمسة (5)"),
     ("The crossing shut after two drivers were injured.", "two (2)")],
)
def test_a_casualty_count_beside_a_status_is_not_checkable(reference_store: Engine, text: str, figure: str) -> None:
    with reference_store.connect() as conn:
        report = check_parsed(conn, from_text(text), date(2024, 5, 12))
    (n,) = [n.as_dict() for n in report.not_checkable]
    assert n["figure"] == figure and "casualties" in n["reason"]
    assert all(c.indicator == "crossing_status" for c in report.claims)


@pytest.mark.parametrize(
    ("text", "area"),
    [("عبرت 300 شاحنة من معبر زيكيم في أيار/مايو 2024.", "western-erez"),
     ("دخلت عشرات الشاحنات عبر إيرز الغربي في أيار/مايو 2024.", "western-erez"),
     ("دخلت 80 شاحنة عبر معبر إيرز في أيار/مايو 2024.", "erez")],
)
def test_a_part_of_a_compound_crossing_name_is_the_crossing(reference_store: Engine, text: str, area: str) -> None:
    assert [c[:2] for c in _claims(reference_store, text)] == [("trucks_total", area)]


def test_each_part_of_a_compound_name_is_found() -> None:
    from lifeline.claims.gazetteer import Gazetteer, Place

    gaz = Gazetteer()
    gaz.add("Alpha Gate / Beta Point (بوابة ألفا)", Place("x", "Alpha", "crossing"))
    found = gaz.compile().find("Trucks used Beta Point, then بوابة ألفا.")
    assert [m.places[0].code for m in found] == ["x", "x"]


@pytest.mark.parametrize(
    ("text", "n"),
    [("Only 2 of Rafah's 3 hospitals were still functioning.", 2),
     ("2 of the governorate's 3 hospitals are functioning.", 2),
     ("Just 1 of the 3 hospitals in Rafah was functioning.", 1)],
)
def test_n_of_a_possessive_m_claims_n(reference_store: Engine, text: str, n: int) -> None:
    with reference_store.connect() as conn:
        report = check_parsed(conn, from_text(text), date(2024, 5, 7))
    (c,) = report.claims
    assert (c.indicator, c.value) == ("hospitals_functioning", n)
    assert f"stated as {n} of 3" in c.notes
    assert report.not_checkable == []


@pytest.mark.parametrize(
    ("area", "modelled"), [("PS-NGZ", "gaza-north"), ("PS-KYS", "gaza-south"), ("gaza-north", "gaza-north")]
)
def test_kcal_for_a_governorate_is_its_coverage_areas(area: str, modelled: str) -> None:
    from lifeline.claims.match import _modelled_area

    got, notes = _modelled_area(area)
    assert got == modelled and (notes == [] if area == modelled else f"{area} lies in {modelled}" in notes[0])


@pytest.mark.parametrize(
    "text",
    ["In March 2024 food in North Gaza came to about 900 kcal per person per day.",
     "بلغ الغذاء المتاح في شمال غزة في آذار/مارس 2024 نحو 900 سعرة حرارية للفرد يوميا."],
)
def test_kcal_in_north_gaza_is_read_in_english_and_arabic(reference_store: Engine, text: str) -> None:
    assert _claims(reference_store, text) == [("kcal_per_person", "PS-NGZ", 900.0)]


def test_a_share_of_the_pre_war_flow_uses_calendar_days_as_access_does(reference_store: Engine) -> None:
    text = "In October 2024 about 30 trucks a day entered Gaza, some 7 per cent of the pre-war flow."
    with reference_store.connect() as conn:
        report = check_parsed(conn, from_text(text), date(2024, 11, 5))
    (share,) = [c for c in report.claims if c.indicator == "share_of_needs"]
    used = [e for e in share.evidence if e.used]
    assert used and all("per working day × 6/7" in e.title for e in used)
    assert {e.value for e in used} == {round(100 * 30 / (500 * 6 / 7), 1)}
    assert share.verdict == "consistent"
