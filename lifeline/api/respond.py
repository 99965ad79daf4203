"""Turn a ResultTable into an HTTP answer: JSON by default, CSV, HXL or XLSX on request, paginated.

A CSV download starts with a UTF-8 byte-order mark, so Excel shows Arabic names intact;
``?bom=0`` omits it (for tools that would keep it as part of the first column's name). HXL keeps
no mark and every value as stored; CSV and XLSX round figures to their precision.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from lifeline.errors import UserError
from lifeline.formats import ResultTable, render
from lifeline.formats.writers import _plain, to_csv

Fmt = Literal["json", "csv", "hxl", "xlsx"]
MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8", "hxl": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
BOM_VALUES = {"1": True, "0": False}


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
        "content": {"text/csv": {"schema": {"type": "string"}},
                    MEDIA["xlsx"]: {"schema": {"type": "string", "format": "binary"}}},
        "description": "JSON by default; CSV, HXL (CSV with a hashtag row) or XLSX with ?format=csv|hxl|xlsx; "
                       "CSV starts with a UTF-8 byte-order mark unless ?bom=0",
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
    if fmt in ("csv", "hxl", "xlsx"):
        suffix = {"hxl": "hxl.csv", "csv": "csv", "xlsx": "xlsx"}[fmt]
        headers = {"content-disposition": f'attachment; filename="{filename}.{suffix}"'}
        if fmt == "xlsx":
            from lifeline.formats.xlsx import to_xlsx

            return Response(to_xlsx(page), media_type=MEDIA[fmt], headers=headers)
        body = to_csv(page, bom=_bom(request)) if fmt == "csv" else render(page, fmt)
        return Response(body, media_type=MEDIA[fmt], headers=headers)
    nxt = None
    if offset + limit < total:
        nxt = str(request.url.include_query_params(offset=offset + limit, limit=limit))
    doc = page.as_dict() | {"total": total, "limit": limit, "offset": offset, "next": nxt}
    return Response(dumps(doc), media_type=MEDIA["json"])


def _bom(request: Request) -> bool:
    value = request.query_params.get("bom", "1")
    if value not in BOM_VALUES:
        raise UserError(f"'bom' must be 1 (start a CSV with a byte-order mark, the default) or 0, got {value!r}")
    return BOM_VALUES[value]
