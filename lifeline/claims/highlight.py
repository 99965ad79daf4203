"""The checked text as HTML with each claim marked by its verdict, everything escaped.

The document is untrusted: every character of it, and of every evidence field, goes through
``html.escape``; nothing from the document becomes markup, an attribute name or a URL scheme.
"""

from __future__ import annotations

from html import escape
from typing import Any

from lifeline.claims.judge import fmt
from lifeline.claims.report import ClaimResult, ClaimsReport

VERDICT_CLASS = {
    "consistent": "v-consistent",
    "overstated": "v-overstated",
    "understated": "v-understated",
    "sources disagree": "v-disagree",
    "contradicted": "v-contradicted",
    "no data": "v-no-data",
}


def highlight_html(report: ClaimsReport | dict[str, Any]) -> str:
    """The document text (escaped) with <mark> around each claim's figure; data-claim = index in claims.

    Takes the report or its ``as_dict()`` form (what the API returns), so a page can render either.
    """
    if isinstance(report, ClaimsReport):
        text = report.text
        items = [(c.figure_span, c.verdict, c.explanation) for c in report.claims]
    else:
        text = str(report["document"].get("text") or "")
        items = [(tuple(c["figure_span"]), c["verdict"], c["explanation"]) for c in report["claims"]]
    marks = sorted(((span[0], span[1], i, verdict, why) for i, (span, verdict, why) in enumerate(items)))
    out: list[str] = []
    pos = 0
    for start, end, i, verdict, why in marks:
        if start < pos or end > len(text):
            continue  # overlapping marks are not nested
        out.append(escape(text[pos:start]))
        tip = f"{verdict}: {why}"
        out.append(
            f'<mark class="claim {VERDICT_CLASS.get(verdict, "v-no-data")}" data-claim="{i}" '
            f'title="{escape(tip, quote=True)}">{escape(text[start:end])}</mark>'
        )
        pos = end
    out.append(escape(text[pos:]))
    return f'<div class="claims-text" style="white-space: pre-wrap">{"".join(out)}</div>'


def _safe_url(url: str | None) -> str | None:
    if url and url.lower().startswith(("https://", "http://")):
        return url
    return None


def _evidence_html(claim: ClaimResult) -> str:
    if not claim.evidence:
        return "<p>No evidence rows.</p>"
    rows = []
    for e in claim.evidence:
        value = fmt(float(e.value), claim.unit) if isinstance(e.value, (int, float)) else str(e.value or "")
        src = escape(e.source)
        url = _safe_url(e.url)
        if url:
            src = f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer nofollow">{src}</a>'
        if e.attributed:
            src += " (attributed)"
        cls = "" if e.used else ' class="unused"'
        verdict = e.verdict or ("" if e.used else "not used")
        rows.append(
            f"<tr{cls}><td>{escape(value)}</td><td>{escape(verdict)}</td><td>{escape(e.date)}</td>"
            f"<td>{src}</td><td>{escape(e.location)}</td><td>{escape(e.note or '')}</td></tr>"
        )
    return (
        '<table class="evidence"><thead><tr><th>value</th><th>this source says</th><th>date</th><th>source</th>'
        "<th>location</th><th>note</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def reading_text(reading: dict[str, Any]) -> str:
    """The reading a claim was judged on, in one line: what, in what unit, when, where, whose."""
    if not reading:
        return ""
    period = reading.get("period") or {}
    parts = [
        f"read as {reading.get('indicator')} ({reading.get('reading')}, {reading.get('unit')})",
        f"period {period.get('from')} to {period.get('to')} ({period.get('basis')})",
        f"area {reading.get('area_name')} ({reading.get('area_basis')})",
    ]
    if reading.get("qualifier"):
        parts.append(f"qualifier '{reading.get('qualifier')}' ({reading.get('bounds_kind')})")
    if reading.get("attribution"):
        parts.append(f"attributed to {reading.get('attribution')}")
    return "; ".join(parts)


def claims_html(report: ClaimsReport) -> str:
    """The claims as a list: verdict, figure, indicator, area, date, rule, explanation, evidence."""
    items = []
    for i, c in enumerate(report.claims):
        tol = c.tolerance
        tol_text = f"Tolerance {tol.get('value'):g} {tol.get('kind')}. " if tol.get("value") is not None else ""
        notes = "".join(f"<li>{escape(n)}</li>" for n in c.notes)
        notes_html = f'<ul class="notes">{notes}</ul>' if notes else ""
        items.append(
            f'<li id="claim-{i}" class="claim-item {VERDICT_CLASS.get(c.verdict, "v-no-data")}">'
            f"<p><strong>{escape(c.verdict)}</strong>: {escape(c.figure)} — {escape(c.indicator_label)}, "
            f"{escape(c.area_name)}, {escape(c.date['from'])} to {escape(c.date['to'])}</p>"
            f'<p class="reading">{escape(reading_text(c.reading))}</p>'
            f"<p>{escape(c.explanation)}</p>"
            f'<p class="rule">{escape(tol_text)}Rule: {escape(str(tol.get("rule", "")))}</p>'
            f"{_evidence_html(c)}{notes_html}</li>"
        )
    skipped = "".join(
        f"<li><q>{escape(n.shown or n.text[:120])}</q>: {escape(n.reason)}</li>" for n in report.not_checkable
    )
    return (
        f'<ol class="claims">{"".join(items)}</ol>'
        f'<h2>Not checkable</h2><ul class="not-checkable">{skipped or "<li>none</li>"}</ul>'
    )


STYLE = """
body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
mark.claim{padding:0 .15em;border-radius:.2em}
.v-consistent{background:#d9f2d9}.v-overstated{background:#fde2c8}.v-understated{background:#d6e6fb}
.v-contradicted{background:#f8c9c9}.v-disagree{background:#efe0f7}.v-no-data{background:#e6e6e6}
table.evidence{border-collapse:collapse;font-size:.9em}
table.evidence td,table.evidence th{border:1px solid #ccc;padding:.2em .4em}
tr.unused{color:#777}li.claim-item{margin-bottom:1em;padding:.3em .6em}
.claims-text{border:1px solid #ddd;padding:1em;background:#fafafa}
"""


def page_html(report: ClaimsReport) -> str:
    """A standalone HTML page (no scripts, no external resources) of one checked document."""
    title = escape(report.title or "Statement")
    counts = ", ".join(f"{escape(k)}: {v}" for k, v in report.counts().items() if v)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>Claims check: {title}</title><style>{STYLE}</style></head><body>"
        f"<h1>Claims check: {title}</h1>"
        f"<p>Document date {escape(report.date.isoformat() if report.date else 'unknown')} "
        f"({escape(report.date_basis)}). {counts}. Verdicts speak of the data in the store only; "
        "the claims are the document's.</p>"
        f"{highlight_html(report)}<h2>Claims</h2>{claims_html(report)}</body></html>"
    )
