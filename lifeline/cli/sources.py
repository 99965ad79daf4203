"""``lifeline sources compare``: every source's figures side by side, ratios to the UN source, notes."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lifeline.assumptions import load_set
from lifeline.cli.app import app
from lifeline.cli.common import engine, parse_date
from lifeline.cli.output import Format, emit
from lifeline.model.sources_compare import comparison, reported_vs_recorded

group = typer.Typer(rich_markup_mode=None, help="Compare what each source recorded.", no_args_is_help=True)
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
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """UNRWA, COGAT and any other source in adjacent columns, with ratio = source / UNRWA and why they differ."""
    rules = load_set("access", assumptions or [])
    with engine().connect() as conn:
        result = comparison(conn, indicator.value, category, by.value,
                            parse_date(date_from, "--from"), parse_date(date_to, "--to"), rules)
    emit(result, fmt)


@group.command("reported")
def reported_cmd(
    assumptions: Annotated[
        list[Path] | None, typer.Option("--assumptions", help="TOML merged over access.toml.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Figures reported in statements (trucks per day, truckloads) next to the same figure from each line list."""
    rules = load_set("access", assumptions or [])
    with engine().connect() as conn:
        result = reported_vs_recorded(conn, rules)
    emit(result, fmt)
