"""``lifeline scenario FILE``: project a what-if (closures, throttles, capacities, movements) per area and day."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Annotated

import typer

from lifeline.cli.app import app
from lifeline.cli.common import engine, parse_date
from lifeline.cli.output import Format, emit
from lifeline.model import contexts, scenarios


class By(StrEnum):
    day = "day"
    week = "week"
    month = "month"


@app.command("scenario")
def scenario_cmd(
    file: Annotated[str, typer.Argument(help="Scenario TOML file, or the name of a shipped one (rafah-2024-05).")],
    by: Annotated[By, typer.Option("--by", help="Period of the rows.")] = By.week,
    runs: Annotated[
        int | None, typer.Option("--runs", help="Monte Carlo runs (default: the file's, else 200).")
    ] = None,
    alloc: Annotated[bool, typer.Option("--allocation", help="Show the allocation LP on one day instead.")] = False,
    day: Annotated[str | None, typer.Option("--day", help="Day for --allocation (default: the start).")] = None,
    context: Annotated[
        str | None, typer.Option("--context", help="Context code (default: the store's only one).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Project kcal per person per day with intervals, and when stocks run out, under a what-if."""
    sc = scenarios.load_scenario(file)
    if runs is not None and runs < 1:
        from lifeline.errors import UserError

        raise UserError("--runs must be at least 1")
    with engine().connect() as conn:
        # the baseline is read from one context's deliveries, as every delivery question in a store of several
        sc = dataclasses.replace(sc, scope=contexts.scope(conn, context).deliveries)
        if alloc:
            result = scenarios.allocation_table(conn, sc, parse_date(day, "--day"))
        else:
            result = scenarios.projection_table(scenarios.project(conn, sc, runs), by.value)
    emit(result, fmt)
