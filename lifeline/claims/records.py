"""What extraction finds: a claim (figure or status, with what, where and when it counts), a figure that
cannot be checked with its reason, and a document's extraction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lifeline.claims import dates as dt
from lifeline.claims.gazetteer import Place
from lifeline.claims.rules import Attribution, Indicator


@dataclass
class Claim:
    """One checkable assertion: the figure (or status) and what, where and when it counts."""

    text: str
    span: tuple[int, int]
    figure: str
    figure_span: tuple[int, int]
    indicator: Indicator
    area: Place
    area_basis: str  # "named" | "default"
    period: dt.Period
    value: float | None
    low: float | None
    high: float | None
    qualifier: str | None
    qualifier_kind: str
    status: str | None = None
    denominator: float | None = None
    notes: list[str] = field(default_factory=list)
    reading: str = "count"  # count | total | per day | share | baseline per day | baseline | status
    attribution: Attribution | None = None
    negated: bool = False
    share_of: float | None = None  # "half of the 200 trucks a day that … needs": the whole the statement names
    share_of_figure: str | None = None
    also: tuple[Place, ...] = ()  # the other crossings a truck figure is the total of, with ``area``

    @property
    def area_name(self) -> str:
        """The place as a reader names it: "Mellit Road checkpoint and Kabkabiya Road gate" for a joint total."""
        names = [self.area.name, *(p.name for p in self.also)]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def reading_dict(self) -> dict[str, Any]:
        """What the figure was judged as, so a reader can see a misreading."""
        return {
            "indicator": self.indicator.name,
            "unit": self.indicator.unit,
            "reading": self.reading,
            "qualifier": self.qualifier,
            "bounds_kind": self.qualifier_kind,
            "period": self.period.as_dict(),
            "area": self.area.code,
            "area_name": self.area_name,
            "area_basis": self.area_basis,
            "with_crossings": [p.code for p in self.also],
            "attribution": self.attribution.name if self.attribution else None,
            "negated": self.negated,
            "share_of": (
                {"figure": self.share_of_figure, "value": self.share_of} if self.share_of is not None else None
            ),
        }


@dataclass
class NotCheckable:
    text: str
    span: tuple[int, int]
    figure: str | None
    reason: str
    value: float | None = None  # the number the figure stands for, when it has one

    @property
    def shown(self) -> str | None:
        """The figure as written; one in words carries its value in digits ("four (4)", "مئات (200)")."""
        if self.figure is None or self.value is None or any(ch.isdigit() for ch in self.figure):
            return self.figure
        return f"{self.figure} ({self.value:g})"

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "span": list(self.span), "figure": self.shown, "value": self.value,
                "reason": self.reason}


@dataclass
class Extraction:
    claims: list[Claim]
    not_checkable: list[NotCheckable]
    truncated: bool = False
