"""Stated needs stand only over the period their source gives (or an assumed, overridable one), never until
the next statement: a 28 Nov 2023 "200 trucks/day for at least two months" is not the need in May 2024."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from lifeline.model import access
from lifeline.model.stated_needs import dated_only_by_month_or_year, in_force, statements


def _row(i: int, start: date, end: date | None, value: float) -> dict[str, Any]:
    return {"id": i, "date": start, "period_end": end, "value": value, "unit": "trucks/day"}


ROWS = [
    _row(1, date(2023, 10, 22), None, 100),  # at least 100/day, no period
    _row(2, date(2023, 10, 1), date(2023, 10, 31), 100),  # dated only by its month
    _row(3, date(2023, 11, 28), date(2024, 1, 28), 200),  # for at least two months
    _row(4, date(2024, 1, 1), date(2024, 12, 31), 300),  # dated only by its year
    _row(5, date(2024, 5, 30), None, 500),
]


def test_each_statement_stands_over_its_own_period_and_no_longer() -> None:
    found = {s.row["id"]: s for s in statements(ROWS, default_days=60)}
    assert set(found) == {1, 3, 5}  # month- and year-dated rows are never the need in force
    assert found[1].valid_until == date(2023, 11, 27)
    assert found[1].until_why == "replaced by the statement of 2023-11-28"
    assert found[3].valid_until == date(2024, 1, 28) and found[3].until_why == "stated period"
    assert found[5].valid_until == date(2024, 7, 28) and found[5].until_why == "assumed 60 days"
    assert all(s.unit == "trucks/day" for s in found.values())


@pytest.mark.parametrize(("start", "end", "value", "days"), [
    (date(2023, 11, 1), date(2023, 11, 30), 100, 27),
    (date(2023, 12, 1), date(2023, 12, 31), 200, 31),
    (date(2024, 1, 1), date(2024, 1, 31), 200, 28),
    (date(2024, 4, 1), date(2024, 4, 30), None, None),  # nothing stands: the 28 Nov statement is not held
    (date(2024, 5, 27), date(2024, 6, 2), 500, 4),
    (date(2024, 8, 1), date(2024, 8, 31), None, None),
])
def test_need_in_force_over_a_period(start: date, end: date, value: float | None, days: int | None) -> None:
    got = in_force(statements(ROWS, default_days=60), start, end)
    assert (got[0].value if got else None, got[1] if got else None) == (value, days)


def test_whole_month_or_year_is_a_written_date_not_a_validity() -> None:
    assert dated_only_by_month_or_year(date(2023, 10, 1), date(2023, 10, 31))
    assert dated_only_by_month_or_year(date(2024, 1, 1), date(2024, 12, 31))
    assert not dated_only_by_month_or_year(date(2023, 11, 28), date(2024, 1, 28))
    assert not dated_only_by_month_or_year(date(2024, 2, 1), None)


def test_throughput_shows_a_need_only_while_it_stands(real_with_reference: Engine) -> None:
    with real_with_reference.connect() as conn:
        result = access.throughput(conn, date(2023, 12, 1), date(2024, 6, 30), by="month")
    unrwa = {str(r["period"]): r for r in result.rows if r["source"] == "UNRWA"}
    december, april, june = unrwa["2023-12-01"], unrwa["2024-04-01"], unrwa["2024-06-01"]
    assert december["stated_need"] == 200 and december["need_valid_until"] == date(2024, 1, 28)
    assert "stated period" in december["need_source"] and december["need_unit"] == "trucks/day"
    assert april["stated_need"] is None and april["share_of_need"] is None and april["need_source"] is None
    assert june["stated_need"] == 500 and june["need_days"] == 30
    assert any("stated_need_valid_days" in n for n in result.notes)
