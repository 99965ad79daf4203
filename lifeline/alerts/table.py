"""Alerts as a cited :class:`ResultTable`, the one shape the CLI, the API and the web pages print."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection

from lifeline.alerts.store import list_alerts
from lifeline.formats import Column, ResultTable

COLUMNS = [
    Column("key", "#meta+id", "key"),
    Column("rule", "#indicator+code+rule"),
    Column("state", "#status"),
    Column("severity", "#severity"),
    Column("place", "#loc+code"),
    Column("period_start", "#date+start", "from"),
    Column("period_end", "#date+end", "to"),
    Column("resolved_on", "#date+resolved", "resolved on"),
    Column("resolution", "#status+resolution", "resolution"),
    Column("title", "#description+title"),
    Column("message", "#description"),
    Column("evidence", "#meta+evidence"),
    Column("sources", "#meta+source"),
]
BRIEF = {"message", "evidence", "sources", "rule", "severity"}  # terminal only; machine formats keep all


def alerts_table(
    conn: Connection,
    state: str | None = None,
    rule: str | None = None,
    place: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    brief: bool = False,
    include_resolved: bool = False,
    context: str | None = None,
) -> ResultTable:
    """Alerts with period, place, evidence and sources, open first; resolved ones only with ``include_resolved``
    (or ``state="resolved"``); ``brief`` drops the long columns for a terminal. ``context``: the alerts of one
    context (default: the store's only one; asked for when there are several)."""
    from lifeline.model.contexts import scope

    sc = scope(conn, context)
    found = [a for a in list_alerts(conn, state, rule, place, date_from, date_to, include_resolved)
             if sc.keeps_alert(a)]
    cited: dict[tuple[Any, ...], dict[str, Any]] = {}
    rows = []
    for a in found:
        srcs = a.get("sources") or []
        for s in srcs:
            cited.setdefault((s.get("publisher"), s.get("title"), s.get("url")), s)
        row = {c.key: a.get(c.key) for c in COLUMNS}
        if brief:
            row["sources"] = "; ".join(", ".join(str(s[k]) for k in ("publisher", "title") if s.get(k)) for s in srcs)
        rows.append(row)
    return ResultTable(
        title="Alerts",
        columns=[c for c in COLUMNS if not (brief and c.key in BRIEF)],
        rows=rows,
        sources=list(cited.values()),
        notes=[
            "'no recorded entries' means the line list holds no entry for those days; it is not a closure",
            "open alerts first; an alert is resolved when its condition has ended (resolved on = its last day) or "
            "it is no longer found, and re-opened if the condition returns"
            + ("" if include_resolved or state else "; resolved alerts are listed on request"),
            *(["full evidence: --format json"] if brief else []),
        ],
        query={"state": state, "rule": rule, "place": place, "from": date_from, "to": date_to,
               "include_resolved": include_resolved},
    )
