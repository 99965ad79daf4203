"""``lifeline assumptions list`` and ``lifeline assumptions show NAME``: every value with its source."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from lifeline.assumptions import load_set
from lifeline.assumptions.loader import available
from lifeline.cli.app import app
from lifeline.cli.output import Format, emit
from lifeline.formats import Column, ResultTable

group = typer.Typer(
    help="Assumption sets: the named, sourced constants behind every figure.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(group, name="assumptions")


def _range(low: Any, high: Any) -> str | None:
    return None if low is None or high is None else f"{low:g} .. {high:g}"


def show_table(name: str, overrides: list[Path] | None = None) -> ResultTable:
    """Each named assumption and each sourced rule table of a set, with its source."""
    aset = load_set(name, overrides or [])
    rows: list[dict[str, Any]] = [
        {
            "name": a.name,
            "value": a.value,
            "unit": a.unit,
            "range": _range(a.low, a.high),
            "distribution": a.distribution if a.is_ranged else "fixed",
            "source": a.source,
        }
        for a in aset.assumptions.values()
    ]
    for table, content in aset.tables.items():
        entries = content.items() if isinstance(content, dict) else []
        for key, raw in entries:
            if isinstance(raw, dict) and "source" in raw:
                value = raw.get("values", raw.get("value", raw.get("published", "")))
                rows.append(
                    {
                        "name": f"{table}.{key}",
                        "value": str(value),
                        "unit": raw.get("unit", ""),
                        "range": None,
                        "distribution": "fixed",
                        "source": str(raw["source"]),
                    }
                )
        if isinstance(content, dict) and "source" in content:
            shown = {k: v for k, v in content.items() if k != "source" and not isinstance(v, dict)}
            rows.append(
                {
                    "name": table,
                    "value": str(shown),
                    "unit": "",
                    "range": None,
                    "distribution": "fixed",
                    "source": str(content["source"]),
                }
            )
    return ResultTable(
        title=f"Assumption set {aset.name}: {aset.title}",
        columns=[
            Column("name", "#indicator+name"),
            Column("value", "#indicator+num"),
            Column("unit", "#indicator+unit"),
            Column("range", "#indicator+range", "low .. high"),
            Column("distribution", "#indicator+distribution"),
            Column("source", "#meta+source"),
        ],
        rows=rows,
        notes=[f"read from {', '.join(aset.files)}"],
        query={"name": name},
    )


@group.command("show")
def show_cmd(
    name: Annotated[str, typer.Argument(help="A shipped set (see `lifeline assumptions list`) or a TOML file.")],
    assumptions: Annotated[
        list[Path] | None, typer.Option("--assumptions", help="TOML file merged over the set.")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Print each value of an assumption set with its unit, range and source."""
    emit(show_table(name, assumptions), fmt)


@group.command("list")
def list_cmd(fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """The assumption sets shipped with Lifeline."""
    rows = []
    for name in available():
        aset = load_set(name)
        rows.append({"name": name, "title": aset.title, "assumptions": len(aset.assumptions)})
    emit(
        ResultTable(
            title="Shipped assumption sets",
            columns=[
                Column("name", "#meta+name"),
                Column("title", "#meta+title"),
                Column("assumptions", "#indicator+num"),
            ],
            rows=rows,
        ),
        fmt,
    )
