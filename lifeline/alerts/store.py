"""Alerts in the store: record findings once per key, resolve what no longer holds, list and acknowledge."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, true, update

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


def record(
    conn: Connection, found: Iterable[Alert], rules_run: Iterable[str], now: datetime | None = None
) -> RecordResult:
    """Insert new keys, refresh known ones, and resolve open alerts of the rules run that were not found again."""
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
            new_id = conn.execute(
                insert(alerts).values(key=key, rule=a.rule, state="open", first_seen=now, last_seen=now, **values)
            ).inserted_primary_key[0]  # type: ignore[index]
            result.new.append(key)
            result.new_ids.append(int(new_id))
            continue
        changes: dict[str, Any] = {"last_seen": now}
        if old.state == "resolved":
            changes |= {"state": "open", "resolved_at": None}
            result.reopened.append(key)
        if old.period_end != a.period_end or old.message != a.message or old.evidence != values["evidence"]:
            changes |= values
            result.updated.append(key)
        elif old.state != "resolved":
            result.unchanged += 1
        conn.execute(update(alerts).where(alerts.c.id == old.id).values(**changes))
    gone = [r for k, r in existing.items() if k not in by_key and r.state != "resolved" and r.rule in rules]
    if gone:
        conn.execute(
            update(alerts).where(alerts.c.id.in_([r.id for r in gone])).values(state="resolved", resolved_at=now)
        )
        result.resolved = [r.key for r in gone]
    return result


def list_alerts(
    conn: Connection,
    state: str | None = None,
    rule: str | None = None,
    place: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[dict[str, Any]]:
    """Alerts, newest episode first; the period filter keeps alerts whose period overlaps the window."""
    cond: list[Any] = []
    if state:
        if state not in STATES:
            raise UserError(f"--state must be one of {', '.join(STATES)}, got {state!r}")
        cond.append(alerts.c.state == state)
    if rule:
        cond.append(alerts.c.rule == rule)
    if place:
        cond.append(func.lower(alerts.c.place) == place.lower())
    if date_from:
        cond.append(func.coalesce(alerts.c.period_end, alerts.c.period_start) >= date_from)
    if date_to:
        cond.append(alerts.c.period_start <= date_to)
    stmt = select(alerts).where(and_(true(), *cond)).order_by(alerts.c.period_start.desc(), alerts.c.key)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def get(conn: Connection, key: str) -> dict[str, Any]:
    row = conn.execute(select(alerts).where(alerts.c.key == key)).first()
    if row is None:
        raise NotFound(f"no alert with key {key!r} (see `lifeline alerts list`)")
    return dict(row._mapping)


def acknowledge(conn: Connection, key: str, by: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Mark an alert seen; an acknowledged alert stays until its condition no longer holds."""
    row = get(conn, key)
    if row["state"] == "resolved":
        raise UserError(f"alert {key!r} is already resolved; nothing to acknowledge")
    conn.execute(
        update(alerts)
        .where(alerts.c.id == row["id"])
        .values(state="acknowledged", acknowledged_at=now or datetime.now(UTC), acknowledged_by=by)
    )
    return get(conn, key)
