"""Bearer tokens on the read path: checked against the store at most every few seconds, their use
written in batches by a background thread.

Writing ``last_used_at`` inside every read made each token read a write transaction: during a 1M-row
import (which holds SQLite's write lock) token reads stalled 25-31 s. Now a read only reads; the use is
noted in memory and written at most every ``FLUSH_SECONDS`` (best effort: a failed write is retried at
the next flush and lost only if the server stops first).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from datetime import UTC, datetime

from sqlalchemy import Engine

from lifeline.accounts import User, lookup_token, record_token_use

# A revoked token (or a deactivated user) stops working within this many seconds on a running server.
CHECK_SECONDS = 5.0
FLUSH_SECONDS = 30.0
# Distinct tokens remembered at once (a flood of random tokens must not grow memory).
MAX_REMEMBERED = 10_000


class Tokens:
    """The users of presented tokens (cached briefly by digest) and a batch of uses not yet written."""

    def __init__(self, engine: Engine, check_seconds: float = CHECK_SECONDS,
                 flush_seconds: float = FLUSH_SECONDS) -> None:
        self.engine, self.check_seconds, self.flush_seconds = engine, check_seconds, flush_seconds
        self._known: dict[str, tuple[float, tuple[int, User] | None]] = {}
        self._uses: dict[int, datetime] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def user(self, token: str, fresh: bool = False) -> User | None:
        """The token's active user, or None; notes the use for the next flush. ``fresh`` reads the store
        now (the app's own endpoints); the response cache accepts a look-up up to CHECK_SECONDS old."""
        key = hashlib.sha256(token.encode()).hexdigest()
        now = time.monotonic()
        with self._lock:
            cached = self._known.get(key)
        if fresh or cached is None or now - cached[0] > self.check_seconds:
            with self.engine.connect() as conn:
                found = lookup_token(conn, token)
            with self._lock:
                if len(self._known) >= MAX_REMEMBERED:
                    self._known.clear()
                self._known[key] = (now, found)
        else:
            found = cached[1]
        if found is None:
            return None
        with self._lock:
            self._uses[found[0]] = datetime.now(UTC)
        self._start()
        return found[1]

    def remembered(self, token: str) -> tuple[bool, User | None]:
        """``(True, user or None)`` when the token was looked up in the last CHECK_SECONDS (its use is
        noted), else ``(False, None)``: then :meth:`user` must read the store. Never touches the store, so
        the event loop may call it."""
        key = hashlib.sha256(token.encode()).hexdigest()
        with self._lock:
            cached = self._known.get(key)
        if cached is None or time.monotonic() - cached[0] > self.check_seconds:
            return False, None
        found = cached[1]
        if found is None:
            return True, None
        with self._lock:
            self._uses[found[0]] = datetime.now(UTC)
        self._start()
        return True, found[1]

    def forget(self) -> None:
        """Drop the cached look-ups (after a revocation through this server)."""
        with self._lock:
            self._known.clear()

    def flush(self) -> int:
        """Write the noted uses in one short transaction; returns how many tokens were written."""
        with self._lock:
            uses, self._uses = self._uses, {}
        if not uses:
            return 0
        try:
            with self.engine.begin() as conn:
                record_token_use(conn, uses)
        except Exception:  # noqa: BLE001 - best effort: keep the uses for the next flush
            logging.getLogger("lifeline").warning("recording API token use failed; retrying later", exc_info=True)
            with self._lock:
                for token_id, when in uses.items():
                    self._uses.setdefault(token_id, when)
            return 0
        return len(uses)

    def close(self) -> None:
        self._stop.set()
        self.flush()

    def _start(self) -> None:
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="lifeline-token-use", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.flush_seconds):
            self.flush()
