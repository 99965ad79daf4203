"""The two published UNRWA lists (11 September and 11 November 2024): as of a moment between their
imports, every answer is the one the store gave with the first list alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, update

from lifeline.assumptions import load_set
from lifeline.ingest.service import import_file
from lifeline.model.access import timeline
from lifeline.store import as_of, queries, schema
from lifeline.store.queries_model import deliveries_frame
from tests.conftest import shared_file


def _answers(engine: Engine, at: datetime | None = None) -> dict[str, object]:
    with engine.connect() as conn, as_of.held_at(at):
        return {
            "totals": queries.delivery_totals(conn, by="week", group="crossing"),
            "frame": deliveries_frame(conn).select("date", "crossing", "kg", "trucks").sort("date", "crossing", "kg")
            .rows(),
            "timeline": timeline(conn, by="month").rows,
        }


@pytest.mark.slow
def test_as_of_between_the_real_lists(sqlite_store: Engine) -> None:
    first = shared_file("unrwa-commodities-received-20240911.xlsx")
    second = shared_file("unrwa-commodities-received-20241111.xlsx")
    rules = load_set("normalisation")
    seen = []
    for path, at in ((first, datetime(2024, 9, 12, tzinfo=UTC)), (second, datetime(2024, 11, 12, tzinfo=UTC))):
        report = import_file(sqlite_store, path, kind="unrwa", rules=rules)
        with sqlite_store.begin() as conn:
            d, r = schema.datasets, schema.revisions
            conn.execute(update(d).where(d.c.id == report.dataset_id).values(imported_at=at))
            conn.execute(update(r).where(r.c.dataset_id == report.dataset_id).values(changed_at=at))
        seen.append(_answers(sqlite_store))
    assert seen[0]["totals"] != seen[1]["totals"]
    assert _answers(sqlite_store, datetime(2024, 10, 1, tzinfo=UTC)) == seen[0]
    assert _answers(sqlite_store, datetime(2024, 12, 1, tzinfo=UTC)) == seen[1]
