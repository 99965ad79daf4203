"""Calendar periods (day / ISO week starting Monday / month) as SQL expressions for each dialect."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, cast, func, literal_column
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

PERIODS = ("day", "week", "month")


def period_start(conn: Connection, column: ColumnElement[Any], by: str) -> ColumnElement[Any]:
    """The first day of the period holding ``column``, as an ISO date string (YYYY-MM-DD)."""
    if by not in PERIODS:
        raise ValueError(by)
    if conn.dialect.name == "sqlite":
        if by == "day":
            return func.date(column)
        if by == "week":
            # SQLite's 'weekday 1' moves forward to Monday; step back a week unless already Monday.
            return func.date(column, literal_column("'-6 days'"), literal_column("'weekday 1'"))
        return func.strftime("%Y-%m-01", column)
    trunc = func.date_trunc(by, column)
    return func.to_char(cast(trunc, Date), "YYYY-MM-DD")
