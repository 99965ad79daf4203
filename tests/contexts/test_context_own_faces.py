"""A second crisis beside Gaza shows its own numbers on every face (round 6's El Fasher findings, as classes).

The store: Gaza's reference set (500 trucks per *working* day) and a tiny fictional context "Wadi Sela" (XW)
written here, whose own baseline is 60 trucks per *calendar* day. Hand figures, January 2025:
- list "Wadi cell": North pass 2 trucks a day on 1-10 Jan (20), 2 rows with no truck count on 11-12 Jan;
- list "Wadi WFP": North pass 1 truck a day on 1-5 Jan, lentils only;
- West gate reported restricted on 10 Jan (stands 14 days: to 23 Jan), entries on 25 and 27 Jan.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lifeline.ingest.service import import_file
from tests.contexts.conftest import Ran
from tests.web.helpers import Served

SRC = "Wadi Sela cell (fictional test data)"
WFP = "Wadi WFP (fictional test data)"
PLACES = f"""code,type,name_en,name_ar,parent,serves,source
#loc+code,#loc+type,#loc+name+i_en,#loc+name+i_ar,#loc+code+parent,#loc+code+serves,#meta+source
XW,region,Wadi Sela (fictional),وادي سيلا,,,{SRC}
XW01,district,Upper wadi,الوادي الأعلى,XW,,{SRC}
XW02,district,Lower wadi,الوادي الأسفل,XW,,{SRC}
north-pass,checkpoint,North pass,الممر الشمالي,XW,XW01,{SRC}
west-gate,checkpoint,West gate,البوابة الغربية,XW,XW02,{SRC}
"""
POPULATION = f"""district,date,population,source
#adm1+code,#date,#population,#meta+source
XW01,2025-01-01,10000,{SRC}
XW02,2025-01-01,20000,{SRC}
"""
BASELINE = f"""id,indicator,location,date,value,unit,source
#meta+id,#indicator+code,#loc+code,#date+start,#indicator+num,#indicator+unit,#meta+source
xw-base,trucks_per_day_prewar,XW,2024-06-01,60,trucks/day,{SRC}
"""
STATUS = f"""crossing,date,status,source
#loc+code,#date,#status,#meta+source
west-gate,2025-01-10,restricted,{SRC}
"""
HEAD = "date,crossing,item,tonnes,trucks,destination,source\n" \
       "#date,#loc+crossing+name,#item+name,#indicator+num+tonnes,#indicator+num+trucks,#adm1+code,#meta+source\n"


def _cell() -> str:
    rows = [f"2025-01-{d:02d},North pass,sorghum,20,2,XW01,{SRC}" for d in range(1, 11)]
    rows += [f"2025-01-{d:02d},North pass,sorghum,20,,XW01,{SRC}" for d in (11, 12)]
    rows += [f"2025-01-{d:02d},West gate,sorghum,10,1,XW02,{SRC}" for d in (25, 27)]
    return HEAD + "\n".join(rows) + "\n"


def _wfp() -> str:
    return HEAD + "\n".join(f"2025-01-{d:02d},North pass,lentils,10,1,XW01,{WFP}" for d in range(1, 6)) + "\n"


@pytest.fixture(scope="module")
def sela(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from lifeline.reference.load import load_all
    from lifeline.store.engine import open_store

    folder = tmp_path_factory.mktemp("sela")
    engine = open_store(f"sqlite:///{folder / 'lifeline.db'}")
    load_all(engine)
    files = {"1-places.csv": PLACES, "2-population.csv": POPULATION, "3-deliveries.csv": _cell(),
             "4-deliveries-wfp.csv": _wfp(), "5-status.csv": STATUS, "6-baseline.csv": BASELINE}
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        import_file(engine, folder / name)
    yield engine
    engine.dispose()


def _json(ran: Ran) -> dict:  # type: ignore[type-arg]
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout)  # type: ignore[no-any-return]


def test_a_baseline_per_calendar_day_is_used_as_stated_and_gazas_per_working_day_is_converted(
    sela: Engine, lifeline: Callable[..., Ran]
) -> None:
    from lifeline.model import access, contexts

    got = _json(lifeline(sela, "access", "--context", "XW", "--show", "throughput", "--format", "json"))
    assert {r["prewar_trucks_per_day"] for r in got["rows"]} == {60}  # not 60 x 6/7 = 51.4
    assert not any("working_days_per_week" in n for n in got["notes"])
    with sela.connect() as conn:
        xw = access.prewar_per_day(conn, contexts.scope(conn, "XW"))
        gaza = access.prewar_per_day(conn, contexts.scope(conn, "gaza-strip"))
    assert xw is not None and xw[0] == 60
    assert gaza is not None and gaza[0] == pytest.approx(500 * 6 / 7) and "working_days_per_week" in gaza[2]


def test_a_claimed_share_of_the_pre_war_flow_uses_the_baseline_as_the_access_face_does(sela: Engine) -> None:
    # 1-5 January: the cell's 2 trucks a day and WFP's 1 against 60 a day as stated (3.3 % and 1.7 %), never
    # against 60 x 6/7 = 51.4 (3.9 % and 1.9 %), the conversion of Gaza's per-working-day figure
    from datetime import date

    from tests.claims.checked import report

    got = report(sela, "Wadi Sela, 3 February 2025 - From 1 to 5 January, trucks into Wadi Sela were 3% of the "
                       "pre-war flow.", date(2025, 2, 3))
    (claim,) = got["claims"]
    assert sorted(s["value"] for s in claim["sources"]) == [1.7, 3.3], claim["sources"]
    assert "working day" not in " ".join(claim.get("notes", []))


def test_trucks_low_compares_with_and_cites_the_context_own_baseline(sela: Engine) -> None:
    from lifeline.alerts.config import load_config
    from lifeline.alerts.rules import trucks_low
    from lifeline.model.contexts import scope

    with sela.connect() as conn:
        alerts = trucks_low(conn, load_config(), scope(conn, "XW"))
    assert alerts
    for alert in alerts:
        assert alert.evidence["limit_trucks_per_day"] == pytest.approx(12.0)  # 20 % of 60
        cited = alert.evidence["thresholds"]
        assert "prewar_trucks_per_day" not in {c.get("assumption") for c in cited}  # Gaza's 500, before
        (base,) = [c for c in cited if c.get("observation") == "trucks_per_day_prewar"]
        assert base["value"] == 60 and SRC in base["source"] and "OCHA" not in base["source"]


@pytest.fixture(scope="module")
def served(sela: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    from tests.web.helpers import serve

    s = serve(sela, tmp_path_factory.mktemp("served-sela"), data=False)
    yield s
    s.client.close()


def test_report_source_is_refused_when_unknown_and_defaults_to_the_context_list(
    sela: Engine, lifeline: Callable[..., Ran], tmp_path: Path
) -> None:
    out = str(tmp_path / "r.pdf")
    for bad in ("nosuch", "UNRWA"):  # UNRWA was the default, and this context has no UNRWA list
        ran = lifeline(sela, "report", "--context", "XW", "--source", bad, "-o", out)
        assert ran.returncode == 2 and "no line list" in ran.stderr and "Traceback" not in ran.stderr, ran.stderr
    # a series name is accepted, as `deliveries --source` accepts it
    assert lifeline(sela, "deliveries", "--context", "XW", "--source", "4-deliveries-wfp").returncode == 0
    from lifeline.model.coverage import named_list

    with sela.connect() as conn:
        assert named_list(conn, "XW", "4-deliveries-wfp") == WFP
        assert named_list(conn, "XW", "wadi wfp (fictional test data)") == WFP


def test_map_names_the_list_it_colours_and_offers_the_picker(served: Served) -> None:
    page = served.client.get("/map?context=XW&lang=en").text
    assert 'name="source"' in page  # the picker, as on the coverage page
    # two lists and none named: the map colours by neither (the coverage page shows each on its own row)
    assert "2 line lists cover this context" in page and "coverage from the line list" not in page
    one = served.client.get("/map?context=XW&lang=en&source=3-deliveries").text
    assert f"coverage from the line list of {SRC} (one of 2 lists" in one


def test_overview_freshness_and_series_picker_list_only_the_context_own(served: Served) -> None:
    api = served.client.get("/api/v1/sources/latest?context=XW").json()["rows"]
    assert {r["series"] for r in api} >= {"3-deliveries", "4-deliveries-wfp"}
    assert not [r for r in api if str(r["series"]).startswith("lifeline-reference")]  # Gaza's reference files
    overview = served.client.get("/?context=XW&lang=en").text
    assert "3-deliveries" in overview and "lifeline-reference-needs" not in overview
    page = served.client.get("/sources?context=XW&lang=en").text
    picker = re.search(r'<select[^>]*name="indicator".*?</select>', page, flags=re.S)
    assert picker is not None and "trucks_per_day_prewar" in picker.group(0)
    assert "food_trucks_per_day_prewar" not in picker.group(0)  # Gaza's indicator, not observed in XW
    gaza = served.client.get("/sources?context=gaza-strip&lang=en").text
    assert "food_trucks_per_day_prewar" in gaza


def test_rows_without_a_truck_count_are_said_where_trucks_are_shown(sela: Engine, lifeline: Callable[..., Ran]) -> None:
    window = ("--from", "2025-01-01", "--to", "2025-01-31")
    thr = _json(lifeline(sela, "access", "--context", "XW", "--show", "throughput", *window, "--format", "json"))
    (cell,) = [r for r in thr["rows"] if r["source"] == SRC]
    assert cell["trucks"] == 22 and cell["rows_without_trucks"] == 2 and cell["trucks_bound"] == "at least"
    (wfp,) = [r for r in thr["rows"] if r["source"] == WFP]
    assert wfp["rows_without_trucks"] == 0 and wfp["trucks_bound"] is None
    said = f"2 of 14 rows of {SRC} have no truck count"
    assert any(said in n for n in thr["notes"])
    dl = _json(lifeline(sela, "deliveries", "--context", "XW", *window, "--group", "crossing", "--format", "json"))
    assert any(said in n for n in dl["notes"])
    assert {r["crossing"]: r["rows_without_trucks"] for r in dl["rows"] if r["source"] == SRC} == {
        "north-pass": 2, "west-gate": 0}


def test_coverage_says_same_flows_only_where_the_lists_overlap(sela: Engine, tmp_path: Path) -> None:
    from lifeline.model.coverage import lists_note
    from lifeline.store.engine import open_store

    with sela.connect() as conn:  # sorghum (cell) and lentils (WFP): no commodity-day at one crossing shared
        apart = lists_note(conn, [SRC, WFP], None, None, "XW")
    assert "may add up" in apart and "same flows" not in apart
    engine = open_store(f"sqlite:///{tmp_path / 'overlap.db'}")
    files = {"1-places.csv": PLACES, "3-deliveries.csv": _cell(), "4-both.csv": _wfp().replace("lentils", "sorghum")}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        import_file(engine, tmp_path / name)
    with engine.connect() as conn:
        same = lists_note(conn, [SRC, WFP], None, None, None)
    assert "same flows counted differently (5 commodity-days" in same
    engine.dispose()


def test_timeline_and_closures_count_the_same_restricted_days_after_a_lapse(
    sela: Engine, lifeline: Callable[..., Ran]
) -> None:
    window = ("--from", "2025-01-01", "--to", "2025-01-31")
    days = _json(lifeline(sela, "access", "--context", "XW", "--crossing", "west-gate", *window, "--by", "day",
                          "--format", "json"))["rows"]
    status = {r["period"]: r["status"] for r in days}
    closures = _json(lifeline(sela, "access", "--context", "XW", "--show", "closures", *window, "--format", "json"))
    (restriction,) = [r for r in closures["rows"] if r["crossing"] == "west-gate"]
    assert sum(s == "restricted" for s in status.values()) == restriction["days"]
    # entries after the report lapsed: entries recorded (docs/access.md rule 3), never restricted
    assert status["2025-01-25"] == status["2025-01-27"] == "open" and status["2025-01-26"] == "unknown"
