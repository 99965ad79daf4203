"""``lifeline revisions``: what newer versions of files changed, withdrew or restored, with the old values."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

import typer

from lifeline.cli.app import app
from lifeline.cli.common import engine
from lifeline.cli.output import Format, emit
from lifeline.errors import UserError
from lifeline.formats import Column, ResultTable
from lifeline.model.revision_impact import impact_table
from lifeline.store import queries


class Period(StrEnum):
    month = "month"
    week = "week"


def parse_since(value: str | None) -> datetime | None:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS``, read as UTC."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"--since expects YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (UTC), got {value!r}") from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


@app.command("revisions")
def revisions_cmd(
    dataset: Annotated[
        int | None, typer.Option("--dataset", help="Only the changes made by this import (see `lifeline datasets`).")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only changes imported at or after this time, YYYY-MM-DD[THH:MM:SS] (UTC)."),
    ] = None,
    by_period: Annotated[
        Period | None,
        typer.Option("--by-period", help="Instead of each row: what each version moved, per period and crossing "
                                         "(trucks, tonnes, kcal before and after)."),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Every stored value a newer file replaced or withdrew: nothing is overwritten silently."""
    when = parse_since(since)
    with engine().connect() as conn:
        if by_period is not None:
            emit(impact_table(conn, when, dataset, by_period.value), fmt)
            return
        rows = queries.revisions(conn, dataset_id=dataset, since=when)
    emit(revision_table(rows, dataset), fmt)


def _values(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, str):  # some drivers hand JSON back as text
        return dict(json.loads(value))
    return dict(value)


def _summary(action: str, old: dict[str, Any], new: dict[str, Any]) -> str:
    """One readable line: ``quantity: 10 -> 12`` for changes, the withdrawn row's key fields otherwise."""
    if action == "withdrawn":
        keys = [k for k in ("date", "crossing", "commodity", "indicator", "location", "quantity", "value") if k in old]
        return "withdrawn: " + ", ".join(f"{k}={old[k]}" for k in keys)
    if not old and not new:
        return f"{action}: same values as before"
    return "; ".join(f"{k}: {old.get(k)} -> {new.get(k)}" for k in sorted(set(old) | set(new)))


def revision_table(rows: list[dict[str, Any]], dataset: int | None = None) -> ResultTable:
    """Revisions as a result table; old and new values as JSON text so CSV and HXL carry them whole."""
    out = []
    for r in rows:
        old, new = _values(r["old_values"]), _values(r["new_values"])
        out.append(
            {
                "id": r["id"],
                "changed_at": r["changed_at"],
                "action": r["action"],
                "table": r["table_name"],
                "series": r["series"],
                "source_row_id": r["source_row_id"],
                "dataset_id": r["dataset_id"],
                "dataset_path": r["dataset_path"],
                "previous_dataset_id": r["previous_dataset_id"],
                "previous_path": r["previous_path"],
                "change": _summary(r["action"], old, new),
                "old_values": json.dumps(old, ensure_ascii=False, sort_keys=True, default=str),
                "new_values": json.dumps(new, ensure_ascii=False, sort_keys=True, default=str) if new else None,
            }
        )
    return ResultTable(
        title="Revisions" + (f" made by dataset {dataset}" if dataset is not None else ""),
        columns=[
            Column("id", "#meta+id"),
            Column("changed_at", "#date+changed"),
            Column("action", "#status+action"),
            Column("table", "#meta+table"),
            Column("series", "#meta+series"),
            Column("source_row_id", "#meta+row_id", "row id in the file"),
            Column("dataset_id", "#meta+dataset"),
            Column("dataset_path", "#meta+file", "file"),
            Column("previous_dataset_id", "#meta+dataset+previous", "previous dataset"),
            Column("previous_path", "#meta+file+previous", "previous file"),
            Column("change", "#description"),
            Column("old_values", "#meta+old", "old values (JSON)"),
            Column("new_values", "#meta+new", "new values (JSON)"),
        ],
        rows=out,
        notes=["a withdrawn row is absent from the newer file: it stays stored, and is left out of totals"],
        query={"dataset": dataset},
    )
