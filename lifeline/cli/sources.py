"""``lifeline sources``: compare what each source recorded; register, list, fetch and remove live sources."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lifeline.assumptions import load_set
from lifeline.cli.app import app
from lifeline.cli.as_of import AsOf, CompareNow, ask
from lifeline.cli.common import engine, window
from lifeline.cli.output import Format, emit
from lifeline.formats import Column, ResultTable
from lifeline.ingest.live.freshness import freshness_table
from lifeline.model.sources_compare import comparison, reported_vs_recorded

group = typer.Typer(rich_markup_mode=None, help="Compare what each source recorded; register and fetch live sources.",
                    no_args_is_help=True)
app.add_typer(group, name="sources")


class Indicator(StrEnum):
    consignments = "consignments"
    trucks = "trucks"
    tonnes = "tonnes"


class By(StrEnum):
    week = "week"
    month = "month"


@group.command("compare")
def compare_cmd(
    indicator: Annotated[Indicator, typer.Option("--indicator")] = Indicator.consignments,
    category: Annotated[str, typer.Option("--category", help="food, medical, water, shelter, fuel or all.")] = "all",
    by: Annotated[By, typer.Option("--by")] = By.month,
    date_from: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")] = None,
    assumptions: Annotated[
        list[Path] | None, typer.Option("--assumptions", help="TOML merged over access.toml.")
    ] = None,
    context: Annotated[
        str | None, typer.Option("--context", help="Context code (default: the store's only one).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    as_of: AsOf = None,
    compare_now: CompareNow = False,
) -> None:
    """UNRWA, COGAT and any other source in adjacent columns, with ratio = source / UNRWA and why they differ."""
    rules = load_set("access", assumptions or [])
    with engine().connect() as conn:
        start, end = window(conn, date_from, date_to)
        result = ask(as_of, compare_now, lambda: comparison(conn, indicator.value, category, by.value, start, end,
                                                            rules, context=context))
    emit(result, fmt)


@group.command("reported")
def reported_cmd(
    assumptions: Annotated[
        list[Path] | None, typer.Option("--assumptions", help="TOML merged over access.toml.")
    ] = None,
    context: Annotated[
        str | None, typer.Option("--context", help="Context code (default: the store's only one).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    as_of: AsOf = None,
    compare_now: CompareNow = False,
) -> None:
    """Figures reported in statements (trucks per day, truckloads) next to the same figure from each line list."""
    rules = load_set("access", assumptions or [])
    with engine().connect() as conn:
        result = ask(as_of, compare_now, lambda: reported_vs_recorded(conn, rules, context))
    emit(result, fmt)


# --- registered (live) sources: add, list, fetch, remove (issue 14) ---------------------------


@group.command("add")
def add_cmd(
    name: Annotated[str, typer.Argument(help="A short name for the source (lower case, digits, . - _).")],
    location: Annotated[str, typer.Argument(help="An http(s) URL, or hdx:DATASET[/RESOURCE] for HDX.")],
    kind: Annotated[str, typer.Option("--kind", help="Importer kind (unrwa, cogat, hxl...) or auto.")] = "auto",
    every: Annotated[str, typer.Option("--every", help="How often to check: 30m, 6h, 1d...")] = "6h",
    token_env: Annotated[
        str | None,
        typer.Option("--token-env", help="Name of the environment variable holding a bearer token (never the token)."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Register a publication to watch; it is due at once (`lifeline sources fetch` or `lifeline watch`)."""
    from lifeline.ingest.live import registry

    with engine().begin() as conn:
        registry.add(conn, name, location, kind, registry.parse_every(every), token_env)
        table = freshness_table(conn)
    table.rows = [r for r in table.rows if r["name"] == name]
    table.title = f"Registered source {name}"
    emit(table, fmt)


@group.command("list")
def list_cmd(fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """Every registered source: schedule, last checked, last changed, next check, last error, overdue."""
    with engine().connect() as conn:
        emit(freshness_table(conn), fmt)


@group.command("fetch")
def fetch_cmd(
    names: Annotated[
        list[str] | None, typer.Argument(help="Sources to check now (default: those that are due).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Check sources now: fetch what changed, import each new version, then evaluate alerts.

    Exit status: 0 every check ended well and every new version was stored whole; 1 a check failed
    (network, publisher) or a new version was stored with rejected rows; 2 a fetched file was refused.
    """
    from lifeline.alerts import watching
    from lifeline.ingest.live import registry, scheduler

    store = engine()
    if names:
        with store.connect() as conn:
            for n in names:
                registry.get(conn, n)  # an unknown name is the user's mistake, said before any request
    run = watching.check_and_alert(store, scheduler.due(store, names=names))
    emit(attempts_table(run.as_dict()["attempts"]), fmt)
    if run.exit_status:
        raise typer.Exit(run.exit_status)


@group.command("remove")
def remove_cmd(name: Annotated[str, typer.Argument(help="The registered source to forget.")]) -> None:
    """Forget a source and its fetch history; what it imported (datasets, rows, snapshots) stays."""
    from lifeline.ingest.live import registry

    with engine().begin() as conn:
        registry.remove(conn, name)
    print(f"removed source {name}; its imported datasets stay in the store")


def attempts_table(attempts: list[dict[str, object]]) -> ResultTable:
    return ResultTable(
        title="Checks",
        columns=[
            Column("source", "#meta+name"),
            Column("resource", "#meta+resource"),
            Column("outcome", "#status+outcome"),
            Column("http_status", "#meta+status", "HTTP"),
            Column("bytes", "#indicator+bytes"),
            Column("dataset_id", "#meta+dataset", "dataset"),
            Column("rows_rejected", "#indicator+num+rejected", "rejected"),
            Column("finished_at", "#date+checked", "checked"),
            Column("error", "#status+error"),
        ],
        rows=[{k: v for k, v in a.items() if k != "import"} for a in attempts],
        notes=["new-version: imported (see `lifeline revisions --since`); unchanged: same bytes as before; "
               "not-modified: the publisher said so (304, or HDX's last_modified); "
               "rejected: rows of a new version left out, listed by GET /api/v1/datasets/{dataset}/rejections"],
    )
