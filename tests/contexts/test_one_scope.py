"""Coverage and the store queries see the same deliveries of a context (one scoping rule)."""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import Engine

from lifeline.model import contexts
from lifeline.model.coverage import build_inputs, scoped_deliveries
from lifeline.model.deliveries import delivery_table


@pytest.mark.parametrize("context", ["gaza-strip", "XZ"])
def test_coverage_counts_the_deliveries_the_queries_show(two_contexts: Engine, context: str) -> None:
    with two_contexts.connect() as conn:
        frame = scoped_deliveries(conn, contexts.scope(conn, context))
        shown = delivery_table(conn, by="month", group="crossing", context=context)
        model = build_inputs(conn, runs=1, context=context)
    by_crossing = {c: round(float(kg) / 1000, 3)
                   for c, kg in frame.group_by("crossing").agg(pl.col("kg").sum()).iter_rows()}
    tonnes: dict[str, float] = {}
    for r in shown.rows:
        tonnes[r["crossing"]] = round(tonnes.get(r["crossing"], 0.0) + r["tonnes"], 3)
    assert by_crossing == tonnes
    assert frame.height == sum(r["consignments"] for r in shown.rows)
    # the model's days with entries count exactly these rows
    assert model.entry_days is not None and int(model.entry_days.sum()) == frame.height
    if context == "XZ":
        assert tonnes == {"north-gate": 1500.0, "river-port": 950.0}
    else:
        assert tonnes == {"kerem-shalom": 350.0, "rafah": 100.0}
