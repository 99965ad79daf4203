"""``lifeline report``: a cited situation report for a period, as standalone HTML or PDF, English or Arabic."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from lifeline.cli.app import app
from lifeline.cli.as_of import AsOf, moment
from lifeline.cli.common import engine, parse_date
from lifeline.cli.output import err
from lifeline.model.montecarlo import DEFAULT_RUNS
from lifeline.report.build import build
from lifeline.report.render import write
from lifeline.store.as_of import held_at
from lifeline.store.window import check as check_window


@app.command("report")
def report_cmd(
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.pdf or FILE.html.")],
    date_from: Annotated[str | None, typer.Option("--from", help="First day (default: 30 days before --to).")] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Last day (default: the newest recorded delivery).")
    ] = None,
    area: Annotated[str | None, typer.Option("--area", help="Area of the coverage figures (default: all).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="en or ar (Arabic, right to left).")] = "en",
    source: Annotated[str | None, typer.Option(
        "--source", help="Line list the coverage is computed from: publisher or series name (default: UNRWA where the "
        "context holds it, else its one list).")] = None,
    runs: Annotated[
        int, typer.Option("--runs", help="Monte Carlo runs for the intervals (default: the coverage engine's).")
    ] = DEFAULT_RUNS,
    claims: Annotated[
        list[Path] | None, typer.Option("--claims", help="Statement file(s) to check and include.")
    ] = None,
    assumptions: Annotated[
        list[Path] | None, typer.Option("--assumptions", help="TOML file(s) merged over the coverage assumptions.")
    ] = None,
    as_of: AsOf = None,
    context: Annotated[
        str | None, typer.Option("--context", help="Context code (default: the store's only one).")
    ] = None,
) -> None:
    """Write the situation report: key figures, coverage, access, sources, alerts, claims, appendix; all cited."""
    started = time.monotonic()
    at = moment(as_of)
    d0, d1 = parse_date(date_from, "--from"), parse_date(date_to, "--to")
    if d1 is not None and d0 is None:
        from datetime import timedelta

        d0 = d1 - timedelta(days=29)
    check_window(d0, d1, ("--from", "--to"))  # refused as on every command; the default is the last 30 days
    with engine().connect() as conn, held_at(at):
        report = build(conn, d0, d1, area, lang, source, runs, claims or [], assumptions or [], context)
    write(report, output)
    err.print(
        f"wrote {output} ({report.date_from} to {report.date_to}, {len(report.references)} references) "
        f"in {time.monotonic() - started:.1f} s",
        markup=False,
        highlight=False,
    )
