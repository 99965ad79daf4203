"""The access model on both backends (SQLite and PostgreSQL) with a small hand-made store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine

from lifeline.ingest.base import Parsed, SourceInfo, conform, rejections
from lifeline.ingest.service import store as store_rows
from lifeline.model import access
from lifeline.model.sources_compare import comparison
from tests.access.conftest import event, put_observations

D1, D2, D3, D4 = (date(2024, 5, d) for d in (1, 2, 3, 4))


def _deliveries(engine: Engine, publisher: str, rows: list[dict]) -> None:
    frame = pl.DataFrame(
        [{"source_row_id": f"{publisher}{i}", "row_number": i + 2, "trucks": 1.0, **r} for i, r in enumerate(rows)],
        infer_schema_length=None,
    )
    parsed = Parsed("deliveries", conform(frame, "deliveries"), rejections(), len(rows),
                    SourceInfo(publisher=publisher, title=f"{publisher} list"), f"{publisher.lower()}-list")
    with engine.begin() as conn:
        store_rows(conn, parsed, publisher.lower(), Path(f"{publisher}.csv"), publisher[0] * 64)


@pytest.fixture
def small(store: Engine) -> Engine:
    # UNRWA: 2 trucks at Kerem Shalom on 1 May, 1 on 3 May; COGAT: 3 land rows on 1 May, 1 JLOTS row on 2 May.
    _deliveries(store, "UNRWA", [
        {"date": D1, "crossing": "kerem-shalom", "route": "land", "category": "food", "kg": 10000.0},
        {"date": D1, "crossing": "kerem-shalom", "route": "land", "category": "food", "kg": 5000.0},
        {"date": D3, "crossing": "kerem-shalom", "route": "land", "category": "medical", "kg": None},
    ])
    _deliveries(store, "COGAT", [
        {"date": D1, "route": "land", "category": "food", "kg": 20000.0},
        {"date": D1, "route": "land", "category": "food", "kg": 20000.0},
        {"date": D1, "route": "land", "category": "fuel", "kg": 30000.0},
        {"date": D2, "crossing": "jlots", "route": "sea", "category": "food", "kg": 15000.0},
    ])
    put_observations(store, [event("kerem-shalom", D2, "closed")])
    return store


def test_timeline_statuses_and_figures(small: Engine) -> None:
    with small.connect() as conn:
        rows = {(r["crossing"], r["period"]): r for r in access.timeline(conn, D1, D4).rows}
    ks1, ks2, ks3 = (rows[("kerem-shalom", d)] for d in (D1, D2, D3))
    assert (ks1["status"], ks1["status_source"]) == ("open", "inferred from entries: UNRWA")
    assert ks1["sources"]["UNRWA"] == {"consignments": 2, "trucks": 2.0, "tonnes": 15.0, "covered": True,
                                       "reason": None}
    assert ks1["sources"]["COGAT"] == {"consignments": None, "trucks": None, "tonnes": None, "covered": False,
                                       "reason": "gives no crossing for its land entries (see the route:land row)"}
    assert ks2["status"] == "closed" and ks2["status_source"].startswith("reported: OCHA")
    assert ks2["sources"]["UNRWA"]["consignments"] == 0  # UNRWA covers Kerem Shalom that day: nothing recorded
    assert ks3["status"] == "disputed" and ks3["flag"] == "entries recorded on a day reported closed: UNRWA"
    assert ks3["sources"]["UNRWA"]["tonnes"] is None  # the medical row has no weight: missing, not 0
    assert rows[("rafah", D1)]["status"] == "no data"
    assert rows[("jlots", D2)]["status_source"] == "inferred from entries: COGAT"
    land = rows[("route:land", D1)]
    assert (land["level"], land["status"], land["sources"]["COGAT"]["consignments"]) == ("route", "unknown", 3)
    assert rows[("route:land", D2)]["sources"]["COGAT"]["consignments"] == 0  # covered, nothing recorded
    assert rows[("route:land", D1)]["sources"]["UNRWA"]["covered"] is False  # UNRWA names its crossings
    assert rows[("rafah", D3)]["status"] == "no data"  # UNRWA covers 1-3 May, COGAT 1-2 May
    assert rows[("rafah", D4)]["status"] == "unknown"  # no source covers 4 May
    with small.connect() as conn:
        late = {(r["crossing"], r["period"]): r for r in access.timeline(conn, date(2024, 5, 5), date(2024, 5, 5)).rows}
    assert late[("rafah", date(2024, 5, 5))]["status"] == "unknown"
    assert late[("kerem-shalom", date(2024, 5, 5))]["status"] == "closed"


def test_compare_and_throughput(small: Engine) -> None:
    with small.connect() as conn:
        cmp = comparison(conn, "consignments", "all", "month")
        food = comparison(conn, "tonnes", "food", "month")
        fuel = comparison(conn, "consignments", "fuel", "month")
        tp = access.throughput(conn, by="month")
    total = cmp.rows[-1]
    assert (total["period"], total["COGAT"], total["UNRWA"]) == ("total", 4, 2)  # common days: 1-2 May
    assert total["ratio_COGAT"] == 2.0 and "beyond" in total["flag"]
    assert cmp.rows[0]["UNRWA"] == 3 and cmp.rows[0]["COGAT"] == 4
    assert food.rows[0]["COGAT"] == 55.0 and food.rows[0]["UNRWA"] == 15.0
    assert fuel.rows[0]["COGAT"] == 1 and fuel.rows[0]["UNRWA"] is None
    by_source = {r["source"]: r for r in tp.rows}
    assert by_source["UNRWA"]["days"] == 3 and by_source["UNRWA"]["trucks_per_day"] == 1.0
    assert by_source["COGAT"]["days"] == 2 and by_source["COGAT"]["trucks_per_day"] == 2.0
    assert by_source["UNRWA"]["prewar_trucks_per_day"] is None  # no reference set loaded: said in the notes
    assert "lifeline reference load" in tp.notes[0]


def test_any_other_publisher_gets_its_column_and_ratio(small: Engine) -> None:
    _deliveries(small, "WFP", [{"date": D1, "crossing": "kerem-shalom", "route": "land", "category": "food"}])
    with small.connect() as conn:
        result = comparison(conn, "consignments", "food", "month")
        timeline = access.timeline(conn, D1, D1, crossing="kerem-shalom")
    assert [c.key for c in result.columns] == ["period", "COGAT", "UNRWA", "WFP", "ratio_COGAT", "ratio_WFP", "flag"]
    month = result.rows[0]
    assert (month["UNRWA"], month["COGAT"], month["WFP"]) == (2, 3, 1)
    assert (month["ratio_COGAT"], month["ratio_WFP"]) == (1.5, 0.5)
    assert "WFP/UNRWA = 0.50" in month["flag"]
    assert timeline.rows[0]["status_source"] == "inferred from entries: UNRWA, WFP"
