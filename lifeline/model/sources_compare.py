"""Every source's delivery figures side by side, with ratios to the UN source and the reasons they differ.

The category mapping between the vocabularies is data (``assumptions/data/access.toml``
``[category_map]``): each comparison category says, per publisher, which canonical categories (and
optionally which commodities) count. Ratios divide each source by the reference publisher (UNRWA);
a ratio beyond the named thresholds, or one that moves sharply between periods, is flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Connection

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.errors import UserError
from lifeline.formats import Column, ResultTable
from lifeline.formats.labels import publisher_label
from lifeline.model import contexts
from lifeline.store import queries_access
from lifeline.store.window import fallback

INDICATORS = ("consignments", "trucks", "tonnes")
TRUNCATE = {"day": "1d", "week": "1w", "month": "1mo"}


def categories(rules: AssumptionSet | None = None) -> list[str]:
    """The comparison categories defined in the rules (food, medical, water, shelter, fuel, all)."""
    return list((rules or load_set("access")).tables["category_map"])


def category_filter(category: str, publisher: str, rules: AssumptionSet) -> pl.Expr:
    """The rows of ``publisher`` that count for comparison ``category`` (explicit, per vocabulary)."""
    cmap = rules.tables["category_map"]
    if category not in cmap:
        raise UserError(f"unknown category {category!r}; expected one of: {', '.join(cmap)}")
    spec = cmap[category].get(publisher) or cmap[category]["default"]
    cats = list(spec.get("categories", []))
    cond = pl.lit(True) if "*" in cats else pl.col("category").is_in(cats)
    if spec.get("commodities"):
        cond = cond & pl.col("commodity").is_in(list(spec["commodities"]))
    return cond


def compare_frame(
    conn: Connection,
    indicator: str = "consignments",
    category: str = "all",
    by: str = "month",
    date_from: date | None = None,
    date_to: date | None = None,
    rules: AssumptionSet | None = None,
    norm: AssumptionSet | None = None,
    context: str | None = None,
) -> pl.DataFrame:
    """Periods x publishers of ``indicator`` for ``category``: columns ``period`` and one per publisher
    (the deliveries of one context)."""
    if indicator not in INDICATORS:
        raise UserError(f"--indicator expects one of {', '.join(INDICATORS)}; got {indicator!r}")
    if by not in TRUNCATE:
        raise UserError(f"--by expects one of week, month; got {by!r}")
    rules = rules or load_set("access")
    norm = norm or load_set("normalisation")
    raw = queries_access.daily_deliveries(conn, date_from, date_to,
                                            scope=contexts.scope(conn, context).deliveries)
    schema = {"date": pl.Date, "crossing": pl.String, "route": pl.String, "category": pl.String,
              "commodity": pl.String, "publisher": pl.String, "consignments": pl.Float64, "trucks": pl.Float64,
              "kg": pl.Float64, "rows_with_weight": pl.Int64}
    frame = pl.DataFrame(raw, schema=schema, orient="row") if raw else pl.DataFrame(schema=schema)
    frame = frame.with_columns((pl.col("kg") / norm.value("kg_per_tonne")).alias("tonnes"))
    publishers = sorted(frame["publisher"].unique().drop_nulls().to_list())
    keep = pl.lit(False)
    for p in publishers:
        keep = keep | ((pl.col("publisher") == p) & category_filter(category, p, rules))
    picked = frame.filter(keep).with_columns(pl.col("date").dt.truncate(TRUNCATE[by]).alias("period"))
    long = picked.group_by("period", "publisher").agg(
        pl.when(pl.col(indicator).is_not_null().any()).then(pl.col(indicator).sum()).otherwise(None).alias("value")
    )
    periods = long.select("period").unique().sort("period")
    for p in publishers:
        part = long.filter(pl.col("publisher") == p).select("period", pl.col("value").alias(p))
        periods = periods.join(part, on="period", how="left")
    return periods.sort("period")


def comparison(
    conn: Connection,
    indicator: str = "consignments",
    category: str = "all",
    by: str = "month",
    date_from: date | None = None,
    date_to: date | None = None,
    rules: AssumptionSet | None = None,
    context: str | None = None,
) -> ResultTable:
    """The comparison table: per period each source's figure, each source's ratio to the UN source,
    a flag where the ratio passes a threshold or moves sharply, and a final row for the whole window
    (the deliveries of one context)."""
    rules = rules or load_set("access")
    sc = contexts.scope(conn, context)
    if by not in TRUNCATE:
        raise UserError(f"--by expects one of week, month; got {by!r}")
    days = fallback(conn, date_from, date_to)  # every stored row, unless they reach beyond the limits
    date_from, date_to = days.first, days.last
    daily = compare_frame(conn, indicator, category, "day", date_from, date_to, rules, context=sc.code)
    sums = [_sum_or_null(c) for c in daily.columns if c != "period"]
    frame = (
        daily.with_columns(pl.col("period").dt.truncate(TRUNCATE[by])).group_by("period").agg(*sums).sort("period")
        if by != "day" else daily
    )
    spans = queries_access.delivery_coverage(conn, scope=sc.deliveries)
    coverage = {r["publisher"]: (r["first"], r["last"]) for r in spans}
    common_from = max([c[0] for c in coverage.values()] + ([date_from] if date_from else []), default=None)
    common_to = min([c[1] for c in coverage.values()] + ([date_to] if date_to else []), default=None)
    reference = str(rules.tables["compare"]["reference_publisher"])
    publishers = [c for c in frame.columns if c != "period"]
    # ratios are to the reference list only where the context holds it: another crisis's lists are shown
    # side by side without a ratio to a list they are not compared with, and without its partial-period flag
    held = reference in publishers
    others = [p for p in publishers if p != reference] if held else []
    high, low = rules.value("ratio_flag_high"), rules.value("ratio_flag_low")
    jump = rules.value("ratio_change_flag")
    partial_from = rules.tables["dates"]["unrwa_partial_from"]["value"]
    rows: list[dict[str, Any]] = []
    previous: dict[str, float | None] = {}
    for rec in frame.iter_rows(named=True):
        row = _row(rec["period"], rec, publishers, reference, others, high, low)
        flags = [row["flag"]] if row["flag"] else []
        for p in others:
            ratio, before = row.get(f"ratio_{p}"), previous.get(p)
            if ratio is not None and before:
                change = ratio / before - 1.0
                if abs(change) > jump:
                    flags.append(f"{p}/{reference} moved {change:+.0%} from the previous period")
            previous[p] = ratio
        touches = rec["period"] is not None and _period_touches(rec["period"], by, partial_from)
        if held and reference == "UNRWA" and touches:
            flags.append(f"UNRWA partial from {partial_from}")
        row["flag"] = "; ".join(flags) or None
        rows.append(row)
    if daily.height and common_from and common_to:
        window = daily.filter((pl.col("period") >= common_from) & (pl.col("period") <= common_to))
        totals = {p: _total(window[p]) for p in publishers}
        total = _row("total", totals, publishers, reference, others, high, low)
        span = f"days all sources cover: {common_from} to {common_to}"
        total["flag"] = "; ".join(filter(None, [total["flag"], span]))
        rows.append(total)
    columns = [Column("period", f"#date+{by}", "period start")]
    columns += [Column(p, f"#indicator+num+{indicator}+{_attr(p)}", f"{publisher_label(p)} {indicator}")
                for p in publishers]
    columns += [Column(f"ratio_{p}", f"#indicator+num+ratio+{_attr(p)}", f"{publisher_label(p)} / {reference}")
                for p in others]
    columns.append(Column("flag", "#meta+flag"))
    notes = [f"ratio = each source over {reference} (the UN source); flagged above {high} or below {low}, "
             f"or when it moves by more than {jump:.0%} between periods (access.toml)"] if held else [
        "no ratio column: the reference list of access.toml [compare] is not among this context's lists"]
    if held:  # the category note compares the reference list's categories with the others'
        notes.append(f"category {category!r}: {rules.tables['category_map'][category].get('note', '')}")
    notes += [f"{p} covers {first} to {last}" for p, (first, last) in sorted(coverage.items())]
    notes.append("the total row sums only the days every source covers, so the ratio compares like with like")
    notes += _divergence_notes(rules, indicator, publishers)
    if days.cut:
        notes.append(str(days.note("the stored delivery lists")))
    return ResultTable(
        title=f"Sources compared: {indicator}, category {category}, by {by}",
        columns=columns,
        rows=rows,
        sources=queries_access.delivery_sources(conn, scope=sc.deliveries),
        notes=notes,
        query={"indicator": indicator, "category": category, "by": by, "from": date_from, "to": date_to,
               "context": sc.code},
    )


def _row(period: Any, values: dict[str, Any], publishers: list[str], reference: str, others: list[str],
         high: float, low: float) -> dict[str, Any]:
    row: dict[str, Any] = {"period": period}
    for p in publishers:
        row[p] = round(float(values[p]), 3) if values.get(p) is not None else None
    base = row.get(reference)
    flags = []
    for p in others:
        ratio = round(row[p] / base, 3) if base and row.get(p) is not None else None
        row[f"ratio_{p}"] = ratio
        if ratio is not None and (ratio > high or ratio < low):
            flags.append(f"{p}/{reference} = {ratio:.2f}, beyond [{low}, {high}]")
    row["flag"] = "; ".join(flags) or None
    return row


def _sum_or_null(name: str) -> pl.Expr:
    return pl.when(pl.col(name).is_not_null().any()).then(pl.col(name).sum()).otherwise(None).alias(name)


def _total(series: pl.Series) -> float | None:
    return float(series.sum()) if series.is_not_null().any() else None


def _period_touches(start: date, by: str, day: date) -> bool:
    """True when the period starting at ``start`` ends on or after ``day``."""
    from lifeline.model.access import period_end

    return period_end(start, by) >= day


def _attr(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_") or "source"


def _divergence_notes(rules: AssumptionSet, indicator: str, publishers: Iterable[str] | None = None) -> list[str]:
    """The known reasons for divergence that apply to this indicator and to the sources compared (an entry's
    ``publishers``), each with its source."""
    out = []
    present = set(publishers) if publishers is not None else None
    for item in rules.tables.get("divergence", []):
        if item.get("applies") == "tonnes" and indicator != "tonnes":
            continue
        if present is not None and "publishers" in item and not present & set(item["publishers"]):
            continue
        out.append(f"{item['text']} (source: {item['source']})")
    return out


def reported_vs_recorded(conn: Connection, rules: AssumptionSet | None = None,
                         context: str | None = None) -> ResultTable:
    """Figures reported in statements (reference set) next to the same figure from each line list.

    Which reported indicators are checked, and how each maps to a line-list measure, is data
    (``access.toml [reported_checks]``); only reported figures with a period can be recomputed.
    """
    rules = rules or load_set("access")
    sc = contexts.scope(conn, context)
    checks = rules.tables.get("reported_checks", {})
    reported = [o for ind in checks for o in queries_access.observations(conn, ind)
                if o["value"] is not None and o["period_end"] is not None and sc.keeps(o["location"])]
    spans = queries_access.delivery_coverage(conn, scope=sc.deliveries)
    coverage = {r["publisher"]: (r["first"], r["last"]) for r in spans}
    publishers = sorted(coverage)
    rows: list[dict[str, Any]] = []
    if reported:
        lo = min(o["date"] for o in reported)
        hi = max(o["period_end"] for o in reported)
        raw = queries_access.daily_deliveries(conn, lo, hi, scope=sc.deliveries)
        schema = {"date": pl.Date, "crossing": pl.String, "route": pl.String, "category": pl.String,
                  "commodity": pl.String, "publisher": pl.String, "consignments": pl.Float64, "trucks": pl.Float64,
                  "kg": pl.Float64, "rows_with_weight": pl.Int64}
        frame = pl.DataFrame(raw, schema=schema, orient="row") if raw else pl.DataFrame(schema=schema)
        for obs in sorted(reported, key=lambda o: (o["indicator"], o["date"], o["location"] or "")):
            rows.append(_check_row(frame, obs, checks[obs["indicator"]], publishers, coverage))
    columns = [
        Column("indicator", "#indicator+code"), Column("location", "#loc+code"),
        Column("start", "#date+start"), Column("end", "#date+end"),
        Column("reported", "#indicator+num+reported", "reported value"),
        Column("reported_by", "#meta+source", "reported by"),
    ]
    for p in publishers:
        columns += [Column(p, f"#indicator+num+{_attr(p)}", f"{p} (same measure)"),
                    Column(f"ratio_{p}", f"#indicator+num+ratio+{_attr(p)}", f"{p} / reported")]
    columns.append(Column("note", "#meta+note"))
    return ResultTable(
        title="Reported figures against the line lists",
        columns=columns,
        rows=rows,
        sources=queries_access.delivery_sources(conn, scope=sc.deliveries) + [_cite(o) for o in reported],
        # only the checks of figures the context reports (another context's answer never reads Gaza's)
        notes=[f"{ind}: {spec.get('note', '')}" for ind, spec in checks.items()
               if any(o["indicator"] == ind for o in reported)]
        + ["a line list gives no figure where it does not cover the whole period or has no crossing breakdown "
           "for the location asked" + (" (COGAT land rows)" if "COGAT" in publishers else "")]
        + _divergence_notes(rules, "trucks", publishers),
        query={"context": sc.code},
    )


def _check_row(frame: pl.DataFrame, obs: dict[str, Any], spec: dict[str, Any], publishers: list[str],
               coverage: dict[str, tuple[date, date]]) -> dict[str, Any]:
    start, end = obs["date"], obs["period_end"]
    days = (end - start).days + 1
    cond = (pl.col("date") >= start) & (pl.col("date") <= end)
    if spec.get("categories"):
        cond = cond & pl.col("category").is_in(list(spec["categories"]))
    if spec.get("exclude_categories"):
        cond = cond & ~pl.col("category").fill_null("").is_in(list(spec["exclude_categories"]))
    location = obs["location"]
    whole = location in (None, "gaza-strip")
    if not whole:
        cond = cond & (pl.col("crossing") == location)
    picked = frame.filter(cond)
    row: dict[str, Any] = {
        "indicator": obs["indicator"], "location": location, "start": start, "end": end,
        "reported": obs["value"], "reported_by": obs.get("cited_publisher") or obs.get("dataset_publisher"),
    }
    notes = []
    measure = str(spec.get("measure", "trucks"))
    for p in publishers:
        first, last = coverage[p]
        mine = picked.filter(pl.col("publisher") == p)
        covered = first <= start and last >= end
        no_breakdown = not whole and frame.filter((pl.col("publisher") == p) & pl.col("crossing").is_null()).height > 0
        if not covered:
            value = None
            notes.append(f"{p} does not cover {start} to {end}")
        elif no_breakdown and mine.height == 0 and location not in ("jlots", "airdrop"):
            value = None
            notes.append(f"{p} gives no crossing breakdown for land")
        else:
            total = float(mine[measure].sum()) if mine.height else 0.0
            value = round(total / days, 1) if spec.get("per_day") else round(total, 1)
            if mine.height == 0:
                notes.append(f"{p} covers the period but recorded no rows here")
        row[p] = value
        row[f"ratio_{p}"] = round(value / obs["value"], 3) if value is not None and obs["value"] else None
    row["note"] = "; ".join(notes) or None
    return row


def _cite(obs: dict[str, Any]) -> dict[str, Any]:
    return {"publisher": obs.get("cited_publisher") or obs.get("dataset_publisher"),
            "title": obs.get("cited_title") or obs.get("dataset_title"),
            "url": obs.get("cited_url") or obs.get("dataset_url"), "published": obs.get("cited_date")}
