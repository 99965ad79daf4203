"""Request budgets: who may start a fresh (uncached) computation, and how many anonymous ones run at once.

A cached answer costs microseconds; a fresh coverage or timeline costs seconds of CPU (a minute on a
3M-row store). Anonymous visitors varying parameters could otherwise keep both cores busy indefinitely,
so their fresh computations share a small budget: a request waits briefly for a slot, then gets 429 with
Retry-After. Logged-in users and token holders are not limited (they are known and accountable).
"""

from __future__ import annotations

import threading
from contextvars import ContextVar

# Whether the request being served comes without credentials; set by the Frame middleware per request,
# read by the answer cache. Outside a request (CLI, start-up warming) nobody is anonymous.
ANONYMOUS: ContextVar[bool] = ContextVar("lifeline_anonymous", default=False)

# Two fresh computations at once: the project machine has two cores; more would only slow each one.
ANONYMOUS_COMPUTATIONS = 2
# How long an anonymous request waits for a slot before it is told to come back.
WAIT_SECONDS = 5.0
RETRY_AFTER_SECONDS = 5
# Monte Carlo runs anyone may ask for (a 5,000-run coverage of the real store is seconds of CPU per period).
MAX_RUNS = 5000
# Monte Carlo runs an anonymous caller may ask for: the assumption sets' default (cached after warming).
ANONYMOUS_MAX_RUNS = 1000
# A statement of a few pages (the claims form's own limit); logged-in callers may send up to the upload limit.
ANONYMOUS_CLAIMS_MAX_CHARS = 100_000
# The web's claims form: a statement of a few pages; the API takes up to the upload limit, the form stays reasonable.
CLAIMS_FORM_MAX_CHARS = 100_000


class TooBusy(Exception):
    """No slot for another fresh anonymous computation right now: 429 with Retry-After."""

    def __init__(self, retry_after: int = RETRY_AFTER_SECONDS, message: str | None = None) -> None:
        super().__init__(message or f"the server is busy computing other answers; retry in {retry_after} s "
                         "(or log in / send an API token)")
        self.retry_after = retry_after


class Budget:
    """A counting semaphore whose acquisition gives up after ``wait`` seconds with TooBusy."""

    def __init__(self, slots: int = ANONYMOUS_COMPUTATIONS, wait: float = WAIT_SECONDS) -> None:
        self.slots, self.wait = slots, wait
        self._semaphore = threading.BoundedSemaphore(slots)

    def __enter__(self) -> Budget:
        if not self._semaphore.acquire(timeout=self.wait):
            raise TooBusy()
        return self

    def __exit__(self, *exc: object) -> None:
        self._semaphore.release()


ANONYMOUS_BUDGET = Budget()
