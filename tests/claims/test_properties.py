"""Property tests over the whole claims pipeline (read → extract → match → judge → highlight): on
statements generated from the claim forms humanitarian statements make (English and Arabic, every
qualifier, period, place and attribution form), on random Unicode and on real-shaped HTML, the
checker returns a report and never raises. Only ``UserError`` (one clear line, exit 2) may come out
of reading bytes; everything after reading must always answer."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine

from lifeline.claims.check import check_parsed
from lifeline.claims.documents import from_bytes, from_text
from lifeline.claims.highlight import highlight_html, page_html
from lifeline.errors import UserError
from lifeline.store.engine import open_store

# ---------------------------------------------------------------------------- the claim forms
DATELINES = [
    "GAZA, 20 May 2024 - ", "Jerusalem, May 17, 2024: ", "Geneva, 3 June 2024 — ", "18 March 2024 — ",
    "غزة، 20 مايو 2024 - ", "القاهرة، 2 حزيران/يونيو 2024 — ", "رام الله، ٧ أيار ٢٠٢٤: ", "Statement, 1 Jan 2023. ",
    "", "Amman, 31 February 2024. ", "Press release 2024-05-07: ",
]
FIGURES = [
    "58", "1,900", "4,500", "2.2 million", "1.1 million", "100,000", "about 500", "nearly 800,000", "at least 100",
    "more than 1.5 million", "fewer than 100", "only 12", "just 20", "less than a third", "half", "30%", "٥٨",
    "١٬٩٠٠", "ثلاثمئة", "800 ألف", "1.4 مليون", "نحو 150", "أكثر من 500", "0", "999999999999", "-5", "1e9",
    "three", "a dozen", "½", "10–20", "between 50 and 60",
]
NOUNS = [
    "trucks entered Gaza", "aid trucks a day crossed", "trucks of aid every day", "trucks are needed each day",
    "people live in the Gaza Strip", "people have fled Rafah", "people were displaced", "hospitals are functioning",
    "hospitals out of service", "people face catastrophic hunger (IPC Phase 5)", "of needs are met",
    "people under evacuation orders", "people in the evacuation zone", "kcal per person per day", "tonnes of flour",
    "شاحنة دخلت قطاع غزة", "شاحنة يوميا", "شخص نزحوا من رفح", "مستشفى تعمل", "من الاحتياجات", "killed",
]
PLACES = [
    "", " through Kerem Shalom", " via the Rafah crossing", " in Khan Younis", " in North Gaza",
    " عبر معبر كرم أبو سالم", " in Deir al-Balah", " at Erez", " in Atlantis",
]
TIMES = [
    "", " in May", " in April 2024", " since 7 May", " yesterday", " last week", " this month", " over the past week",
    " before the war", " on Saturday", " between 1 and 15 May", " since the start of the war", " by mid-July",
    " منذ 6 مايو", " أمس", " خلال شهر أيار/مايو", " قبل الحرب", " in 1999", " since 32 May",
]
LEADS = [
    "", "According to COGAT, ", "UN records show that ", "OCHA says ", "The ministry said that ", "Officials said ",
    "It is false that ", "وقال المكتب إن ", "Not even ", "Reportedly, ",
]
STATUS = [
    "The Rafah crossing has been closed since 7 May.", "Kerem Shalom is the only crossing open.",
    "Erez was reopened yesterday.", "معبر رفح مغلق منذ 7 مايو.", "Zikim is restricted.", "All crossings are shut.",
    "Famine is imminent in the north.", "", "Karni remains the sole outlet.",
]
TAILS = ["", ", more than before the war", ", down from 176 a day in April", ", compared with 500 before the war",
         ", of 36", ", a fraction of what is required", "، مقابل 500 شاحنة يومياً قبل الحرب"]

sentences = st.builds(
    lambda lead, fig, noun, place, time, tail: f"{lead}{fig} {noun}{place}{time}{tail}.",
    st.sampled_from(LEADS), st.sampled_from(FIGURES), st.sampled_from(NOUNS), st.sampled_from(PLACES),
    st.sampled_from(TIMES), st.sampled_from(TAILS),
)
statements = st.builds(
    lambda head, body, status: head + " ".join(body) + (" " + status if status else ""),
    st.sampled_from(DATELINES), st.lists(sentences, min_size=1, max_size=6), st.sampled_from(STATUS),
)
# Random Unicode, and random Unicode spliced into claim forms (digits and marks next to figures).
noise = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)
spliced = st.builds(lambda a, b, c: a + b + c, statements, noise, statements)


def _html(title: str, body: str, attr: str, junk: str) -> str:
    """A page shaped like real press-release HTML: head, nav, script, nested markup, entities."""
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>p{{color:red}}</style><script>var x = '{junk}'; if (a < b) {{}}</script></head>"
        f"<body><nav><a href='/'>Home</a> | <a href=\"{attr}\">{junk}</a></nav><main><article>"
        f"<h1>{title}</h1><p class='date'>{body[:40]}</p><p>{body}</p><ul><li>{junk}</li><li>&amp; &lt;b&gt; "
        f"&#1588; &nbsp;</li></ul><table><tr><td>{body[-30:]}</td><td>{attr}</td></tr></table><p>{junk}"
        f"</article></main><footer>&copy; 2024</footer><!-- {junk} --></body></html>"
    )


pages = st.builds(_html, noise, statements, noise, noise)
given_dates = st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)))


@pytest.fixture(scope="module")
def conn(reference_store: Engine) -> Iterator[Connection]:
    with reference_store.connect() as c:
        yield c


def run_pipeline(conn: Connection, text: str, when: date | None) -> int:
    """The whole pipeline and every face's rendering of its result; invariants on spans. Returns
    the number of claims judged."""
    report = check_parsed(conn, from_text(text), when)
    for c in report.claims:
        assert report.text[c.figure_span[0] : c.figure_span[1]] == c.figure
        assert c.verdict and c.explanation
    if not report.claims:
        assert report.notes or report.not_checkable or not report.text.strip() or report.date is not None
    highlight_html(report)
    highlight_html(report.as_dict())
    page_html(report)
    json.dumps(report.as_dict(), default=str)
    return len(report.claims)


# The example count is the hypothesis profile's (tests/conftest.py: 25 under `make test`, 500 under `make fuzz`).
_FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(text=statements, when=given_dates)
def test_generated_statements_never_raise(conn: Connection, text: str, when: date | None) -> None:
    run_pipeline(conn, text, when)


@_FAST
@given(text=st.one_of(noise, spliced))
def test_random_unicode_never_raises(conn: Connection, text: str) -> None:
    run_pipeline(conn, text, None)
    run_pipeline(conn, text, date(2024, 5, 20))


@_FAST
@given(text=pages, when=given_dates)
def test_real_shaped_html_never_raises(conn: Connection, text: str, when: date | None) -> None:
    run_pipeline(conn, text, when)


@_FAST
@given(data=st.binary(max_size=600))
def test_any_bytes_read_or_refuse_in_one_line(conn: Connection, data: bytes) -> None:
    """Bytes either read as a document (and then always answer) or are refused with a UserError."""
    try:
        doc = from_bytes(data, "upload")
    except UserError as exc:
        assert "\n" not in str(exc)
        return
    check_parsed(conn, doc, date(2024, 5, 20))


@pytest.mark.slow
@pytest.mark.parametrize("count", [1_000, pytest.param(10_000, marks=pytest.mark.fuzz)])
def test_generated_documents(conn: Connection, count: int) -> None:
    """COUNT documents drawn from the same forms (claim forms, spliced noise, HTML pages, bare noise; a
    third without a date): no exception. `make test` runs the first 1,000 of the seeded sequence (18 s),
    `make fuzz` all 10,000 (about 130 s)."""
    rng = random.Random(13)
    failures: list[str] = []
    with_claims = 0
    for i in range(count):
        text = _draw(rng)
        when = None if i % 3 == 0 else date(2024, 5, 20)
        try:
            with_claims += bool(run_pipeline(conn, text, when))
        except Exception as exc:  # noqa: BLE001 - the test counts every exception
            failures.append(f"{type(exc).__name__}: {exc} on {text[:120]!r}")
    assert failures == [], f"{len(failures)} of {count:,} documents raised; first: {failures[:3]}"
    assert with_claims >= 0.3 * count, "the generated documents reach matching and judging, not only extraction"


def _draw(rng: random.Random) -> str:
    """A generated document without hypothesis' example() overhead: claim forms, noise, HTML."""
    def sentence() -> str:
        return (f"{rng.choice(LEADS)}{rng.choice(FIGURES)} {rng.choice(NOUNS)}{rng.choice(PLACES)}"
                f"{rng.choice(TIMES)}{rng.choice(TAILS)}.")

    body = rng.choice(DATELINES) + " ".join(sentence() for _ in range(rng.randint(1, 6))) + " " + rng.choice(STATUS)
    ranges = [(32, 0x2FF), (0x600, 0x6FF), (0x2000, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x1FAFF)]
    junk = "".join(chr(rng.randint(*rng.choice(ranges))) for _ in range(rng.randint(0, 60)))
    kind = rng.randrange(4)
    if kind == 0:
        return body
    if kind == 1:
        cut = rng.randrange(len(body) + 1)
        return body[:cut] + junk + body[cut:]
    if kind == 2:
        return _html(junk, body, junk, junk)
    return junk


# One statement per claim kind, each against a store with nothing in it: every empty-evidence path
# (no need, no baseline, no status, no population, no deliveries, no IPC, no facilities) answers.
EVERY_KIND = (
    "Gaza, 20 May 2024. 2.2 million people live in the Gaza Strip. 800,000 people have fled Rafah since 6 May. "
    "1.7 million people are displaced. 100,000 people are under evacuation orders. In April, 4,500 trucks entered "
    "Gaza. Since 7 May, 58 aid trucks a day have entered. Before the war, 500 trucks a day entered. At least 500 "
    "trucks a day are needed. Aid covers less than a third of needs. People receive 1,200 kcal per person per "
    "day. Only 12 hospitals are functioning. 1.1 million people face IPC Phase 5. The Rafah crossing is closed. "
    "Kerem Shalom is the only crossing open."
)


def test_every_kind_against_an_empty_store(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with engine.connect() as c:
            report = check_parsed(c, from_text(EVERY_KIND), None)
            assert len(report.claims) >= 10
            assert {cl.verdict for cl in report.claims} == {"no data"}
            assert any("holds no evidence yet" in n for n in report.notes)
            highlight_html(report)
    finally:
        engine.dispose()
