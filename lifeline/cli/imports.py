"""``lifeline import``: files into the store, each whole or not at all, with its row accounting."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from lifeline.alerts.evaluate import evaluate_after_import
from lifeline.cli.app import app
from lifeline.cli.common import engine, rules
from lifeline.cli.output import Format, console, err
from lifeline.errors import UserError
from lifeline.ingest import registry
from lifeline.ingest.service import ImportReport, import_file

REPORT_KEYS = ("path", "kind", "rows_read", "rows_imported", "rows_unchanged", "rows_changed", "rows_rejected")


@app.command("import")
def import_cmd(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files to import: UNRWA, COGAT, Insecurity Insight, gazamaps or HXL (CSV, XLSX or JSON)."),
    ],
    kind: Annotated[str, typer.Option(help=f"auto or one of: {', '.join(registry.kinds())}.")] = "auto",
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
    assumptions: Annotated[
        list[Path] | None, typer.Option("--assumptions", help="TOML file overriding normalisation rules.")
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Compare with the store and say what would change (rows new, changed, "
                     "withdrawn, rejected); write nothing."),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Refuse a file with any rejected row (exit 2, nothing stored) instead of "
                     "storing its other rows."),
    ] = False,
) -> None:
    """Import line lists and HXL files; each file is stored in one transaction or not at all.

    A row that cannot be read (a bad date, a negative count, a total row...) is left out and named
    with its row, column and what was expected; the file's other rows are stored. With --strict such
    a file is refused instead. Files are imported in turn, each in its own transaction. A file that
    cannot be imported gets its one line on stderr and leaves the store as it was; the other files
    are still imported, and the command exits with status 2 at the end.
    """
    store = engine()
    ruleset = rules(assumptions)
    reports: list[ImportReport] = []
    failures: list[UserError] = []
    for path in paths:
        try:
            report = _import_one(store, path, kind, ruleset, show_progress=fmt != Format.json and err.is_interactive,
                                  dry_run=dry_run, strict=strict)
        except UserError as exc:
            failures.append(exc)
            print(f"lifeline: error: {exc}", file=sys.stderr, flush=True)
            continue
        reports.append(report)
        if fmt != Format.json:  # say what a file did as soon as it is stored
            _print_report(report)
    if reports and not dry_run:
        evaluate_after_import(store)  # issue 7: alerts are evaluated after every import; never fails it
    if fmt == Format.json:
        doc: dict[str, object] = {"datasets": [_report_doc(r) for r in reports]}
        if failures:  # the shape is {"datasets": [...]}; errors are added only when there are some
            doc["errors"] = [e.as_dict() for e in failures]
        print(json.dumps(doc, ensure_ascii=False, default=str))
    if failures:
        raise typer.Exit(2)


def _report_doc(r: ImportReport) -> dict[str, object]:
    """One file's entry in ``--format json``: the issue's keys first, then status and ids."""
    return (
        {k: r.as_dict()[k] for k in REPORT_KEYS}
        | {"rejections": [{"row": x["row"], "column": x["column"], "reason": x["reason"]} for x in r.rejections]}
        | {
            "status": r.status,
            "dataset_id": r.dataset_id,
            "rows_flagged": r.rows_flagged,
            "rows_withdrawn": r.rows_withdrawn,
            "series": r.series,
        }
    )


def _print_report(r: ImportReport) -> None:
    """One file's outcome for people; file names and cell text are escaped, never read as markup."""
    console.print(f"[bold]{escape(r.path)}[/bold] ({r.kind}, series {escape(r.series)}): {r.message}", highlight=False)
    print_details(r)


def print_details(r: ImportReport) -> None:
    """The lines below a file's outcome: each rejection (row, column, reason) and where its flags are
    listed; shared by ``import`` and ``context init`` so both say the same."""
    for x in r.rejections[:20]:
        console.print(
            f"  rejected row {x['row']}, column {x['column']!r}: {x['reason']}", markup=False, highlight=False
        )
    if len(r.rejections) > 20:
        console.print(f"  ... and {len(r.rejections) - 20} more rejections (use --format json for all)", markup=False)
    if r.rows_flagged and r.status == "dry-run":
        console.print(f"  {r.rows_flagged} rows would be kept with flags", markup=False, highlight=False)
    elif r.rows_flagged:
        series = [p["series"] for p in r.parts] or [r.series]  # a file of several publishers: one series each
        hint = " or ".join(f"lifeline flags --series {name}" for name in series)
        console.print(f"  {r.rows_flagged} rows kept with flags (see `{hint}`)", markup=False, highlight=False)


def _import_one(store, path: Path, kind: str, ruleset, show_progress: bool,  # type: ignore[no-untyped-def]
                dry_run: bool = False, strict: bool = False) -> ImportReport:
    started = time.monotonic()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not show_progress,
    ) as bar:
        task = bar.add_task(f"importing {path.name}", total=None, visible=False, count="")

        def progress(stage: str, done: int, total: int) -> None:
            # Only show a bar once the import has taken over a second; a stage without a known
            # total (reading, normalising, comparing) shows a moving bar instead of 0 %.
            visible = time.monotonic() - started > 1.0
            count = f"{done:,}/{total:,} rows" if total else ""
            bar.update(
                task,
                description=f"{stage} {path.name}",
                completed=done,
                total=total or None,
                visible=visible,
                count=count,
            )
            if visible:
                bar.refresh()  # draw every stage and batch, not only what the 10 Hz refresh catches

        # A stage that starts before the one-second mark and reports nothing after it (reading a big
        # file, rebuilding indexes) still appears when the second is up.
        reveal = threading.Timer(1.0, lambda: bar.update(task, visible=True))
        reveal.daemon = True
        if show_progress:
            reveal.start()
        try:
            return import_file(store, path, kind=kind, rules=ruleset, progress=progress, dry_run=dry_run,
                               strict=strict)
        except UserError:
            raise
        except OSError as exc:
            raise UserError(f"cannot read the file ({exc.strerror})", file=str(path)) from None
        finally:
            reveal.cancel()
