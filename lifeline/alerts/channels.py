"""Channels that carry an alert out: console text, a signed webhook POST, an e-mail over SMTP.

Each sender takes the alert as a plain dict and raises :class:`DeliveryError` on failure, so the
outbox can record the reason and retry later. Secrets come from the environment, never from files.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import smtplib
import sys
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any, TextIO

import httpx


class DeliveryError(Exception):
    """A channel could not deliver; the message says why (kept in the outbox row)."""


Sender = Callable[[dict[str, Any], str], None]


def payload(alert: dict[str, Any]) -> dict[str, Any]:
    """The JSON document every channel sends: the alert with its evidence and sources."""
    keys = (
        "key",
        "rule",
        "state",
        "severity",
        "place",
        "period_start",
        "period_end",
        "title",
        "message",
        "evidence",
        "sources",
        "first_seen",
    )
    return {k: (alert[k].isoformat() if hasattr(alert.get(k), "isoformat") else alert.get(k)) for k in keys}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(value: str) -> str:
    """Text from published files may hold terminal control sequences: drop them before printing or mailing."""
    return _CONTROL.sub("", value)


def text(alert: dict[str, Any]) -> str:
    """Plain-text form for the console and e-mail bodies (control characters removed)."""
    p = payload(alert)
    period = f"{p['period_start'] or '?'} to {p['period_end'] or 'now'}"
    lines = [
        f"[{p['severity']}] {p['title']}",
        f"key: {p['key']}",
        f"place: {p['place'] or '-'}; period: {period}",
        "",
        str(p["message"]),
        "",
        "evidence:",
    ]
    lines += [f"  {k}: {json.dumps(v, ensure_ascii=False, default=str)}" for k, v in (p["evidence"] or {}).items()]
    lines.append("sources:")
    for s in p["sources"] or []:
        lines.append("  " + ", ".join(str(s.get(k)) for k in ("publisher", "title", "url", "published") if s.get(k)))
    return _clean("\n".join(lines))


def console_sender(stream: TextIO | None = None) -> Sender:
    def send(alert: dict[str, Any], target: str) -> None:
        out = stream or sys.stderr
        out.write(text(alert) + "\n\n")
        out.flush()

    return send


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over ``timestamp.body``: the receiver recomputes it to check origin and freshness."""
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def webhook_sender(cfg: dict[str, Any], timeout: float) -> Sender:
    env = str(cfg.get("secret_env", "LIFELINE_WEBHOOK_SECRET"))
    header = str(cfg.get("signature_header", "X-Lifeline-Signature"))

    def send(alert: dict[str, Any], target: str) -> None:
        secret = os.environ.get(env)
        if not secret:
            raise DeliveryError(f"webhook signing key not set: export {env}")
        body = json.dumps(payload(alert), ensure_ascii=False, sort_keys=True, default=str).encode()
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Lifeline-Timestamp": stamp,
            header: sign(secret.encode(), stamp, body),
            "X-Lifeline-Alert-Key": alert["key"],
        }
        try:
            resp = httpx.post(target, content=body, headers=headers, timeout=timeout)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"webhook {target}: {exc.__class__.__name__}: {exc}") from None
        if resp.status_code >= 300:
            raise DeliveryError(f"webhook {target}: HTTP {resp.status_code}")

    return send


def email_sender(cfg: dict[str, Any], timeout: float) -> Sender:
    def send(alert: dict[str, Any], target: str) -> None:
        msg = EmailMessage()
        msg["Subject"] = _clean(f"[Lifeline {alert['severity']}] {alert['title']}").replace("\n", " ")[:200]
        msg["From"] = str(cfg.get("sender", "lifeline@localhost"))
        msg["To"] = target
        msg["X-Lifeline-Alert-Key"] = alert["key"]
        msg.set_content(text(alert))
        user, password = os.environ.get(str(cfg.get("user_env", ""))), os.environ.get(str(cfg.get("password_env", "")))
        try:
            with smtplib.SMTP(str(cfg.get("host", "127.0.0.1")), int(cfg.get("port", 25)), timeout=timeout) as smtp:
                if cfg.get("starttls"):
                    smtp.starttls()
                if user and password:
                    smtp.login(user, password)
                smtp.send_message(msg, to_addrs=[t.strip() for t in target.split(",") if t.strip()])
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"smtp {cfg.get('host')}:{cfg.get('port')}: {exc}") from None

    return send
