"""Every API endpoint that answers about places takes ?context=: asked for in a store of two contexts,
and answering with nothing of the other context."""

from __future__ import annotations

import pytest

from tests.contexts.conftest import GAZA_MARKS, ZARQA_MARKS
from tests.web.helpers import Served, bearer

ZARQA_WINDOW = "from=2025-03-01&to=2025-03-30"
GAZA_WINDOW = "from=2024-05-01&to=2024-05-02"
ENDPOINTS = [
    "/api/v1/deliveries?{w}", "/api/v1/access?{w}", "/api/v1/access/closures?{w}", "/api/v1/access/throughput?{w}",
    "/api/v1/sources/compare?{w}", "/api/v1/series?indicator=population", "/api/v1/coverage?runs=1&{w}",
    "/api/v1/alerts?include_resolved=true",
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_endpoint_is_scoped_to_one_context(served_two: Served, endpoint: str) -> None:
    headers = bearer(served_two.viewer_token)
    asked = served_two.client.get(endpoint.format(w=ZARQA_WINDOW), headers=headers)
    assert asked.status_code == 400 and "context" in asked.text, (endpoint, asked.status_code)
    zarqa = served_two.client.get(endpoint.format(w=ZARQA_WINDOW) + "&context=XZ", headers=headers)
    gaza = served_two.client.get(endpoint.format(w=GAZA_WINDOW) + "&context=gaza-strip", headers=headers)
    assert zarqa.status_code == 200 and gaza.status_code == 200, (endpoint, zarqa.text[:300], gaza.text[:300])
    assert not [m for m in GAZA_MARKS if m in zarqa.text], endpoint
    assert not [m for m in ZARQA_MARKS if m in gaza.text], endpoint


def test_locations_of_one_context(served_two: Served) -> None:
    headers = bearer(served_two.viewer_token)
    rows = served_two.client.get("/api/v1/locations?context=XZ", headers=headers).json()["rows"]
    assert {r["code"] for r in rows} == {"XZ", "XZ01", "XZ02", "XZ03", "north-gate", "river-port"}
    every = served_two.client.get("/api/v1/locations", headers=headers).json()["rows"]
    assert {"kerem-shalom", "XZ01"} <= {r["code"] for r in every}  # the store's places, when none is named
