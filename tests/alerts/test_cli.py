"""The alert, scenario and report commands as a user runs them: import raises alerts, JSON is one document,
re-import adds nothing, ack changes state, bad input is one line and exit status 2."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pypdf
import pytest

from lifeline.alerts.model import short_key
from tests.cli.helpers import invoke_cli, run_cli, unrwa_csv, unrwa_row

D0 = date(2024, 4, 1)


def _list_with_a_gap(folder: Path, stamp: str = "20240601") -> Path:
    """40 days at Kerem Shalom and at Rafah, Rafah with nothing recorded on the last six (the gap still holds)."""
    rows, n = [], 0
    for d in range(40):
        day = (D0 + timedelta(days=d)).isoformat()
        for crossing in ("Kerem Shalom", "Rafah"):
            if crossing == "Rafah" and d >= 34:
                continue
            n += 1
            rows.append(unrwa_row(n, day=day, crossing=crossing, quantity=20))
    return unrwa_csv(folder / f"unrwa-commodities-received-{stamp}.csv", rows)


@pytest.mark.slow
def test_import_raises_alerts_once_and_the_commands_speak_json(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'l.db'}"
    path = _list_with_a_gap(tmp_path)
    imp = invoke_cli(db, "import", str(path), "--format", "json")
    assert imp.returncode == 0, imp.stderr
    json.loads(imp.stdout)  # the import's own JSON is untouched by the alert hook
    listed = invoke_cli(db, "alerts", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    doc = json.loads(listed.stdout)
    keys = [r["key"] for r in doc["rows"]]
    gap = short_key("crossing-gap/rafah/2024-05-05/unrwa-commodities-received")
    assert gap in keys
    row = next(r for r in doc["rows"] if r["key"] == gap)
    assert row["evidence"]["days_without_entries"] == 6 and row["state"] == "open"
    assert any(s["publisher"] == "UNRWA" for s in doc["sources"])
    # Re-import (same file) and an explicit check: still one alert per key.
    assert invoke_cli(db, "import", str(path)).returncode == 0
    check = invoke_cli(db, "alerts", "check", "--format", "json")
    assert json.loads(check.stdout)["new"] == 0
    again = json.loads(invoke_cli(db, "alerts", "list", "--format", "json").stdout)
    assert sorted(r["key"] for r in again["rows"]) == sorted(keys)
    # Acknowledge; then an unknown key is one line on stderr and exit status 2.
    assert invoke_cli(db, "alerts", "ack", gap, "--by", "desk").returncode == 0
    acked = json.loads(invoke_cli(db, "alerts", "list", "--state", "acknowledged", "--format", "json").stdout)
    assert [r["key"] for r in acked["rows"]] == [gap]
    bad = invoke_cli(db, "alerts", "ack", "no/such/key")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "no alert with key" in bad.stderr
    # Console delivery of what the import queued.
    sent = invoke_cli(db, "alerts", "deliver", "--format", "json")
    assert json.loads(sent.stdout)["sent"] == len(keys) and "No recorded entries at Rafah" in sent.stderr


@pytest.mark.slow
def test_scenario_and_report_commands(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'l.db'}"
    assert run_cli(db, "import", str(_list_with_a_gap(tmp_path))).returncode == 0
    scen = tmp_path / "s.toml"
    scen.write_text(
        '[scenario]\ntitle = "t"\nstart = "2024-05-11"\ndays = 14\nbaseline_from = "2024-04-01"\n'
        'baseline_to = "2024-05-10"\nruns = 20\n[population.south]\nvalue = 1000000\nsource = "test"\n'
        '[reach]\nkerem-shalom = ["south"]\nrafah = ["south"]\n[[closures]]\ncrossing = "rafah"\n'
    )
    out = run_cli(db, "scenario", str(scen), "--by", "week", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert len(doc["rows"]) == 2 and doc["rows"][0]["area"] == "south" and doc["sources"]
    alloc = run_cli(db, "scenario", str(scen), "--allocation", "--format", "json")
    assert alloc.returncode == 0 and json.loads(alloc.stdout)["rows"][0]["trucks_needed"] > 0
    missing = run_cli(db, "scenario", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and "scenario file not found" in missing.stderr
    pdf = tmp_path / "r.pdf"
    rep = run_cli(db, "report", "--from", "2024-04-01", "--to", "2024-05-10", "--runs", "20", "-o", str(pdf))
    assert rep.returncode == 0, rep.stderr
    text = "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages)
    flat = text.replace("\n", " ")  # alerts are listed by rule, place and period (keys are for the CLI, not the page)
    assert "No recorded entries at Rafah crossing for 6 days" in flat and "2024-05-05" in flat
    bad = run_cli(db, "report", "--from", "2024-13-01", "-o", str(pdf))
    assert bad.returncode == 2 and "--from expects a date" in bad.stderr
