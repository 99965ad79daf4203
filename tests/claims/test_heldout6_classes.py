"""Classes of held-out set 6's misses, each on sentences of its own, English and Arabic where the class exists: a
weekday in the dateline is the dateline's (never the first sentence's period), a later IPC analysis replaces an
older projection covering the same day, the IPC's Famine Review Committee is a source a figure is attributed to,
and a currency sign before a figure makes it money."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from lifeline.claims.check import check_document


def _answer(engine: Engine, text: str, doc: date | None = None) -> dict[str, Any]:
    with engine.connect() as conn:
        return dict(check_document(conn, text, date=doc).as_dict())


def _only(out: dict[str, Any], indicator: str) -> dict[str, Any]:
    found = [c for c in out["claims"] if c["indicator"] == indicator]
    assert len(found) == 1, out
    return found[0]


# ------------------------------------------------------------------------------- A. a weekday in the dateline
@pytest.mark.parametrize(
    ("text", "indicator", "span"),
    [
        ("Gaza, Thursday 23 May 2024 — 200 trucks entered Gaza last week.", "trucks_total", ("05-13", "05-19")),
        ("Thursday 23 May 2024 — Fewer than 100 trucks entered Gaza in April.", "trucks_total", ("04-01", "04-30")),
        ("Gaza, Thursday 23 May 2024 — Nearly 200 trucks entered Gaza on 20 May.", "trucks_total", ("05-20", "05-20")),
        ("Gaza, Thursday 23 May 2024 — 200 trucks a day entered Gaza last week.", "trucks_per_day", ("05-13", "05-19")),
        ("DOHA, Wednesday 8 May 2024 — Not a single aid truck crossed Kerem Shalom on Monday.", "trucks_total",
         ("05-06", "05-06")),
        ("غزة، الخميس ٢٣ أيار ٢٠٢٤ — ٢٠٠ شاحنة دخلت غزة في نيسان.", "trucks_total", ("04-01", "04-30")),
        ("غزة، الخميس ٢٣ أيار ٢٠٢٤ — دخلت ٢٠٠ شاحنة غزة يوم الاثنين.", "trucks_total", ("05-20", "05-20")),
    ],
)
def test_a_dateline_weekday_is_not_the_figures_period(
    reference_store: Engine, text: str, indicator: str, span: tuple[str, str]
) -> None:
    claim = _only(_answer(reference_store, text), indicator)
    assert (claim["date"]["from"], claim["date"]["to"]) == (f"2024-{span[0]}", f"2024-{span[1]}"), claim["date"]


def test_a_total_after_a_dateline_weekday_without_a_period_is_still_unstated(reference_store: Engine) -> None:
    claim = _only(_answer(reference_store, "Gaza, Thursday 23 May 2024 — 200 trucks entered Gaza."), "trucks_total")
    assert claim["date"]["basis"].endswith("(no period stated)")


def test_a_status_after_a_dateline_weekday_is_the_document_dates(reference_store: Engine) -> None:
    claim = _only(_answer(reference_store, "Rafah, Monday 20 May 2024 — The Rafah crossing is closed."),
                  "crossing_status")
    assert (claim["date"]["from"], claim["date"]["to"]) == ("2024-05-20", "2024-05-20")


# ------------------------------------------------------------------------------- B. a later IPC analysis
def test_a_later_analysis_replaces_an_older_projection(reference_store: Engine) -> None:
    """On 26 June 2024 March's projection (16 Mar-15 Jul, 1.107 million) and June's analysis (from 25 Jun, 495,000)
    both cover the day: June's is the one in force, so the claim is not judged against March's."""
    out = _answer(reference_store, "26 June 2024 - 495,000 people in Gaza are in IPC Phase 5 (Catastrophe).")
    claim = _only(out, "ipc_phase5")
    assert claim["verdict"] == "consistent"
    used = [s for s in claim["sources"] if s.get("used", True)]
    assert [s["value"] for s in used] == [495000]
    old = [s for s in claim["evidence"] if s["value"] == 1107000]
    assert old and "superseded by the later analysis" in str(old[0].get("note")), claim["evidence"]


def test_the_older_projection_still_stands_before_the_later_analysis(reference_store: Engine) -> None:
    claim = _only(_answer(reference_store, "1 May 2024 - 1.1 million people in Gaza are in IPC Phase 5."),
                  "ipc_phase5")
    assert claim["verdict"] == "consistent"


# ------------------------------------------------------------------------------- C. the Famine Review Committee
@pytest.mark.parametrize(
    "text",
    [
        "Rome, 26 June 2024 — The IPC Famine Review Committee estimates that 495,000 people across Gaza are in "
        "IPC Phase 5.",
        "Rome, 26 June 2024 — 495,000 people in Gaza face Phase 5 conditions, the Famine Review Committee said.",
    ],
)
def test_the_famine_review_committee_is_a_source(reference_store: Engine, text: str) -> None:
    claim = _only(_answer(reference_store, text), "ipc_phase5")
    assert claim["reading"]["attribution"] == "the IPC Famine Review Committee"


def test_the_ipc_alone_is_still_the_ipc(reference_store: Engine) -> None:
    text = "Rome, 19 March 2024 — About 677,000 people in Gaza were in IPC Phase 5 from 15 February to 15 March, " \
           "according to the IPC."
    claim = _only(_answer(reference_store, text), "ipc_phase5")
    assert claim["reading"]["attribution"] == "the IPC"


# ------------------------------------------------------------------------------- D. money written before the figure
@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("Geneva, 17 April 2024 — The Flash Appeal seeks US$2.8 billion.", "2.8 billion"),
        ("Donors pledged $1.2 billion for Gaza on 11 June 2024.", "1.2 billion"),
        ("The EU announced €68 million for UNRWA on 1 March 2024.", "68 million"),
    ],
)
def test_a_currency_sign_before_a_figure_is_money(reference_store: Engine, text: str, figure: str) -> None:
    out = _answer(reference_store, text, date(2024, 6, 12))
    assert out["claims"] == []
    (item,) = [n for n in out["not_checkable"] if n["figure"] == figure]
    assert "money" in item["reason"]
