"""Page builders: each returns the blocks of one page from the core's answers (no SQL here)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from lifeline import palette
from lifeline.api import tables
from lifeline.errors import UserError
from lifeline.formats import Column, ResultTable
from lifeline.formats.labels import publisher_label
from lifeline.model import truck_basis
from lifeline.model.coverage import DEFAULT_LIST, latest_complete
from lifeline.optional import NotAvailable, need
from lifeline.store import queries_web
from lifeline.web import charts, live_blocks
from lifeline.web.panels import Block, View, unavailable


def guarded(block_id: str, title: str, build: Callable[[], Block]) -> Block:
    """A block; the plain "not available yet" panel while its model module is absent; or, when the model
    says the store lacks what it needs (a UserError), a "no data" panel with its message."""
    try:
        return build()
    except NotAvailable as exc:
        return unavailable(block_id, title, exc)
    except UserError as exc:
        return Block(block_id, title, kind="nodata", message=str(exc))


def deliveries_chart(
    v: View, block_id: str, title: str, by: str, group: str, series: list[str], **filters: Any
) -> Block:
    result = tables.deliveries(v.conn, by=by, group=group, **filters, **v.scoped())
    if not result.rows:
        return Block(block_id, title, kind="nodata", table=result)
    # Crossing x source series crowd one axis: one panel per crossing, each source in its colour.
    fig = charts.lines(result, "period", "consignments", series, title, v.rtl, v.name,
                       y_title=v.t("axis_consignments"), x_title=v.t("axis_" + by),
                       panel="crossing" if "crossing" in series else None, colour_by="source",
                       no_panel=v.t("chart_no_crossing"),
                       partial="completeness", partial_label=v.t("chart_partial"))
    params = {"by": by, "group": group} | {("from" if k == "date_from" else "to" if k == "date_to" else k): val
                                         for k, val in filters.items()}
    return Block(block_id, title, kind="chart", table=result, figure=fig, api="/api/v1/deliveries", api_params=params)


def overview(v: View) -> list[Block]:
    """The message first: the key figures, crossings now, coverage by area, open alerts by rule; the rest below,
    folded (a phone reader scrolls past a summary, not past every table)."""
    t = v.t
    blocks = [
        guarded("keyfigures", t("overview_keyfigures"), lambda: _key_figures(v)),
        guarded("crossings", t("overview_crossings"), lambda: _overview_crossings(v)),
        guarded("coverage", t("overview_coverage"), lambda: _overview_coverage(v)),
        guarded("alerts", t("overview_alerts"), lambda: _overview_alerts(v)),
    ]
    fresh = tables.freshness(v.conn, v.params.get("context"))
    blocks.append(Block("freshness", t("overview_freshness"), table=fresh, api="/api/v1/sources/latest",
                        kind="table" if fresh.rows else "nodata", extra={"folded": True}))
    deliveries = deliveries_chart(v, "deliveries", t("overview_deliveries"), "month", "source", ["source"])
    deliveries.extra["folded"] = True
    blocks.append(deliveries)
    late = live_blocks.overdue(v)
    return ([late] if late else []) + blocks


def _key_figures(v: View) -> Block:
    """The strip of headline figures: the same function (and defaults) as the report's page 1."""
    kf = need("lifeline.model.key_figures")
    params = {"date_from": v.params.get("from"), "date_to": v.params.get("to"),
              "source": v.params.get("source") or COVERAGE_SOURCE}
    if v.params.get("context"):
        params["context"] = v.params["context"]
    result = tables.cached(v.conn, "key_figures", params, lambda: kf.key_figures(v.conn, **params))
    if not result.rows:
        return Block("keyfigures", v.t("overview_keyfigures"), kind="nodata", table=result)
    return Block("keyfigures", v.t("overview_keyfigures"), kind="figures", table=result, show_table=False)


def access(v: View) -> list[Block]:
    t, p = v.t, v.params
    filters = {"date_from": p.get("from"), "date_to": p.get("to"), "source": p.get("source")}
    by = p.get("by") or "day"
    return [
        guarded("timeline", t("access_timeline"), lambda: _access_timeline(v)),
        deliveries_chart(v, "daily", t({"week": "access_weekly", "month": "access_monthly"}.get(by, "access_daily")),
                         by, "crossing", ["crossing", "source"], **filters),
        guarded("throughput", t("access_baseline"), lambda: _access_throughput(v)),
        guarded("closures", t("access_closures"), lambda: _access_closures(v)),
    ]


def coverage(v: View) -> list[Block]:
    blocks = [guarded("coverage", v.t("coverage_title"), lambda: _coverage(v))]
    if _holds_study_lists(v):
        blocks.append(guarded("studies", v.t("coverage_studies"), lambda: _studies(v)))
    return blocks


# The lists the published studies read (Study A: UNRWA's, via its workbook; Study B: COGAT's).
STUDY_LISTS = frozenset({"unrwa", "cogat"})


def _holds_study_lists(v: View) -> bool:
    """Whether the studies block belongs on this page: not in a context whose deliveries come from other
    lists only (the studies are of the lists they read; their 'import COGAT first' is no answer there)."""
    publishers = context_publishers(v)
    return not publishers or any(p.lower() in STUDY_LISTS for p in publishers)


def sources(v: View) -> list[Block]:
    t = v.t
    return [
        guarded("compare", t("sources_title"), lambda: _sources_compare(v)),
        guarded("compare_food", f"{t('sources_title')}: {t('category_food')}",
                lambda: _sources_compare(v, "food", "compare_food")),
        guarded("series", t("sources_series"), lambda: _series(v)),
    ]


def data(v: View, is_admin: bool) -> list[Block]:
    """Datasets, their versions and what each revised, sources, revisions and places; with ``?context=`` only
    the context's (datasets whose rows name its places, the sources they cite, their revisions)."""
    t = v.t
    versions_of = need("lifeline.model.dataset_versions")
    shown = versions_of.datasets_in(v.conn, v.params.get("context"))
    ds = _kept(tables.datasets(v.conn), "id", shown)
    versions = _kept(tables.cached(v.conn, "versions", {}, lambda: versions_of.versions(v.conn)), "id", shown)
    source_ids = None
    if shown is not None:
        from lifeline.store.queries_datasets import dataset_sources

        source_ids = {s for d, s in dataset_sources(v.conn).items() if d in shown}
    revisions = _kept(tables.revisions(v.conn), "dataset_id", shown)
    blocks = [
        Block("datasets", t("data_datasets"), table=ds, api="/api/v1/datasets", kind="table" if ds.rows else "nodata"),
        Block("versions", t("data_versions"), table=versions, kind="table" if versions.rows else "nodata",
              message=None if any(r["version"] > 1 for r in versions.rows) else t("data_versions_none")),
        Block("sources", t("data_sources"), table=_kept(tables.sources(v.conn), "id", source_ids),
              api="/api/v1/sources"),
        Block("revisions", t("data_revisions"), table=revisions, api="/api/v1/revisions"),
        live_blocks.live_sources(v),
        Block("places", t("data_places"), table=tables.locations(v.conn, None, v.params.get("context")),
              api="/api/v1/locations"),
    ]
    if is_admin:
        blocks.append(Block("audit", t("data_audit"), table=tables.audit(v.conn), api="/api/v1/audit"))
    return blocks


def _kept(table: ResultTable, key: str, ids: set[int] | None) -> ResultTable:
    """The rows of ``table`` whose ``key`` is one of ``ids`` (every row when ``ids`` is None), and only the
    citations (publisher and title) its kept rows name."""
    if ids is None:
        return table
    rows = [r for r in table.rows if r.get(key) in ids]
    named = {(r.get("publisher"), r.get("title")) for r in rows}
    sources = [c for c in table.sources if (c.get("publisher"), c.get("title")) in named]
    return ResultTable(table.title, table.columns, rows, sources, table.notes, table.query)


# -------------------------------------------------------------------------------------------------
# Blocks that need other areas' model modules; each raises NotAvailable while its module is absent.

COVERAGE_SET = "sphere-2100"
# Pages count one source at a time: UNRWA and COGAT record the same trucks, so adding them double counts.
# UNRWA is the default as the list Study A uses; the Source filter switches to COGAT.
COVERAGE_SOURCE = DEFAULT_LIST  # the coverage default where the context holds it (model/coverage.py)


def page_source(v: View) -> str | None:
    """The list a page counts: the one asked for, else the coverage default (``model.coverage.default_list``,
    the sitrep's too): UNRWA where the context holds it, else the context's one list, else none."""
    if v.params.get("source"):
        return str(v.params["source"])
    from lifeline.model.coverage import default_list

    return default_list(context_publishers(v))


def context_publishers(v: View) -> list[str] | None:
    """The publishers of the page's context (None when the store holds several and none is named)."""
    try:
        return tables.context_publishers(v.conn, v.params.get("context"))
    except UserError:
        return None


def _coverage_table(v: View, by: str = "month", **extra: Any) -> ResultTable:
    params = {"by": by, "date_from": v.params.get("from"), "date_to": v.params.get("to"),
              "source": page_source(v),
              "assumptions": tables.coverage_set(v.params.get("set"))} | v.scoped() | extra
    return tables.coverage(v.conn, **params)


def _timeline(v: View, **params: Any) -> ResultTable:
    acc = need("lifeline.model.access")
    # The page's window (none asked: the model's own default) unless the block asks for its own days.
    params = {key: v.params[name] for key, name in (("date_from", "from"), ("date_to", "to"))
              if v.params.get(name) is not None} | v.scoped() | params
    return tables.cached(v.conn, "timeline", params, lambda: acc.timeline(v.conn, **params))


def _overview_coverage(v: View) -> Block:
    result = _coverage_table(v, "month")
    if not result.rows:
        return Block("coverage", v.t("overview_coverage"), kind="nodata", table=result)
    # A partial period (cut by the list's first or last day) is never the "latest period" headline.
    latest = latest_complete(result.rows) or max(str(r["period"]) for r in result.rows)
    rows = [r for r in result.rows if str(r["period"]) == latest]
    trend = _coverage_trend([r for r in result.rows if str(r["period"]) <= latest], latest)
    shown = ResultTable(
        title=f"{result.title}: latest period ({latest})",
        columns=[c for c in result.columns if c.key in (
            "area", "kcal_pp", "kcal_pp_low", "kcal_pp_high", "requirement", "coverage", "days_below", "flag")]
        + [Column("trend", "#indicator+trend", "trend vs previous")],
        rows=[r | {"trend": trend.get(r["area"])} for r in rows],
        sources=result.sources, notes=result.notes, query=result.query,
    )
    fig = charts.band(result, "period", "kcal_pp", [("kcal_pp_low", "kcal_pp_high", v.t("coverage_band95"))], "area",
                      v.t("coverage_title"), v.rtl, v.name, "requirement", v.t("coverage_requirement"), cap="cap",
                      cap_label=v.t("chart_cap"), y_title=v.t("axis_kcal_pp"), partial="completeness",
                      partial_label=v.t("chart_partial"), kcal=v.t("unit_kcal"))
    return Block("coverage", v.t("overview_coverage"), kind="chart", table=shown, figure=fig,
                 api="/api/v1/coverage", api_params={"by": "month", "source": page_source(v)}, extra={"open": True})


def _coverage_trend(rows: list[dict[str, Any]], latest: str) -> dict[str, str]:
    """Change of the median against the previous period, as a signed percentage (none when either is n/a).
    Sorted by period alone: a period's figure may be n/a (None), which does not compare with a number."""
    out: dict[str, str] = {}
    for area in {r["area"] for r in rows}:
        series = sorted(((str(r["period"]), r["kcal_pp"]) for r in rows if r["area"] == area), key=lambda p: p[0])
        if len(series) >= 2 and series[-1][0] == latest and series[-2][1] and series[-1][1] is not None:
            change = series[-1][1] / series[-2][1] - 1.0
            out[area] = f"{change:+.0%}"
    return out


# What a reader needs to judge a status shown as current: its label (status and basis), the date of the report
# or entries it rests on, its age on the day shown, until when a report stands, and both sides of a dispute.
STATUS_COLUMNS = ("status_label", "basis_date", "age_days", "valid_until", "disputed_by", "status_source")
# The Overview keeps what reads on a phone: the status with its basis, date, age, validity and dispute; the
# status source (a long citation) is in the download and the sources list.
OVERVIEW_STATUS_COLUMNS = ("status_label", "basis_date", "age_days", "valid_until", "disputed_by")


def _overview_crossings(v: View) -> Block:
    result = _timeline(v)
    rows = sorted(_latest_by_crossing(result.rows).values(), key=lambda r: str(r["crossing"]))
    titles = {c.key: c for c in result.columns}
    table = ResultTable(
        title="Crossing status on the last day with data",
        columns=[Column("crossing", "#loc+code+crossing"), Column("period", "#date", "day")]
        + [titles[k] for k in OVERVIEW_STATUS_COLUMNS if k in titles],
        rows=rows, sources=result.sources, notes=result.notes[:3], query=result.query,
    )
    return Block("crossings", v.t("overview_crossings"), table=table, api="/api/v1/access",
                 kind="table" if rows else "nodata")


def _overview_alerts(v: View) -> Block:
    """Open alerts grouped by rule, newest first; a sentence every alert repeats (the shared disclaimer) is
    shown once under the list, one every alert of a rule repeats once under that rule."""
    store = need("lifeline.alerts.store")
    with_resolved = v.params.get("alerts") == "all"  # ?alerts=all lists the resolved ones after the open ones
    scope = tables.context_scope(v.conn, v.params.get("context"))
    every = [a for a in store.list_alerts(v.conn, include_resolved=True) if scope.keeps_alert(a)]
    still = [r for r in every if r.get("state") != "resolved"]
    resolved = len(every) - len(still)
    rows = still + ([r for r in every if r.get("state") == "resolved"] if with_resolved else [])
    table = tables.alerts_table(rows)
    table.notes = ["alerts are evaluated after every import from the rules in alerts.toml"]
    shared_all = _common_sentences([str(r.get("message") or "") for r in rows])
    groups = []
    for rule in dict.fromkeys(str(r.get("rule")) for r in rows):
        of_rule = [r for r in rows if str(r.get("rule")) == rule]
        shared = [s for s in _common_sentences([str(r.get("message") or "") for r in of_rule]) if s not in shared_all]
        groups.append({
            "rule": rule, "severity": of_rule[0].get("severity"), "shared": " ".join(shared),
            "rows": [r | {"shown": " ".join(s for s in _sentences(str(r.get("message") or ""))
                                            if s not in shared and s not in shared_all)} for r in of_rule],
        })
    return Block("alerts", v.t("overview_alerts"), table=table, api="/api/v1/alerts",
                 api_params={"include_resolved": "true" if with_resolved else None},
                 kind="alertgroups" if every else "nodata",
                 extra={"groups": groups, "disclaimer": " ".join(shared_all) if len(rows) > 1 else ""},
                 message=(v.t("alerts_tally", open=len(still), resolved=resolved)
                          + ("" if with_resolved else " " + v.t("alerts_not_listed")) if every else "—"))


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;])\s+(?=[A-Z(])", text) if s.strip()]


def _common_sentences(messages: list[str]) -> list[str]:
    """The sentences found in every message (in the first message's order); none for a single message."""
    if len(messages) < 2:
        return []
    split = [_sentences(m) for m in messages]
    rest = [set(s) for s in split[1:]]
    return [s for s in split[0] if all(s in r for r in rest)]


def _access_timeline(v: View) -> Block:
    p = v.params
    result = _timeline(v, date_from=p.get("from"), date_to=p.get("to"))
    if not result.rows:
        return Block("timeline", v.t("access_timeline"), kind="nodata", table=result)
    labels = {s: v.t(key) for s, key in charts.STATUS_KEYS.items()}
    fig = charts.status_timeline(result, "period", "crossing", "status", v.t("access_timeline"), v.rtl, v.name, labels,
                                 words=v.t, label_of=v.prose)
    return Block("timeline", v.t("access_timeline"), kind="chart", table=result, figure=fig, show_table=False,
                 api="/api/v1/access", api_params={"from": p.get("from"), "to": p.get("to")})


def _access_throughput(v: View) -> Block:
    acc = need("lifeline.model.access")
    p = v.params
    params = {"date_from": p.get("from"), "date_to": p.get("to"), "by": p.get("by") or "month"} | v.scoped()
    result = tables.cached(v.conn, "throughput", params, lambda: acc.throughput(v.conn, **params))
    flags = truck_basis.notes({r.get("source") for r in result.rows},
                              max((str(r["period"]) for r in result.rows), default=None))
    if flags:  # UNRWA trucks after 6 May 2024 are rows, not truckloads: say so next to the chart
        result = ResultTable(result.title, result.columns, result.rows, result.sources,
                             [*result.notes, *[n for n in flags if n not in result.notes]], result.query)
    fig = charts.lines(result, "period", "trucks_per_day", ["source"], v.t("access_baseline"), v.rtl, v.name,
                       extra_traces=_reference_levels(result.rows, v.t), y_title=v.t("axis_trucks_per_day"),
                       x_title=v.t(f"axis_{params['by']}"), partial="completeness",
                       partial_label=v.t("chart_partial"))
    return Block("throughput", v.t("access_baseline"), kind="chart", table=result, figure=fig,
                 api="/api/v1/access/throughput", api_params={"from": p.get("from"), "to": p.get("to")})


REFERENCE_LEVELS = (("prewar_trucks_per_day", "chart_prewar", palette.REFERENCE_COLOURS["prewar"], None),
                    ("stated_need", "chart_stated_need", palette.REFERENCE_COLOURS["need"], "need_source"))


def _reference_levels(rows: list[dict[str, Any]], t: Callable[..., str] | None = None) -> list[dict[str, Any]]:
    """The pre-war baseline and the stated need as stepped dashed lines with their unit; a period where no
    stated need stands is a gap in the line (a need is never carried beyond the period it stands for)."""
    periods = sorted({str(r["period"]) for r in rows})
    out = []
    for key, label_key, colour, why in REFERENCE_LEVELS:
        label = t(label_key) if t else {"chart_prewar": "pre-war level (trucks/day)",
                                        "chart_stated_need": "stated need (trucks/day)"}[label_key]
        by_period = {str(r["period"]): r for r in rows if r.get(key) is not None}
        if not by_period:
            continue
        out.append({"type": "scatter", "mode": "lines", "name": label, "x": periods,
                    "y": [by_period[p][key] if p in by_period else None for p in periods],
                    "text": [charts.text(by_period[p].get(why) or "") if why and p in by_period else ""
                             for p in periods],
                    "connectgaps": False, "line": {"dash": "dash", "color": colour, "shape": "hv"}})
    return out


def _access_closures(v: View) -> Block:
    acc = need("lifeline.model.access")
    p = v.params
    params = {"date_from": p.get("from"), "date_to": p.get("to")} | v.scoped()
    result = tables.cached(v.conn, "closures", params, lambda: acc.closures(v.conn, **params))
    return Block("closures", v.t("access_closures"), table=result, api="/api/v1/access/closures",
                 api_params={"from": p.get("from"), "to": p.get("to")}, kind="table" if result.rows else "nodata",
                 message=None if result.rows else v.t("access_no_closures"))


def _coverage(v: View) -> Block:
    by = v.params.get("by") or "week"
    result = _coverage_table(v, by)
    if not result.rows:
        return Block("coverage", v.t("coverage_title"), kind="nodata", table=result)
    keys = {c.key for c in result.columns}
    bands = [("kcal_pp_low", "kcal_pp_high", v.t("coverage_band95"))]
    if {"kcal_pp_low80", "kcal_pp_high80"} <= keys:  # drawn after the 95 % band, so on top of it
        bands.append(("kcal_pp_low80", "kcal_pp_high80", v.t("coverage_band80")))
    fig = charts.band(result, "period", "kcal_pp", bands, "area", v.t("coverage_title"), v.rtl, v.name,
                      "requirement", v.t("coverage_requirement"), cap="cap", cap_label=v.t("chart_cap"),
                      y_title=v.t("axis_kcal_pp"), partial="completeness", partial_label=v.t("chart_partial"),
                      kcal=v.t("unit_kcal"))
    _mark_partial_monitoring(fig, result, v)
    p = v.params
    return Block("coverage", v.t("coverage_title"), kind="chart", table=result, figure=fig, api="/api/v1/coverage",
                 api_params={"by": by, "from": p.get("from"), "to": p.get("to"),
                             "source": page_source(v),
                             "set": p.get("set")})


def _mark_partial_monitoring(fig: dict[str, Any], result: ResultTable, v: View) -> None:
    """Shade the periods inside a source's declared partial-monitoring period (e.g. UNRWA from 6 May 2024),
    named on the chart: a lower figure there reflects monitoring as well as supply."""
    marked = sorted(str(r["period"]) for r in result.rows if r.get("monitoring"))
    if not marked:
        return
    ends = {str(r["period"]): str(r.get("period_end") or r["period"]) for r in result.rows}
    label = v.prose(str(next(r["monitoring"] for r in result.rows if r.get("monitoring"))))
    fig["layout"]["shapes"] = [*fig["layout"].get("shapes", []), {
        "type": "rect", "xref": "x", "yref": "paper", "x0": marked[0], "x1": ends[marked[-1]], "y0": 0, "y1": 1,
        "fillcolor": "rgba(0,0,0,0.06)", "line": {"width": 0}, "layer": "below"}]
    # Named at the foot of the shaded span, from its end leftwards on two lines: a label reaching right of the
    # data would stretch the time axis (Plotly fits annotations in its range) and the top holds the cap's label.
    fig["layout"]["annotations"] = [*fig["layout"].get("annotations", []), {
        "text": charts._two_lines(charts.text(label), 24),
        "xref": "x", "x": ends[marked[-1]], "xanchor": "right", "yref": "paper", "y": 0, "yanchor": "bottom",
        "align": "right", "showarrow": False, "font": {"size": 11, "color": "#444"},
        "bgcolor": "rgba(255,255,255,0.7)"}]


def _studies(v: View) -> Block:
    result = tables.studies(v.conn, "compare" if v.workbook else "fliss-isakov-2025", v.workbook)
    return Block("studies", v.t("coverage_studies"), table=result, api="/api/v1/studies",
                 api_params={"study": "compare" if v.workbook else "fliss-isakov-2025"})


def _sources_compare(v: View, category: str = "all", block_id: str = "compare") -> Block:
    sc = need("lifeline.model.sources_compare")
    p = v.params
    by = p.get("by") or "month"
    params = {"by": "week" if by == "day" else by, "date_from": p.get("from"), "date_to": p.get("to"),
              "category": category} | v.scoped()
    result = tables.cached(v.conn, "compare", params, lambda: sc.comparison(v.conn, **params))
    title = v.t("sources_title") + ("" if category == "all" else f": {v.t('category_' + category)}")
    periods = [r for r in result.rows if r["period"] != "total"]
    if not periods:
        return Block(block_id, title, kind="nodata", table=result)
    publishers = [c.key for c in result.columns if c.key not in ("period", "flag") and not c.key.startswith("ratio_")]
    traces: list[dict[str, Any]] = []
    for pub in publishers:
        traces.append({"type": "bar", "name": charts.text(pub), "x": [str(r["period"]) for r in periods],
                       "y": [r.get(pub) for r in periods], "marker": {"color": palette.colour(pub)}})
    for pub in [c.key for c in result.columns if c.key.startswith("ratio_")]:
        traces.append({"type": "scatter", "mode": "lines+markers", "name": charts.text(f"{pub[6:]} / UNRWA"),
                       "yaxis": "y2", "connectgaps": False,
                       "x": [str(r["period"]) for r in periods], "y": [r.get(pub) for r in periods],
                       "line": {"color": palette.OKABE_ITO["black"], "dash": "dot"}})
    layout = charts._layout(title, v.rtl, v.t("axis_consignments"), v.t(f"axis_{params['by']}"), barmode="group")
    # The ratio's axis sits opposite the counts', its title outside its tick labels (automargin keeps both clear).
    layout["yaxis2"] = {"overlaying": "y", "side": "left" if v.rtl else "right", "rangemode": "tozero",
                        "title": {"text": v.t("sources_ratio"), "standoff": 10}, "showgrid": False, "automargin": True,
                        "tickformat": ".1f", "ticklabelposition": "inside"}  # its title never sits on its ticks
    layout["margin"] = {"l": 80, "r": 80, "t": 40, "b": 40}
    return Block(block_id, title, kind="chart", table=result, figure={"data": traces, "layout": layout},
                 api="/api/v1/sources/compare", extra={"open": category == "all"},
                 api_params={"by": params["by"], "from": p.get("from"), "to": p.get("to"), "category": category})


SERIES_SHOWN = ("population", "displaced", "trucks_per_day")


def _series(v: View) -> Block:
    series = need("lifeline.model.series")
    queries_access = need("lifeline.store.queries_access")
    sc = tables.context_scope(v.conn, v.params.get("context"))
    # the picker offers the context's own indicators (beside others, those observed at its places)
    members = sc.context.members if sc.deliveries is not None and sc.context is not None else None
    held = [r["indicator"] for r in queries_access.indicators(v.conn, locations=members)]
    if not held:
        return Block("series", v.t("sources_series"), kind="nodata")
    default = next((i for i in SERIES_SHOWN if i in held), held[0])
    indicator = v.params.get("indicator") if v.params.get("indicator") in held else default
    result = tables.cached(v.conn, "series", {"indicator": indicator} | v.scoped(),
                           lambda: series.series_table(v.conn, indicator, None, v.params.get("context")))
    return Block("series", v.t("sources_series"), table=result, api="/api/v1/series",
                 api_params={"indicator": indicator},
                 # the per-source notes are long: the downloads carry them, the page keeps rows readable
                 extra={"indicators": held, "indicator": indicator, "hide": ["note"]})


def parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def map_view(v: View) -> list[Block]:
    """The context's map: its areas (imported boundaries, else Gaza's schematic) coloured by coverage, its
    entry points by status, for one date; areas without an outline are listed below the drawing."""
    from lifeline.formats import Column, ResultTable
    from lifeline.geo import drawing
    from lifeline.web import mapsvg

    day = v.params.get("date")
    status: dict[str, dict[str, Any]] = {}
    coverage_by_area: dict[str, tuple[float | None, float | None]] = {}
    notes: list[str] = []
    sources: list[dict[str, Any]] = []
    try:
        status_table = _status_on(v, day)
        status = {r["crossing"]: r for r in status_table.rows}
        sources += status_table.sources
    except (NotAvailable, UserError) as exc:
        notes.append(f"crossing status: {exc}")
    listed, lists = page_source(v), context_publishers(v) or []
    if listed is None:  # several lists, none named: one colour per area cannot show two lists, never summed
        notes.append(f"coverage: {len(lists)} line lists cover this context ({'; '.join(lists)}); the map shows "
                     "one at a time, as the coverage page computes each on its own: name one in the Source filter")
    else:
        try:
            cov = _coverage_on(v, day)
            coverage_by_area = {r["area"]: (r.get("kcal_median"), r.get("requirement")) for r in cov.rows}
            sources += cov.sources
            shown = sorted({str(r["source"]) for r in cov.rows if r.get("source")}) or [listed]
            notes.append(f"coverage from the line list of {'; '.join(shown)}"
                         + (f" (one of {len(lists)} lists of this context; pick another in the Source filter)"
                            if len(lists) > 1 else ""))
        except (NotAvailable, UserError) as exc:
            notes.append(f"coverage: {exc}")
    parents = {r["code"]: r["parent_code"] for r in queries_web.locations(v.conn)}
    ctx = tables.context_scope(v.conn, v.params.get("context")).context
    drawn = drawing.drawing(v.conn, ctx, mapsvg.WIDTH, mapsvg.HEIGHT, mapsvg.PAD)
    rows = [_map_area_row(v, code, drawn, ctx, coverage_by_area, parents) for code in _map_areas(drawn, ctx)]
    rows += [_map_point_row(v, code, drawn, ctx, status) for code in _map_points(drawn, ctx)]
    basis_note = {"schematic": [v.t("map_schematic")],
                  "boundaries": [f"boundaries of admin level {drawn.level}, as imported, simplified for display"]}
    # Gaza's schematic keeps its title (governorates and crossings); a context's own map is titled by its name.
    title = v.t("map_title") if ctx is None or drawn.basis == "schematic" else v.t(
        "map_title_of", place=(ctx.name_ar if v.lang == "ar" else None) or ctx.name_en)
    table = ResultTable(
        title=title,
        columns=[Column("code", "#loc+code"), Column("type", "#loc+type"), Column("position", "#meta+position"),
                 Column("status_label", "#status+label", "status (basis)"),
                 Column("age_days", "#indicator+num+age+days", "age (days)"),
                 Column("kcal_median", "#indicator+num+kcal", "kcal/person/day (median)"),
                 Column("coverage_area", "#adm1+code+model", "coverage of area"),
                 Column("lat", "#geo+lat"), Column("lon", "#geo+lon")],
        rows=rows, sources=sources + drawn.sources,
        notes=basis_note.get(drawn.basis, []) + drawn.notes + notes, query={"date": day},
    )
    return [Block("map", title, kind="map", table=table,
                  extra={"date": day, "status_colours": palette.STATUS_COLOURS, "status_keys": charts.STATUS_KEYS,
                         "width": f"{drawn.width:.0f}", "height": f"{drawn.height:.0f}", "basis": drawn.basis,
                         "source_hint": ", ".join(publisher_label(p) for p in lists)})]


def _map_areas(drawn: Any, ctx: Any) -> list[str]:
    """The areas the map lists: those drawn, then the context's others at the drawn level (its first level
    when nothing is outlined), so a context without boundaries still has its areas listed."""
    from lifeline.geo.boundaries import depth

    codes = [a.code for a in drawn.areas]
    if ctx is None or drawn.basis == "schematic":
        return codes
    level = drawn.level or 1
    return codes + [c for c in ctx.areas if c != ctx.code and c not in codes and depth(c, ctx) == level]


def _map_points(drawn: Any, ctx: Any) -> list[str]:
    codes = [p.code for p in drawn.points]
    if ctx is not None:
        codes += [c for c in ctx.entry_points if c not in codes]
    return codes


def _map_area_row(v: View, code: str, drawn: Any, ctx: Any, coverage_by_area: dict[str, Any],
                  parents: dict[str, str | None]) -> dict[str, Any]:
    from lifeline.web import mapsvg

    area = _covering_area(code, coverage_by_area, parents)
    value, need = coverage_by_area.get(area, (None, None)) if area else (None, None)
    kind = ctx.places[code].type if ctx is not None and code in ctx.places else "governorate"
    outline = drawn.area(code)
    return {"code": code, "type": kind, "layer": "area", "name": v.name(code),
            "position": "schematic" if drawn.basis == "schematic" else ("boundary" if outline else "no outline"),
            **_map_status(None, False), "kcal_median": value, "coverage_area": area, "lat": None, "lon": None,
            "fill": mapsvg.coverage_colour(value, need), "shape": outline}


def _map_point_row(v: View, code: str, drawn: Any, ctx: Any, status: dict[str, Any]) -> dict[str, Any]:
    point = drawn.point(code)
    kind = ctx.places[code].type if ctx is not None and code in ctx.places else "crossing"
    return {"code": code, "type": kind, "layer": "point", "name": v.name(code),
            "position": point.position if point else "no coordinates",
            **_map_status(status.get(code), True), "kcal_median": None, "coverage_area": None,
            "lat": point.lat if point else None, "lon": point.lon if point else None,
            "fill": palette.status_colour(status.get(code) or {}), "shape": point}


def _covering_area(code: str, coverage: dict[str, Any], parents: dict[str, str | None]) -> str | None:
    """The area whose coverage stands for a governorate: itself, else the nearest ancestor the model
    reports (e.g. the whole strip when deliveries carry no destination)."""
    seen: set[str] = set()
    current: str | None = code
    while current and current not in seen:
        if current in coverage:
            return current
        seen.add(current)
        current = parents.get(current)
    return "gaza-strip" if "gaza-strip" in coverage else None


def _map_status(row: dict[str, Any] | None, is_crossing: bool) -> dict[str, Any]:
    """A crossing's status on the map: category (for the colour and legend), label with basis, and age."""
    if not is_crossing:
        return {"status": None, "status_category": None, "status_label": None, "age_days": None, "status_hover": None}
    row = row or {}
    return {"status": row.get("status") or "no data", "status_category": palette.status_category(row),
            "status_label": row.get("status_label") or "no data", "age_days": row.get("age_days"),
            "status_hover": charts.status_hover(row) if row else "no data"}


def _latest_by_crossing(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["level"] == "crossing" and (r["crossing"] not in latest or r["period"] > latest[r["crossing"]]["period"]):
            latest[r["crossing"]] = r
    return latest


def _status_on(v: View, day: date | None) -> ResultTable:
    """Each crossing's status on ``day`` (default: the last day with data), with its basis and age."""
    result = _timeline(v, date_from=day, date_to=day) if day else _timeline(v)
    rows = list(_latest_by_crossing(result.rows).values())
    return ResultTable(result.title, result.columns, rows, result.sources, result.notes)


def _coverage_on(v: View, day: date | None) -> ResultTable:
    """Coverage per area for the month containing ``day`` (default: the latest month)."""
    result = _coverage_table(v, "month")
    periods = sorted({str(r["period"]) for r in result.rows})
    if not periods:
        return result
    chosen = periods[-1] if day is None else max([p for p in periods if p <= day.isoformat()] or periods[:1])
    rows = [r | {"kcal_median": r["kcal_pp"]} for r in result.rows if str(r["period"]) == chosen]
    return ResultTable(result.title, result.columns, rows, result.sources, result.notes)


def warm(engine: Any, workbook: str | None) -> tuple[int, ...] | None:
    """Build every page's default answers, so the answer cache holds them before the first visitor (at
    start-up, and again after each change of the data); returns the data version they were built at."""
    from lifeline.i18n import wording as i18n

    t = i18n.translator("en")
    pin = tables.Pin(fresh=True)
    token = tables.PIN.set(pin)
    try:
        with engine.connect() as conn:
            # no window, as the pages ask without one (each model takes its own default), so the keys match
            v = View(conn, "en", t, str, {"from": None, "to": None}, workbook)
            for build in WARMED:
                build(v)
    finally:
        tables.PIN.reset(token)
    return pin.version


# The pages whose default answers warm() computes: these may be shown at the previous data version, whole,
# while the new version's are computed (tables.AnswerCache).
WARMED = (overview, access, coverage, sources, map_view)
