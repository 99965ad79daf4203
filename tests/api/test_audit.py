"""The audit log holds dry runs and refused requests (who, when, what), and a dry run writes nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from lifeline.api import limits
from lifeline.api.refusals import PER_ADDRESS_PER_MINUTE, Throttle
from lifeline.store.schema import metadata
from lifeline.store.tables_accounts import audit_log
from tests.web.helpers import Served, bearer, unrwa_csv


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
                for t in metadata.sorted_tables}


def _entries(served: Served, after: int = 0) -> list[dict[str, Any]]:
    served.app.state.refusals.wait()  # refusal entries are written by a background thread
    with served.engine.connect() as conn:
        rows = conn.execute(select(audit_log).where(audit_log.c.id > after).order_by(audit_log.c.id))
        return [dict(r._mapping) for r in rows]


def _last_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.max(audit_log.c.id))).scalar() or 0)


def test_a_dry_run_writes_its_audit_entry_and_nothing_else(served: Served, tmp_path: Path) -> None:
    listing = unrwa_csv(tmp_path / "unrwa-commodities-received-20240303.csv", days=2, first_id=900)
    notes = tmp_path / "notes.csv"
    notes.write_text("nothing,to,import\n1,2,3\n", encoding="utf-8")
    before = _counts(served.engine)
    mark = _last_id(served.engine)
    with listing.open("rb") as fh:
        r = served.client.post("/api/v1/imports", files={"file": (listing.name, fh, "text/csv")},
                               data={"dry_run": "true"}, headers=bearer(served.editor_token))
    assert r.status_code == 200 and r.json()["status"] == "dry-run" and r.json()["rows_imported"] == 4
    with notes.open("rb") as fh:
        refused = served.client.post("/api/v1/imports", files={"file": ("notes.csv", fh)},
                                     data={"dry_run": "true"}, headers=bearer(served.editor_token))
    assert refused.status_code == 400
    after = _counts(served.engine)
    assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in before.items()
                                                                     if k != "audit_log"}
    assert after["audit_log"] == before["audit_log"] + 2
    checked, failed = _entries(served, mark)
    assert (checked["action"], checked["user_name"], checked["via"], checked["target"]) == (
        "import-dry-run", "ed", "api", listing.name)
    assert checked["detail"]["rows_imported"] == 4 and checked["detail"]["status"] == "dry-run"
    assert checked["at"] is not None and len(checked["detail"]["sha256"]) == 64
    assert (failed["action"], failed["user_name"], failed["target"]) == ("import-refused", "ed", "notes.csv")
    assert failed["detail"]["dry_run"] is True and failed["detail"]["error"]


def test_refused_requests_are_audited_with_who_and_why(served: Served) -> None:
    mark = _last_id(served.engine)
    client = TestClient(served.app, client=("198.51.100.4", 5555), follow_redirects=False)
    assert client.post("/api/v1/alerts/some-key/ack").status_code == 401  # unauthorised
    assert client.post("/api/v1/reference/load", headers=bearer(served.viewer_token)).status_code == 403
    assert client.get("/api/v1/audit", headers={"Authorization": "Bearer ll_not-a-token"}).status_code == 401
    assert client.get("/api/v1/deliveries", params={"from": "2024-13-01"}).status_code == 400  # bad input
    assert client.get("/api/v1/deliveries", params={"group": "nonsense"}).status_code == 422
    many = {"runs": limits.ANONYMOUS_MAX_RUNS + 1}
    assert client.get("/api/v1/coverage", params=many).status_code == 400  # over the anonymous runs cap
    big = client.post("/api/v1/claims/check", content=b"{" + b" " * (limits.ANONYMOUS_CLAIMS_MAX_CHARS * 5) + b"}",
                      headers={"content-type": "application/json"})
    assert big.status_code == 413  # over the anonymous body limit
    assert client.get("/api/v1/deliveries").status_code == 200  # answered requests are not refusals
    entries = _entries(served, mark)
    assert [e["action"] for e in entries] == ["request-refused"] * 7
    assert [e["target"] for e in entries] == [
        "POST /api/v1/alerts/some-key/ack", "POST /api/v1/reference/load", "GET /api/v1/audit",
        "GET /api/v1/deliveries", "GET /api/v1/deliveries", "GET /api/v1/coverage", "POST /api/v1/claims/check"]
    assert [e["detail"]["status"] for e in entries] == [401, 403, 401, 400, 422, 400, 413]
    assert [e["user_name"] for e in entries] == [None, "vi", None, None, None, None, None]
    assert {e["detail"]["address"] for e in entries} == {"198.51.100.4"}
    assert "'from'" in entries[3]["detail"]["reason"] and "group" in entries[4]["detail"]["reason"]
    assert "at most" in entries[5]["detail"]["reason"] and all(e["at"] is not None for e in entries)


def test_a_refusal_the_handler_audited_is_not_written_twice(served: Served, tmp_path: Path) -> None:
    notes = tmp_path / "notes.csv"
    notes.write_text("nothing,to,import\n1,2,3\n", encoding="utf-8")
    mark = _last_id(served.engine)
    with TestClient(served.app) as client, notes.open("rb") as fh:  # with its lifespan, as `lifeline serve` runs
        assert client.post("/api/v1/imports", files={"file": ("notes.csv", fh)},
                           headers=bearer(served.editor_token)).status_code == 400
        assert client.post("/api/v1/alerts/x/ack").status_code == 401
    assert [e["action"] for e in _entries(served, mark)] == ["import-refused", "request-refused"]


def test_a_flood_of_refusals_is_summarised_not_stored(served: Served) -> None:
    mark = _last_id(served.engine)
    client = TestClient(served.app, client=("198.51.100.5", 5555))
    for _ in range(PER_ADDRESS_PER_MINUTE + 15):
        assert client.get("/api/v1/deliveries", params={"from": "2024-13-01"}).status_code == 400
    assert len(_entries(served, mark)) == PER_ADDRESS_PER_MINUTE
    other = TestClient(served.app, client=("198.51.100.6", 5555))
    assert other.get("/api/v1/deliveries", params={"from": "2024-13-01"}).status_code == 400
    last = _entries(served, mark)[-1]
    assert last["detail"]["address"] == "198.51.100.6" and last["detail"]["left_out_before"] == 15


def test_the_throttle_forgets_after_its_window() -> None:
    now = [0.0]
    throttle = Throttle(per_key=2, overall=3, window=60, clock=lambda: now[0])
    assert [throttle.admit("a") for _ in range(3)] == [0, 0, None]
    assert throttle.admit("b") == 1 and throttle.admit("c") is None  # the overall cap
    now[0] = 61.0
    assert throttle.admit("a") == 1
