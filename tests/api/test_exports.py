"""Downloads people open: CSV with a byte-order mark (unless ?bom=0), XLSX of every table, HXL as
stored; figures rounded to their precision in CSV and XLSX, unrounded in JSON."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest

from tests.web.helpers import Served, bearer

BOM = b"\xef\xbb\xbf"


def _table_endpoints(served: Served) -> list[str]:
    """Every GET of the API that answers a table (it takes ?format=), path parameters set to 1."""
    spec = served.client.get("/openapi.json").json()
    out = []
    for path, item in spec["paths"].items():
        get = item.get("get")
        if not path.startswith("/api/v1") or not get:
            continue
        if any(p["name"] == "format" for p in get.get("parameters", [])):
            out.append(path.replace("{dataset_id}", "1"))
    return out


def test_csv_starts_with_a_byte_order_mark_unless_bom_0_and_hxl_never(served: Served) -> None:
    params: dict[str, Any] = {"by": "month", "format": "csv"}
    with_mark = served.client.get("/api/v1/deliveries", params=params).content
    without = served.client.get("/api/v1/deliveries", params=params | {"bom": "0"}).content
    assert with_mark.startswith(BOM) and with_mark[len(BOM):] == without and not without.startswith(BOM)
    assert list(csv.reader(io.StringIO(with_mark.decode("utf-8-sig"))))[0][0] == "period"
    hxl = served.client.get("/api/v1/deliveries", params={"by": "month", "format": "hxl"}).content
    assert not hxl.startswith(BOM)
    bad = served.client.get("/api/v1/deliveries", params=params | {"bom": "yes"})
    assert bad.status_code == 400 and "'bom'" in bad.json()["error"]


def test_every_table_downloads_as_a_workbook_with_the_json_rows(served: Served) -> None:
    endpoints = _table_endpoints(served)
    assert len(endpoints) >= 10, endpoints
    admin = bearer(served.admin_token)  # the audit log is for admins
    answered = 0
    for path in endpoints:
        answer = served.client.get(path, headers=admin)
        r = served.client.get(path, params={"format": "xlsx"}, headers=admin)
        assert r.status_code == answer.status_code, (path, r.text[:200])
        if answer.status_code != 200:  # a required parameter (series' indicator): the same error either way
            continue
        answered += 1
        doc = answer.json()
        assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert r.headers["content-disposition"].endswith('.xlsx"')
        sheet = openpyxl.load_workbook(io.BytesIO(r.content))["data"]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == [c["label"] for c in doc["columns"]], path
        assert len(rows) - 1 == doc["total"], path
    assert answered >= 10


def test_tonnes_are_rounded_for_people_and_exact_for_machines(served: Served) -> None:
    params = {"by": "day", "group": "crossing"}
    doc = served.client.get("/api/v1/deliveries", params=params).json()
    exact = [row["tonnes"] for row in doc["rows"]]
    assert any(isinstance(t, float) and not t.is_integer() for t in exact), "precondition: fractional tonnes"
    text = served.client.get("/api/v1/deliveries", params=params | {"format": "csv"}).content.decode("utf-8-sig")
    shown = [row["tonnes"] for row in csv.DictReader(io.StringIO(text))]
    assert shown == [str(round(t)) for t in exact]
    hxl = served.client.get("/api/v1/deliveries", params=params | {"format": "hxl"}).text
    hxl_rows = list(csv.reader(io.StringIO(hxl)))
    column = hxl_rows[0].index("tonnes")
    assert [float(r[column]) for r in hxl_rows[2:]] == pytest.approx(exact)
    book = served.client.get("/api/v1/deliveries", params=params | {"format": "xlsx"}).content
    sheet = openpyxl.load_workbook(io.BytesIO(book))["data"]
    header = [c.value for c in sheet[1]]
    cells = [row[header.index("tonnes")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert cells == [round(t) for t in exact]


def test_kcal_are_shown_to_the_kcal_like_the_weights_they_come_from() -> None:
    from lifeline.formats.precision import decimals, rounded
    from lifeline.formats.table import Column

    kcal = Column("kcal_before", "#indicator+kcal+before", "kcal before")
    assert decimals(kcal) == 0
    assert rounded(3_449_985_737.5, decimals(kcal)) == 3_449_985_738
    assert decimals(Column("share", "#indicator+num+pct")) is None
