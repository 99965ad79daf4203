"""``lifeline scenario FILE``: project a what-if (closures, throttles, capacities, movements) per area and day."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from lifeline.cli.app import app
from lifeline.cli.common import engine, parse_date
from lifeline.cli.output import Format, emit
from lifeline.formats import Column, ResultTable
from lifeline.model import scenarios


class By(StrEnum):
    day = "day"
    week = "week"
    month = "month"


PROJECTION_COLUMNS = [
    Column("period", "#date+start", "period start"),
    Column("area", "#adm1+code"),
    Column("population", "#population+total"),
    Column("kcal_pp", "#indicator+num+kcal+median", "kcal/person/day (median)"),
    Column("kcal_pp_low", "#indicator+num+kcal+low", "low (2.5 %)"),
    Column("kcal_pp_high", "#indicator+num+kcal+high", "high (97.5 %)"),
    Column("coverage", "#indicator+num+coverage", "coverage (median)"),
    Column("stock_days", "#indicator+num+stock+days", "stock left (days of need)"),
    Column("stockout_date", "#date+stockout", "stock runs out (median)"),
    Column("stockout_day_low", "#indicator+num+stockout+low", "run-out day low"),
    Column("stockout_day_high", "#indicator+num+stockout+high", "run-out day high"),
]

ALLOCATION_COLUMNS = [
    Column("area", "#adm1+code"),
    Column("population", "#population+total"),
    Column("trucks_proportional", "#indicator+num+trucks+proportional", "trucks/day (population split)"),
    Column("coverage_proportional", "#indicator+num+coverage+proportional", "coverage"),
    Column("trucks_maximin", "#indicator+num+trucks+maximin", "trucks/day (maximin LP)"),
    Column("coverage_maximin", "#indicator+num+coverage+maximin", "coverage"),
    Column("trucks_needed", "#indicator+num+trucks+needed", "trucks/day needed"),
    Column("trucks_recorded", "#indicator+num+trucks+recorded", "trucks/day recorded"),
    Column("coverage_recorded", "#indicator+num+coverage+recorded", "coverage"),
]


@app.command("scenario")
def scenario_cmd(
    file: Annotated[str, typer.Argument(help="Scenario TOML file, or the name of a shipped one (rafah-2024-05).")],
    by: Annotated[By, typer.Option("--by", help="Period of the rows.")] = By.week,
    runs: Annotated[
        int | None, typer.Option("--runs", help="Monte Carlo runs (default: the file's, else 200).")
    ] = None,
    alloc: Annotated[bool, typer.Option("--allocation", help="Show the allocation LP on one day instead.")] = False,
    day: Annotated[str | None, typer.Option("--day", help="Day for --allocation (default: the start).")] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Project kcal per person per day with intervals, and when stocks run out, under a what-if."""
    sc = scenarios.load_scenario(file)
    if runs is not None and runs < 1:
        from lifeline.errors import UserError

        raise UserError("--runs must be at least 1")
    with engine().connect() as conn:
        if alloc:
            rows, notes = scenarios.allocation_rows(conn, sc, parse_date(day, "--day"))
            aset, cat = _sets(sc)
            base = scenarios.baseline(conn, sc, aset, cat, 1)
            result = ResultTable(
                title=f"{sc.title}: allocation of trucks on {day or sc.start}",
                columns=ALLOCATION_COLUMNS,
                rows=rows,
                sources=base.sources,
                notes=notes,
                query={"scenario": sc.file, "day": day or sc.start},
            )
        else:
            p = scenarios.project(conn, sc, runs)
            result = ResultTable(
                title=f"{sc.title}: projection from {sc.start} for {sc.days} days",
                columns=PROJECTION_COLUMNS,
                rows=scenarios.rows(p, by.value),
                sources=p.sources,
                notes=p.notes,
                query={"scenario": sc.file, "by": by.value, "runs": p.runs},
            )
    emit(result, fmt)


def _sets(sc: scenarios.Scenario):  # type: ignore[no-untyped-def]
    from lifeline.assumptions import load_set
    from lifeline.model.coverage import CATALOGUE

    return load_set(sc.assumptions), load_set(CATALOGUE)
