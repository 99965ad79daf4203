"""Access timeline: per crossing and day, the status and what each source recorded coming through.

Status rules (documented in ``docs/access.md``), applied in this order for a crossing on a day:

1. **reported** — a ``crossing_status`` event (reference set or any imported observation) is in force:
   the latest event dated on or before the day whose period (if it has an end) still covers it. An
   event holds until the next one. ``status_source`` = ``reported: <publisher, title, date>``.
2. **inferred** — no event, but some source recorded entries at that crossing that day: ``open``,
   with ``status_source`` = ``inferred from entries: <publishers>``. This is NOT a reported opening.
3. ``no data`` — no event, no entries, but at least one delivery source covers the day.
4. ``unknown`` — nothing covers the day at all.

A day without entries is therefore never labelled ``closed``. Sources without a crossing breakdown
(COGAT land rows) are shown as route-level rows (``level = route``), never spread over crossings.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl
from sqlalchemy import Connection

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.errors import UserError
from lifeline.formats import Column, ResultTable
from lifeline.model.series import citation, is_verified, source_entry
from lifeline.store import queries_access

STATUS_INDICATOR = "crossing_status"
REPORTED_STATUSES = ("open", "closed", "restricted")
STATUSES = ("open", "closed", "restricted", "no data", "unknown")
MEASURES = ("consignments", "trucks", "tonnes")
TRUNCATE = {"day": "1d", "week": "1w", "month": "1mo"}


def crossing_codes(rules: AssumptionSet | None = None) -> dict[str, str]:
    """Crossing code -> route, from the normalisation rules (the codes every importer maps to)."""
    rules = rules or load_set("normalisation")
    return {code: str(spec.get("route", "land")) for code, spec in rules.tables["crossings"].items()}


def status_events(conn: Connection) -> pl.DataFrame:
    """Reported crossing-status events: crossing, start, end, status, citation, verified."""
    obs = queries_access.observations(conn, STATUS_INDICATOR)
    schema = {"crossing": pl.String, "start": pl.Date, "end": pl.Date, "event_status": pl.String,
              "event_source": pl.String, "event_verified": pl.Boolean, "event_id": pl.Int64}
    rows = [
        {
            "crossing": o["location"],
            "start": o["date"],
            "end": o["period_end"],
            "event_status": _status_word(o["text_value"]),
            "event_source": citation(o) + ("" if is_verified(o) else " [UNVERIFIED]"),
            "event_verified": is_verified(o),
            "event_id": o["id"],
        }
        for o in obs
        if o["location"]
    ]
    return pl.DataFrame(rows, schema=schema)


def _status_word(text: str | None) -> str:
    word = (text or "").strip().lower()
    return word if word in REPORTED_STATUSES else "unknown"


def _entries(conn: Connection, date_from: date | None, date_to: date | None, kg_per_tonne: float) -> pl.DataFrame:
    rows = queries_access.daily_deliveries(conn, date_from, date_to)
    schema = {"date": pl.Date, "crossing": pl.String, "route": pl.String, "category": pl.String,
              "commodity": pl.String, "publisher": pl.String, "consignments": pl.Float64, "trucks": pl.Float64,
              "kg": pl.Float64, "rows_with_weight": pl.Int64}
    frame = pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)
    return frame.with_columns((pl.col("kg") / kg_per_tonne).alias("tonnes"))


def _sum_or_null(name: str) -> pl.Expr:
    """Sum that stays missing when every value is missing (no data is not zero)."""
    return pl.when(pl.col(name).is_not_null().any()).then(pl.col(name).sum()).otherwise(None).alias(name)


def daily_frame(
    conn: Connection,
    date_from: date | None = None,
    date_to: date | None = None,
    crossing: str | None = None,
    rules: AssumptionSet | None = None,
) -> tuple[pl.DataFrame, list[str], dict[str, tuple[date, date]]]:
    """One row per crossing (and source-only route total) and day with status and per-source figures.

    Returns the frame, the publishers with deliveries (column prefixes ``<publisher>|<measure>``) and
    each publisher's coverage (first, last day).
    """
    norm = rules or load_set("normalisation")
    codes = crossing_codes(norm)
    coverage = {r["publisher"]: (r["first"], r["last"]) for r in queries_access.delivery_coverage(conn)}
    events = status_events(conn)
    lo = date_from or min([c[0] for c in coverage.values()] + events["start"].drop_nulls().to_list(), default=None)
    hi = date_to or max([c[1] for c in coverage.values()] + events["start"].drop_nulls().to_list(), default=None)
    if lo is None or hi is None:
        raise UserError("nothing to show: no deliveries and no crossing status events are stored "
                        "(import line lists with `lifeline import`, and `lifeline reference load`)")
    if hi < lo:
        if date_from and date_to:
            raise UserError(f"--from {lo} is after --to {hi}")
        raise UserError(f"nothing to show between {lo} and {hi}: the stored deliveries and events "
                        f"{'end on ' + str(hi) if date_from else 'start on ' + str(lo)}")
    entries = _entries(conn, lo, hi, norm.value("kg_per_tonne"))
    known = sorted(set(codes) | set(entries["crossing"].drop_nulls().unique()) | set(events["crossing"].unique()))
    if crossing is not None:
        if crossing not in known:
            raise UserError(f"unknown crossing {crossing!r}; known: {', '.join(known)}")
        known = [crossing]
    publishers = sorted(set(coverage) | set(entries["publisher"].unique().drop_nulls().to_list()))
    days = pl.DataFrame({"day": pl.date_range(lo, hi, "1d", eager=True)})

    # Entries: crossing-level where the source names a crossing, route-level where it does not.
    keyed = entries.with_columns(
        pl.when(pl.col("crossing").is_not_null())
        .then(pl.col("crossing"))
        .otherwise(pl.lit("route:") + pl.col("route").fill_null("unknown"))
        .alias("key"),
    )
    per_day = keyed.group_by("date", "key", "publisher").agg(
        pl.col("consignments").sum(), _sum_or_null("trucks"), _sum_or_null("tonnes")
    )
    wide = _widen(per_day, publishers)

    route_keys = sorted(k for k in keyed["key"].unique().to_list() if k.startswith("route:"))
    if crossing is not None:
        route_keys = []
    grid = pl.concat(
        [
            days.join(pl.DataFrame({"key": known, "level": ["crossing"] * len(known)}), how="cross"),
            days.join(pl.DataFrame({"key": route_keys, "level": ["route"] * len(route_keys)},
                                   schema={"key": pl.String, "level": pl.String}), how="cross"),
        ]
    )
    frame = grid.join(wide, left_on=["day", "key"], right_on=["date", "key"], how="left")
    frame = frame.join(_events_in_force(days, events), left_on=["day", "key"], right_on=["day", "crossing"], how="left")

    recorded = [pl.col(f"{p}|consignments").fill_null(0) > 0 for p in publishers]
    any_recorded = pl.any_horizontal(recorded) if recorded else pl.lit(False)
    who = pl.concat_str([pl.when(r).then(pl.lit(p)) for p, r in zip(publishers, recorded, strict=True)],
                        separator=", ", ignore_nulls=True) if publishers else pl.lit("")
    covering = [
        pl.when((pl.col("day") >= first) & (pl.col("day") <= last)).then(pl.lit(p))
        for p, (first, last) in sorted(coverage.items())
    ]
    covered_by = pl.concat_str(covering, separator=", ", ignore_nulls=True) if covering else pl.lit("")
    is_route = pl.col("level") == "route"
    frame = frame.with_columns(any_recorded.alias("_recorded"), who.alias("_who"), covered_by.alias("_covered"))
    frame = frame.with_columns(
        pl.when(is_route).then(pl.lit("unknown"))
        .when(pl.col("event_status").is_not_null()).then(pl.col("event_status"))
        .when(pl.col("_recorded")).then(pl.lit("open"))
        .when(pl.col("_covered") != "").then(pl.lit("no data"))
        .otherwise(pl.lit("unknown")).alias("status"),
        pl.when(is_route).then(pl.lit("route total"))
        .when(pl.col("event_status").is_not_null()).then(pl.lit("reported"))
        .when(pl.col("_recorded")).then(pl.lit("inferred"))
        .otherwise(pl.lit("none")).alias("basis"),
        pl.when(is_route).then(
            pl.lit("route total (") + pl.col("_who").replace("", "nothing recorded")
            + pl.lit("): no crossing breakdown, so no crossing status is inferred"))
        .when(pl.col("event_status").is_not_null()).then(pl.lit("reported: ") + pl.col("event_source"))
        .when(pl.col("_recorded")).then(pl.lit("inferred from entries: ") + pl.col("_who"))
        .when(pl.col("_covered") != "").then(
            pl.lit("no entries recorded (day covered by ") + pl.col("_covered") + pl.lit(")"))
        .otherwise(pl.lit("no source covers this day")).alias("status_source"),
        pl.when(~is_route & (pl.col("event_status") == "closed") & pl.col("_recorded"))
        .then(pl.lit("entries recorded on a day reported closed: ") + pl.col("_who"))
        .otherwise(None).alias("flag"),
    )
    return frame.drop("_recorded", "_who", "_covered").sort("level", "key", "day"), publishers, coverage


def _widen(per_day: pl.DataFrame, publishers: list[str]) -> pl.DataFrame:
    """(date, key, publisher, measures) -> one row per (date, key) with ``<publisher>|<measure>`` columns."""
    out = per_day.select("date", "key").unique()
    for p in publishers:
        part = per_day.filter(pl.col("publisher") == p).select(
            "date", "key", *[pl.col(m).alias(f"{p}|{m}") for m in MEASURES]
        )
        out = out.join(part, on=["date", "key"], how="left")
    return out


def _events_in_force(days: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """For each crossing and day, the event in force: the latest start on or before the day whose
    end (if any) has not passed; a dated short event (with an end) wins over an open-ended one of
    the same start."""
    cols = ["day", "crossing", "event_status", "event_source", "event_verified", "event_id"]
    if events.height == 0:
        return pl.DataFrame(schema={c: (pl.Date if c == "day" else events.schema[c]) for c in cols})
    far = date(9999, 12, 31)
    pairs = days.join(events, how="cross").filter(
        (pl.col("start") <= pl.col("day")) & (pl.col("end").fill_null(far) >= pl.col("day"))
    )
    return (
        pairs.sort("start", pl.col("end").is_not_null(), "event_id")
        .group_by("crossing", "day", maintain_order=True)
        .last()
        .select(cols)
    )


def _period_frame(daily: pl.DataFrame, by: str, publishers: list[str]) -> pl.DataFrame:
    """Days summed into weeks (from Monday) or months: status is the day status when uniform, else
    ``mixed``, with the count of days in each status."""
    period = pl.col("day").dt.truncate(TRUNCATE[by]).alias("period")
    measures = [_sum_or_null(f"{p}|{m}") for p in publishers for m in MEASURES]
    counts = [(pl.col("status") == s).sum().alias(f"days_{s.replace(' ', '_')}") for s in STATUSES]
    return (
        daily.with_columns(period)
        .group_by("level", "key", "period")
        .agg(
            pl.when(pl.col("status").n_unique() == 1).then(pl.col("status").first()).otherwise(pl.lit("mixed"))
            .alias("status"),
            pl.col("status_source").unique(maintain_order=True).str.join("; ").alias("status_source"),
            pl.col("flag").drop_nulls().unique(maintain_order=True).str.join("; ").alias("flag"),
            *counts,
            *measures,
        )
        .with_columns(pl.col("flag").replace("", None))
        .sort("level", "key", "period")
    )


def timeline(
    conn: Connection,
    date_from: date | None = None,
    date_to: date | None = None,
    crossing: str | None = None,
    by: str = "day",
    rules: AssumptionSet | None = None,
    access_rules: AssumptionSet | None = None,
) -> ResultTable:
    """The access timeline as a cited table: one row per crossing (or route total) and period.

    Each row carries ``crossing``, ``level``, ``period``, ``status``, ``status_source``, ``flag``, flat
    ``<PUBLISHER>_<measure>`` columns and a nested ``sources`` mapping publisher -> consignments,
    trucks, tonnes (missing, not zero, when the source recorded nothing there).
    """
    if by not in TRUNCATE:
        raise UserError(f"--by expects one of day, week, month; got {by!r}")
    daily, publishers, coverage = daily_frame(conn, date_from, date_to, crossing, rules)
    frame = daily.rename({"day": "period"}) if by == "day" else _period_frame(daily, by, publishers)
    rows: list[dict[str, Any]] = []
    for rec in frame.iter_rows(named=True):
        row: dict[str, Any] = {
            "crossing": rec["key"], "level": rec["level"], "period": rec["period"],
            "status": rec["status"], "status_source": rec["status_source"], "flag": rec["flag"],
        }
        if by != "day":
            row.update({f"days_{s.replace(' ', '_')}": rec[f"days_{s.replace(' ', '_')}"] for s in STATUSES})
        sources: dict[str, dict[str, Any]] = {}
        for p in publishers:
            values = {m: _round(rec[f"{p}|{m}"]) for m in MEASURES}
            if values["consignments"] is not None:
                values["consignments"] = int(values["consignments"])
            sources[p] = values
            row.update({f"{p}_{m}": v for m, v in values.items()})
        row["sources"] = sources
        rows.append(row)
    columns = [
        Column("crossing", "#loc+code+crossing"),
        Column("level", "#loc+type"),
        Column("period", f"#date+{by}", "period start" if by != "day" else "day"),
        Column("status", "#status"),
        Column("status_source", "#meta+source+status", "status source"),
    ]
    if by != "day":
        names = [s.replace(" ", "_") for s in STATUSES]
        columns += [Column(f"days_{n}", f"#indicator+num+days+{n}") for n in names]
    for p in publishers:
        tag = p.lower().replace(" ", "_")
        columns += [Column(f"{p}_{m}", f"#indicator+num+{m}+{tag}", f"{p} {m}") for m in MEASURES]
    columns.append(Column("flag", "#meta+flag"))
    notes = [
        "status 'open' with status_source 'inferred from entries' means a source recorded entries that day; it is "
        "not a reported opening. 'no data' means nothing was recorded and nothing reported: it is never a closure.",
        "a reported status holds until the next reported event for that crossing (an event with an end date "
        "stops then); days held as closed on which entries were recorded are flagged",
        "route-level rows carry the figures of sources without a crossing breakdown (COGAT land); they are never "
        "spread over crossings",
    ]
    notes += [f"{p} covers {first} to {last}" for p, (first, last) in sorted(coverage.items())]
    return ResultTable(
        title=f"Access timeline by {by}" + (f" at {crossing}" if crossing else ""),
        columns=columns,
        rows=rows,
        sources=_sources(conn),
        notes=notes + _partial_notes(daily, access_rules or load_set("access")),
        query={"from": date_from, "to": date_to, "crossing": crossing, "by": by},
    )


def _round(value: Any) -> Any:
    return round(float(value), 3) if value is not None else None


def _partial_notes(daily: pl.DataFrame, access_rules: AssumptionSet) -> list[str]:
    partial = access_rules.tables["dates"]["unrwa_partial_from"]["value"]
    if daily.height and daily["day"].max() >= partial:  # type: ignore[operator]
        return [f"UNRWA data from {partial} is partial (UN staff could no longer be present at Kerem Shalom): "
                "fewer UNRWA entries after that date reflect monitoring as well as entries"]
    return []


def _sources(conn: Connection) -> list[dict[str, Any]]:
    cited = queries_access.delivery_sources(conn)
    seen = {(c["publisher"], c["title"]) for c in cited}
    for obs in queries_access.observations(conn, STATUS_INDICATOR):
        entry = source_entry(obs)
        if (entry["publisher"], entry["title"]) not in seen:
            seen.add((entry["publisher"], entry["title"]))
            cited.append(entry)
    return cited


def closures(
    conn: Connection,
    date_from: date | None = None,
    date_to: date | None = None,
    crossing: str | None = None,
    rules: AssumptionSet | None = None,
) -> ResultTable:
    """Reported closures and restrictions as periods with their duration in days (only reported
    events make a closure; days without data never do)."""
    daily, publishers, _ = daily_frame(conn, date_from, date_to, crossing, rules)
    shut = daily.filter((pl.col("basis") == "reported") & pl.col("status").is_in(["closed", "restricted"]))
    window_end = daily["day"].max() if daily.height else None
    rows: list[dict[str, Any]] = []
    if shut.height:
        runs = shut.sort("key", "day").with_columns(
            ((pl.col("day").diff().dt.total_days().fill_null(0) != 1)
             | (pl.col("status") != pl.col("status").shift(1))
             | (pl.col("key") != pl.col("key").shift(1))).cum_sum().alias("run")
        )
        agg = runs.group_by("run", maintain_order=True).agg(
            pl.col("key").first(), pl.col("status").first(), pl.col("day").min().alias("start"),
            pl.col("day").max().alias("end"), pl.len().alias("days"), pl.col("status_source").first(),
            pl.col("flag").drop_nulls().unique().str.join("; ").alias("flag"),
            *[pl.col(f"{p}|consignments").sum().alias(f"{p}_consignments") for p in publishers],
        )
        for rec in agg.iter_rows(named=True):
            row = {
                "crossing": rec["key"], "status": rec["status"], "start": rec["start"], "end": rec["end"],
                "days": rec["days"], "ongoing": rec["end"] == window_end,
                "status_source": rec["status_source"], "flag": rec["flag"] or None,
            }
            row.update({f"{p}_consignments": int(rec[f"{p}_consignments"] or 0) for p in publishers})
            rows.append(row)
    columns = [
        Column("crossing", "#loc+code+crossing"), Column("status", "#status"),
        Column("start", "#date+start"), Column("end", "#date+end"), Column("days", "#indicator+num+days"),
        Column("ongoing", "#status+ongoing", "still in force at the end of the window"),
        Column("status_source", "#meta+source+status", "status source"),
    ]
    columns += [Column(f"{p}_consignments", f"#indicator+num+consignments+{p.lower()}",
                       f"{p} consignments recorded meanwhile") for p in publishers]
    columns.append(Column("flag", "#meta+flag"))
    return ResultTable(
        title="Reported closures and restrictions" + (f" at {crossing}" if crossing else ""),
        columns=columns,
        rows=rows,
        sources=_sources(conn),
        notes=["a closure runs from its reported start until the next reported event (or its reported end); "
               "'ongoing' = still in force on the last day shown",
               "days with no data are never counted as closed"],
        query={"from": date_from, "to": date_to, "crossing": crossing},
    )


def throughput(
    conn: Connection,
    date_from: date | None = None,
    date_to: date | None = None,
    by: str = "month",
    rules: AssumptionSet | None = None,
    access_rules: AssumptionSet | None = None,
) -> ResultTable:
    """Trucks per day by source and period against the pre-war baseline and the stated need in force.

    Per-day rates divide by the days of the period the source covers. The baseline is per working
    day, converted to calendar days with the ``working_days_per_week`` assumption.
    """
    if by not in TRUNCATE:
        raise UserError(f"--by expects one of day, week, month; got {by!r}")
    norm = rules or load_set("normalisation")
    acc = access_rules or load_set("access")
    coverage = {r["publisher"]: (r["first"], r["last"]) for r in queries_access.delivery_coverage(conn)}
    if not coverage:
        raise UserError("nothing to show: no deliveries are stored (import line lists with `lifeline import`)")
    lo = date_from or min(c[0] for c in coverage.values())
    hi = date_to or max(c[1] for c in coverage.values())
    entries = _entries(conn, lo, hi, norm.value("kg_per_tonne"))
    period = pl.col("date").dt.truncate(TRUNCATE[by]).alias("period")
    agg = (
        entries.with_columns(period)
        .group_by("period", "publisher")
        .agg(
            pl.col("consignments").sum(), _sum_or_null("trucks"), _sum_or_null("tonnes"),
            pl.col("trucks").filter(pl.col("category") == "food").sum().alias("food_trucks"),
        )
        .sort("period", "publisher")
    )
    base = _baselines(conn, acc)
    per_day = acc.value("working_days_per_week") / 7.0
    rows: list[dict[str, Any]] = []
    for rec in agg.iter_rows(named=True):
        first, last = coverage[rec["publisher"]]
        p_start = max(rec["period"], lo, first)
        p_end = min(period_end(rec["period"], by), hi, last)
        days = (p_end - p_start).days + 1
        trucks_day = rec["trucks"] / days if rec["trucks"] is not None and days > 0 else None
        food_day = rec["food_trucks"] / days if days > 0 else None
        need = _need_in_force(base["need"], p_end)
        prewar = base["trucks_all"]["value"] * per_day if base["trucks_all"] else None
        prewar_food = base["trucks_food"]["value"] if base["trucks_food"] else None
        rows.append({
            "period": rec["period"], "source": rec["publisher"], "days": days,
            "trucks": _round(rec["trucks"]), "trucks_per_day": _round(trucks_day),
            "food_trucks_per_day": _round(food_day),
            "prewar_trucks_per_day": _round(prewar),
            "share_of_prewar": _round(trucks_day / prewar) if trucks_day is not None and prewar else None,
            "prewar_food_trucks_per_day": prewar_food,
            "share_of_prewar_food": _round(food_day / prewar_food) if food_day is not None and prewar_food else None,
            "stated_need": need["value"] if need else None,
            "share_of_need": _round(trucks_day / need["value"]) if need and trucks_day is not None else None,
            "need_source": citation(need) if need else None,
        })
    columns = [
        Column("period", f"#date+{by}", "period start"), Column("source", "#meta+source"),
        Column("days", "#indicator+num+days", "days covered"), Column("trucks", "#indicator+num+trucks"),
        Column("trucks_per_day", "#indicator+num+trucks+per_day", "trucks/day"),
        Column("food_trucks_per_day", "#indicator+num+trucks+food+per_day", "food trucks/day"),
        Column("prewar_trucks_per_day", "#indicator+num+trucks+baseline", "pre-war trucks/day"),
        Column("share_of_prewar", "#indicator+num+pct+baseline", "share of pre-war"),
        Column("prewar_food_trucks_per_day", "#indicator+num+trucks+food+baseline", "pre-war food trucks/day"),
        Column("share_of_prewar_food", "#indicator+num+pct+food+baseline", "share of pre-war food"),
        Column("stated_need", "#indicator+num+trucks+need", "stated need (trucks/day)"),
        Column("share_of_need", "#indicator+num+pct+need", "share of need"),
        Column("need_source", "#meta+source+need", "need stated by"),
    ]
    prewar_row = base["trucks_all"]
    notes = [f"pre-war baseline: {prewar_row['value']:.0f} trucks per working day ({citation(prewar_row)}), "
             f"x {acc.value('working_days_per_week'):.0f}/7 per calendar day (assumption working_days_per_week: "
             f"{acc.get('working_days_per_week').source})" if prewar_row else
             "no pre-war baseline is stored: run `lifeline reference load`"]
    if base["trucks_food"]:
        notes.append(f"pre-war food trucks: {base['trucks_food']['value']:.0f}/day ({citation(base['trucks_food'])})")
    notes.append("stated need in force = the latest dated statement of trucks/day needed on or before the period's "
                 "last day (statements dated only by month or year are listed by `lifeline series` but not used)")
    notes.append("UNRWA and COGAT count different things (trucks collected vs trucks crossing); compare them with "
                 "`lifeline sources compare`")
    return ResultTable(
        title=f"Throughput by {by} against the pre-war baseline and the stated need",
        columns=columns,
        rows=rows,
        sources=queries_access.delivery_sources(conn) + [source_entry(o) for o in _baseline_rows(base)],
        notes=notes,
        query={"from": date_from, "to": date_to, "by": by},
    )


def period_end(start: date, by: str) -> date:
    """The last day of the day / week (from Monday) / month starting at ``start``."""
    if by == "day":
        return start
    if by == "week":
        return start + timedelta(days=6)
    nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _baselines(conn: Connection, acc: AssumptionSet) -> dict[str, Any]:
    """The reference figures named in access.toml [baselines]: latest point figure for each."""
    names = acc.tables["baselines"]
    out: dict[str, Any] = {}
    for key in ("trucks_all", "trucks_food"):
        rows = [r for r in queries_access.observations(conn, names[key]) if r["value"] is not None]
        out[key] = max(rows, key=lambda r: (r["cited_date"] or date.min, r["id"])) if rows else None
    out["need"] = [r for r in queries_access.observations(conn, names["need"])
                   if r["value"] is not None and r["period_end"] is None]
    return out


def _baseline_rows(base: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in (base["trucks_all"], base["trucks_food"]) if r] + list(base["need"])


def _need_in_force(needs: list[dict[str, Any]], day: date) -> dict[str, Any] | None:
    dated = [n for n in needs if n["date"] <= day]
    return max(dated, key=lambda n: (n["date"], n["id"])) if dated else None
