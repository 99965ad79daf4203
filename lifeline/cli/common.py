"""Helpers every command module shares: the store for the global --db, dates, and assumption overrides."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Connection, Engine

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.errors import UserError
from lifeline.store.engine import connect
from lifeline.store.window import check


def engine() -> Engine:
    from lifeline.cli.app import state

    return connect(state.db)


def parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} expects a date as YYYY-MM-DD, got {value!r}") from None


def window(
    conn: Connection, date_from: str | date | None, date_to: str | date | None
) -> tuple[date | None, date | None]:
    """--from / --to parsed and checked, as the API and the pages do; a bound not given is left to the model,
    which takes its own default span and clamps it (lifeline.store.window.span)."""
    lo = date_from if isinstance(date_from, date) or date_from is None else parse_date(date_from, "--from")
    hi = date_to if isinstance(date_to, date) or date_to is None else parse_date(date_to, "--to")
    check(lo, hi, ("--from", "--to"))
    return lo, hi


def rules(assumptions: list[Path] | None) -> AssumptionSet:
    return load_set("normalisation", assumptions or [])
