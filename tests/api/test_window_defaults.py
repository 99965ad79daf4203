"""A window not asked for is the model's own default (the access timeline: its delivery lists' span), on every
face alike; only that default is clamped to MAX_WINDOW_DAYS, and the note says which days are shown.

The store's whole extent once filled a missing ``from`` for every face: the reference set's 2012 capacity
figure and IDMC rows to 2025 started the demo's access timeline on 2015-06-13. These tests hold real stores
(the bundled reference set and the real line lists where present, files imported through the importers)
and read each face as a user does: the CLI's JSON, the API, the Access page's chart and the Overview.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from lifeline.api import tables
from lifeline.ingest.service import import_file
from lifeline.reference.load import load_all
from lifeline.store import window
from lifeline.store.engine import open_store
from tests.api.test_bounds import store_extreme_rows
from tests.conftest import shared_file
from tests.contexts.conftest import (
    Ran,
    lifeline,  # noqa: F401  (the fixture: the CLI in-process)
)
from tests.web.helpers import Served, bearer, serve

Lifeline = Callable[..., Ran]

# The crossing capacity the reference set dates 2012 (a figure, not a daily series), alone in a file.
CAPACITY_2012 = """id,indicator,location,date,date_end,value,unit,source,title
#meta+id,#indicator+code,#loc+code,#date+start,#date+end,#indicator+num,#indicator+unit,#meta+source,#meta+title
cap-2012,crossing_capacity_trucks_per_day,kerem-shalom,2012-01-01,,450,trucks/day,test (fictional),capacity
"""


@pytest.fixture(autouse=True)
def own_answer_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache of answers per test: the process-wide one is keyed on the data version, which two stores of
    this module can share."""
    monkeypatch.setattr(tables, "CACHE", tables.AnswerCache())


# ---------------------------------------------------------------------------------------------------
# Reading each face


def _days(periods: list[str]) -> tuple[str, str, int]:
    """First day, last day and how many distinct days."""
    found = sorted(set(periods))
    return found[0], found[-1], len(found)


def cli_timeline(run: Lifeline, engine: Engine, *args: str) -> dict[str, Any]:
    ran = run(engine, "access", *args, "--format", "json")
    assert ran.returncode == 0, ran.stderr
    return dict(json.loads(ran.stdout))


def api_table(served: Served, path: str) -> dict[str, Any]:
    """The whole table (every page of it) at ``path``."""
    path += ("&" if "?" in path else "?") + "limit=50000"
    r = served.client.get(path, headers=bearer(served.viewer_token))
    assert r.status_code == 200, (path, r.text[:300])
    return dict(r.json())


def page(served: Served, path: str) -> str:
    r = served.client.get(path, headers=bearer(served.viewer_token))
    assert r.status_code == 200, (path, r.text[:300])
    return r.text


def chart_days(html: str) -> list[str]:
    """The days on the Access page's status chart (its figure's x axis)."""
    found = re.search(r'<script type="application/json" id="fig-timeline">(.*?)</script>', html, re.S)
    assert found, "no status chart on the page"
    # the status key's legend entries are traces without days (x = [null])
    return [str(x) for trace in json.loads(found.group(1))["data"] for x in trace.get("x") or [] if x is not None]


def overview_crossing_days(html: str) -> list[str]:
    """The 'day' column of the Overview's crossings-now table (each crossing's last day shown)."""
    start = html.index('id="block-crossings"')
    end = html.find("<section", start + 10)
    rows = re.findall(r"<tr>(.*?)</tr>", html[start:end if end > 0 else None], re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in rows]
    return [c[1] for c in cells if len(c) > 1]


def status_rows(table: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted((r["crossing"], r["period"], r["status"], r["status_source"]) for r in table["rows"])


def days_note(notes: list[str]) -> str:
    found = [n for n in notes if n.startswith("days shown:")]
    assert len(found) == 1, notes
    return found[0]


def every_face(run: Lifeline, served: Served, *, first: str, last: str) -> str:
    """Assert that the CLI, the API, the Access page and the Overview show the days first..last, the same
    statuses on CLI and API, and the same 'days shown' note on all; return that note."""
    cli = cli_timeline(run, served.engine)
    api = api_table(served, "/api/v1/access")
    assert _days([r["period"] for r in cli["rows"]])[:2] == (first, last)
    assert status_rows(api) == status_rows(cli)
    note = days_note(cli["notes"])
    assert days_note(api["notes"]) == note
    access_page = page(served, "/access")
    on_chart = chart_days(access_page)
    assert _days(on_chart)[:2] == (first, last)
    assert note in access_page
    shown = set(overview_crossing_days(page(served, "/")))
    assert shown == {last}, shown  # each crossing's status on the last day shown, the same day as the others
    return note


# ---------------------------------------------------------------------------------------------------
# The demo's reference data: the reference set, the real UNRWA list and the IDMC rows to 2025


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("demo")
    engine = open_store(f"sqlite:///{folder / 'demo.db'}")
    load_all(engine)
    for name in ("unrwa-commodities-received-20241111.csv", "idmc-event-data-pse-2024-12_2025-06.csv"):
        import_file(engine, shared_file(name))
    served = serve(engine, folder, data=False)
    yield served
    served.client.close()
    engine.dispose()


def test_demo_reference_data_every_face_starts_on_the_lists_first_day(demo: Served, lifeline: Lifeline) -> None:  # noqa: F811
    with demo.engine.connect() as conn:
        ext = window.extent(conn)
    assert ext[0] is not None and ext[1] is not None
    first, last = ext[0].isoformat(), ext[1].isoformat()  # the one delivery list's span
    assert first > "2015-06-13" and last < "2025-06-20"
    note = every_face(lifeline, demo, first=first, last=last)
    assert note == f"days shown: the span of the delivery lists, {first} to {last} (--from / --to for other days)"
    # the downloads of the page answer for the same days: no window filled in by the page
    links = re.findall(r'href="(/api/v1/access\?[^"]*)"', page(demo, "/access"))
    assert links and not any("from=" in x or "to=" in x for x in links), links


def test_demo_explicit_from_to_still_win(demo: Served, lifeline: Lifeline) -> None:  # noqa: F811
    cli = cli_timeline(lifeline, demo.engine, "--from", "2024-05-01", "--to", "2024-05-31")
    api = api_table(demo, "/api/v1/access?from=2024-05-01&to=2024-05-31")
    assert _days([r["period"] for r in cli["rows"]]) == ("2024-05-01", "2024-05-31", 31)
    assert status_rows(api) == status_rows(cli)
    assert not any(n.startswith("days shown:") for n in cli["notes"])  # the days asked for, nothing to say
    assert _days(chart_days(page(demo, "/access?from=2024-05-01&to=2024-05-31")))[:2] == ("2024-05-01", "2024-05-31")
    # one bound asked: the other is the lists' own, and the note says which is which
    half = cli_timeline(lifeline, demo.engine, "--from", "2024-05-01")
    periods = [r["period"] for r in half["rows"]]
    with demo.engine.connect() as conn:
        last = window.extent(conn)[1]
    assert _days(periods)[:2] == ("2024-05-01", str(last))
    assert days_note(half["notes"]).startswith(f"days shown: 2024-05-01 (asked) to {last} (the span of the delivery")


# ---------------------------------------------------------------------------------------------------
# A figure years before the lists (not a daily series) does not stretch any window


def test_a_2012_capacity_figure_leaves_the_2024_lists_span(
    sqlite_store: Engine, tmp_path: Path, lifeline: Lifeline  # noqa: F811
) -> None:
    capacity = tmp_path / "capacity.csv"
    capacity.write_text(CAPACITY_2012, encoding="utf-8")
    import_file(sqlite_store, capacity)
    served = serve(sqlite_store, tmp_path)  # with a list of 1-6 January 2024
    try:
        every_face(lifeline, served, first="2024-01-01", last="2024-01-06")
        with sqlite_store.connect() as conn:
            assert window.extent(conn) == (date(2024, 1, 1), date(2024, 1, 6))
            assert window.bounded(conn, None, None) == (None, None)
        deliveries = api_table(served, "/api/v1/deliveries?by=day")
        assert (deliveries["query"]["from"], deliveries["query"]["to"]) == (None, None)
        coverage = api_table(served, "/api/v1/coverage?by=day&runs=20")
        assert _days([r["period"] for r in coverage["rows"]])[:2] == ("2024-01-01", "2024-01-06")
    finally:
        served.client.close()


def test_the_warmed_answers_are_the_ones_the_pages_ask_for(sqlite_store: Engine, tmp_path: Path) -> None:
    """warm() asks with no window, as a visitor's page does: the pages then compute nothing of their own."""
    from lifeline.web import views

    capacity = tmp_path / "capacity.csv"
    capacity.write_text(CAPACITY_2012, encoding="utf-8")
    import_file(sqlite_store, capacity)
    served = serve(sqlite_store, tmp_path)
    try:
        views.warm(sqlite_store, None)
        warmed = set(tables.CACHE._items)
        assert any('"timeline"' in key for key in warmed) and any('"coverage"' in key for key in warmed)
        for path in ("/", "/access", "/coverage", "/sources", "/map"):
            page(served, path)
        # (an answer the model refuses, such as a study without its data, is never kept: not counted here)
        assert set(tables.CACHE._items) == warmed, set(tables.CACHE._items) - warmed
    finally:
        served.client.close()


# ---------------------------------------------------------------------------------------------------
# Rows across 1948-2100: every face still bounded, the note saying which days


@pytest.mark.slow  # ten years of days per crossing on five faces: about 30 s on a busy machine
def test_rows_across_1948_to_2100_stay_bounded_on_every_face(
    sqlite_store: Engine, tmp_path: Path, lifeline: Lifeline  # noqa: F811
) -> None:
    served = serve(sqlite_store, tmp_path)
    store_extreme_rows(sqlite_store, (date(1948, 1, 1), date(2100, 12, 31)))
    last = window.LATEST_DAY
    first = last - timedelta(days=window.MAX_WINDOW_DAYS)
    try:
        note = every_face(lifeline, served, first=first.isoformat(), last=last.isoformat())
        assert note.startswith(f"days shown: {first} to {last}, of the span of the delivery lists, 1948-01-01 to "
                               f"{last}, which is more than a window may cover (3,660 days")
        assert "the most recent days are kept" in note
        for path in ("/api/v1/access/closures", "/api/v1/access/throughput?by=day", "/api/v1/coverage?by=day&runs=20",
                     "/api/v1/deliveries?by=day", "/api/v1/sources/compare?by=day"):
            table = api_table(served, path)
            periods = [str(r.get("period") or r["start"])[:10] for r in table["rows"] if r.get("period") != "total"]
            if periods:
                lo, hi, _ = _days(periods)
                assert first.isoformat() <= lo and hi <= last.isoformat(), (path, lo, hi)
            if path.startswith("/api/v1/coverage") or path.startswith("/api/v1/access/throughput"):
                assert any(n.startswith(f"days shown: {first} to {last}") for n in table["notes"]), table["notes"]
        # one bound asked: the days after it, at most the limit, said so
        after = api_table(served, "/api/v1/access?from=2024-01-01")
        lo, hi, _ = _days([r["period"] for r in after["rows"]])
        assert (lo, hi) == ("2024-01-01", (date(2024, 1, 1) + timedelta(days=window.MAX_WINDOW_DAYS)).isoformat())
        assert "the days from --from on are kept" in days_note(after["notes"])
        # both asked: exactly those days
        asked = cli_timeline(lifeline, sqlite_store, "--from", "2024-01-01", "--to", "2024-01-06")
        assert _days([r["period"] for r in asked["rows"]]) == ("2024-01-01", "2024-01-06", 6)
    finally:
        served.client.close()


# ---------------------------------------------------------------------------------------------------
# The clamp itself


@pytest.mark.parametrize(("default", "asked", "shown", "cut"), [
    ((date(2023, 10, 21), date(2024, 9, 30)), (None, None), (date(2023, 10, 21), date(2024, 9, 30)), False),
    ((date(1948, 1, 1), date(2100, 12, 31)), (None, None), (date(2090, 12, 23), date(2100, 12, 31)), True),
    ((date(1, 1, 1), date(9999, 12, 31)), (date(2024, 1, 1), None), (date(2024, 1, 1), date(2034, 1, 8)), True),
    ((date(1948, 1, 1), date(2100, 12, 31)), (None, date(2024, 1, 6)), (date(2013, 12, 29), date(2024, 1, 6)), True),
    ((date(2023, 10, 21), date(2024, 9, 30)), (date(2016, 6, 1), None), (date(2016, 6, 1), date(2024, 9, 30)), False),
    ((date(2023, 10, 21), date(2024, 9, 30)), (date(2024, 5, 1), date(2024, 5, 2)),
     (date(2024, 5, 1), date(2024, 5, 2)), False),
    ((date(1, 1, 1), date(1, 1, 5)), (None, None), (date(1948, 1, 1), date(1948, 1, 1)), True),
    (None, (None, None), (None, None), False),
])
def test_span_clamps_only_the_default(default: tuple[date, date] | None, asked: tuple[date | None, date | None],
                                      shown: tuple[date | None, date | None], cut: bool) -> None:
    days = window.span(default, *asked)
    assert (days.first, days.last) == shown
    assert days.cut is cut
    if days.first and days.last:
        assert (days.last - days.first).days <= window.MAX_WINDOW_DAYS
    note = days.note("the delivery lists")
    if None not in asked or default is None:
        assert note is None
    else:
        assert note is not None and note.startswith("days shown:")
        assert (str(days.first) in note and str(days.last) in note) or note.startswith(
            "days shown: the span of the delivery lists")
        assert ("more than a window may cover" in note) is cut
