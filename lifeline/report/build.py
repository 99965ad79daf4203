"""Gather a situation report from the core: figures, charts and tables, each tied to numbered sources.

Every number the report prints comes from a core function (deliveries, coverage, access timeline,
sources comparison, alerts, claims) and carries the reference numbers of the files behind it; the
appendix lists the assumptions used with their sources. Nothing here computes a figure of its own
beyond sums and ratios of what those functions return.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection

from lifeline import palette
from lifeline.alerts.config import load_config
from lifeline.alerts.store import list_alerts
from lifeline.assumptions import AssumptionSet, load_set
from lifeline.errors import UserError
from lifeline.formats import ResultTable
from lifeline.model import contexts, truck_basis
from lifeline.model.montecarlo import DEFAULT_RUNS
from lifeline.report import periods, svg
from lifeline.report.document import Citations, Report, Section, Table
from lifeline.report.freshness import add_freshness
from lifeline.report.i18n import heading, prose, rule_name, translator, unit_text
from lifeline.report.mapsvg import basis_of, crossings_map, drawn
from lifeline.store import queries_alerts as q

YES_NO = {"en": ("yes", "no"), "ar": ("نعم", "لا")}


def fmt(v: Any, nd: int = 0, lang: str = "en") -> str:
    """Numbers with separators; booleans as words; missing stays visibly missing."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    if isinstance(v, bool):
        return YES_NO[lang][0 if v else 1]
    if isinstance(v, (int, float)):
        return f"{v:,.{nd}f}"
    return str(v)


def _pct(v: float | None) -> str:
    return "–" if v is None or not math.isfinite(v) else f"{100 * v:.0f} %"


def _table(
    result: ResultTable,
    keys: Sequence[str],
    cites: Citations,
    title: str | None = None,
    digits: dict[str, int] | None = None,
    name: Any = None,
    lang: str = "en",
    suffix: dict[str, str] | None = None,
) -> Table:
    """A ResultTable reduced to the columns a reader needs, values formatted (place codes as names, booleans as
    words, the core's words and notes in the report's language), sources numbered."""
    digits = digits or {}
    labels = {c.key: c.title for c in result.columns}
    keep = [k for k in keys if k in labels]
    named = {"crossing", "area", "place"} if name else set()
    rows = [
        [name(r.get(k)) if k in named and r.get(k) is not None
         else _word(r.get(k), digits.get(k, 0), lang) for k in keep]
        for r in result.rows
    ]
    suffix = suffix or {}
    columns = [heading(lang, k, labels[k]) + suffix.get(k, "") for k in keep]
    return Table(title or prose(lang, result.title), columns, rows, cites.many(result.sources),
                 [prose(lang, n) for n in result.notes])


def _word(v: Any, nd: int, lang: str) -> str:
    """A cell: numbers and booleans by :func:`fmt`, the core's text (a status, a completeness mark) through the
    web's prose table; text it does not know (a publisher, a date) stays as it is."""
    return prose(lang, v) if isinstance(v, str) else fmt(v, nd, lang)


# Days of each week in each status, a reported opening apart from one inferred from recorded entries.
TIMELINE_DAY_COUNTS = ("days_open_reported", "days_open_entries", "days_restricted", "days_closed", "days_disputed",
                       "days_unknown", "days_no_data")


def _not_covered_as_na(table: Table, result: ResultTable, keys: Sequence[str], t: Any, lang: str) -> Table:
    """Cells of ``keys`` a source does not cover (``not_covered`` names it) read "n/a", never "–" or 0, and the
    reasons go into the notes once each."""
    labels = {c.key: c.title for c in result.columns}
    at = {k: table.columns.index(labels[k]) for k in keys if k in labels and labels[k] in table.columns}
    reasons: list[str] = []
    for cells, row in zip(table.rows, result.rows, strict=True):
        for key, i in at.items():
            publisher = key.rsplit("_", 1)[0]
            why = (row.get("sources") or {}).get(publisher, {}).get("reason")
            if row.get(key) is None and why:
                cells[i] = t("n_a")
                if f"{publisher}: {prose(lang, why)}" not in reasons:
                    reasons.append(f"{publisher}: {prose(lang, why)}")
    if reasons:
        table.notes.append(t("n_not_covered").format(reasons=("؛ " if lang == "ar" else "; ").join(reasons)))
    return table


def default_window(conn: Connection, scope: contexts.Scope | None = None) -> tuple[date, date]:
    """The 30 days ending on the newest recorded delivery (of the context)."""
    daily = q.daily_deliveries(conn, scope=scope.deliveries if scope else None)
    if daily.is_empty():
        raise UserError("the store holds no deliveries: import a line list first (`lifeline import FILE`)")
    end: date = daily["date"].max()  # type: ignore[assignment]
    return end - timedelta(days=29), end


def build(
    conn: Connection,
    date_from: date | None = None,
    date_to: date | None = None,
    area: str | None = None,
    lang: str = "en",
    source: str | None = None,
    runs: int = DEFAULT_RUNS,  # the coverage engine's default, so the report's intervals are the CLI's
    claims: Sequence[Path] = (),
    overrides: Sequence[Path] = (),
    context: str | None = None,
) -> Report:
    """Assemble the report for a period (default: the last 30 days of data) about one context (default: the
    store's only one); ``overrides`` are TOML files merged over the coverage assumption set (population by
    area, requirement...), listed in the appendix."""
    t = translator(lang)
    sc = contexts.scope(conn, context)
    context = sc.code
    # the list named as `deliveries --source` accepts it (unknown: refused), else the coverage page's default
    from lifeline.model.coverage import DEFAULT_LIST, context_lists, default_list, named_list

    source = named_list(conn, context, source) if source else default_list(context_lists(conn, context)) or DEFAULT_LIST
    if date_from is None or date_to is None:
        d0, d1 = default_window(conn, sc)
        date_from, date_to = date_from or d0, date_to or d1
    if date_to < date_from:
        raise UserError(f"--to ({date_to}) is before --from ({date_from})")
    cites = Citations()
    key: list[dict[str, Any]] = []
    name = _namer(conn, lang)

    # --- Deliveries by source, from the line lists.
    daily = q.daily_deliveries(conn, date_from, date_to, scope=sc.deliveries)
    series_cite = q.series_citations(conn)
    per_pub = (
        daily.group_by("publisher")
        .agg(
            pl.col("trucks").sum(),
            pl.col("kg").sum(),
            pl.col("date").min().alias("first"),
            pl.col("date").max().alias("last"),
            pl.col("series").first(),
        )
        .sort("publisher")
    )
    for r in per_pub.iter_rows(named=True):
        ref = cites.many([series_cite[r["series"]]] if r["series"] in series_cite else [])
        # Trucks per day against the pre-war level come from the key figures (the Overview's, the CLI's
        # throughput), below; here the period's total, its truck basis in the notes.
        key.append(
            {
                "label": t("k_trucks").format(pub=r["publisher"], a=date_from, b=date_to),
                "value": fmt(r["trucks"]),
                "refs": ref,
                "note": prose(lang, truck_basis.flag(r["publisher"], date_to) or ""),
            }
        )
    publishers = per_pub["publisher"].to_list()
    if sc.context is not None and source not in publishers and len(publishers) == 1:
        source = publishers[0]  # a context the named list does not cover, supplied by one list: that one
    several = sc.context is not None and source not in publishers and len(publishers) > 1
    # --- Coverage (the coverage engine, one source to avoid double counting).
    from lifeline.model.coverage import coverage_tables

    sections: list[Section] = []
    cov_section = Section(t("coverage"))
    chart_by = periods.chart_by(date_from, date_to)
    xs = periods.starts(date_from, date_to, chart_by)
    try:  # one set of model runs for the three period kinds
        if several:  # the context's own lists, never a list it lacks, never summed (each alone, by --source)
            source = " or ".join(publishers)
            raise UserError(t("cov_several").format(n=len(publishers), publishers="; ".join(publishers)))
        cov = coverage_tables(
            conn, area, date_from, date_to, bys=sorted({"all", chart_by, "month"}), source=source, runs=runs,
            overrides=overrides, context=context,
        )
    except UserError as exc:
        if area is not None:  # the user asked for this area: say plainly it cannot be covered
            raise
        cov_section.empty = str(exc)
    else:
        cov_all, cov_chart, cov_month = cov["all"], cov[chart_by], cov["month"]
        refs = cites.many(cov_all.sources)
        sphere = load_set("sphere-2100").get("requirement_kcal")
        req_ref = cites.add({"publisher": "Sphere Project", "title": sphere.source})
        for r in cov_all.rows:
            key.append(
                {
                    "label": t("k_kcal").format(area=name(r["area"]), source=source),
                    "value": f"{fmt(r['kcal_pp'])} ({fmt(r['kcal_pp_low'])}–{fmt(r['kcal_pp_high'])})",
                    "refs": sorted(set(refs + [req_ref])),
                }
            )
            key.append(
                {
                    "label": t("k_coverage").format(req=f"{r['requirement']:,.0f}", area=name(r["area"])),
                    "value": f"{_pct(r['coverage'])} ({_pct(r['coverage_low'])}–{_pct(r['coverage_high'])})",
                    "refs": sorted(set(refs + [req_ref])),
                }
            )
        # Several areas (Gaza's north and south beside the whole Strip) share one chart of medians, the 95 %
        # intervals in the table below: a chart per area ran the report past five pages.
        areas = sorted({r["area"] for r in cov_chart.rows})
        lines, caption = [], t("coverage_chart") + (f": {name(areas[0])}" if len(areas) == 1 else "")
        for a in areas:
            rows = [r for r in cov_chart.rows if r["area"] == a]
            band = len(areas) == 1
            points = {date.fromisoformat(str(r["period"])[:10]): periods.Point(
                r["kcal_pp"], r.get("completeness"), r.get("days"), r["kcal_pp_low"] if band else None,
                r["kcal_pp_high"] if band else None) for r in rows}
            series = f"{name(a)} ({source})"
            lines.append(periods.line(series, xs, points, key=a))
            cov_section.chart_notes += periods.footnotes(series, xs, points, chart_by, t, lang)
        if lines:
            lines += _cap_line(cov_chart.rows, len(xs), t)
            req = cov_chart.rows[0]["requirement"]
            cov_section.charts.append((
                caption,
                svg.line_chart(xs, lines, title="", y_label="kcal/person/day", reference=req,
                               reference_label=f"{req:,.0f} kcal" if req else "", x_format=periods.X_FORMAT[chart_by],
                               legend=False),
                svg.legend_items(lines, t("partial_period"), f"{t('requirement')} {req:,.0f} kcal" if req else ""),
            ))
        cov_section.chart_refs = sorted(set(refs + [req_ref]))
        cov_section.tables.append(  # by month: a week per row ran over two pages; the chart shows the days
            _table(
                _with_interval(cov_month),
                ["period", "area", "days", "completeness", "population", "kcal_in_pp", "kcal_pp", "coverage",
                 "days_below", "flag"],
                cites,
                digits={"coverage": 2}, name=name, lang=lang, suffix={"kcal_pp": t("interval_95")},
            )
        )
    # --- Access: trucks per day by source (the throughput the key figures use), crossings, reported closures.
    access = Section(t("access"))
    if not daily.is_empty():
        _trucks_chart(conn, access, sc, date_from, date_to, chart_by, xs, t, lang, cites)
        access.tables.append(_crossings_table(daily, series_cite, cites, date_from, date_to, t, name))
        access.tables[-1].narrow = True
        # A truck count derived from rows that are not one truck each says so (truck_basis).
        # (as notes of the crossings table, so the charts open the section)
        access.tables[-1].notes += [prose(lang, n) for n in truck_basis.notes(per_pub["publisher"].to_list(), date_to)]
    from lifeline.model import access as access_model

    closed = access_model.closures(conn, date_from, date_to, context=context)
    if closed.rows:  # beside the crossings table: both are narrow
        table = _table(closed, ["crossing", "status", "start", "end", "days", "ongoing"], cites,
                       title=t("closures"), name=name, lang=lang)
        table.narrow = True
        access.tables.append(table)
    else:
        access.paragraphs.append(f"{t('closures')}: {t('none_reported')}")
    timeline = access_model.timeline(conn, date_from, date_to, by="week", context=context)
    crossing_rows = [r for r in timeline.rows if r.get("level") == "crossing"]
    if crossing_rows:
        counts = [c.key for c in timeline.columns if c.key.endswith("_trucks")]  # the context's own lists
        # Week by crossing ran over four pages: the sitrep keeps each crossing's days per status over the
        # period (the CLI's `lifeline access --by week` has the weeks).
        timeline.rows = _period_totals(crossing_rows, TIMELINE_DAY_COUNTS + tuple(counts))
        table = _table(
            timeline,
            ["crossing", *TIMELINE_DAY_COUNTS, *counts],
            cites,
            title=t("timeline"), name=name, lang=lang,
        )
        access.tables.append(_not_covered_as_na(table, timeline, counts, t, lang))
    # --- Sources side by side: part of Access (the same entries, as each source counts them); by week, or by
    # month over a long window.
    from lifeline.model import sources_compare

    try:
        comp = sources_compare.comparison(conn, "trucks", "all", "month" if chart_by == "month" else "week",
                                          date_from, date_to, context=context)
        keys = [c.key for c in comp.columns]
        access.tables.append(_table(comp, keys, cites, title=t("sources_compare"),
                                    digits={k: 2 for k in keys if k.startswith("ratio")}, name=name, lang=lang))
    except UserError as exc:
        access.paragraphs.append(f"{t('sources_compare')}: {prose(lang, str(exc))}")
    # --- Alerts raised in the period.
    al = Section(t("alerts"))
    # Open alerts first; an episode of the period whose condition has since ended is listed resolved, with the
    # day it ended. Alerts the rules no longer find at all (resolution "no longer found") are left out.
    alerts = [a for a in list_alerts(conn, date_from=date_from, date_to=date_to, include_resolved=True)
              if a.get("resolution") != "no longer found" and sc.keeps_alert(a)]
    if alerts:
        refs = cites.many(s for a in alerts for s in (a["sources"] or []))
        al.tables.append(
            Table(
                t("alerts"),
                [t(c) for c in ("c_rule", "c_place", "c_state", "c_period", "c_resolved_on", "c_alert")],
                [[rule_name(lang, str(a["rule"])), name(a.get("place")) if a.get("place") else "–",
                  prose(lang, str(a["state"])), _span(a["period_start"], a["period_end"]), fmt(a["resolved_on"]),
                  prose(lang, str(a["title"]), name.quoted)] for a in alerts],
                refs,
                [t("n_no_entries")],
            )
        )
        key.append({"label": t("alerts"), "value": fmt(len(alerts)), "refs": refs})
    else:
        al.empty = t("no_alerts")
    # --- Claims checked (statements given with --claims).
    cl = Section(t("claims"))
    cl_rows, cl_sources = _claims(conn, claims)
    if cl_rows:
        cl.tables.append(
            Table(
                t("claims"),
                [t(c) for c in ("c_document", "c_claim", "c_figure", "c_verdict", "c_explanation")],
                cl_rows,
                cites.many(cl_sources),
                [t("n_verdicts")],
            )
        )
    else:
        cl.empty = t("no_claims")
    # The claims section only when statements were checked: an empty section says nothing to a reader.
    sections = [cov_section, access, al] + ([cl] if cl_rows else [])
    from lifeline.model import key_figures
    from lifeline.report import narrative

    strip = key_figures.figures(conn, None, date_to, source, context)
    for f in strip:  # trucks per day against the pre-war level and the need: the Overview's figure
        if f.key.startswith("trucks_per_day/"):
            against = dict(f.compare)
            prewar = against.get("pre-war")  # None in a context without a baseline: no share, never a dash
            key.append({"label": t("k_per_day" if prewar is not None else "k_per_day_alone").format(
                            pub=f.key.split("/", 1)[1], n=fmt(prewar), month=(f.period or "")[:7]),
                        "value": f"{fmt(f.value)} ({_pct(_ratio(f.value, prewar))})" if prewar is not None
                        else fmt(f.value),
                        "refs": cites.many(f.sources),
                        "note": ("؛ " if lang == "ar" else "; ").join(prose(lang, n) for n in f.notes)})
    now = [f for f in strip if f.key == "crossings_open"]
    crossing_items, strip_day = (now[0].items, now[0].period) if now else ([], None)
    bullets = narrative.bullets(t, strip, alerts, _closure_counts(closed.rows), name, cites.many, list(closed.sources),
                                rule=lambda r: rule_name(lang, r))
    appendix = _appendix(t, cites, source, overrides, lang)
    seen: set[str] = set()
    for sec in [*sections, appendix]:
        _humanise(sec, name)
        _notes_once(sec, seen)
    for k in key:
        k["label"], k["note"] = name.text(k["label"]), name.text(k.get("note") or "")
    place = _place_name(sc, lang)
    map_svg = crossings_map(conn, sc.context, crossing_items, name, numbered=lang == "ar") if crossing_items else ""
    map_names = [name(c) for c in drawn(conn, sc.context, crossing_items)] if map_svg and lang == "ar" else []
    report = Report(
        lang=lang,
        title=t("title_of").format(place=place) if place else t("title"),
        date_from=date_from,
        date_to=date_to,
        area=area or (t("all_areas_of").format(place=place) if place else t("all_areas")),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        key_figures=key,
        sections=sections,
        appendix=appendix,
        references=cites.items,
        strip=strip,
        bullets=bullets,
        map_svg=map_svg,
        map_names=map_names,
        map_caption=f"{t(MAP_CAPTIONS.get(basis_of(map_svg), 'map_caption'))} {strip_day}" if map_svg else "",
        labels={
            k: t(k)
            for k in (
                "file",
                "period",
                "area",
                "generated",
                "key_figures",
                "figure",
                "value",
                "source",
                "sources",
                "appendix",
                "references",
                "notes",
                "disclaimer",
                "summary",
            )
        },
    )
    add_freshness(conn, report, t)
    return report


# The map's caption by the basis of its drawing (lifeline.geo.drawing): a schematic says so, boundaries too.
MAP_CAPTIONS = {"schematic": "map_caption", "boundaries": "map_caption_boundaries", "points": "map_caption_points"}


def _place_name(sc: contexts.Scope, lang: str) -> str | None:
    """The context's name in the report's language (English where it has none in Arabic)."""
    if sc.context is None:
        return None
    return (sc.context.name_ar if lang == "ar" else None) or sc.context.name_en


def _period_totals(rows: list[dict[str, Any]], keys: Sequence[str]) -> list[dict[str, Any]]:
    """Per crossing, the sum over the period's weeks of ``keys`` (missing stays missing, never 0)."""
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        total = out.setdefault(str(r["crossing"]), {"crossing": r["crossing"], "sources": {}})
        for k in keys:
            if r.get(k) is not None:
                total[k] = (total.get(k) or 0) + r[k]
            else:
                total.setdefault(k, None)
        for pub, got in (r.get("sources") or {}).items():
            if got.get("reason"):
                total["sources"].setdefault(pub, {"reason": got["reason"]})
    return [out[k] for k in sorted(out)]


def _namer(conn: Connection, lang: str) -> Any:
    """Place codes as the reader's names ("Kerem Shalom", not "kerem-shalom"), from the reference set."""
    from lifeline.store import queries_web

    places = queries_web.locations(conn)
    names = {r["code"]: (r["name_ar"] or r["name_en"]) if lang == "ar" else r["name_en"] for r in places}
    # The core's sentences name places in English ("Kerem Shalom reported closed"): in Arabic, those too.
    english = {r["name_en"]: r["name_ar"] for r in places if lang == "ar" and r["name_en"] and r["name_ar"]}
    return _Names(names, english)


class _Names:
    """Code -> name, and codes inside free text (alert titles, notes) replaced by their names; ``quoted`` gives
    the place a sentence of the core names (in English) in the report's language."""

    def __init__(self, names: dict[str, str], english: dict[str, str] | None = None) -> None:
        self.names = names
        self.english = english or {}
        codes = sorted(names, key=len, reverse=True)
        self.pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(c) for c in codes) + r")(?![\w-])") \
            if codes else None

    def __call__(self, code: Any) -> str:
        return str(self.names.get(str(code)) or code)

    def quoted(self, text: str) -> str:
        """A place a core sentence quotes (a code, or its English name) in the report's language."""
        return self.english.get(text) or self.names.get(text) or text

    def text(self, text: str) -> str:
        return self.pattern.sub(lambda m: self.names[m.group(1)], text) if self.pattern and text else text


def _humanise(sec: Section, name: _Names) -> None:
    sec.paragraphs = [name.text(p) for p in sec.paragraphs]
    sec.empty = name.text(sec.empty)
    for tb in sec.tables:
        tb.rows = [[name.text(c) for c in row] for row in tb.rows]
        tb.notes = [name.text(n) for n in tb.notes]


def _notes_once(sec: Section, seen: set[str]) -> None:
    """A note the report has printed already (a list's span, a source's caveat) is not printed again."""
    def fresh(notes: list[str]) -> list[str]:
        out = [n for n in dict.fromkeys(notes) if n not in seen]
        seen.update(out)
        return out

    sec.chart_notes = fresh(sec.chart_notes)
    for tb in sec.tables:
        tb.notes = fresh(tb.notes)


def _crossings_table(
    daily: pl.DataFrame, series_cite: dict[str, Any], cites: Citations, date_from: date, date_to: date, t: Any,
    name: Any = str,
) -> Table:
    """Per crossing and source: trucks, days with entries, days without recorded entries, last entry."""
    spans = daily.group_by("series").agg(pl.col("date").min().alias("a"), pl.col("date").max().alias("b"))
    per = (
        daily.with_columns(pl.col("crossing").fill_null(t("no_crossing_given")))
        .group_by("crossing", "publisher", "series")
        .agg(_trucks_or_none(), pl.col("date").n_unique().alias("days_with"), pl.col("date").max().alias("last"))
        .join(spans, on="series")
        .with_columns(((pl.col("b") - pl.col("a")).dt.total_days() + 1 - pl.col("days_with")).alias("days_without"))
        .sort("crossing", "publisher")
    )
    rows, no_trucks = [], []
    for r in per.iter_rows(named=True):
        trucks = fmt(r["trucks"]) if r["trucks"] is not None else t("n_a")
        if r["trucks"] is None:
            no_trucks.append(t("n_at").format(pub=r["publisher"], place=r["crossing"]))
        rows.append([name(r["crossing"]), r["publisher"], trucks, fmt(r["days_with"]), fmt(r["days_without"]),
                     fmt(r["last"])])
    refs = cites.many([series_cite[s] for s in per["series"].unique().to_list() if s in series_cite])
    notes = [t("n_days_without")]
    if no_trucks:
        notes.append(t("n_no_trucks").format(which=t("clause_sep").join(no_trucks)))
    return Table(
        t("crossings_table"),
        [t(c) for c in ("c_crossing", "c_source", "c_trucks", "c_days_with", "c_days_without", "c_last_entry")],
        rows,
        refs,
        notes,
    )


def _trucks_or_none() -> pl.Expr:
    """Sum of trucks, or missing where no row carries a truck count (COGAT's airdrops count none): never 0."""
    return pl.when(pl.col("trucks").is_not_null().any()).then(pl.col("trucks").sum()).otherwise(None).alias("trucks")


def _claims(conn: Connection, paths: Sequence[Path]) -> tuple[list[list[str]], list[dict[str, Any]]]:
    """Check each statement with the claims core; rows of (document, claim, figure, verdict, explanation)."""
    if not paths:
        return [], []
    from lifeline.claims.check import check_document

    rows, sources = [], []
    for p in paths:
        try:
            text = Path(p).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise UserError(f"cannot read the statement ({exc.strerror})", file=str(p)) from None
        rep = check_document(conn, text, title=Path(p).name)
        for c in rep.claims:
            rows.append([Path(p).name, c.text[:240], c.figure, c.verdict, c.explanation])
            sources += [{"publisher": e.source, "title": e.title, "url": e.url} for e in c.evidence if e.used]
        for n in rep.not_checkable:
            rows.append([Path(p).name, n.text[:240], n.figure or "", "not checkable", n.reason])
    return rows, sources


def _appendix(t: Any, cites: Citations, source: str, overrides: Sequence[Path] = (), lang: str = "en") -> Section:
    sec = Section(t("appendix"))
    sec.paragraphs = [t("m_deliveries"), t("m_coverage").format(source=source), t("m_access"), t("m_alerts")]
    sets: list[tuple[str, AssumptionSet, list[str] | None]] = [
        ("sphere-2100" + "".join(f" + {Path(o).name}" for o in overrides), load_set("sphere-2100", overrides), None),
        ("normalisation", load_set("normalisation"), ["kg_per_pallet", "kg_per_truck"]),
        (
            "alerts",
            load_config().set,
            [
                "crossing_gap_days",
                "prewar_trucks_per_day",
                "trucks_threshold_pct",
                "divergence_factor",
                "coverage_threshold_pct",
                "revision_threshold_pct",
            ],
        ),
        ("access", load_set("access"), ["status_valid_days_open", "status_valid_days_closed",
                                        "status_valid_days_restricted", "stated_need_valid_days",
                                        "working_days_per_week"]),
    ]
    rows = []
    for name, aset, only in sets:
        for a in aset.assumptions.values():
            if only is not None and a.name not in only:
                continue
            rng = f" [{a.low:g}–{a.high:g}]" if a.is_ranged else ""
            rows.append([name, a.name, f"{a.value:g}{rng} {unit_text(lang, a.value, a.unit)}", _short(a.source)])
    sec.tables.append(Table(t("appendix"), [t(c) for c in ("c_set", "c_assumption", "c_value_range_unit", "c_source")],
                            rows, notes=[t("n_sources_short")], data_columns=(0, 1, 3)))
    return sec


def _cap_line(rows: list[dict[str, Any]], n: int, t: Any) -> list[svg.Line]:
    """The consumption cap as a named dashed line over the chart's ``n`` periods, so a series sitting on it is
    read as the cap."""
    caps = {r.get("cap") for r in rows if r.get("cap") is not None}
    if len(caps) != 1:
        return []
    level = float(caps.pop())  # type: ignore[arg-type]
    return [svg.Line(t("cap_label").format(n=f"{level:,.0f}"), [level] * n, dashed=True,
                     colour=palette.REFERENCE_COLOURS["cap"])]


def _with_interval(result: ResultTable) -> ResultTable:
    """The month table with the 95 % interval beside the median in one cell, so it fits the page's width (its
    header says so: ``suffix`` of :func:`_table`)."""
    rows = [{**r, "kcal_pp": r["kcal_pp"] if r.get("kcal_pp") is None else
             f"{fmt(r['kcal_pp'])} ({fmt(r.get('kcal_pp_low'))}–{fmt(r.get('kcal_pp_high'))})"} for r in result.rows]
    return replace(result, rows=rows)


def _span(a: Any, b: Any) -> str:
    return fmt(a) if a == b or b is None else f"{fmt(a)} – {fmt(b)}"


def _trucks_chart(conn: Connection, access: Section, sc: contexts.Scope, date_from: date, date_to: date, by: str,
                  xs: list[date], t: Any, lang: str, cites: Citations) -> None:
    """Trucks per day by source and period from the core's throughput (the figure the key figures and
    `lifeline access --show throughput` give), each point marked by the completeness `lifeline deliveries`
    gives its period: partial points hollow, a period outside a list's span a gap, a period inside it without
    entries zero recorded."""
    from lifeline.model import access as access_model
    from lifeline.model import completeness
    from lifeline.model.deliveries import delivery_table

    try:
        thr = access_model.throughput(conn, date_from, date_to, by, context=sc.code)
    except UserError:
        return
    marks = {(str(r["period"])[:10], str(r["source"])): r["completeness"]
             for r in delivery_table(conn, by, "source", date_from, date_to, context=sc.code).rows}
    spans = completeness.spans(conn, scope=sc.deliveries)
    lines, notes = [], []
    for pub in sorted({str(r["source"]) for r in thr.rows}):
        got = {r["period"]: r for r in thr.rows if r["source"] == pub}
        points: dict[date, periods.Point] = {}
        for p in xs:
            if p in got:
                r = got[p]
                points[p] = periods.Point(r["trucks_per_day"], marks.get((p.isoformat(), pub)), r["days"])
                continue
            mark = completeness.completeness(p, completeness.period_end(p, by), spans.get(pub))
            if not mark.startswith("n/a"):  # inside the list's span: no entry recorded is 0 recorded
                points[p] = periods.Point(0.0, mark)
        lines.append(periods.line(pub, xs, points))
        notes += periods.footnotes(pub, xs, points, by, t, lang)
        if by == "day":
            note = periods.window_note(pub, date_from, date_to, spans.get(pub), t, lang)
            notes += [note] if note else []
    prewar = next((r["prewar_trucks_per_day"] for r in thr.rows if r.get("prewar_trucks_per_day")), None)
    access.charts.append((t("trucks_chart"), svg.line_chart(
        xs, lines, "", y_label="trucks/day", reference=prewar, reference_label=fmt(prewar) if prewar else "",
        reference_colour=palette.REFERENCE_COLOURS["prewar"], x_format=periods.X_FORMAT[by], legend=False),
        svg.legend_items(lines, t("partial_period"), t("prewar_ref").format(n=fmt(prewar)) if prewar else "",
                         palette.REFERENCE_COLOURS["prewar"])))
    access.chart_refs = cites.many(thr.sources)
    access.chart_notes += notes



SOURCE_CHARS = 150


def _short(text: str) -> str:
    """An assumption's source cut at a word near SOURCE_CHARS (the sitrep's appendix keeps to one line or two)."""
    return text if len(text) <= SOURCE_CHARS else text[:SOURCE_CHARS].rsplit(" ", 1)[0] + " …"


def _ratio(value: float | None, of: float | None) -> float | None:
    return value / of if value is not None and of else None


def _closure_counts(rows: list[dict[str, Any]]) -> tuple[int, int]:
    """(closures, restrictions) among the reported episodes of the closures table."""
    statuses = [r.get("status") for r in rows]
    return statuses.count("closed"), statuses.count("restricted")
