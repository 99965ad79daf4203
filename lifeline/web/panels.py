"""What each page shows, as a list of blocks (table, chart, map, or a plain "not available" panel), and the
request's view every block builder (lifeline.web.views, lifeline.web.live_blocks) reads.

Every block holds a ResultTable, so its sources and notes are shown under it and it can be
downloaded as CSV, HXL or JSON through the matching API URL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Connection

from lifeline.formats import ResultTable
from lifeline.i18n import wording as i18n
from lifeline.optional import NotAvailable


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


@dataclass
class View:
    """What a builder needs to know about the request."""

    conn: Connection
    lang: str
    t: Callable[..., str]
    name: Callable[[Any], str]
    params: dict[str, Any]
    workbook: str | None = None

    @property
    def rtl(self) -> bool:
        return self.lang == "ar"

    def prose(self, text: str) -> str:
        """A sentence or label the core wrote in English, in the page's language (lifeline/i18n)."""
        return i18n.plain(i18n.prose(self.lang, text))

    def scoped(self) -> dict[str, Any]:
        """The ``context`` argument of the model calls, only when the page names one (a store of one context
        keeps its cache keys)."""
        return {"context": self.params["context"]} if self.params.get("context") else {}
