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
from lifeline.cli import rejections as rejections_file
from lifeline.cli.app import app
from lifeline.cli.common import engine, rules
from lifeline.cli.output import Format, console, err
from lifeline.errors import UserError
from lifeline.ingest import registry
from lifeline.ingest.records import REFUSED, exit_status
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
                     "storing its other rows (exit 1)."),
    ] = False,
    rejections_dir: Annotated[
        Path | None,
        typer.Option("--rejections", metavar="DIR",
                     help="Folder for the rejections file of a file stored with rejected rows (default: "
                          "LIFELINE_REJECTIONS_DIR, else rejections/ in the user data directory)."),
    ] = None,
) -> None:
    """Import line lists and HXL files; each file is stored in one transaction or not at all.

    A row that cannot be read (a bad date, a negative count, a total row...) is left out and named
    with its row, column and what was expected; the file's other rows are stored, the rejected rows
    are listed in a rejections file (CSV) and the command exits with status 1. With --strict such a
    file is refused instead. Files are imported in turn, each in its own transaction. A file that
    cannot be imported gets its one line on stderr and leaves the store as it was; the other files
    are still imported, and the command exits with status 2 at the end.

    Exit status: 0 every row of every file stored; 1 stored, but rows were rejected (a dry run: would
    be); 2 a file refused (nothing of it stored).
    """
    store = engine()
    ruleset = rules(assumptions)
    reports: list[tuple[ImportReport, Path | None]] = []  # each stored file and its rejections file, if any
    failures: list[UserError] = []
    for path in paths:
        try:
            report = _import_one(store, path, kind, ruleset, show_progress=fmt != Format.json and err.is_interactive,
                                  dry_run=dry_run, strict=strict)
        except UserError as exc:
            failures.append(exc)
            print(f"lifeline: error: {exc}", file=sys.stderr, flush=True)
            continue
        written = keep_rejections(report, rejections_dir)
        reports.append((report, written))
        if fmt != Format.json:  # say what a file did as soon as it is stored
            _print_report(report, written)
    if reports and not dry_run:
        evaluate_after_import(store)  # issue 7: alerts are evaluated after every import; never fails it
    if fmt == Format.json:
        doc: dict[str, object] = {"datasets": [_report_doc(r, written) for r, written in reports]}
        if failures:  # the shape is {"datasets": [...]}; errors are added only when there are some
            doc["errors"] = [e.as_dict() for e in failures]
        print(json.dumps(doc, ensure_ascii=False, default=str))
    status = exit_status([REFUSED] * bool(failures) + [r.exit_status for r, _ in reports])
    if status:
        raise typer.Exit(status)


def keep_rejections(report: ImportReport, where: Path | None) -> Path | None:
    """Write the rejections file of a stored file with rejected rows; a folder that cannot be written is
    said on stderr (the import is committed and its exit status stays 1), never a traceback."""
    if not report.rejections or report.status == "dry-run":
        return None  # nothing to list (a dry run writes nothing)
    folder = rejections_file.folder(where)
    try:
        return rejections_file.write(report, folder)
    except OSError as exc:
        print(f"lifeline: warning: {report.path} was stored, but its rejections file cannot be written in "
              f"{folder} ({exc.strerror}); its rejected rows are in the store (lifeline datasets, "
              f"GET /api/v1/datasets/{report.dataset_id}/rejections)", file=sys.stderr, flush=True)
        return None


def _report_doc(r: ImportReport, written: Path | None) -> dict[str, object]:
    """One file's entry in ``--format json``: the issue's keys first, then status and ids."""
    return (
        {k: r.as_dict()[k] for k in REPORT_KEYS}
        | {"rejections": [{"row": x["row"], "column": x["column"], "reason": x["reason"]} for x in r.rejections]}
        | {
            "status": r.status,
            "outcome": r.outcome,
            "rejections_file": str(written) if written else None,
            "dataset_id": r.dataset_id,
            "rows_flagged": r.rows_flagged,
            "rows_withdrawn": r.rows_withdrawn,
            "series": r.series,
        }
    )


def _print_report(r: ImportReport, written: Path | None) -> None:
    """One file's outcome for people; file names and cell text are escaped, never read as markup."""
    console.print(f"[bold]{escape(r.path)}[/bold] ({r.kind}, series {escape(r.series)}): {r.message}", highlight=False)
    print_details(r, written)


def print_details(r: ImportReport, written: Path | None = None) -> None:
    """The lines below a file's outcome: each rejection (row, column, reason), how many and where they are
    listed, and where its flags are listed; shared by ``import`` and ``context init`` so both say the same."""
    for x in r.rejections[:20]:
        console.print(
            f"  rejected row {x['row']}, column {x['column']!r}: {x['reason']}", markup=False, highlight=False
        )
    if len(r.rejections) > 20:
        rest = "all of them in the rejections file" if written else "use --format json for all"
        console.print(f"  ... and {len(r.rejections) - 20} more rejections ({rest})", markup=False)
    if r.rows_rejected:
        console.print(rejections_file.summary(r, written), markup=False, highlight=False, soft_wrap=True)
    if r.rows_flagged and r.status == "dry-run":
        console.print(f"  {r.rows_flagged} rows would be kept with flags", markup=False, highlight=False)
    elif r.rows_flagged:
        console.print(f"  {r.rows_flagged} rows kept with flags ({flag_summary(r)}; see `{flags_hint(r)}`)",
                      markup=False, highlight=False)


def flag_summary(r: ImportReport) -> str:
    """Which flags the kept rows carry and on how many rows (``unknown-unit`` 2, ...): a unit Lifeline could
    not read is said on stdout, not only in `lifeline flags`."""
    return ", ".join(f"{name} {count}" for name, count in r.flag_counts.items()) or "flags not counted"


def flags_hint(r: ImportReport) -> str:
    """The `lifeline flags` command that lists a file's flagged rows and works as given: one per series (a
    file of several publishers has one each), with the series' context when the store holds several
    (``flags`` refuses to guess one there)."""
    from lifeline.model import contexts

    series = [(p["series"], p.get("dataset_id")) for p in r.parts] or [(r.series, r.dataset_id)]
    with engine().connect() as conn:
        found = contexts.all_contexts(conn)
        owner = contexts.dataset_contexts(conn, found) if len(found) > 1 else {}
    def one(name: str, dataset: int | None) -> str:
        if len(found) < 2:
            return f"lifeline flags --series {name}"
        return f"lifeline flags --context {owner.get(dataset or -1, 'CODE')} --series {name}"
    return " or ".join(one(name, dataset) for name, dataset in series)


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
