"""A study's results as a cited table: the paper's figure beside Lifeline's, and the difference.

The JSON form is the one the issue fixes: ``{"study", "results": [{"name", "paper", "lifeline",
"unit", "difference_pct"}], ...}``; table, CSV and HXL use the same rows through the shared writers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lifeline.formats import Column, ResultTable

REPRODUCTION = "reproduction"
DECOMPOSITION = "decomposition"
OUTSIDE = "outside tolerance"
WITHIN = "within tolerance"

COLUMNS = [
    Column("section", "#meta+section", "section"),
    Column("name", "#indicator+name", "result"),
    Column("paper", "#indicator+num+published", "paper"),
    Column("lifeline", "#indicator+num+lifeline", "Lifeline"),
    Column("unit", "#indicator+unit"),
    Column("difference_pct", "#indicator+num+difference", "difference %"),
    Column("tolerance_pct", "#indicator+num+tolerance", "tolerance %"),
    Column("flag", "#status+tolerance", "flag"),
]


@dataclass
class Result:
    """One reported figure; ``tolerance_pct`` is the documented agreement the tests enforce (None: not compared).

    ``section`` keeps a study's reproduction (its published figures beside Lifeline's) apart from the
    step-by-step decomposition of the gap between the studies, whose rows have no published figure.
    """

    name: str
    paper: float | None
    lifeline: float | None
    unit: str
    tolerance_pct: float | None = None
    section: str = REPRODUCTION

    @property
    def flag(self) -> str | None:
        """"outside tolerance" / "within tolerance"; None where the row is not compared."""
        diff = self.difference_pct
        if diff is None or self.tolerance_pct is None:
            return None
        return OUTSIDE if abs(diff) > self.tolerance_pct else WITHIN

    @property
    def difference_pct(self) -> float | None:
        if self.paper in (None, 0) or self.lifeline is None:
            return None
        return round(100.0 * (self.lifeline - self.paper) / abs(self.paper), 1)  # type: ignore[operator]

    def as_row(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "name": self.name,
            "paper": self.paper,
            "lifeline": self.lifeline,
            "unit": self.unit,
            "difference_pct": self.difference_pct,
            "tolerance_pct": self.tolerance_pct,
            "flag": self.flag,
        }


RESULT_KEYS = ("name", "paper", "lifeline", "unit", "difference_pct", "tolerance_pct", "flag", "section")


@dataclass
class StudyTable(ResultTable):
    """A :class:`ResultTable` whose JSON is the study shape; ``extra`` adds keys (defects, factors...)."""

    study: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    results_in_json: bool = True

    def as_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"study": self.study} if self.study else {}
        if self.results_in_json:
            doc["results"] = [
                {k: r.get(k) for k in RESULT_KEYS} for r in self.rows
            ]
        doc.update(self.extra)
        doc["sources"] = self.sources
        doc["notes"] = self.notes
        return doc


def study_table(
    study: str,
    title: str,
    results: list[Result],
    sources: list[dict[str, Any]],
    notes: list[str],
    extra: dict[str, Any] | None = None,
    query: dict[str, Any] | None = None,
) -> StudyTable:
    return StudyTable(
        title=title,
        columns=COLUMNS,
        rows=[r.as_row() for r in sorted(results, key=lambda r: r.section.startswith(DECOMPOSITION))],
        sources=sources,
        notes=notes,
        query=query or {},
        study=study,
        extra=extra or {},
    )
