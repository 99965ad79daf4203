"""A time budget for every answer: a request not answered within ``Settings.request_seconds`` gets 503
with Retry-After instead of a connection that hangs.

The endpoints are synchronous code in worker threads, which cannot be stopped part way. So the request
runs as a task of the server's lifespan (``app.state.detached``): when its time is up the visitor is
answered 503 and the task is left to finish on its own, its answer discarded — but the single-flight
answer cache and the response cache keep it, so the visitor's retry is answered at once. Writes (imports,
acknowledgements, reference loads, logins) are never cut off: their caller must learn whether the write
happened; they are bounded by their body limits instead (docs/web.md, "Budgets").
"""

from __future__ import annotations

import json
import logging
import math

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lifeline.api.settings import Settings

# Paths whose requests write: they run to the end whatever the clock says.
WRITE_PATHS = ("/api/v1/imports", "/api/v1/alerts/", "/api/v1/reference/load", "/data/upload", "/alerts/ack",
               "/login", "/logout")


def has_deadline(method: str, path: str) -> bool:
    """Whether a request is answered within the time budget (everything but writes)."""
    return not (method == "POST" and path.startswith(WRITE_PATHS))


class Deadline:
    """ASGI middleware enforcing ``settings.request_seconds`` (see the module's docstring); without a
    lifespan task group (an app used without its lifespan) requests run unbounded, as before."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        seconds = self.settings.request_seconds
        group = getattr(scope["app"].state, "detached", None) if scope["type"] == "http" else None
        if group is None or not seconds or not has_deadline(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        started, finished = anyio.Event(), anyio.Event()
        abandoned = False
        failures: list[Exception] = []

        async def guarded_send(message: Message) -> None:
            if abandoned:
                return
            if message["type"] == "http.response.start":
                started.set()
            await send(message)

        async def run() -> None:
            try:
                await self.app(scope, receive, guarded_send)
            except Exception as exc:  # noqa: BLE001 - re-raised in the request's task, or logged once abandoned
                if abandoned:
                    logging.getLogger("lifeline").exception("a request answered 503 (over its time) then failed")
                else:
                    failures.append(exc)
            finally:
                started.set()
                finished.set()

        group.start_soon(run)
        with anyio.move_on_after(seconds):
            await started.wait()
        if not started.is_set():
            abandoned = True
            await self._refuse(scope, send, seconds)
            return
        await finished.wait()
        if failures:
            raise failures[0]

    @staticmethod
    async def _refuse(scope: Scope, send: Send, seconds: float) -> None:
        retry = max(1, math.ceil(seconds))
        message = (f"no answer within this server's time budget of {seconds:g} s; it is still being computed: "
                   f"retry in {retry} s")
        if scope["path"].startswith("/api/"):
            body, kind = json.dumps({"error": message}).encode(), b"application/json"
        else:
            body, kind = message.encode(), b"text/plain; charset=utf-8"
        await send({"type": "http.response.start", "status": 503,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                                (b"retry-after", str(retry).encode())]})
        await send({"type": "http.response.body", "body": body})
