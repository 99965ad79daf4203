"""What a row is: from a declared date a publisher's row no longer stands for one truck.

UNRWA's list has 1,089 rows at Kerem Shalom for 7-23 May 2024 where the UN reported 143 truckloads.
Until a sourced trucks-per-row value per period is found, every truck count derived from those rows
keeps the named per-row assumption and carries this flag (``[truck_basis.PUBLISHER]`` in the
``normalisation`` set, overridable), on every face that shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from lifeline.assumptions import AssumptionSet, load_set


@dataclass(frozen=True)
class RowBasis:
    """From ``since`` on, one row of ``publisher`` is not one truck."""

    publisher: str
    since: date
    code: str
    evidence: str
    source: str

    def text(self) -> str:
        return (
            f"ASSUMPTION {self.code}: {self.publisher} trucks from {self.since} count rows at one truck per row, "
            f"but after that date a row is not one truck ({self.evidence}); these truck counts are not truckloads"
        )


def _day(v: Any) -> date:
    return v if isinstance(v, date) else date.fromisoformat(str(v)[:10])


def bases(rules: AssumptionSet | None = None) -> list[RowBasis]:
    """The declared row-is-not-a-truck periods, one per publisher."""
    aset = rules or load_set("normalisation")
    out = []
    for pub, raw in aset.tables.get("truck_basis", {}).items():
        if isinstance(raw, dict) and raw.get("rows_not_trucks_from"):
            out.append(
                RowBasis(str(pub), _day(raw["rows_not_trucks_from"]), str(raw.get("code", "row-is-one-truck")),
                         str(raw.get("evidence", "")), str(raw.get("source", "")))
            )
    return out


def flag(publisher: Any, end: date | str | None, rules: list[RowBasis] | None = None) -> str | None:
    """The flag for ``publisher``'s truck count over a period ending on ``end`` (None: unflagged)."""
    if publisher is None or end is None:
        return None
    last = _day(end)
    for b in bases() if rules is None else rules:
        if str(publisher).lower() == b.publisher.lower() and last >= b.since:
            return f"trucks after {b.since}: rows, not truckloads ({b.code})"
    return None


def notes(publishers: Any, end: date | str | None) -> list[str]:
    """Notes for a table holding truck counts of ``publishers`` up to ``end``."""
    found = bases()
    if end is None:
        return [b.text() + f" ({b.source})" for b in found if b.publisher in {str(p) for p in publishers}]
    last = _day(end)
    names = {str(p).lower() for p in publishers}
    return [b.text() + f" ({b.source})" for b in found if b.publisher.lower() in names and last >= b.since]
