"""``lifeline study checchi-2024 | fliss-isakov-2025 | compare``: the published studies, reproduced."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lifeline.cli.app import app
from lifeline.cli.common import engine
from lifeline.cli.output import Format, emit
from lifeline.model.studies import run

group = typer.Typer(rich_markup_mode=None,
    help="Reproduce the two published Gaza food-availability studies and compare them.", no_args_is_help=True
)
app.add_typer(group, name="study")

WORKBOOK_HELP = "Study A's parameter workbook (gaza_food_data.xlsx of its replication repository)."
VERSION_HELP = (
    "Which imported UNRWA list to use, by a text in its file name (default: the workbook's own, 20240911 for v1)."
)


class Density(StrEnum):
    unrwa = "unrwa"
    published = "published"


@group.command("checchi-2024")
def checchi_cmd(
    workbook: Annotated[Path | None, typer.Option("--workbook", help=WORKBOOK_HELP)] = None,
    unrwa_version: Annotated[str | None, typer.Option("--unrwa-version", help=VERSION_HELP)] = None,
    runs: Annotated[int | None, typer.Option("--runs", help="Monte Carlo runs (default: the study's 1,000).")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed (default: the study's 123).")] = None,
    defects: Annotated[bool, typer.Option("--defects/--no-defects", help="Also run each defect corrected.")] = True,
    weekly: Annotated[bool, typer.Option("--weekly", help="Print the weekly availability by area instead.")] = False,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            help="Compare the weekly series with the output of Study A's R code in this folder "
            "(03_kcal_capita_by_area.csv), week by week with the Monte Carlo tolerance.",
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Study A (Checchi, Ververs & Jamaluddine, LSHTM): Table 1, truck shares, weeks below requirement, defects."""
    with engine().connect() as conn:
        if against is not None:
            emit(run.fidelity_table(conn, workbook, against, unrwa_version, runs, seed), fmt)
        elif weekly:
            emit(run.weekly_table(conn, workbook, unrwa_version, runs, seed), fmt)
        else:
            emit(run.checchi_table(conn, workbook, unrwa_version, runs, seed, defects), fmt)


@group.command("fliss-isakov-2025")
def fliss_cmd(
    density: Annotated[
        Density,
        typer.Option(
            "--density",
            help="Energy density: from the UNRWA rows via the commodity catalogue, or the one Study B's figures imply.",
        ),
    ] = Density.unrwa,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Study B (Fliss-Isakov et al., 2025): gross and net tonnage and kcal per person per day, Jan-Jul 2024."""
    with engine().connect() as conn:
        emit(run.fliss_isakov_table(conn, density.value), fmt)


@group.command("compare")
def compare_cmd(
    workbook: Annotated[Path | None, typer.Option("--workbook", help=WORKBOOK_HELP)] = None,
    unrwa_version: Annotated[str | None, typer.Option("--unrwa-version", help=VERSION_HELP)] = None,
    runs: Annotated[int | None, typer.Option("--runs")] = None,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Why the two studies disagree: each factor with its effect in kcal/person/day."""
    with engine().connect() as conn:
        emit(run.compare_table(conn, workbook, unrwa_version, runs, seed), fmt)
