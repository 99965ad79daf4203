"""Password guessing slowed down: failed logins per account and per address earn a growing delay.

After ``FREE_FAILURES`` failures, each further attempt must wait ``BASE_DELAY`` seconds, doubling with
every failure up to ``MAX_DELAY`` (OWASP's authentication cheat sheet prefers growing delays to hard
lockouts, which let anyone lock a known account out). An attempt made during the delay is refused
(429 with Retry-After) without checking the password, so guessing gains nothing from the refusal.
Counts live in this server process and are forgotten ``FORGET_SECONDS`` after the last failure.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

FREE_FAILURES = 5
BASE_DELAY = 1.0
MAX_DELAY = 900.0  # 15 minutes
FORGET_SECONDS = 3600.0
# Distinct accounts and addresses remembered at once; the oldest are forgotten first.
MAX_KEYS = 50_000


@dataclass
class _Count:
    failures: int
    last: float
    refused_since_last: bool = False


@dataclass(frozen=True)
class Verdict:
    wait: float  # seconds before another attempt is accepted; 0 = check the password now
    first_refusal: bool  # the first attempt refused since the last failure (audit it, not every one)


class LoginLimiter:
    """Failure counts by ``account:NAME`` and ``address:IP``; the longer of the two delays applies."""

    def __init__(self, clock: object = time.monotonic) -> None:
        self._clock = clock
        self._counts: dict[str, _Count] = {}
        self._lock = threading.Lock()

    def _now(self) -> float:
        return self._clock()  # type: ignore[operator, no-any-return]

    @staticmethod
    def _keys(name: str, address: str | None) -> list[str]:
        keys = [f"account:{name.strip().lower()}"]
        if address:
            keys.append(f"address:{address}")
        return keys

    @staticmethod
    def delay(failures: int) -> float:
        if failures < FREE_FAILURES:
            return 0.0
        return min(BASE_DELAY * 2 ** (failures - FREE_FAILURES), MAX_DELAY)

    def check(self, name: str, address: str | None) -> Verdict:
        now = self._now()
        wait, first = 0.0, False
        with self._lock:
            for key in self._keys(name, address):
                count = self._counts.get(key)
                if count is None:
                    continue
                if now - count.last > FORGET_SECONDS:
                    del self._counts[key]
                    continue
                remaining = count.last + self.delay(count.failures) - now
                if remaining > wait:
                    wait = remaining
                    first = not count.refused_since_last
                if remaining > 0:
                    count.refused_since_last = True
        return Verdict(wait, first)

    def failed(self, name: str, address: str | None) -> None:
        now = self._now()
        with self._lock:
            for key in self._keys(name, address):
                count = self._counts.pop(key, None) or _Count(0, now)
                self._counts[key] = _Count(count.failures + 1, now)  # re-inserted: newest last
            while len(self._counts) > MAX_KEYS:
                del self._counts[next(iter(self._counts))]

    def succeeded(self, name: str) -> None:
        """A correct password clears the account's count (not the address's: one known account must not
        let an address keep guessing others)."""
        with self._lock:
            self._counts.pop(self._keys(name, None)[0], None)
