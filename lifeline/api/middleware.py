"""ASGI middleware (plain ASGI, not Starlette's BaseHTTPMiddleware, which costs a task per request):
sessions, security headers, Server-Timing, and the response cache for public API reads."""

from __future__ import annotations

import gzip
import threading
import time
from collections import OrderedDict
from typing import Any

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lifeline.api import session as sessions
from lifeline.api.settings import Settings
from lifeline.store import queries_web

# Scripts only from this server; Plotly sets inline styles on the charts it draws.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


# Large answers (a year of daily rows is a few hundred kB of JSON) are kept gzipped too, compressed once
# when cached; level 6 is zlib's default balance of size and time. Small ones are not worth it.
GZIP_FROM = 4096
GZIP_LEVEL = 6


def _accepts_gzip(scope: Scope) -> bool:
    return any(k == b"accept-encoding" and b"gzip" in v for k, v in scope["headers"])


class DataVersion:
    """The store's data version, re-read at most every ``max_age`` seconds; writes through this server
    bump it at once, writes by another process (a CLI import) show within ``max_age``."""

    def __init__(self, engine: Engine, max_age: float) -> None:
        self.engine, self.max_age = engine, max_age
        self._value: tuple[int, ...] | None = None
        self._read_at = 0.0
        self._lock = threading.Lock()

    def current(self) -> tuple[int, ...]:
        now = time.monotonic()
        if self._value is None or now - self._read_at > self.max_age:
            with self.engine.connect() as conn:
                value = queries_web.data_version(conn)
            with self._lock:
                self._value, self._read_at = value, now
        return self._value  # type: ignore[return-value]

    def bump(self) -> None:
        with self._lock:
            self._value = None


class Frame:
    """Every response: the visitor's session (and its cookie when new), security headers, Server-Timing."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request = Request(scope)
        if scope["path"].startswith("/api/") and sessions.COOKIE not in request.cookies:
            # Scripts calling the API need no session (tokens, not cookies): none is made or sent.
            loaded = sessions.Session(user=None, csrf="")
        else:
            loaded = sessions.load(request, self.settings)
        scope.setdefault("state", {})["session"] = loaded

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                current = scope["state"].get("session", loaded)
                if current.fresh or current is not loaded:
                    carrier = Response()
                    sessions.save(carrier, current, request, self.settings)
                    headers += [h for h in carrier.raw_headers if h[0] == b"set-cookie"]
                present = {k for k, _ in headers}
                headers += [h for h in SECURITY_HEADERS if h[0] not in present]
                headers.append((b"server-timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ResponseCache:
    """Whole answers to public API reads, keyed by path, query and data version; bounded LRU.

    Only GET requests without credentials, outside private mode, to table endpoints whose answer
    depends on the store's data alone (not alerts, whose state changes without an import; not the
    audit log; not health)."""

    SKIP = ("/api/v1/alerts", "/api/v1/audit", "/api/v1/health")

    def __init__(self, app: ASGIApp, settings: Settings, version: DataVersion, size: int = 512,
                 max_body: int = 8 << 20) -> None:
        self.app, self.settings, self.version = app, settings, version
        self.size, self.max_body = size, max_body
        self._items: OrderedDict[tuple[Any, ...], tuple[list[tuple[bytes, bytes]], bytes, bytes | None]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def _cacheable(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "GET" or self.settings.private:
            return False
        path: str = scope["path"]
        if not path.startswith("/api/v1/") or path.startswith(self.SKIP):
            return False
        return not any(k == b"authorization" for k, _ in scope["headers"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._cacheable(scope):
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope["query_string"], self.version.current())
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
        if hit is not None:
            headers, body, packed = hit
            extra = [(b"x-lifeline-cache", b"hit"), (b"vary", b"accept-encoding")]
            if packed is not None and _accepts_gzip(scope):
                headers = [(k, v) for k, v in headers if k != b"content-length"]
                extra += [(b"content-encoding", b"gzip"), (b"content-length", str(len(packed)).encode())]
                body = packed
            await send({"type": "http.response.start", "status": 200, "headers": [*headers, *extra]})
            await send({"type": "http.response.body", "body": body})
            return
        started: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and started.get("status") == 200:
                    body = b"".join(chunks)
                    if len(body) <= self.max_body:
                        keep = [(k, v) for k, v in started.get("headers", [])
                                if k not in (b"set-cookie", b"server-timing")]
                        packed = gzip.compress(body, GZIP_LEVEL) if len(body) >= GZIP_FROM else None
                        with self._lock:
                            self._items[key] = (keep, body, packed)
                            while len(self._items) > self.size:
                                self._items.popitem(last=False)
            await send(message)

        await self.app(scope, receive, recording_send)
