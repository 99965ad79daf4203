"""``lifeline flags``: the rows an import kept but flagged, with the file row each came from."""

from __future__ import annotations

from typing import Annotated

import typer

from lifeline.cli.app import app
from lifeline.cli.common import engine
from lifeline.cli.output import Format, emit
from lifeline.formats import Column, ResultTable
from lifeline.model import contexts
from lifeline.store import queries


@app.command("flags")
def flags_cmd(
    series: Annotated[str | None, typer.Option("--series", help="Only this series (see `lifeline datasets`).")] = None,
    dataset: Annotated[int | None, typer.Option("--dataset", help="Only rows last written by this import.")] = None,
    flag: Annotated[
        str | None, typer.Option("--flag", help="Only this flag, e.g. quantity<=0, unknown-unit, unmapped-commodity.")
    ] = None,
    context: Annotated[
        str | None, typer.Option("--context", help="Context code (default: the store's only one).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Rows kept with flags (never silently fixed or dropped), to check against the published file."""
    with engine().connect() as conn:
        sc = contexts.scope(conn, context)
        rows = queries.flagged_deliveries(conn, dataset_id=dataset, flag=flag, series=series, scope=sc.deliveries)
    emit(
        ResultTable(
            title="Flagged delivery rows",
            columns=[
                Column("dataset_id", "#meta+dataset"), Column("path", "#meta+file", "file"),
                Column("row_number", "#meta+row", "file row"), Column("source_row_id", "#meta+id", "row id"),
                Column("date", "#date"), Column("crossing", "#loc+crossing+code"), Column("category", "#item+type"),
                Column("description", "#item+name"), Column("quantity", "#indicator+num+quantity"),
                Column("unit", "#indicator+unit"), Column("flags", "#meta+flags"),
            ],
            rows=rows,
            notes=["flagged rows are stored and counted as imported; flags say what to check, nothing was changed"],
            query={"series": series, "dataset": dataset, "flag": flag, "context": sc.code},
        ),
        fmt,
    )
