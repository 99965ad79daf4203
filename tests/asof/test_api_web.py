"""as_of on the API's query endpoints and on the pages' filter form; freshness on the Data page."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from lifeline.store import queries
from tests.asof.conftest import load_versions
from tests.web.helpers import Served, serve


@pytest.fixture
def served(store: Engine, tmp_path: Path) -> Any:
    def observe(e: Engine) -> Any:
        with e.connect() as conn:
            return queries.delivery_totals(conn)

    held = load_versions(store, tmp_path, observe)
    s = serve(store, tmp_path, data=False)
    yield s, held
    s.client.close()


def test_deliveries_as_of_between_the_versions(served: tuple[Served, Any]) -> None:
    s, held = served
    then = s.client.get("/api/v1/deliveries", params={"as_of": "2024-09-15"}).json()
    now = s.client.get("/api/v1/deliveries").json()
    assert [(r["crossing"], r["tonnes"]) for r in then["rows"]] == [
        (r["group"], round(r["tonnes"], 3)) for r in held.seen["v1"]]
    assert [(r["crossing"], r["tonnes"]) for r in now["rows"]] == [
        (r["group"], round(r["tonnes"], 3)) for r in held.seen["v2"]]
    assert then["query"]["as_of"] == "2024-09-15T23:59:59Z" and "as_of" not in now["query"]
    again = s.client.get("/api/v1/deliveries", params={"as_of": "2024-09-15"}).json()  # cached, stamped once
    assert again["notes"] == then["notes"]


def test_compare_now_on_the_api(served: tuple[Served, Any]) -> None:
    s, _ = served
    t = s.client.get("/api/v1/deliveries", params={"as_of": "2024-09-15", "compare_now": "true"}).json()
    assert {"tonnes_then", "tonnes_now", "tonnes_change"} <= set(t["rows"][0])


@pytest.mark.parametrize("path", ["/api/v1/deliveries", "/api/v1/access", "/api/v1/access/closures",
                                  "/api/v1/access/throughput", "/api/v1/sources/compare", "/api/v1/coverage",
                                  "/api/v1/series?indicator=population"])
def test_a_bad_as_of_is_a_400_naming_it(served: tuple[Served, Any], path: str) -> None:
    s, _ = served
    sep = "&" if "?" in path else "?"
    r = s.client.get(f"{path}{sep}as_of=2024-02-30")
    assert r.status_code == 400, r.text
    assert "as_of" in r.text


@pytest.mark.parametrize("path", ["/api/v1/access", "/api/v1/access/throughput", "/api/v1/sources/compare"])
def test_the_access_endpoints_state_their_moment(served: tuple[Served, Any], path: str) -> None:
    s, _ = served
    r = s.client.get(path, params={"as_of": "2024-09-15T12:00:00"})
    assert r.status_code == 200, r.text
    assert r.json()["query"]["as_of"] == "2024-09-15T12:00:00Z"
    side = s.client.get(path, params={"as_of": "2024-09-15T12:00:00", "compare_now": "true"})
    assert side.status_code == 200 and side.json()["query"]["compare_now"] is True
    assert s.client.get(path, params={"compare_now": "true"}).status_code == 400  # then needs a moment


def _register(engine: Engine, name: str, created: Any, every: int = 3600) -> None:
    from lifeline.ingest.live import registry

    with engine.begin() as conn:
        registry.add(conn, name, f"https://example.org/{name}.csv", every_seconds=every, now=created)


def _fail(engine: Engine, name: str, error: str) -> None:
    from sqlalchemy import update

    from lifeline.store.tables_live import live_sources

    with engine.begin() as conn:
        conn.execute(update(live_sources).where(live_sources.c.name == name).values(last_error=error,
                                                                                      last_outcome="error"))


def test_pages_take_as_of_from_the_date_picker(served: tuple[Served, Any]) -> None:
    s, held = served
    page = s.client.get("/", params={"as_of": "2024-09-15"})
    assert page.status_code == 200
    assert 'type="date"' in page.text and 'name="as_of"' in page.text and 'value="2024-09-15"' in page.text
    assert 'id="as-of-banner"' in page.text and "2024-09-15T23:59:59Z" in page.text
    for path in ("/access", "/coverage", "/sources"):
        r = s.client.get(path, params={"as_of": "2024-09-15"})
        assert r.status_code == 200 and 'id="as-of-banner"' in r.text, path
    assert 'id="as-of-banner"' not in s.client.get("/").text
    link = re.search(r'href="(/api/v1/deliveries\?[^"]*format=json[^"]*)"', page.text)
    assert link and "as_of=2024-09-15T23%3A59%3A59Z" in link[1]
    download = s.client.get(html.unescape(link[1])).json()
    assert download["query"]["as_of"] == "2024-09-15T23:59:59Z"
    per_month: dict[str, float] = {}
    for r in held.seen["v1"]:  # the first version's totals, by month and crossing, summed over crossings
        per_month[str(r["period"])] = per_month.get(str(r["period"]), 0.0) + r["tonnes"]
    assert {str(r["period"]): r["tonnes"] for r in download["rows"]} == pytest.approx(per_month)


def test_a_bad_as_of_on_a_page_is_a_400(served: tuple[Served, Any]) -> None:
    s, _ = served
    r = s.client.get("/access", params={"as_of": "15/09/2024"})
    assert r.status_code == 400 and "as_of" in r.text


def test_freshness_on_the_data_page_and_overdue_on_the_overview(served: tuple[Served, Any]) -> None:
    from datetime import UTC, datetime, timedelta

    s, _ = served
    assert 'id="block-overdue"' not in s.client.get("/").text
    _register(s.engine, "on-time", datetime.now(UTC))
    _register(s.engine, "stale", datetime.now(UTC) - timedelta(days=30))
    data = s.client.get("/data").text
    assert 'id="block-live-sources"' in data and "on-time" in data and "stale" in data
    overview = s.client.get("/").text
    assert 'id="block-overdue"' in overview
    block = overview.split('id="block-overdue"')[1].split("</section>")[0]
    assert "stale" in block and "on-time" not in block
    live = s.client.get("/api/v1/sources/live").json()
    assert {r["name"]: r["overdue"] for r in live["rows"]} == {"on-time": False, "stale": True}
    _fail(s.engine, "stale", "<script>alert(1)</script> from the server")  # a server's words are untrusted
    data = s.client.get("/data").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; from the server" in data and "<script>alert(1)" not in data


def test_report_lists_freshness_and_flags_overdue(served: tuple[Served, Any], tmp_path: Path) -> None:
    from datetime import UTC, date, datetime, timedelta

    from lifeline.report.build import build

    s, _ = served
    _register(s.engine, "stale", datetime.now(UTC) - timedelta(days=30))
    _fail(s.engine, "stale", "<b>bad gateway</b>")
    with s.engine.connect() as conn:
        report = build(conn, date(2024, 4, 1), date(2024, 4, 30), runs=1)
    from lifeline.report.render import write

    write(report, tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;bad gateway&lt;/b&gt;" in page and "<b>bad gateway" not in page
    assert "Live sources: freshness" in page
    assert any("stale" in f and "Overdue" in f for f in report.flags)
    (table,) = [tb for tb in report.appendix.tables if tb.title == "Live sources: freshness"]
    assert table.columns[:6] == ["source", "location", "every", "last checked", "last changed", "next check"]
    assert table.rows[0][0] == "stale" and table.rows[0][-1] == "yes"
