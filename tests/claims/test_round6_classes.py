"""Classes of held-out set 5's misses, each on sentences of its own, English and Arabic: a part of a month as a
period, compound number words, Arabic opening verbs (with or without vowel marks), a qualifier after the figure,
a share's evidence listed once per source, and a status dated by the document rather than by its cause."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine

from tests.claims.checked import report as _report


def _only(engine: Engine, text: str, doc: date, indicator: str) -> dict[str, Any]:
    out = _report(engine, text, doc)
    found = [c for c in out["claims"] if c["indicator"] == indicator]
    assert len(found) == 1, out
    return found[0]


# ------------------------------------------------------------------------------- A. part of a month
@pytest.mark.parametrize(
    ("text", "doc", "span"),
    [
        ("During the first half of March, some 2,400 aid trucks entered Gaza.", date(2024, 3, 20), ("03-01", "03-15")),
        ("In the second half of February, 1,500 aid trucks entered Gaza.", date(2024, 4, 2), ("02-16", "02-29")),
        ("In late January, 1,200 aid trucks entered Gaza.", date(2024, 2, 10), ("01-21", "01-31")),
        ("By mid-February, 900 aid trucks had entered Gaza.", date(2024, 3, 1), ("02-11", "02-20")),
        ("دخلت 2400 شاحنة مساعدات إلى غزة خلال النصف الأول من آذار.", date(2024, 3, 20), ("03-01", "03-15")),
        ("دخلت 1500 شاحنة إلى غزة في النصف الثاني من شباط.", date(2024, 4, 2), ("02-16", "02-29")),
        ("دخلت 1200 شاحنة إلى غزة في أواخر كانون الثاني.", date(2024, 2, 10), ("01-21", "01-31")),
    ],
)
def test_a_part_of_a_month_is_its_days(reference_store: Engine, text: str, doc: date, span: tuple[str, str]) -> None:
    out = _report(reference_store, text, doc)
    (claim,) = [c for c in out["claims"] if c["indicator"] == "trucks_total"]
    assert (claim["date"]["from"], claim["date"]["to"]) == (f"2024-{span[0]}", f"2024-{span[1]}")
    assert not [c for c in out["claims"] if c["indicator"].startswith("share")]  # "half" of a month is no share
    assert not [n for n in out["not_checkable"] if "half" in str(n.get("figure")) or "النصف" in str(n.get("figure"))]


def test_the_first_half_so_far_ends_on_the_document_date(reference_store: Engine) -> None:
    text = "In the first half of April, 2,000 trucks entered Gaza."
    claim = _only(reference_store, text, date(2024, 4, 9), "trucks_total")
    assert (claim["date"]["from"], claim["date"]["to"]) == ("2024-04-01", "2024-04-09")


def test_half_of_the_needs_is_still_a_share(reference_store: Engine) -> None:
    out = _report(reference_store, "In April, aid deliveries met less than half of the needs.", date(2024, 5, 2))
    assert [c for c in out["claims"] if c["indicator"] == "share_of_needs"]


# ------------------------------------------------------------------------------- B. compound number words
@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("On 3 March, two hundred aid trucks entered Gaza.", [200, 200]),
        ("On 3 March, three hundred and forty aid trucks entered Gaza.", [340, 340]),
        ("On 3 March, some three hundred trucks entered Gaza.", [270, 330]),
        ("In March, four thousand two hundred trucks entered Gaza.", [4200, 4200]),
        ("In March, more than five thousand six hundred and fifty trucks entered Gaza.", [5650, None]),
        ("On 3 March, between one hundred and two hundred trucks entered Gaza.", [100, 200]),
        ("On 3 March, a hundred and fifty trucks entered Gaza.", [150, 150]),
        ("دخلت مئتان وثلاثون شاحنة إلى غزة في 3 آذار.", [230, 230]),
        ("دخلت أربعة آلاف وثلاثمئة شاحنة إلى غزة خلال آذار.", [4300, 4300]),
        ("دخلت نحو ثلاثمئة شاحنة إلى غزة في 3 آذار.", [270, 330]),
    ],
)
def test_compound_number_words_are_one_figure(reference_store: Engine, text: str, bounds: list[float | None]) -> None:
    out = _report(reference_store, text, date(2024, 4, 2))
    (claim,) = [c for c in out["claims"] if c["indicator"] == "trucks_total"]
    low, high = claim["bounds"]
    assert low == pytest.approx(bounds[0])
    assert high is None if bounds[1] is None else high == pytest.approx(bounds[1])


def test_a_range_of_number_words_is_not_one_sum(reference_store: Engine) -> None:
    out = _report(reference_store, "دخلت ما بين مئة ومئتين شاحنة إلى غزة في 3 آذار.", date(2024, 4, 2))
    assert all(c["value"] != 300 for c in out["claims"])


# ------------------------------------------------------------------------------- D. Arabic opening verbs
@pytest.mark.parametrize(
    "text",
    [
        "افتتح معبر كرم أبو سالم صباح اليوم أمام شاحنات المساعدات.",
        "افتُتح معبر كرم أبو سالم اليوم.",
        "تم افتتاح معبر كرم أبو سالم اليوم أمام الشاحنات.",
        "أعيد فتح معبر كرم أبو سالم اليوم.",
        "فُتِحَ معبر كرم أبو سالم اليوم.",
        "أُعِيدَ فَتْحُ معبر كرم أبو سالم اليوم.",
    ],
)
def test_arabic_opening_verbs_are_an_open_status(reference_store: Engine, text: str) -> None:
    claim = _only(reference_store, text, date(2024, 5, 20), "crossing_status")
    assert claim["value"] == "open"
    assert claim["area"] == "kerem-shalom"


def test_vowel_marks_do_not_hide_a_closure(reference_store: Engine) -> None:
    claim = _only(reference_store, "لا يزال معبر رفح مُغْلَقًا اليوم.", date(2024, 5, 20), "crossing_status")
    assert claim["value"] == "closed"


def test_a_status_belongs_to_the_crossing_of_its_clause(reference_store: Engine) -> None:
    out = _report(reference_store, "قال إن معبر كرم أبو سالم ما زال مغلقا، وإن معبر رفح مغلق كذلك.", date(2024, 5, 20))
    assert {(c["area"], c["value"]) for c in out["claims"]} == {("kerem-shalom", "closed"), ("rafah", "closed")}


def test_a_figure_with_vowel_marks_is_read(reference_store: Engine) -> None:
    claim = _only(reference_store, "دَخَلَتْ 1200 شَاحِنَةٍ إلى غزة خلال آذار.", date(2024, 4, 2), "trucks_total")
    assert claim["value"] == 1200


# ------------------------------------------------------------------------------- E. a qualifier after the figure
@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("In March, 4,000 aid trucks at least entered Gaza.", [4000, None]),
        ("In March, 4,000 aid trucks or more entered Gaza.", [4000, None]),
        ("In March, 6,000 aid trucks at most entered Gaza.", [0, 6000]),
        ("دخلت 4000 شاحنة مساعدات على الأقل إلى غزة خلال آذار.", [4000, None]),
        ("دخلت 4000 شاحنة أو أكثر إلى غزة خلال آذار.", [4000, None]),
        ("دخلت 6000 شاحنة على الأكثر إلى غزة خلال آذار.", [0, 6000]),
    ],
)
def test_a_qualifier_after_the_figure_bounds_it(reference_store: Engine, text: str, bounds: list[float | None]) -> None:
    claim = _only(reference_store, text, date(2024, 4, 2), "trucks_total")
    assert claim["bounds"] == bounds


def test_a_trailing_qualifier_after_a_daily_rate(reference_store: Engine) -> None:
    for text in ("Gaza needs 600 trucks a day at least.", "يحتاج قطاع غزة إلى 600 شاحنة يوميا على الأقل."):
        claim = _only(reference_store, text, date(2024, 6, 3), "trucks_needed")
        assert claim["bounds"] == [600, None]


def test_a_qualifier_leading_the_next_figure_is_not_the_first_ones(reference_store: Engine) -> None:
    text = "In March, 4,000 aid trucks and at least 300 fuel tankers entered Gaza."
    out = _report(reference_store, text, date(2024, 4, 2))
    (claim,) = [c for c in out["claims"] if c["value"] == 4000]
    assert claim["bounds"] == [4000, 4000]


# ------------------------------------------------------------------------------- F. evidence once per source
@pytest.fixture(scope="module")
def two_lists(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The reference set (two sources state the pre-war baseline) and two small line lists, 1-4 May 2024."""
    from lifeline.ingest.base import Parsed, SourceInfo, conform, rejections
    from lifeline.ingest.service import store
    from lifeline.reference.load import load_all
    from lifeline.store.engine import open_store

    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('claims-lists') / 'l.db'}")
    load_all(engine)
    for publisher, per_day in (("UNRWA", 100), ("COGAT", 140)):
        rows = [
            {"source_row_id": f"{publisher}-{d}-{i}", "date": date(2024, 5, 1 + d), "crossing": "kerem-shalom",
             "route": "land", "trucks": 1.0, "consignments": 1}
            for d in range(4) for i in range(per_day)
        ]
        frame = pl.DataFrame(rows).with_row_index("row_number", offset=2).cast({"row_number": pl.Int64})
        parsed = Parsed(
            target="deliveries", rows=conform(frame, "deliveries"), rejections=rejections(), rows_read=frame.height,
            source=SourceInfo(publisher=publisher, title=f"{publisher} test list"), series=f"test-{publisher}",
        )
        with engine.begin() as conn:
            store(conn, parsed, publisher.lower(), Path(f"test-{publisher}.csv"), publisher[0] * 64)
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    "text",
    [
        "Between 1 and 4 May, aid trucks entering Gaza were less than a third of the pre-war flow.",
        "بين 1 و4 أيار، لم تتجاوز الشاحنات التي دخلت غزة ثلث ما كان يدخل قبل الحرب.",
    ],
)
def test_a_share_of_the_prewar_flow_lists_each_source_once(two_lists: Engine, text: str) -> None:
    from lifeline.model.access import baseline_in_force
    from lifeline.store import queries_access

    out = _report(two_lists, text, date(2024, 5, 5))
    (claim,) = [c for c in out["claims"] if c["indicator"] == "share_of_needs"]
    sources = [s["source"] for s in claim["sources"]]
    flows = [s.split(" ÷ ")[0] for s in sources]
    assert len(flows) == len(set(flows)), sources  # one row per truck list, not one per stated baseline
    assert {"COGAT line list (computed)", "UNRWA line list (computed)"} <= set(flows)
    with two_lists.connect() as conn:
        chosen = baseline_in_force(queries_access.observations(conn, "trucks_per_day_prewar"))
    assert chosen is not None
    assert {s.split(" ÷ ")[1] for s in sources} == {chosen["cited_publisher"] or chosen["dataset_publisher"]}
    assert "also stated" in str(out)  # the other source's baseline is named


# ------------------------------------------------------------------------------- C. a status dated by its cause
@pytest.mark.parametrize(
    "text",
    [
        "Kerem Shalom remains closed after Saturday's mortar fire.",
        "The Kerem Shalom crossing is still shut following Saturday's attack.",
        "Kerem Shalom stays closed after the rocket attack on Saturday, officials said.",
        "لا يزال معبر كرم أبو سالم مغلقا بعد القصف الصاروخي يوم السبت.",
        "لا يزال معبر كرم أبو سالم مغلقا إثر هجوم السبت.",
    ],
)
def test_a_status_dated_by_its_cause_is_the_documents(reference_store: Engine, text: str) -> None:
    claim = _only(reference_store, text, date(2024, 5, 6), "crossing_status")  # a Monday
    assert (claim["date"]["from"], claim["date"]["to"]) == ("2024-05-06", "2024-05-06")


def test_a_status_dated_by_its_own_day_keeps_it(reference_store: Engine) -> None:
    claim = _only(reference_store, "Kerem Shalom was closed on Saturday.", date(2024, 5, 6), "crossing_status")
    assert claim["date"]["from"] == "2024-05-04"


def test_since_a_day_alone_still_dates_the_status(reference_store: Engine) -> None:
    claim = _only(reference_store, "Kerem Shalom has been closed since Saturday.", date(2024, 5, 8), "crossing_status")
    assert claim["date"]["from"] == "2024-05-04"


# ------------------------------------------------------------------------------- the daily number as subject
@pytest.mark.parametrize(
    "text",
    [
        "لا يتجاوز عدد الشاحنات اليومي 100 شاحنة منذ بداية أيار.",
        "لم يتجاوز المعدل اليومي في آذار 150 شاحنة.",
        "The daily number of aid trucks in March was 150 trucks.",
    ],
)
def test_the_daily_number_named_as_subject_is_a_rate(reference_store: Engine, text: str) -> None:
    out = _report(reference_store, text, date(2024, 5, 20))
    assert [c["indicator"] for c in out["claims"]] == ["trucks_per_day"]


def test_a_count_after_a_rate_clause_is_its_own(reference_store: Engine) -> None:
    text = "The daily number of aid trucks fell to 80 in March, and 2,400 trucks entered in all."
    out = _report(reference_store, text, date(2024, 4, 2))
    assert {(c["value"], c["indicator"]) for c in out["claims"]} >= {(2400, "trucks_total")}
