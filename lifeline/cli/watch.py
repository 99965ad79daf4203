"""``lifeline watch``: check registered sources on their schedule until stopped (or once, for cron)."""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from lifeline.cli.app import app
from lifeline.cli.common import engine
from lifeline.cli.output import Format, emit


@app.command("watch")
def watch_cmd(
    once: Annotated[
        bool, typer.Option("--once", help="Check the sources that are due, then exit (for cron or a systemd timer).")
    ] = False,
    max_sleep: Annotated[float, typer.Option("--max-sleep", help="Longest pause between passes, seconds.")] = 60.0,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Fetch due sources on schedule, import new versions, alert on revisions, deliver the outbox."""
    from lifeline.alerts import watching
    from lifeline.cli.sources import attempts_table
    from lifeline.ingest.live import scheduler

    store = engine()
    if once:
        run = watching.check_and_alert(store, scheduler.due(store))
        watching.deliver_alerts(store)
        emit(attempts_table(run.as_dict()["attempts"]), fmt)
        raise typer.Exit(run.exit_status)  # as `sources fetch`: 0 all well, 1 a failed check or rejections, 2 refused
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print("watching registered sources (Ctrl+C to stop)", flush=True)
    watching.watch(store, stop, on_run=lambda run: emit(attempts_table(run.as_dict()["attempts"]), fmt),
                    max_sleep=max_sleep)
