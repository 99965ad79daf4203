"""The UNRWA line lists: exact row accounting, monthly counts, and the update between two versions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lifeline.ingest.service import import_file
from lifeline.store import queries, schema
from tests.conftest import shared_file

pytestmark = pytest.mark.slow


def test_unrwa_csv_row_accounting_and_may_2024_counts(store):
    path = shared_file("unrwa-commodities-received-20241111.csv")
    report = import_file(store, path)
    assert report.kind == "unrwa"
    assert report.rows_read == 37373
    assert (report.rows_imported, report.rows_unchanged, report.rows_changed, report.rows_rejected) == (37373, 0, 0, 0)
    # The 102 rows with a quantity of zero or less are kept and flagged, never silently dropped.
    with store.connect() as conn:
        flagged = conn.execute(
            select(func.count()).where(schema.deliveries.c.flags.like("%quantity<=0%"))
        ).scalar()
        may = queries.delivery_totals(conn, "month", "crossing", date(2024, 5, 1), date(2024, 5, 31))
    assert flagged == 102
    counts = {r["group"]: r["consignments"] for r in may}
    assert counts == {"kerem-shalom": 3031, "western-erez": 886, "rafah": 240, "erez": 185}


def test_update_from_september_to_november_list_keeps_history(store):
    first = import_file(store, shared_file("unrwa-commodities-received-20240911.xlsx"))
    assert first.rows_read == first.rows_imported == 35521
    second = import_file(store, shared_file("unrwa-commodities-received-20241111.xlsx"))
    assert second.status == "updated"
    assert second.rows_read == 37373
    assert second.rows_imported == 1852
    assert second.rows_unchanged + second.rows_changed == 35521
    assert second.rows_withdrawn == 0
    again = import_file(store, shared_file("unrwa-commodities-received-20241111.csv"))
    # The csv and xlsx of one version hold the same rows: nothing changes, nothing is written.
    assert again.status == "unchanged"
    assert again.rows_unchanged == 37373
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.datasets)).scalar() == 2
        assert conn.execute(select(func.count()).select_from(schema.deliveries)).scalar() == 37373
