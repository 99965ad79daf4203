"""Registered sources checked on their schedule, then alerts evaluated on what changed and delivered.

The checking itself (what is due, fetch, compare, import) is the live-sources layer's
(``lifeline.ingest.live.scheduler``); this module, above it, adds what follows a new version: the alert
rules run over the store and the outbox is sent. Ingest so never calls the alerts layer above it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from lifeline.assumptions import AssumptionSet
from lifeline.ingest.live import scheduler

log = logging.getLogger(__name__)


def check_and_alert(engine: Engine, sources: list[dict[str, Any]], settings: AssumptionSet | None = None,
                    normalisation: AssumptionSet | None = None) -> scheduler.Run:
    """Check ``sources``; when any new version was imported, evaluate the alert rules (the run says how)."""
    from lifeline.alerts.evaluate import evaluate_after_import

    run = scheduler.check_sources(engine, sources, settings, normalisation)
    if run.new_versions:
        evaluation = evaluate_after_import(engine)
        run.alerts = evaluation.as_dict() if evaluation else {"error": "alert evaluation failed (see the log)"}
    return run


def deliver_alerts(engine: Engine) -> None:
    """Send what the outbox holds (new revision alerts included) through the configured channels."""
    from lifeline.alerts.config import load_config
    from lifeline.alerts.outbox import deliver

    deliver(engine, load_config())


def watch(engine: Engine, stop: threading.Event, on_run: Callable[[scheduler.Run], None] | None = None,
          max_sleep: float = 60.0, settings: AssumptionSet | None = None) -> None:
    """Run due checks until ``stop`` is set; sleeps until the next source is due (at most ``max_sleep``)."""
    while not stop.is_set():
        try:
            run = check_and_alert(engine, scheduler.due(engine), settings)
            if on_run is not None and run.attempts:
                on_run(run)
            deliver_alerts(engine)
        except Exception:  # noqa: BLE001 - the watcher survives a bad pass and tries again
            log.exception("a watch pass failed")
        upcoming = scheduler.next_due(engine)
        wait = max_sleep if upcoming is None else (upcoming - datetime.now(UTC)).total_seconds()
        stop.wait(min(max(wait, 0.5), max_sleep))
