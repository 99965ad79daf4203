"""Alerts in the store: record findings once per key, resolve what no longer holds, list and acknowledge."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, insert, select, true, update

from lifeline.alerts.model import STATES, Alert
from lifeline.errors import NotFound, UserError
from lifeline.store.tables_alerts import alerts

_JSON_SAFE = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    """Evidence goes into a JSON column: dates become ISO text, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, _JSON_SAFE):
        if isinstance(value, float) and value != value:
            return None
        return value
    if hasattr(value, "item"):
        return _plain(value.item())
    return str(value)


@dataclass
class RecordResult:
    """What one evaluation changed: keys of new, updated, reopened and resolved alerts."""

    new: list[str] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    unchanged: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "new": len(self.new),
            "updated": len(self.updated),
            "reopened": len(self.reopened),
            "resolved": len(self.resolved),
            "unchanged": self.unchanged,
            "new_keys": self.new,
        }


def _step(history: Any, state: str, now: datetime, on: date | None, why: str) -> list[dict[str, Any]]:
    """The alert's history with one more change of state."""
    return [*(history or []), {"state": state, "at": now.isoformat(), "on": on.isoformat() if on else None,
                               "why": why}]


def record(
    conn: Connection, found: Iterable[Alert], rules_run: Iterable[str], now: datetime | None = None
) -> RecordResult:
    """Insert new keys, refresh known ones, and resolve what no longer holds.

    An alert is resolved when its condition has ended (the rule found the episode and it ends before the
    data does: resolution "condition ended", ``resolved_on`` its last day) or when a rule that ran no longer
    finds it ("no longer found"). A resolved alert whose condition holds again is re-opened. Every change is
    appended to ``history``; an acknowledged alert stays acknowledged while its condition holds. Only new
    alerts whose condition holds are returned in ``new_ids`` (to be sent): an episode that ended before it
    was first seen is recorded resolved and not announced.
    """
    now = now or datetime.now(UTC)
    result = RecordResult()
    by_key: dict[str, Alert] = {}
    for a in found:
        by_key[a.key] = a  # a rule finding the same episode twice keeps the last (same key, same episode)
    rules = set(rules_run)
    existing = {
        r.key: r
        for r in conn.execute(
            select(
                alerts.c.id,
                alerts.c.key,
                alerts.c.rule,
                alerts.c.state,
                alerts.c.period_end,
                alerts.c.message,
                alerts.c.evidence,
                alerts.c.resolution,
                alerts.c.history,
            ).where(alerts.c.rule.in_(rules | {a.rule for a in by_key.values()}))
        )
    }
    for key, a in by_key.items():
        values = {
            "period_end": a.period_end,
            "title": a.title,
            "message": a.message,
            "evidence": _plain(a.evidence),
            "sources": _plain(a.sources),
            "severity": a.severity,
            "place": a.place,
            "period_start": a.period_start,
        }
        old = existing.get(key)
        if old is None:
            ended = {} if a.ongoing else {"resolved_at": now, "resolved_on": a.period_end,
                                          "resolution": "condition ended"}
            history = _step(None, "open", now, a.period_start, "found")
            if not a.ongoing:
                history = _step(history, "resolved", now, a.period_end, "condition ended")
            new_id = conn.execute(
                insert(alerts).values(key=key, legacy_key=a.legacy_key, rule=a.rule,
                                      state="open" if a.ongoing else "resolved",
                                      first_seen=now, last_seen=now, history=history, **ended, **values)
            ).inserted_primary_key[0]  # type: ignore[index]
            result.new.append(key)
            if a.ongoing:
                result.new_ids.append(int(new_id))
            else:
                result.resolved.append(key)
            continue
        changes: dict[str, Any] = {"last_seen": now}
        if old.state == "resolved" and a.ongoing:
            changes |= {"state": "open", "resolved_at": None, "resolved_on": None, "resolution": None,
                        "history": _step(old.history, "open", now, None, "condition holds again")}
            result.reopened.append(key)
        elif old.state == "resolved" and old.resolution != "condition ended":
            # found again, as an episode that has ended: it is resolved for that reason now
            changes |= {"resolved_on": a.period_end, "resolution": "condition ended",
                        "history": _step(old.history, "resolved", now, a.period_end, "condition ended")}
        elif old.state != "resolved" and not a.ongoing:
            changes |= {"state": "resolved", "resolved_at": now, "resolved_on": a.period_end,
                        "resolution": "condition ended",
                        "history": _step(old.history, "resolved", now, a.period_end, "condition ended")}
            result.resolved.append(key)
        if old.period_end != a.period_end or old.message != a.message or old.evidence != values["evidence"]:
            changes |= values
            result.updated.append(key)
        elif old.state != "resolved" and key not in result.resolved:
            result.unchanged += 1
        conn.execute(update(alerts).where(alerts.c.id == old.id).values(**changes))
    gone = [r for k, r in existing.items() if k not in by_key and r.state != "resolved" and r.rule in rules]
    for r in gone:
        conn.execute(update(alerts).where(alerts.c.id == r.id).values(
            state="resolved", resolved_at=now, resolved_on=now.date(), resolution="no longer found",
            history=_step(r.history, "resolved", now, now.date(), "no longer found")))
    result.resolved += [r.key for r in gone]
    return result


# Open first, then acknowledged, then resolved; within each the newest episode first.
STATE_ORDER = {"open": 0, "acknowledged": 1, "resolved": 2}


def list_alerts(
    conn: Connection,
    state: str | None = None,
    rule: str | None = None,
    place: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    include_resolved: bool = False,
) -> list[dict[str, Any]]:
    """Alerts, open first then acknowledged, newest episode first within each; resolved ones only on request
    (``include_resolved`` or ``state="resolved"``). The period filter keeps alerts whose period overlaps."""
    cond: list[Any] = []
    if state:
        if state not in STATES:
            raise UserError(f"--state must be one of {', '.join(STATES)}, got {state!r}")
        cond.append(alerts.c.state == state)
    elif not include_resolved:
        cond.append(alerts.c.state != "resolved")
    if rule:
        cond.append(alerts.c.rule == rule)
    if place:
        cond.append(func.lower(alerts.c.place) == place.lower())
    if date_from:
        cond.append(func.coalesce(alerts.c.period_end, alerts.c.period_start) >= date_from)
    if date_to:
        cond.append(alerts.c.period_start <= date_to)
    order = case(STATE_ORDER, value=alerts.c.state, else_=len(STATE_ORDER))
    stmt = select(alerts).where(and_(true(), *cond)).order_by(order, alerts.c.period_start.desc(), alerts.c.key)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def get(conn: Connection, key: str) -> dict[str, Any]:
    """The alert with this short id or, for links and acknowledgements made before short ids, this old key."""
    row = conn.execute(select(alerts).where(alerts.c.key == key)).first()
    if row is None and "/" in key:  # only old keys hold a '/'
        row = conn.execute(select(alerts).where(alerts.c.legacy_key == key).limit(1)).first()
    if row is None:
        raise NotFound(f"no alert with key {key!r} (see `lifeline alerts list`)")
    return dict(row._mapping)


def acknowledge(conn: Connection, key: str, by: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Mark an alert seen; an acknowledged alert stays until its condition no longer holds."""
    row = get(conn, key)
    if row["state"] == "resolved":
        raise UserError(f"alert {row['key']!r} is already resolved; nothing to acknowledge")
    conn.execute(
        update(alerts)
        .where(alerts.c.id == row["id"])
        .values(state="acknowledged", acknowledged_at=now or datetime.now(UTC), acknowledged_by=by)
    )
    return get(conn, row["key"])
