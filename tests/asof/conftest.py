"""Two versions of one UNRWA list imported at known moments (1 September and 1 October 2024).

Version 1: 30 April rows (20 Kerem Shalom, 10 Rafah). Version 2 doubles the quantity of 12 Kerem
Shalom rows, withdraws 2 Rafah rows, back-fills 3 Rafah rows into April and adds a May row. The
answers the store gave right after each import are kept, to compare the as-of answers with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, update

from lifeline.assumptions import load_set
from lifeline.ingest.service import import_file
from lifeline.store import schema
from tests.cli.helpers import unrwa_csv, unrwa_row

V1_AT = datetime(2024, 9, 1, 12, 0, tzinfo=UTC)
V2_AT = datetime(2024, 10, 1, 12, 0, tzinfo=UTC)
BETWEEN = datetime(2024, 9, 15, tzinfo=UTC)
AFTER = datetime(2024, 10, 2, tzinfo=UTC)
BEFORE = datetime(2024, 8, 1, tzinfo=UTC)
NAME = "unrwa-commodities-received"


def v1() -> list[dict[str, Any]]:
    return [unrwa_row(i, day=f"2024-04-{i:02d}", crossing="Kerem Shalom" if i <= 20 else "Rafah")
            for i in range(1, 31)]


def v2() -> list[dict[str, Any]]:
    rows = [r for r in v1() if int(r["ID"]) not in (29, 30)]
    for r in rows[:12]:
        r["Quantity"] = "20"
    rows += [unrwa_row(i, day="2024-04-05", crossing="Rafah") for i in (41, 42, 43)]
    rows.append(unrwa_row(44, day="2024-05-02", crossing="Rafah"))
    return rows


@dataclass
class Versions:
    engine: Engine
    folder: Path
    seen: dict[str, dict[str, Any]] = field(default_factory=dict)  # "v1"/"v2" -> answers right after


def stamp(engine: Engine, dataset_id: int, at: datetime) -> None:
    """Move an import to a known moment (the service stamps the wall clock)."""
    with engine.begin() as conn:
        conn.execute(update(schema.datasets).where(schema.datasets.c.id == dataset_id).values(imported_at=at))
        conn.execute(update(schema.revisions).where(schema.revisions.c.dataset_id == dataset_id).values(changed_at=at))


def v3() -> list[dict[str, Any]]:
    """The first version again: withdrawn rows restored, doubled quantities back, back-filled rows gone."""
    rows = v1()
    for r in rows[:3]:
        r["Quantity"] = "30"  # and three rows revised a second time
    return rows


V3_AT = datetime(2024, 11, 1, 12, 0, tzinfo=UTC)


def load_versions(engine: Engine, folder: Path, observe: Any, third: bool = False) -> Versions:
    out = Versions(engine, folder)
    rules = load_set("normalisation")
    steps = [("v1", v1(), V1_AT), ("v2", v2(), V2_AT)] + ([("v3", v3(), V3_AT)] if third else [])
    for name, rows, at in steps:
        # Date-stamped names, as the publisher's: one series, so the later files revise the earlier.
        path = unrwa_csv(folder / f"{NAME}-{at:%Y%m%d}.csv", rows)
        report = import_file(engine, path, kind="unrwa", rules=rules)
        assert report.dataset_id is not None and report.series == NAME
        stamp(engine, report.dataset_id, at)
        out.seen[name] = observe(engine)
    return out


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path
