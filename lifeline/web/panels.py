"""What each page shows, as a list of blocks (table, chart, map, or a plain "not available" panel).

Every block holds a ResultTable, so its sources and notes are shown under it and it can be
downloaded as CSV, HXL or JSON through the matching API URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from lifeline.api.tables import NotAvailable, optional
from lifeline.formats import ResultTable

# The modules other areas of Lifeline provide; the pages use each one as soon as it exists.
MODULES = {
    "reference": "lifeline.reference.load",
    "access": "lifeline.model.access",
    "sources_compare": "lifeline.model.sources_compare",
    "series": "lifeline.model.series",
    "coverage": "lifeline.model.coverage",
    "studies": "lifeline.model.studies.compare",
    "claims": "lifeline.claims.check",
    "alerts": "lifeline.alerts.store",
}


def availability() -> dict[str, bool]:
    return {key: optional(module) is not None for key, module in MODULES.items()}


@dataclass
class Block:
    """One panel of a page."""

    id: str
    title: str
    kind: str = "table"  # table | chart | map | unavailable | nodata | error
    table: ResultTable | None = None
    figure: dict[str, Any] | None = None
    api: str | None = None  # path of the same data in the API (downloads)
    api_params: dict[str, Any] = field(default_factory=dict)
    module: str | None = None
    message: str | None = None
    show_table: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def download(self, fmt: str) -> str | None:
        if not self.api:
            return None
        params = {k: v for k, v in self.api_params.items() if v not in (None, "")} | {"format": fmt}
        return f"{self.api}?{urlencode(params, doseq=True)}"

    @property
    def points(self) -> int:
        if not self.figure:
            return 0
        return sum(len(t.get("x") or t.get("z") or []) for t in self.figure["data"])


def unavailable(block_id: str, title: str, exc: NotAvailable) -> Block:
    return Block(block_id, title, kind="unavailable", module=exc.module)
