"""Every request bounded: rows stored with extreme dates cannot widen any question beyond the window limits.

The rows are written straight into the store (as an older build or another tool could have), so these
tests hold whatever the importers accept.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert, select

from lifeline.store import schema, window
from tests.web.helpers import Served

FIRST, LAST = date(1, 1, 1), date(9999, 12, 31)


def store_extreme_rows(engine: Engine, days: tuple[date, ...] = (FIRST, LAST)) -> None:
    """A dataset of its own (so the data version changes) with deliveries and observations on ``days``."""
    with engine.begin() as conn:
        source_id = conn.execute(select(schema.sources.c.id)).scalars().first()
        dataset_id = conn.execute(insert(schema.datasets).values(
            kind="hxl", series="extreme-dates", source_id=source_id, path="extreme.csv", sha256="0" * 64,
            imported_at=datetime.now(UTC), rows_read=len(days), rows_imported=len(days), rows_unchanged=0,
            rows_changed=0, rows_rejected=0, rows_flagged=0, rows_withdrawn=0,
        )).inserted_primary_key[0]
        for n, day in enumerate(days, start=1):
            conn.execute(insert(schema.deliveries).values(
                series="extreme-dates", source_row_id=str(n), dataset_id=dataset_id, first_dataset_id=dataset_id,
                row_number=n, date=day, crossing="kerem-shalom", category="food", commodity="flour", quantity=1.0,
                unit="t", consignments=1, kg=1000.0, trucks=1.0, area="gaza-strip",
            ))
            conn.execute(insert(schema.observations).values(
                series="extreme-dates", source_row_id=str(n), dataset_id=dataset_id, first_dataset_id=dataset_id,
                row_number=n, indicator="population", location="gaza-strip", date=day, period_end=day, value=1.0,
            ))


GETS = [
    "/api/v1/deliveries", "/api/v1/deliveries?by=day", "/api/v1/deliveries?by=week&group=source",
    "/api/v1/access", "/api/v1/access?by=month", "/api/v1/access?from=1948-01-01",
    "/api/v1/access?to=2100-12-31", "/api/v1/access/closures", "/api/v1/access/throughput",
    "/api/v1/sources/compare", "/api/v1/sources/compare?by=day&indicator=tonnes", "/api/v1/series?indicator=population",
    "/api/v1/coverage", "/api/v1/coverage?by=day", "/api/v1/coverage?from=2100-01-01", "/api/v1/studies",
    "/api/v1/datasets", "/api/v1/sources", "/api/v1/sources/latest", "/api/v1/revisions", "/api/v1/locations",
    "/api/v1/alerts", "/api/v1/health", "/api/v1/assumption-sets",
]
PAGES = ["/", "/access", "/coverage", "/sources", "/map", "/data", "/?lang=ar", "/access?from=1948-01-01",
         "/coverage?to=2100-12-31", "/map?date=2100-12-31"]


def test_bounded_clamps_missing_bounds_to_the_limits(served: Served) -> None:
    with served.engine.connect() as conn:
        assert window.bounded(conn, None, None) == (None, None)  # sane data: each model picks its own range
    store_extreme_rows(served.engine)
    with served.engine.connect() as conn:
        assert window.extent(conn) == (window.EARLIEST_DAY, window.LATEST_DAY)
        lo, hi = window.bounded(conn, None, None)
        assert hi == window.LATEST_DAY and lo == hi - timedelta(days=window.MAX_WINDOW_DAYS)
        lo, hi = window.bounded(conn, date(2024, 1, 1), None)
        assert (lo, hi) == (date(2024, 1, 1), date(2024, 1, 1) + timedelta(days=window.MAX_WINDOW_DAYS))
        lo, hi = window.bounded(conn, None, date(2024, 1, 6))
        assert (lo, hi) == (date(2024, 1, 6) - timedelta(days=window.MAX_WINDOW_DAYS), date(2024, 1, 6))
        assert window.bounded(conn, date(2024, 1, 1), date(2024, 1, 6)) == (date(2024, 1, 1), date(2024, 1, 6))


@pytest.mark.parametrize("days", [(FIRST, LAST), (date(1948, 1, 1), date(2100, 12, 31))],
                         ids=["0001-9999", "1948-2100"])
def test_no_endpoint_or_page_fails_on_extreme_stored_dates(served: Served, days: tuple[date, ...]) -> None:
    store_extreme_rows(served.engine, days)
    slow = []
    for path in GETS + PAGES:
        started = time.perf_counter()
        r = served.client.get(path)
        took = time.perf_counter() - started
        assert r.status_code < 500, (path, r.status_code, r.text[:300])
        if took > 30:
            slow.append((path, round(took, 1)))
    assert not slow, slow  # a window of centuries takes minutes and gigabytes; ten years takes seconds


def test_explicit_windows_stay_refused_with_a_message(served: Served) -> None:
    store_extreme_rows(served.engine)
    for query, expected in (("from=1900-01-01", "outside"), ("from=2024-01-06&to=2024-01-01", "is after"),
                            ("from=1948-01-01&to=2100-12-31", "longer than")):
        r = served.client.get(f"/api/v1/access?{query}")
        assert r.status_code == 400 and expected in r.json()["error"], (query, r.text)
