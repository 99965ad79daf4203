"""Behind a reverse proxy: the client is taken from X-Forwarded-For only when the peer is a trusted proxy,
so login limits count visitors, not the proxy; a peer outside the list cannot choose its address."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from lifeline.api.app import create_app
from lifeline.api.login_limits import FREE_FAILURES, LoginLimiter
from lifeline.api.proxies import TrustedProxies, parse_networks
from lifeline.errors import UserError
from lifeline.store.tables_accounts import audit_log
from tests.api.live import live
from tests.web.helpers import PASSWORD, Served, serve
from tests.web.test_pages import csrf_of

PROXY = "10.1.2.3"
LIFELINE = Path(sys.executable).with_name("lifeline")


def proxies(*blocks: str) -> TrustedProxies:
    return TrustedProxies(parse_networks(blocks))


@pytest.mark.parametrize(("peer", "header", "client"), [
    ("198.51.100.9", ["203.0.113.7"], "198.51.100.9"),  # untrusted peer: the header is ignored
    (PROXY, ["203.0.113.7"], "203.0.113.7"),
    (PROXY, ["6.6.6.6, 203.0.113.7"], "203.0.113.7"),  # the client's own entries left of the real one
    (PROXY, ["6.6.6.6", "203.0.113.7, 10.9.9.9"], "203.0.113.7"),  # two headers; a second trusted hop
    (PROXY, ["10.0.0.1, 10.0.0.2"], "10.0.0.1"),  # every hop trusted: the left-most
    (PROXY, ["not-an-address"], PROXY),  # garbage stops at the proxy that passed it on
    (PROXY, ["203.0.113.7:4711"], "203.0.113.7"),
    (PROXY, ["[2001:db8::1]:443"], "2001:db8::1"),
    ("::ffff:10.1.2.3", ["203.0.113.7"], "203.0.113.7"),  # IPv4-mapped peer of a dual-stack socket
    (PROXY, [], PROXY),
])
def test_the_right_most_untrusted_hop_is_the_client(peer: str, header: list[str], client: str) -> None:
    assert proxies("10.0.0.0/8").client(peer, header) == client


def test_no_trusted_proxy_by_default_and_bad_entries_are_named() -> None:
    assert TrustedProxies().client("127.0.0.1", ["203.0.113.7"]) == "127.0.0.1"
    assert len(parse_networks(["10.0.0.0/8, 127.0.0.1", "::1"])) == 3
    with pytest.raises(UserError, match="'10.0.0.0/33'"):
        parse_networks(["10.0.0.0/33"])


def _fail_logins(client: TestClient | httpx.Client, forwarded_for: str, times: int, name: str = "ed") -> list[int]:
    token = csrf_of(client.get("/login").text)
    headers = {"x-forwarded-for": forwarded_for}
    return [client.post("/login", data={"name": name, "password": "wrong guess", "csrf_token": token},
                        headers=headers).status_code for _ in range(times)]


def _login(client: TestClient | httpx.Client, forwarded_for: str, name: str = "vi") -> int:
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token},
                       headers={"x-forwarded-for": forwarded_for}).status_code


def _failed_targets(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return {r.target for r in conn.execute(select(audit_log.c.target).where(audit_log.c.action == "login-failed"))}


def test_behind_a_trusted_proxy_limits_count_each_visitor(sqlite_store: Engine, tmp_path: Path) -> None:
    s = serve(sqlite_store, tmp_path)
    app = create_app(replace(s.app.state.settings, trusted_proxies=("10.0.0.0/8",)), sqlite_store)
    # A clock that stands still: the 1 s delay after the free failures cannot run out on a busy machine
    # between the guesses and the prefixed attempt (which would then be checked, 303, not refused).
    app.state.logins = LoginLimiter(clock=lambda: 1_000.0)
    with TestClient(app, client=(PROXY, 40000), follow_redirects=False) as client:
        assert _fail_logins(client, "203.0.113.7", FREE_FAILURES + 1)[-1] == 429
        assert _login(client, "203.0.113.8") == 303  # another visitor through the same proxy is not delayed
        assert _login(client, "6.6.6.6, 203.0.113.7") == 429  # nor can the guesser escape by prefixing
    assert _failed_targets(sqlite_store) == {"203.0.113.7"}  # the audit names the visitor, not the proxy


def test_without_trusted_proxies_the_header_changes_nothing(served: Served) -> None:
    client = TestClient(served.app, client=(PROXY, 40000), follow_redirects=False)
    assert _fail_logins(client, "203.0.113.7", FREE_FAILURES + 1)[-1] == 429
    assert _login(client, "203.0.113.8") == 429  # same peer, same address: the header is not believed
    assert _failed_targets(served.engine) == {PROXY}


@contextmanager
def _lifeline_serve(db_url: str, *options: str) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "LIFELINE_DB": db_url, "LIFELINE_WARM": "0", "LIFELINE_SECRET_KEY": "test-secret"}
    env.pop("LIFELINE_TRUSTED_PROXIES", None)
    proc = subprocess.Popen([str(LIFELINE), "serve", "--port", str(port), *options], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"lifeline serve did not start: {proc.stdout.read() if proc.stdout else ''}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(20)


def test_lifeline_serve_believes_only_the_proxies_it_is_told(sqlite_store: Engine, tmp_path: Path) -> None:
    served = serve(sqlite_store, tmp_path)  # two real server processes: on SQLite only, to stay quick
    with _lifeline_serve(served.url) as url, httpx.Client(base_url=url, timeout=30) as client:
        # uvicorn's own proxy handling would trust 127.0.0.1 by default: it is off.
        assert _fail_logins(client, "203.0.113.7", FREE_FAILURES + 1)[-1] == 429
        assert _login(client, "203.0.113.8") == 429
    with _lifeline_serve(served.url, "--trusted-proxy", "127.0.0.1/32") as url, \
            httpx.Client(base_url=url, timeout=30) as client:
        assert _fail_logins(client, "203.0.113.9", FREE_FAILURES + 1)[-1] == 429
        assert _login(client, "203.0.113.10") == 303
    assert _failed_targets(served.engine) == {"127.0.0.1", "203.0.113.9"}


def test_a_bad_trusted_proxy_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "LIFELINE_DB": f"sqlite:///{tmp_path / 's.db'}", "LIFELINE_TRUSTED_PROXIES": "10.0.0.0/99"}
    done = subprocess.run([str(LIFELINE), "serve", "--port", "1"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "10.0.0.0/99" in done.stderr and "Traceback" not in done.stderr


QUERIES = ["limit=1", "limit=1&offset=0", "offset=0&limit=1", "limit=1&format=json"]


def _origin_seen(url: str, headers: dict[str, str], case: int) -> tuple[bool, bool, str]:
    """Through a real socket: (HSTS sent, session cookie Secure, the host and scheme of the API's next link).
    Each case asks with another query string: the whole-answer cache keys on path and query only."""
    with httpx.Client(base_url=url, timeout=30, follow_redirects=False) as client:
        page = client.get("/login", headers=headers)
        answer = client.get(f"/api/v1/deliveries?{QUERIES[case]}", headers=headers).json()
    cookie = page.headers.get("set-cookie", "").lower()
    return "strict-transport-security" in page.headers, "; secure" in cookie, answer["next"].split("/api/")[0]


@pytest.mark.parametrize("trusted", [("127.0.0.1/32",), ("10.0.0.0/8",), ()])
def test_forwarded_scheme_and_host_are_believed_only_from_a_trusted_proxy(
    sqlite_store: Engine, tmp_path: Path, trusted: tuple[str, ...]
) -> None:
    """A real uvicorn on loopback: the peer is 127.0.0.1, a trusted proxy only in the first case."""
    s = serve(sqlite_store, tmp_path)
    app = create_app(replace(s.app.state.settings, trusted_proxies=trusted), sqlite_store)
    claims = {"x-forwarded-proto": "https", "x-forwarded-host": "lifeline.example.org"}
    with live(app) as url:
        plain = _origin_seen(url, {}, 0)
        forwarded = _origin_seen(url, claims, 1)
        forged = _origin_seen(url, {"x-forwarded-proto": "javascript", "x-forwarded-host": "a b/c"}, 2)
        chained = _origin_seen(url, {"x-forwarded-proto": "https, http", "x-forwarded-host": "evil.example, a.example"},
                               3)
    port = url.rsplit(":", 1)[1]
    assert plain == (False, False, url)
    if "127.0.0.1/32" in trusted:
        assert forwarded == (True, True, "https://lifeline.example.org")
        assert forged == (False, False, url)  # not a scheme, not a host: ignored
        assert chained == (False, False, "http://a.example")  # the right-most value: what the proxy wrote
    else:  # the peer is no trusted proxy: whatever it says, plain HTTP to this host
        assert forwarded == forged == chained == (False, False, f"http://127.0.0.1:{port}")


def test_forwarded_headers_of_an_untrusted_peer_never_reach_the_app() -> None:
    from lifeline.api.proxies import ClientAddress

    seen: dict[str, object] = {}

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        seen.update(scope)

    headers = [(b"x-forwarded-proto", b"https"), (b"x-forwarded-for", b"1.2.3.4"), (b"host", b"h")]
    import asyncio

    for networks, scheme in (((), "http"), (("10.0.0.0/8",), "https")):
        scope = {"type": "http", "client": (PROXY, 1), "scheme": "http", "headers": list(headers)}
        asyncio.run(ClientAddress(app, proxies(*networks))(scope, None, None))  # type: ignore[arg-type]
        assert seen["scheme"] == scheme
        assert [k for k, _ in seen["headers"]] == [b"host"]  # type: ignore[attr-defined]
