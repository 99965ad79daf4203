"""The outbox: one stored row per alert and channel until it is delivered, retried with backoff.

Rows are written in the same transaction as the alert, so an alert is never raised without its
messages; a sender claims a row by pushing its next attempt forward before sending, so two
deliverers do not send the same message at once, and a crash only delays it (at-least-once).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from sqlalchemy import Connection, Engine, and_, insert, select, update

from lifeline.alerts.channels import DeliveryError, Sender, console_sender, email_sender, webhook_sender
from lifeline.alerts.config import AlertConfig
from lifeline.store.tables_alerts import alert_outbox, alerts

CLAIM_SECONDS = 300  # a claimed row becomes due again after this long if its sender died


def targets(cfg: AlertConfig) -> list[tuple[str, str]]:
    """(channel, target) pairs of the enabled channels."""
    out: list[tuple[str, str]] = []
    if cfg.channel("console").get("enabled"):
        out.append(("console", "-"))
    web = cfg.channel("webhook")
    if web.get("enabled"):
        out += [("webhook", str(u)) for u in web.get("urls", [])]
    mail = cfg.channel("email")
    if mail.get("enabled") and mail.get("recipients"):
        out.append(("email", ", ".join(str(r) for r in mail["recipients"])))
    return out


def enqueue(conn: Connection, alert_ids: Iterable[int], cfg: AlertConfig, now: datetime | None = None) -> int:
    """Queue a message per alert and enabled channel (inside the caller's transaction)."""
    now = now or datetime.now(UTC)
    rows = [
        {
            "alert_id": a,
            "channel": ch,
            "target": t,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for a in alert_ids
        for ch, t in targets(cfg)
    ]
    if rows:
        conn.execute(insert(alert_outbox), rows)
    return len(rows)


def backoff(cfg: AlertConfig, attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: base x 2^(attempts-1), capped."""
    base = cfg.value("outbox_backoff_seconds")
    return timedelta(seconds=min(cfg.value("outbox_backoff_max_seconds"), base * 2 ** max(attempts - 1, 0)))


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # attempts that failed this pass (row stays pending unless out of attempts)
    dead: int = 0  # rows that ran out of attempts this pass
    pending: int = 0  # rows still waiting after the pass
    next_due: datetime | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "failed": self.failed,
            "dead": self.dead,
            "pending": self.pending,
            "next_due": self.next_due.isoformat() if self.next_due else None,
            "errors": self.errors,
        }


def senders(cfg: AlertConfig, console: TextIO | None = None) -> dict[str, Sender]:
    timeout = cfg.value("webhook_timeout_seconds")
    return {
        "console": console_sender(console),
        "webhook": webhook_sender(cfg.channel("webhook"), timeout),
        "email": email_sender(cfg.channel("email"), timeout),
    }


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=UTC)  # SQLite returns naive datetimes


def deliver(
    engine: Engine, cfg: AlertConfig, now: datetime | None = None, console: TextIO | None = None
) -> DeliveryReport:
    """One pass over the due messages: send each, record success or the failure and the next attempt."""
    now = now or datetime.now(UTC)
    send_by = senders(cfg, console)
    report = DeliveryReport()
    with engine.connect() as conn:
        due = conn.execute(
            select(
                alert_outbox.c.id,
                alert_outbox.c.channel,
                alert_outbox.c.target,
                alert_outbox.c.attempts,
                alert_outbox.c.next_attempt_at,
            )
            .where(and_(alert_outbox.c.status == "pending", alert_outbox.c.next_attempt_at <= now))
            .order_by(alert_outbox.c.id)
        ).all()
    max_attempts = int(cfg.value("outbox_max_attempts"))
    for row in due:
        with engine.begin() as conn:
            claimed = conn.execute(
                update(alert_outbox)
                .where(
                    and_(
                        alert_outbox.c.id == row.id,
                        alert_outbox.c.status == "pending",
                        alert_outbox.c.next_attempt_at == row.next_attempt_at,
                    )
                )
                .values(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
            ).rowcount
            alert = conn.execute(
                select(alerts)
                .join(alert_outbox, alert_outbox.c.alert_id == alerts.c.id)
                .where(alert_outbox.c.id == row.id)
            ).first()
        if not claimed or alert is None:
            continue
        attempts = row.attempts + 1
        try:
            send_by[row.channel](dict(alert._mapping), row.target)
        except (DeliveryError, KeyError) as exc:
            error = str(exc) if isinstance(exc, DeliveryError) else f"unknown channel {row.channel!r}"
            dead = attempts >= max_attempts
            values: dict[str, Any] = {
                "attempts": attempts,
                "last_error": error[:2000],
                "next_attempt_at": now + backoff(cfg, attempts),
            }
            if dead:
                values["status"] = "failed"
                report.dead += 1
            report.failed += 1
            report.errors.append({"id": row.id, "channel": row.channel, "target": row.target, "error": error})
        else:
            values = {"attempts": attempts, "status": "sent", "sent_at": datetime.now(UTC), "last_error": None}
            report.sent += 1
        with engine.begin() as conn:
            conn.execute(update(alert_outbox).where(alert_outbox.c.id == row.id).values(**values))
    with engine.connect() as conn:
        left = (
            conn.execute(select(alert_outbox.c.next_attempt_at).where(alert_outbox.c.status == "pending"))
            .scalars()
            .all()
        )
    report.pending = len(left)
    report.next_due = min((_aware(t) for t in left), default=None)
    return report


def outbox_rows(conn: Connection, status: str | None = None) -> list[dict[str, Any]]:
    stmt = (
        select(alert_outbox, alerts.c.key)
        .join(alerts, alerts.c.id == alert_outbox.c.alert_id)
        .order_by(alert_outbox.c.id)
    )
    if status:
        stmt = stmt.where(alert_outbox.c.status == status)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def deliver_until(
    engine: Engine, cfg: AlertConfig, wait_seconds: float, console: TextIO | None = None
) -> DeliveryReport:
    """Deliver, then keep retrying as messages come due, for at most ``wait_seconds``; totals over passes."""
    import time

    deadline = time.monotonic() + wait_seconds
    total = DeliveryReport()
    while True:
        r = deliver(engine, cfg, console=console)
        total.sent += r.sent
        total.failed += r.failed
        total.dead += r.dead
        total.errors += r.errors
        total.pending, total.next_due = r.pending, r.next_due
        if not r.pending or r.next_due is None:
            return total
        pause = (r.next_due - datetime.now(UTC)).total_seconds()
        if time.monotonic() + max(pause, 0) > deadline:
            return total
        time.sleep(max(pause, 0.05))
