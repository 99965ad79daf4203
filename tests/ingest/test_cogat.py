"""The COGAT aid line list: exact row accounting, and monthly Food tonnes by route equal to studies.md S.1."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from lifeline.assumptions import load_set
from lifeline.ingest import cogat
from lifeline.ingest.service import import_file, parse
from lifeline.store import queries, schema
from lifeline.store.periods import period_start
from tests.conftest import shared_file

COGAT = "cogat-gaza-aid-data-20240924.csv"
HEADER = "Index,Date,Route,Classification,Donor,Aid (tons)\n"


def _food_tonnes_by_month_and_route(store: Engine) -> dict[tuple[str, str], float]:
    d = schema.deliveries
    with store.connect() as conn:
        period = period_start(conn, d.c.date, "month")
        stmt = (
            select(period, d.c.route, func.sum(d.c.kg) / 1000.0, func.count())
            .where(d.c.category == "food", d.c.date >= date(2024, 1, 1), d.c.date <= date(2024, 7, 31))
            .group_by(period, d.c.route)
        )
        return {(p[:7], r): (float(t or 0), int(n)) for p, r, t, n in conn.execute(stmt)}


def test_cogat_row_accounting_and_food_tonnes_by_route(store: Engine) -> None:
    report = import_file(store, shared_file(COGAT))
    assert report.kind == "cogat"
    assert (report.rows_read, report.rows_imported, report.rows_rejected) == (52479, 52479, 0)
    assert report.rows_flagged == 978  # the "-" tonnages: kept, no weight
    by = _food_tonnes_by_month_and_route(store)
    # studies.md S.1, "COGAT Food by month and route" and the Jan-Jul totals by route.
    assert by[("2024-04", "land")][0] + by[("2024-04", "air")][0] == pytest.approx(109_537.5)
    assert by[("2024-05", "sea")] == (pytest.approx(1_355.0), by[("2024-05", "sea")][1])
    monthly = {"2024-01": 72_560.0, "2024-02": 43_034.0, "2024-03": 81_777.5, "2024-04": 109_537.5,
               "2024-05": 116_961.0, "2024-06": 87_582.0, "2024-07": 94_996.5}
    for month, tonnes in monthly.items():
        assert sum(t for (p, _r), (t, _n) in by.items() if p == month) == pytest.approx(tonnes), month
    routes = {
        r: (sum(t for (_p, q), (t, _n) in by.items() if q == r), sum(n for (_p, q), (_t, n) in by.items() if q == r))
        for r in ("land", "air", "sea")
    }
    assert routes["land"] == (pytest.approx(595_140.0), 27_756)
    assert routes["air"] == (pytest.approx(6_958.5), 122)
    assert routes["sea"] == (pytest.approx(4_350.0), 308)
    with store.connect() as conn:
        d = schema.deliveries
        no_weight = conn.execute(select(func.count()).where(d.c.flags == "no-weight", d.c.kg.is_(None))).scalar()
        zero_kg = conn.execute(select(func.count()).where(d.c.kg == 0)).scalar()
        land_crossings = conn.execute(
            select(func.count()).where(d.c.route == "land", d.c.crossing.is_not(None))
        ).scalar()
        air_trucks = conn.execute(select(func.count()).where(d.c.route == "air", d.c.trucks.is_not(None))).scalar()
        ids = conn.execute(select(d.c.source_row_id).where(d.c.source_row_id.like("51304%"))).scalars().all()
        totals = queries.delivery_totals(conn, "month", "route", date(2024, 5, 1), date(2024, 5, 31), "cogat")
    assert (no_weight, zero_kg, land_crossings, air_trucks) == (978, 0, 0, 0)
    assert sorted(ids) == ["51304", "51304#2"]
    assert {r["group"] for r in totals} == {"land", "sea", "air"}
    assert all(r["source"] == "COGAT" for r in totals)


def test_sept_and_full_month_names_and_duplicate_ids(tmp_path: Path) -> None:
    path = tmp_path / "cogat-sample.csv"
    path.write_text(
        HEADER
        + "1,9 Sept 2024,Land Crossings,Food,WFP,20\n"
        + "2,1 September 2024,Maritime Route (JLOTS),Gas,USA,-\n"
        + "2,3 sep 2024,Aerial Route,Medical Supplies,Jordan,4.3\n"
        + "2,4 Oct 2023,Land Crossings,Shelter Equipment,UN,15\n",
        encoding="utf-8",
    )
    module, parsed = parse(path)
    assert module is cogat
    rows = parsed.rows.to_dicts()
    assert [r["date"] for r in rows] == [date(2024, 9, 9), date(2024, 9, 1), date(2024, 9, 3), date(2023, 10, 4)]
    assert [r["source_row_id"] for r in rows] == ["1", "2", "2#2", "2#3"]
    assert [r["crossing"] for r in rows] == [None, "jlots", "airdrop", None]
    assert [r["category"] for r in rows] == ["food", "fuel", "medical", "shelter"]
    assert [r["kg"] for r in rows] == [20_000.0, None, 4_300.0, 15_000.0]
    assert [r["trucks"] for r in rows] == [1.0, 1.0, None, 1.0]
    assert rows[1]["flags"] == "no-weight"


def test_bad_cells_are_rejected_with_row_column_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "cogat-bad.csv"
    path.write_text(
        HEADER
        + "1,25 Feb 2024,Land Crossings,Food,WFP,20\n"
        + "2,31 Feb 2024,Land Crossings,Food,WFP,20\n"
        + "3,25 Foo 2024,Land Crossings,Food,WFP,20\n"
        + "4,25 Feb 2024,Land Crossings,Food,WFP,twenty\n"
        + "5,25 Feb 2024,Land Crossings,Food,WFP,-5\n"
        + ",25 Feb 2024,Teleport,Food,WFP,20\n"
        + "7,2024-02,Land Crossings,Food,WFP,20\n"
        + "8,2024-02-26,Land Crossings,Food,WFP,20\n",
        encoding="utf-8",
    )
    _module, parsed = parse(path, "cogat", load_set())
    assert parsed.rows_read == 8
    got = [(r["row"], r["column"]) for r in parsed.rejections.to_dicts()]
    assert got == [(3, "Date"), (4, "Date"), (5, "Aid (tons)"), (6, "Aid (tons)"), (7, "Index"), (8, "Date")]
    reasons = parsed.rejections["reason"].to_list()
    assert "31 Feb 2024" in reasons[0] and "twenty" in reasons[2]
    assert parsed.rows["date"].to_list() == [date(2024, 2, 25), date(2024, 2, 26)]  # a month alone is not a day


def test_unknown_route_is_kept_and_flagged(tmp_path: Path) -> None:
    path = tmp_path / "cogat-route.csv"
    path.write_text(HEADER + "1,25 Feb 2024,Teleport,Food,WFP,20\n", encoding="utf-8")
    _module, parsed = parse(path, "cogat")
    row = parsed.rows.row(0, named=True)
    assert (row["route"], row["crossing"], row["flags"]) == (None, None, "unknown-route")
