"""ASGI middleware (plain ASGI, not Starlette's BaseHTTPMiddleware, which costs a task per request):
sessions, security headers, Server-Timing, request body limits, and the response cache for API reads."""

from __future__ import annotations

import asyncio
import contextvars
import gzip
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lifeline.api import limits
from lifeline.api import session as sessions
from lifeline.api.settings import Settings
from lifeline.store import queries_web
from lifeline.store.identity import identity

ErrorPage = Callable[[Request, int, str], Response]  # (request, status, message) -> the HTML error page

# Scripts only from this server; Plotly sets inline styles on the charts it draws.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
# Over HTTPS only (RFC 6797 says a browser ignores it over plain HTTP): one year, the value the HSTS
# preload list asks for; subdomains are the deployment's own, so they are included.
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


# Large answers (a year of daily rows is a few hundred kB of JSON) are kept gzipped too, compressed once
# when cached; level 6 is zlib's default balance of size and time. Small ones are not worth it.
GZIP_FROM = 4096
GZIP_LEVEL = 6


def _accepts_gzip(scope: Scope) -> bool:
    return any(k == b"accept-encoding" and b"gzip" in v for k, v in scope["headers"])


def _has_authorization(scope: Scope) -> bool:
    return any(k == b"authorization" for k, _ in scope["headers"])


def _bearer(scope: Scope) -> str | None:
    for k, v in scope["headers"]:
        if k == b"authorization":
            scheme, _, value = v.decode("latin-1").partition(" ")
            return value.strip() if scheme.lower() == "bearer" and value.strip() else None
    return None


# A whole answer's key: the store it is about (lifeline.store.identity), the path and the query string.
AnswerKey = tuple[str, str, bytes]


class DataVersion:
    """The store's data version, re-read at most every ``max_age`` seconds; writes through this server
    bump it at once, writes by another process (a CLI import) show within ``max_age``.

    The server's event loop never waits on the store for it (``current_async``): a due re-read runs in one
    background thread while requests go on with the version last read. During a big import the store may
    be slow to answer (or, on PostgreSQL, a table the version reads may be locked); cached answers are still
    served at once, for the version they were computed at, which is the one committed before the import.
    ``on_change`` is called (in that thread) when a re-read finds a new version.
    """

    def __init__(self, engine: Engine, max_age: float) -> None:
        self.engine, self.max_age = engine, max_age
        self._value: tuple[int, ...] | None = None
        self.store = ""  # the store's identity, read with the version (part of every cached answer's key)
        self._read_at = 0.0
        self._lock = threading.Lock()
        self._reading: threading.Thread | None = None
        self.on_change: list[Callable[[tuple[int, ...]], None]] = []

    def current(self) -> tuple[int, ...]:
        """The version, read now when it is due (blocking: for worker threads, not the event loop)."""
        now = time.monotonic()
        if self._value is None or now - self._read_at > self.max_age:
            self._read()
        return self._value  # type: ignore[return-value]

    async def current_async(self) -> tuple[int, ...]:
        """The version without blocking the event loop: the first read (and the one after a bump) is awaited
        in a thread; a due re-read starts in the background and the version last read is returned."""
        if self._value is None:
            import anyio.to_thread

            await anyio.to_thread.run_sync(self._read)
            return self._value  # type: ignore[return-value]
        if time.monotonic() - self._read_at > self.max_age:
            self._refresh_in_background()
        return self._value

    def _refresh_in_background(self) -> None:
        with self._lock:
            if self._reading is not None and self._reading.is_alive():
                return
            self._reading = threading.Thread(target=self._read, name="lifeline-data-version", daemon=True)
        self._reading.start()

    def _read(self) -> None:
        with self.engine.connect() as conn:
            value = queries_web.data_version(conn)
            store = identity(conn)
        with self._lock:
            before = self._value
            self._value, self._read_at, self.store = value, time.monotonic(), store
        if before is not None and before != value:
            for call in self.on_change:
                try:
                    call(value)
                except Exception:  # noqa: BLE001 - a listener's failure must not stop the version's updates
                    logging.getLogger("lifeline").exception("a data-version listener failed")

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
        limits.ANONYMOUS.set(not loaded.user and not _has_authorization(scope))
        https = sessions.is_https(request)

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
                if https:
                    headers.append(HSTS)
                headers.append((b"server-timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass
class CachedAnswer:
    """One whole answer as sent, the data version it was computed at, and when (for its ``Age``)."""

    version: tuple[int, ...]
    headers: list[tuple[bytes, bytes]]
    body: bytes
    packed: bytes | None
    made_at: float


# Headers the cache adds to each answer it sends, never stored with it.
CACHE_HEADERS = (b"x-lifeline-cache", b"x-lifeline-data-version", b"age", b"set-cookie", b"server-timing")


def _version_text(version: tuple[int, ...]) -> bytes:
    return ".".join(str(v) for v in version).encode()


class ResponseCache:
    """Whole answers to public API reads, keyed by store, path and query; bounded LRU; stale-while-revalidate.

    Only GET requests without credentials, outside private mode, to table endpoints whose answer
    depends on the store's data alone (not alerts, whose state changes without an import; not the
    audit log; not health), and reads with a valid API token (the same answers).

    An answer is kept with the data version it was computed at. A request for the current version is a
    hit. After the data change (an import committed), the answer of the previous version is sent at once,
    marked ``x-lifeline-cache: stale`` with its version and ``Age``, while ONE recomputation per answer runs
    in the background (the request replayed through the app); the next requests get the new answer. An
    answer never seen before is computed once: requests for it meanwhile wait for that one (single-flight).
    A cached answer is sent without touching the store (the data version is re-read in the background,
    token look-ups are remembered for a few seconds), so nothing an import locks can hold it up.
    """

    SKIP = ("/api/v1/alerts", "/api/v1/audit", "/api/v1/health")

    def __init__(self, app: ASGIApp, settings: Settings, version: DataVersion, size: int = 512,
                 max_body: int = 8 << 20, state: Any = None) -> None:
        self.app, self.settings, self.version = app, settings, version
        if state is not None:
            state.response_cache = self  # the app's own, for its tests
        self.size, self.max_body = size, max_body
        self._items: OrderedDict[AnswerKey, CachedAnswer] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[AnswerKey, asyncio.Event] = {}  # first computations, by key
        self._refreshing: set[AnswerKey] = set()  # stale answers being recomputed
        self.recomputed = 0  # recomputations of stale answers started (read by the tests)

    def _cacheable(self, scope: Scope) -> bool:
        """A public read (outside private mode), or any read with a valid API token: these answers do not
        depend on who asks. A bad token goes on to the app, which answers 401."""
        if scope["type"] != "http" or scope["method"] != "GET":
            return False
        path: str = scope["path"]
        if not path.startswith("/api/v1/") or path.startswith(self.SKIP):
            return False
        if not _has_authorization(scope):
            return not self.settings.private
        return False

    async def _token_cacheable(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "GET":  # a lifespan or websocket scope has no path
            return False
        path: str = scope["path"]
        if not path.startswith("/api/v1/"):
            return False
        token = _bearer(scope)
        if path.startswith(self.SKIP) or token is None:
            return False
        tokens = scope["app"].state.tokens
        known, user = tokens.remembered(token)  # no thread, no store: a look-up made in the last seconds
        if known:
            return user is not None
        import anyio.to_thread

        return await anyio.to_thread.run_sync(tokens.user, token) is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._cacheable(scope) and not await self._token_cacheable(scope):
            await self.app(scope, receive, send)
            return
        version = await self.version.current_async()
        key = (self.version.store, scope["path"], scope["query_string"])
        waited = False
        while True:
            with self._lock:
                hit = self._items.get(key)
                if hit is not None:
                    self._items.move_to_end(key)
            if hit is not None:
                stale = hit.version < version  # newer than the version last read: a replay got there first
                if stale:
                    self._revalidate(scope, key, version)
                await self._send(send, scope, hit, b"stale" if stale else b"hit")
                return
            computing = self._computing.get(key)
            if computing is None or waited:
                break
            await computing.wait()  # one computation of a new answer; then it is a hit (or not cacheable)
            waited = True
        done = self._computing.setdefault(key, asyncio.Event()) if not waited else None
        try:
            await self._compute(scope, receive, send, key, version)
        finally:
            if done is not None:
                self._computing.pop(key, None)
                done.set()

    async def _send(self, send: Send, scope: Scope, hit: CachedAnswer, state: bytes) -> None:
        headers = hit.headers
        body = hit.body
        extra = [(b"x-lifeline-cache", state), (b"x-lifeline-data-version", _version_text(hit.version)),
                 (b"age", str(int(max(0.0, time.time() - hit.made_at))).encode()), (b"vary", b"accept-encoding")]
        if hit.packed is not None and _accepts_gzip(scope):
            headers = [(k, v) for k, v in headers if k != b"content-length"]
            extra += [(b"content-encoding", b"gzip"), (b"content-length", str(len(hit.packed)).encode())]
            body = hit.packed
        await send({"type": "http.response.start", "status": 200, "headers": [*headers, *extra]})
        await send({"type": "http.response.body", "body": body})

    def _revalidate(self, scope: Scope, key: AnswerKey, version: tuple[int, ...]) -> None:
        """Start the one background recomputation of a stale answer (none when one is running).

        It runs in a thread of its own, on an event loop of its own, so it outlives the request that
        noticed the answer was stale, whatever server (or test client) runs the app."""
        with self._lock:
            if key in self._refreshing:
                return
            self._refreshing.add(key)
            self.recomputed += 1
        replay = {**scope, "state": dict(scope.get("state") or {})}
        delivered = False

        async def receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()  # a replay has no client to disconnect
            raise AssertionError("unreachable")

        async def discard(_message: Message) -> None:
            return None

        def run() -> None:
            try:
                asyncio.run(self._compute(replay, receive, discard, key, version))
            except Exception:  # noqa: BLE001 - the stale answer stays; the next request tries again
                logging.getLogger("lifeline").exception("recomputing a cached answer failed")
            finally:
                with self._lock:
                    self._refreshing.discard(key)

        context = contextvars.copy_context()  # who asked (anonymous or not) bounds the computation
        threading.Thread(target=context.run, args=(run,), name="lifeline-revalidate-answer", daemon=True).start()

    def busy(self) -> bool:
        """Whether a recomputation of a stale answer is running (the tests wait for it)."""
        with self._lock:
            return bool(self._refreshing)

    async def _compute(self, scope: Scope, receive: Receive, send: Send, key: AnswerKey,
                       version: tuple[int, ...]) -> None:
        """Run the app for this request, send its answer on, and keep it when it is a whole 200 answer."""
        started: dict[str, Any] = {}
        chunks: list[bytes] = []
        made_at = time.time()

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
                message = {**message, "headers": [*message.get("headers", []), (b"x-lifeline-cache", b"miss"),
                                                  (b"x-lifeline-data-version", _version_text(version))]}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and started.get("status") == 200:
                    body = b"".join(chunks)
                    if len(body) <= self.max_body:
                        keep = [(k, v) for k, v in started.get("headers", []) if k not in CACHE_HEADERS]
                        packed = gzip.compress(body, GZIP_LEVEL) if len(body) >= GZIP_FROM else None
                        with self._lock:
                            old = self._items.get(key)
                            if old is None or old.version <= version:
                                self._items[key] = CachedAnswer(version, keep, body, packed, made_at)
                            while len(self._items) > self.size:
                                self._items.popitem(last=False)
            await send(message)

        await self.app(scope, receive, recording_send)


# Bodies other than uploads and statements: login, logout, acknowledgements, the claims form (100,000
# characters, up to 4 bytes each, percent-encoded to 3 characters a byte, is 1.2 MB).
FORM_MAX_BYTES = 2_000_000
# What multipart framing (boundaries, part headers, the form's other fields) adds to the file itself.
MULTIPART_SLACK = 1 << 20
UPLOAD_PATHS = ("/api/v1/imports", "/data/upload")
CLAIMS_PATH = "/api/v1/claims/check"


def body_limit(path: str, settings: Settings, anonymous: bool) -> int:
    """The largest request body accepted on ``path`` (bytes), for an anonymous or a known caller."""
    upload = int(settings.max_upload_mb * 1e6)
    if path in UPLOAD_PATHS:
        return upload + MULTIPART_SLACK
    if path == CLAIMS_PATH:
        return upload if not anonymous else limits.ANONYMOUS_CLAIMS_MAX_CHARS * 4 + 4096
    return FORM_MAX_BYTES


class BodyLimit:
    """Bound every request body while it streams in: a declared Content-Length over the limit is refused
    before a byte is read, and a body that grows past it is cut off at the limit (413). Upload refusals
    are audited for the editor who sent them (``uploads.audit_oversize``). A page (not ``/api/``) is refused
    with ``error_page``, the server's HTML error page (the web's, handed in by :mod:`lifeline.api.app`)."""

    def __init__(self, app: ASGIApp, settings: Settings, error_page: ErrorPage) -> None:
        self.app, self.settings, self.error_page = app, settings, error_page

    def limit(self, scope: Scope) -> int:
        return body_limit(scope["path"], self.settings, limits.ANONYMOUS.get())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, receive, send, limit, declared)
            return
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    return {"type": "http.disconnect"}  # the app stops reading; its answer is replaced
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._refuse(scope, receive, send, limit, received)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int, size: int) -> None:
        import anyio.to_thread

        path: str = scope["path"]
        what = "the file" if path in UPLOAD_PATHS else "the request body"
        message = (f"{what} is larger than the limit of {limit / 1e6:.1f} MB "
                   f"(refused after {size / 1e6:.1f} MB)")
        if path in UPLOAD_PATHS:
            from lifeline.api.uploads import audit_oversize

            await anyio.to_thread.run_sync(audit_oversize, Request(scope), message)
        if path.startswith("/api/"):
            body = json.dumps({"error": message}).encode()
            await send({"type": "http.response.start", "status": 413,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
            await send({"type": "http.response.body", "body": body})
            return
        response = await anyio.to_thread.run_sync(lambda: self.error_page(Request(scope), 413, message))
        response.headers["connection"] = "close"
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for k, v in scope["headers"]:
        if k == b"content-length":
            try:
                return int(v)
            except ValueError:
                return None
    return None
