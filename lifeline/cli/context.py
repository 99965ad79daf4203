"""``lifeline context list | show CODE | init DIR``: the areas of operation a store holds, set up from files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from lifeline.cli.app import app
from lifeline.cli.common import engine
from lifeline.cli.output import Format, console, emit
from lifeline.errors import UserError
from lifeline.formats import Column, ResultTable
from lifeline.model import context_gaps, contexts

group = typer.Typer(rich_markup_mode=None,
                    help="Contexts (areas of operation): list them, show one, set one up from a folder of files.",
                    no_args_is_help=True)
app.add_typer(group, name="context")

# The order a context's files are imported in: its locations files first (entry points and areas are then
# known to every later file), then its boundaries (which may record the areas' p-codes as aliases that later
# files are keyed by), then every other file in the folder's own order (by name: number them to choose).


@group.command("list")
def list_cmd(fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """Every context of the store with its areas and entry points."""
    with engine().connect() as conn:
        found = contexts.all_contexts(conn)
    rows = [{"code": c.code, "name_en": c.name_en, "name_ar": c.name_ar, "areas": len(c.areas),
             "entry_points": len(c.entry_points)} for c in found]
    emit(ResultTable(
        title="Contexts",
        columns=[Column("code", "#loc+code"), Column("name_en", "#loc+name+i_en"), Column("name_ar", "#loc+name+i_ar"),
                 Column("areas", "#indicator+num+areas"), Column("entry_points", "#indicator+num+crossings")],
        rows=rows,
        notes=[] if rows else ["no context yet: import a locations file (`lifeline context init DIR`)"],
    ), fmt)


@group.command("show")
def show_cmd(
    code: Annotated[str, typer.Argument(help="The context's code (see `lifeline context list`).")],
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """A context's places (areas and entry points) and what it still lacks."""
    with engine().connect() as conn:
        ctx = contexts.resolve(conn, code)
        assert ctx is not None
        missing = context_gaps.gaps(conn, ctx)
    rows: list[dict[str, Any]] = [
        {"code": p.code, "type": p.type, "name_en": p.name_en, "name_ar": p.name_ar, "parent": p.parent,
         "route": p.route, "serves": ";".join(p.serves) or None}
        for p in ctx.places.values()
    ]
    emit(ResultTable(
        title=f"Context {ctx.code}: {ctx.name_en}",
        columns=[Column("code", "#loc+code"), Column("type", "#loc+type"), Column("name_en", "#loc+name+i_en"),
                 Column("name_ar", "#loc+name+i_ar"), Column("parent", "#loc+code+parent"),
                 Column("route", "#loc+route"), Column("serves", "#loc+code+serves")],
        rows=rows,
        notes=[f"missing: {m}" for m in missing] or ["nothing missing"],
    ), fmt)


@group.command("init")
def init_cmd(
    folder: Annotated[Path, typer.Argument(help="A folder of the context's HXL files (CSV, XLSX, JSON).")],
    rejections_dir: Annotated[
        Path | None,
        typer.Option("--rejections", metavar="DIR",
                     help="Folder for the rejections file of a file stored with rejected rows (as `import`)."),
    ] = None,
) -> None:
    """Import a folder of a context's files in the right order, then say what the context still lacks.

    Exit status as `lifeline import`: 0 every row stored, 1 stored with rejected rows (listed in a
    rejections file), 2 a file refused (nothing of the folder is imported after it).
    """
    from lifeline.ingest.records import exit_status
    from lifeline.ingest.service import parse

    if not folder.is_dir():
        raise UserError("expected a folder of HXL files", file=str(folder))
    found = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if not found:
        raise UserError("the folder holds no files", file=str(folder))
    outlines = [p for p in found if p.suffix.lower() == ".geojson"]
    files = [p for p in found if p not in outlines]
    kinds = {p: parse(p)[1].target for p in files}  # refuses a bad file before anything is imported
    store = engine()
    before = {c.code for c in _contexts(store)}
    statuses: list[int] = []
    flagged: list[str] = []
    for path in [p for p in files if kinds[p] == "locations"]:
        statuses.append(_import_one(store, path, flagged, rejections_dir))
    for path in outlines:
        from lifeline.geo.boundaries import import_boundaries

        for line in import_boundaries(store, path, imported_by="context init").lines():
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    for path in [p for p in files if kinds[p] != "locations"]:
        statuses.append(_import_one(store, path, flagged, rejections_dir))
    for ctx in _contexts(store):
        if ctx.code in before:
            continue
        with store.connect() as conn:
            missing = context_gaps.gaps(conn, ctx, flagged=False)
        console.print(f"context {ctx.code} ({ctx.name_en}): {len(ctx.areas)} areas, "
                      f"{len(ctx.entry_points)} entry points", markup=False, highlight=False)
        for line in [*missing, *flagged] or ["nothing missing"]:
            console.print(f"  {line}", markup=False, highlight=False)
    if exit_status(statuses):
        raise typer.Exit(exit_status(statuses))


def _import_one(store: Any, path: Path, flagged: list[str], rejections_dir: Path | None) -> int:
    """Import one file, print what it did, and note its flagged rows (the summary counts every one);
    its exit status as `lifeline import`'s."""
    from lifeline.cli.imports import flags_hint, keep_rejections, print_details
    from lifeline.ingest.service import import_file

    report = import_file(store, path, imported_by="context init")
    console.print(f"{path.name}: {report.message or report.status}", markup=False, highlight=False)
    print_details(report, keep_rejections(report, rejections_dir))
    if report.rows_flagged:
        flagged.append(f"{path.name}: {report.rows_flagged} rows kept with flags (see `{flags_hint(report)}`)")
    return report.exit_status


def _contexts(store: Any) -> list[contexts.Context]:
    with store.connect() as conn:
        return contexts.all_contexts(conn)
