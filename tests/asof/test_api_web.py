"""as_of on the API's query endpoints and on the pages' filter form; freshness on the Data page."""

from __future__ import annotations

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
