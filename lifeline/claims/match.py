"""Match one claim with its evidence in the index and judge it: one function per kind of indicator
(stock, rate, total, share, status). Each returns the evidence rows and the judgement.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Connection

from lifeline.assumptions import AssumptionSet, load_set
from lifeline.claims import judge
from lifeline.claims.dates import Period
from lifeline.claims.evidence import EvidenceIndex, as_of, window_days
from lifeline.claims.extract import Claim
from lifeline.claims.needs import need_in_force
from lifeline.claims.relative import DAY_NAMED
from lifeline.claims.report import EvidenceRow
from lifeline.claims.rules import ACCESS_SET
from lifeline.errors import UserError
from lifeline.model import crossing_status
from lifeline.model.access import baseline_in_force, calendar_day_factor

Outcome = tuple[list[EvidenceRow], judge.Judgement, list[str]]
_FOOD = re.compile(r"\bfood\b|غذا", re.IGNORECASE)


def _obs_row(
    rec: dict[str, Any], value: float | str | None = None, used: bool = True, note: str | None = None
) -> EvidenceRow:
    """An observation as an evidence row; its date is its period when it has one."""
    d0, d1 = rec["date"], rec.get("period_end")
    when = f"{d0.isoformat()}/{d1.isoformat()}" if d1 and d1 != d0 else d0.isoformat()
    if value is None:
        value = rec["value"] if rec.get("value") is not None else rec.get("text_value")
    return EvidenceRow(
        value=value,
        date=when,
        source=str(rec.get("publisher") or rec.get("dataset_publisher") or "unknown"),
        location=str(rec.get("location") or ""),
        title=rec.get("title"),
        url=rec.get("url"),
        note=note if note is not None else rec.get("note"),
        used=used,
    )


def _label(row: EvidenceRow) -> str:
    return f"{row.source} ({row.date})"


_LOWER_WORDS = r"at least|more than|over|upwards of|a minimum of|no fewer than|no less than"
_UPPER_WORDS = r"at most|fewer than|less than|up to|under|no more than|a maximum of"


def evidence_bound(row: EvidenceRow) -> str | None:
    """'lower' or 'upper' when the source's own title states its figure as a bound ("At least 300
    trucks a day needed"), so a claim above a stated minimum is not judged overstated against it."""
    if not isinstance(row.value, (int, float)) or not row.title:
        return None
    v = float(row.value)
    for m in re.finditer(rf"\b({_LOWER_WORDS}|{_UPPER_WORDS})\s+([0-9][0-9,]*(?:\.[0-9]+)?)", row.title, re.IGNORECASE):
        try:
            n = float(m.group(2).replace(",", ""))
        except ValueError:
            continue
        if n == v:
            return "lower" if re.fullmatch(_LOWER_WORDS, m.group(1).lower()) else "upper"
    return None


def _bound_label(row: EvidenceRow, bound: str | None) -> str:
    return _label(row) + {"lower": ", a minimum", "upper": ", a maximum"}.get(bound or "", "")


def _numeric(claim: Claim, rows: list[EvidenceRow], tolerance: float, absolute: bool) -> judge.Judgement:
    """Each used source's own verdict, then the claim's: against the attributed source when the
    statement names one and the store has its figure, else against every source."""
    low = claim.low if claim.low is not None else 0.0
    used = [r for r in rows if r.used and isinstance(r.value, (int, float))]
    bounds = {id(r): evidence_bound(r) for r in used}
    for r in used:
        r.verdict = judge.side(low, claim.high, float(r.value), tolerance, absolute, bounds[id(r)])  # type: ignore[arg-type]
    decisive = used
    lead = ""
    if claim.attribution is not None:
        pattern = claim.attribution.sources
        mine = [r for r in used if pattern.search(r.source)]
        if not mine and claim.attribution.family is not None:
            mine = [r for r in used if claim.attribution.family.search(r.source)]
        for r in mine:
            r.attributed = True
        if mine:
            decisive = mine
            others = [r for r in used if not r.attributed]
            rest = "; ".join(f"{_label(r)}: {judge.fmt(float(r.value), claim.indicator.unit)} ({r.verdict})"  # type: ignore[arg-type]
                             for r in others)
            lead = f" Attributed to {claim.attribution.name}: judged against its figures." + (
                f" Other sources: {rest}." if rest else ""
            )
        elif used:
            lead = (
                f" Attributed to {claim.attribution.name}, which has no figure in the store for this indicator, "
                "place and period: judged against the other sources."
            )
    rows.sort(key=lambda r: (not r.attributed, not r.used))
    j = judge.numeric(
        low,
        claim.high,
        [(float(r.value), _bound_label(r, bounds[id(r)]), bounds[id(r)]) for r in decisive],  # type: ignore[arg-type]
        tolerance,
        absolute,
        claim.indicator.unit,
        f"{claim.figure!r} ({claim.indicator.label})",
    )
    if j.verdict == "no data" and rows:
        j = judge.Judgement("no data", _nearest(claim, rows), j.rule)
    return judge.Judgement(j.verdict, j.explanation + lead, j.rule)


def _nearest(claim: Claim, rows: list[EvidenceRow]) -> str:
    """'No data' with the evidence the store does hold nearby, and how far it is in time."""
    shown = [r for r in rows if isinstance(r.value, (int, float))]
    if not shown:
        return "No source in the store has a figure for this indicator, area and date."
    end = claim.period.end
    def gap(r: EvidenceRow) -> int:
        try:
            first = date.fromisoformat(r.date.split("/")[0])
            last = date.fromisoformat(r.date.split("/")[-1])
        except ValueError:
            return 10**6
        if first <= end <= last:
            return 0
        return min(abs((end - first).days), abs((end - last).days))
    r = min(shown, key=gap)
    return (
        f"No source has a figure that decides this claim for its area and dates; nearest in the store: {_label(r)}: "
        f"{judge.fmt(float(r.value), claim.indicator.unit)}, {gap(r)} days from {end} (not used)."  # type: ignore[arg-type]
    )


# ---------------------------------------------------------------------------------------- stock
def stock(claim: Claim, idx: EvidenceIndex, recency_days: int) -> Outcome:
    ind = claim.indicator
    recency_days = int(ind.extra.get("recency_days", recency_days))
    end = claim.period.end
    rows: list[EvidenceRow] = []
    notes: list[str] = []
    span = ind.extra.get("dated_by") == "span"
    names = ind.evidence
    if ind.extra.get("food_evidence") and _FOOD.search(claim.text):
        names = tuple(ind.extra["food_evidence"])
        notes.append(f"food trucks: compared with {', '.join(names)}")
    frame = _stock_frame(idx, names, claim.area.code, end, ind.lookback_days, ind.after_days, span)
    if frame.is_empty() and ind.derived_from:
        frame = _derived_not_functioning(idx, ind.derived_from, claim.area.code, end, ind.lookback_days, ind.after_days)
        if not frame.is_empty():
            notes.append("out of service = hospitals in total minus those (partially) functioning, per source and date")
    if not frame.is_empty():
        before = frame.filter(pl.col("as_of") <= end)
        newest = before["as_of"].max() if not before.is_empty() else frame["as_of"].min()
        # Per source, the figure nearest the claim's date; figures long before the newest are superseded.
        frame = frame.with_columns(
            (pl.col("as_of") - pl.lit(end)).dt.total_days().abs().alias("gap"),
            (pl.col("as_of") > pl.lit(end)).alias("after"),
        ).sort(["after", "gap"])
        replaced = _replaced_analyses(frame, end) if ind.extra.get("later_analysis_supersedes") else {}
        seen: set[tuple[str, str]] = set()
        for rec in frame.iter_rows(named=True):
            key = (str(rec["publisher"]), str(rec["indicator"]))
            stale = newest is not None and rec["as_of"] < newest - timedelta(days=recency_days)  # type: ignore[operator]
            first = key not in seen
            seen.add(key)
            note = None
            if stale:
                note = f"superseded: more than {recency_days} days older than the newest figure"
            elif _analysis_key(rec) in replaced:
                stale, note = True, replaced[_analysis_key(rec)]
            elif not first:
                note = "an earlier figure from the same source"
            rows.append(_obs_row(rec, used=first and not stale, note=note or rec.get("note")))
    return rows, _numeric(claim, rows, ind.tolerance, False), notes


def _analysis_key(rec: dict[str, Any]) -> tuple[Any, ...]:
    return rec["publisher"], rec["indicator"], rec["date"], rec["period_end"]


def _replaced_analyses(frame: pl.DataFrame, end: date) -> dict[tuple[Any, ...], str]:
    """The analyses a later one replaces on ``end``: of the figures whose period covers that day, those whose period
    starts before the latest such start (a projection made in March, once June's analysis covers the same day)."""
    covering = [
        r for r in frame.iter_rows(named=True)
        if r["date"] is not None and r["date"] <= end and (r["period_end"] or r["date"]) >= end
    ]
    if len(covering) < 2:
        return {}
    latest = max(covering, key=lambda r: r["date"])
    return {
        _analysis_key(r): (
            f"superseded by the later analysis ({latest['publisher']}, {latest['date']} to {latest['period_end']})"
        )
        for r in covering if r["date"] < latest["date"]
    }


def _stock_frame(
    idx: EvidenceIndex,
    indicators: tuple[str, ...],
    area: str,
    end: date,
    lookback: int,
    after: int,
    span: bool = False,
) -> pl.DataFrame:
    """Figures for the indicators and area whose date (``as_of``) falls in the look-back window."""
    frame = idx.observations_for(indicators, area)
    if frame.is_empty():  # the same columns as a frame with rows, so callers never test for them
        return frame.with_columns(pl.lit(None, dtype=pl.Date).alias("as_of"))
    asof = as_of(frame)
    if span:  # a figure stated for a period (a need for 2024) holds on every day of it
        asof = frame.select(
            pl.when((pl.col("date") <= end) & (pl.coalesce("period_end", "date") >= end))
            .then(pl.lit(end))
            .otherwise(pl.col("date"))
        ).to_series()
    frame = frame.with_columns(asof.alias("as_of"))
    return frame.filter((asof >= end - timedelta(days=lookback)) & (asof <= end + timedelta(days=after)))


def _derived_not_functioning(
    idx: EvidenceIndex, names: tuple[str, ...], area: str, end: date, lookback: int, after: int
) -> pl.DataFrame:
    total_name, *func_names = names
    totals = _stock_frame(idx, (total_name,), area, end, 3650, after)
    funcs = _stock_frame(idx, tuple(func_names), area, end, lookback, after)
    if totals.is_empty() or funcs.is_empty():
        return funcs.clear()
    total = totals.sort("date")[-1]
    return funcs.with_columns(
        (pl.lit(float(total["value"][0])) - pl.col("value")).alias("value"),
        pl.lit("hospitals_not_functioning").alias("indicator"),
        (
            pl.lit(f"{_fmt_total(total)} in total minus ")
            + pl.col("value").cast(pl.Int64).cast(pl.String)
            + pl.lit(" (partially) functioning")
        ).alias("note"),
    )


def _fmt_total(total: pl.DataFrame) -> str:
    return f"{int(total['value'][0])} ({total['publisher'][0]}, {total['date'][0]})"


# ---------------------------------------------------------------------------------------- rates and totals
_TODAY = re.compile(r"^(?:today|this morning|tonight|اليوم)$", re.IGNORECASE)

def _window(claim: Claim, doc: date, recent_days: int, total: bool, war_start: date) -> tuple[Period, str | None]:
    p = claim.period
    if total and p.start == p.end == doc and (_TODAY.match(p.basis) or p.basis.endswith(DAY_NAMED)):
        return p, None  # "Today, 194 trucks entered": the document day (a rate "today" is the current rate)
    if p.basis == "document date" or p.start == p.end == doc:  # the dateline is not a period
        if total:
            return Period(war_start, doc, "since the start of the war (no period stated)"), (
                "no period stated: read as the total since the start of the war (claims.toml war_start)"
            )
        return Period(
            doc - timedelta(days=recent_days), doc - timedelta(days=1),
            f"the {recent_days} full days before the document date (no period stated)", True,
        ), (
            f"no period stated: read as the {recent_days} full days before the document date, as 'the past week' "
            "(claims.toml recent_window_days)"
        )
    return p, None


def _delivery_rows(
    claim: Claim, idx: EvidenceIndex, window: Period, per_day: bool, category: str | None = None
) -> tuple[list[EvidenceRow], list[str]]:
    """Trucks each publisher's line list recorded over the window (per day or in total), at the
    claim's crossing or over the whole territory; ``category`` keeps only that cargo category."""
    rows: list[EvidenceRow] = []
    notes: list[str] = []
    is_crossing = claim.area.type == "crossing"
    if not is_crossing and claim.area.type != "territory":
        notes.append(f"the line lists record the crossing of entry, not the destination area ({claim.area.name})")
        return rows, notes
    named = [claim.area.code, *(p.code for p in claim.also)] if is_crossing else [None]
    for pub in idx.publishers(claim.area.code):
        if is_crossing and not all(idx.breaks_down(pub, c) for c in named if c is not None):
            notes.append(f"{pub} records no crossing breakdown for this route: not used for a crossing-level claim")
            continue
        # a list with a crossing breakdown that never names a crossing counts zero there; a joint total
        # ("through A and B") is the sum of each named crossing's, and unknown if any of them is
        each = [idx.trucks(pub, window.start, window.end, c, category) for c in named]
        got = None if any(g is None for g in each) else (
            sum(g[0] for g in each if g), sum(g[1] for g in each if g))
        crossing = "+".join(c for c in named if c) or None
        if got is None:
            first, last = idx.coverage[pub]
            notes.append(
                f"{pub}'s line list covers {first} to {last}, not the whole period {window.start} to {window.end}"
            )
            continue
        trucks, rows_n = got
        days = window_days(window.start, window.end)
        value = round(trucks / days, 1) if per_day else trucks
        what = f"{category} trucks" if category else "trucks"
        how = f"{trucks:,.0f} {what} over {days} day{'s' if days > 1 else ''} ({rows_n:,} line-list rows)"
        rows.append(
            EvidenceRow(
                value=value,
                date=f"{window.start}/{window.end}",
                source=f"{pub} line list (computed{', ' + category + ' only' if category else ''})",
                location=crossing or claim.area.code,
                title=f"deliveries recorded by {pub}",
                note=_join(how, idx.publisher_notes.get(pub)),
            )
        )
    return rows, notes


def _join(a: str, b: str | None) -> str:
    return f"{a}; {b}" if b else a


def _overlapping(
    idx: EvidenceIndex,
    indicators: tuple[str, ...],
    area: str,
    window: Period,
    min_share: float,
    both: bool = False,
) -> list[dict[str, Any]]:
    frame = idx.observations_for(indicators, area)
    out = []
    for rec in frame.iter_rows(named=True):
        a, b = rec["date"], rec["period_end"] or rec["date"]
        overlap = (min(b, window.end) - max(a, window.start)).days + 1
        if overlap <= 0:
            continue
        # Averages compare over a mostly shared period; totals only over (nearly) the same period.
        base = max(window_days(a, b), window.days) if both else min(window_days(a, b), window.days)
        if overlap / base >= min_share:
            out.append(rec)
    return out


# A reported average stands for the claimed period only when it covers (nearly) all of it: one for 7-28 May is
# not May's rate. A longer span that holds the whole period is used (its span is shown); a part is shown only.
COVER_SHARE = 0.9


def _covering_rows(idx: EvidenceIndex, indicators: tuple[str, ...], area: str, window: Period) -> list[EvidenceRow]:
    """Reported figures for the window: used when they cover at least COVER_SHARE of its days, else shown
    with the days they cover and not judged on."""
    out = []
    for rec in _overlapping(idx, indicators, area, window, 0.0):
        a, b = rec["date"], rec["period_end"] or rec["date"]
        covered = (min(b, window.end) - max(a, window.start)).days + 1
        if covered >= COVER_SHARE * window.days:
            out.append(_obs_row(rec))
        else:
            note = (f"covers {covered} of the claim's {window.days} days ({a} to {b}): a figure for part of the "
                    "period, shown, not judged on")
            out.append(_obs_row(rec, used=False, note=note))
    return out


def rate(claim: Claim, idx: EvidenceIndex, doc: date, recent_days: int, war_start: date) -> Outcome:
    window, note = _window(claim, doc, recent_days, False, war_start)
    claim.period = window
    rows, notes = _delivery_rows(claim, idx, window, per_day=True)
    rows += _covering_rows(idx, claim.indicator.evidence, claim.area.code, window)
    if note:
        notes.insert(0, note)
    return rows, _numeric(claim, rows, claim.indicator.tolerance, False), notes


def total(claim: Claim, idx: EvidenceIndex, doc: date, recent_days: int, war_start: date) -> Outcome:
    window, note = _window(claim, doc, recent_days, True, war_start)
    claim.period = window
    rows, notes = _delivery_rows(claim, idx, window, per_day=False)
    found = _overlapping(idx, claim.indicator.evidence, claim.area.code, window, 0.8, both=True)
    if note and not found:
        # No period stated: a running total reported up to the document's date is the same claim.
        frame = idx.observations_for(claim.indicator.evidence, claim.area.code)
        found = [
            r
            for r in frame.iter_rows(named=True)
            if r["period_end"] is not None and doc - timedelta(days=3) <= r["period_end"] <= doc
        ]
        if found:
            notes.append("compared with totals reported up to the document date (running totals)")
    rows += [_obs_row(rec) for rec in found]
    if note:
        notes.insert(0, note)
    return rows, _numeric(claim, rows, claim.indicator.tolerance, False), notes


# ---------------------------------------------------------------------------------------- share of needs
def share(
    claim: Claim,
    idx: EvidenceIndex,
    doc: date,
    recent_days: int,
    war_start: date,
    conn: Connection | None = None,
    access: AssumptionSet | None = None,
    coverage: AssumptionSet | None = None,
) -> Outcome:
    """Deliveries per day over the stated need or the pre-war baseline; ``access`` and ``coverage`` are the
    sets with the claims' overrides (working_days_per_week; the coverage engine's constants for food).

    No recency cut (``evidence_recency_days``) applies here: a pre-war baseline describes a fixed time before the
    war however long ago it was cited, so it is chosen as the access face chooses it (the latest cited), and a
    stated need by the period it stands over (``need_in_force``), not by its age beside the newest figure."""
    ind = claim.indicator
    extra = ind.extra
    baseline = claim.reading == "share of a baseline" or bool(
        re.search(str(extra.get("baseline_words", "pre-?war")), claim.text, re.IGNORECASE)
    )
    food = bool(_FOOD.search(claim.text))
    key = ("food_" if food else "") + ("baseline_evidence" if baseline else "evidence")
    need_names = tuple(extra.get(key) or extra.get("baseline_evidence" if baseline else "evidence") or ())
    window, note = _window(claim, doc, recent_days, False, war_start)
    claim.period = window
    flows, notes = _delivery_rows(claim, idx, window, per_day=True, category="food" if food else None)
    if not food:  # reported averages count all aid trucks, not food trucks
        rate_names = tuple(extra.get("rate_evidence", ()))
        flows += _covering_rows(idx, rate_names, claim.area.code, window)
    latest: dict[str, dict[str, Any]] = {}
    if baseline:  # one baseline, chosen as the access face chooses it; the others named in a note
        needs = _stock_frame(idx, need_names, claim.area.code, window.end, ind.lookback_days, 31, True)
        stated = [{**r, "id": i} for i, r in enumerate(needs.to_dicts())]
        chosen = baseline_in_force(stated)
        if chosen is not None:
            latest = {str(chosen["publisher"]): chosen}
            others = [r for r in stated if r is not chosen and r.get("value") is not None]
            if others:
                notes.append(
                    f"pre-war baseline: {fmt_num(chosen['value'])}/day ({chosen['publisher']}, cited "
                    f"{chosen.get('cited_date') or chosen['date']}), the latest cited, as `lifeline access` uses it; "
                    "also stated: " + "; ".join(
                        f"{fmt_num(r['value'])}/day ({r['publisher']}, cited {r.get('cited_date') or r['date']})"
                        for r in others
                    )
                )
    elif claim.share_of is None:  # the need in force over the period, as the access face reads it
        standing, need_note = need_in_force(idx, need_names, claim.area.code, window, access)
        latest = {str(standing["publisher"]): standing} if standing else {}
        notes.append(need_note)
    named = claim.share_of is not None
    if named:  # the statement names the whole ("half of the 200 trucks a day … needs"): that figure, no other
        latest = {"the statement": {"publisher": "the statement", "value": claim.share_of, "url": None,
                                    "indicator": f"its own figure '{claim.share_of_figure}'", "date": "as stated"}}
    rows: list[EvidenceRow] = []
    if food and conn is not None and not baseline:
        cov, cov_note = coverage_rows(conn, idx, claim.area.code, window, coverage)
        rows += _coverage_evidence(cov, window, "coverage", 100.0)
        if cov_note:
            notes.append(cov_note)
    what = ("figure the statement names" if named else "pre-war baseline" if baseline else "stated need")
    # A baseline stated per working day (Gaza's) against deliveries per calendar day: converted by the access
    # face's own function (model/access.py calendar_day_factor), so both show one share; one stated per
    # calendar day (another crisis's trucks/day) is used as stated.
    per_day, per_day_note = (1.0, "") if food or named or not baseline else _calendar_day_factor(
        next(iter(latest.values()), None), access)
    for f in flows:
        if not isinstance(f.value, (int, float)):
            continue
        for pub, need in latest.items():
            if not need["value"]:
                continue
            pct = round(100.0 * float(f.value) / (float(need["value"]) * per_day), 1)
            rows.append(
                EvidenceRow(
                    value=pct,
                    date=f.date,
                    source=f"{f.source} ÷ {pub}",
                    location=claim.area.code,
                    title=f"{fmt_num(f.value)} trucks/day ÷ {what} of {fmt_num(need['value'])}/day{per_day_note} "
                    f"({need['indicator']}, {need['date']})",
                    url=need.get("url"),
                    note=f.note,
                    used=f.used,
                )
            )
    if note:
        notes.insert(0, note)
    against = (
        f"the {claim.share_of_figure} trucks a day the statement names (not the reference set's need or baseline)"
        if named else f"the {what} ({', '.join(need_names) or 'none'}) in the reference set"
    )
    notes.append(f"share computed against {against}; trucks counted by different sources differ (UN vs COGAT counting)")
    return rows, _numeric(claim, rows, ind.tolerance, True), notes


def fmt_num(v: Any) -> str:
    return judge.fmt(float(v))


# ---------------------------------------------------------------------------------------- crossing status
def status(claim: Claim, idx: EvidenceIndex, access: AssumptionSet | None = None) -> Outcome:
    """A crossing's claimed state against reported status events, then recorded entries; "the only
    crossing open" is also checked against every other crossing's reported state on that day."""
    rows, j, notes = _status_own(claim, idx, access)
    if claim.status != "open" or not any("only crossing" in n for n in claim.notes):
        return rows, j, notes
    day = claim.period.end
    events = idx.observations_for(claim.indicator.evidence, None)
    others = events.filter((pl.col("location") != claim.area.code) & (pl.col("date") <= day)).sort("date")
    open_elsewhere = []
    for rec in others.group_by("location").agg(pl.all().last()).iter_rows(named=True):
        still = rec["period_end"] is None or rec["period_end"] >= day
        if still and judge.allows_entry(str(rec["text_value"] or "")):
            open_elsewhere.append(rec)
            rows.append(_obs_row(rec, value=str(rec["text_value"]), note="another crossing's reported state"))
    if open_elsewhere and j.verdict != "contradicted":
        names = ", ".join(
            f"{r['location']} ({r['text_value']} since {r['date']}, {r['publisher']})" for r in open_elsewhere
        )
        j = judge.Judgement(
            "contradicted",
            f"The document says {claim.area.name} was the only crossing open; the data report other ways in open "
            f"on {day}: {names}.",
            judge.STATUS_RULE,
        )
    elif not open_elsewhere:
        notes.append(f"no other crossing is reported open on {day}")
    return rows, j, notes


def _standing_until(rec: dict[str, Any], validity: dict[str, int]) -> date:
    """The last day a reported status stands, by the access face's own rule (model/crossing_status.py
    Report.stands_until: its end date, else its last attested day plus access.toml status_valid_days_*)."""
    report = crossing_status.Report(
        crossing=str(rec.get("location") or ""), status=str(rec.get("text_value") or "").strip().lower(),
        start=rec["date"], end=rec.get("period_end"), reported=rec.get("cited_date"),
        publisher=str(rec.get("publisher") or ""), source="", verified=True, id=0,
    )
    return report.stands_until(validity)


def _status_own(claim: Claim, idx: EvidenceIndex, access: AssumptionSet | None = None) -> Outcome:
    claimed = claim.status or "open"
    window = claim.period
    events = idx.observations_for(claim.indicator.evidence, claim.area.code).sort("date")
    rows: list[EvidenceRow] = []
    in_effect: list[dict[str, Any]] = []
    lapsed: list[str] = []
    prior = events.filter(pl.col("date") <= window.start)
    if not prior.is_empty():
        last = prior.row(-1, named=True)
        until = _standing_until(last, crossing_status.validity_days(access or load_set(ACCESS_SET)))
        if until >= window.start:
            in_effect.append(last)
        else:  # a stale report is shown, never taken as the state on a later day (the access face says "unknown")
            rows.append(_obs_row(last, value=str(last.get("text_value") or ""), used=False,
                                 note=f"lapsed: it stood until {until} (access.toml status_valid_days_*)"))
            lapsed.append(f"the last report, {last.get('text_value')} on {last['date']}, lapsed after {until}")
    in_effect += events.filter((pl.col("date") > window.start) & (pl.col("date") <= window.end)).to_dicts()
    for rec in in_effect:
        rows.append(_obs_row(rec, value=str(rec.get("text_value") or "")))
    recorded, notes = _delivery_rows(claim, idx, window, per_day=False)
    for r in recorded:
        r.used = not in_effect
        r.note = f"trucks recorded through the crossing: {r.note}"
    rows += recorded
    statuses = [str(r.value) for r in rows if r.used and isinstance(r.value, str) and r.value]
    place = claim.area.name
    when = window.start.isoformat() if window.start == window.end else f"{window.start} to {window.end}"
    if statuses:
        agree = [s for s in statuses if judge.same_status(claimed, s)]
        src = "; ".join(f"{r.value} per {_label(r)}" for r in rows if r.used and isinstance(r.value, str))
        if len(agree) == len(statuses):
            j = judge.Judgement(
                "consistent",
                f"{place} reported {', '.join(sorted(set(statuses)))} on {when}: {src}.",
                judge.STATUS_RULE,
            )
        else:
            j = judge.Judgement(
                "contradicted", f"The document says {place} was {claimed}; the data report {src}.", judge.STATUS_RULE
            )
        trucks = sum(float(r.value) for r in recorded if isinstance(r.value, (int, float)))
        if trucks and claimed == "closed":
            notes.append(
                f"{trucks:,.0f} trucks were nevertheless recorded through {place} in that window "
                "(same-day entries before a closure, or collection of cargo already inside)"
            )
        return rows, j, notes
    counted = [r for r in recorded if isinstance(r.value, (int, float))]
    trucks = sum(float(r.value) for r in counted if isinstance(r.value, (int, float)))
    if counted and trucks > 0:
        src = "; ".join(f"{fmt_num(r.value)} trucks per {r.source}" for r in counted)
        if claimed == "closed":
            j = judge.Judgement(
                "contradicted",
                f"No status report, but trucks were recorded through {place} on {when}: {src}.",
                judge.STATUS_RULE,
            )
        else:
            j = judge.Judgement(
                "consistent",
                f"No status report, but trucks were recorded through {place} on {when}: {src}.",
                judge.STATUS_RULE,
            )
        return rows, j, notes
    why = (
        "no trucks were recorded either, which is not evidence of a closure"
        if counted
        else "and no line list covers it"
    )
    if lapsed:
        why = f"{lapsed[0]}; {why}"
    return (
        rows,
        judge.Judgement("no data", f"No status is reported for {place} on {when}, {why}.", judge.STATUS_RULE),
        notes,
    )


# ---------------------------------------------------------------------------------------- food energy (coverage engine)
def coverage_rows(
    conn: Connection, idx: EvidenceIndex, area: str, window: Period, aset: AssumptionSet | None = None
) -> tuple[list[dict[str, Any]], str]:
    """kcal per person per day and coverage from the coverage engine, per source, over the window, with
    the engine's default runs and seed (the same function and parameters as ``lifeline coverage``, so a
    claim's evidence is the CLI's figure and interval; ``aset``: the coverage set with the claims'
    overrides, as ``lifeline coverage --assumptions`` merges them), memoised per store version."""
    key = (area, window.start, window.end, tuple(aset.files) if aset else ())
    if key in idx.coverage_memo:
        return idx.coverage_memo[key]
    from lifeline.model.coverage import DEFAULT_SET, coverage_table

    note = ""
    modelled, inside = _modelled_area(area, aset)
    try:
        table = coverage_table(conn, modelled, window.start, window.end, by="month", assumptions=aset or DEFAULT_SET)
        rows = [r for r in table.rows if r.get("kcal_pp") is not None]
        note = "; ".join([*inside, *table.notes[:1]])
    except UserError as exc:
        rows, note = [], f"the coverage engine cannot compute this area and period: {exc.message}"
    idx.coverage_memo[key] = (rows, note)
    return rows, note


def _calendar_day_factor(row: dict[str, Any] | None, access: AssumptionSet | None) -> tuple[float, str]:
    """Calendar days' worth of one baseline day (model/access.py calendar_day_factor) and its note."""
    aset = access or load_set(ACCESS_SET)
    factor, why = calendar_day_factor(row, aset)
    if factor == 1.0:
        return factor, ""
    days = float(aset.value("working_days_per_week"))
    where = " + ".join(Path(f).name for f in aset.files)
    return factor, f" {why} × {days:g}/7 ({where} working_days_per_week)"


def _modelled_area(area: str, aset: AssumptionSet | None = None) -> tuple[str, list[str]]:
    """The coverage model's area for ``area``: a place inside one of the areas the default assumption set
    splits its context into (North Gaza in the north of Wadi Gaza) is computed as that area, with a note."""
    from lifeline.assumptions import load_set
    from lifeline.model.coverage import DEFAULT_SET
    from lifeline.model.destination_split import from_set

    try:
        split = from_set(aset or load_set(DEFAULT_SET))
    except UserError:
        return area, []
    if split is None or area in split.areas or area not in split.members:
        return area, []
    whole = split.members[area]
    return whole, [f"{area} lies in {whole}, an area of the coverage model's split ({split.name}): "
                   f"its figure is {whole}'s"]


def _coverage_evidence(rows: list[dict[str, Any]], window: Period, field: str, scale: float) -> list[EvidenceRow]:
    """One evidence row per source: the person-day weighted mean of ``field`` over the window's periods."""
    by_source: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_source.setdefault(str(r["sources"]), []).append(r)
    out = []
    for src, rs in sorted(by_source.items()):
        days = sum(int(r["days"]) for r in rs)
        if not days or any(r.get(field) is None for r in rs):
            continue
        value = sum(float(r[field]) * int(r["days"]) for r in rs) / days * scale
        out.append(
            EvidenceRow(
                value=round(value, 1),
                date=f"{window.start}/{window.end}",
                source=f"{src} line list via coverage engine",
                location=str(rs[0]["area"]),
                title="food energy available per person per day (coverage engine, median of its default runs)",
                note=f"{_interval(rs, field, scale)}requirement {rs[0]['requirement']} kcal/person/day; "
                f"assumptions {rs[0]['assumptions']}",
            )
        )
    return out


def _interval(rows: list[dict[str, Any]], field: str, scale: float) -> str:
    """The 95 % interval of a single period's figure, as the CLI prints it (a mean of several periods has none)."""
    if len(rows) != 1 or rows[0].get(f"{field}_low") is None or rows[0].get(f"{field}_high") is None:
        return ""
    low, high = float(rows[0][f"{field}_low"]) * scale, float(rows[0][f"{field}_high"]) * scale
    return f"95 % interval {low:,.0f}–{high:,.0f}; "


def kcal(
    claim: Claim, idx: EvidenceIndex, conn: Connection, doc: date, recent_days: int, war_start: date,
    coverage: AssumptionSet | None = None,
) -> Outcome:
    window, note = _window(claim, doc, recent_days, False, war_start)
    claim.period = window
    notes = [note] if note else []
    rows = _covering_rows(idx, claim.indicator.evidence, claim.area.code, window)
    cov, cov_note = coverage_rows(conn, idx, claim.area.code, window, coverage)
    if claim.reading.startswith("requirement"):  # the requirement words of the figure's own phrase (extract)
        reqs = sorted({float(r["requirement"]) for r in cov if r.get("requirement")})
        rows += [
            EvidenceRow(
                value=v,
                date=f"{window.start}/{window.end}",
                source="assumption set (coverage engine)",
                location=claim.area.code,
                title="energy requirement per person per day",
            )
            for v in reqs
        ]
        notes.append("read as a requirement: compared with the requirement of the coverage engine's assumption set")
    else:
        rows += _coverage_evidence(cov, window, "kcal_pp", 1.0)
    if cov_note:
        notes.append(cov_note)
    return rows, _numeric(claim, rows, claim.indicator.tolerance, False), notes


# ---------------------------------------------------------------------------------------- nearest evidence
def nearest(
    claim: Claim, idx: EvidenceIndex, rows: list[EvidenceRow], j: judge.Judgement, max_days: int
) -> tuple[list[EvidenceRow], judge.Judgement]:
    """When nothing falls in the claim's window, each source's figure nearest in time, labelled with
    its distance. Only a stock (a population) is judged against it, and only within ``max_days``: a
    total or a rate for other days is another period's figure, so it is shown, never judged on."""
    ind = claim.indicator
    names = ind.evidence
    if ind.extra.get("food_evidence") and _FOOD.search(claim.text):
        names = tuple(ind.extra["food_evidence"])
    frame = idx.observations_for(names, claim.area.code)
    if frame.is_empty():
        return rows, j
    start, end = claim.period.start, claim.period.end
    best: dict[str, tuple[int, dict[str, Any]]] = {}
    for rec in frame.iter_rows(named=True):
        if rec["value"] is None:
            continue
        a, b = rec["date"], rec["period_end"] or rec["date"]
        gap = 0 if a <= end and b >= start else min(abs((a - end).days), abs((b - start).days))
        pub = str(rec["publisher"])
        if pub not in best or gap < best[pub][0]:
            best[pub] = (gap, rec)
    if not best:
        return rows, j
    judged = ind.kind == "stock"
    close = {p: v for p, v in best.items() if v[0] <= max_days} if judged else {}
    shown = close or best
    extra = []
    for gap, rec in sorted(shown.values(), key=lambda v: v[0]):
        note = f"nearest evidence in time: {gap} days from the claim's period {start} to {end}"
        extra.append(_obs_row(rec, used=bool(close), note=note))
    rows = [r for r in rows if r.used] + extra + [r for r in rows if not r.used]
    if not close:
        gap = min(v[0] for v in best.values())
        why = (
            f"within {max_days} days of the claim's period" if judged
            else "for the claim's own period (a figure for other days is not evidence for these)"
        )
        return rows, judge.Judgement(
            "no data",
            f"No source has a figure for {claim.area_name} {why}; the nearest in the store is {gap} days away "
            "(shown, not used).",
            j.rule,
        )
    out = _numeric(claim, rows, ind.tolerance, False)
    gap = max(v[0] for v in close.values())
    return rows, judge.Judgement(
        out.verdict,
        out.explanation + f" No figure falls in the claim's own window: judged against the nearest evidence, "
        f"up to {gap} days away (claims.toml nearest_evidence_days).",
        out.rule,
    )
