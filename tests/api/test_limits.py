"""Request budgets over a real loopback server: bodies cut while they stream, oversize uploads audited,
and the answer cache computing each key once however many callers ask at the same time."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from lifeline.api import limits, tables
from lifeline.formats import ResultTable
from lifeline.store.tables_accounts import audit_log
from tests.web.helpers import Served, serve


@pytest.fixture
def small(sqlite_store: Engine, tmp_path: Path) -> Iterator[Served]:
    s = serve(sqlite_store, tmp_path)
    s.app.state.settings.max_upload_mb = 1
    yield s
    s.client.close()


def test_an_oversize_upload_is_cut_while_streaming_and_audited(small: Served) -> None:
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(small.app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    sent = 0
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall((f"POST /api/v1/imports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                          f"{small.editor_token}\r\ncontent-type: multipart/form-data; boundary=b\r\n"
                          "transfer-encoding: chunked\r\n\r\n").encode())
            part = b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
            conn.sendall(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            chunk = b"x" * (1 << 16)
            frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
            try:
                for _ in range(97 * 16):  # 97 MB, never declared up front
                    conn.sendall(frame)
                    sent += len(chunk)
            except OSError:
                pass  # the server closed the connection at the limit
            answer = conn.recv(65536).decode(errors="replace")
    finally:
        server.should_exit = True
        thread.join(10)
    assert " 413 " in answer.splitlines()[0], answer[:300]
    assert sent < 20_000_000  # cut near the 2 MB limit, not received whole
    with small.engine.connect() as conn2:
        assert "import-refused" in [row.action for row in conn2.execute(select(audit_log.c.action))]


def test_the_answer_cache_computes_a_key_once_for_concurrent_callers() -> None:
    cache = tables.AnswerCache()
    calls = 0
    gate = threading.Event()

    def make() -> ResultTable:
        nonlocal calls
        calls += 1
        gate.wait(2)
        return ResultTable(title="t", columns=[], rows=[])

    results: list[ResultTable] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_make("k", make))) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.3)  # every caller is asking while the first computes
    gate.set()
    for t in threads:
        t.join()
    assert calls == 1 and len(results) == 8 and all(r is results[0] for r in results)




def test_a_real_alert_is_acknowledged_through_the_api(small: Served, tmp_path: Path) -> None:
    from tests.cli.helpers import rafah_gap_listing

    listing = rafah_gap_listing(tmp_path)
    auth = {"Authorization": f"Bearer {small.editor_token}"}
    with listing.open("rb") as fh:
        assert small.client.post("/api/v1/imports", files={"file": (listing.name, fh)}, headers=auth).status_code == 201
    keys = [r["key"] for r in small.client.get("/api/v1/alerts", params={"state": "open"}).json()["rows"]]
    key = next(k for k in keys if k.startswith("crossing-gap.rafah."))
    assert "/" not in key  # a short id (tests/alerts/test_alert_ids.py: by its old key too)
    r = small.client.post(f"/api/v1/alerts/{key}/ack", headers=auth)
    assert r.status_code == 200, r.text
    acked = small.client.get("/api/v1/alerts", params={"state": "acknowledged"}).json()["rows"]
    assert [a["key"] for a in acked] == [key]
    assert small.client.post("/api/v1/alerts/no/such/key/ack", headers=auth).status_code == 404


def test_anonymous_fresh_computations_get_429_past_the_budget(small: Served) -> None:
    limits.ANONYMOUS_BUDGET.wait = 0.1
    try:
        with limits.ANONYMOUS_BUDGET, limits.ANONYMOUS_BUDGET:  # both slots busy with other computations
            busy = small.client.get("/api/v1/coverage", params={"runs": 50, "by": "week"})
            assert busy.status_code == 429 and int(busy.headers["retry-after"]) >= 1
            known = small.client.get("/api/v1/coverage", params={"runs": 50, "by": "week"},
                                     headers={"Authorization": f"Bearer {small.viewer_token}"})
            assert known.status_code == 200  # token holders are not limited
        assert small.client.get("/api/v1/coverage", params={"runs": 50, "by": "week"}).status_code == 200
    finally:
        limits.ANONYMOUS_BUDGET.wait = limits.WAIT_SECONDS
    many = small.client.get("/api/v1/coverage", params={"runs": limits.ANONYMOUS_MAX_RUNS + 1})
    assert many.status_code == 400 and "at most" in many.json()["error"]
    text = {"text": "x" * (limits.ANONYMOUS_CLAIMS_MAX_CHARS + 1)}
    assert small.client.post("/api/v1/claims/check", json=text).status_code in (400, 413)
