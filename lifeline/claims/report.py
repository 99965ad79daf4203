"""The result of checking a document: claims with verdicts and evidence, and what was not checkable.

``ClaimsReport.as_dict()`` is the JSON shape every face returns (CLI ``--format json`` and
``POST /api/v1/claims/check``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lifeline.claims.extract import NotCheckable

VERDICTS = ("consistent", "overstated", "understated", "sources disagree", "contradicted", "no data")


@dataclass
class EvidenceRow:
    """One source's figure for the claim's indicator, area and window; ``used`` if it decided the verdict."""

    value: float | str | None
    date: str
    source: str
    location: str
    title: str | None = None
    url: str | None = None
    note: str | None = None
    used: bool = True
    verdict: str | None = None  # this source's own verdict on the claim (numeric claims)
    attributed: bool = False  # the statement attributes its figure to this source

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "date": self.date,
            "source": self.source,
            "location": self.location,
            "title": self.title,
            "url": self.url,
            "note": self.note,
            "used": self.used,
            "verdict": self.verdict,
            "attributed": self.attributed,
        }


@dataclass
class ClaimResult:
    text: str
    span: tuple[int, int]
    figure: str
    figure_span: tuple[int, int]
    indicator: str
    indicator_label: str
    area: str
    area_name: str
    area_basis: str
    date: dict[str, str]
    value: float | str | None
    bounds: list[float | None]
    unit: str
    verdict: str
    tolerance: dict[str, Any]
    evidence: list[EvidenceRow]
    explanation: str
    notes: list[str] = field(default_factory=list)
    reading: dict[str, Any] = field(default_factory=dict)

    def sources(self) -> list[dict[str, Any]]:
        """Each source's value and own verdict, side by side (the used evidence rows)."""
        return [
            {"source": e.source, "value": e.value, "date": e.date, "verdict": e.verdict, "attributed": e.attributed}
            for e in self.evidence
            if e.used
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "reading": self.reading,
            "sources": self.sources(),
            "text": self.text,
            "span": list(self.span),
            "figure": self.figure,
            "figure_span": list(self.figure_span),
            "indicator": self.indicator,
            "indicator_label": self.indicator_label,
            "area": self.area,
            "area_name": self.area_name,
            "area_basis": self.area_basis,
            "date": self.date,
            "value": self.value,
            "bounds": self.bounds,
            "unit": self.unit,
            "verdict": self.verdict,
            "tolerance": self.tolerance,
            "evidence": [e.as_dict() for e in self.evidence],
            "explanation": self.explanation,
            "notes": self.notes,
        }


@dataclass
class ClaimsReport:
    """Every claim of one document with its verdict, plus the figures that could not be checked."""

    title: str | None
    date: date | None  # None: no dateline and none given; every figure is then not checkable
    date_basis: str  # "given" | "dateline" | "asked" | "none"
    claims: list[ClaimResult]
    not_checkable: list[NotCheckable]
    text: str = ""
    truncated: bool = False
    rules: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(VERDICTS, 0)
        for c in self.claims:
            out[c.verdict] += 1
        out["not checkable"] = len(self.not_checkable)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "document": {
                "title": self.title,
                "date": self.date.isoformat() if self.date else None,
                "date_basis": self.date_basis,
                "characters": len(self.text),
                "truncated": self.truncated,
                "text": self.text,  # the text checked (HTML reduced to its visible text): spans index it
            },
            "claims": [c.as_dict() for c in self.claims],
            "not_checkable": [n.as_dict() for n in self.not_checkable],
            "summary": self.counts(),
            "rules": self.rules,
            "notes": self.notes,
        }
