"""Password guessing slowed down: failed logins per account and per address earn a growing delay.

After ``FREE_FAILURES`` failures, each further attempt must wait ``BASE_DELAY`` seconds, doubling with
every failure up to ``MAX_DELAY`` (OWASP's authentication cheat sheet prefers growing delays to hard
lockouts, which let anyone lock a known account out). An attempt made during the delay is refused
(429 with Retry-After) without checking the password, so guessing gains nothing from the refusal.
Counts live in this server process and are forgotten ``FORGET_SECONDS`` after the last failure.

Checking and counting are one step: an accepted attempt is counted as *in flight* until its password
check ends (``failed`` or ``succeeded``), and in-flight attempts count as failures for the next caller.
Otherwise twenty guesses sent at the same moment would all pass the check before the first failure
was counted (a password check takes ~0.1 s): now at most the free allowance is checked at once, and
past it one attempt per delay.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

FREE_FAILURES = 5
BASE_DELAY = 1.0
MAX_DELAY = 900.0  # 15 minutes
FORGET_SECONDS = 3600.0
# Distinct accounts and addresses remembered at once; the oldest are forgotten first.
MAX_KEYS = 50_000
# An attempt in flight that never reported its outcome (its request failed) stops counting after this.
IN_FLIGHT_SECONDS = 30.0


@dataclass
class _Count:
    failures: int
    last: float
    refused_since_last: bool = False
    in_flight: list[float] = field(default_factory=list)  # start times of attempts being checked now


@dataclass(frozen=True)
class Verdict:
    wait: float  # seconds before another attempt is accepted; 0 = check the password now
    first_refusal: bool  # the first attempt refused since the last failure (audit it, not every one)


class LoginLimiter:
    """Failure counts by ``account:NAME`` and ``address:IP``; the longer of the two delays applies."""

    def __init__(self, clock: object = time.monotonic) -> None:
        self._clock = clock
        self._counts: dict[str, _Count] = {}
        # The addresses of each account's attempts in flight, so ``succeeded(name)`` settles the right one.
        self._addresses: dict[str, list[str]] = {}
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

    def _remaining(self, count: _Count, now: float) -> float:
        """Seconds before the next attempt on this key may be checked (in-flight attempts count as failures;
        while any is in flight past the free allowance, the next waits at least BASE_DELAY)."""
        count.in_flight = [t for t in count.in_flight if now - t < IN_FLIGHT_SECONDS]
        remaining = count.last + self.delay(count.failures) - now
        if count.in_flight and count.failures + len(count.in_flight) >= FREE_FAILURES:
            remaining = max(remaining, BASE_DELAY)
        return remaining

    def check(self, name: str, address: str | None) -> Verdict:
        """Whether an attempt may be checked now; an accepted one is counted in flight (atomically with the
        check) until ``failed`` or ``succeeded`` reports how it ended."""
        now = self._now()
        wait, first = 0.0, False
        with self._lock:
            counts: list[_Count] = []
            for key in self._keys(name, address):
                count = self._counts.get(key)
                if count is not None and now - count.last > FORGET_SECONDS and not count.in_flight:
                    del self._counts[key]
                    count = None
                if count is None:
                    count = self._counts[key] = _Count(0, now)
                counts.append(count)
                remaining = self._remaining(count, now)
                if remaining > wait:
                    wait = remaining
                    first = not count.refused_since_last
            if wait > 0:
                for count in counts:
                    if self._remaining(count, now) > 0:
                        count.refused_since_last = True
            else:
                for count in counts:
                    count.in_flight.append(now)
                if address:
                    self._addresses.setdefault(self._keys(name, None)[0], []).append(address)
            self._trim()
        return Verdict(wait, first)

    def _settle(self, key: str, failed: bool, now: float) -> None:
        count = self._counts.pop(key, None) or _Count(0, now)
        if count.in_flight:
            count.in_flight.pop(0)
        if failed:
            count = _Count(count.failures + 1, now, in_flight=count.in_flight)
        self._counts[key] = count  # re-inserted: newest last

    def _trim(self) -> None:
        while len(self._counts) > MAX_KEYS:
            del self._counts[next(iter(self._counts))]
        while len(self._addresses) > MAX_KEYS:
            del self._addresses[next(iter(self._addresses))]

    def _address_of(self, account: str, address: str | None) -> str | None:
        """Take one in-flight attempt's address off the account's list (the given one, else the oldest)."""
        pending = self._addresses.get(account, [])
        if address is None and pending:
            address = pending[0]
        if address in pending:
            pending.remove(address)
        if not pending:
            self._addresses.pop(account, None)
        return address

    def failed(self, name: str, address: str | None) -> None:
        now = self._now()
        with self._lock:
            self._address_of(self._keys(name, None)[0], address)
            for key in self._keys(name, address):
                self._settle(key, True, now)
            self._trim()

    def succeeded(self, name: str, address: str | None = None) -> None:
        """A correct password clears the account's count (not the address's: one known account must not
        let an address keep guessing others); the address's attempt is no longer in flight."""
        now = self._now()
        with self._lock:
            account = self._keys(name, None)[0]
            self._counts.pop(account, None)
            address = self._address_of(account, address)
            if address:
                self._settle(f"address:{address}", False, now)
