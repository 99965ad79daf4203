"""Classes of held-out set 4's misses, each on sentences of its own, English and Arabic where the class exists:
a place of another crisis is never judged against Gaza, and a second context in the store is judged against
its own data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.claims.checked import report as _report

SAHM = Path(__file__).resolve().parents[1] / "contexts" / "crisis" / "wadi-sahm"
SAHM_FILES = ("1-places.csv", "2-population.csv", "3-deliveries-cell.csv", "4-deliveries-traders.csv")
CELL, TRADERS = "Wadi Sahm monitoring cell", "Wadi Sahm traders' committee"


@pytest.fixture(scope="module")
def two_contexts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Gaza's reference set beside the fictional Wadi Sahm context (its places and both its line lists)."""
    from lifeline.ingest.service import import_file
    from lifeline.reference.load import load_all
    from lifeline.store.engine import open_store

    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('claims-two') / 'two.db'}")
    load_all(engine)
    for name in SAHM_FILES:
        import_file(engine, SAHM / name)
    yield engine
    engine.dispose()


# ------------------------------------------------------------------------------- places of another crisis
@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("About 250 aid trucks reached El Fasher from Tine over the past week, OCHA said.", ["El Fasher", "Tine"]),
        ("More than 40 trucks a day crossed into Sudan through the Adre crossing in July.", ["Sudan", "Adre"]),
        ("Only 90 trucks arrived in Mariupol last week.", ["Mariupol"]),
        ("وصلت 120 شاحنة إلى مدينة الفاشر خلال الأسبوع الماضي.", ["الفاشر"]),
        ("عبرت نحو 60 شاحنة معبر أدري يوميا في تموز.", ["أدري"]),
        ("دخلت 80 شاحنة عبر طريق الضالع الأسبوع الماضي.", ["الضالع"]),
        ("About 60,000 people are sheltering in al-Qusayr.", ["al-Qusayr"]),
        ("Around 90 trucks a day used Jisr al-Shughur Road last week.", ["Jisr al-Shughur"]),
    ],
)
def test_a_place_the_store_does_not_know_is_not_judged_as_gaza(
    reference_store: Engine, text: str, names: list[str]
) -> None:
    out = _report(reference_store, text, date(2024, 8, 20))
    assert out["claims"] == []
    reasons = [n["reason"] for n in out["not_checkable"]]
    assert reasons and all("a place not in the store" in r for r in reasons), reasons
    for name in names:
        assert name in reasons[0]


@pytest.mark.parametrize(
    "text",
    [
        "More than 300 trucks entered from Egypt over the past week, according to the Logistics Cluster.",
        "Some 200 trucks a day entered last week, according to Israeli authorities.",
        "In July, 2,000 trucks entered Gaza from Egypt and Jordan, the UN said.",
        "دخلت 300 شاحنة من مصر خلال الأسبوع الماضي.",
        "Some 200 trucks a day entered in March 2024, according to UN Women.",
        "About 400 trucks entered on Monday, the Palestinian Red Crescent Society said.",
    ],
)
def test_origins_sources_and_months_are_not_unknown_places(reference_store: Engine, text: str) -> None:
    out = _report(reference_store, text, date(2024, 8, 20))
    assert [c["area"] for c in out["claims"]] == ["gaza-strip"], out["not_checkable"]


# ------------------------------------------------------------------------------- a second context
def _sources(claim: dict[str, Any]) -> dict[str, float]:
    return {e["source"].split(" (")[0]: e["value"] for e in claim["evidence"] if "line list" in e["source"]}


@pytest.mark.parametrize(
    ("text", "area", "cell", "traders"),
    [
        # cell: Bab al-Sahel 1 a day 1-10 May + 2 rows to XW03/XW09 = 12; traders: 1 a day = 10
        ("Between 1 and 10 May 2025, 10 trucks came in through Bab al-Sahel.", "bab-sahel", 12.0, 10.0),
        ("Between 1 and 10 May 2025, 22 trucks entered Wadi Sahm.", "XW", 23.0, 20.0),
        ("بين 1 و10 أيار 2025 دخلت 11 شاحنة عبر معبر تل نصر.", "tal-nasr", 11.0, 10.0),
    ],
)
def test_places_of_a_second_context_are_judged_on_its_own_lists(
    two_contexts: Engine, text: str, area: str, cell: float, traders: float
) -> None:
    (claim,) = _report(two_contexts, text, date(2025, 5, 11))["claims"]
    assert claim["area"] == area
    assert _sources(claim) == {CELL: cell, TRADERS: traders}


def test_gaza_totals_never_count_another_contexts_trucks(two_contexts: Engine) -> None:
    (claim,) = _report(two_contexts, "Between 1 and 10 May 2025, 22 trucks entered the Gaza Strip.", date(2025, 5, 11))[
        "claims"
    ]
    assert claim["area"] == "gaza-strip"
    assert _sources(claim) == {}
    assert claim["verdict"] == "no data"


# ------------------------------------------------------------------------------- a count of none
@pytest.mark.parametrize(
    "text",
    [
        "Not one aid truck came in through Rafah between 8 and 20 May 2024, a UN official said.",
        "No trucks crossed at Rafah on 15 May 2024.",
        "Not a single truck used the Rafah crossing from 10 to 20 May 2024.",
        "Zero trucks passed through Rafah between 8 and 20 May 2024.",
        "لم تعبر أي شاحنة من معبر رفح بين 8 و20 أيار 2024.",
        "ولا شاحنة واحدة دخلت عبر معبر رفح يوم 15 أيار 2024.",
    ],
)
def test_a_count_of_no_trucks_is_zero(reference_store: Engine, text: str) -> None:
    found = _report(reference_store, text, date(2024, 5, 26))["claims"]
    claims = [c for c in found if c["indicator"] == "trucks_total"]
    assert [(c["value"], c["bounds"], c["area"]) for c in claims] == [(0.0, [0.0, 0.0], "rafah")]


def test_one_truck_is_still_one(reference_store: Engine) -> None:
    (claim,) = _report(reference_store, "One truck entered through Rafah on 15 May 2024.", date(2024, 5, 26))["claims"]
    assert claim["value"] == 1.0


# ------------------------------------------------------------------------------- "since it opened on DATE"
@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("Since it reopened on 8 May, about 2,000 trucks have entered through Kerem Shalom.", "2024-05-08"),
        ("More than 400 trucks have used Zikim since the crossing was opened on 12 May.", "2024-05-12"),
        ("Since the pier began operating on 17 May, some 300 trucks have come ashore through Kerem Shalom.",
         "2024-05-17"),
        ("منذ إعادة فتح معبر كرم أبو سالم يوم 8 أيار دخلت نحو 2,000 شاحنة.", "2024-05-08"),
        ("دخلت نحو 400 شاحنة عبر معبر زيكيم منذ افتتاحه في 12 أيار.", "2024-05-12"),
    ],
)
def test_since_an_event_on_a_date_runs_to_the_document_date(reference_store: Engine, text: str, start: str) -> None:
    found = _report(reference_store, text, date(2024, 6, 1))["claims"]
    claims = [c for c in found if c["indicator"] == "trucks_total"]
    assert [(c["date"]["from"], c["date"]["to"]) for c in claims] == [(start, "2024-06-01")]


def test_a_plain_date_after_on_is_still_one_day(reference_store: Engine) -> None:
    (claim,) = _report(reference_store, "On 12 May, 40 trucks entered through Zikim.", date(2024, 6, 1))["claims"]
    assert (claim["date"]["from"], claim["date"]["to"]) == ("2024-05-12", "2024-05-12")


# ------------------------------------------------------------------------------- a named crossing wins
@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("In July, 300 trucks went north through Zikim.", "western-erez"),
        ("In July, 300 trucks reached northern Gaza via the Western Erez crossing.", "western-erez"),
        ("In July, some 50 trucks headed south through Kerem Shalom to Rafah.", "kerem-shalom"),
        ("دخلت 300 شاحنة إلى شمال غزة عبر معبر زيكيم في تموز.", "western-erez"),
        ("In July, 300 trucks entered North Gaza.", "PS-NGZ"),
        ("In July, 300 trucks entered North Gaza after the Zikim crossing reopened.", "PS-NGZ"),
    ],
)
def test_a_named_crossing_wins_over_an_area_or_direction_for_trucks(
    reference_store: Engine, text: str, area: str
) -> None:
    found = _report(reference_store, text, date(2024, 8, 5))["claims"]
    (claim,) = [c for c in found if c["indicator"] == "trucks_total"]
    assert claim["area"] == area


# ------------------------------------------------------------------------------- attribution ends at a clause break
@pytest.mark.parametrize(
    ("text", "sources"),
    [
        ("UNRWA counted 4,300 trucks in January, while COGAT put the number at 5,100.", ["UNRWA", "COGAT"]),
        ("COGAT recorded 5,100 trucks in January, whereas UNRWA recorded 4,300.", ["COGAT", "UNRWA"]),
        ("The UN registered 4,300 trucks in January but Israeli authorities said 5,100.", ["the UN", "COGAT"]),
        ("أحصت الأونروا 4,300 شاحنة في كانون الثاني، بينما قالت كوغات إن العدد بلغ 5,100 شاحنة.", ["UNRWA", "COGAT"]),
        ("In January, 4,300 trucks entered Gaza according to UNRWA.", ["UNRWA"]),
    ],
)
def test_each_clause_keeps_its_own_source(reference_store: Engine, text: str, sources: list[str]) -> None:
    claims = _report(reference_store, text, date(2024, 2, 5))["claims"]
    assert [c["reading"]["attribution"] for c in claims] == sources


# ------------------------------------------------------------------------------- names of COGAT and the pier
@pytest.mark.parametrize(
    "text",
    [
        "قال مكتب تنسيق أعمال الحكومة الإسرائيلية في المناطق إن 6,300 شاحنة دخلت غزة في نيسان.",
        "أفاد مكتب تنسيق أعمال الحكومة الإسرائيلية في المناطق (كوغات) بدخول 6,300 شاحنة إلى القطاع في نيسان.",
        "وبحسب منسق أعمال الحكومة في المناطق، دخلت 6,300 شاحنة إلى غزة في نيسان.",
    ],
)
def test_cogats_arabic_name_is_cogat(reference_store: Engine, text: str) -> None:
    (claim,) = _report(reference_store, text, date(2024, 5, 2))["claims"]
    assert claim["reading"]["attribution"] == "COGAT"


def test_ochas_arabic_name_stays_ocha(reference_store: Engine) -> None:
    text = "قال مكتب تنسيق الشؤون الإنسانية إن 6,300 شاحنة دخلت غزة في نيسان."
    (claim,) = _report(reference_store, text, date(2024, 5, 2))["claims"]
    assert claim["reading"]["attribution"] == "OCHA"


@pytest.mark.parametrize(
    "text",
    [
        "عاد العمل إلى طبيعته بعدما استؤنف العمل في الرصيف العائم يوم 20 أيار.",
        "استأنف الرصيف البحري العائم عمله يوم 20 أيار.",
        "Operations at the floating pier resumed on 20 May.",
        "Deliveries through the pier resumed on 20 May.",
    ],
)
def test_the_pier_resumed_is_an_opening(reference_store: Engine, text: str) -> None:
    found = _report(reference_store, text, date(2024, 5, 30))["claims"]
    claims = [c for c in found if c["indicator"] == "crossing_status"]
    assert [(c["area"], c["value"], c["date"]["from"]) for c in claims] == [("jlots", "open", "2024-05-20")]


# ------------------------------------------------------------------------------- restricted is not open; past states
def test_open_is_not_consistent_with_a_report_of_restricted(reference_store: Engine) -> None:
    # the reference set reports Kerem Shalom restricted on 8 May 2024 (OCHA: "recorded as restricted, not open")
    out = _report(reference_store, "Kerem Shalom was open on 8 May 2024.", date(2024, 5, 9))
    (claim,) = out["claims"]
    assert (claim["value"], claim["verdict"]) == ("open", "contradicted")
    out = _report(reference_store, "Kerem Shalom was restricted on 8 May 2024.", date(2024, 5, 9))
    assert [c["verdict"] for c in out["claims"]] == ["consistent"]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Kerem Shalom reopened on 8 May after being closed for three days.", ("2024-05-05", "2024-05-07")),
        ("Kerem Shalom reopened on 8 May after being shut for 3 days.", ("2024-05-05", "2024-05-07")),
        ("أعيد فتح معبر كرم أبو سالم يوم 8 أيار بعد إغلاقه ثلاثة أيام.", ("2024-05-05", "2024-05-07")),
        ("Kerem Shalom reopened on 8 May following a two-day closure.", None),
        ("فتح معبر كرم أبو سالم يوم 8 أيار بعد إغلاقه.", None),
    ],
)
def test_a_past_closure_is_about_the_days_before(
    reference_store: Engine, text: str, span: tuple[str, str] | None
) -> None:
    claims = _report(reference_store, text, date(2024, 5, 9))["claims"]
    opened = [c for c in claims if c["value"] == "open"]
    closed = [(c["date"]["from"], c["date"]["to"]) for c in claims if c["value"] == "closed"]
    assert [(c["date"]["from"], c["date"]["to"]) for c in opened] == [("2024-05-08", "2024-05-08")]
    assert closed == ([span] if span else [])


# ------------------------------------------------------------------------------- "from X in M1 to Y in M2"
@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("ارتفع عدد الشاحنات من 3,000 شاحنة في كانون الثاني إلى 5,000 شاحنة في آذار.", ["2024-01", "2024-03"]),
        ("انخفض عدد الشاحنات التي دخلت القطاع من نحو 4,000 شاحنة في شباط إلى أقل من 2,500 شاحنة في نيسان.",
         ["2024-02", "2024-04"]),
        ("Deliveries rose from 3,000 trucks in January to 5,000 trucks in March.", ["2024-01", "2024-03"]),
        ("In April, the number of trucks fell to 2,600.", ["2024-04"]),
    ],
)
def test_each_figure_of_a_change_keeps_its_own_month(reference_store: Engine, text: str, months: list[str]) -> None:
    claims = _report(reference_store, text, date(2024, 7, 3))["claims"]
    assert [c["date"]["from"][:7] for c in claims] == months


# ------------------------------------------------------------------------------- the need in force
@pytest.mark.parametrize(
    "text",
    [
        "In March 2024, deliveries met less than half of what the UN says Gaza needs.",
        "Aid in April 2024 covered only 40% of needs.",
        "لم تغطِّ المساعدات في آذار 2024 سوى 40 في المئة من احتياجات القطاع.",
    ],
)
def test_a_need_dated_only_by_its_year_is_never_the_need_in_force(reference_store: Engine, text: str) -> None:
    # the reference set's needs: UNRWA 200/day stated 28 Nov 2023 for two months (to 28 Jan 2024), WFP 300/day
    # dated "2024" only (docs/access.md: listed, never in force), so none stands in February-April 2024
    (claim,) = [c for c in _report(reference_store, text, date(2024, 5, 2))["claims"]
                if c["indicator"] == "share_of_needs"]
    assert claim["verdict"] == "no data"
    assert not any("300" in e["title"] for e in claim["evidence"])
    assert any("no stated need stands" in n for n in claim["notes"])


def test_the_need_in_force_is_the_one_the_access_face_uses(reference_store: Engine) -> None:
    from lifeline.assumptions import load_set
    from lifeline.model import stated_needs

    with reference_store.connect() as conn:
        from lifeline.store import queries_access

        access = load_set("access")
        rows = queries_access.observations(conn, access.tables["baselines"]["need"])
    found_needs = stated_needs.statements(rows, int(access.value("stated_need_valid_days")))
    standing = stated_needs.in_force(found_needs, date(2023, 12, 1), date(2023, 12, 20))
    assert standing is not None
    found = _report(reference_store, "Deliveries in December met only 40% of needs.", date(2023, 12, 20))["claims"]
    (claim,) = [c for c in found if c["indicator"] == "share_of_needs"]
    assert claim["evidence"] == [] or all(f"of {standing[0].value:g}/day" in e["title"] for e in claim["evidence"])
    assert any(f"the stated need in force: {standing[0].value:g}" in n for n in claim["notes"])


def test_another_crossings_closure_after_after_is_still_claimed(reference_store: Engine) -> None:
    text = "فتح معبر كرم أبو سالم يوم 8 أيار 2024 بعد إغلاق معبر رفح."
    claims = _report(reference_store, text, date(2024, 5, 9))["claims"]
    assert ("rafah", "closed") in {(c["area"], c["value"]) for c in claims}


# ------------------------------------------------------------------------------- Arabic fractions under a negated verb
@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("لا تتجاوز المساعدات التي تصل القطاع حاليا ثلث ما كان يدخل قبل الحرب.", [0.0, 33.3]),
        ("لم تتجاوز الشاحنات التي دخلت غزة في أيار 2024 ربع ما كان يدخل قبل الحرب.", [0.0, 25.0]),
        ("يدخل القطاع اليوم نصف ما كان يدخل قبل الحرب.", [50.0, 50.0]),
    ],
)
def test_an_arabic_fraction_of_the_prewar_flow_is_a_share(
    reference_store: Engine, text: str, bounds: list[float]
) -> None:
    found = _report(reference_store, text, date(2024, 6, 15))["claims"]
    (claim,) = [c for c in found if c["indicator"] == "share_of_needs"]
    assert claim["bounds"] == bounds
    assert claim["reading"]["reading"] == "share of a baseline"
