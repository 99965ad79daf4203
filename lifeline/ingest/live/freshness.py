"""How fresh each registered source is: last checked, last changed, next check, last error, overdue.

A source is *overdue* when its last successful check is older than its schedule times
``overdue_factor`` (live-sources.toml), or it has never been checked successfully and was
registered longer ago than that: the figures it feeds may be out of date, and every face says so.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.formats import Column, ResultTable
from lifeline.store.tables_live import live_fetches, live_sources


def _aware(t: datetime | None) -> datetime | None:
    return t if t is None or t.tzinfo else t.replace(tzinfo=UTC)


def freshness(conn: Connection, now: datetime | None = None, settings: AssumptionSet | None = None
              ) -> list[dict[str, Any]]:
    """One row per registered source, with ``overdue`` and ``last_success_at``."""
    now = now or datetime.now(UTC)
    factor = (settings or load_set("live-sources")).value("overdue_factor")
    f, t = live_fetches, live_sources
    success = (
        select(f.c.source_id, func.max(f.c.finished_at).label("last_success_at"))
        .where(f.c.outcome != "error")
        .group_by(f.c.source_id)
        .subquery()
    )
    stmt = (
        select(t, success.c.last_success_at)
        .select_from(t.outerjoin(success, success.c.source_id == t.c.id))
        .order_by(t.c.name)
    )
    out = []
    for r in conn.execute(stmt):
        row = dict(r._mapping)
        for k in ("created_at", "last_checked_at", "last_changed_at", "next_check_at", "last_success_at"):
            row[k] = _aware(row[k])
        since = row["last_success_at"] or row["created_at"]
        row["overdue"] = bool(row["enabled"]) and now - since > timedelta(seconds=row["every_seconds"] * factor)
        row["every"] = every_text(int(row["every_seconds"]))
        out.append(row)
    return out


def every_text(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def freshness_table(conn: Connection, now: datetime | None = None) -> ResultTable:
    rows = freshness(conn, now)
    return ResultTable(
        title="Registered sources",
        columns=[
            Column("name", "#meta+name"),
            Column("location", "#meta+url"),
            Column("kind", "#meta+kind"),
            Column("every", "#meta+schedule"),
            Column("enabled", "#status+enabled"),
            Column("last_checked_at", "#date+checked", "last checked"),
            Column("last_changed_at", "#date+changed", "last changed"),
            Column("next_check_at", "#date+next", "next check"),
            Column("last_outcome", "#status+outcome", "last outcome"),
            Column("last_error", "#status+error", "last error"),
            Column("overdue", "#status+overdue"),
        ],
        rows=rows,
        notes=["overdue: no successful check for longer than the source's schedule; its figures may be out of date"],
    )
