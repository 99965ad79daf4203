"""Refused requests in the audit log: who (user or address), when, what (method, path, status, reason).

Every request the server refuses as unauthorised (401, 403), over a limit (413, 429) or bad input
(400, 422) gets an ``request-refused`` entry, unless the code that refused it audited it already
(a refused import, a failed login: see ``lifeline.accounts.audit.RECORDED``). Reads refused for bad
input are public and cheap to send, so entries are throttled per address and overall
(``PER_ADDRESS_PER_MINUTE``, ``ALL_PER_MINUTE``); the next entry written says how many were left out.
Auditing is best effort: a store that cannot take the entry never turns a refusal into a 500 nor
delays it (entries are written by one background thread, ``RefusalLog``).
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections import OrderedDict
from typing import Any

from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lifeline.accounts.audit import RECORDED, record

REFUSALS = {400: "bad input", 401: "unauthorised", 403: "forbidden", 413: "over a size limit",
            422: "bad input", 429: "over a rate limit"}
# Enough for a person fumbling or a script misconfigured; a flood beyond it is summarised, not stored.
PER_ADDRESS_PER_MINUTE = 20
ALL_PER_MINUTE = 120
# The reason kept from an error answer; the body read for it is refusals' own (small) JSON.
MAX_REASON_CHARS = 300
MAX_BODY_READ = 16_384
# Refusal entries waiting for the store at most (beyond, they are counted, not kept).
QUEUE_SIZE = 1000
# Addresses whose minute is remembered at once (a flood from many addresses must not grow memory).
MAX_ADDRESSES = 10_000
# Refusals whose handler audits them itself, in its own way: the login form records a failed password
# and the first refusal of each delay, not every refused attempt (lifeline.web.pages.login).
SELF_AUDITED = {("/login", 401), ("/login", 429)}


class Throttle:
    """At most ``per_key`` entries per key and ``overall`` in all per ``window`` seconds; counts the rest."""

    def __init__(self, per_key: int = PER_ADDRESS_PER_MINUTE, overall: int = ALL_PER_MINUTE,
                 window: float = 60.0, clock: Any = time.monotonic) -> None:
        self.per_key, self.overall, self.window, self._clock = per_key, overall, window, clock
        self._keys: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self._all = (0.0, 0)
        self.suppressed = 0
        self._lock = threading.Lock()

    def admit(self, key: str) -> int | None:
        """None when the entry must be left out; else how many were left out before it (then reset)."""
        now = self._clock()
        with self._lock:
            start, n = self._all
            if now - start >= self.window:
                start, n = now, 0
            kstart, kn = self._keys.pop(key, (now, 0))
            if now - kstart >= self.window:
                kstart, kn = now, 0
            self._keys[key] = (kstart, kn + 1)
            while len(self._keys) > MAX_ADDRESSES:
                self._keys.popitem(last=False)
            if n >= self.overall or kn >= self.per_key:
                self._all = (start, n)
                self.suppressed += 1
                return None
            self._all = (start, n + 1)
            left_out, self.suppressed = self.suppressed, 0
            return left_out


class RefusalLog:
    """One background thread writing refusal entries from a bounded queue: a store busy with an import
    (SQLite waits up to two minutes for its write lock) holds neither the refusal nor a worker thread.
    A full queue drops the entry and counts it; the next entry written says how many were left out."""

    def __init__(self, engine: Engine, size: int = QUEUE_SIZE) -> None:
        self.engine = engine
        self._queue: queue.Queue[tuple[str | None, str, str, dict[str, Any]]] = queue.Queue(size)
        self._dropped = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def put(self, user: str | None, via: str, target: str, detail: dict[str, Any]) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="lifeline-refusals", daemon=True)
                self._thread.start()
            try:
                if self._dropped:
                    detail = {**detail, "left_out_before": detail.get("left_out_before", 0) + self._dropped}
                self._queue.put_nowait((user, via, target, detail))
                self._dropped = 0
            except queue.Full:
                self._dropped += 1

    def wait(self) -> None:
        """Until every entry queued so far is written (tests; shutdown)."""
        self._queue.join()

    def _run(self) -> None:
        while True:
            user, via, target, detail = self._queue.get()
            try:
                with self.engine.begin() as conn:
                    record(conn, user, via, "request-refused", target, detail)
            except Exception:  # noqa: BLE001 - best effort: the refusal went out whatever the log could take
                logging.getLogger("lifeline").warning("auditing a refused request failed", exc_info=True)
            finally:
                self._queue.task_done()


class AuditRefusals:
    """ASGI middleware recording refused requests (see the module's docstring). The entry is queued for
    ``RefusalLog`` after the refusal is sent, so a store busy with an import never delays the answer."""

    def __init__(self, app: ASGIApp, log: RefusalLog, throttle: Throttle | None = None) -> None:
        self.app, self.log = app, log
        self.throttle = throttle or Throttle()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        recorded: list[str] = []
        token = RECORDED.set(recorded)
        seen: list[Message] = []  # a refusal's start and the first MAX_BODY_READ bytes of its body
        complete = False

        async def watching_send(message: Message) -> None:
            nonlocal complete
            if message["type"] == "http.response.start":
                if message["status"] in REFUSALS and (scope["path"], message["status"]) not in SELF_AUDITED:
                    seen.append(message)
            elif seen and message["type"] == "http.response.body":
                if sum(len(m.get("body", b"")) for m in seen[1:]) < MAX_BODY_READ:
                    seen.append(message)
                complete = not message.get("more_body")
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        finally:
            RECORDED.reset(token)
        if seen and complete:
            self._audit(scope, seen, recorded)

    def _audit(self, scope: Scope, held: list[Message], recorded: list[str]) -> None:
        if recorded:
            return  # the handler audited this request itself (import-refused, login-failed...)
        status = held[0]["status"]
        state = scope.get("state", {})
        user = state.get("user")
        client = scope.get("client")
        address = client[0] if client else None
        left_out = self.throttle.admit(address or "-")
        if left_out is None:
            return
        detail: dict[str, Any] = {"status": status, "refused": REFUSALS[status], "address": address,
                                  "reason": _reason(held)}
        if left_out:
            detail["left_out_before"] = left_out
        via = state.get("via") or ("api" if scope["path"].startswith("/api/") else "web")
        target = f"{scope['method']} {scope['path']}"[:500]
        self.log.put(getattr(user, "name", None), via, target, detail)


def _reason(held: list[Message]) -> str | None:
    """The ``error`` of a JSON refusal (FastAPI's validation list summarised), cut to MAX_REASON_CHARS."""
    headers = dict(held[0].get("headers", []))
    if not headers.get(b"content-type", b"").startswith(b"application/json"):
        return None
    try:
        doc = json.loads(b"".join(m.get("body", b"") for m in held[1:]))
    except ValueError:
        return None
    reason = doc.get("error") if isinstance(doc, dict) else None
    if reason is None and isinstance(doc, dict) and isinstance(doc.get("detail"), list):
        reason = "; ".join(f"{'.'.join(map(str, d.get('loc', [])))}: {d.get('msg')}" for d in doc["detail"][:5]
                           if isinstance(d, dict))
    return str(reason)[:MAX_REASON_CHARS] if reason is not None else None
