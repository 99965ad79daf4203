"""Blocks about the registered live sources: their freshness on the Data page (last checked, last
changed, next check, last error) and, on the Overview, a warning naming any source overdue by more
than its schedule, so figures that may be out of date never pass unremarked."""

from __future__ import annotations

from dataclasses import replace

from lifeline.ingest.live.freshness import freshness_table
from lifeline.web.panels import Block, View

API = "/api/v1/sources/live"


def live_sources(v: View) -> Block:
    """Every registered live source with its freshness (Data page)."""
    table = freshness_table(v.conn)
    if not table.rows:
        return Block("live-sources", v.t("data_live_sources"), kind="nodata", message=v.t("data_live_sources_none"))
    return Block("live-sources", v.t("data_live_sources"), table=table, api=API)


def overdue(v: View) -> Block | None:
    """The overdue live sources (Overview), or nothing when every source is on schedule."""
    table = freshness_table(v.conn)
    late = [r for r in table.rows if r["overdue"]]
    if not late:
        return None
    names = ", ".join(str(r["name"]) for r in late)
    return Block("overdue", v.t("overview_overdue"), table=replace(table, rows=late), api=API,
                 message=v.t("overview_overdue_text", names=names))
