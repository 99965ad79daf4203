"""Check a document: extract its claims, match each with the store's evidence, and judge it.

``check_document`` is the one entry point the CLI, the API and the web page call.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Connection

from lifeline.claims import evidence as ev
from lifeline.claims import gazetteer, match
from lifeline.claims.dates import Period, document_date
from lifeline.claims.documents import Document, from_text
from lifeline.claims.extract import Claim, Extraction, NotCheckable, extract
from lifeline.claims.gazetteer import Gazetteer
from lifeline.claims.judge import fmt
from lifeline.claims.report import ClaimResult, ClaimsReport
from lifeline.claims.rules import Rules, load_rules

_lock = threading.Lock()
_gazetteers: dict[tuple[Any, ...], gazetteer.Gazetteer] = {}


def context(conn: Connection, rules: Rules) -> tuple[ev.EvidenceIndex, gazetteer.Gazetteer]:
    """The evidence index and gazetteer of this store, built once per store version."""
    index = ev.load(conn)
    key = (conn.engine.url.render_as_string(hide_password=True), index.signature, tuple(rules.files))
    with _lock:
        gaz = _gazetteers.get(key)
    if gaz is None:
        gaz = gazetteer.build(conn, rules.default_area, rules.default_area_names, rules.area_aliases)
        with _lock:
            _gazetteers[key] = gaz
    return index, gaz


def resolve_date(doc: Document, given: date | None, ask: Callable[[], date] | None) -> tuple[date | None, str]:
    """--date, else the document's dateline, else ask (when a person is there), else none: the
    report then lists every figure as not checkable, saying why."""
    if given is not None:
        return given, "given"
    found = document_date(doc.text)
    if found is not None:
        return found, "dateline"
    if ask is not None:
        return ask(), "asked"
    return None, "none"


NO_DATE = (
    "the document has no dateline (e.g. 'May 7, 2024' or '7 أيار/مايو 2024'), so the periods its figures speak of "
    "('yesterday', 'in May') cannot be placed: give the statement's date (--date YYYY-MM-DD on the command "
    "line, the date field on the page, \"date\" in the API)"
)


def _self_dated(text: str, gaz: Gazetteer, rules: Rules) -> tuple[Extraction, list[Claim]]:
    """Without a document date, the claims whose period does not depend on it: read against two document
    dates far after the war's start and a year apart, a figure whose period comes out the same ("in April
    2024", "on 7 May 2024", "before the war") is dated by its own words; "yesterday", "in May" or a rate
    with no period are not."""
    base = rules.war_start.year + 20
    early = extract(text, rules.war_start.replace(year=base), gaz, rules)
    late = extract(text, rules.war_start.replace(year=base + 1), gaz, rules)
    periods = {(c.figure_span, c.indicator.name): (c.period.start, c.period.end) for c in late.claims}
    dated = [
        c for c in early.claims if periods.get((c.figure_span, c.indicator.name)) == (c.period.start, c.period.end)
    ]
    return early, dated


def check_document(
    conn: Connection,
    text: str,
    date: date | None = None,
    title: str | None = None,
    rules: Rules | None = None,
    ask: Callable[[], date] | None = None,
) -> ClaimsReport:
    """Check a statement given as text (HTML is reduced to its visible text first).

    Spans in the report index ``report.text``, the text that was checked.
    """
    return check_parsed(conn, from_text(text), date, title, rules, ask)


def check_parsed(
    conn: Connection,
    doc: Document,
    date: date | None = None,
    title: str | None = None,
    rules: Rules | None = None,
    ask: Callable[[], date] | None = None,
) -> ClaimsReport:
    """Check a document already read (``documents.read_path`` / ``from_bytes``): the CLI's entry point."""
    rules = rules or load_rules()
    doc_date, basis = resolve_date(doc, date, ask)
    index, gaz = context(conn, rules)
    notes: list[str] = []
    if doc_date is None:
        found, dated = _self_dated(doc.text, gaz, rules)
        skipped = [NotCheckable(c.text, c.span, c.figure, NO_DATE, c.value) for c in found.claims if c not in dated]
        skipped += found.not_checkable
        skipped.sort(key=lambda n: n.span)
        held, unheld = _held_kinds(dated, index)
        skipped = sorted(skipped + unheld, key=lambda n: n.span)
        results = [judge_claim(c, index, c.period.end, rules, conn) for c in held]
        if results:
            notes.append(
                "the document has no dateline: only figures whose period is written in full (with its year, e.g. "
                "'in April 2024') were checked, each on its own period; the others are listed as not checkable"
            )
        else:
            notes.append("nothing checkable: " + NO_DATE)
        return ClaimsReport(
            notes=notes, title=title or doc.title, date=None, date_basis=basis, claims=results,
            not_checkable=skipped, text=doc.text, truncated=found.truncated, rules=rules.files,
        )
    found = extract(doc.text, doc_date, gaz, rules)
    held, unheld = _held_kinds(found.claims, index)
    results = [judge_claim(c, index, doc_date, rules, conn) for c in held]
    if unheld:
        found.not_checkable.extend(unheld)
        found.not_checkable.sort(key=lambda n: n.span)
    if index.observations.is_empty() and index.deliveries.is_empty():
        notes.append(
            "the store holds no evidence yet: load the reference set (lifeline reference load) and import line "
            "lists (lifeline import FILE) for verdicts other than 'no data'"
        )
    if not results:
        why = (
            "no figure or crossing status that Lifeline checks was found"
            if not found.not_checkable
            else "every figure found is about something Lifeline cannot check (see 'not checkable')"
        )
        notes.append(f"nothing checkable: {why}")
    return ClaimsReport(
        notes=notes,
        title=title or doc.title,
        date=doc_date,
        date_basis=basis,
        claims=results,
        not_checkable=found.not_checkable,
        text=doc.text,
        truncated=found.truncated,
        rules=rules.files,
    )


def _held_kinds(claims: list[Claim], index: ev.EvidenceIndex) -> tuple[list[Claim], list[NotCheckable]]:
    """Claims of a kind whose indicator says why it may be unheld (``unheld_reason``: people under
    evacuation orders, where the reference set has only the orders' areas in km²) are not checkable
    when the store holds no such figure for any place or date; otherwise 'no data' stays the verdict."""
    obs = index.observations
    if obs.is_empty():
        return claims, []
    names = set(obs.get_column("indicator").unique().to_list())
    held: list[Claim] = []
    unheld: list[NotCheckable] = []
    for c in claims:
        ind = c.indicator
        wanted = set(ind.evidence) | set(ind.derived_from)
        reason = ind.extra.get("unheld_reason")
        if reason and not wanted & names:
            why = f"the figure is {ind.label}, and the store holds no such figure for any place or date: {reason}"
            unheld.append(NotCheckable(c.text, c.span, c.figure, why, c.value))
        else:
            held.append(c)
    return held, unheld


def judge_claim(
    claim: Claim, index: ev.EvidenceIndex, doc_date: date, rules: Rules, conn: Connection | None = None
) -> ClaimResult:
    ind = claim.indicator
    recent = int(rules.value("recent_window_days"))
    if ind.kind == "status":
        rows, j, notes = match.status(claim, index, rules.access)
        tol: dict[str, Any] = {"kind": "status", "value": None, "rule": j.rule}
    else:
        if ind.kind == "rate":
            rows, j, notes = match.rate(claim, index, doc_date, recent, rules.war_start)
        elif ind.kind == "total":
            rows, j, notes = match.total(claim, index, doc_date, recent, rules.war_start)
        elif ind.kind == "share":
            rows, j, notes = match.share(
                claim, index, doc_date, recent, rules.war_start, conn, rules.access, rules.coverage
            )
        elif ind.kind == "coverage" and conn is not None:
            rows, j, notes = match.kcal(claim, index, conn, doc_date, recent, rules.war_start, rules.coverage)
        else:
            claim.period = _count_as_of_document(claim.period, doc_date)
            rows, j, notes = match.stock(claim, index, int(rules.value("evidence_recency_days")))
        if j.verdict == "no data" and ind.kind in {"stock", "rate", "total"}:
            rows, j = match.nearest(claim, index, rows, j, int(rules.value("nearest_evidence_days")))
        absolute = ind.kind == "share"
        tol = {
            "kind": "percentage points" if absolute else "relative",
            "value": ind.tolerance,
            "rule": j.rule,
            "source": rules.source_of("percent_tolerance_points") if absolute else _tolerance_source(rules, ind.name),
        }
    if claim.area_basis == "default":
        notes.append(f"no place named: read as the {claim.area.name} (claims.toml [areas] default)")
    if claim.denominator is not None:
        notes.append(f"stated as {fmt(claim.value)} of {fmt(claim.denominator)}")
    return ClaimResult(
        text=claim.text,
        span=claim.span,
        figure=claim.figure,
        figure_span=claim.figure_span,
        indicator=ind.name,
        indicator_label=ind.label,
        area=claim.area.code,
        area_name=claim.area_name,
        area_basis=claim.area_basis,
        date=claim.period.as_dict(),
        value=claim.status if ind.kind == "status" else claim.value,
        bounds=[_round(claim.low), _round(claim.high)] if ind.kind != "status" else [],
        unit=ind.unit,
        verdict=j.verdict,
        tolerance=tol,
        evidence=rows,
        explanation=j.explanation,
        notes=claim.notes + notes,
        reading=claim.reading_dict(),
    )


def _count_as_of_document(period: Period, doc_date: date) -> Period:
    """A count of people on a date ("450,000 have fled in the past week") is the count at the time of writing:
    the window of full days before the document date says who is counted, the count is the document date's."""
    if not period.before_document:
        return period
    return Period(period.start, doc_date, f"{period.basis}; a count of people, as of the document date")


def _round(x: float | None) -> float | None:
    """Six significant digits: bounds like 1,540,000 rather than 1540000.0000000002."""
    return None if x is None else float(f"{x:.6g}")


def _tolerance_source(rules: Rules, name: str) -> str:
    table = rules.assumptions.tables.get("tolerances", {})
    entry = table.get(name)
    if isinstance(entry, dict):
        return str(entry.get("source", ""))
    if entry is not None:
        return str(table.get("source", ""))
    return rules.source_of("tolerance_default")
