"""``lifeline access``: crossing status per day (reported vs inferred), what each source recorded,
reported closures with durations, and throughput against the pre-war baseline and stated needs."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lifeline.assumptions import load_set
from lifeline.cli.app import app
from lifeline.cli.as_of import AsOf, CompareNow, ask
from lifeline.cli.common import engine, parse_date, window
from lifeline.cli.output import Format, emit
from lifeline.errors import UserError
from lifeline.model import access


class By(StrEnum):
    day = "day"
    week = "week"
    month = "month"


class Show(StrEnum):
    timeline = "timeline"
    closures = "closures"
    throughput = "throughput"


@app.command("access")
def access_cmd(
    date_from: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    day: Annotated[str | None, typer.Option("--day", help="One day, YYYY-MM-DD (same as --from D --to D).")] = None,
    crossing: Annotated[
        str | None, typer.Option("--crossing", help="Crossing code (kerem-shalom, rafah, erez...).")
    ] = None,
    by: Annotated[By | None, typer.Option("--by", help="day, week or month (default: day for the timeline, "
                                                       "month for throughput).")] = None,
    show: Annotated[Show, typer.Option("--show", help="timeline, closures (reported, with durations) or "
                                                      "throughput (against baseline and need).")] = Show.timeline,
    assumptions: Annotated[
        list[Path] | None, typer.Option("--assumptions", help="TOML merged over access.toml.")
    ] = None,
    context: Annotated[
        str | None, typer.Option("--context", help="Context code (default: the store's only one).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    as_of: AsOf = None,
    compare_now: CompareNow = False,
) -> None:
    """Which crossings were open, on whose word, and what came through according to each source."""
    start, end = parse_date(date_from, "--from"), parse_date(date_to, "--to")
    if day is not None:
        if date_from or date_to:
            raise UserError("give either --day or --from/--to, not both")
        start = end = parse_date(day, "--day")
    with engine().connect() as conn:
        start, end = window(conn, start, end)
        rules = load_set("access", assumptions or [])
        if show == Show.closures:
            result = ask(as_of, compare_now, lambda: access.closures(conn, start, end, crossing, access_rules=rules,
                                                                     context=context))
        elif show == Show.throughput:
            result = ask(as_of, compare_now, lambda: access.throughput(
                conn, start, end, (by or By.month).value, access_rules=rules, context=context))
        else:
            result = ask(as_of, compare_now, lambda: access.timeline(
                conn, start, end, crossing, (by or By.day).value, access_rules=rules, context=context))
    emit(result, fmt)
