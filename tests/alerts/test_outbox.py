"""Alerts are stored once per key and delivered through the outbox to real local receivers."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from lifeline.alerts import outbox
from lifeline.alerts.config import load_config
from lifeline.alerts.model import Alert, short_key
from lifeline.alerts.store import acknowledge, list_alerts, record
from lifeline.store.tables_alerts import alert_outbox, alerts
from tests.alerts.receivers import smtp_receiver, webhook_receiver

ROOT = Path(__file__).resolve().parents[2]


def _alert(start: date = date(2024, 5, 7), end: date = date(2024, 5, 20)) -> Alert:
    return Alert(
        rule="crossing-gap",
        severity="high",
        place="rafah",
        period_start=start,
        period_end=end,
        title="No recorded entries at Rafah",
        message="no entries <script>x</script>",
        evidence={"days": (end - start).days + 1},
        sources=[{"publisher": "UNRWA", "title": "t"}],
    )


def _config(tmp_path: Path, **channels: str) -> Path:
    path = tmp_path / "alerts-override.toml"
    path.write_text("[channels.console]\nenabled = false\n" + "".join(channels.values()))
    return path


def _count(engine: Engine, table) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_same_episode_is_stored_once_and_queued_once(store: Engine) -> None:
    cfg = load_config()
    for _ in range(3):
        with store.begin() as conn:
            res = record(conn, [_alert()], ["crossing-gap"])
            outbox.enqueue(conn, res.new_ids, cfg)
    assert _count(store, alerts) == 1
    assert _count(store, alert_outbox) == 1  # console only, by default
    with store.begin() as conn:  # the episode grows: same key, updated, no new message
        res = record(conn, [_alert(end=date(2024, 6, 1))], ["crossing-gap"])
    assert res.updated == [short_key("crossing-gap/rafah/2024-05-07")] and not res.new
    with store.connect() as conn:
        (row,) = list_alerts(conn)
    assert row["period_end"] == date(2024, 6, 1) and row["state"] == "open"


def test_ack_then_resolve_then_reopen(store: Engine) -> None:
    key = _alert().key
    with store.begin() as conn:
        record(conn, [_alert()], ["crossing-gap"])
        assert acknowledge(conn, key, by="tester")["state"] == "acknowledged"
    with store.begin() as conn:
        res = record(conn, [], ["crossing-gap"])
    assert res.resolved == [key]
    with store.begin() as conn:
        res = record(conn, [], ["trucks-low"])  # another rule's run never resolves this one
        assert not res.resolved
        res = record(conn, [_alert()], ["crossing-gap"])
    assert res.reopened == [key]


def test_webhook_signed_retried_after_failure_then_delivered(
    store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIFELINE_WEBHOOK_SECRET", "s3cret")
    with webhook_receiver(fail_first=2) as hook:
        cfg = load_config([_config(tmp_path, web=f'[channels.webhook]\nenabled = true\nurls = ["{hook.url}"]\n')])
        with store.begin() as conn:
            outbox.enqueue(conn, record(conn, [_alert()], ["crossing-gap"]).new_ids, cfg)
        t0 = datetime.now(UTC)
        first = outbox.deliver(store, cfg, now=t0)
        assert (first.sent, first.failed, first.pending) == (0, 1, 1)
        assert "HTTP 500" in first.errors[0]["error"]
        assert outbox.deliver(store, cfg, now=t0 + timedelta(seconds=1)).sent == 0  # not due: backoff 2 s
        second = outbox.deliver(store, cfg, now=t0 + timedelta(seconds=2))
        assert second.failed == 1 and second.next_due is not None
        assert second.next_due - t0 >= timedelta(seconds=2 + 4)  # doubled
        third = outbox.deliver(store, cfg, now=t0 + timedelta(seconds=7))
        assert (third.sent, third.pending) == (1, 0)
        assert outbox.deliver(store, cfg, now=t0 + timedelta(hours=1)).sent == 0  # never twice
    (got,) = hook.received
    body = got["body"]
    stamp = got["headers"]["X-Lifeline-Timestamp"]
    expected = "sha256=" + hmac.new(b"s3cret", stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert got["headers"]["X-Lifeline-Signature"] == expected
    doc = json.loads(body)
    assert doc["key"] == short_key("crossing-gap/rafah/2024-05-07") and doc["evidence"] == {"days": 14}
    with store.connect() as conn:
        (row,) = outbox.outbox_rows(conn)
    assert (row["status"], row["attempts"]) == ("sent", 3)


def test_gives_up_after_max_attempts_but_keeps_the_row(
    sqlite_store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIFELINE_WEBHOOK_SECRET", "k")
    override = _config(
        tmp_path,
        web='[channels.webhook]\nenabled = true\nurls = ["http://127.0.0.1:9/none"]\n'
        "[assumptions.outbox_max_attempts]\nvalue = 2\nsource = 'test'\n",
    )
    cfg = load_config([override])
    with sqlite_store.begin() as conn:
        outbox.enqueue(conn, record(conn, [_alert()], ["crossing-gap"]).new_ids, cfg)
    t0 = datetime.now(UTC)
    outbox.deliver(sqlite_store, cfg, now=t0)
    r = outbox.deliver(sqlite_store, cfg, now=t0 + timedelta(hours=1))
    assert r.dead == 1 and r.pending == 0
    with sqlite_store.connect() as conn:
        (row,) = outbox.outbox_rows(conn)
    assert row["status"] == "failed" and "ConnectError" in row["last_error"]


def test_email_through_local_smtp(sqlite_store: Engine, tmp_path: Path) -> None:
    with smtp_receiver() as (port, messages):
        mail = (
            f'[channels.email]\nenabled = true\nhost = "127.0.0.1"\nport = {port}\n'
            'recipients = ["ops@example.org", "desk@example.org"]\n'
        )
        cfg = load_config([_config(tmp_path, mail=mail)])
        with sqlite_store.begin() as conn:
            outbox.enqueue(conn, record(conn, [_alert()], ["crossing-gap"]).new_ids, cfg)
        assert outbox.deliver(sqlite_store, cfg).sent == 1
    (env,) = messages
    assert sorted(env.rcpt_tos) == ["desk@example.org", "ops@example.org"]
    text = env.content.decode()
    assert "No recorded entries at Rafah" in text and short_key("crossing-gap/rafah/2024-05-07") in text


def test_nothing_lost_on_restart_a_new_process_delivers(tmp_path: Path) -> None:
    """Queue with one engine, drop it, then a separate `lifeline alerts deliver` process sends."""
    from lifeline.store.engine import open_store

    db = f"sqlite:///{tmp_path / 'l.db'}"
    with webhook_receiver(fail_first=0) as hook:
        override = _config(tmp_path, web=f'[channels.webhook]\nenabled = true\nurls = ["{hook.url}"]\n')
        cfg = load_config([override])
        engine = open_store(db)
        with engine.begin() as conn:
            outbox.enqueue(
                conn, record(conn, [_alert(), _alert(start=date(2024, 7, 1))], ["crossing-gap"]).new_ids, cfg
            )
        engine.dispose()
        env = dict(os.environ, LIFELINE_WEBHOOK_SECRET="k")
        proc = subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "lifeline"),
                "--db",
                db,
                "alerts",
                "deliver",
                "--assumptions",
                str(override),
                "--format",
                "json",
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["sent"] == 2
        assert len(hook.received) == 2


def test_console_text_drops_terminal_control_sequences() -> None:
    import io

    from lifeline.alerts.channels import console_sender

    out = io.StringIO()
    alert = {
        "key": "k",
        "rule": "r",
        "state": "open",
        "severity": "high",
        "place": "p\x1b[2J",
        "period_start": None,
        "period_end": None,
        "title": "T\x1b]0;owned\x07",
        "message": "m",
        "evidence": {},
        "sources": [],
        "first_seen": None,
    }
    console_sender(out)(alert, "-")
    assert "\x1b" not in out.getvalue() and "\x07" not in out.getvalue() and "T]0;owned" in out.getvalue()


def test_deliver_until_waits_out_the_backoff_and_delivers(
    sqlite_store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIFELINE_WEBHOOK_SECRET", "k")
    with webhook_receiver(fail_first=2) as hook:
        web = f'[channels.webhook]\nenabled = true\nurls = ["{hook.url}"]\n'
        fast = "[assumptions.outbox_backoff_seconds]\nvalue = 0.2\nsource = 'test'\n"
        cfg = load_config([_config(tmp_path, web=web + fast)])
        with sqlite_store.begin() as conn:
            outbox.enqueue(conn, record(conn, [_alert()], ["crossing-gap"]).new_ids, cfg)
        report = outbox.deliver_until(sqlite_store, cfg, wait_seconds=10)
    assert (report.sent, report.failed, report.pending) == (1, 2, 0)
    assert hook.attempts == 3 and len(hook.received) == 1
