"""The access timeline's days by default: the span of the context's delivery lists, not the earliest status
report of the store (a report years before the lists once started the timeline in 2015); earlier reports
still reachable with --from, said in a note; the same default on the CLI, the API, the web Access page and
the report."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lifeline.ingest.service import import_file
from lifeline.model import access
from tests.contexts.conftest import (
    EXAMPLE,
    Ran,
    lifeline,  # noqa: F401  (the fixture: the CLI in-process)
    set_up_example,
)
from tests.web.helpers import bearer, serve

# A report at North Gate nine years before the worked example's deliveries (1-30 March 2025).
OLD_REPORT = """crossing,date,status,source
#loc+code,#date,#status,#meta+source
north-gate,2016-06-01,open,test (fictional)
"""
LISTS = (date(2025, 3, 1), date(2025, 3, 30))


@pytest.fixture
def zarqa(sqlite_store: Engine, tmp_path: Path) -> Engine:
    set_up_example(sqlite_store)
    old = tmp_path / "old-status.csv"
    old.write_text(OLD_REPORT, encoding="utf-8")
    import_file(sqlite_store, old)
    return sqlite_store


def days(rows: list[dict[str, object]]) -> tuple[object, object]:
    periods = sorted(str(r["period"]) for r in rows)
    return periods[0], periods[-1]


def test_default_span_is_the_delivery_lists_and_earlier_reports_are_reachable(zarqa: Engine) -> None:
    with zarqa.connect() as conn:
        default = access.timeline(conn)
        earlier = access.timeline(conn, date_from=date(2016, 6, 1))
        closures = access.closures(conn)
    assert days(default.rows) == ("2025-03-01", "2025-03-30")
    assert "days shown: the span of the delivery lists, 2025-03-01 to 2025-03-30 (--from / --to for other days)" \
        in default.notes
    assert "1 status report(s) from 2016-06-01 to 2016-06-01 fall before it: --from 2016-06-01 shows them" \
        in default.notes
    assert days(earlier.rows) == ("2016-06-01", "2025-03-30")
    first = next(r for r in earlier.rows if r["crossing"] == "north-gate" and str(r["period"]) == "2016-06-01")
    assert first["reported_status"] == "open"
    assert not any("fall before it" in n for n in earlier.notes)  # asked for: nothing left out before
    # River Port's closure of 20 March still stands in the default span
    assert [(r["crossing"], str(r["start"])) for r in closures.rows] == [("river-port", "2025-03-20")]
    assert any("fall before it" in n for n in closures.notes)


def test_without_lists_the_span_is_the_status_reports(sqlite_store: Engine, tmp_path: Path) -> None:
    import_file(sqlite_store, EXAMPLE / "1-places.csv")
    import_file(sqlite_store, EXAMPLE / "4-status.csv")
    old = tmp_path / "old-status.csv"
    old.write_text(OLD_REPORT, encoding="utf-8")
    import_file(sqlite_store, old)
    with sqlite_store.connect() as conn:
        result = access.timeline(conn)
    assert days(result.rows) == ("2016-06-01", "2025-03-20")
    assert not any("span of the delivery lists" in n for n in result.notes)


def test_every_face_has_the_same_default(zarqa: Engine, tmp_path: Path,
                                         lifeline: Callable[..., Ran]) -> None:  # noqa: F811
    ran = lifeline(zarqa, "access", "--format", "json")
    assert ran.returncode == 0, ran.stderr
    assert days(json.loads(ran.stdout)["rows"]) == ("2025-03-01", "2025-03-30")
    earlier = lifeline(zarqa, "access", "--from", "2016-06-01", "--format", "json")
    assert days(json.loads(earlier.stdout)["rows"])[0] == "2016-06-01"

    served = serve(zarqa, tmp_path / "served", data=False)
    api = served.client.get("/api/v1/access", headers=bearer(served.viewer_token))
    assert api.status_code == 200, api.text[:300]
    assert days(api.json()["rows"]) == ("2025-03-01", "2025-03-30")
    page = served.client.get("/access", headers=bearer(served.viewer_token))
    assert page.status_code == 200
    assert "2025-03-01" in page.text and "2016-06-02" not in page.text  # the chart's days: the lists' span
    served.client.close()

    from lifeline.report.build import build

    with zarqa.connect() as conn:
        report = build(conn, runs=1)
    assert (report.date_from, report.date_to) == LISTS  # the last 30 days of the lists: inside their span
