"""The audit log: who wrote what, when and through which face. Every write path calls :func:`record`."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from lifeline.store.tables_accounts import audit_log

# The actions recorded while serving one request: a server face sets a fresh list per request, so it can
# tell whether the request's own code audited it already (and audit a refusal itself only if not).
RECORDED: ContextVar[list[str] | None] = ContextVar("lifeline_audit_recorded", default=None)


def record(
    conn: Connection, user_name: str | None, via: str, action: str, target: str | None = None, detail: Any = None
) -> None:
    """Write one audit entry in the caller's transaction, so it commits (or not) with the write itself."""
    recorded = RECORDED.get()
    if recorded is not None:
        recorded.append(action)
    conn.execute(
        insert(audit_log).values(
            at=datetime.now(UTC), user_name=user_name, via=via, action=action, target=target, detail=detail
        )
    )


def recent(conn: Connection, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    stmt = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit).offset(offset)
    return [dict(r._mapping) for r in conn.execute(stmt)]
