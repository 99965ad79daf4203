"""``lifeline reference load`` / ``lifeline reference files``: the bundled reference data set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lifeline.alerts.evaluate import evaluate_after_import
from lifeline.cli.app import app
from lifeline.cli.common import engine
from lifeline.cli.output import Format, emit
from lifeline.formats import Column, ResultTable
from lifeline.ingest.records import exit_status
from lifeline.reference import load as reference

group = typer.Typer(
    help="The bundled reference data set (locations, population, crossing status, needs...).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(group, name="reference")


@group.command("load")
def load_cmd(fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """Import every reference file through the HXL importer (loading again changes nothing).

    Exit status as `lifeline import`: 0 every row stored, 1 rows rejected (the table counts them; the
    bundled set should reject none), 2 a file refused.
    """
    store = engine()
    reports = reference.load_all(store)
    evaluate_after_import(store)  # crossing-status and facility alerts need the reference events; never fails
    emit(
        ResultTable(
            title="Reference data set loaded",
            columns=[
                Column("file", "#meta+file"), Column("status", "#status"),
                Column("rows_read", "#indicator+num+read"), Column("rows_imported", "#indicator+num+imported"),
                Column("rows_changed", "#indicator+num+changed"), Column("rows_unchanged", "#indicator+num+unchanged"),
                Column("rows_rejected", "#indicator+num+rejected"), Column("dataset_id", "#meta+id"),
            ],
            rows=[
                {"file": Path(r.path).name, "status": r.status, "rows_read": r.rows_read,
                 "rows_imported": r.rows_imported, "rows_changed": r.rows_changed, "rows_unchanged": r.rows_unchanged,
                 "rows_rejected": r.rows_rejected, "dataset_id": r.dataset_id}
                for r in reports
            ],
            notes=["every row cites its publisher, title, URL and date; figures not confirmed in a primary or "
                   "secondary text say UNVERIFIED in their note"],
        ),
        fmt,
    )
    status = exit_status([r.exit_status for r in reports])
    if status:
        raise typer.Exit(status)


@group.command("files")
def files_cmd(fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """List the reference files shipped with Lifeline."""
    emit(
        ResultTable(
            title="Reference files",
            columns=[Column("file", "#meta+file"), Column("path", "#meta+url")],
            rows=[{"file": p.name, "path": str(p)} for p in reference.files()],
        ),
        fmt,
    )
