"""A republished list fetched from a live source: what it moved, the revision alert, the outbox.

Version 1: 30 April rows (20 at Kerem Shalom, 10 at Rafah). Version 2 doubles 12 Kerem Shalom
rows, withdraws 2 Rafah rows, back-fills 3 Rafah rows into April and adds one May row (new, not a
revision). Figures are checked against the kilograms and trucks the import itself stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from lifeline.alerts import watching
from lifeline.alerts.store import list_alerts
from lifeline.assumptions import load_set
from lifeline.ingest.live import scheduler
from lifeline.model.revision_impact import impact
from lifeline.store import schema
from lifeline.store.tables_alerts import alert_outbox
from tests.cli.helpers import run_cli, unrwa_csv, unrwa_row
from tests.live.replay import Replay, Reply
from tests.live.test_fetch import SERIES, fast, register


def _v1() -> list[dict[str, Any]]:
    return [unrwa_row(i, day=f"2024-04-{i:02d}", crossing="Kerem Shalom" if i <= 20 else "Rafah")
            for i in range(1, 31)]


def _v2() -> list[dict[str, Any]]:
    rows = [r for r in _v1() if int(r["ID"]) not in (29, 30)]
    for r in rows[:12]:
        r["Quantity"] = "20"
    rows += [unrwa_row(i, day="2024-04-05", crossing="Rafah") for i in (41, 42, 43)]
    rows.append(unrwa_row(44, day="2024-05-02", crossing="Rafah"))
    return rows


def _csv(tmp: Path, name: str, rows: list[dict[str, Any]]) -> bytes:
    return unrwa_csv(tmp / name, rows).read_bytes()


@pytest.fixture
def republished(store: Engine, replay: Replay, tmp_path: Path) -> Engine:
    url = replay.route(f"/{SERIES}.csv", Reply(_csv(tmp_path, "a.csv", _v1()), etag='"1"'),
                       Reply(_csv(tmp_path, "b.csv", _v2()), etag='"2"'))
    register(store, "unrwa", url)
    for _ in range(2):
        run = watching.check_and_alert(store, scheduler.due(store, names=["unrwa"]), fast())
        assert [a.outcome for a in run.attempts] == ["new-version"]
    return store


def _kg_and_trucks(store: Engine, source_row_id: str) -> tuple[float, float]:
    d = schema.deliveries
    with store.connect() as conn:
        kg, trucks = conn.execute(select(d.c.kg, d.c.trucks).where(d.c.source_row_id == source_row_id)).one()
    return float(kg), float(trucks)


def test_what_the_second_version_moved_by_month_and_crossing(republished: Engine) -> None:
    with republished.connect() as conn:
        frame = impact(conn)
    assert frame["dataset_id"].unique().to_list() == [2]  # the first version revised nothing
    rows = {(r["period"].isoformat(), r["crossing"]): r for r in frame.to_dicts()}
    assert set(rows) == {("2024-04-01", "kerem-shalom"), ("2024-04-01", "rafah")}  # May's new row is no revision
    doubled_kg, doubled_trucks = _kg_and_trucks(republished, "1")
    single_kg, single_trucks = _kg_and_trucks(republished, "13")
    assert doubled_kg == pytest.approx(2 * single_kg)
    wheat = load_set("commodity-kcal").value("wheat-flour")

    ks = rows[("2024-04-01", "kerem-shalom")]
    assert (ks["rows_changed"], ks["rows_withdrawn"], ks["rows_back_filled"]) == (12, 0, 0)
    assert ks["tonnes_before"] == pytest.approx(12 * single_kg / 1000)
    assert ks["tonnes_after"] == pytest.approx(12 * doubled_kg / 1000)
    assert ks["trucks_after"] == pytest.approx(12 * doubled_trucks)
    assert ks["kcal_after"] == pytest.approx(12 * doubled_kg * wheat)

    rafah = rows[("2024-04-01", "rafah")]
    assert (rafah["rows_changed"], rafah["rows_withdrawn"], rafah["rows_back_filled"]) == (0, 2, 3)
    assert rafah["tonnes_before"] == pytest.approx(2 * single_kg / 1000)
    assert rafah["tonnes_after"] == pytest.approx(3 * single_kg / 1000)
    assert rafah["kcal_change"] == pytest.approx(single_kg * wheat)


def test_revision_alert_with_per_crossing_figures_goes_to_the_outbox(republished: Engine) -> None:
    with republished.connect() as conn:
        (alert,) = list_alerts(conn, rule="revision")
        queued = conn.execute(select(alert_outbox).where(alert_outbox.c.alert_id == alert["id"])).all()
    ev = alert["evidence"]
    assert alert["period_start"].isoformat() == "2024-04-01"
    assert ev["rows_revised"] == 12 + 2 + 3  # changed + withdrawn + back-filled
    assert ev["pct_tonnes"] > load_set("alerts").value("revision_threshold_pct")
    assert {c["crossing"] for c in ev["by_crossing"]} == {"kerem-shalom", "rafah"}
    assert queued, "a new alert is queued for delivery through the outbox"


def test_revisions_since_and_by_period_on_the_command_line(republished: Engine, tmp_path: Path) -> None:
    db = str(republished.url)
    later = run_cli(db, "revisions", "--since", "2999-01-01", "--format", "json")
    assert later.returncode == 0 and json.loads(later.stdout)["rows"] == []
    listed = json.loads(run_cli(db, "revisions", "--since", "2024-01-01", "--format", "json").stdout)["rows"]
    assert len(listed) == 14  # 12 changed + 2 withdrawn rows (back-filled rows are new rows, not revisions)
    doc = json.loads(run_cli(db, "revisions", "--since", "2024-01-01", "--by-period", "month",
                             "--format", "json").stdout)
    assert sorted(r["crossing"] for r in doc["rows"]) == ["kerem-shalom", "rafah"]
    (cited,) = [s for s in doc["sources"] if s.get("dataset_id") == 2]  # the revising version, with its retrieval
    assert cited["path"].endswith(f"{SERIES}.csv") and cited["retrieved"]
    bad = run_cli(db, "revisions", "--since", "yesterday")
    assert bad.returncode == 2 and "--since expects" in bad.stderr


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_the_two_published_unrwa_lists_served_one_after_the_other(store: Engine, replay: Replay) -> None:
    """The real September and November 2024 lists at one URL, named by Content-Disposition as a publisher does."""
    from tests.conftest import shared_file

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    versions = [shared_file(f"{SERIES}-{stamp}.xlsx") for stamp in ("20240911", "20241111")]
    replies = [Reply(p.read_bytes(), 200, xlsx, etag=f'"{p.stem}"',
                     headers={"Content-Disposition": f'attachment; filename="{p.name}"'}) for p in versions]
    register(store, "unrwa", replay.route("/unrwa/commodities-received", *replies))
    outcomes, reports = [], []
    for _ in range(3):
        run = scheduler.check_sources(store, scheduler.due(store, names=["unrwa"]), fast(timeout_seconds=120))
        outcomes += [a.outcome for a in run.attempts]
        reports += [a.report for a in run.attempts]
    assert outcomes == ["new-version", "new-version", "not-modified"]
    second = reports[1]
    assert second is not None and second["rows_changed"] + second["rows_withdrawn"] + second["rows_imported"] > 0
    with store.connect() as conn:
        paths = conn.execute(select(schema.datasets.c.path).order_by(schema.datasets.c.id)).scalars().all()
        moved = impact(conn)
    assert [Path(p).name for p in paths] == [p.name for p in versions]
    assert moved.is_empty() or set(moved["dataset_id"].to_list()) == {2}  # only the newer list revises
