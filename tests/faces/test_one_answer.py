"""One answer to one question: every face (CLI, API, pages, map, PDF report, claims evidence) gives the
same figure for the same question and parameters.

The store is the demo's: the bundled reference set plus the real line lists of ../shared/data (skipped
when absent). Each question is asked of every face that shows that figure; a face that answers with
another number fails the test with both values, so a divergence names the face to fix.
"""

from __future__ import annotations

import calendar
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from lifeline.api.app import create_app
from lifeline.api.settings import Settings
from lifeline.cli.app import run
from lifeline.store.engine import connect
from tests.conftest import SHARED_DATA, shared_file

MONTHS = [(2024, 1), (2024, 3), (2024, 5), (2024, 6)]
SOURCES = ["UNRWA", "COGAT"]


def _month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class Store:
    url: str
    engine: Engine
    client: TestClient


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Store:
    shared_file("unrwa-commodities-received-20241111.csv")  # skips, with the reason, when ../shared is absent
    from lifeline.cli.serve import build_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('faces') / 'demo.db'}"
    build_demo(url, SHARED_DATA, say=lambda _msg: None)
    engine = connect(url)
    client = TestClient(create_app(Settings(db_url=url, warm=False), engine))
    return Store(url, engine, client)


@pytest.fixture(scope="module")
def report_of(demo: Store) -> Callable[[date, date, str], Any]:
    """The PDF report's model for a window and source, built once for the module: the deliveries, coverage
    and throughput questions of one month read the same report (a build runs the Monte Carlo, 3-4 s)."""
    from lifeline.report.build import build

    built: dict[tuple[date, date, str], Any] = {}

    def report(lo: date, hi: date, source: str) -> Any:
        if (lo, hi, source) not in built:
            with demo.engine.connect() as conn:
                built[lo, hi, source] = build(conn, lo, hi, source=source)
        return built[lo, hi, source]

    return report


def cli_json(store: Store, *args: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    monkeypatch.setattr(sys, "argv", ["lifeline", "--db", store.url, *args, "--format", "json"])
    try:
        run()
    except SystemExit as exc:
        assert not exc.code, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def number(text: str) -> float:
    """The first number of a formatted figure ('6,402', '1,740 (1,399–2,085)', '83 %')."""
    found = re.search(r"-?\d[\d,]*(?:\.\d+)?", text)
    assert found, text
    return float(found.group(0).replace(",", ""))


def formatted(value: float) -> str:
    return f"{value:,.0f}"


# ----------------------------------------------------------------------------------------- deliveries

@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(("year", "month"), MONTHS)
def test_trucks_and_tonnes_of_a_month_are_one_figure_on_every_face(
    demo: Store, report_of: Callable[[date, date, str], Any], year: int, month: int, source: str,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    lo, hi = _month(year, month)
    window = ("--from", lo.isoformat(), "--to", hi.isoformat())
    cli = cli_json(demo, "deliveries", *window, "--by", "month", "--group", "source", "--source", source,
                   monkeypatch=monkeypatch, capsys=capsys)
    (row,) = [r for r in cli["rows"] if r["source"] == source]
    trucks, tonnes = row["trucks"], row["tonnes"]

    api = demo.client.get("/api/v1/deliveries", params={"from": lo, "to": hi, "by": "month", "group": "source",
                                                        "source": source}).json()
    (api_row,) = [r for r in api["rows"] if r["source"] == source]
    assert (api_row["trucks"], api_row["tonnes"]) == (trucks, tonnes), "API"

    report = report_of(lo, hi, source)
    shown = [k for k in report.key_figures if k["label"].startswith(f"{source}: trucks recorded")]
    assert shown and number(shown[0]["value"]) == round(trucks), ("report", shown, trucks)

    text = f"In {calendar.month_name[month]} {year}, {formatted(trucks)} aid trucks entered Gaza."
    checked = demo.client.post("/api/v1/claims/check", json={"text": text, "date": hi.isoformat()}).json()
    evidence = [e for c in checked["claims"] for e in c["evidence"] if e["source"].startswith(source)]
    assert evidence and round(evidence[0]["value"]) == round(trucks), ("claims evidence", evidence[:1], trucks)


# ----------------------------------------------------------------------------------------- coverage

@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(("year", "month"), MONTHS)
def test_kcal_per_person_of_a_month_does_not_depend_on_the_window_or_the_face(
    demo: Store, report_of: Callable[[date, date, str], Any], year: int, month: int, source: str,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """A month's kcal/person/day (median and 95 % interval) asked for alone, inside the whole record, on
    the API, the Coverage page, the map and in the report's key figures."""
    lo, hi = _month(year, month)
    period = lo.isoformat()

    def pick(rows: list[dict[str, Any]]) -> tuple[Any, Any, Any]:
        (r,) = [r for r in rows if str(r["period"])[:10] == period and r["area"] == "gaza-strip"]
        return r["kcal_pp"], r["kcal_pp_low"], r["kcal_pp_high"]

    alone = cli_json(demo, "coverage", "--from", period, "--to", hi.isoformat(), "--by", "month", "--source",
                     source, monkeypatch=monkeypatch, capsys=capsys)
    figure = pick(alone["rows"])
    whole = cli_json(demo, "coverage", "--by", "month", "--source", source, monkeypatch=monkeypatch, capsys=capsys)
    assert pick(whole["rows"]) == figure, "the same month inside the whole record"
    api = demo.client.get("/api/v1/coverage", params={"from": lo, "to": hi, "by": "month", "source": source})
    assert pick(api.json()["rows"]) == figure, "API"

    median = formatted(figure[0])
    page = demo.client.get("/coverage", params={"from": lo, "to": hi, "by": "month", "source": source}).text
    assert median in page, ("Coverage page", median)
    mapped = demo.client.get("/map", params={"date": lo.replace(day=15), "source": source}).text
    assert median in mapped, ("map", median)

    report = report_of(lo, hi, source)
    # the whole Strip's figure (the report also shows the north and the south beside it)
    (kcal,) = [k for k in report.key_figures
               if k["label"].startswith("kcal per person per day") and "Gaza Strip" in k["label"]]
    assert [number(part) for part in re.split(r"[(–)]", kcal["value"]) if part.strip()] == list(figure), "report"


# ----------------------------------------------------------------------------------------- status

@pytest.mark.parametrize("day", [date(2024, 5, 12), date(2024, 9, 1)])
@pytest.mark.parametrize("crossing", ["rafah", "kerem-shalom", "erez"])
def test_a_crossing_status_on_a_day_is_one_answer(
    demo: Store, day: date, crossing: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    cli = cli_json(demo, "access", "--day", day.isoformat(), "--crossing", crossing,
                   monkeypatch=monkeypatch, capsys=capsys)
    (row,) = [r for r in cli["rows"] if r.get("crossing") == crossing and r.get("level", "crossing") == "crossing"]
    api = demo.client.get("/api/v1/access", params={"from": day, "to": day, "crossing": crossing}).json()
    (api_row,) = [r for r in api["rows"] if r.get("crossing") == crossing and r.get("level", "crossing") == "crossing"]
    assert api_row["status"] == row["status"], "API"
    page = demo.client.get("/map", params={"date": day}).text
    assert row["status"] in page, ("map", row["status"])


# ----------------------------------------------------------------------------------------- key figures

def test_the_key_figures_are_the_clis_figures_on_the_overview(
    demo: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """The Overview strip's trucks/day (latest complete month per source) is the CLI's throughput row for that
    month and source; its kcal/person/day is the CLI's coverage row; the Overview prints both."""
    from lifeline.model.key_figures import key_figures

    with demo.engine.connect() as conn:
        strip = key_figures(conn)
    trucks = [r for r in strip.rows if r["key"].startswith("trucks_per_day/")]
    kcal = [r for r in strip.rows if r["key"].startswith("kcal/")]
    assert trucks and kcal, strip.rows
    throughput = cli_json(demo, "access", "--show", "throughput", "--by", "month",
                          monkeypatch=monkeypatch, capsys=capsys)
    page = demo.client.get("/").text
    for fig in trucks:
        source = fig["key"].split("/", 1)[1]
        (row,) = [r for r in throughput["rows"] if r["source"] == source and str(r["period"])[:10] == fig["period"]]
        assert row["trucks_per_day"] == fig["value"], ("CLI throughput", source, row, fig)
        assert row["prewar_trucks_per_day"] == dict(fig["compare"])["pre-war"]
        assert formatted(fig["value"]) in page, ("Overview", source, fig["value"])
    coverage = cli_json(demo, "coverage", "--by", "month", "--source", "UNRWA", monkeypatch=monkeypatch, capsys=capsys)
    for fig in kcal:
        (row,) = [r for r in coverage["rows"] if r["area"] == fig["place"] and str(r["period"])[:10] == fig["period"]]
        assert (row["kcal_pp"], row["kcal_pp_low"], row["kcal_pp_high"]) == (fig["value"], fig["low"], fig["high"])
        assert formatted(fig["value"]) in page, ("Overview", fig["value"])


@pytest.mark.parametrize("source", SOURCES)
def test_the_reports_trucks_per_day_are_the_key_figures(
    demo: Store, report_of: Callable[[date, date, str], Any], source: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A May 2024 report gives May's trucks/day per source as `lifeline access --show throughput --by month`."""
    cli = cli_json(demo, "access", "--show", "throughput", "--by", "month", "--from", "2024-05-01", "--to",
                   "2024-05-31", monkeypatch=monkeypatch, capsys=capsys)
    (row,) = [r for r in cli["rows"] if r["source"] == source]
    report = report_of(date(2024, 5, 1), date(2024, 5, 31), source)
    (shown,) = [k for k in report.key_figures if k["label"].startswith(f"{source}: trucks per day in the month")]
    assert number(shown["value"]) == round(row["trucks_per_day"]), (shown, row)


# ----------------------------------------------------------------------------------------- claims kcal

def test_the_claims_kcal_evidence_is_the_clis_coverage_figure(
    demo: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """A claim about May 2024's kcal/person/day is judged against `lifeline coverage`'s figure for that month
    (the same function, runs and seed): each source's evidence value and interval are the CLI's."""
    lo, hi = _month(2024, 5)
    cli = cli_json(demo, "coverage", "--from", lo.isoformat(), "--to", hi.isoformat(), "--by", "month", "--area",
                   "gaza-strip", monkeypatch=monkeypatch, capsys=capsys)
    text = "In May 2024, about 1,900 kcal per person per day reached people in the Gaza Strip."
    checked = demo.client.post("/api/v1/claims/check", json={"text": text, "date": hi.isoformat()}).json()
    (claim,) = [c for c in checked["claims"] if c["indicator"] == "kcal_per_person"]
    engine_rows = [e for e in claim["evidence"] if "coverage engine" in e["source"]]
    assert engine_rows, claim["evidence"]
    for row in [r for r in cli["rows"] if str(r["period"])[:10] == lo.isoformat()]:
        source = str(row["sources"])
        (ev,) = [e for e in engine_rows if e["source"].startswith(source)]
        assert round(ev["value"]) == round(row["kcal_pp"]), ("claims evidence", source, ev, row["kcal_pp"])
        interval = f"{row['kcal_pp_low']:,.0f}–{row['kcal_pp_high']:,.0f}"
        assert interval in ev["note"], ("claims interval", source, ev["note"], interval)
