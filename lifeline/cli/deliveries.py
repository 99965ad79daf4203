"""``lifeline deliveries``: consignments, trucks and tonnes per period and group, with sources."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from lifeline.cli.app import app
from lifeline.cli.as_of import AsOf, CompareNow, ask
from lifeline.cli.common import engine, window
from lifeline.cli.output import Format, emit
from lifeline.model.deliveries import delivery_table


class By(StrEnum):
    day = "day"
    week = "week"
    month = "month"


class Group(StrEnum):
    crossing = "crossing"
    category = "category"
    commodity = "commodity"
    source = "source"
    route = "route"
    area = "area"


@app.command("deliveries")
def deliveries_cmd(
    date_from: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    by: Annotated[By, typer.Option("--by")] = By.month,
    group: Annotated[Group, typer.Option("--group")] = Group.crossing,
    source: Annotated[str | None, typer.Option("--source", help="Publisher (UNRWA, COGAT...) or series name.")] = None,
    context: Annotated[
        str | None, typer.Option("--context", help="Context code (default: the store's only one).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    as_of: AsOf = None,
    compare_now: CompareNow = False,
) -> None:
    """What entered, per period and crossing / category / commodity / source / route."""
    with engine().connect() as conn:
        start, end = window(conn, date_from, date_to)
        result = ask(as_of, compare_now, lambda: delivery_table(
            conn,
            by=by.value,
            group=group.value,
            date_from=start,
            date_to=end,
            source=source,
            context=context,
        ))
    emit(result, fmt)
