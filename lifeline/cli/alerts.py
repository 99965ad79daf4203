"""``lifeline alerts check|list|ack|deliver|outbox``: raise, review, acknowledge and send alerts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from lifeline.alerts import outbox
from lifeline.alerts.config import load_config
from lifeline.alerts.evaluate import evaluate
from lifeline.alerts.store import acknowledge
from lifeline.alerts.table import alerts_table
from lifeline.cli.app import app
from lifeline.cli.common import engine, parse_date
from lifeline.cli.output import Format, console, emit
from lifeline.formats import Column, ResultTable
from lifeline.store.window import check as check_window

alerts_app = typer.Typer(rich_markup_mode=None,
    help="Early-warning alerts: check the rules, list, acknowledge, deliver.", no_args_is_help=True
)
app.add_typer(alerts_app, name="alerts")

AssumptionsOpt = Annotated[
    list[Path] | None, typer.Option("--assumptions", help="TOML file overriding alert thresholds or channels.")
]


@alerts_app.command("check")
def check_cmd(
    assumptions: AssumptionsOpt = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Evaluate every enabled rule now; new alerts are stored once and queued for delivery."""
    ev = evaluate(engine(), load_config(assumptions or []))
    if fmt == Format.json:
        print(json.dumps(ev.as_dict(), ensure_ascii=False, default=str))
        return
    r = ev.result
    console.print(
        f"{ev.found} findings: {len(r.new)} new, {len(r.updated)} updated, {len(r.reopened)} reopened, "
        f"{len(r.resolved)} resolved, {r.unchanged} unchanged; {ev.queued} messages queued",
        markup=False,
        highlight=False,
    )
    for rule, n in ev.by_rule.items():
        console.print(f"  {rule}: {n}", markup=False, highlight=False)
    for rule, e in ev.errors.items():
        console.print(f"  {rule}: FAILED ({e})", markup=False, highlight=False)


@alerts_app.command("list")
def list_cmd(
    state: Annotated[str | None, typer.Option("--state", help="open, acknowledged or resolved.")] = None,
    rule: Annotated[str | None, typer.Option("--rule")] = None,
    place: Annotated[str | None, typer.Option("--place", help="Crossing or area code.")] = None,
    date_from: Annotated[str | None, typer.Option("--from")] = None,
    date_to: Annotated[str | None, typer.Option("--to")] = None,
    include_resolved: Annotated[bool, typer.Option(
        "--include-resolved", help="Also list resolved alerts (after the open and acknowledged ones).")] = False,
    context: Annotated[
        str | None, typer.Option("--context", help="Context code (default: the store's only one).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Alerts with their period, place, evidence and sources: open first; resolved ones on request."""
    start, end = parse_date(date_from, "--from"), parse_date(date_to, "--to")
    check_window(start, end, ("--from", "--to"))
    with engine().connect() as conn:
        result = alerts_table(
            conn,
            state,
            rule,
            place,
            start,
            end,
            brief=fmt == Format.table,
            include_resolved=include_resolved,
            context=context,
        )
    emit(result, fmt)


@alerts_app.command("ack")
def ack_cmd(
    key: Annotated[str, typer.Argument(help="The alert's id (see `lifeline alerts list`), or its older, longer key.")],
    by: Annotated[str | None, typer.Option("--by", help="Who acknowledges.")] = None,
) -> None:
    """Acknowledge an alert: it stays listed, marked as seen, until its condition clears."""
    with engine().begin() as conn:
        row = acknowledge(conn, key, by)
    console.print(f"acknowledged {row['key']}", markup=False, highlight=False)


@alerts_app.command("deliver")
def deliver_cmd(
    assumptions: AssumptionsOpt = None,
    wait: Annotated[
        float, typer.Option("--wait", help="Keep retrying failed messages for up to this many seconds.")
    ] = 0,
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Send queued messages (console, webhook, e-mail); failures are retried later with backoff."""
    cfg = load_config(assumptions or [])
    report = outbox.deliver_until(engine(), cfg, wait) if wait > 0 else outbox.deliver(engine(), cfg)
    if fmt == Format.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
        return
    console.print(
        f"{report.sent} sent, {report.failed} failed attempts, {report.dead} given up, {report.pending} pending"
        + (f" (next attempt {report.next_due:%Y-%m-%d %H:%M:%S} UTC)" if report.next_due else ""),
        markup=False,
        highlight=False,
    )
    for e in report.errors:
        console.print(f"  {e['channel']} {e['target']}: {e['error']}", markup=False, highlight=False)


@alerts_app.command("outbox")
def outbox_cmd(
    status: Annotated[str | None, typer.Option("--status", help="pending, sent or failed.")] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Messages in the outbox and their delivery state."""
    with engine().connect() as conn:
        rows = outbox.outbox_rows(conn, status)
    result = ResultTable(
        title="Alert outbox",
        columns=[
            Column("id", "#meta+id"),
            Column("key", "#meta+alert"),
            Column("channel", "#meta+channel"),
            Column("target", "#contact"),
            Column("status", "#status"),
            Column("attempts", "#indicator+num+attempts"),
            Column("next_attempt_at", "#date+next"),
            Column("sent_at", "#date+sent"),
            Column("last_error", "#meta+error"),
        ],
        rows=rows,
    )
    emit(result, fmt)
