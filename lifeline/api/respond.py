"""Turn a ResultTable into an HTTP answer: JSON by default, CSV or HXL on request, paginated."""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from lifeline.formats import ResultTable, render
from lifeline.formats.writers import _plain

Fmt = Literal["json", "csv", "hxl"]
MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8", "hxl": "text/csv; charset=utf-8"}


class ColumnDoc(BaseModel):
    key: str
    hxl: str
    label: str


class TableDoc(BaseModel):
    """Every table answer: rows with HXL-tagged columns, the sources behind them, notes, and paging."""

    title: str
    query: dict[str, Any]
    columns: list[ColumnDoc]
    rows: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    notes: list[str]
    total: int
    limit: int
    offset: int
    next: str | None


class ErrorDoc(BaseModel):
    error: str
    file: str | None = None
    row: int | None = None
    column: str | None = None


TABLE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "model": TableDoc,
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "JSON by default; CSV or HXL (CSV with a hashtag row) with ?format=csv|hxl",
    },
    400: {"model": ErrorDoc, "description": "a parameter the server cannot use"},
    401: {"model": ErrorDoc, "description": "private server: log in or send a token"},
    404: {"model": ErrorDoc, "description": "no such thing"},
    503: {"model": ErrorDoc, "description": "this part of Lifeline is not available in this build"},
}


def dumps(doc: Any) -> str:
    return json.dumps(doc, default=_plain, ensure_ascii=False, allow_nan=False)


def table(
    request: Request, result: ResultTable, fmt: Fmt = "json", limit: int | None = None, offset: int = 0
) -> Response:
    total = len(result.rows)
    if limit is None:
        limit = max(total, 1)
    page = ResultTable(result.title, result.columns, result.rows[offset : offset + limit], result.sources,
                       result.notes, result.query)
    filename = "".join(ch if ch.isalnum() else "-" for ch in result.title.lower()).strip("-")[:60] or "table"
    if fmt in ("csv", "hxl"):
        suffix = "hxl.csv" if fmt == "hxl" else "csv"
        return Response(
            render(page, fmt), media_type=MEDIA[fmt],
            headers={"content-disposition": f'attachment; filename="{filename}.{suffix}"'},
        )
    nxt = None
    if offset + limit < total:
        nxt = str(request.url.include_query_params(offset=offset + limit, limit=limit))
    doc = page.as_dict() | {"total": total, "limit": limit, "offset": offset, "next": nxt}
    return Response(dumps(doc), media_type=MEDIA["json"])
