"""``lifeline coverage``: kcal per person per day against the requirement, per area and period."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lifeline.cli.app import app
from lifeline.cli.as_of import AsOf, CompareNow, ask
from lifeline.cli.common import engine, window
from lifeline.cli.output import Format, emit
from lifeline.model.coverage import DEFAULT_SET, coverage_table
from lifeline.model.montecarlo import DEFAULT_RUNS


class By(StrEnum):
    day = "day"
    week = "week"
    month = "month"


@app.command("coverage")
def coverage_cmd(
    area: Annotated[str | None, typer.Option("--area", help="Area code of a population series (default: all).")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    by: Annotated[By, typer.Option("--by")] = By.month,
    source: Annotated[str | None, typer.Option("--source", help="Publisher (unrwa, cogat...) or series name.")] = None,
    set_name: Annotated[str, typer.Option("--set", help="Assumption set to start from.")] = DEFAULT_SET,
    assumptions: Annotated[
        list[Path] | None, typer.Option("--assumptions", help="TOML file merged over the set.")
    ] = None,
    runs: Annotated[int, typer.Option("--runs", help="Monte Carlo runs (1 = point estimate).")] = DEFAULT_RUNS,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed (results are reproducible).")] = None,
    context: Annotated[
        str | None, typer.Option("--context", help="Context code (default: the store's only one).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    as_of: AsOf = None,
    compare_now: CompareNow = False,
) -> None:
    """Food energy available per person per day, its interval, and coverage of the requirement."""
    with engine().connect() as conn:
        start, end = window(conn, date_from, date_to)
        result = ask(as_of, compare_now, lambda: coverage_table(
            conn,
            area=area,
            date_from=start,
            date_to=end,
            by=by.value,
            source=source,
            assumptions=set_name,
            overrides=assumptions or [],
            runs=runs,
            seed=seed,
            context=context,
        ))
    emit(result, fmt)
