"""``lifeline series``: one observation series with every source's values side by side."""

from __future__ import annotations

from typing import Annotated

import typer

from lifeline.cli.app import app
from lifeline.cli.as_of import AsOf, CompareNow, ask
from lifeline.cli.common import engine
from lifeline.cli.output import Format, emit
from lifeline.model.series import series_table

INDICATOR_HELP = "e.g. population, displaced_from_area, hospitals_partially_functioning, trucks_per_day_needed."
AREA_HELP = "Location code (PS-RFH, gaza-north, kerem-shalom...)."


@app.command("series")
def series_cmd(
    indicator: Annotated[str, typer.Option("--indicator", help=INDICATOR_HELP)],
    area: Annotated[str | None, typer.Option("--area", help=AREA_HELP)] = None,
    context: Annotated[
        str | None, typer.Option("--context", help="Context code (default: the store's only one).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    as_of: AsOf = None,
    compare_now: CompareNow = False,
) -> None:
    """Population, displacement, facilities, needs...: each source's figure for each date, with its citation."""
    with engine().connect() as conn:
        result = ask(as_of, compare_now, lambda: series_table(conn, indicator, area, context))
    emit(result, fmt)
