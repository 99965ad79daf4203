"""Helpers every command module shares: the store for the global --db, dates, and assumption overrides."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.errors import UserError
from lifeline.store.engine import connect


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


def rules(assumptions: list[Path] | None) -> AssumptionSet:
    return load_set("normalisation", assumptions or [])
