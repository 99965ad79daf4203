"""A status reported later never passes for a report of the day shown: seen from a day before its publication,
a report's basis date is that day (never the later publication), its age is never negative, and the day says
"reported later, on D" (docs/access.md). Constructed reports, then the reference set's JLOTS pier (reported on
30 May 2024 as operating since 17 May)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from lifeline.model import access, crossing_status
from tests.access.conftest import event, put_observations

VALIDITY = {"open": 14, "closed": 14, "restricted": 14}
START, PUBLISHED = date(2024, 5, 17), date(2024, 5, 30)


def _report(start: date, reported: date | None, status: str = "open", end: date | None = None,
            ident: int = 1) -> crossing_status.Report:
    return crossing_status.Report("pier", status, start, end, reported, "OCHA", f"OCHA, r{ident}", True, ident)


@pytest.mark.parametrize("reported", [None, START, START + timedelta(days=5), PUBLISHED])
@pytest.mark.parametrize("end", [None, START + timedelta(days=3), PUBLISHED + timedelta(days=3)])
def test_no_day_takes_a_basis_after_itself_or_a_negative_age(reported: date | None, end: date | None) -> None:
    report = _report(START, reported, end=end)
    for offset in range(-2, 40):
        day = START + timedelta(days=offset)
        reading = crossing_status.read([report], day, VALIDITY)
        if reading.report is None and reading.last is None:
            assert day < START
            continue
        shown = reading.report or reading.last
        assert shown is not None
        basis = shown.basis_on(day)
        assert basis <= day and reading.age(day) == (day - basis).days >= 0
        if reading.report is not None:
            assert (shown.reported_after(day) is not None) == (reported is not None and reported > day)


def _status(report: Any, day: date) -> dict[str, Any]:
    reading_row = access._day_status("crossing", "pier", day, "", "", [report], VALIDITY)
    return dict(zip(access.STATUS_FIELDS, reading_row, strict=True))


def test_a_day_before_the_publication_says_reported_later() -> None:
    report = _report(START, PUBLISHED)
    first = _status(report, START)
    assert first["status"] == "open" and first["basis"] == "reported"
    assert first["status_label"] == "open (reported later, on 2024-05-30)"
    assert first["basis_date"] == START and first["age_days"] == 0
    assert first["status_source"].startswith("reported later, on 2024-05-30: OCHA, r1")
    published = _status(report, PUBLISHED)
    assert published["status_label"] == "open (reported)" and published["basis_date"] == PUBLISHED
    after = _status(report, PUBLISHED + timedelta(days=3))
    assert after["status_label"] == "open (reported)" and after["age_days"] == 3
    assert after["basis_date"] == PUBLISHED


def test_a_later_report_never_counts_as_the_newest_word_of_an_earlier_day() -> None:
    """An open report published on the day beside a closure dated earlier but published later: the day's
    basis is the day, never the later publication, so no age is hidden as 0 behind a future date."""
    early = _report(START, START, "open", ident=1)
    later = _report(START + timedelta(days=2), PUBLISHED, "closed", ident=2)
    day = START + timedelta(days=3)
    got = _status(later, day)
    assert got["basis_date"] == day and got["age_days"] == 0 and "reported later" in got["status_label"]
    reading = crossing_status.read([early, later], day, VALIDITY)
    assert reading.report == later and reading.age(day) == 0


def test_the_timeline_of_stored_reports(sqlite_store: Engine) -> None:
    row = event("kerem-shalom", START, "open") | {"cited_date": PUBLISHED}
    put_observations(sqlite_store, [row])
    with sqlite_store.connect() as conn:
        rows = access.timeline(conn, START - timedelta(days=1), PUBLISHED + timedelta(days=2),
                               crossing="kerem-shalom").rows
    days = {r["period"]: r for r in rows}
    assert days[START]["status_label"] == "open (reported later, on 2024-05-30)"
    assert all(r["basis_date"] is None or r["basis_date"] <= r["period"] for r in rows)
    assert all(r["age_days"] is None or r["age_days"] >= 0 for r in rows)
    assert days[PUBLISHED + timedelta(days=2)]["age_days"] == 2


def test_the_reference_pier(real_with_reference: Engine) -> None:
    with real_with_reference.connect() as conn:
        rows = access.timeline(conn, date(2024, 5, 16), date(2024, 6, 1), crossing="jlots").rows
    days = {r["period"]: r for r in rows if r["level"] == "crossing"}
    assert days[date(2024, 5, 17)]["basis_date"] == date(2024, 5, 17)
    assert days[date(2024, 5, 17)]["status_label"] == "open (reported later, on 2024-05-30)"
    assert days[date(2024, 5, 27)]["status"] == "closed"
    assert all(r["basis_date"] is None or r["basis_date"] <= r["period"] for r in days.values())
