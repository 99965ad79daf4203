"""``lifeline boundaries import FILE | list``: admin boundaries the map draws for a context."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lifeline.cli.app import app
from lifeline.cli.common import engine
from lifeline.cli.output import Format, console, emit
from lifeline.formats import Column, ResultTable
from lifeline.geo import boundaries, boundary_match

group = typer.Typer(rich_markup_mode=None,
                    help="Admin boundaries (GeoJSON keyed by p-code, e.g. OCHA COD-AB) for a context's map: "
                         "import, list.",
                    no_args_is_help=True)
app.add_typer(group, name="boundaries")


@group.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(help="A GeoJSON FeatureCollection of Polygon / MultiPolygon areas.")],
    context: Annotated[str | None, typer.Option(
        "--context", help="Context code (default: the one whose places the p-codes name).")] = None,
    code_property: Annotated[str | None, typer.Option(
        "--code-property", help="The feature property holding the p-code (default: the deepest ADMn_PCODE, "
                                "else pcode or code).")] = None,
    publisher: Annotated[str | None, typer.Option("--publisher", help="Who published the file, e.g. OCHA.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="The dataset's title (default: the file name).")] = None,
    url: Annotated[str | None, typer.Option("--url", help="Where the file was published (e.g. its HDX page).")] = None,
    match: Annotated[list[str] | None, typer.Option(
        "--match", help="CODE=PLACE: the file's p-code CODE outlines the place PLACE (repeatable); for names "
                        "that fit several places or none.")] = None,
    match_file: Annotated[Path | None, typer.Option(
        "--match-file", help="A CSV of code,place rows, each as --match.")] = None,
) -> None:
    """Import one admin level's boundaries for a context: checked, matched to its places, simplified, stored.

    The whole file is checked before anything is written; a bad feature is one line naming the file, the
    feature's index, the property and what was expected (exit status 2). A new import of the same context
    and level replaces the earlier one. Features whose p-codes the context does not know are matched by
    their names (ADMn_EN, ADMn_AR...); each such p-code is recorded as an alias of its place.
    """
    mapping = boundary_match.read_mapping(match or (), match_file)
    report = boundaries.import_boundaries(engine(), path, context=context, code_property=code_property,
                                          publisher=publisher, title=title, url=url, imported_by="cli",
                                          mapping=mapping)
    for line in report.lines():
        console.print(line, markup=False, highlight=False, soft_wrap=True)


@group.command("list")
def list_cmd(
    context: Annotated[str | None, typer.Option("--context", help="Only this context.")] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """The boundary sets stored: context, level, areas, vertices kept, source and when imported."""
    with engine().connect() as conn:
        rows = boundaries.sets(conn, context)
    emit(ResultTable(
        title="Admin boundaries",
        columns=[Column("context", "#loc+code+context"), Column("level", "#indicator+num+level"),
                 Column("areas", "#indicator+num+areas"), Column("unmatched", "#indicator+num+unmatched",
                                                                 "p-codes not matched"),
                 Column("vertices_kept", "#indicator+num+vertices", "vertices (display)"),
                 Column("code_property", "#meta+property", "p-code property"), Column("publisher", "#meta+source"),
                 Column("title", "#meta+title"), Column("path", "#meta+file", "file"),
                 Column("imported_at", "#date+imported")],
        rows=rows,
        notes=[] if rows else ["no boundaries imported: the map draws Gaza's schematic for Gaza's places, "
                               "and entry points alone for other contexts"],
        query={"context": context},
    ), fmt)
