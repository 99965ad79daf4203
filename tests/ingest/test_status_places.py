"""A status at a place the store does not hold is rejected with the place most likely meant, never stored to
show in no context (unseen round 6, finding 18: "Melit Rd")."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from lifeline.ingest.service import import_file
from lifeline.store import schema
from tests.contexts.conftest import EXAMPLE

STATUSES = """crossing,date,status,source
#loc+code,#date,#status,#meta+source
north-gate,2025-03-03,closed,test list
Nort Gate,2025-03-04,closed,test list
"""


def test_status_at_an_unknown_place_is_rejected_with_a_suggestion(sqlite_store: Engine, tmp_path: Path) -> None:
    import_file(sqlite_store, EXAMPLE / "1-places.csv")
    path = tmp_path / "statuses.csv"
    path.write_text(STATUSES, encoding="utf-8")
    report = import_file(sqlite_store, path)
    assert report.rows_imported == 1 and report.rows_rejected == 1
    (rejected,) = report.rejections
    assert rejected["row"] == 4 and "(#loc+code)" in rejected["column"], rejected
    assert "found Nort Gate" in rejected["reason"] and "did you mean north-gate?" in rejected["reason"], rejected
    o = schema.observations
    with sqlite_store.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(o).where(o.c.location == "Nort Gate")).scalar_one()
    assert stored == 0
