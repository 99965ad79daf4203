"""``lifeline claims check PATH|DIR|-``: the figures a statement asserts, each with a verdict and
the evidence behind it, and what could not be checked. A folder is checked as a batch."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from lifeline.claims.check import check_parsed
from lifeline.claims.documents import Document, from_bytes, read_path
from lifeline.claims.highlight import page_html, reading_text
from lifeline.claims.judge import fmt
from lifeline.claims.report import ClaimsReport
from lifeline.claims.rules import Rules, load_rules
from lifeline.cli.app import app
from lifeline.cli.common import engine, parse_date
from lifeline.cli.output import console, emit
from lifeline.errors import UserError
from lifeline.formats import Column, ResultTable

claims_app = typer.Typer(
    help="Check the figures a statement asserts against the data.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(claims_app, name="claims")

DOCUMENT_SUFFIXES = {".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".pdf"}


class ClaimsFormat(StrEnum):
    table = "table"
    json = "json"
    html = "html"


@claims_app.command("check")
def check_cmd(
    path: Annotated[str, typer.Argument(help="A statement (text, HTML or PDF), a folder of them, or - for stdin.")],
    when: Annotated[
        str | None, typer.Option("--date", help="The document's date, YYYY-MM-DD (else its dateline).")
    ] = None,
    fmt: Annotated[ClaimsFormat, typer.Option("--format")] = ClaimsFormat.table,
    assumptions: Annotated[
        list[Path] | None,
        typer.Option(
            "--assumptions",
            help="TOML file changing any constant the claims use, in the set that defines it "
            "(claims.toml, access.toml, sphere-2100.toml).",
        ),
    ] = None,
) -> None:
    """Extract each claim, match it with the store's evidence, and give a verdict with its rule."""
    rules = load_rules(assumptions or [])
    doc_date = parse_date(when, "--date")
    target = Path(path)
    if path != "-" and target.is_dir():
        _batch(target, doc_date, fmt, rules)
        return
    doc = _read(path, rules)
    ask = _prompt if path != "-" and sys.stdin.isatty() and fmt != ClaimsFormat.json else None
    with engine().connect() as conn:
        report = check_parsed(conn, doc, doc_date, rules=rules, ask=ask)
    _show(report, fmt)


def _read(path: str, rules: Rules) -> Document:
    limit = int(rules.value("max_document_bytes"))
    if path == "-":
        return from_bytes(sys.stdin.buffer.read(limit + 1), "-", limit)
    return read_path(Path(path), limit)


def _prompt() -> date:
    raw = typer.prompt("The document has no dateline. Its date (YYYY-MM-DD)")
    parsed = parse_date(raw.strip(), "date")
    assert parsed is not None
    return parsed


def _batch(folder: Path, doc_date: date | None, fmt: ClaimsFormat, rules: Rules) -> None:
    """Every document in a folder; a bad document is reported and the batch goes on."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES)
    if not files:
        raise UserError(f"no documents ({', '.join(sorted(DOCUMENT_SUFFIXES))}) in this folder", file=str(folder))
    reports: list[tuple[Path, ClaimsReport]] = []
    errors: list[dict[str, Any]] = []
    limit = int(rules.value("max_document_bytes"))
    with engine().connect() as conn:
        for p in files:
            try:
                reports.append((p, check_parsed(conn, read_path(p, limit), doc_date, rules=rules)))
            except UserError as exc:
                errors.append({"file": str(p), "error": exc.message})
    if fmt == ClaimsFormat.json:
        doc = {"documents": [dict(r.as_dict(), file=str(p)) for p, r in reports], "errors": errors}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")
        return
    if fmt == ClaimsFormat.html:
        raise UserError("--format html takes one document, not a folder; use json or table for a batch")
    rows = [
        dict(
            file=str(p), date=r.date.isoformat() if r.date else "",
            **{k.replace(" ", "_"): v for k, v in r.counts().items()},
        )
        for p, r in reports
    ]
    rows += [{"file": e["file"], "error": e["error"]} for e in errors]
    keys = ["consistent", "overstated", "understated", "contradicted", "no_data", "not_checkable"]
    emit(
        ResultTable(
            title=f"Claims in {len(files)} documents",
            columns=[Column("file", "#meta+file"), Column("date", "#date")]
            + [Column(k, f"#indicator+num+{k}") for k in keys]
            + [Column("error", "#meta+error")],
            rows=rows,
        ),
        "table",
    )


def _show(report: ClaimsReport, fmt: ClaimsFormat) -> None:
    if fmt == ClaimsFormat.json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str) + "\n")
        return
    if fmt == ClaimsFormat.html:
        sys.stdout.write(page_html(report) + "\n")
        return
    _print_blocks(report)
    if report.truncated:
        console.print(
            "note: the document has more claims than the limit (claims.toml max_claims_per_document)", markup=False
        )


def _print_blocks(report: ClaimsReport) -> None:
    """For people: one block per claim (verdict, what, where, when, why, evidence), then the rest."""
    counts = ", ".join(f"{v} {k}" for k, v in report.counts().items() if v)
    out = [
        f"{report.title or 'Document'}, dated {report.date.isoformat() if report.date else 'unknown'} "
        f"({report.date_basis}): {counts or 'no claims'}",
        "Verdicts speak of the data in the store only; the claims are the document's.",
        *(f"Note: {n}" for n in report.notes),
        "",
    ]
    for i, c in enumerate(report.claims, 1):
        out.append(f"[{i}] {c.verdict.upper()}  {c.figure!r}: {c.indicator_label}, {c.area_name}, "
                   f"{c.date['from']}" + ("" if c.date["from"] == c.date["to"] else f" to {c.date['to']}"))
        out.append(f"    {reading_text(c.reading)}")
        out.append(f"    {c.explanation}")
        for e in c.evidence:
            value = fmt(float(e.value), c.unit) if isinstance(e.value, (int, float)) else str(e.value)
            mark = "" if e.used else " (not used)"
            says = f" -> {e.verdict}" if e.verdict else ""
            who = " (attributed)" if e.attributed else ""
            out.append(f"    - {value}, {e.date}, {e.source}{who}, {e.location}{mark}{says}")
        tol = c.tolerance
        out.append(f"    rule: {tol.get('rule')}")
        out.extend(f"    note: {n}" for n in c.notes)
        out.append("")
    if report.not_checkable:
        out.append("Not checkable:")
        out.extend(f"  - {n.shown or n.text[:80]!r}: {n.reason}" for n in report.not_checkable)
    console.print("\n".join(out), markup=False, highlight=False, soft_wrap=True)
