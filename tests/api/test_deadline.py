"""Every answer but writes has a time budget: past it the visitor gets 503 with Retry-After, the answer is
finished in the background and the retry is served from the cache."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from lifeline.api import tables
from lifeline.api.deadline import has_deadline
from tests.web.helpers import Served, bearer


def test_a_slow_answer_is_503_then_served_to_the_retry(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    original = tables.datasets

    def slow(conn):  # type: ignore[no-untyped-def]
        time.sleep(1.5)
        return original(conn)

    monkeypatch.setattr(tables, "datasets", slow)
    served.app.state.settings.request_seconds = 0.3
    with TestClient(served.app) as client:  # with its lifespan, as `lifeline serve` runs it
        began = time.monotonic()
        late = client.get("/api/v1/datasets")
        assert late.status_code == 503 and time.monotonic() - began < 1.2
        assert int(late.headers["retry-after"]) >= 1 and "time budget of 0.3 s" in late.json()["error"]
        time.sleep(1.8)  # the abandoned request finishes meanwhile, into the response cache
        retry = client.get("/api/v1/datasets")
        assert retry.status_code == 200 and retry.headers.get("x-lifeline-cache") == "hit"
        served.app.state.settings.request_seconds = 10
        assert client.get("/api/v1/health").status_code == 200  # answers within the budget are not affected


def test_writes_are_never_cut_off(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not has_deadline("POST", "/api/v1/imports") and not has_deadline("POST", "/api/v1/alerts/a/b/ack")
    assert has_deadline("POST", "/api/v1/claims/check") and has_deadline("GET", "/api/v1/coverage")
    served.app.state.settings.request_seconds = 0.001
    with TestClient(served.app) as client:
        r = client.post("/api/v1/reference/load", headers=bearer(served.admin_token))
        assert r.status_code in (200, 503) and "time budget" not in r.text  # 503 only when no reference set
