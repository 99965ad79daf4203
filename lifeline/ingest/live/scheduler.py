"""Which registered sources are due, checking them in parallel, and backing off after failures.

The schedule lives in the store (``live_sources.next_check_at``), so ``lifeline watch``, ``serve
--watch``, a cron line and a systemd timer all share it and a restart loses nothing. Network
work runs in a thread pool; writes happen one at a time afterwards, so one slow or failing
publisher never holds up another, and a failure only moves that source's next check.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, or_, select, update

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.ingest.live import snapshots
from lifeline.ingest.live.check import Attempt, Look, _files, look, settle
from lifeline.ingest.records import exit_status
from lifeline.store.tables_live import live_sources

log = logging.getLogger(__name__)


def rules(overrides: Iterable[str | Path] = ()) -> AssumptionSet:
    return load_set("live-sources", overrides)


def retry_after(failures: int, every_seconds: int, base_seconds: float) -> timedelta:
    """Wait after the ``failures``-th failure in a row: base x 2^(n-1), never longer than the schedule."""
    return timedelta(seconds=min(float(every_seconds), base_seconds * 2 ** max(failures - 1, 0)))


def _aware(t: datetime | None) -> datetime | None:
    return t if t is None or t.tzinfo else t.replace(tzinfo=UTC)  # SQLite hands back naive datetimes


def due(engine: Engine, now: datetime | None = None, names: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Enabled sources whose next check has come (all named ones, due or not, when ``names`` is given)."""
    now = now or datetime.now(UTC)
    t = live_sources
    stmt = select(t).order_by(t.c.name)
    wanted = list(names or [])
    if wanted:
        stmt = stmt.where(t.c.name.in_(wanted))
    else:
        stmt = stmt.where(t.c.enabled.is_(True), or_(t.c.next_check_at.is_(None), t.c.next_check_at <= now))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


@dataclass
class Run:
    """What one pass did: every attempt, and whether alerts were evaluated after new versions."""

    attempts: list[Attempt] = field(default_factory=list)
    alerts: dict[str, Any] | None = None

    @property
    def new_versions(self) -> int:
        return sum(a.outcome == "new-version" for a in self.attempts)

    @property
    def exit_status(self) -> int:
        """The pass's status for ``sources fetch`` and ``watch --once``: the worst of its attempts'."""
        return exit_status([a.exit_status for a in self.attempts])

    def as_dict(self) -> dict[str, Any]:
        return {"attempts": [a.as_dict() for a in self.attempts], "new_versions": self.new_versions,
                "alerts": self.alerts}


def check_sources(engine: Engine, sources: list[dict[str, Any]], settings: AssumptionSet | None = None,
                  normalisation: AssumptionSet | None = None) -> Run:
    """Check ``sources``: ask every publisher at once, then record and import one file at a time (the alert
    rules that follow a new version are the caller's, ``lifeline.alerts.watching``)."""
    settings = settings or rules()
    root = snapshots.folder()
    snapshots.clear_partials(root)
    run = Run()
    if not sources:
        return run
    with engine.connect() as conn:
        known = {s["id"]: _files(conn, s["id"]) for s in sources}
    workers = max(1, min(int(settings.value("parallel_checks")), len(sources)))
    timeout = httpx.Timeout(settings.value("timeout_seconds"))
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    with httpx.Client(timeout=timeout, limits=limits) as client, ThreadPoolExecutor(workers) as pool:
        looks: list[list[Look]] = list(pool.map(lambda s: look(s, known[s["id"]], client, root, settings), sources))
    for source, items in zip(sources, looks, strict=True):
        mine = []
        for item in items:
            try:
                mine.append(settle(engine, item, root, normalisation))
            except Exception as exc:  # noqa: BLE001 - one source's fault must not stop the others
                log.exception("recording a check of %s failed", source["name"])
                now = datetime.now(UTC)
                mine.append(Attempt(source["name"], item.resource, "error", item.started_at, now,
                                    error=f"{exc.__class__.__name__}: {exc}"))
        _update_source(engine, source, mine, settings)
        run.attempts += mine
    return run


def _update_source(engine: Engine, source: dict[str, Any], attempts: list[Attempt], settings: AssumptionSet) -> None:
    """The source's freshness: last checked / changed, outcome, error, failures in a row, next check."""
    now = datetime.now(UTC)
    errors = [a for a in attempts if a.outcome == "error"]
    changed = any(a.outcome == "new-version" for a in attempts)
    values: dict[str, Any] = {"last_checked_at": now}
    if errors:
        failures = int(source.get("failures") or 0) + 1
        wait = retry_after(failures, int(source["every_seconds"]), settings.value("retry_base_seconds"))
        values |= {"failures": failures, "last_error": "; ".join(str(a.error) for a in errors)[:2000],
                   "last_outcome": "error", "next_check_at": now + wait}
    else:
        outcome = "new-version" if changed else ("unchanged" if attempts else "not-modified")
        if attempts and all(a.outcome == "not-modified" for a in attempts):
            outcome = "not-modified"
        values |= {"failures": 0, "last_error": None, "last_outcome": outcome,
                   "next_check_at": now + timedelta(seconds=int(source["every_seconds"]))}
    if changed:
        values["last_changed_at"] = now
    with engine.begin() as conn:
        conn.execute(update(live_sources).where(live_sources.c.id == source["id"]).values(**values))


def next_due(engine: Engine) -> datetime | None:
    t = live_sources
    with engine.connect() as conn:
        when = conn.execute(select(t.c.next_check_at).where(t.c.enabled.is_(True)).order_by(t.c.next_check_at)
                            .limit(1)).scalar()
    return _aware(when)

