"""Page builders: each returns the blocks of one page from the core's answers (no SQL here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from lifeline.api import tables
from lifeline.api.tables import NotAvailable
from lifeline.web import charts
from lifeline.web.panels import Block, unavailable


@dataclass
class View:
    """What a builder needs to know about the request."""

    conn: Connection
    lang: str
    t: Callable[..., str]
    name: Callable[[Any], str]
    params: dict[str, Any]

    @property
    def rtl(self) -> bool:
        return self.lang == "ar"


def guarded(block_id: str, title: str, build: Callable[[], Block]) -> Block:
    """A block, or the plain "not available yet" panel while its model module is absent."""
    try:
        return build()
    except NotAvailable as exc:
        return unavailable(block_id, title, exc)


def deliveries_chart(
    v: View, block_id: str, title: str, by: str, group: str, series: list[str], **filters: Any
) -> Block:
    result = tables.deliveries(v.conn, by=by, group=group, **filters)
    if not result.rows:
        return Block(block_id, title, kind="nodata", table=result)
    fig = charts.lines(result, "period", "consignments", series, title, v.rtl, v.name)
    params = {"by": by, "group": group} | {("from" if k == "date_from" else "to" if k == "date_to" else k): val
                                         for k, val in filters.items()}
    return Block(block_id, title, kind="chart", table=result, figure=fig, api="/api/v1/deliveries", api_params=params)


def overview(v: View) -> list[Block]:
    t = v.t
    blocks = [
        guarded("coverage", t("overview_coverage"), lambda: _overview_coverage(v)),
        guarded("crossings", t("overview_crossings"), lambda: _overview_crossings(v)),
        guarded("alerts", t("overview_alerts"), lambda: _overview_alerts(v)),
    ]
    fresh = tables.freshness(v.conn)
    blocks.append(Block("freshness", t("overview_freshness"), table=fresh, api="/api/v1/sources",
                        kind="table" if fresh.rows else "nodata"))
    blocks.append(deliveries_chart(v, "deliveries", t("overview_deliveries"), "month", "source", ["source"]))
    return blocks


def access(v: View) -> list[Block]:
    t, p = v.t, v.params
    filters = {"date_from": p.get("from"), "date_to": p.get("to"), "source": p.get("source")}
    return [
        guarded("timeline", t("access_timeline"), lambda: _access_timeline(v)),
        deliveries_chart(v, "daily", t("access_daily"), "day", "crossing", ["crossing", "source"], **filters),
        guarded("closures", t("access_closures"), lambda: _access_closures(v)),
    ]


def coverage(v: View) -> list[Block]:
    return [
        guarded("coverage", v.t("coverage_title"), lambda: _coverage(v)),
        guarded("studies", v.t("coverage_studies"), lambda: _studies(v)),
    ]


def sources(v: View) -> list[Block]:
    t, p = v.t, v.params
    blocks = [guarded("compare", t("sources_title"), lambda: _sources_compare(v))]
    blocks.append(deliveries_chart(v, "by_source", t("overview_deliveries"), p.get("by") or "month", "source",
                                   ["source"], date_from=p.get("from"), date_to=p.get("to")))
    blocks.append(guarded("series", t("sources_series"), lambda: _series(v)))
    return blocks


def data(v: View, is_admin: bool) -> list[Block]:
    t = v.t
    ds = tables.datasets(v.conn)
    blocks = [
        Block("datasets", t("data_datasets"), table=ds, api="/api/v1/datasets", kind="table" if ds.rows else "nodata"),
        Block("sources", t("data_sources"), table=tables.sources(v.conn), api="/api/v1/sources"),
        Block("revisions", t("data_revisions"), table=tables.revisions(v.conn), api="/api/v1/revisions"),
        Block("places", t("data_places"), table=tables.locations(v.conn), api="/api/v1/locations"),
    ]
    if is_admin:
        blocks.append(Block("audit", t("data_audit"), table=tables.audit(v.conn), api="/api/v1/audit"))
    return blocks


# -------------------------------------------------------------------------------------------------
# Blocks that need other areas' model modules; each raises NotAvailable while its module is absent.

def _overview_coverage(v: View) -> Block:
    raise NotAvailable("lifeline.model.coverage")


def _overview_crossings(v: View) -> Block:
    raise NotAvailable("lifeline.model.access")


def _overview_alerts(v: View) -> Block:
    raise NotAvailable("lifeline.alerts")


def _access_timeline(v: View) -> Block:
    raise NotAvailable("lifeline.model.access")


def _access_closures(v: View) -> Block:
    raise NotAvailable("lifeline.model.access")


def _coverage(v: View) -> Block:
    raise NotAvailable("lifeline.model.coverage")


def _studies(v: View) -> Block:
    raise NotAvailable("lifeline.model.studies.compare")


def _sources_compare(v: View) -> Block:
    raise NotAvailable("lifeline.model.sources_compare")


def _series(v: View) -> Block:
    raise NotAvailable("lifeline.model.series")


def parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def map_view(v: View) -> list[Block]:
    """The schematic map: governorates coloured by coverage, crossings by status, for one date."""
    from lifeline.formats import Column, ResultTable
    from lifeline.web import mapsvg

    day = v.params.get("date")
    status: dict[str, str] = {}
    coverage_by_area: dict[str, tuple[float | None, float | None]] = {}
    notes: list[str] = []
    sources: list[dict[str, Any]] = []
    try:
        status_table = _status_on(v, day)
        status = {r["crossing"]: r["status"] for r in status_table.rows}
        sources += status_table.sources
    except NotAvailable as exc:
        notes.append(f"crossing status: {exc}")
    try:
        cov = _coverage_on(v, day)
        coverage_by_area = {r["area"]: (r.get("kcal_median"), r.get("requirement")) for r in cov.rows}
        sources += cov.sources
    except NotAvailable as exc:
        notes.append(f"coverage: {exc}")
    rows = []
    for s in mapsvg.shapes():
        value, need = coverage_by_area.get(s.code, (None, None))
        rows.append({
            "code": s.code, "type": s.kind, "name": v.name(s.code), "position": s.position,
            "status": status.get(s.code) if s.kind == "crossing" else None,
            "kcal_median": value if s.kind == "governorate" else None, "lat": s.lat, "lon": s.lon,
            "fill": mapsvg.coverage_colour(value, need) if s.kind == "governorate"
            else charts.STATUS_COLOURS.get(status.get(s.code) or "no data", "#d9d9d9"),
            "shape": s,
        })
    table = ResultTable(
        title=v.t("map_title"),
        columns=[Column("code", "#loc+code"), Column("type", "#loc+type"), Column("position", "#meta+position"),
                 Column("status", "#status"), Column("kcal_median", "#indicator+num+kcal"),
                 Column("lat", "#geo+lat"), Column("lon", "#geo+lon")],
        rows=rows, sources=sources + [{"publisher": "Lifeline", "title": "Schematic map of the Gaza Strip "
                                       "(lifeline/web/geo/gaza-schematic.geojson), built from the coordinates "
                                       "in the project's domain reference"}],
        notes=[v.t("map_schematic")] + notes, query={"date": day},
    )
    return [Block("map", v.t("map_title"), kind="map", table=table, extra={"date": day})]


def _status_on(v: View, day: date | None) -> Any:
    raise NotAvailable("lifeline.model.access")


def _coverage_on(v: View, day: date | None) -> Any:
    raise NotAvailable("lifeline.model.coverage")
