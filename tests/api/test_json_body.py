"""A request body that is not JSON: one line naming the byte, line and column where it breaks (400)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from lifeline.ingest.json_errors import position_in
from tests.cli.helpers import snapshot
from tests.web.helpers import Served

WHERE = re.compile(r"at byte ([\d,]*\d) \(line ([\d,]*\d), column ([\d,]*\d)")


@pytest.mark.parametrize("body", ['{"text": "Trucks: 5', '{"text": "a"\n "date": "2024-05-06"}', '{"text": "أمر" @}'])
def test_a_broken_claims_body_names_where_it_breaks(served: Served, body: str) -> None:
    client: TestClient = served.client
    raw = body.encode()
    before = snapshot(served.engine)
    r = client.post("/api/v1/claims/check", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    message = r.json()["error"]
    found = WHERE.search(message)
    assert message.startswith("the request body is not valid JSON") and found, message
    at = int(found.group(1).replace(",", ""))
    assert (int(found.group(2)), int(found.group(3))) == (position_in(raw, at).line, position_in(raw, at).column)
    if body.endswith("5"):
        assert at == len(raw) and "ends before the JSON does" in message
    else:
        assert at == raw.index(b'"date"' if "date" in body else b"@"), message
    assert {k: v for k, v in snapshot(served.engine).items() if k != "audit_log"} == \
        {k: v for k, v in before.items() if k != "audit_log"}


def test_other_validation_errors_keep_their_field_list(served: Served) -> None:
    r = served.client.post("/api/v1/claims/check", json={"txt": "no text field"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "text"]
