"""``lifeline commodities unmapped``: the free-text cargo descriptions no catalogue rule matched."""

from __future__ import annotations

from typing import Annotated

import typer

from lifeline.cli.app import app
from lifeline.cli.common import engine
from lifeline.cli.output import Format, emit
from lifeline.model import contexts
from lifeline.model.commodities import unmapped_table

group = typer.Typer(
    help="The commodity catalogue and what it does not yet cover.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(group, name="commodities")


@group.command("unmapped")
def unmapped_cmd(
    source: Annotated[str | None, typer.Option("--source", help="Publisher (UNRWA...) or series name.")] = None,
    category: Annotated[
        str | None, typer.Option("--category", help="One cargo category only (food, nfi, medical...).")
    ] = None,
    context: Annotated[
        str | None, typer.Option("--context", help="Context code (default: the store's only one).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Distinct descriptions with no commodity, heaviest first: rows, tonnes, and the kcal density used."""
    with engine().connect() as conn:
        sc = contexts.scope(conn, context)
        result = unmapped_table(conn, source, category, scope=sc.deliveries, context=sc.code)
    emit(result, fmt)
