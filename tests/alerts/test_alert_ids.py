"""Short alert ids (issue 15): ``rule.place.date[.extra].hash``, URL-safe, the same each time an episode
is found; the longer keys alerts had before stay addressable (acknowledgements made and links sent), and
migration 0022a gives alerts already stored their short id without losing their state."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, select

from lifeline.alerts.evaluate import evaluate
from lifeline.alerts.model import alert_key, legacy_key, short_key
from lifeline.ingest.service import import_file
from lifeline.store.engine import alembic_config, open_store
from lifeline.store.tables_alerts import alerts
from tests.cli.helpers import rafah_gap_listing
from tests.web.helpers import bearer, serve

SENTENCE = "SYNTHETIC test data (round 3) - not real figures, published by a partner / cluster for testing"
URL_SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")


def test_a_short_id_is_url_safe_readable_and_stable() -> None:
    key = alert_key("coverage-low", "XJ01", date(2024, 5, 6), SENTENCE)
    assert URL_SAFE.match(key) and len(key) < 80, key
    assert key.startswith("coverage-low.XJ01.2024-05-06.synthetic-test-data-roun.")
    assert key == alert_key("coverage-low", "XJ01", date(2024, 5, 6), SENTENCE)  # stable
    assert key == short_key(legacy_key("coverage-low", "XJ01", date(2024, 5, 6), SENTENCE))
    # two sources whose sentences share their first 24 characters are two alerts
    assert key != alert_key("coverage-low", "XJ01", date(2024, 5, 6), SENTENCE + " (revised)")
    assert alert_key("crossing-gap", None, None) == "crossing-gap.-.-." + short_key("crossing-gap/-/-")[-8:]
    long_place = alert_key("revision", "p" * 64, date(2024, 1, 1), "s" * 300, "12")
    assert len(long_place) <= 200 and URL_SAFE.match(long_place)



def test_a_real_alert_is_acknowledged_by_its_id_and_by_its_old_key(tmp_path: Path) -> None:
    served = serve(open_store(f"sqlite:///{tmp_path / 'store.db'}"), tmp_path)
    auth = bearer(served.editor_token)
    listing = rafah_gap_listing(tmp_path)
    with listing.open("rb") as fh:
        uploaded = served.client.post("/api/v1/imports", files={"file": (listing.name, fh)}, headers=auth)
    assert uploaded.status_code == 201 and uploaded.json()["outcome"] == "stored"
    rows = served.client.get("/api/v1/alerts", params={"include_resolved": "true"}).json()["rows"]
    assert rows and all(URL_SAFE.match(r["key"]) for r in rows)
    gap = next(r["key"] for r in rows if r["key"].startswith("crossing-gap.rafah.") and r["state"] == "open")
    with served.engine.connect() as conn:
        old = conn.execute(select(alerts.c.legacy_key).where(alerts.c.key == gap)).scalar_one()
    assert old.startswith("crossing-gap/rafah/") and short_key(old) == gap

    by_old = served.client.post(f"/api/v1/alerts/{old}/ack", headers=auth)  # a link sent before short ids
    assert by_old.status_code == 200, by_old.text
    assert by_old.json()["key"] == gap and by_old.json()["state"] == "acknowledged"
    acked = served.client.get("/api/v1/alerts", params={"state": "acknowledged"}).json()["rows"]
    assert [a["key"] for a in acked] == [gap]
    by_id = served.client.post(f"/api/v1/alerts/{gap}/ack", headers=auth)  # again, by its id: still one alert
    assert by_id.status_code == 200 and by_id.json()["key"] == gap
    audit = served.client.get("/api/v1/audit", headers=bearer(served.admin_token)).json()["rows"]
    assert [a["target"] for a in audit if a["action"] == "alert-ack"] == [gap, gap]  # audited by its id
    assert served.client.post("/api/v1/alerts/crossing-gap.rafah.nope/ack", headers=auth).status_code == 404
    assert served.client.post("/api/v1/alerts/crossing-gap/rafah/nope/ack", headers=auth).status_code == 404
    served.client.close()


def test_the_migration_gives_stored_alerts_their_id_and_keeps_their_state(tmp_path: Path) -> None:
    """A store with an alert recorded (and acknowledged) under its old key, before migration 0022a."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = open_store(url)
    import_file(engine, rafah_gap_listing(tmp_path), imported_by="test")
    evaluate(engine)
    with engine.connect() as conn:
        found = conn.execute(select(alerts.c.key, alerts.c.legacy_key)).all()
    gap = next(r for r in found if r.key.startswith("crossing-gap.rafah."))
    engine.dispose()
    command.downgrade(alembic_config(url), "0011_alert_resolution")  # the alerts table as it was before
    raw = create_engine(url)
    with raw.begin() as conn:
        keys = [r[0] for r in conn.exec_driver_sql("SELECT key FROM alerts")]
        assert gap.legacy_key in keys and not any(k == gap.key for k in keys)  # the old keys are back
        conn.exec_driver_sql("UPDATE alerts SET state = 'acknowledged', acknowledged_by = 'ann' WHERE key = ?",
                             (gap.legacy_key,))
    raw.dispose()
    engine = open_store(url)  # upgrades to every head: 0022a again
    with engine.connect() as conn:
        row = conn.execute(select(alerts).where(alerts.c.legacy_key == gap.legacy_key)).one()
    assert row.key == gap.key and row.state == "acknowledged" and row.acknowledged_by == "ann"
    evaluate(engine)  # the same episode found again: the same row, still acknowledged
    with engine.connect() as conn:
        rows = conn.execute(select(alerts.c.key, alerts.c.state)).all()
    assert len(rows) == len(found) and dict(rows)[gap.key] == "acknowledged"  # type: ignore[arg-type]
    engine.dispose()
