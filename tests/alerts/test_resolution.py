"""An alert whose condition has ended is resolved with its end date, keeps its state history, is re-opened if
the condition returns, and lists show open alerts first and resolved ones only on request."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, insert

from lifeline.alerts.config import load_config
from lifeline.alerts.evaluate import evaluate
from lifeline.alerts.model import Alert
from lifeline.alerts.rules import crossing_gap
from lifeline.alerts.store import acknowledge, list_alerts, record
from lifeline.store import schema
from tests.alerts import data

D0 = date(2024, 4, 1)
T0 = datetime(2024, 6, 1, tzinfo=UTC)


def _gap(start: date, end: date, ongoing: bool, place: str = "rafah") -> Alert:
    return Alert(rule="crossing-gap", severity="high", place=place, period_start=start, period_end=end,
                 title="No recorded entries", message=f"none {start} to {end}", ongoing=ongoing)


def test_an_ended_episode_is_recorded_resolved_on_its_last_day_and_not_announced(store: Engine) -> None:
    with store.begin() as conn:
        res = record(conn, [_gap(D0, D0 + timedelta(days=5), ongoing=False),
                            _gap(D0 + timedelta(days=20), D0 + timedelta(days=30), ongoing=True, place="erez")],
                     ["crossing-gap"], T0)
    assert len(res.new) == 2 and len(res.new_ids) == 1  # only the one that still holds is sent
    with store.connect() as conn:
        listed = list_alerts(conn)
        every = list_alerts(conn, include_resolved=True)
    assert [a["place"] for a in listed] == ["erez"]
    assert [a["state"] for a in every] == ["open", "resolved"]  # open first
    ended = every[1]
    assert ended["resolved_on"] == D0 + timedelta(days=5) and ended["resolution"] == "condition ended"
    assert [h["state"] for h in ended["history"]] == ["open", "resolved"]


def test_resolve_when_the_condition_ends_and_reopen_when_it_returns(store: Engine) -> None:
    key = _gap(D0, D0, True).key
    with store.begin() as conn:
        record(conn, [_gap(D0, D0 + timedelta(days=9), ongoing=True)], ["crossing-gap"], T0)
        acknowledge(conn, key, by="analyst")
    with store.begin() as conn:  # entries resumed: the same episode now ends on day 12
        res = record(conn, [_gap(D0, D0 + timedelta(days=12), ongoing=False)], ["crossing-gap"], T0 + timedelta(1))
    assert res.resolved == [key]
    with store.begin() as conn:  # a revised list withdraws the entries: the gap holds again
        res = record(conn, [_gap(D0, D0 + timedelta(days=20), ongoing=True)], ["crossing-gap"], T0 + timedelta(2))
    assert res.reopened == [key]
    with store.connect() as conn:
        (a,) = list_alerts(conn)
    assert a["state"] == "open" and a["resolved_on"] is None and a["acknowledged_by"] == "analyst"
    assert [(h["state"], h["why"]) for h in a["history"]] == [
        ("open", "found"), ("resolved", "condition ended"), ("open", "condition holds again")]
    assert a["history"][1]["on"] == (D0 + timedelta(days=12)).isoformat()


def test_crossing_gap_that_ended_is_resolved_by_evaluation(store: Engine) -> None:
    with store.begin() as conn:
        ds = data.dataset(conn, "un-list", "UNRWA")
        skip = {D0 + timedelta(days=d) for d in range(10, 14)} | {D0 + timedelta(days=d) for d in range(35, 40)}
        data.deliveries(conn, ds, "un-list", data.every_day(D0, 40, "rafah", 2, skip=skip)
                        + data.every_day(D0, 40, "kerem-shalom", 3))
    with store.connect() as conn:
        found = {a.period_start: a.ongoing for a in crossing_gap(conn, load_config())}
    assert found == {date(2024, 4, 11): False, date(2024, 5, 6): True}
    evaluate(store, only=["crossing-gap"])
    with store.connect() as conn:
        states = {a["period_start"]: (a["state"], a["resolved_on"]) for a in list_alerts(conn, include_resolved=True)}
    assert states == {date(2024, 4, 11): ("resolved", date(2024, 4, 14)), date(2024, 5, 6): ("open", None)}
    # entries resume at Rafah on 11 May: the open gap has ended and is resolved on its last day, 10 May
    with store.begin() as conn:
        for i, crossing in enumerate(("rafah", "kerem-shalom")):
            conn.execute(insert(schema.deliveries).values(
                series="un-list", source_row_id=f"late-{i}", dataset_id=ds, first_dataset_id=ds, row_number=100 + i,
                date=date(2024, 5, 11), crossing=crossing, category="food", consignments=1, trucks=2.0, kg=40000.0))
    evaluate(store, only=["crossing-gap"])
    with store.connect() as conn:
        assert list_alerts(conn) == []
        states = {a["period_start"]: (a["state"], a["resolved_on"]) for a in list_alerts(conn, include_resolved=True)}
    assert states == {date(2024, 4, 11): ("resolved", date(2024, 4, 14)),
                      date(2024, 5, 6): ("resolved", date(2024, 5, 10))}


def test_api_and_cli_list_resolved_only_on_request(store: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from lifeline.cli.app import app
    from tests.web.helpers import serve

    with store.begin() as conn:
        record(conn, [_gap(D0, D0 + timedelta(days=5), ongoing=False),
                      _gap(D0 + timedelta(days=20), D0 + timedelta(days=30), ongoing=True, place="erez")],
               ["crossing-gap"], T0)
    served = serve(store, tmp_path, data=False)
    try:
        assert [r["place"] for r in served.client.get("/api/v1/alerts").json()["rows"]] == ["erez"]
        rows = served.client.get("/api/v1/alerts", params={"include_resolved": "true"}).json()["rows"]
        assert [(r["place"], r["state"]) for r in rows] == [("erez", "open"), ("rafah", "resolved")]
        html = served.client.get("/", params={"alerts": "all"}).text
        assert "condition ended" in html and 'id="alerts-toggle" href="/"' in html
        assert "/api/v1/alerts?include_resolved=true" in html
        assert "condition ended" not in served.client.get("/").text and "?alerts=all" in served.client.get("/").text
    finally:
        served.client.close()
    runner = CliRunner()
    url = store.url.render_as_string(hide_password=False)
    plain = runner.invoke(app, ["--db", url, "alerts", "list", "--format", "json"])
    assert plain.exit_code == 0, plain.output
    assert [r["place"] for r in json.loads(plain.output)["rows"]] == ["erez"]
    every = runner.invoke(app, ["--db", url, "alerts", "list", "--include-resolved", "--format", "json"])
    assert [r["state"] for r in json.loads(every.output)["rows"]] == ["open", "resolved"]
