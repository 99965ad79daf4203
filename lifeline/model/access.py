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
from lifeline.formats.labels import publisher_label
from lifeline.model import contexts, crossing_status, stated_needs
from lifeline.model.series import citation, is_verified, publisher, source_entry
from lifeline.store import queries_access, window

STATUS_INDICATOR = "crossing_status"
# A ``#status`` file naming no indicator imports as ``status``; at an entry point it is the crossing's status.
GENERIC_STATUS = "status"
REPORTED_STATUSES = ("open", "closed", "restricted")
STATUSES = ("open", "closed", "restricted", "disputed", "no data", "unknown")
OPEN_BASES = ("reported", "entries")
MEASURES = ("consignments", "trucks", "tonnes")
TRUNCATE = {"day": "1d", "week": "1w", "month": "1mo"}


def crossing_codes(rules: AssumptionSet | None = None) -> dict[str, str]:
    """Crossing code -> route, from the normalisation rules (the codes every importer maps to)."""
    rules = rules or load_set("normalisation")
    return {code: str(spec.get("route", "land")) for code, spec in rules.tables["crossings"].items()}


def status_observations(conn: Connection, scope: contexts.Scope | None = None) -> list[dict[str, Any]]:
    """The context's crossing-status observations: ``crossing_status`` anywhere, and plain ``status`` values
    (a ``#status`` file naming no indicator) at one of its entry points."""
    sc = scope or contexts.Scope(None)
    entry_points = sc.crossings() or crossing_codes()
    obs = queries_access.observations(conn, STATUS_INDICATOR) + [
        o for o in queries_access.observations(conn, GENERIC_STATUS) if o["location"] in entry_points]
    return sorted((o for o in obs if sc.keeps(o["location"])), key=lambda o: (o["location"], o["date"], o["id"]))


def status_reports(conn: Connection, scope: contexts.Scope | None = None) -> list[crossing_status.Report]:
    """Reported crossing-status events (reference set or any imported observation) of the context, with
    citations."""
    return crossing_status.reports_from(status_observations(conn, scope), citation, is_verified, publisher)


def _entries(conn: Connection, date_from: date | None, date_to: date | None, kg_per_tonne: float,
             scope: contexts.Scope) -> pl.DataFrame:
    rows = queries_access.daily_deliveries(conn, date_from, date_to, scope=scope.deliveries)
    schema = {"date": pl.Date, "crossing": pl.String, "route": pl.String, "category": pl.String,
              "commodity": pl.String, "publisher": pl.String, "consignments": pl.Float64, "trucks": pl.Float64,
              "kg": pl.Float64, "rows_with_weight": pl.Int64, "rows": pl.Int64, "rows_with_trucks": pl.Int64}
    frame = pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)
    return frame.with_columns((pl.col("kg") / kg_per_tonne).alias("tonnes"))


def untrucked_note(publisher: str, rows: int, with_trucks: int) -> str | None:
    """Where some of a list's rows carry no truck count: said beside the figure, one rule on every face
    (docs/access.md "Rows without a truck count"): its trucks and trucks/day count the other rows only, so
    they are a lower bound ("at least"), and a lower bound never shows a rate below a threshold (trucks-low
    has no mean over a window holding such a day)."""
    missing = rows - with_trucks
    if missing <= 0 or with_trucks == 0:
        return None
    return (f"{missing} of {rows} rows of {publisher} have no truck count: its trucks and trucks/day count the "
            "other rows only, a lower bound (at least)")


def _sum_or_null(name: str) -> pl.Expr:
    """Sum that stays missing when every value is missing (no data is not zero)."""
    return pl.when(pl.col(name).is_not_null().any()).then(pl.col(name).sum()).otherwise(None).alias(name)


def daily_frame(
    conn: Connection,
    date_from: date | None = None,
    date_to: date | None = None,
    crossing: str | None = None,
    rules: AssumptionSet | None = None,
    access_rules: AssumptionSet | None = None,
    context: str | None = None,
) -> tuple[pl.DataFrame, list[str], dict[str, tuple[date, date]]]:
    """One row per crossing (and source-only route total) and day with status and per-source figures.

    Returns the frame, the publishers with deliveries (column prefixes ``<publisher>|<measure>``) and
    each publisher's coverage (first, last day). A source's cell is 0 only where the source covers that
    place and day and recorded nothing; where it does not cover them the cell is missing and
    ``not_covered`` says why. The crossings are the context's entry points (the normalisation rules'
    crossings in a store without places).
    """
    norm = rules or load_set("normalisation")
    acc = access_rules or load_set("access")
    sc = contexts.scope(conn, context)
    codes = sc.crossings() or crossing_codes(norm)
    coverage = _coverage(conn, sc)
    reports = status_reports(conn, sc)
    shown = window.span(default_span(coverage, reports), date_from, date_to)
    lo, hi = shown.first, shown.last
    if lo is None or hi is None:
        raise UserError("nothing to show: no deliveries and no crossing status events are stored "
                        + (f"for context {sc.code!r} (import its files with `lifeline import`)" if sc.context
                           else "(import line lists with `lifeline import`, and `lifeline reference load`)"))
    if hi < lo:
        if date_from and date_to:
            raise UserError(f"--from {lo} is after --to {hi}")
        raise UserError(f"nothing to show between {lo} and {hi}: the stored deliveries and events "
                        f"{'end on ' + str(hi) if date_from else 'start on ' + str(lo)}")
    entries = _entries(conn, lo, hi, norm.value("kg_per_tonne"), sc)
    known = sorted(set(codes) | set(entries["crossing"].drop_nulls().unique()) | {r.crossing for r in reports})
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
    frame = source_cells(frame, publishers, coverage, source_reach(conn, sc), codes)
    frame = frame.with_columns(_who_recorded(publishers))
    status = _status_columns(frame, reports, crossing_status.validity_days(acc))
    return frame.hstack(status).drop("_who", "_covered_by").sort("level", "key", "day"), publishers, coverage


def _who_recorded(publishers: list[str]) -> pl.Expr:
    """The publishers that recorded entries on the row's place and day, as text ("" when none)."""
    if not publishers:
        return pl.lit("").alias("_who")
    recorded = [pl.col(f"{p}|consignments").fill_null(0) > 0 for p in publishers]
    return pl.concat_str([pl.when(r).then(pl.lit(p)) for p, r in zip(publishers, recorded, strict=True)],
                         separator=", ", ignore_nulls=True).fill_null("").alias("_who")


# ---------------------------------------------------------------------------------------------------
# Which source covers which place: a count is 0 only where the source covers the place and the day.

def _coverage(conn: Connection, sc: contexts.Scope) -> dict[str, tuple[date, date]]:
    found = queries_access.delivery_coverage(conn, scope=sc.deliveries)
    return {r["publisher"]: (r["first"], r["last"]) for r in found}


def source_reach(conn: Connection, sc: contexts.Scope | None = None) -> dict[str, dict[str, dict[str, bool]]]:
    """Per publisher and route: whether its rows name the crossing (most of them do), and whether they carry
    trucks and weights at all. A route a publisher never recorded is absent."""
    out: dict[str, dict[str, dict[str, bool]]] = {}
    for r in queries_access.route_breakdown(conn, sc.deliveries if sc else None):
        out.setdefault(r["publisher"], {})[r["route"] or "unknown"] = {
            "by_crossing": 2 * r["rows_with_crossing"] > r["rows"],
            "trucks": r["rows_with_trucks"] > 0,
            "tonnes": r["rows_with_weight"] > 0,
        }
    return out


def _reach_reason(publisher: str, route: str, reach: dict[str, dict[str, bool]] | None, route_row: bool) -> str | None:
    """Why a publisher's figures do not apply to a crossing (or route total) at all, or None if they do."""
    spec = (reach or {}).get(route)
    if spec is None:
        return f"{publisher} records no {route} entries"
    if route_row and spec["by_crossing"]:
        return f"{publisher} names the crossing of its {route} entries (see the crossing rows)"
    if not route_row and not spec["by_crossing"]:
        return f"{publisher} gives no crossing for its {route} entries (see the route:{route} row)"
    return None


def source_cells(
    frame: pl.DataFrame,
    publishers: list[str],
    coverage: dict[str, tuple[date, date]],
    reach: dict[str, dict[str, dict[str, bool]]],
    codes: dict[str, str],
) -> pl.DataFrame:
    """Turn each source's missing figures into 0 where it covers the place and day (it recorded nothing),
    and leave them missing where it does not, with the reason in ``not_covered``."""
    route = pl.when(pl.col("level") == "route").then(pl.col("key").str.strip_prefix("route:")).otherwise(
        pl.col("key").replace_strict(codes, default="land"))
    frame = frame.with_columns(route.alias("_route"))
    reasons: list[pl.Expr] = []
    covering: list[pl.Expr] = []
    updates: list[pl.Expr] = []
    for p in publishers:
        first, last = coverage.get(p, (None, None))
        in_span = (pl.col("day") >= first) & (pl.col("day") <= last) if first else pl.lit(False)
        span_reason = pl.lit(f"{p}: its list covers {first} to {last}" if first else f"{p}: no deliveries")
        place_reason = pl.lit(None, pl.String)
        for rt in sorted(set(frame["_route"].unique().to_list())):
            for route_row in (False, True):
                why = _reach_reason(p, rt, reach.get(p), route_row)
                if why:
                    place_reason = pl.when((pl.col("_route") == rt) & ((pl.col("level") == "route") == route_row)) \
                        .then(pl.lit(f"{p}: {why.removeprefix(p + ' ')}")).otherwise(place_reason)
        why_not = pl.when(place_reason.is_not_null()).then(place_reason).when(~in_span).then(span_reason)
        reasons.append(why_not)
        covered = why_not.is_null()
        covering.append(pl.when(covered).then(pl.lit(p)))
        for m in MEASURES:
            carried = pl.lit(True) if m == "consignments" else pl.lit(False)
            if m != "consignments":
                for rt, spec in reach.get(p, {}).items():
                    carried = pl.when(pl.col("_route") == rt).then(pl.lit(spec[m])).otherwise(carried)
            col = f"{p}|{m}"
            updates.append(
                pl.when(pl.col(col).is_not_null()).then(pl.col(col))
                # nothing recorded at all: 0 where covered; a recorded row without the measure stays missing
                .when(covered & carried & pl.col(f"{p}|consignments").is_null()).then(pl.lit(0.0))
                .otherwise(None).alias(col)
            )
    not_covered = (pl.concat_str(reasons, separator="; ", ignore_nulls=True) if reasons
                   else pl.lit(None, pl.String))
    covered_by = (pl.concat_str(covering, separator=", ", ignore_nulls=True).fill_null("") if covering
                  else pl.lit(""))
    return frame.with_columns(*updates, not_covered.replace("", None).alias("not_covered"),
                              covered_by.alias("_covered_by")).drop("_route")


# ---------------------------------------------------------------------------------------------------
# Status: the reports in force, their age and validity, and the entries recorded.

STATUS_FIELDS = {
    "status": pl.String, "basis": pl.String, "status_label": pl.String, "status_shown": pl.String,
    "reported_status": pl.String, "basis_date": pl.Date, "age_days": pl.Int64, "valid_until": pl.Date,
    "status_source": pl.String, "disputed_by": pl.String, "flag": pl.String,
}


def _status_columns(
    frame: pl.DataFrame, reports: list[crossing_status.Report], validity: dict[str, int]
) -> pl.DataFrame:
    """One status record per row of ``frame`` (same order)."""
    by_crossing: dict[str, list[crossing_status.Report]] = {}
    for r in reports:
        by_crossing.setdefault(r.crossing, []).append(r)
    out = [
        _day_status(level, key, day, who, covered, by_crossing.get(key, []), validity)
        for level, key, day, who, covered in frame.select(
            "level", "key", "day", "_who", "_covered_by").iter_rows()
    ]
    return pl.DataFrame(out, schema=STATUS_FIELDS, orient="row") if out else pl.DataFrame(schema=STATUS_FIELDS)


def _day_status(
    level: str, key: str, day: date, who: str, covered_by: str,
    reports: list[crossing_status.Report], validity: dict[str, int],
) -> tuple[Any, ...]:
    """status, basis, label, shown, reported_status, basis_date, age_days, valid_until, source, disputed_by, flag."""
    if level == "route":
        text = (f"route total ({who or 'nothing recorded'}): no crossing breakdown, so no crossing status "
                "is inferred")
        return ("unknown", "route total", "route total", "unknown", None, None, None, None, text, None, None)
    reading = crossing_status.read(reports, day, validity)
    rep = reading.report
    age = reading.age(day)
    if rep is not None:
        basis_date, later = rep.basis_on(day), rep.reported_after(day)
        standing = (f"reported {age} day{'s' if age != 1 else ''} before, stands until {reading.valid_until}"
                    if age else f"stands until {reading.valid_until}")
        said = f"reported later, on {later}" if later else "reported"
        source = f"{said}: {rep.source}{'' if rep.verified else ' [UNVERIFIED]'} ({standing})"
        against = [f"{r.publisher} reported {r.describe()}" for r in reading.contradicted_by]
        if rep.status == "closed" and who:
            against.append(f"entries recorded by {who}")
        if against:
            sides = f"{rep.publisher} reported {rep.status} | " + " | ".join(against)
            flag = f"entries recorded on a day reported closed: {who}" if rep.status == "closed" and who else None
            return ("disputed", "disputed", f"disputed: {sides}", "disputed", rep.status, basis_date, age,
                    reading.valid_until, source, sides, flag)
        label = f"{rep.status} ({said})"
        if who:
            source += f"; entries recorded by {who}"
        return (rep.status, "reported", label, f"{rep.status} (reported)" if rep.status == "open" else rep.status,
                rep.status, basis_date, age, reading.valid_until, source, None, None)
    last = reading.last
    lapsed = None
    if last is not None:
        lapsed = (f"last reported {last.status} on {last.attested} ({last.source}"
                  f"{'' if last.verified else ' [UNVERIFIED]'}), {age} days before; it lapsed after "
                  f"{last.stands_until(validity)}")
    if who:  # after a lapse too, whatever the last report said: the closures table ends the report there
        # (docs/access.md rule 3), so the timeline, the closures table and the sitrep count the same days
        source = f"inferred from entries: {who}" + (f"; {lapsed}" if lapsed else "")
        return ("open", "entries", "open (entries recorded)", "open (entries recorded)", None, day, 0, None,
                source, None, None)
    nothing = f"no entries recorded (day covered by {covered_by})" if covered_by else None
    if last is not None:
        return ("unknown", "lapsed", f"unknown — last reported {last.status} on {last.attested}", "unknown",
                None, last.attested, age, None, f"{lapsed}; {nothing or 'no source covers this day'}", None, None)
    if nothing:
        return ("no data", "none", "no data", "no data", None, None, None, None, nothing, None, None)
    return ("unknown", "none", "unknown", "unknown", None, None, None, None, "no source covers this day", None, None)


def _widen(per_day: pl.DataFrame, publishers: list[str]) -> pl.DataFrame:
    """(date, key, publisher, measures) -> one row per (date, key) with ``<publisher>|<measure>`` columns."""
    out = per_day.select("date", "key").unique()
    for p in publishers:
        part = per_day.filter(pl.col("publisher") == p).select(
            "date", "key", *[pl.col(m).alias(f"{p}|{m}") for m in MEASURES]
        )
        out = out.join(part, on=["date", "key"], how="left")
    return out


def _period_frame(daily: pl.DataFrame, by: str, publishers: list[str]) -> pl.DataFrame:
    """Days summed into weeks (from Monday) or months: status is the day status when uniform, else
    ``mixed``, with the count of days in each status (open split by its basis)."""
    period = pl.col("day").dt.truncate(TRUNCATE[by]).alias("period")
    measures = [_sum_or_null(f"{p}|{m}") for p in publishers for m in MEASURES]
    counts = [(pl.col("status") == s).sum().alias(f"days_{s.replace(' ', '_')}") for s in STATUSES]
    counts += [((pl.col("status") == "open") & (pl.col("basis") == b)).sum().alias(f"days_open_{b}")
               for b in OPEN_BASES]
    return (
        daily.with_columns(period)
        .group_by("level", "key", "period")
        .agg(
            pl.when(pl.col("status").n_unique() == 1).then(pl.col("status").first()).otherwise(pl.lit("mixed"))
            .alias("status"),
            pl.when(pl.col("status_label").n_unique() == 1).then(pl.col("status_label").first())
            .otherwise(pl.lit("mixed")).alias("status_label"),
            pl.col("status_source").unique(maintain_order=True).str.join("; ").alias("status_source"),
            pl.col("flag").drop_nulls().unique(maintain_order=True).str.join("; ").alias("flag"),
            pl.col("disputed_by").drop_nulls().unique(maintain_order=True).str.join("; ").alias("disputed_by"),
            pl.col("not_covered").drop_nulls().unique(maintain_order=True).str.join("; ").alias("not_covered"),
            *counts,
            *measures,
        )
        .with_columns(pl.col("flag", "disputed_by", "not_covered").replace("", None))
        .sort("level", "key", "period")
    )


def default_span(coverage: dict[str, tuple[date, date]],
                 reports: list[crossing_status.Report]) -> tuple[date, date] | None:
    """The days an access answer covers unless asked otherwise: the span of the context's delivery lists
    (first day of the earliest to last day of the latest); without lists, its status reports' span.
    A report from before the lists (the reference set goes back years) still sets the status on the first
    day it stands, and the days before are reachable with ``--from``."""
    if coverage:
        return min(c[0] for c in coverage.values()), max(c[1] for c in coverage.values())
    starts = [r.start for r in reports]
    return (min(starts), max(starts)) if starts else None


def span_notes(coverage: dict[str, tuple[date, date]], reports: list[crossing_status.Report],
               date_from: date | None, date_to: date | None) -> list[str]:
    """Which days are shown when a bound is not asked for (the default span, clamped by
    :func:`lifeline.store.window.span`), and the status reports they leave out."""
    shown = window.span(default_span(coverage, reports), date_from, date_to)
    said = shown.note("the delivery lists" if coverage else "the status reports")
    if said is None or shown.first is None or shown.last is None:
        return []
    out = [said]
    lo, hi = shown.first, shown.last
    before = sorted(r.start for r in reports if r.start < lo)
    after = sorted(r.start for r in reports if r.start > hi)
    if before and date_from is None:
        out.append(f"{len(before)} status report(s) from {before[0]} to {before[-1]} fall before it: "
                   f"--from {before[0]} shows them")
    if after and date_to is None:
        out.append(f"{len(after)} status report(s) from {after[0]} to {after[-1]} fall after it: "
                   f"--to {after[-1]} shows them")
    return out


DAY_FIELDS = ("status_label", "basis", "reported_status", "basis_date", "age_days", "valid_until", "disputed_by")


def timeline(
    conn: Connection,
    date_from: date | None = None,
    date_to: date | None = None,
    crossing: str | None = None,
    by: str = "day",
    rules: AssumptionSet | None = None,
    access_rules: AssumptionSet | None = None,
    context: str | None = None,
) -> ResultTable:
    """The access timeline as a cited table: one row per crossing (or route total) and period.

    Each row carries ``crossing``, ``level``, ``period``, ``status`` with its ``status_label``, basis,
    age and validity (days), ``status_source``, ``flag``, flat ``<PUBLISHER>_<measure>`` columns and a
    nested ``sources`` mapping publisher -> consignments, trucks, tonnes, covered, reason (0 only where
    the source covers the place and day and recorded nothing; missing, with the reason, where it does not).
    """
    if by not in TRUNCATE:
        raise UserError(f"--by expects one of day, week, month; got {by!r}")
    acc = access_rules or load_set("access")
    sc = contexts.scope(conn, context)
    daily, publishers, coverage = daily_frame(conn, date_from, date_to, crossing, rules, acc, sc.code)
    frame = daily.rename({"day": "period"}) if by == "day" else _period_frame(daily, by, publishers)
    day_counts = [f"days_{s.replace(' ', '_')}" for s in STATUSES] + [f"days_open_{b}" for b in OPEN_BASES]
    rows: list[dict[str, Any]] = []
    for rec in frame.iter_rows(named=True):
        row: dict[str, Any] = {
            "crossing": rec["key"], "level": rec["level"], "period": rec["period"],
            "status": rec["status"], "status_label": rec["status_label"],
        }
        if by == "day":
            row.update({k: rec[k] for k in DAY_FIELDS if k != "status_label"})
        else:
            row.update({k: rec[k] for k in day_counts})
            row["disputed_by"] = rec["disputed_by"]
        row.update({"status_source": rec["status_source"], "flag": rec["flag"], "not_covered": rec["not_covered"]})
        sources: dict[str, dict[str, Any]] = {}
        for p in publishers:
            values: dict[str, Any] = {m: _round(rec[f"{p}|{m}"]) for m in MEASURES}
            if values["consignments"] is not None:
                values["consignments"] = int(values["consignments"])
            row.update({f"{p}_{m}": v for m, v in values.items()})
            reason = _reason_for(rec["not_covered"], p)
            sources[p] = values | {"covered": reason is None, "reason": reason}
        row["sources"] = sources
        rows.append(row)
    columns = [
        Column("crossing", "#loc+code+crossing"),
        Column("level", "#loc+type"),
        Column("period", f"#date+{by}", "period start" if by != "day" else "day"),
        Column("status", "#status"),
        Column("status_label", "#status+label", "status (basis)"),
    ]
    if by == "day":
        columns += [
            Column("basis", "#status+basis", "basis"),
            Column("reported_status", "#status+reported", "report in force"),
            Column("basis_date", "#date+reported", "reported / recorded on"),
            Column("age_days", "#indicator+num+age+days", "age (days)"),
            Column("valid_until", "#date+valid", "stands until"),
        ]
    else:
        columns += [Column(k, f"#indicator+num+{k.replace('_', '+')}") for k in day_counts]
    columns += [Column("disputed_by", "#status+disputed", "disputed: both sides"),
                Column("status_source", "#meta+source+status", "status source")]
    for p in publishers:
        tag = p.lower().replace(" ", "_")
        columns += [Column(f"{p}_{m}", f"#indicator+num+{m}+{tag}", f"{publisher_label(p)} {m}") for m in MEASURES]
    columns += [Column("not_covered", "#meta+na", "n/a: source does not cover"), Column("flag", "#meta+flag")]
    return ResultTable(
        title=f"Access timeline by {by}" + (f" at {crossing}" if crossing else ""),
        columns=columns,
        rows=rows,
        sources=_sources(conn, sc),
        notes=status_notes(acc) + [f"{p} covers {first} to {last}" for p, (first, last) in sorted(coverage.items())]
        + span_notes(coverage, status_reports(conn, sc), date_from, date_to) + _partial_notes(daily, acc, publishers),
        query={"from": date_from, "to": date_to, "crossing": crossing, "by": by, "context": sc.code},
    )


def status_notes(acc: AssumptionSet) -> list[str]:
    """How to read a status, with the validity assumptions in force."""
    days = crossing_status.validity_days(acc)
    return [
        "'open (reported)' is a published report of an opening; 'open (entries recorded)' means a source recorded "
        "entries that day and nothing reported stands: it is not a reported opening. 'no data' means nothing was "
        "recorded and nothing reported: it is never a closure.",
        "a reported status stands from its start to its publication and then for "
        + ", ".join(f"{n} days ({k})" for k, n in days.items())
        + " unless renewed (assumptions status_valid_days_*; a report with an end date stands until that end); "
        "after that the day is 'unknown — last reported …'",
        "'disputed': a report in force says closed while a source recorded entries that day, or another "
        "publisher's report in force says otherwise; both sides are in disputed_by",
        "a source's count is 0 only where it covers the place and the day and recorded nothing; where it does not "
        "cover them the cell is empty and not_covered says why (a list that gives a route but no crossing appears "
        "only as route rows, never spread over crossings)",
    ]


def _reason_for(not_covered: str | None, publisher_name: str) -> str | None:
    for part in (not_covered or "").split("; "):
        if part.startswith(publisher_name + ": "):
            return part.removeprefix(publisher_name + ": ")
    return None


def _round(value: Any) -> Any:
    return round(float(value), 3) if value is not None else None


def _partial_notes(daily: pl.DataFrame, access_rules: AssumptionSet, publishers: list[str]) -> list[str]:
    """UNRWA's partial monitoring, where the window reaches it and UNRWA is one of the sources shown."""
    partial = access_rules.tables["dates"]["unrwa_partial_from"]["value"]
    if "UNRWA" in publishers and daily.height and daily["day"].max() >= partial:  # type: ignore[operator]
        return [f"UNRWA data from {partial} is partial (UN staff could no longer be present at Kerem Shalom): "
                "fewer UNRWA entries after that date reflect monitoring as well as entries"]
    return []


def _sources(conn: Connection, sc: contexts.Scope) -> list[dict[str, Any]]:
    cited = queries_access.delivery_sources(conn, scope=sc.deliveries)
    seen = {(c["publisher"], c["title"]) for c in cited}
    for obs in status_observations(conn, sc):
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
    access_rules: AssumptionSet | None = None,
    context: str | None = None,
) -> ResultTable:
    """Reported closures and restrictions as periods with their duration in days (only reported
    events make a closure; days without data never do). A closure ends at the next report, at its reported
    end, or when its report lapses unrenewed; days inside it on which entries were recorded are disputed."""
    acc = access_rules or load_set("access")
    sc = contexts.scope(conn, context)
    daily, publishers, coverage = daily_frame(conn, date_from, date_to, crossing, rules, acc, sc.code)
    shut = daily.filter(pl.col("reported_status").is_in(["closed", "restricted"]))
    window_end = daily["day"].max() if daily.height else None
    rows: list[dict[str, Any]] = []
    if shut.height:
        runs = shut.sort("key", "day").with_columns(
            ((pl.col("day").diff().dt.total_days().fill_null(0) != 1)
             | (pl.col("reported_status") != pl.col("reported_status").shift(1))
             | (pl.col("key") != pl.col("key").shift(1))).cum_sum().alias("run")
        )
        agg = runs.group_by("run", maintain_order=True).agg(
            pl.col("key").first(), pl.col("reported_status").first().alias("status"),
            pl.col("day").min().alias("start"), pl.col("day").max().alias("end"), pl.len().alias("days"),
            (pl.col("status") == "disputed").sum().alias("days_disputed"),
            pl.col("status_source").first(), pl.col("valid_until").last(),
            pl.col("flag").drop_nulls().unique().str.join("; ").alias("flag"),
            pl.col("not_covered").drop_nulls().unique(maintain_order=True).str.join("; ").alias("not_covered"),
            *[_sum_or_null(f"{p}|consignments").alias(f"{p}_consignments") for p in publishers],
        )
        for rec in agg.iter_rows(named=True):
            ongoing = rec["end"] == window_end
            row = {
                "crossing": rec["key"], "status": rec["status"], "start": rec["start"], "end": rec["end"],
                "days": rec["days"], "ongoing": ongoing,
                "ended": _closure_end(rec, ongoing), "days_disputed": rec["days_disputed"],
                "status_source": rec["status_source"], "flag": rec["flag"] or None,
                "not_covered": rec["not_covered"] or None,
            }
            row.update({f"{p}_consignments": _int(rec[f"{p}_consignments"]) for p in publishers})
            rows.append(row)
    columns = [
        Column("crossing", "#loc+code+crossing"), Column("status", "#status"),
        Column("start", "#date+start"), Column("end", "#date+end"), Column("days", "#indicator+num+days"),
        Column("ongoing", "#status+ongoing", "still in force at the end of the window"),
        Column("ended", "#status+end", "how it ended"),
        Column("days_disputed", "#indicator+num+days+disputed", "days disputed (entries recorded)"),
        Column("status_source", "#meta+source+status", "status source"),
    ]
    columns += [Column(f"{p}_consignments", f"#indicator+num+consignments+{p.lower()}",
                       f"{publisher_label(p)} consignments recorded meanwhile") for p in publishers]
    columns += [Column("not_covered", "#meta+na", "n/a: source does not cover"), Column("flag", "#meta+flag")]
    return ResultTable(
        title="Reported closures and restrictions" + (f" at {crossing}" if crossing else ""),
        columns=columns,
        rows=rows,
        sources=_sources(conn, sc),
        notes=["a closure runs from its reported start until the next reported event, its reported end, or the day "
               "its report lapses unrenewed (status_valid_days_*); 'ongoing' = still in force on the last day shown",
               "days with no data are never counted as closed",
               "consignments recorded meanwhile are empty (n/a) for a source that does not cover the crossing "
               "(not_covered says why), 0 only where it covers it and recorded nothing",
               *span_notes(coverage, status_reports(conn, sc), date_from, date_to)],
        query={"from": date_from, "to": date_to, "crossing": crossing, "context": sc.code},
    )


def _closure_end(rec: dict[str, Any], ongoing: bool) -> str:
    if ongoing:
        return "in force on the last day shown"
    if rec["valid_until"] is not None and rec["end"] == rec["valid_until"]:
        return f"report lapsed unrenewed after {rec['end']}"
    return f"another status reported from {rec['end'] + timedelta(days=1)}"


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


def throughput(
    conn: Connection,
    date_from: date | None = None,
    date_to: date | None = None,
    by: str = "month",
    rules: AssumptionSet | None = None,
    access_rules: AssumptionSet | None = None,
    context: str | None = None,
) -> ResultTable:
    """Trucks per day by source and period against the pre-war baseline and the stated need in force.

    Per-day rates divide by the days of the period the source covers. A baseline stated per working day
    is converted to calendar days with the ``working_days_per_week`` assumption (``calendar_day_factor``);
    one stated per day is used as stated. Baselines and stated
    needs are the context's own observations (at its root or one of its places).
    """
    if by not in TRUNCATE:
        raise UserError(f"--by expects one of day, week, month; got {by!r}")
    norm = rules or load_set("normalisation")
    acc = access_rules or load_set("access")
    sc = contexts.scope(conn, context)
    coverage = _coverage(conn, sc)
    if not coverage:
        raise UserError("nothing to show: no deliveries are stored" + (f" for context {sc.code!r}" if sc.deliveries
                        else "") + " (import line lists with `lifeline import`)")
    shown = window.span((min(c[0] for c in coverage.values()), max(c[1] for c in coverage.values())),
                        date_from, date_to)
    lo, hi = shown.first, shown.last
    assert lo is not None and hi is not None  # a default span always gives both
    entries = _entries(conn, lo, hi, norm.value("kg_per_tonne"), sc)
    period = pl.col("date").dt.truncate(TRUNCATE[by]).alias("period")
    agg = (
        entries.with_columns(period)
        .group_by("period", "publisher")
        .agg(
            pl.col("consignments").sum(), _sum_or_null("trucks"), _sum_or_null("tonnes"),
            pl.col("trucks").filter(pl.col("category") == "food").sum().alias("food_trucks"),
            pl.col("rows").sum(), pl.col("rows_with_trucks").sum(),
        )
        .sort("period", "publisher")
    )
    base = _baselines(conn, acc, sc)
    per_day, _why = calendar_day_factor(base["trucks_all"], acc)
    rows: list[dict[str, Any]] = []
    for rec in agg.iter_rows(named=True):
        first, last = coverage[rec["publisher"]]
        p_start = max(rec["period"], lo, first)
        p_end = min(period_end(rec["period"], by), hi, last)
        days = (p_end - p_start).days + 1
        trucks_day = rec["trucks"] / days if rec["trucks"] is not None and days > 0 else None
        food_day = rec["food_trucks"] / days if days > 0 else None
        standing = stated_needs.in_force(base["need"], p_start, p_end)
        need = standing[0].row if standing else None
        prewar = base["trucks_all"]["value"] * per_day if base["trucks_all"] else None
        prewar_food = base["trucks_food"]["value"] if base["trucks_food"] else None
        rows.append({
            "period": rec["period"], "source": rec["publisher"], "days": days,
            "trucks": _round(rec["trucks"]), "trucks_per_day": _round(trucks_day),
            "rows_without_trucks": int(rec["rows"] - rec["rows_with_trucks"]),
            "trucks_bound": "at least" if rec["trucks"] is not None and rec["rows_with_trucks"] < rec["rows"]
            else None,
            "food_trucks_per_day": _round(food_day),
            "prewar_trucks_per_day": _round(prewar),
            "share_of_prewar": _round(trucks_day / prewar) if trucks_day is not None and prewar else None,
            "prewar_food_trucks_per_day": prewar_food,
            "share_of_prewar_food": _round(food_day / prewar_food) if food_day is not None and prewar_food else None,
            "stated_need": need["value"] if need else None,
            "need_unit": standing[0].unit if standing else None,
            "need_valid_from": standing[0].valid_from if standing else None,
            "need_valid_until": standing[0].valid_until if standing else None,
            "need_days": standing[1] if standing else None,
            "share_of_need": _round(trucks_day / need["value"]) if need and trucks_day is not None else None,
            "need_source": f"{citation(need)} (stands {standing[0].valid_from} to {standing[0].valid_until}: "
                           f"{standing[0].until_why})" if standing and need else None,
        })
    columns = [
        Column("period", f"#date+{by}", "period start"), Column("source", "#meta+source"),
        Column("days", "#indicator+num+days", "days covered"), Column("trucks", "#indicator+num+trucks"),
        Column("trucks_per_day", "#indicator+num+trucks+per_day", "trucks/day"),
        Column("rows_without_trucks", "#indicator+num+rows+untrucked", "rows without a truck count"),
        Column("trucks_bound", "#meta+bound+trucks", "trucks: exact or at least"),
        Column("food_trucks_per_day", "#indicator+num+trucks+food+per_day", "food trucks/day"),
        Column("prewar_trucks_per_day", "#indicator+num+trucks+baseline", "pre-war trucks/day"),
        Column("share_of_prewar", "#indicator+num+pct+baseline", "share of pre-war"),
        Column("prewar_food_trucks_per_day", "#indicator+num+trucks+food+baseline", "pre-war food trucks/day"),
        Column("share_of_prewar_food", "#indicator+num+pct+food+baseline", "share of pre-war food"),
        Column("stated_need", "#indicator+num+trucks+need", "stated need (trucks/day)"),
        Column("need_unit", "#indicator+unit+need", "need unit"),
        Column("need_valid_from", "#date+start+need", "need stands from"),
        Column("need_valid_until", "#date+end+need", "need stands until"),
        Column("need_days", "#indicator+num+days+need", "days of the period the need stands"),
        Column("share_of_need", "#indicator+num+pct+need", "share of need"),
        Column("need_source", "#meta+source+need", "need stated by"),
    ]
    prewar_row = base["trucks_all"]
    notes = [baseline_note(prewar_row, acc) if prewar_row else
             (f"no pre-war baseline is stored for context {sc.code!r}" if sc.context is not None else
              "no pre-war baseline is stored: run `lifeline reference load`")]
    if base["trucks_food"]:
        notes.append(f"pre-war food trucks: {base['trucks_food']['value']:.0f}/day ({citation(base['trucks_food'])})")
    notes.append("stated need = the statement of trucks/day needed standing on most days of the period; a statement "
                 "stands over the period its source gives, else for "
                 f"{acc.value('stated_need_valid_days'):.0f} days (assumption stated_need_valid_days), and stops "
                 "when a "
                 "later one is made; none is shown where none stands (statements dated only by month or year are "
                 "listed by `lifeline series` but not used)")
    notes += baseline_period_note(prewar_row)
    if shown.cut:
        notes.append(str(shown.note("the delivery lists")))
    notes += publishers_note(sorted({r["source"] for r in rows if r["source"]}))
    totals = entries.group_by("publisher").agg(pl.col("rows").sum(), pl.col("rows_with_trucks").sum())
    notes += [n for t in totals.sort("publisher").iter_rows(named=True)
              if (n := untrucked_note(str(t["publisher"]), int(t["rows"]), int(t["rows_with_trucks"])))]
    return ResultTable(
        title=f"Throughput by {by} against the pre-war baseline and the stated need",
        columns=columns,
        rows=rows,
        sources=queries_access.delivery_sources(conn, scope=sc.deliveries)
        + [source_entry(o) for o in _baseline_rows(base)],
        notes=notes,
        query={"from": date_from, "to": date_to, "by": by, "context": sc.code},
    )


def baseline_period_note(row: dict[str, Any] | None) -> list[str]:
    """When the context's stored baseline was observed (its own row's date or period), or nothing without one:
    never another crisis's date."""
    if row is None or row.get("date") is None:
        return []
    start, end = row["date"], row.get("period_end")
    when = f"from {start} to {end}" if end and end != start else f"on {start}"
    return [f"pre-war baseline: the level {when}, shown for comparison, not a current need"]


# Lists whose difference is documented (docs/access.md): UNRWA counts trucks collected, COGAT trucks crossing.
KNOWN_DIFFERENCE = ({"UNRWA", "COGAT"},
                    "UNRWA and COGAT count different things (trucks collected vs trucks crossing)")


def publishers_note(publishers: list[str]) -> list[str]:
    """How the lists in the answer differ: the documented difference when both its lists are shown, a
    reminder naming the publishers shown when there are several, nothing for one list."""
    if len(publishers) < 2:
        return []
    pair, said = KNOWN_DIFFERENCE
    if pair <= set(publishers):
        return [f"{said}; compare them with `lifeline sources compare`"]
    names = ", ".join(publisher_label(p) for p in publishers)
    return [f"the lists of {names} may count different things; compare them with `lifeline sources compare`"]


def period_end(start: date, by: str) -> date:
    """The last day of the day / week (from Monday) / month starting at ``start``."""
    if by == "day":
        return start
    if by == "week":
        return start + timedelta(days=6)
    nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _baselines(conn: Connection, acc: AssumptionSet, sc: contexts.Scope) -> dict[str, Any]:
    """The reference figures named in access.toml [baselines] observed for the context: latest point figure
    for each."""
    names = acc.tables["baselines"]

    def own(indicator: str) -> list[dict[str, Any]]:
        return [r for r in queries_access.observations(conn, indicator) if sc.keeps(r["location"])]

    out: dict[str, Any] = {}
    for key in ("trucks_all", "trucks_food"):
        out[key] = baseline_in_force(own(names[key]))
    out["need"] = stated_needs.statements(own(names["need"]), int(acc.value("stated_need_valid_days")))
    return out


# A baseline's unit naming a working day ("trucks/working day", Gaza's reference rows): converted to calendar days.
WORKING_DAY_UNIT = "working day"


def calendar_day_factor(row: dict[str, Any] | None, acc: AssumptionSet | None = None) -> tuple[float, str]:
    """Calendar days' worth of one baseline day, and why: ``working_days_per_week``/7 only where the baseline's
    own unit says per working day (Gaza's 500 trucks per working day); a figure stated per calendar day
    (``trucks/day``) is used as stated, never shrunk by another crisis's working week."""
    unit = str((row or {}).get("unit") or "")
    if WORKING_DAY_UNIT not in unit.replace("_", " ").replace("-", " ").lower():
        return 1.0, "per day, as stated"
    aset = acc or load_set("access")
    days = float(aset.value("working_days_per_week"))
    return days / 7.0, "per working day"


def prewar_per_day(conn: Connection, sc: contexts.Scope,
                   acc: AssumptionSet | None = None) -> tuple[float, dict[str, Any], str] | None:
    """The context's pre-war trucks per calendar day every face compares with (throughput, overview, report,
    alerts): the baseline in force, converted only when stated per working day; with its row and a note naming
    value, unit, source and conversion. None without one: a context never meets another's baseline."""
    aset = acc or load_set("access")
    row = _baselines(conn, aset, sc)["trucks_all"]
    if row is None:
        return None
    factor, _why = calendar_day_factor(row, aset)
    return float(row["value"]) * factor, row, baseline_note(row, aset)


def baseline_note(row: dict[str, Any], acc: AssumptionSet) -> str:
    """The baseline's value, unit, source and (where stated per working day) its conversion, in one line."""
    factor, why = calendar_day_factor(row, acc)
    if factor == 1.0:
        return f"pre-war baseline: {row['value']:.0f} trucks {why} ({citation(row)})"
    return (f"pre-war baseline: {row['value']:.0f} trucks {why} ({citation(row)}), "
            f"x {acc.value('working_days_per_week'):.0f}/7 per calendar day (assumption working_days_per_week: "
            f"{acc.get('working_days_per_week').source})")


def baseline_in_force(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The one baseline figure compared with when several sources state one: the latest cited, then the latest
    stored (``id``). The claims checker uses it too, so a share of the pre-war flow is one figure everywhere."""
    valued = [r for r in rows if r.get("value") is not None]
    return max(valued, key=lambda r: (r.get("cited_date") or date.min, r.get("id") or 0)) if valued else None


def _baseline_rows(base: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in (base["trucks_all"], base["trucks_food"]) if r] + [s.row for s in base["need"]]
