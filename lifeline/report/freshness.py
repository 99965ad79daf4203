"""The report's freshness and as-of parts: every registered live source's last check, last change,
next check and last error in the appendix, overdue sources flagged at the top, and the moment the
report's figures were answered as of (:mod:`lifeline.store.as_of`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from lifeline.ingest.live.freshness import freshness
from lifeline.report.document import Report, Table
from lifeline.store import as_of


def _when(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC") if t is not None else "–"


def add_freshness(conn: Connection, report: Report, t: Any) -> None:
    """Append the live-source freshness table to the appendix and flag overdue sources; state the as-of."""
    at = as_of.current()
    if at is not None:
        report.as_of = as_of.label(at)
        report.flags.append(t("as_of_flag").format(at=report.as_of))
    rows = freshness(conn)
    if not rows:
        return
    overdue = [r["name"] for r in rows if r["overdue"]]
    if overdue:
        report.flags.append(t("overdue_flag").format(names=", ".join(overdue)))
        report.key_figures.append({"label": t("overdue_sources"), "value": ", ".join(overdue), "refs": []})
    report.appendix.tables.append(
        Table(
            t("freshness"),
            ["source", "location", "every", "last checked", "last changed", "next check", "last error", "overdue"],
            [
                [r["name"], r["location"], r["every"], _when(r["last_checked_at"]), _when(r["last_changed_at"]),
                 _when(r["next_check_at"]), r["last_error"] or "", t("yes") if r["overdue"] else t("no")]
                for r in rows
            ],
            notes=[t("overdue_note")],
        )
    )
