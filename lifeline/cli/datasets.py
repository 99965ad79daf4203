"""``lifeline datasets``: every import with its row accounting (kept apart from ``import``, whose
module loads the importers and the alert rules this listing does not need)."""

from __future__ import annotations

from typing import Annotated

import typer

from lifeline.cli.app import app
from lifeline.cli.common import engine
from lifeline.cli.output import Format, emit
from lifeline.formats import Column, ResultTable
from lifeline.store import queries


@app.command("datasets")
def datasets_cmd(fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """Every import: file, kind, when, and the row accounting."""
    with engine().connect() as conn:
        rows = queries.datasets(conn)
    result = ResultTable(
        title="Datasets imported",
        columns=[
            Column("id", "#meta+id"),
            Column("kind", "#meta+kind"),
            Column("series", "#meta+series"),
            Column("path", "#meta+file"),
            Column("publisher", "#org+name"),
            Column("published", "#date+published"),
            Column("imported_at", "#date+imported"),
            Column("rows_read", "#indicator+num+read"),
            Column("rows_imported", "#indicator+num+imported"),
            Column("rows_unchanged", "#indicator+num+unchanged"),
            Column("rows_changed", "#indicator+num+changed"),
            Column("rows_rejected", "#indicator+num+rejected"),
            Column("rows_flagged", "#indicator+num+flagged"),
            Column("rows_withdrawn", "#indicator+num+withdrawn"),
        ],
        rows=rows,
    )
    emit(result, fmt)
