"""Run the enabled rules over the store, record what they find, and queue messages for new alerts."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from lifeline.alerts import outbox
from lifeline.alerts.config import AlertConfig, load_config
from lifeline.alerts.model import Alert
from lifeline.alerts.rules import RULES
from lifeline.alerts.store import RecordResult, record
from lifeline.model.contexts import Scope, all_contexts, scope

log = logging.getLogger(__name__)


@dataclass
class Evaluation:
    result: RecordResult
    found: int
    queued: int
    by_rule: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return self.result.as_dict() | {
            "found": self.found,
            "queued": self.queued,
            "by_rule": self.by_rule,
            "errors": self.errors,
        }


def evaluate(engine: Engine, cfg: AlertConfig | None = None, only: Iterable[str] | None = None) -> Evaluation:
    """Evaluate rules in one transaction, each in every context of the store; a rule that fails (in any
    context) is reported and does not resolve its alerts."""
    cfg = cfg or load_config()
    names = [n for n in (only or RULES) if cfg.enabled(n) and n in RULES]
    found: list[Alert] = []
    ran: list[str] = []
    by_rule: dict[str, int] = {}
    errors: dict[str, str] = {}
    now = datetime.now(UTC)
    with engine.begin() as conn:
        scopes = scopes_of(conn)
        for name in names:
            got = []
            try:
                with conn.begin_nested():
                    for sc in scopes:
                        for alert in RULES[name](conn, cfg, sc):
                            if sc.deliveries is not None:
                                alert.evidence["context"] = sc.code
                            got.append(alert)
            except Exception as exc:  # noqa: BLE001 - one broken rule must not silence the others
                log.debug("alert rule %s failed", name, exc_info=True)
                errors[name] = f"{exc.__class__.__name__}: {exc}"
                continue
            ran.append(name)
            by_rule[name] = len(got)
            found += got
        result = record(conn, found, ran, now)
        queued = outbox.enqueue(conn, result.new_ids, cfg, now)
    return Evaluation(result, len(found), queued, by_rule, errors)


def scopes_of(conn: Connection) -> list[Scope]:
    """One scope per context of the store (each rule is evaluated in each context on its own data); a store
    with one context or none is evaluated whole, as before contexts existed."""
    found = all_contexts(conn)
    if len(found) < 2:
        return [Scope(found[0] if found else None)]
    return [scope(conn, ctx.code) for ctx in found]


def evaluate_after_import(engine: Engine, overrides: Iterable[str | Path] = ()) -> Evaluation | None:
    """The import hook: evaluate, but never let an alert problem fail the import that called it."""
    try:
        return evaluate(engine, load_config(overrides))
    except Exception:  # noqa: BLE001 - the import has committed; alerts are best effort here
        log.exception("alert evaluation after import failed")
        return None
